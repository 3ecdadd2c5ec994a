"""What the store keeps and gives back: accounts, jobs, review rows and their history, as dataclasses.

Each record the API shows has ``as_json``, the shape docs/serve.md promises. The store's errors
are here too (``StoreError``, and ``Conflict`` for an edit made on a text changed since), so
that the API, the worker and the command line import them without importing the store.
"""

import secrets
from dataclasses import dataclass, field
from typing import Any

from pipeline.errors import WartaError

#: The roles an account may have: a reviewer submits, reviews and comments; an admin also
#: manages accounts and keys.
ROLES = ("reviewer", "admin")
#: A job's statuses, in the order a job goes through them (``failed`` instead of ``done``).
JOB_STATUSES = ("queued", "running", "done", "failed")
#: A target text's states: as the model made it, changed by a reviewer, vouched for.
SEGMENT_STATES = ("machine", "edited", "approved")
#: The states a reviewer may set (``machine`` is only ever the model's).
REVIEW_STATES = ("edited", "approved")


def new_job_id() -> str:
    """A new job id: random, URL-safe, 16 characters (also the name of its files)."""
    return secrets.token_urlsafe(12)


@dataclass(frozen=True)
class User:
    """An account.

    Attributes:
        name: the name it logs in with.
        role: ``reviewer`` or ``admin`` (``ROLES``).
    """

    name: str
    role: str

    @property
    def is_admin(self) -> bool:
        """Whether the account manages accounts and keys."""
        return self.role == "admin"


@dataclass(frozen=True)
class KeyRecord:
    """An API key as stored: its public id, its owner and the hash of its secret."""

    id: str
    user: str
    hash: str
    created_at: str


@dataclass(frozen=True)
class Job:
    """One release submitted to the server.

    Attributes:
        id: random and URL-safe; also the name of its upload and output folder.
        owner: the account that submitted it.
        status: one of ``JOB_STATUSES``.
        input_name: the client's file name (or ``pasted text``), as text for display only.
        upload: the upload's name in ``uploads/`` ("" when nothing was stored).
        targets: the languages to produce.
        profile: the translation profile.
        glossary: the uploaded glossary's name in ``uploads/``, or "".
        title: the article's title once read, else the input name.
        sentences_done, sentences_total: progress, in sentences.
        error: why it failed, one line ("" otherwise).
        outputs: the files of its output folder, once done.
        created_at, updated_at: ISO 8601, UTC.
        approved: rows whose every target is approved; total: rows (both 0 until done).
        outputs_with_review: its translated article is kept, so its outputs are written again
            with the review applied when downloaded (False until done, and for a job finished
            by a server older than that).
    """

    id: str
    owner: str
    status: str
    input_name: str
    upload: str
    targets: tuple[str, ...]
    profile: str
    glossary: str
    title: str
    sentences_done: int
    sentences_total: int
    error: str
    outputs: tuple[str, ...]
    created_at: str
    updated_at: str
    approved: int = 0
    total: int = 0
    outputs_with_review: bool = False

    def as_json(self) -> dict[str, Any]:
        """The job as the API shows it (the upload's stored name is the server's business)."""
        return {
            "id": self.id, "owner": self.owner, "status": self.status, "input_name": self.input_name,
            "title": self.title, "targets": list(self.targets), "profile": self.profile, "glossary": self.glossary or None,
            "sentences_done": self.sentences_done, "sentences_total": self.sentences_total, "error": self.error,
            "outputs": list(self.outputs), "outputs_with_review": self.outputs_with_review,
            "approved": self.approved, "total": self.total, "created_at": self.created_at, "updated_at": self.updated_at,
        }


@dataclass(frozen=True)
class TargetText:
    """One target language of a segment.

    Attributes:
        text: the text now.
        machine: what the model (or the memory) wrote.
        state: one of ``SEGMENT_STATES``.
        changed_by, changed_at: the last reviewer to change it and when (None while ``machine``).
    """

    text: str
    machine: str
    state: str = "machine"
    changed_by: str | None = None
    changed_at: str | None = None


@dataclass(frozen=True)
class Comment:
    """A reviewer's note on a source sentence."""

    id: int
    row: int
    text: str
    who: str
    at: str

    def as_json(self) -> dict[str, Any]:
        """The comment as the API shows it."""
        return {"id": self.id, "row": self.row, "text": self.text, "by": self.who, "at": self.at}


