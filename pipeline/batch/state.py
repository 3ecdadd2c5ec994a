"""The state of a batch output folder: one SQLite row per article, what makes a run resumable.

Why SQLite (the standard library's ``sqlite3``) and not a journal or a rewritten JSON file:

* Per-article bookkeeping must cost the same at article 10 and at article 10,000. Rewriting
  ``manifest.json`` whole after every article (what warta did before) is O(n) per article and
  O(n²) per run: 13 minutes and 20 GB of writes to resume 5,000 finished articles. A row
  update in a B-tree is O(log n), and a lookup by input or by output name is one indexed query.
* Crash safety comes for free: each article is one transaction, and in WAL mode a transaction
  that committed survives the process being killed at any instant (SIGKILL, OOM killer). With
  ``synchronous=NORMAL`` a power cut may lose the last few commits; those articles are then
  redone, never half-recorded. An append-only journal would need its own framing, torn-tail
  recovery and compaction to get the same guarantees.
* The store also keeps each translated article (compressed JSON), so outputs of other
  ``--formats`` are written later from it without translating again.

``OUT/manifest.json`` (a contract, docs/design.md "Outputs", read by scripts) is exported from this store at the
end of every run and when a run is interrupted; an output folder from an older warta that has
only ``manifest.json`` is imported once, so it resumes.

Input paths are stored as bytes (``os.fsencode`` of the resolved path), so a file name that is
not valid UTF-8 is kept exactly; ``manifest.json`` shows it escaped (``\\xe9``) and adds the
exact bytes in hex (``input_bytes``).
"""

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pipeline.article import ArticleRecord
from pipeline.batch.names import folder_inside, unsafe_name_reason
from pipeline.errors import InputError

STATE_NAME = ".warta-state.sqlite"
MANIFEST_NAME = "manifest.json"
#: Statuses a row can have. ``skipped``: done by an earlier run, input and settings unchanged.
STATUSES = ("done", "failed", "skipped")
_SCHEMA_VERSION = "1"
# Skips are marked in batches: losing unflushed ones to a crash loses nothing true (the row
# still says done, which it is).
_SKIP_BATCH = 1000

