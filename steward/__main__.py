"""`python -m steward` runs the command line."""

from steward.cli import main

main()
