"""The `steward` script: `steward token` starts in a fraction of a second; the rest loads the full CLI."""

import os
import sys


def main() -> None:
    """Dispatch: the token command alone, or the whole command line."""
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    if sys.argv[1:2] == ["token"]:
        from steward.token import token_app

        token_app(args=sys.argv[2:], prog_name="steward token")
        return
    from steward.cli import main as full

    full()
