"""Command line: thin commands (options -> CheckConfig -> a library call -> output, exit code), one module each."""
# ruff: noqa: I001 - importing a command module registers its commands, in this order in --help

import signal

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
    app()


def _interrupt(number: int, frame: object) -> None:
    raise KeyboardInterrupt
