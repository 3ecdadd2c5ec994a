"""The translation memory file: reviewed sentence pairs in SQLite (standard library only).

One row per source sentence, keyed by its normalised form (``normalise.normalise_source``).
Each row keeps the source as first written, the English and Chinese (either may be empty),
where it came from (the file imported) and when. A later import of the same source sentence
replaces the row: the newest review wins, whatever file it came in.

A memory file is marked as warta's (``PRAGMA application_id``) when it is created, and any
other SQLite file (a batch run's ``.warta-state.sqlite``, another program's database) is
refused untouched; a file made before the mark, with exactly the ``entries`` table and nothing
else, is still read (and marked on the next ``memory add``).

Every SQLite error, at opening or at any later query (a damaged page may show only when a query
reaches it), becomes one :class:`UsageError` naming the file and what to do: damaged, read-only,
busy (another warta writing to it for longer than ``BUSY_TIMEOUT_S``), or not a memory at all.
"""

import hashlib
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pipeline.errors import UsageError
from pipeline.memory.normalise import clean_text, normalise_source, numbers_in

#: A near match at least this similar (rapidfuzz ``fuzz.ratio``, 0-100, on the normalised
#: sentences) is offered as a suggestion. 85 is where CAT tools start calling a match "high
#: fuzzy" (OmegaT's and Matecat's default bands start at 75-85); below it the remembered
#: translation usually needs more rewriting than the machine's.
SUGGESTION_THRESHOLD = 85.0

#: ``PRAGMA application_id`` of a warta memory file: "WRTA".
APPLICATION_ID = int.from_bytes(b"WRTA", "big")

#: How long (seconds) a query waits for another connection's write lock before the memory is
#: reported busy: an import of a few thousand rows commits well within it.
BUSY_TIMEOUT_S = 5.0

