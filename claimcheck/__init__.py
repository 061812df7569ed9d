"""claimcheck: find where news sources covering one story disagree."""

import logging

from claimcheck.config import CheckConfig
from claimcheck.errors import ClaimcheckError, InputError, ModelError
from claimcheck.pipeline import scan
from claimcheck.report import conflicts_frame
from claimcheck.types import Claim, Cluster, Conflict, ConflictValue, Document, Evidence, Problem, Report, Value
from claimcheck.version import __version__

__all__ = [
    "CheckConfig",
    "Claim",
    "ClaimcheckError",
    "Cluster",
    "Conflict",
    "ConflictValue",
    "Document",
    "Evidence",
    "InputError",
    "ModelError",
    "Problem",
    "Report",
    "Value",
    "__version__",
    "conflicts_frame",
    "scan",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())
