"""The store's queue: jobs in submission order, their progress, and a done job's rows and article.

The queue lives only here, never in memory, so a restart loses nothing: ``requeue_interrupted``
puts the jobs a stopped server left ``running`` back in the queue, and ``claim_next_job`` takes
the oldest queued one.
"""

import json
from typing import Any

from pipeline.serve.database import Database, now
from pipeline.serve.records import Job, NewSegment, StoreError

#: How often the server may die while translating one job before the job fails instead of being tried again.
MAX_CRASHES = 3
_JOB_COLUMNS = ("id, owner, status, input_name, upload, targets, profile, glossary, title, sentences_done, "
                "sentences_total, error, outputs, created_at, updated_at")
# rows whose every target is approved, all rows, and whether the article is kept, of each job
_COUNTS = ("(SELECT COUNT(*) FROM segments s WHERE s.job_id = jobs.id AND NOT EXISTS (SELECT 1 FROM segment_texts t "
           "WHERE t.job_id = s.job_id AND t.row = s.row AND t.state != 'approved')), "
           "(SELECT COUNT(*) FROM segments s WHERE s.job_id = jobs.id), "
           "EXISTS (SELECT 1 FROM job_articles a WHERE a.job_id = jobs.id)")


def _job(row: tuple[Any, ...]) -> Job:
    (job_id, owner, status, input_name, upload, targets, profile, glossary, title, done, total, error, outputs,
     created, updated, approved, rows, with_article) = row
    return Job(job_id, owner, status, input_name, upload, tuple(targets.split(",")) if targets else (), profile, glossary,
               title, done, total, error, tuple(json.loads(outputs)), created, updated, approved, rows, bool(with_article))


class JobStore(Database):
    """The jobs; each function one transaction."""

    def add_job(self, job_id: str, owner: str, input_name: str, upload: str, targets: tuple[str, ...], profile: str,
                glossary: str = "", status: str = "queued", error: str = "") -> Job:
        """Add a job (its files are in ``uploads/`` already: the worker may take it at once).

        Args:
            job_id: its id (``records.new_job_id``), which its files are named after.
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

    def job(self, job_id: str) -> Job | None:
        """The job ``job_id`` with its review counts, or None."""
        with self._read() as db:
            row = db.execute(f"SELECT {_JOB_COLUMNS}, {_COUNTS} FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return _job(row) if row else None

    def jobs(self, owner: str | None = None, limit: int = 200) -> list[Job]:
        """Jobs newest first (``owner``'s only, when given), at most ``limit``."""
        where, values = ("WHERE owner = ?", (owner, limit)) if owner is not None else ("", (limit,))
        with self._read() as db:
            rows = db.execute(f"SELECT {_JOB_COLUMNS}, {_COUNTS} FROM jobs {where} ORDER BY seq DESC LIMIT ?", values)
            return [_job(row) for row in rows]

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
        """Put every ``running`` job back in the queue (a server stopped while translating it); returns how many.

        A job found ``running`` at start-up was not put back by a clean stop: the server died
        under it (killed, out of memory, or a file that crashes it). After ``MAX_CRASHES`` such
        deaths the job fails with that said, so one file cannot bring the server down at every
        start for ever.
        """
        with self._write() as db:
            db.execute("UPDATE jobs SET crashes = crashes + 1 WHERE status = 'running'")
            db.execute("UPDATE jobs SET status = 'failed', updated_at = ?, error = ? WHERE status = 'running' AND crashes >= ?",
                       (now(), f"the server stopped {MAX_CRASHES} times while translating this release; it is not tried again",
                        MAX_CRASHES))
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

    def finish_job(self, job_id: str, title: str, outputs: list[str], segments: list[NewSegment], article: bytes | None = None) -> None:
        """Store a translated job's rows (and its article) and mark it ``done``, in one transaction (all or nothing).

        Args:
            job_id: the job.
            title: the article's title, for display.
            outputs: the files written into its folder.
            segments: its rows for review, in order.
            article: the translated article as ``pipeline.batch.stored.dump_article`` keeps it,
                from which the outputs are written again with the review applied; None for none.

        Rows an earlier, interrupted attempt stored are replaced (there are none: a job is only
        done once), together with their review.
        """
        changed = now()
        with self._write() as db:
            db.execute("DELETE FROM segments WHERE job_id = ?", (job_id,))
            for row, segment in enumerate(segments, start=1):
                db.execute(
                    "INSERT INTO segments (job_id, row, block, sentence, kind, source, flags, scores, suggestion, marker, cell) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (job_id, row, segment.block, segment.sentence, segment.kind, segment.source, json.dumps(list(segment.flags)),
                     json.dumps(segment.scores), json.dumps(segment.suggestion) if segment.suggestion is not None else None,
                     segment.marker, json.dumps(list(segment.cell)) if segment.cell is not None else None),
                )
                db.executemany("INSERT INTO segment_texts VALUES (?, ?, ?, ?, ?, 'machine', NULL, NULL)",
                               [(job_id, row, target, text, text) for target, text in segment.texts.items()])
            db.execute("DELETE FROM job_articles WHERE job_id = ?", (job_id,))
            if article is not None:
                db.execute("INSERT INTO job_articles (job_id, article, outputs_change) VALUES (?, ?, 0)", (job_id, article))
            total = len(segments)
            db.execute("UPDATE jobs SET status = 'done', title = ?, outputs = ?, sentences_done = ?, sentences_total = ?, "
                       "error = '', updated_at = ? WHERE id = ?", (title, json.dumps(outputs), total, total, changed, job_id))