@dataclass(frozen=True)
class Segment:
    """One row of a done job: a source sentence and its translations under review.

    Attributes:
        row: 1-based, in document order (the rows of ``aligned.tsv``).
        block, sentence: the numbering of ``aligned.tsv`` (1-based block, sentence within it).
        kind: the block's kind (``title``, ``paragraph``, ``list_item``, ``table_cell``...).
        source: the Indonesian sentence.
        flags: QA and processing flags (``memory`` when it came from the translation memory).
        scores: target -> the model's mean log-probability per token.
        suggestion: a near match from the memory (``MemorySuggestion`` as a dict), or None.
        texts: target -> its text and state.
        comments: the comments on the row, oldest first.
        marker: a list item's number or bullet as the source shows it (``"2."``, ``"b)"``,
            ``"-"``); "" for every other kind of block.
        cell: a table cell's place in the source, (table, row, column), 0-based; None for
            every other kind of block.
    """

    row: int
    block: int
    sentence: int
    kind: str
    source: str
    flags: tuple[str, ...]
    scores: dict[str, float]
    suggestion: dict[str, Any] | None
    texts: dict[str, TargetText]
    comments: tuple[Comment, ...] = ()
    marker: str = ""
    cell: tuple[int, int, int] | None = None

    @property
    def approved(self) -> bool:
        """Every target of the row is approved."""
        return bool(self.texts) and all(text.state == "approved" for text in self.texts.values())

    def as_json(self) -> dict[str, Any]:
        """The row as the API shows it: ``en``/``zh`` the texts now, ``state``, ``machine`` and
        ``changed`` per target, ``marker`` and ``cell`` (a list or null)."""
        shown: dict[str, Any] = {
            "row": self.row, "block": self.block, "sentence": self.sentence, "kind": self.kind,
            "marker": self.marker, "cell": list(self.cell) if self.cell is not None else None, "source": self.source,
        }
        for target, text in self.texts.items():
            shown[target] = text.text
        shown.update({
            "state": {target: text.state for target, text in self.texts.items()},
            "machine": {target: text.machine for target, text in self.texts.items()},
            "changed": {target: {"by": text.changed_by, "at": text.changed_at} for target, text in self.texts.items()},
            "flags": list(self.flags), "scores": self.scores, "suggestion": self.suggestion,
            "comments": [comment.as_json() for comment in self.comments],
        })
        return shown


@dataclass(frozen=True)
class Change:
    """One entry of a row's history."""

    id: int
    row: int
    target: str
    old_text: str
    new_text: str
    old_state: str
    new_state: str
    who: str
    at: str

    def as_json(self) -> dict[str, Any]:
        """The change as the API shows it."""
        return {"id": self.id, "row": self.row, "target": self.target, "old_text": self.old_text, "new_text": self.new_text,
                "old_state": self.old_state, "new_state": self.new_state, "by": self.who, "at": self.at}


@dataclass(frozen=True)
class NewSegment:
    """A row as the worker stores it when a job is done (``finish_job``); the fields as ``Segment``'s."""

    block: int
    sentence: int
    kind: str
    source: str
    flags: tuple[str, ...]
    scores: dict[str, float]
    suggestion: dict[str, Any] | None
    texts: dict[str, str] = field(default_factory=dict)
    marker: str = ""
    cell: tuple[int, int, int] | None = None


@dataclass(frozen=True)
class Approval:
    """What one bulk approval did (``ReviewStore.approve_segments``).

    Attributes:
        approved: (row, target) approved by it, in the order asked.
        unchanged: (row, target) that were approved with that text already (nothing written).
        conflicts: (row, target) whose text was no longer the one the reviewer saw: left as
            they are, for the reviewer to look at.
        segments: every row asked about, as it is now, in row order.
    """

    approved: tuple[tuple[int, str], ...]
    unchanged: tuple[tuple[int, str], ...]
    conflicts: tuple[tuple[int, str], ...]
    segments: tuple[Segment, ...]

    def as_json(self) -> dict[str, Any]:
        """The approval as the API answers it."""
        def listed(pairs: tuple[tuple[int, str], ...]) -> list[dict[str, Any]]:
            return [{"row": row, "target": target} for row, target in pairs]

        return {"approved": listed(self.approved), "unchanged": listed(self.unchanged), "conflicts": listed(self.conflicts),
                "segments": [segment.as_json() for segment in self.segments]}


class StoreError(WartaError):
    """A write the store refuses: a name taken, a row or job that does not exist."""


class Conflict(StoreError):
    """A segment edit made on a text that another reviewer has changed since.

    Attributes:
        current: the segment as it is now.
    """

    def __init__(self, current: Segment):
        super().__init__("another reviewer changed this row since you loaded it; check their text and edit again")
        self.current = current
