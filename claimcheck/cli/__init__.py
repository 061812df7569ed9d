"""Command line: thin commands (options -> CheckConfig -> a library call -> output, exit code), one module each."""
# ruff: noqa: I001 - importing a command module registers its commands, in this order in --help

import os
import signal
import sys

from claimcheck.cli._app import app
from claimcheck.cli import scan  # noqa: F401
from claimcheck.cli import query  # noqa: F401
from claimcheck.cli import batch  # noqa: F401
from claimcheck.cli import evaluate  # noqa: F401

__all__ = ["app", "main"]


def main() -> None:
    # `kill` (SIGTERM) stops a run the way Ctrl-C does: workers stopped, what is done is
    # recorded, and a batch's --resume goes on from there
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        app()
    except Exception as exc:  # a bug of ours: a line that says so, not a traceback
        if os.environ.get(TRACEBACK_ENV):
            raise
        sys.stderr.write(
            f"claimcheck: internal error ({type(exc).__name__}: {exc}). This is a bug in claimcheck, "
            f"not a problem with your files: please report it with the command you ran; "
            f"{TRACEBACK_ENV}=1 shows where it happened.\n"
        )
        sys.exit(INTERNAL_ERROR)


# what `claimcheck` exits with when it fails on a bug of its own (sysexits.h EX_SOFTWARE)
INTERNAL_ERROR = 70
TRACEBACK_ENV = "CLAIMCHECK_TRACEBACK"


def _interrupt(number: int, frame: object) -> None:
    raise KeyboardInterrupt
