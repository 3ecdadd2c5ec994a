"""Everything ``warta serve`` keeps: SQLite in ``DATA/serve.sqlite`` (WAL), and the data folder's layout.

Tables: ``users`` (name, role, the salted hash of the page password), ``api_keys`` (an id and
the salted hash of the secret part; ``auth`` makes and checks them), ``sessions`` (the page's
logins, so that logging out ends one for good), ``jobs`` (the queue, in submission order),
``segments`` and ``segment_texts`` (a done job's rows, and per row and target the text, its
state ``machine`` -> ``edited`` -> ``approved``, who changed it and when), ``history`` (every
change, never updated) and ``comments``.

Every function here is one transaction (``BEGIN IMMEDIATE`` for those that write, so that a
read-compare-write such as a segment edit is atomic against every other thread and process),
and every thread gets its own connection: the worker thread, the event loop's thread and the
thread pool that runs request handlers may all call in at once. The queue lives only here,
never in memory, so a restart loses nothing: ``requeue_interrupted`` puts the jobs a stopped
server left ``running`` back in the queue.
"""

import json
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
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

#: How long a query waits for another connection's write before giving up, in seconds.
BUSY_TIMEOUT_S = 10.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    password_hash TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS api_keys (
    id TEXT PRIMARY KEY,
    user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    hash TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS jobs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    owner TEXT NOT NULL,
    status TEXT NOT NULL,
    input_name TEXT NOT NULL,
    upload TEXT NOT NULL,
    targets TEXT NOT NULL,
    profile TEXT NOT NULL,
    glossary TEXT NOT NULL,
    title TEXT NOT NULL,
    sentences_done INTEGER NOT NULL DEFAULT 0,
    sentences_total INTEGER NOT NULL DEFAULT 0,
    error TEXT NOT NULL DEFAULT '',
    outputs TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_by_status ON jobs (status, seq);
CREATE TABLE IF NOT EXISTS segments (
    job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    row INTEGER NOT NULL,
    block INTEGER NOT NULL,
    sentence INTEGER NOT NULL,
    kind TEXT NOT NULL,
    source TEXT NOT NULL,
    flags TEXT NOT NULL,
    scores TEXT NOT NULL,
    suggestion TEXT,
    PRIMARY KEY (job_id, row)
);
CREATE TABLE IF NOT EXISTS segment_texts (
    job_id TEXT NOT NULL,
    row INTEGER NOT NULL,
    target TEXT NOT NULL,
    machine TEXT NOT NULL,
    text TEXT NOT NULL,
    state TEXT NOT NULL,
    changed_by TEXT,
    changed_at TEXT,
    PRIMARY KEY (job_id, row, target),
    FOREIGN KEY (job_id, row) REFERENCES segments(job_id, row) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id TEXT NOT NULL,
    row INTEGER NOT NULL,
    target TEXT NOT NULL,
    old_text TEXT NOT NULL,
    new_text TEXT NOT NULL,
    old_state TEXT NOT NULL,
    new_state TEXT NOT NULL,
    who TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS history_by_row ON history (job_id, row, id);
CREATE TABLE IF NOT EXISTS comments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id TEXT NOT NULL,
    row INTEGER NOT NULL,
    text TEXT NOT NULL,
    who TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS comments_by_row ON comments (job_id, row, id);
"""


class StoreError(WartaError):
    """A write the store refuses: a name taken, a row or job that does not exist."""


class Conflict(StoreError):
    """A segment edit made on a text that another reviewer has changed since.

    Attributes:
        current: the segment as it is now.
    """

    def __init__(self, current: "Segment"):
        super().__init__("another reviewer changed this row since you loaded it; check their text and edit again")
        self.current = current


def new_job_id() -> str:
    """A new job id: random, URL-safe, 16 characters (also the name of its files)."""
    return secrets.token_urlsafe(12)


def now() -> str:
    """The current time as the store writes it: ISO 8601, UTC, milliseconds."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


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

    def as_json(self) -> dict[str, Any]:
        """The job as the API shows it (the upload's stored name is the server's business)."""
        return {
            "id": self.id, "owner": self.owner, "status": self.status, "input_name": self.input_name,
            "title": self.title, "targets": list(self.targets), "profile": self.profile, "glossary": self.glossary or None,
            "sentences_done": self.sentences_done, "sentences_total": self.sentences_total, "error": self.error,
            "outputs": list(self.outputs), "approved": self.approved, "total": self.total,
            "created_at": self.created_at, "updated_at": self.updated_at,
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
        kind: the block's kind (``title``, ``paragraph``...).
        source: the Indonesian sentence.
        flags: QA and processing flags (``memory`` when it came from the translation memory).
        scores: target -> the model's mean log-probability per token.
        suggestion: a near match from the memory (``MemorySuggestion`` as a dict), or None.
        texts: target -> its text and state.
        comments: the comments on the row, oldest first.
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

    @property
    def approved(self) -> bool:
        """Every target of the row is approved."""
        return bool(self.texts) and all(text.state == "approved" for text in self.texts.values())

    def as_json(self) -> dict[str, Any]:
        """The row as the API shows it: ``en``/``zh`` the texts now, ``state``, ``machine`` and
        ``changed`` per target."""
        shown: dict[str, Any] = {
            "row": self.row, "block": self.block, "sentence": self.sentence, "kind": self.kind, "source": self.source,
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
    """A row as the worker stores it when a job is done (``finish_job``)."""

    block: int
    sentence: int
    kind: str
    source: str
    flags: tuple[str, ...]
    scores: dict[str, float]
    suggestion: dict[str, Any] | None
    texts: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class KeyRecord:
    """An API key as stored: its public id, its owner and the hash of its secret."""

    id: str
    user: str
    hash: str
    created_at: str


class Store:
    """``serve.sqlite``: open it (creating the tables) and call its functions from any thread.

    Args:
        path: the SQLite file.

    Raises:
        WartaError: the file cannot be opened or is not a database.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self._local = threading.local()
        try:
            self._db().executescript(_SCHEMA)
        except sqlite3.Error as error:
            raise WartaError(f"{self.path}: cannot open the server's database ({error})") from error

    def _db(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            # isolation_level=None: transactions are begun here, explicitly (BEGIN IMMEDIATE to write).
            db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            db.execute("PRAGMA foreign_keys = ON")
            db.execute("PRAGMA cache_size = -1024")  # 1 MiB a connection: there is one per thread
            self._local.db = db
        return db

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        # One snapshot for the queries of a read, so counts and rows agree.
        db = self._db()
        db.execute("BEGIN")
        try:
            yield db
        finally:
            db.execute("COMMIT")

    def close(self) -> None:
        """Close this thread's connection (the others close with their threads)."""
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

    # --- accounts -----------------------------------------------------------------------------

    def add_user(self, name: str, role: str, password_hash: str | None) -> User:
        """Create an account.

        Raises:
            StoreError: the name is taken, or the role is not one of ``ROLES``.
        """
        if role not in ROLES:
            raise StoreError(f"a role is {' or '.join(ROLES)}; got '{role}'")
        with self._write() as db:
            if db.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
                raise StoreError(f"an account named '{name}' exists already")
            db.execute("INSERT INTO users VALUES (?, ?, ?, ?)", (name, role, password_hash, now()))
        return User(name, role)

    def user(self, name: str) -> User | None:
        """The account ``name``, or None."""
        with self._read() as db:
            row = db.execute("SELECT name, role FROM users WHERE name = ?", (name,)).fetchone()
        return User(*row) if row else None

    def password_hash(self, name: str) -> str | None:
        """The stored hash of ``name``'s page password (None: no such account, or no password)."""
        with self._read() as db:
            row = db.execute("SELECT password_hash FROM users WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def set_password_hash(self, name: str, password_hash: str) -> None:
        """Set ``name``'s page password (its hash); ends the account's sessions.

        Raises:
            StoreError: no such account.
        """
        with self._write() as db:
            if db.execute("UPDATE users SET password_hash = ? WHERE name = ?", (password_hash, name)).rowcount == 0:
                raise StoreError(f"no account named '{name}'")
            db.execute("DELETE FROM sessions WHERE user = ?", (name,))

    def users(self) -> list[User]:
        """Every account, by name."""
        with self._read() as db:
            return [User(*row) for row in db.execute("SELECT name, role FROM users ORDER BY name")]

    def add_key(self, user: str, key_id: str, key_hash: str) -> KeyRecord:
        """Store an API key of ``user`` (its id and the hash of its secret).

        Raises:
            StoreError: no such account.
        """
        created = now()
        with self._write() as db:
            if not db.execute("SELECT 1 FROM users WHERE name = ?", (user,)).fetchone():
                raise StoreError(f"no account named '{user}'")
            db.execute("INSERT INTO api_keys VALUES (?, ?, ?, ?)", (key_id, user, key_hash, created))
        return KeyRecord(key_id, user, key_hash, created)

    def key(self, key_id: str) -> KeyRecord | None:
        """The API key ``key_id``, or None."""
        with self._read() as db:
            row = db.execute("SELECT id, user, hash, created_at FROM api_keys WHERE id = ?", (key_id,)).fetchone()
        return KeyRecord(*row) if row else None

    def keys(self, user: str) -> list[KeyRecord]:
        """``user``'s API keys, oldest first."""
        with self._read() as db:
            rows = db.execute("SELECT id, user, hash, created_at FROM api_keys WHERE user = ? ORDER BY created_at, id", (user,))
            return [KeyRecord(*row) for row in rows]

    def delete_key(self, user: str, key_id: str) -> bool:
        """Revoke ``user``'s key ``key_id``; False when there was no such key."""
        with self._write() as db:
            return db.execute("DELETE FROM api_keys WHERE id = ? AND user = ?", (key_id, user)).rowcount > 0

    # --- sessions -----------------------------------------------------------------------------

    def add_session(self, user: str, lifetime: timedelta) -> str:
        """Start a page session of ``user``; returns its id (random). Expired sessions are removed."""
        session_id = secrets.token_urlsafe(24)
        started = datetime.now(UTC)
        with self._write() as db:
            db.execute("DELETE FROM sessions WHERE expires_at < ?", (now(),))
            db.execute("INSERT INTO sessions VALUES (?, ?, ?, ?)",
                       (session_id, user, now(), (started + lifetime).isoformat(timespec="milliseconds").replace("+00:00", "Z")))
        return session_id

    def session_user(self, session_id: str) -> User | None:
        """The account of the live session ``session_id``, or None (ended, expired, unknown)."""
        with self._read() as db:
            row = db.execute(
                "SELECT users.name, users.role FROM sessions JOIN users ON users.name = sessions.user "
                "WHERE sessions.id = ? AND sessions.expires_at >= ?", (session_id, now()),
            ).fetchone()
        return User(*row) if row else None

    def end_session(self, session_id: str) -> None:
        """End the session ``session_id`` (nothing happens when there is none)."""
        with self._write() as db:
            db.execute("DELETE FROM sessions WHERE id = ?", (session_id,))

    # --- jobs ---------------------------------------------------------------------------------

    _JOB_COLUMNS = ("id, owner, status, input_name, upload, targets, profile, glossary, title, sentences_done, "
                    "sentences_total, error, outputs, created_at, updated_at")
    # rows whose every target is approved, and all rows, of each job
    _COUNTS = ("(SELECT COUNT(*) FROM segments s WHERE s.job_id = jobs.id AND NOT EXISTS (SELECT 1 FROM segment_texts t "
               "WHERE t.job_id = s.job_id AND t.row = s.row AND t.state != 'approved')), "
               "(SELECT COUNT(*) FROM segments s WHERE s.job_id = jobs.id)")

    def add_job(self, job_id: str, owner: str, input_name: str, upload: str, targets: tuple[str, ...], profile: str,
                glossary: str = "", status: str = "queued", error: str = "") -> Job:
        """Add a job (its files are in ``uploads/`` already: the worker may take it at once).

        Args:
            job_id: its id (``new_job_id``), which its files are named after.
            owner: the submitting account.
            input_name: the client's file name, for display.
            upload: the upload's name in ``uploads/`` ("" when nothing was stored).
            targets, profile: what to translate into, and how.
            glossary: the uploaded glossary's name in ``uploads/``, or "".
            status: ``queued``, or ``failed`` for a file refused at once (with ``error``).
            error: why it failed.

        Returns:
            The job as stored.
        """
        created = now()
        with self._write() as db:
            db.execute(
                "INSERT INTO jobs (id, owner, status, input_name, upload, targets, profile, glossary, title, error, created_at, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (job_id, owner, status, input_name, upload, ",".join(targets), profile, glossary, input_name, error, created, created),
            )
        job = self.job(job_id)
        if job is None:
            raise StoreError(f"job {job_id} vanished as it was added")
        return job

    @staticmethod
    def _job(row: tuple[Any, ...]) -> Job:
        (job_id, owner, status, input_name, upload, targets, profile, glossary, title, done, total, error, outputs,
         created, updated, approved, rows) = row
        return Job(job_id, owner, status, input_name, upload, tuple(targets.split(",")) if targets else (), profile, glossary,
                   title, done, total, error, tuple(json.loads(outputs)), created, updated, approved, rows)

    def job(self, job_id: str) -> Job | None:
        """The job ``job_id`` with its review counts, or None."""
        with self._read() as db:
            row = db.execute(f"SELECT {self._JOB_COLUMNS}, {self._COUNTS} FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return self._job(row) if row else None

    def jobs(self, owner: str | None = None, limit: int = 200) -> list[Job]:
        """Jobs newest first (``owner``'s only, when given), at most ``limit``."""
        where, values = ("WHERE owner = ?", (owner, limit)) if owner is not None else ("", (limit,))
        with self._read() as db:
            rows = db.execute(f"SELECT {self._JOB_COLUMNS}, {self._COUNTS} FROM jobs {where} ORDER BY seq DESC LIMIT ?", values)
            return [self._job(row) for row in rows]

    def claim_next_job(self) -> Job | None:
        """Mark the oldest queued job ``running`` and return it; None when the queue is empty."""
        with self._write() as db:
            row = db.execute("SELECT id FROM jobs WHERE status = 'queued' ORDER BY seq LIMIT 1").fetchone()
            if row is None:
                return None
            db.execute("UPDATE jobs SET status = 'running', sentences_done = 0, error = '', updated_at = ? WHERE id = ?",
                       (now(), row[0]))
        return self.job(row[0])

    def requeue_interrupted(self) -> int:
        """Put every ``running`` job back in the queue (a server stopped while translating it); returns how many."""
        with self._write() as db:
            return db.execute("UPDATE jobs SET status = 'queued', sentences_done = 0, updated_at = ? WHERE status = 'running'",
                              (now(),)).rowcount

    def requeue(self, job_id: str) -> None:
        """Put the running job ``job_id`` back in the queue, in its place (a server stopping)."""
        with self._write() as db:
            db.execute("UPDATE jobs SET status = 'queued', sentences_done = 0, updated_at = ? WHERE id = ? AND status = 'running'",
                       (now(), job_id))

    def set_progress(self, job_id: str, done: int, total: int, title: str | None = None) -> None:
        """Record a running job's progress in sentences (and its title, once read)."""
        with self._write() as db:
            if title is not None:
                db.execute("UPDATE jobs SET sentences_done = ?, sentences_total = ?, title = ?, updated_at = ? WHERE id = ?",
                           (done, total, title, now(), job_id))
            else:
                db.execute("UPDATE jobs SET sentences_done = ?, sentences_total = ?, updated_at = ? WHERE id = ?",
                           (done, total, now(), job_id))

    def fail_job(self, job_id: str, error: str) -> None:
        """Mark the job ``failed`` with its one-line reason."""
        with self._write() as db:
            db.execute("UPDATE jobs SET status = 'failed', error = ?, updated_at = ? WHERE id = ?", (error, now(), job_id))

    def finish_job(self, job_id: str, title: str, outputs: list[str], segments: list[NewSegment]) -> None:
        """Store a translated job's rows and mark it ``done``, in one transaction (all or nothing).

        Rows an earlier, interrupted attempt stored are replaced (there are none: a job is only
        done once), together with their review.
        """
        changed = now()
        with self._write() as db:
            db.execute("DELETE FROM segments WHERE job_id = ?", (job_id,))
            for row, segment in enumerate(segments, start=1):
                db.execute(
                    "INSERT INTO segments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (job_id, row, segment.block, segment.sentence, segment.kind, segment.source, json.dumps(list(segment.flags)),
                     json.dumps(segment.scores), json.dumps(segment.suggestion) if segment.suggestion is not None else None),
                )
                db.executemany("INSERT INTO segment_texts VALUES (?, ?, ?, ?, ?, 'machine', NULL, NULL)",
                               [(job_id, row, target, text, text) for target, text in segment.texts.items()])
            total = len(segments)
            db.execute("UPDATE jobs SET status = 'done', title = ?, outputs = ?, sentences_done = ?, sentences_total = ?, "
                       "error = '', updated_at = ? WHERE id = ?", (title, json.dumps(outputs), total, total, changed, job_id))

    # --- review -------------------------------------------------------------------------------

    def segments(self, job_id: str) -> list[Segment]:
        """A job's rows in order, with their texts and comments ([] for a job not done)."""
        with self._read() as db:
            return self._segments(db, job_id)

    def segment(self, job_id: str, row: int) -> Segment | None:
        """One row of a job, or None."""
        with self._read() as db:
            found = self._segments(db, job_id, row)
        return found[0] if found else None

    @staticmethod
    def _segments(db: sqlite3.Connection, job_id: str, row: int | None = None) -> list[Segment]:
        only = " AND row = ?" if row is not None else ""
        values: tuple[Any, ...] = (job_id, row) if row is not None else (job_id,)
        texts: dict[int, dict[str, TargetText]] = {}
        for number, target, machine, text, state, by, at in db.execute(
            f"SELECT row, target, machine, text, state, changed_by, changed_at FROM segment_texts WHERE job_id = ?{only} "
            "ORDER BY row, target", values,
        ):
            texts.setdefault(number, {})[target] = TargetText(text, machine, state, by, at)
        comments: dict[int, list[Comment]] = {}
        for comment_id, number, text, who, at in db.execute(
            f"SELECT id, row, text, who, at FROM comments WHERE job_id = ?{only} ORDER BY id", values,
        ):
            comments.setdefault(number, []).append(Comment(comment_id, number, text, who, at))
        return [
            Segment(number, block, sentence, kind, source, tuple(json.loads(flags)), json.loads(scores),
                    json.loads(suggestion) if suggestion else None, texts.get(number, {}), tuple(comments.get(number, ())))
            for number, block, sentence, kind, source, flags, scores, suggestion in db.execute(
                f"SELECT row, block, sentence, kind, source, flags, scores, suggestion FROM segments WHERE job_id = ?{only} "
                "ORDER BY row", values,
            )
        ]

    def change_segment(self, job_id: str, row: int, target: str, text: str, base: str, state: str, who: str) -> Segment:
        """Set a row's ``target`` text and state, when ``base`` is the text it has now.

        Args:
            job_id, row, target: the text to change.
            text: its new text.
            base: the text the reviewer changed (what they loaded).
            state: ``edited`` or ``approved``.
            who: the reviewer.

        Returns:
            The row after the change, which is in the history.

        Raises:
            Conflict: the row's text is no longer ``base`` (nothing is changed).
            StoreError: no such row or target, or a state a reviewer cannot set.
        """
        if state not in REVIEW_STATES:
            raise StoreError(f"a reviewer sets the state {' or '.join(REVIEW_STATES)}; got '{state}'")
        with self._write() as db:
            current = db.execute("SELECT text, state FROM segment_texts WHERE job_id = ? AND row = ? AND target = ?",
                                 (job_id, row, target)).fetchone()
            if current is None:
                raise StoreError(f"row {row} has no '{target}' text")
            old_text, old_state = current
            if old_text != base:
                raise Conflict(self._segments(db, job_id, row)[0])
            changed = now()
            db.execute("UPDATE segment_texts SET text = ?, state = ?, changed_by = ?, changed_at = ? "
                       "WHERE job_id = ? AND row = ? AND target = ?", (text, state, who, changed, job_id, row, target))
            db.execute("INSERT INTO history (job_id, row, target, old_text, new_text, old_state, new_state, who, at) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", (job_id, row, target, old_text, text, old_state, state, who, changed))
            db.execute("UPDATE jobs SET updated_at = ? WHERE id = ?", (changed, job_id))
            return self._segments(db, job_id, row)[0]

    def history(self, job_id: str, row: int) -> list[Change]:
        """A row's changes, oldest first."""
        with self._read() as db:
            rows = db.execute("SELECT id, row, target, old_text, new_text, old_state, new_state, who, at FROM history "
                              "WHERE job_id = ? AND row = ? ORDER BY id", (job_id, row))
            return [Change(*found) for found in rows]

    def add_comment(self, job_id: str, row: int, text: str, who: str) -> Comment:
        """Add a comment to a row.

        Raises:
            StoreError: the job has no such row.
        """
        at = now()
        with self._write() as db:
            if not db.execute("SELECT 1 FROM segments WHERE job_id = ? AND row = ?", (job_id, row)).fetchone():
                raise StoreError(f"the job has no row {row}")
            cursor = db.execute("INSERT INTO comments (job_id, row, text, who, at) VALUES (?, ?, ?, ?, ?)", (job_id, row, text, who, at))
            comment_id = int(cursor.lastrowid or 0)
        return Comment(comment_id, row, text, who, at)
