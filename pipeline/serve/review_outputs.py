"""Between a translated article and its review on the server: the rows it is reviewed in, and the
outputs written again with the review applied.

- ``segment_rows``: a translated article's rows for review, one per source sentence, numbered as
  ``aligned.tsv``, with a list item's marker and a table cell's place.
- ``apply_review``: the rows' current texts put back into the article (and into an extractive
  summary, whose sentences are rows).
- ``ReviewedOutputs``: what the download routes read files through. The worker keeps a done
  job's article (``pipeline.batch.stored.dump_article``, as the batch state keeps one); when the
  review changed since the outputs were written (the job's last history id is not the one they
  were written at), every output is written again from that article with the review applied
  (``pipeline.outputs.write_article``, each file atomically) before it is read, and
  ``report.json`` says which rows were reviewed (``review``, and a line in ``warnings``). So a
  download is always the review as it is at that moment. A job whose article is not kept (done by
  an older server) is served as translated.
"""

import json
import logging
import threading
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from pipeline.article import Article
from pipeline.batch.stored import load_article
from pipeline.errors import WartaError, one_line
from pipeline.files import write_atomic
from pipeline.outputs import OUTPUT_FORMATS, REPORT_NAME, write_article
from pipeline.outputs.report import RunInfo
from pipeline.outputs.rows import row_flags
from pipeline.serve.store import REVIEW_STATES, DataFolder, Job, NewSegment, Segment, Store

log = logging.getLogger(__name__)

#: The language names of the review line in ``report.json``'s warnings.
_LANGUAGES = {"en": "English", "zh": "Chinese"}


class ReviewedOutputsError(WartaError):
    """A job's outputs could not be written again with its review (the files as they were are kept)."""


def segment_rows(article: Article, targets: tuple[str, ...]) -> list[NewSegment]:
    """A translated article's rows for review: one per source sentence, numbered as ``aligned.tsv``.

    Args:
        article: the translated article.
        targets: the job's target languages (one text per target and row).

    Returns:
        The rows in document order; a list item's rows carry its marker, a table cell's its place.
    """
    return [
        NewSegment(
            block_number, sentence_number, block.kind, sentence.text, tuple(row_flags(sentence)), dict(sentence.scores),
            asdict(sentence.suggestion) if sentence.suggestion is not None else None,
            {target: getattr(sentence, target) for target in targets},
            marker=block.marker if block.kind == "list_item" else "",
            cell=block.cell if block.kind == "table_cell" else None,
        )
        for block_number, sentence_number, block, sentence in article.numbered_sentences()
    ]


def apply_review(article: Article, segments: Sequence[Segment]) -> dict[str, Any]:
    """Put each row's current texts into ``article`` (and into an extractive summary's copies of them).

    Args:
        article: the job's translated article (changed in place).
        segments: its rows now, in order.

    Returns:
        What ``report.json`` says of the review: ``edited`` and ``approved`` (target -> rows),
        ``rows`` and ``as_of`` (the last change's time, or None).

    Raises:
        ReviewedOutputsError: the rows are not the article's (another article, or another split).
    """
    numbered = article.numbered_sentences()
    if len(numbered) != len(segments):
        raise ReviewedOutputsError(f"the job has {len(segments)} rows and its article {len(numbered)} sentences")
    reviewed: dict[tuple[int, int], tuple[str, dict[str, str]]] = {}
    states: dict[str, dict[str, list[int]]] = {"edited": {}, "approved": {}}
    times: list[str] = []
    for (block_number, sentence_number, _, sentence), segment in zip(numbered, segments, strict=True):
        if (block_number, sentence_number, sentence.text) != (segment.block, segment.sentence, segment.source):
            raise ReviewedOutputsError(f"row {segment.row} is not the article's sentence {block_number}.{sentence_number}")
        for target, text in segment.texts.items():
            setattr(sentence, target, text.text)
            if text.state in REVIEW_STATES:
                states[text.state].setdefault(target, []).append(segment.row)
            if text.changed_at:
                times.append(text.changed_at)
        reviewed[(block_number, sentence_number)] = (sentence.text, {target: text.text for target, text in segment.texts.items()})
    if article.summary_method == "extractive":
        for item in article.summary:  # a picked sentence is a row: it says what the row says now
            source, now = reviewed.get((item.block, item.sentence), ("", {}))
            if source == item.id:
                for target, written in now.items():
                    setattr(item, target, written)
    return {"rows": len(segments), "as_of": max(times) if times else None, **states}


