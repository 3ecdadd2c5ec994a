"""The loop of one batch run over its articles: skip, read, translate in windows, write, record.

What the loop decides, the same whichever executor reads and translates: an unchanged article is
skipped (and only its missing formats are written from the stored translation), any error while
one article is read, translated or written fails that article alone with its reason and removes
its earlier outputs, and a fault of the installation or the machine stops the run
(``executor.raise_if_fatal``). A stop request abandons the window in flight; what was not done
is listed as pending.
"""

import json
import logging
import signal
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from pipeline.article import Article, ArticleRecord
from pipeline.batch.executor import Executor, Window, WindowAbandoned, WindowResult, raise_if_fatal, stops_run
from pipeline.batch.manifest import is_output_folder, mark_output_folder
from pipeline.batch.names import folder_inside
from pipeline.batch.progress import Progress
from pipeline.batch.signals import StopRequest
from pipeline.batch.state import ArticleRow, BatchState, printable
from pipeline.batch.stored import dump_article, load_article
from pipeline.batch.walking import ArticleJob
from pipeline.errors import WartaError, one_line
from pipeline.files import sha256_of_file
from pipeline.orchestrator import Warta
from pipeline.outputs import ARTICLE_OUTPUTS, REPORT_NAME, output_files, write_article
from pipeline.outputs.report import RunInfo
from pipeline.outputs.rows import flag_counts

log = logging.getLogger(__name__)

# Larger files are not hashed (the reader refuses them with its own message).
_MAX_HASHED_BYTES = 64 * 1024 * 1024


@dataclass
class BatchResult:
    """What a run did.

    Attributes:
        done, skipped: output names translated by this run / already done and unchanged
            (including those whose other formats were written from the stored article).
        failed: (input path, printable, reason) of the articles that failed.
        sentences: sentences translated by this run.
        seconds: wall-clock time of the run.
        interrupted: the run was stopped by a signal before it finished.
        pending: (name, record) of the articles a stopped run did not get to; listed in
            ``manifest.json`` and the index with the status ``pending``, never stored.
        stop_signal: the signal that stopped it (``signal.SIGINT`` or ``signal.SIGTERM``), or None.
    """

    done: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    sentences: int = 0
    seconds: float = 0.0
    interrupted: bool = False
    stop_signal: int | None = None
    pending: list[tuple[str, ArticleRecord]] = field(default_factory=list)

    @property
    def exit_status(self) -> int:
        """128 + the stopping signal (130 for Ctrl-C, 143 for SIGTERM), 1 with failures, else 0."""
        if self.interrupted:
            return 128 + (self.stop_signal or signal.SIGINT)
        return 1 if self.failed else 0


def _reason(error: Exception) -> str:
    # warta's own errors say what to do; anything else is named by its type
    return printable(one_line(error) if isinstance(error, WartaError) else f"{type(error).__name__}: {one_line(error)}")


