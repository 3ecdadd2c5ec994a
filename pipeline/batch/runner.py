"""Running ``translate`` over files and folders: the overnight batch job.

* Each input file (by resolved path, once per run however often it is named) becomes
  ``OUT/<name>/``. The name is the file's path relative to the folder given, without the
  suffix (a file named directly: its stem), so ``2025/05/rilis.txt`` and ``2025/06/rilis.txt``
  never collide. The state remembers which input owns which folder and never gives that folder
  to another input: a newcomer whose name is taken gets its path with the suffix
  (``rilis.txt``), then that name with a hash of its resolved path (``rilis-1a2b3c4d``). A
  folder whose input no longer exists is handed to the next input that wants it. Bytes of a
  file name that are not valid UTF-8 become ``%XX`` in the folder name.
* Models load once; sentences of several articles are translated together (a *window* of
  about ``Settings.window_sentences`` sentences), so batches are full and sorted by length
  across articles, and each window's articles are written as soon as it is translated.
* An executor (``pipeline.batch.executor``) does the reading and the translating: in this
  process (``local``), or in Ray tasks and actors (``ray``). Everything else stays here, the
  same for both: the state, the skip and resume rules, the windows, and every write.
* The state (``pipeline.batch.state``, SQLite, one transaction per article) makes the run
  resumable: an article whose input and fingerprint (settings that shape the output, model
  revisions, warta's version) are unchanged is skipped; ``--force`` redoes all. Asking for
  other ``--formats`` writes them from the stored article without translating again.
  ``OUT/manifest.json`` and ``OUT/index.html`` are written from the state at the end.
* Any error while one article is read, prepared, translated or written fails that article
  alone, with its reason; its earlier outputs are removed. A fault of the installation
  (``ImportError``) or the machine (``MemoryError``) stops the run.
* Ctrl-C and SIGTERM stop after the batch being translated (seconds, not the minutes a whole
  window takes): the window in flight is abandoned, articles finished before it are kept, and
  the state, manifest and index (which list what is still pending) are written; the run exits
  130 or 143 and says how to resume. A second signal stops at once.
* Every output folder holds a marker (``.warta-output``); no walk enters one, so ``-o`` inside
  (or equal to) an input folder never makes a run read its own outputs.
"""

import logging
import os
import signal
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import FrameType
from typing import TextIO

from models.loading import known_revision
from pipeline.article import Article, ArticleRecord
from pipeline.batch.executor import EXECUTORS, Executor, LocalExecutor, Window, WindowAbandoned, WindowResult, fatal_error, stops_run
from pipeline.batch.lock import LOCK_NAME, OutputLock
from pipeline.batch.manifest import MANIFEST_NAME, MARKER_NAME, is_output_folder, mark_output_folder, write_manifest
from pipeline.batch.names import folder_inside
from pipeline.batch.progress import Progress
from pipeline.batch.state import STATE_NAME, ArticleRow, BatchState, printable
from pipeline.batch.stored import dump_article, load_article
from pipeline.batch.walking import ArticleJob, assign_names, find_articles
from pipeline.errors import UsageError, WartaError
from pipeline.files import TEMPORARY_NAME, sha256_of_file
from pipeline.orchestrator import Warta
from pipeline.outputs import ARTICLE_OUTPUTS, REPORT_NAME, output_files, write_article
from pipeline.outputs.index_page import INDEX_NAME, write_index
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


def model_revisions(warta: Warta) -> dict[str, str]:
    """The revision of every model the run uses, and the runtime, for the output fingerprint.

    A local folder and a cached hub model are fingerprinted without loading. A hub model not
    downloaded yet is loaded (downloaded) first: fingerprinting it as "not downloaded" would
    make the next run, which finds it cached, redo every article. The runtime (backend, device,
    compute type) is included because it changes the output too.

    Raises:
        ModelError: a model that is not cached cannot be loaded.
    """
    from models.devices import resolve_device

    revisions = {"runtime": f"{warta.pool.backend}:{resolve_device(warta.settings.device)}:{warta.settings.compute_type}"}
    if warta.glossary is not None:
        revisions["glossary"] = warta.glossary.sha256  # a changed glossary changes the flags
    if warta.memory is not None:
        # a grown or corrected memory redoes the articles, so those it now covers take it (issue 13)
        revisions["memory"] = f"{len(warta.memory)}:{warta.memory.digest()}"
    pairs = _pairs_used(warta)
    for pair in pairs:
        warta.pool.is_chat(pair)  # every model's config read first: a folder that is no model is one line at once
    for pair in pairs:
        name = warta.pool.models[pair]
        revision = known_revision(name)
        if revision is None:
            translator = warta.pool.get(pair)
            # Read back from the cache as the next run will; the loaded revision when there is none.
            revision = known_revision(name) or translator.info.revision
        revisions[pair] = f"{name}@{revision}"
    if warta.settings.summary == "abstractive":
        name = warta.pool.summarizer_name
        revisions["summarizer"] = f"{name}@{known_revision(name) or warta.pool.summarizer().info.revision}"
    return revisions


