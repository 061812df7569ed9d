"""Many stories, one run: `run_batch` and what it returns. See `contract` for what an executor provides."""

from claimcheck.batch.contract import BatchRun, FileAccount, StoryResult
from claimcheck.batch.run import EXECUTORS, run_batch

__all__ = ["EXECUTORS", "BatchRun", "FileAccount", "StoryResult", "run_batch"]
