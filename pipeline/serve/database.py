"""``DATA/serve.sqlite`` itself: the tables, one connection per thread, and the two kinds of transaction.

Tables: ``users`` (name, role, the salted hash of the page password), ``api_keys`` (an id and
the salted hash of the secret part; ``accounts`` makes and checks them), ``sessions`` (the page's
logins, so that logging out ends one for good), ``jobs`` (the queue, in submission order),
``segments`` and ``segment_texts`` (a done job's rows, and per row and target the text, its
state ``machine`` -> ``edited`` -> ``approved``, who changed it and when), ``history`` (every
change, never updated), ``comments``, and ``job_articles`` (a done job's translated article,
from which its outputs are written again with the review applied).

``Database`` is what the store's parts (``store_users``, ``store_jobs``, ``store_review``) stand
on: every one of their functions is one transaction (``_write``: ``BEGIN IMMEDIATE``, so that a
read-compare-write such as a segment edit is atomic against every other thread and process;
``_read``: one snapshot), and every thread gets its own connection: the worker thread, the event
loop's thread and the thread pool that runs request handlers may all call in at once.
"""

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from pipeline.errors import WartaError

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
    marker TEXT NOT NULL DEFAULT '',
    cell TEXT,
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
CREATE TABLE IF NOT EXISTS job_articles (
    job_id TEXT PRIMARY KEY REFERENCES jobs(id) ON DELETE CASCADE,
    article BLOB NOT NULL,
    outputs_change INTEGER NOT NULL DEFAULT 0
);
"""

# Columns added since the first release of the tables: (table, column, declaration). A database
# made before gets them at its next open, so its done jobs keep their review.
_ADDED_COLUMNS = (
    ("segments", "marker", "TEXT NOT NULL DEFAULT ''"),
    ("segments", "cell", "TEXT"),
    ("jobs", "crashes", "INTEGER NOT NULL DEFAULT 0"),
)


def now() -> str:
    """The current time as the store writes it: ISO 8601, UTC, milliseconds."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Database:
    """``serve.sqlite``: open it (creating or completing the tables); the store's parts run their transactions on it.

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
            with self._write() as db:
                for table, column, declaration in _ADDED_COLUMNS:
                    if column not in {row[1] for row in db.execute(f"PRAGMA table_info({table})")}:
                        db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")
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