_TABLES = {"meta", "articles"}
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    name TEXT PRIMARY KEY,          -- the output folder, relative to OUT
    input_key BLOB UNIQUE,          -- os.fsencode(resolved input path); NULL when unknown
    input TEXT NOT NULL,            -- the input path as given, printable (escaped)
    sha256 TEXT,
    fingerprint TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    title TEXT,
    sentences INTEGER,
    flags TEXT NOT NULL DEFAULT '{}',
    timings TEXT NOT NULL DEFAULT '{}',
    outputs TEXT NOT NULL DEFAULT '[]',
    updated_at TEXT NOT NULL,
    article BLOB,                   -- zlib-compressed JSON of the translated article
    left_out TEXT NOT NULL DEFAULT '[]',  -- JSON list: the parts of the input not translated
    warnings TEXT NOT NULL DEFAULT '[]'   -- JSON list: what a reviewer should know
);
"""
#: Columns added since the first schema, with their definition: a state file written before them
#: gets them (``ALTER TABLE``) when it is opened, its rows with the default.
_ADDED_COLUMNS = {
    "left_out": "TEXT NOT NULL DEFAULT '[]'",
    "warnings": "TEXT NOT NULL DEFAULT '[]'",
}


def printable(text: str) -> str:
    """``text`` with undecodable bytes of a file name (``os.fsdecode``'s surrogates) escaped as ``\\xNN``."""
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate that did not come from a file name
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def path_key(path: Path) -> bytes:
    """The key of an input in the store: its resolved path, as the exact bytes of the file system.

    A path that cannot be resolved (a symbolic link that loops) keeps its absolute form: the
    file then fails alone when it is read, with its reason.
    """
    try:
        return os.fsencode(path.resolve())
    except (OSError, RuntimeError):  # Python 3.11 raises RuntimeError on a symlink loop
        return os.fsencode(os.path.abspath(path))


@dataclass(frozen=True)
class ArticleRow:
    """What a resume needs to know about one article of the store.

    Attributes:
        name: the output folder, relative to OUT.
        input_key: the resolved input path's bytes, or None when unknown (imported).
        sha256, fingerprint: the input and the settings the outputs were made from.
        status: one of ``STATUSES``.
        outputs: the files of the article's folder that warta wrote.
    """

    name: str
    input_key: bytes | None
    sha256: str | None
    fingerprint: str
    status: str
    outputs: tuple[str, ...]

    def is_current(self, sha256: str | None, fingerprint: str) -> bool:
        """True when the article was translated from this input with these settings."""
        return self.status in ("done", "skipped") and sha256 is not None and self.sha256 == sha256 and self.fingerprint == fingerprint


class BatchState:
    """The SQLite store of an output folder; open it while holding the folder's lock.

    Args:
        out: the output folder (``OUT/.warta-state.sqlite`` is created when missing).

    Raises:
        InputError: the store or an older ``manifest.json`` to import is not warta's.
    """

    def __init__(self, out: Path):
        self.out = out
        self.path = out / STATE_NAME
        #: (name, reason) of the records of the state or of an imported manifest that were
        #: refused because their folder would not be inside ``out``; the caller says so.
        self.refused: list[tuple[str, str]] = []
        if self.path.is_symlink() or (self.path.exists() and not self.path.is_file()):
            # a link planted in OUT would have warta write its tables into another file
            raise InputError(f"{self.path}: not a regular file, so not a warta state file; move it away or choose another output folder")
        new = not self.path.exists()
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None)
            foreign = {name for (name,) in self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")} - _TABLES
            if foreign:
                self.db.close()
                raise InputError(f"{self.path}: an SQLite file that is not a warta state file (tables {', '.join(sorted(foreign))}); "
                                 f"left as it was: move it away or choose another output folder")
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(_SCHEMA)
            self._add_columns()
        except sqlite3.OperationalError as error:  # a full disk, a folder that cannot be written: not the file's fault
            raise InputError(f"{self.path}: cannot open the batch state ({error}); free some space or check the "
                             f"folder's permissions, then run again") from error
        except sqlite3.DatabaseError as error:
            raise InputError(f"{self.path}: not a warta state file ({error}); move it away or choose another output folder") from error
        self._skipped: list[str] = []
        with self._guarded():
            if new or self._meta("schema") is None:
                self._import_manifest()
            self._drop_unsafe_rows()

    def _add_columns(self) -> None:
        # An older warta's state file: add what it lacks, so that it opens and resumes. An older
        # warta opening this file names its columns and leaves these at their defaults.
        present = {row[1] for row in self.db.execute("PRAGMA table_info(articles)")}
        for column, definition in _ADDED_COLUMNS.items():
            if column not in present:
                self.db.execute(f"ALTER TABLE articles ADD COLUMN {column} {definition}")

    @contextmanager
    def _guarded(self) -> Iterator[None]:
        # SQLite reports a full disk or an I/O error at whichever statement meets it; the user
        # must hear which file it was, not a bare "database or disk is full".
        try:
            yield
        except sqlite3.Error as error:
            raise InputError(f"{self.path}: cannot read or write the batch state ({error}); free some space or move "
                             f"the output folder, then run again to resume") from error

    def _drop_unsafe_rows(self) -> None:
        # A state copied from elsewhere or crafted may name folders outside OUT (../victim, /etc):
        # writing there, or deleting "earlier outputs" there, would destroy a user's files.
        unsafe = []
        for (name,) in self.db.execute("SELECT name FROM articles").fetchall():
            reason = _outside_reason(self.out, name)
            if reason is not None:
                unsafe.append(name)
                self.refused.append((printable(str(name)), reason))
        if unsafe:
            with self.db:
                self.db.execute("BEGIN")
                self.db.executemany("DELETE FROM articles WHERE name = ?", [(name,) for name in unsafe])

    def _meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _import_manifest(self) -> None:
        # An output folder from a warta that kept only manifest.json: import it once, so that
        # its names stay assigned and its articles resume.
        from pipeline.batch.manifest import read_manifest

        records = read_manifest(self.out)
        seen: set[bytes] = set()
        with self.db:
            self.db.execute("BEGIN")
            for name, record in list(records.items()):
                reason = _outside_reason(self.out, name)
                if reason is not None:
                    self.refused.append((printable(name), reason))
                    del records[name]
                    continue
                given = record.get("input")
                key = os.fsencode(os.path.abspath(given)) if isinstance(given, str) and given else None
                if key in seen:  # the old walk could give one file two names; the first keeps its key
                    key = None
                if key is not None:
                    seen.add(key)
                self.db.execute(
                    "INSERT OR REPLACE INTO articles (name, input_key, input, sha256, fingerprint, status, reason, title,"
                    " sentences, flags, timings, outputs, updated_at, left_out, warnings) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (name, key, str(given or ""), record.get("sha256"), str(record.get("fingerprint", "")),
                     str(record.get("status", "failed")), str(record.get("reason", "")), record.get("title"),
                     record.get("sentences"), json.dumps(record.get("flags", {})), json.dumps(record.get("timings", {})),
                     json.dumps(record.get("outputs", [])), str(record.get("updated_at", _now())),
                     json.dumps(_strings(record.get("left_out")), ensure_ascii=False),
                     json.dumps(_strings(record.get("warnings")), ensure_ascii=False)),
                )
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (_SCHEMA_VERSION,))
        if records:
            from pipeline.batch.manifest import mark_output_folder

            for name in records:  # older folders had no marker: mark them so no walk reads them
                try:
                    if (self.out / name).is_dir():
                        mark_output_folder(self.out / name)
                except OSError:  # a name the file system refuses: its article is simply redone
                    continue

    def by_input(self, key: bytes) -> ArticleRow | None:
        """The row of the input whose resolved path is ``key``, if any."""
        return self._row("input_key", key)

    def by_name(self, name: str) -> ArticleRow | None:
        """The row of output folder ``name``, if any."""
        return self._row("name", name)

    def _row(self, column: str, value: object) -> ArticleRow | None:
        with self._guarded():
            found = self.db.execute(
                f"SELECT name, input_key, sha256, fingerprint, status, outputs FROM articles WHERE {column} = ?", (value,)
            ).fetchone()
        if found is None:
            return None
        return ArticleRow(found[0], found[1], found[2], found[3], found[4], tuple(json.loads(found[5])))

    def record(
        self, name: str, input_key: bytes, input: str, sha256: str | None, fingerprint: str, status: str, reason: str = "",
        title: str | None = None, sentences: int | None = None, flags: dict[str, int] | None = None,
        timings: dict[str, float] | None = None, outputs: list[str] | None = None, article: bytes | None = None,
        left_out: list[str] | None = None, warnings: list[str] | None = None,
    ) -> None:
        """Set the row of ``name`` (replacing the old one), in one transaction.

        Any other row holding ``input_key`` loses it: an input has one output folder. ``left_out``
        and ``warnings`` (the article's), when not given, are read from the stored ``article``.
        """
        if article is not None and left_out is None and warnings is None:
            from pipeline.batch.stored import stored_notes

            left_out, warnings = stored_notes(article)
        with self._guarded(), self.db:
            self.db.execute("BEGIN")
            self.db.execute("UPDATE articles SET input_key = NULL WHERE input_key = ? AND name != ?", (input_key, name))
            self.db.execute(
                "INSERT OR REPLACE INTO articles (name, input_key, input, sha256, fingerprint, status, reason, title,"
                " sentences, flags, timings, outputs, updated_at, article, left_out, warnings)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (name, input_key, input, sha256, fingerprint, status, reason, title, sentences,
                 json.dumps(flags or {}, ensure_ascii=False), json.dumps(timings or {}), json.dumps(outputs or []),
                 _now(), article, json.dumps(left_out or [], ensure_ascii=False), json.dumps(warnings or [], ensure_ascii=False)),
            )

    def set_input(self, name: str, input_key: bytes, input: str) -> None:
        """Give ``name``'s folder to the input ``input_key`` (its earlier input no longer exists)."""
        with self._guarded(), self.db:
            self.db.execute("BEGIN")
            self.db.execute("UPDATE articles SET input_key = NULL WHERE input_key = ? AND name != ?", (input_key, name))
            self.db.execute("UPDATE articles SET input_key = ?, input = ? WHERE name = ?", (input_key, input, name))

    def set_outputs(self, name: str, outputs: list[str]) -> None:
        """Record that ``name``'s folder now holds ``outputs`` (views written from the stored article)."""
        with self._guarded(), self.db:
            self.db.execute("UPDATE articles SET outputs = ?, updated_at = ? WHERE name = ?", (json.dumps(outputs), _now(), name))

    def stored_article(self, name: str) -> bytes | None:
        """The translated article kept for ``name`` (see ``pipeline.batch.stored``), or None."""
        with self._guarded():
            found = self.db.execute("SELECT article FROM articles WHERE name = ?", (name,)).fetchone()
        return found[0] if found and found[0] is not None else None

    def mark_skipped(self, name: str) -> None:
        """Mark a current article as skipped by this run (saved in batches; see ``flush``)."""
        self._skipped.append(name)
        if len(self._skipped) >= _SKIP_BATCH:
            self.flush()

    def flush(self) -> None:
        """Save the skips marked so far, in one transaction."""
        if not self._skipped:
            return
        reason = "already done; input and settings unchanged"
        with self._guarded(), self.db:
            self.db.execute("BEGIN")
            self.db.executemany(
                "UPDATE articles SET status = 'skipped', reason = ? WHERE name = ? AND status IN ('done', 'skipped')",
                [(reason, name) for name in self._skipped],
            )
        self._skipped = []

    def records(self) -> Iterator[tuple[str, ArticleRecord]]:
        """Every article's record, in name order: what ``manifest.json`` and the index page list."""
        self.flush()
        query = ("SELECT name, input_key, input, sha256, fingerprint, status, reason, title, sentences, flags, timings,"
                 " outputs, updated_at, left_out, warnings FROM articles ORDER BY name")
        with self._guarded():
            rows = self.db.execute(query).fetchall()
        for row in rows:
            name, key, given, sha256, fingerprint, status, reason, title, sentences, flags, timings, outputs, updated, left_out, warnings = row
            translated = status != "failed" or title is not None
            yield name, ArticleRecord(
                given, sha256, fingerprint, status, reason,
                # the exact name, as the escaped one may be ambiguous
                input_bytes=bytes(key).hex() if key is not None and _not_utf8(key) else None,
                title=title, sentences=sentences,
                flags=json.loads(flags) if translated else None, timings=json.loads(timings) if translated else None,
                left_out=tuple(_strings(json.loads(left_out))), warnings=tuple(_strings(json.loads(warnings))),
                outputs=tuple(json.loads(outputs)), updated_at=updated,
            )

    def close(self) -> None:
        """Save pending skips and close the database."""
        try:
            self.flush()
        finally:
            self.db.close()


def _outside_reason(out: Path, name: object) -> str | None:
    """Why the record named ``name`` cannot be kept: its folder would not be inside ``out``; None when it can."""
    reason = unsafe_name_reason(name)
    if reason is None and folder_inside(out, str(name)) is None:
        reason = "its folder resolves outside the output folder"
    return reason


def _strings(value: object) -> list[str]:
    """``value`` as a list of strings (an imported manifest's field may hold anything)."""
    return [str(item) for item in value] if isinstance(value, list) else []


def _not_utf8(key: bytes | None) -> bool:
    if key is None:
        return False
    try:
        bytes(key).decode("utf-8")
        return False
    except UnicodeDecodeError:
        return True


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
