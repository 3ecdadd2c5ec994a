"""Everything ``warta serve`` keeps: ``Store`` (``DATA/serve.sqlite``) and the data folder's layout.

``Store`` is the one object the app, the worker and the command line open: its functions come
from three parts, each a family of tables (``database`` has the schema and the transactions):

- ``store_users.UserStore``: accounts, API keys, page sessions;
- ``store_jobs.JobStore``: the queue, progress, a done job's rows and article;
- ``store_review.ReviewStore``: the review of those rows (edits, bulk approvals, history,
  comments) and whether the outputs on disk carry it.

The records it gives back and its errors are in ``records``; they are named here too, so that
``from pipeline.serve.store import Store, Job`` reads as one import.
"""

from dataclasses import dataclass
from pathlib import Path

from pipeline.serve.database import now
from pipeline.serve.records import (
    JOB_STATUSES,
    REVIEW_STATES,
    ROLES,
    SEGMENT_STATES,
    Approval,
    Change,
    Comment,
    Conflict,
    Job,
    KeyRecord,
    NewSegment,
    Segment,
    StoreError,
    TargetText,
    User,
    new_job_id,
)
from pipeline.serve.store_jobs import JobStore
from pipeline.serve.store_review import ReviewStore
from pipeline.serve.store_users import UserStore

__all__ = [
    "JOB_STATUSES", "REVIEW_STATES", "ROLES", "SEGMENT_STATES", "Approval", "Change", "Comment", "Conflict", "DataFolder",
    "Job", "KeyRecord", "NewSegment", "Segment", "Store", "StoreError", "TargetText", "User", "new_job_id", "now",
]


@dataclass(frozen=True)
class DataFolder:
    """The layout of ``--data DIR``.

    Attributes:
        root: the folder.
    """

    root: Path

    @property
    def database(self) -> Path:
        """``serve.sqlite``: accounts, the queue, the review."""
        return self.root / "serve.sqlite"

    @property
    def uploads(self) -> Path:
        """``uploads/``: each upload under a name the server made (``<job id><suffix>``)."""
        return self.root / "uploads"

    @property
    def jobs(self) -> Path:
        """``jobs/``: each job's output folder, ``jobs/<job id>/``."""
        return self.root / "jobs"

    @property
    def memory(self) -> Path:
        """``memory.sqlite``: the office's translation memory (``pipeline.memory``)."""
        return self.root / "memory.sqlite"

    @property
    def session_secret(self) -> Path:
        """``session.secret``: the key that signs session cookies (made once, mode 0600)."""
        return self.root / "session.secret"

    @property
    def lock(self) -> Path:
        """``serve.lock``: held by the one server that uses the folder."""
        return self.root / "serve.lock"

    def create(self) -> None:
        """Make the folder and its subfolders (mode 0700: only the server's user reads them)."""
        for folder in (self.root, self.uploads, self.jobs):
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)


class Store(UserStore, JobStore, ReviewStore):
    """``serve.sqlite``: open it (creating the tables) and call its functions from any thread.

    Args:
        path: the SQLite file.

    Raises:
        WartaError: the file cannot be opened or is not a database.
    """