# SQLite's primary result codes (sqlite3.h) that say what is wrong with the file, not the query.
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY, _SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN, _SQLITE_NOTADB = (
    5, 6, 8, 11, 13, 14, 26
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    key TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    en TEXT NOT NULL,
    zh TEXT NOT NULL,
    origin TEXT NOT NULL,
    added TEXT NOT NULL
)
"""
# PRAGMA table_info(entries) of _SCHEMA: (name, type, notnull, default, pk) per column.
_COLUMNS = [("key", "TEXT", 0, None, 1)] + [(name, "TEXT", 1, None, 0) for name in ("source", "en", "zh", "origin", "added")]


@dataclass(frozen=True)
class MemoryEntry:
    """A reviewed sentence pair, as imported.

    Attributes:
        source: the Indonesian sentence.
        en, zh: its reviewed translations ("" when the import had none).
        origin: the file it was imported from.
        added: when it was imported (ISO 8601, UTC); "" until stored.
    """

    source: str
    en: str
    zh: str
    origin: str
    added: str = ""


@dataclass(frozen=True)
class MemoryMatch:
    """A memory entry found for a sentence.

    Attributes:
        entry: the remembered pair.
        similarity: 100.0 for an exact match, else rapidfuzz's ratio of the normalised sentences.
        numbers_match: the two sentences write the same numbers in the same order (always true
            for an exact match); a suggestion whose numbers differ needs them changed.
    """

    entry: MemoryEntry
    similarity: float
    numbers_match: bool = True

    @property
    def exact(self) -> bool:
        """The sentences are the same after normalisation."""
        return self.similarity >= 100.0 and self.numbers_match


@dataclass(frozen=True)
class MemoryStats:
    """What a memory holds, for ``memory stats`` and reports.

    Attributes:
        entries: how many source sentences.
        with_en, with_zh: how many have an English / a Chinese translation.
        origins: file imported -> entries that came from it (and were not replaced since).
        oldest, newest: the earliest and latest import time ("" when empty).
    """

    entries: int
    with_en: int
    with_zh: int
    origins: dict[str, int]
    oldest: str
    newest: str


class TranslationMemory:
    """A translation memory file.

    Args:
        path: the SQLite file.
        create: make the file when it does not exist (``memory add``); otherwise a missing
            file is an error (``translate --memory`` must not silently use an empty memory).

    Raises:
        UsageError: the file is missing (and ``create`` is false), cannot be opened, is not a
            warta memory (it is then left as it was), is damaged, or is busy; the methods that
            query it raise it too when the file turns out damaged, read-only or busy then.
    """

    def __init__(self, path: Path, create: bool = False):
        self.path = Path(path)
        if not create and not self.path.is_file():
            raise UsageError(f"{self.path}: no such translation memory (create it with 'run.py memory add')")
        if self.path.exists() and not self.path.is_file():
            raise UsageError(f"{self.path}: is not a file, so not a translation memory")
        new = not self.path.exists() or (create and self.path.stat().st_size == 0)
        with self._sqlite_errors():
            self._db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S)
        try:
            with self._sqlite_errors():
                if not new:
                    self._check_is_memory(mark=create)
                else:
                    with self._db:
                        self._db.execute(_SCHEMA)
                    self._db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        except UsageError:
            self._db.close()
            raise
        self._keys: list[str] | None = None

    @contextmanager
    def _sqlite_errors(self) -> Iterator[None]:
        """Turn an SQLite error of the block into a one-line UsageError naming the memory and what to do."""
        try:
            yield
        except sqlite3.Error as error:
            raise UsageError(self._explain(error)) from error

    def _explain(self, error: sqlite3.Error) -> str:
        code = (getattr(error, "sqlite_errorcode", None) or 0) & 0xFF
        message = str(error)
        if code in (_SQLITE_BUSY, _SQLITE_LOCKED) or "database is locked" in message:
            return (f"{self.path}: the translation memory is busy: another warta is writing to it; "
                    f"try again when it has finished")
        if code == _SQLITE_READONLY or "readonly database" in message:
            return (f"{self.path}: the translation memory is read-only; make the file and its folder writable, "
                    f"or add to a writable copy")
        if code == _SQLITE_CORRUPT or "malformed" in message:
            return (f"{self.path}: the translation memory is damaged ({message}); restore it from a backup, or "
                    f"build a new one with 'run.py memory add' from the corrections and TMX files")
        if code == _SQLITE_NOTADB or "not a database" in message:
            return (f"{self.path}: not a translation memory ({message}); give --memory a memory made by "
                    f"'run.py memory add', or a new file name")
        if code == _SQLITE_FULL:
            return f"{self.path}: cannot write the translation memory ({message}); free some disk space and try again"
        if code == _SQLITE_CANTOPEN:
            return f"{self.path}: cannot open the translation memory ({message}); check the path and its permissions"
        return f"{self.path}: cannot use the translation memory ({message})"

    def _check_is_memory(self, mark: bool) -> None:
        # Only reads, unless the file is a memory: another program's database stays untouched.
        # The schema is read for a marked file too: a damaged first page shows here, at opening.
        (application_id,) = self._db.execute("PRAGMA application_id").fetchone()
        tables = [name for (name,) in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        columns = [tuple(column[1:]) for column in self._db.execute("PRAGMA table_info(entries)")]
        if application_id == APPLICATION_ID and columns == _COLUMNS:
            return
        if application_id != 0 or tables != ["entries"] or columns != _COLUMNS:
            raise UsageError(
                f"{self.path}: an SQLite file that is not a warta translation memory (left as it was); "
                f"give --memory a memory made by 'run.py memory add', or a new file name"
            )
        if mark:  # a memory made before files were marked
            self._db.execute(f"PRAGMA application_id = {APPLICATION_ID}")

    def close(self) -> None:
        """Close the file."""
        self._db.close()

    def __enter__(self) -> "TranslationMemory":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def add(self, entries: list[MemoryEntry], now: datetime | None = None) -> int:
        """Store ``entries``, each replacing any earlier entry for the same source sentence.

        Texts are stored cleaned (``normalise.clean_text``: one line, white space collapsed).
        Entries with an empty source, or with neither English nor Chinese, are skipped. Within
        ``entries`` a later one for the same sentence wins too.

        Args:
            entries: the pairs to remember.
            now: the import time to record; None for the current time.

        Returns:
            How many entries were stored: sentences, each counted once however many of
            ``entries`` it had.
        """
        added = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
        rows = [
            (normalise_source(entry.source), clean_text(entry.source), clean_text(entry.en), clean_text(entry.zh), entry.origin, added)
            for entry in entries
        ]
        rows = [row for row in rows if row[0] and (row[2] or row[3])]
        with self._sqlite_errors(), self._db:
            self._db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?, ?)", rows)
        self._keys = None
        return len({row[0] for row in rows})

    def __len__(self) -> int:
        with self._sqlite_errors():
            return int(self._db.execute("SELECT COUNT(*) FROM entries").fetchone()[0])

    def entries(self) -> list[MemoryEntry]:
        """Every entry, ordered by source sentence."""
        with self._sqlite_errors():
            rows = self._db.execute("SELECT source, en, zh, origin, added FROM entries ORDER BY key").fetchall()
        return [MemoryEntry(*row) for row in rows]

    def lookup(self, text: str) -> MemoryMatch | None:
        """The best entry for ``text``: the exact match, else the most similar at or above
        ``SUGGESTION_THRESHOLD``, else None.
        """
        key = normalise_source(text)
        with self._sqlite_errors():
            row = self._db.execute("SELECT source, en, zh, origin, added FROM entries WHERE key = ?", (key,)).fetchone()
        if row is not None:
            return MemoryMatch(MemoryEntry(*row), 100.0)
        from rapidfuzz import fuzz, process

        if self._keys is None:
            with self._sqlite_errors():
                self._keys = [found for (found,) in self._db.execute("SELECT key FROM entries")]
        best = process.extractOne(key, self._keys, scorer=fuzz.ratio, score_cutoff=SUGGESTION_THRESHOLD)
        if best is None:
            return None
        with self._sqlite_errors():
            row = self._db.execute("SELECT source, en, zh, origin, added FROM entries WHERE key = ?", (best[0],)).fetchone()
        entry = MemoryEntry(*row)
        # rapidfuzz may round a one-character difference in a long sentence to 100: a match
        # that is not the same key is never exact.
        return MemoryMatch(entry, min(float(best[1]), 99.9), numbers_in(entry.source) == numbers_in(text))

    def stats(self) -> MemoryStats:
        """Counts of what the memory holds."""
        with self._sqlite_errors():
            count, with_en, with_zh, oldest, newest = self._db.execute(
                "SELECT COUNT(*), COALESCE(SUM(en != ''), 0), COALESCE(SUM(zh != ''), 0), MIN(added), MAX(added) FROM entries"
            ).fetchone()
            origins = dict(self._db.execute("SELECT origin, COUNT(*) FROM entries GROUP BY origin ORDER BY origin").fetchall())
        return MemoryStats(int(count), int(with_en), int(with_zh), origins, oldest or "", newest or "")

    def digest(self) -> str:
        """A hash of the memory's content (sources and translations, not times or origins).

        It goes into a batch run's fingerprint: a memory that gained or changed an entry redoes
        the articles, so those it now covers take the remembered translations.
        """
        content = hashlib.sha256()
        with self._sqlite_errors():  # a damaged page may be reached only part way through
            for key, en, zh in self._db.execute("SELECT key, en, zh FROM entries ORDER BY key"):
                content.update(f"{key}\t{en}\t{zh}\n".encode())
        return content.hexdigest()[:16]
