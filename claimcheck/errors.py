"""Errors the library raises; only the CLI turns them into messages and exit codes."""


class ClaimcheckError(Exception):
    """Base class: the message is meant for the user and says what to do."""


class InputError(ClaimcheckError):
    """The input cannot be scanned at all (missing path, nothing readable)."""


class ModelError(ClaimcheckError):
    """The embedding model could not be loaded."""


class ClusterError(ClaimcheckError):
    """A batch could not run on the Dask cluster asked for (not installed, unreachable, no workers)."""


class OutputError(ClaimcheckError):
    """A report or summary could not be written (read-only folder, full disk, a file in the way)."""


def cannot_write(path: object, exc: OSError) -> OutputError:
    reason = exc.strerror or type(exc).__name__
    return OutputError(
        f"{path}: cannot write there ({reason}); choose another output path, or free space or permissions"
    )