def _pairs_used(warta: Warta) -> list[str]:
    return warta.pool.plan(warta.settings.targets).pairs()


class _StopRequest:
    """Turns the first Ctrl-C or SIGTERM into a request to stop; a second one stops at once."""

    def __init__(self, progress: Progress):
        self.requested = False
        self.signal: int | None = None
        self.progress = progress
        self.previous: dict[int, object] = {}

    def __enter__(self) -> "_StopRequest":
        for number in (signal.SIGINT, signal.SIGTERM):
            try:
                self.previous[number] = signal.signal(number, self._handle)
            except ValueError:  # not the main thread: leave signals alone
                pass
        return self

    @property
    def abandon(self) -> bool:
        """Whether to abandon the window in flight: after any stop request. A window takes minutes
        on a CPU; a person pressing Ctrl-C, and systemd or docker stop sending SIGTERM, give seconds."""
        return self.requested

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.requested:  # the second signal: stop at once, with the status of the signal
            if signum == signal.SIGTERM:
                raise SystemExit(128 + signum)
            raise KeyboardInterrupt
        self.requested, self.signal = True, signum
        if signum == signal.SIGTERM:
            self.progress.message("warta: terminated: abandoning the current batch; state saved, the next run resumes")
        else:
            self.progress.message("warta: stopping after the current batch; finished articles are kept (Ctrl-C again to stop at once)")

    def __exit__(self, *exc_info: object) -> None:
        for number, previous in self.previous.items():
            signal.signal(number, previous)  # type: ignore[arg-type]


def make_executor(warta: "Warta") -> Executor:
    """The executor ``warta.settings.executor`` names, connected and ready.

    Raises:
        UsageError: an unknown executor, or ``ray`` without Ray installed (the message names
            ``pip install 'warta[ray]'``), or a Ray address that cannot be reached.
    """
    name = warta.settings.executor
    if name == "local":
        return LocalExecutor(warta)
    if name == "ray":
        from pipeline.batch.ray_executor import RayExecutor

        return RayExecutor.connect(warta)
    raise UsageError(f"--executor takes {' or '.join(EXECUTORS)}; got '{name}'")


def run_translate(inputs: list[Path], out: Path, warta: Warta, quiet: bool = False, stream: TextIO | None = None,
                  executor: Executor | None = None) -> BatchResult:
    """Translate every article among ``inputs`` into ``out``, resumably.

    Args:
        inputs: files and folders.
        out: the output folder.
        warta: the translator, with the run's settings.
        quiet: no progress output (failures and the final table are still printed).
        stream: where progress goes (default: standard error).
        executor: where the reading and translating happen; None for the one
            ``warta.settings.executor`` names, started here and closed at the end.

    Returns:
        What the run did.

    Raises:
        UsageError: an input does not exist, or ``--executor ray`` without Ray installed.
        InputError: the output folder is busy (another run holds it) or its state is broken.
        ModelError: a model cannot be loaded.
        WartaError: warta's installation is incomplete (a module is missing).
    """
    started = time.monotonic()
    found, unreadable = find_articles(inputs, exclude=out)
    result = BatchResult()
    own_executor = executor is None
    executor = executor or make_executor(warta)  # before anything is written: Ray may be missing
    new_folder = not out.exists()
    try:
        _run_locked(out, warta, executor, found, unreadable, result, quiet, stream)
    except WartaError:
        if new_folder and not (result.done or result.failed or result.skipped):
            # A first run that stopped before any article (a hub that cannot be reached) leaves
            # no folder saying "0 done" behind, only the error.
            remove_unused_output_folder(out)
        raise
    finally:
        if own_executor:
            executor.close()
        result.seconds = time.monotonic() - started
    return result


def _run_locked(out: Path, warta: Warta, executor: Executor, found: list[ArticleJob], unreadable: list[tuple[str, str]],
                result: BatchResult, quiet: bool, stream: TextIO | None) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with OutputLock(out):
        mark_output_folder(out)
        _remove_stale_temporary_files(out)
        state = BatchState(out)
        progress: Progress | None = None
        try:
            jobs = assign_names(found, state, out)
            progress = Progress(len(jobs), quiet, stream)
            for name, reason in state.refused:
                progress.message(f"warta: {printable(str(out))}: the record of {name!r} was refused ({reason}); "
                                 f"nothing is written there")
            for path, reason in unreadable:
                result.failed.append((path, reason))
                progress.message(f"warta: {path}: {reason}")
            # The signals are ours before the models load (a first run may download for minutes):
            # a stop then still writes the state and says how to resume.
            with _StopRequest(progress) as stop:
                fingerprint = warta.settings.output_fingerprint(model_revisions(warta))
                if stop.requested:
                    result.interrupted = True
                else:
                    _Run(out, warta, executor, state, fingerprint, progress, result, stop).run(jobs)
            result.stop_signal = stop.signal if result.interrupted else None
        except BaseException:
            # The run's own error is the one to hear; a manifest that cannot be written as well
            # (a full disk fails both) is a warning after it.
            _close_progress(progress)
            try:
                _export(out, state, result.pending)
            except (OSError, WartaError) as error:
                log.warning("cannot write %s and %s: %s", MANIFEST_NAME, INDEX_NAME, _reason(error))
            raise
        else:
            _close_progress(progress)
            _export(out, state, result.pending)
        finally:
            state.close()


