"""The store's review: a done job's rows, every change to them (``history``), comments, and its article.

A change is made only on the text the reviewer saw (``base``): when another reviewer changed
the row since, nothing is written and the row as it is now comes back (``Conflict``, or the
``conflicts`` of a bulk approval), so no edit is ever lost silently. Every change appends to the
history; the last history id of a job is the mark that says whether its outputs on disk carry
the review as it is now (``outputs_change``).
"""

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from pipeline.serve.database import Database, now
from pipeline.serve.records import REVIEW_STATES, Approval, Change, Comment, Conflict, Segment, StoreError, TargetText


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
                json.loads(suggestion) if suggestion else None, texts.get(number, {}), tuple(comments.get(number, ())),
                marker, tuple(json.loads(cell)) if cell else None)
        for number, block, sentence, kind, source, flags, scores, suggestion, marker, cell in db.execute(
            f"SELECT row, block, sentence, kind, source, flags, scores, suggestion, marker, cell FROM segments "
            f"WHERE job_id = ?{only} ORDER BY row", values,
        )
    ]


def _record_change(db: sqlite3.Connection, job_id: str, row: int, target: str, old: tuple[str, str], new: tuple[str, str],
                   who: str, at: str) -> None:
    db.execute("UPDATE segment_texts SET text = ?, state = ?, changed_by = ?, changed_at = ? "
               "WHERE job_id = ? AND row = ? AND target = ?", (*new, who, at, job_id, row, target))
    db.execute("INSERT INTO history (job_id, row, target, old_text, new_text, old_state, new_state, who, at) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", (job_id, row, target, old[0], new[0], old[1], new[1], who, at))


class ReviewStore(Database):
    """Rows, changes, comments and the kept article of done jobs; each function one transaction."""

    def segments(self, job_id: str) -> list[Segment]:
        """A job's rows in order, with their texts and comments ([] for a job not done)."""
        with self._read() as db:
            return _segments(db, job_id)

    def segment(self, job_id: str, row: int) -> Segment | None:
        """One row of a job, or None."""
        with self._read() as db:
            found = _segments(db, job_id, row)
        return found[0] if found else None

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
            if current[0] != base:
                raise Conflict(_segments(db, job_id, row)[0])
            changed = now()
            _record_change(db, job_id, row, target, current, (text, state), who, changed)
            db.execute("UPDATE jobs SET updated_at = ? WHERE id = ?", (changed, job_id))
            return _segments(db, job_id, row)[0]

    def approve_segments(self, job_id: str, items: Sequence[tuple[int, str, str]], who: str) -> Approval:
        """Approve many targets at once, each only when its text is still the one the reviewer saw; one transaction.

        Args:
            job_id: the job.
            items: (row, target, base): the text the reviewer saw and approves.
            who: the reviewer.

        Returns:
            Which were approved, which were approved with that text already, which were
            changed by someone else since (left as they are), and the rows as they are now.

        Raises:
            StoreError: a row or target the job does not have (nothing is changed).
        """
        approved: list[tuple[int, str]] = []
        unchanged: list[tuple[int, str]] = []
        conflicts: list[tuple[int, str]] = []
        with self._write() as db:
            current = {(row, target): (text, state) for row, target, text, state in db.execute(
                "SELECT row, target, text, state FROM segment_texts WHERE job_id = ?", (job_id,))}
            missing = [(row, target) for row, target, _ in items if (row, target) not in current]
            if missing:
                raise StoreError(f"row {missing[0][0]} has no '{missing[0][1]}' text")
            changed = now()
            for row, target, base in items:
                text, state = current[(row, target)]
                if text != base:
                    conflicts.append((row, target))
                elif state == "approved":
                    unchanged.append((row, target))
                else:
                    _record_change(db, job_id, row, target, (text, state), (text, "approved"), who, changed)
                    current[(row, target)] = (text, "approved")
                    approved.append((row, target))
            if approved:
                db.execute("UPDATE jobs SET updated_at = ? WHERE id = ?", (changed, job_id))
            asked = {row for row, _, _ in items}
            rows = tuple(segment for segment in _segments(db, job_id) if segment.row in asked)
        return Approval(tuple(approved), tuple(unchanged), tuple(conflicts), rows)

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

    # --- the kept article, and whether the outputs carry the review -----------------------------

    def review_marks(self, job_id: str) -> tuple[int, int] | None:
        """(the last change the outputs on disk carry, the job's last change now): history ids,
        0 for none; None when the job's article is not kept (its outputs stay as translated)."""
        with self._read() as db:
            found = db.execute("SELECT outputs_change FROM job_articles WHERE job_id = ?", (job_id,)).fetchone()
            if found is None:
                return None
            last = db.execute("SELECT COALESCE(MAX(id), 0) FROM history WHERE job_id = ?", (job_id,)).fetchone()[0]
        return int(found[0]), int(last)

    def kept_article(self, job_id: str) -> bytes | None:
        """The job's translated article as ``pipeline.batch.stored.dump_article`` made it, or None."""
        with self._read() as db:
            found = db.execute("SELECT article FROM job_articles WHERE job_id = ?", (job_id,)).fetchone()
        return bytes(found[0]) if found else None

    def set_outputs_change(self, job_id: str, change: int) -> None:
        """Record that the outputs on disk carry the job's review up to history entry ``change``."""
        with self._write() as db:
            db.execute("UPDATE job_articles SET outputs_change = ? WHERE job_id = ?", (change, job_id))