class BatchLoop:
    """One run's loop over its jobs: skip, read, translate in windows, write, record (``run``)."""

    def __init__(self, out: Path, warta: Warta, executor: Executor, state: BatchState, fingerprint: str, progress: Progress,
                 result: BatchResult, stop: StopRequest):
        self.out, self.warta, self.executor, self.state, self.fingerprint = out, warta, executor, state, fingerprint
        self.progress, self.result, self.stop = progress, result, stop
        self.settings = warta.settings
        self.wanted = output_files(self.settings.formats, self.settings.targets)
        self.hashes: dict[str, str | None] = {}  # job name -> sha256 of its input, for a failure before reading
        self.finished: set[str] = set()  # job names done, skipped or failed in this run

    def run(self, jobs: list[ArticleJob]) -> None:
        # A pull chain: each window translated asks for the next, which asks the executor for
        # read articles, which asks for the jobs that are not skipped. The local executor so
        # reads, translates and writes one window after the other; the Ray one pulls ahead.
        try:
            for window_result in self.executor.translate(self._windows(jobs), self._on_progress):
                self._finish_window(window_result)
        except WindowAbandoned:
            self.result.interrupted = True
        if self.stop.requested:  # also when the request came during the last window's writes
            self.result.interrupted = True
        if self.result.interrupted:
            self.result.pending = self._pending(jobs)

    def _pending(self, jobs: list[ArticleJob]) -> list[tuple[str, ArticleRecord]]:
        """The jobs a stopped run did not get to, as records for the manifest and the index (not
        stored: the next run does them). One whose translation from an earlier run is still in
        the state is left to that record."""
        pending = []
        for job in jobs:
            row = None if job.name in self.finished else self.state.by_name(job.name)
            if job.name not in self.finished and (row is None or row.status == "failed"):
                pending.append((job.name, ArticleRecord(printable(str(job.path)), None, self.fingerprint, "pending",
                                                        "not translated yet: the run was stopped; run the same command again")))
        return pending

    def _jobs_to_read(self, jobs: list[ArticleJob]) -> Iterator[ArticleJob]:
        for job in jobs:
            if self.stop.requested:
                self.result.interrupted = True
                return
            if job.refused:
                self._fail(job, job.refused, None)
            elif not self._skipped(job):
                yield job

    def _windows(self, jobs: list[ArticleJob]) -> Iterator[Window]:
        window: Window = []
        sentences = 0
        for job, outcome in self.executor.prepare(self._jobs_to_read(jobs)):
            article = self._prepared(job, outcome)
            if article is not None:
                window.append((job, article))
                sentences += len(article.sentences())
            if window and sentences >= self.settings.window_sentences:
                if self.stop.requested:
                    break
                self.progress.window_started(len(window), sentences)
                yield window
                window, sentences = [], 0
        if self.stop.requested:
            # A window left over after an interruption was read but not translated: nothing
            # was written for its articles, and the next run does them.
            self.result.interrupted = True
            return
        if window:
            self.progress.window_started(len(window), sentences)
            yield window

    def _skipped(self, job: ArticleJob) -> bool:
        # Hash first: an unchanged article is skipped without being parsed or language-checked.
        sha256 = sha256_of_file(job.path, _MAX_HASHED_BYTES)
        self.hashes[job.name] = sha256
        row = self.state.by_name(job.name)
        # assign_names gave this job the row's folder: the row is its own, or its input is gone
        # (the archive moved) and the same content is still current.
        if (row is not None and not self.settings.force
                and row.is_current(sha256, self.fingerprint) and (self.out / job.name / REPORT_NAME).is_file()):
            # Asked for and not written, or written and since deleted by hand: the file on disk counts.
            folder = self.out / job.name
            missing = sorted(name for name in self.wanted if name not in row.outputs or not (folder / name).is_file())
            if not missing or self._write_views(job, row, missing):
                if row.input_key != job.key:
                    self.state.set_input(job.name, job.key, printable(str(job.path)))
                self.state.mark_skipped(job.name)
                self.finished.add(job.name)
                self.result.skipped.append(job.name)
                self.progress.article_finished(job.name, "skipped", reason="unchanged")
                return True
        return False

    def _prepared(self, job: ArticleJob, outcome: Article | Exception) -> Article | None:
        """The article read for ``job``, or None after failing the job with the reading error."""
        if isinstance(outcome, Exception):  # any fault of one file fails that file alone
            raise_if_fatal(outcome)
            reason = _reason(outcome)
            for given in (job.path, job.path.absolute()):  # a Ray worker reads the absolute path
                reason = reason.removeprefix(f"{printable(str(given))}: ")
            self._fail(job, reason, self.hashes.get(job.name))
            return None
        if printable(str(job.path)) != str(job.path):
            # A name that is not valid UTF-8: reports and pages show it escaped, as the
            # manifest does (the exact bytes are in the state and the manifest).
            outcome.source = Path(printable(str(job.path)))
        return outcome

    def _write_views(self, job: ArticleJob, row: ArticleRow, missing: list[str]) -> bool:
        """Write the outputs ``missing`` from the stored article; False when that cannot be done."""

        stored = self.state.stored_article(job.name)
        folder = folder_inside(self.out, job.name)
        if stored is None or folder is None:
            return False
        try:
            article = load_article(stored)
            report = json.loads((folder / REPORT_NAME).read_text(encoding="utf-8"))
            run_info = RunInfo.from_report(report)
            formats = tuple(name for name in self.settings.formats
                            if output_files((name,), self.settings.targets) & set(missing))
            written = write_article(article, folder, run_info, self.settings.targets, formats, remove_stale=False)
        except Exception as error:  # noqa: BLE001 - then translate it again, which also writes them
            raise_if_fatal(error)
            log.warning("%s: cannot write %s from the stored translation (%s); translating again",
                        job.name, ", ".join(missing), _reason(error))
            return False
        self.state.set_outputs(job.name, sorted(set(row.outputs) | {path.name for path in written}))
        self.progress.message(f"warta: {job.name}: wrote {', '.join(missing)} from the stored translation")
        return True

    def _finish_window(self, window_result: WindowResult) -> None:
        """Write each translated article of a window that came back; fail those whose translation failed."""
        run_info = None
        if window_result.models is not None:  # translated elsewhere: the reports name the models it loaded
            run_info = replace(self.warta.run_info(), models=window_result.models)
        for (job, article), outcome in zip(window_result.window, window_result.outcomes, strict=True):
            if isinstance(outcome, Exception):
                raise_if_fatal(outcome)
                if stops_run(outcome):
                    raise outcome  # a model that cannot be loaded, bad settings: every article would fail
                self._fail(job, f"translation failed: {_reason(outcome)}", article.sha256, read=True)
            else:
                self._write(job, outcome, run_info)

    def _on_progress(self, sentences: float) -> None:
        self.progress.sentences_translated(sentences)
        if self.stop.abandon:
            raise WindowAbandoned

    def _write(self, job: ArticleJob, article: Article, run_info: RunInfo | None = None) -> None:
        folder = folder_inside(self.out, job.name)
        if folder is None:  # a folder planted in OUT as a link to elsewhere since the names were given
            self._fail(job, "its output folder leads outside the output folder; nothing was written", article.sha256, read=True)
            return
        earlier = self._earlier_outputs(folder)
        try:
            mark_output_folder(folder)  # first: a half-written folder is never read as input
            written = self.warta.write(article, folder, run_info)
        except Exception as error:  # noqa: BLE001 - python-docx, openpyxl, the disk: this article alone
            raise_if_fatal(error)
            detail = error.strerror if isinstance(error, OSError) and error.strerror else _reason(error)
            self._fail(job, f"cannot write the outputs ({printable(str(detail))})", article.sha256, read=True,
                       had_outputs=bool(earlier))
            return
        names = [path.name for path in written]
        removed = sorted(set(earlier) - set(names))
        if removed:
            self.progress.message(f"warta: {job.name}: translated again; removed outputs of the earlier translation "
                                  f"not asked for this time: {', '.join(removed)}")
        sentences = len(article.sentences())
        try:
            stored = dump_article(article)
            counts = flag_counts(article)
        except Exception as error:  # noqa: BLE001 - text the store cannot hold fails this article alone
            raise_if_fatal(error)
            self._fail(job, f"cannot store the translation ({_reason(error)})", article.sha256, read=True)
            return
        self.state.record(
            job.name, job.key, printable(str(job.path)), article.sha256, self.fingerprint, "done",
            title=printable(article.title) if article.title else None, sentences=sentences, flags=counts,
            timings={stage: round(seconds, 4) for stage, seconds in article.timings.items()},
            outputs=names, article=stored,
        )
        self.finished.add(job.name)
        self.result.done.append(job.name)
        self.result.sentences += sentences
        self.progress.article_finished(job.name, "done", sentences, read=True)

    def _earlier_outputs(self, folder: Path | None) -> list[str]:
        if folder is None or not is_output_folder(folder):
            return []
        return [name for name in ARTICLE_OUTPUTS if (folder / name).is_file()]

    def _fail(self, job: ArticleJob, reason: str, sha256: str | None, read: bool = False, had_outputs: bool = True) -> None:
        # Outputs of an earlier translation would pass for the translation of the input as it
        # is now: remove them (only warta's own files, only from a folder warta marked), and
        # those a failed write left half done.
        folder = folder_inside(self.out, job.name)  # never delete outside OUT, whatever the name says
        removed = []
        for name in self._earlier_outputs(folder):
            try:
                (self.out / job.name / name).unlink()  # _earlier_outputs lists nothing for a folder outside
                removed.append(name)
            except OSError as error:
                log.warning("%s: cannot remove %s (%s)", job.name, name, error)
        if removed and had_outputs:
            reason = f"{reason}; the earlier outputs were removed"
        display = printable(str(job.path))
        self.state.record(job.name, job.key, display, sha256, self.fingerprint, "failed", reason=reason, outputs=[])
        self.finished.add(job.name)
        self.result.failed.append((display, reason))
        self.progress.article_finished(job.name, "failed", reason=reason, read=read)