def _review_line(review: dict[str, Any]) -> str:
    parts = []
    for target in sorted({*review["edited"], *review["approved"]}):
        edited, approved = len(review["edited"].get(target, [])), len(review["approved"].get(target, []))
        parts.append(f"{_LANGUAGES.get(target, target)} {edited} edited and {approved} approved")
    said = "; ".join(parts) if parts else "no row changed yet"
    return (f"Reviewed on warta serve, as of {review['as_of'] or 'the translation'}: {said} (of {review['rows']} rows); "
            f"the flags are the machine translation's.")


class ReviewedOutputs:
    """A server's job outputs, read with the review applied (one rewrite of a job at a time).

    Args:
        store: the server's store.
        folder: the data folder (``jobs/<id>/`` holds each job's outputs).
    """

    def __init__(self, store: Store, folder: DataFolder):
        self.store, self.folder = store, folder
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def _lock(self, job_id: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(job_id, threading.Lock())

    def read(self, job: Job, names: Sequence[str]) -> dict[str, bytes]:
        """The contents of a done job's outputs ``names``, written again first when the review changed.

        The files are read while no rewrite of the job runs, so a download never sees a part of one.

        Returns:
            File name -> its bytes, for each of ``names`` that is a regular file (not a symbolic
            link) in the job's folder.

        Raises:
            ReviewedOutputsError: the outputs could not be written with the review.
        """
        folder = self.folder.jobs / job.id
        with self._lock(job.id):
            marks = self.store.review_marks(job.id)
            if marks is not None and marks[0] != marks[1]:
                self._write(job, folder, marks[1])
            # a file warta wrote, never what a link planted in the folder points at
            return {name: (folder / name).read_bytes() for name in names
                    if (folder / name).is_file() and not (folder / name).is_symlink()}

    def _write(self, job: Job, folder: Path, change: int) -> None:
        report_path = folder / REPORT_NAME
        report_bytes = report_path.read_bytes() if report_path.is_file() else None
        try:
            stored = self.store.kept_article(job.id)
            if stored is None or report_bytes is None:
                raise ReviewedOutputsError("its translated article or report.json is missing")
            article = load_article(stored)
            review = apply_review(article, self.store.segments(job.id))
            article.warnings.append(_review_line(review))
            formats = tuple(name for name, output in OUTPUT_FORMATS.items() if set(output.file_names(job.targets)) & set(job.outputs))
            run_info = RunInfo.from_report(json.loads(report_bytes))
            write_article(article, folder, run_info, job.targets, formats, remove_stale=False)
            report = json.loads(report_path.read_text(encoding="utf-8"))
            report["review"] = review
            write_atomic(report_path, json.dumps(report, ensure_ascii=False, indent=2) + "\n")
        except Exception as error:
            # write_article takes report.json away first: put it back, so the folder stays whole
            if report_bytes is not None and not report_path.is_file():
                write_atomic(report_path, report_bytes)
            log.exception("job %s: cannot write the outputs with the review", job.id)
            reason = one_line(error) if isinstance(error, WartaError) else f"{type(error).__name__}: {one_line(error)}"
            raise ReviewedOutputsError(f"the outputs could not be written with the review ({reason}); "
                                       f"tell the person who runs warta") from error
        self.store.set_outputs_change(job.id, change)
        log.info("job %s: outputs written again with the review (change %d)", job.id, change)