def remove_unused_output_folder(out: Path) -> None:
    """Remove ``out`` when it holds only what a run writes before its first article (state,
    manifest, index, marker, lock); anything else in it, or a file that cannot be removed,
    leaves it as it is."""
    own = {STATE_NAME, f"{STATE_NAME}-wal", f"{STATE_NAME}-shm", f"{STATE_NAME}-journal", MANIFEST_NAME, INDEX_NAME,
           MARKER_NAME, LOCK_NAME, f"{LOCK_NAME}.pid"}
    try:
        names = {entry.name for entry in os.scandir(out)}
        if not names <= own or any(not (out / name).is_file() or (out / name).is_symlink() for name in names):
            return
        for name in names:
            (out / name).unlink()
        out.rmdir()
    except OSError as error:
        log.warning("cannot remove the unused output folder %s: %s", out, error)


def _close_progress(progress: Progress | None) -> None:
    if progress is not None:
        progress.close()


def _export(out: Path, state: BatchState, pending: Iterable[tuple[str, ArticleRecord]] = ()) -> None:
    """Write ``manifest.json`` and ``index.html`` from the state, with the articles still ``pending``."""
    records = dict(state.records())
    records.update(pending)
    ordered = sorted(records.items())
    write_manifest(out, ordered)
    write_index(out, dict(ordered))


def _remove_stale_temporary_files(out: Path) -> None:
    # A run killed in the middle of write_atomic leaves its hidden temporary file; the files
    # themselves are whole (old or new). Only write_atomic's own names are removed: with -o
    # inside an input folder, a user's ".notes.tmp" must survive. We hold the folder's lock.
    for folder, subfolders, files in os.walk(out):
        subfolders[:] = [sub for sub in subfolders if not sub.startswith(".")]
        for name in files:
            if TEMPORARY_NAME.match(name):
                (Path(folder) / name).unlink(missing_ok=True)


def _reason(error: Exception) -> str:
    return printable(str(error) if isinstance(error, WartaError) else f"{type(error).__name__}: {error}")


class _Run:
    """One run's loop over its jobs: skip, read, translate in windows, write, record."""

    def __init__(self, out: Path, warta: Warta, executor: Executor, state: BatchState, fingerprint: str, progress: Progress,
                 result: BatchResult, stop: _StopRequest):
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
            fatal = fatal_error(outcome)
            if fatal is not None:
                raise fatal from outcome
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
            import json

            article = load_article(stored)
            report = json.loads((folder / REPORT_NAME).read_text(encoding="utf-8"))
            run_info = RunInfo.from_report(report)
            formats = tuple(name for name in self.settings.formats
                            if output_files((name,), self.settings.targets) & set(missing))
            written = write_article(article, folder, run_info, self.settings.targets, formats, remove_stale=False)
        except Exception as error:  # noqa: BLE001 - then translate it again, which also writes them
            fatal = fatal_error(error)
            if fatal is not None:
                raise fatal from error
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
                fatal = fatal_error(outcome)
                if fatal is not None:
                    raise fatal from outcome
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
            fatal = fatal_error(error)
            if fatal is not None:
                raise fatal from error
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
            fatal = fatal_error(error)
            if fatal is not None:
                raise fatal from error
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


def format_summary(result: BatchResult, out: Path) -> str:
    """The table printed at the end of a run: counts, rates, and how to resume.

    Failures are not in it: the command line prints each on standard error, one line naming
    the file and the problem.
    """
    minutes = max(result.seconds, 1e-9) / 60
    lines = [
        f"{'done':<8}{len(result.done):>6}",
        f"{'skipped':<8}{len(result.skipped):>6}",
        f"{'failed':<8}{len(result.failed):>6}",
        f"{len(result.done) / minutes:.1f} articles/min, {result.sentences / minutes:.0f} sentences/min "
        f"({result.sentences} sentences in {result.seconds:.1f} s)",
    ]
    if result.interrupted:
        lines.append("interrupted: run the same command again to resume where it stopped")
    lines.append(f"index: {printable(str(out / 'index.html'))}")
    return "\n".join(lines)
