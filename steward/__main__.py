"""`python -m steward` runs the command line."""

from steward.entry import main

main()
