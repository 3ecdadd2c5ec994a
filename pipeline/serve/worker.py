"""The one thread that translates: queued jobs oldest first, and LibreTranslate requests between them.

- **One Warta for the server**, made in this thread when it starts (its translation memory is an
  SQLite connection, which belongs to the thread that opened it), so the models load once and
  every use of them happens here, one at a time. The HTTP side never waits on a model: it puts
  work in the queue (a job row in the store) or in the request lane and is answered later.
- **A job**: the upload is read by the same bounded readers as the batch job
  (``Warta.read_file`` on the stored file; the client's file name is only the article's name),
  translated through the executor ``--executor`` names (``pipeline.batch.runner.make_executor``:
  in this process, or on Ray, exactly as ``translate`` does), written into ``DATA/jobs/<id>/``
  as ``translate`` writes an article's folder (``Warta.write``), and its rows stored for review
  (``review_outputs.segment_rows``) with the translated article (``dump_article``, from which the
  downloads are written again with the review applied); the job is then ``done``, or ``failed`` with one line (a file warta cannot read fails with the
  reader's message). Progress, in sentences, goes to the job's row at most every
  ``ServeOptions.progress_seconds``.
- **The request lane**: ``/translate`` requests wait in a lane that the thread empties before it
  takes the next job, so they wait at most for the job being translated, never for the queue.
- **Stopping**: the job in flight is abandoned at its next batch and goes back to the queue in
  its place; a server killed outright leaves it ``running``, and the next start puts every
  such job back (``Store.requeue_interrupted``).
- **Per job**: the job's targets and glossary replace the server's for that job (on Ray the
  workers keep the server's: the API refuses other targets or a glossary there).
- **The office memory** (``DATA/memory.sqlite``) is the Warta's ``Settings.memory``: exact
  matches are taken and near ones become suggestions. A row a reviewer edits or approves goes
  in at once (``remember``, from any thread, through its own connection); the worker opens the
  memory again before the next job, so its near-match index sees the new entries too.
"""

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.article import Article, Block
from pipeline.batch.executor import Executor, WindowAbandoned
from pipeline.batch.state import printable
from pipeline.batch.stored import dump_article
from pipeline.batch.walking import ArticleJob
from pipeline.errors import WartaError, one_line
from pipeline.joining import join_pieces
from pipeline.memory import MemoryEntry, TranslationMemory
from pipeline.qa.glossary import Glossary, load_glossary
from pipeline.serve import ServeOptions
from pipeline.serve.cleaning import clean_line
from pipeline.serve.review_outputs import segment_rows
from pipeline.serve.store import REVIEW_STATES, DataFolder, Job, NewSegment, Segment, Store
from pipeline.settings import Settings

if TYPE_CHECKING:
    from pipeline.orchestrator import Warta

log = logging.getLogger(__name__)

#: The article name of pasted text.
PASTED_NAME = "pasted text"
# Seconds between two looks at the store when nothing wakes the thread (a job added by another
# process on the same folder is impossible while the folder's lock is held, so this is a safeguard).
_IDLE_POLL_SECONDS = 2.0
# Seconds to wait for the job in flight to reach its next batch when the server stops.
_STOP_SECONDS = 120.0


@dataclass
class _Request:
    """A ``/translate`` request in the lane: texts (one per ``q``), the target, how to check the source."""

    texts: list[str]
    target: str
    source_lang: str
    future: "Future[list[str]]"


class Worker:
    """The translating thread of one server.

    Args:
        store: the server's store.
        folder: the data folder.
        settings: the server's settings; ``memory`` is the office memory.
        options: the server's limits (``progress_seconds``).
        make_warta: builds the server's Warta from settings (``Warta``; tests pass one that
            puts stand-in translators in).
    """

    def __init__(self, store: Store, folder: DataFolder, settings: Settings, options: ServeOptions,
                 make_warta: Callable[[Settings], "Warta"]):
        self.store, self.folder, self.settings, self.options = store, folder, settings, options
        self.make_warta = make_warta
        self.warta: Warta | None = None
        self.executor: Executor | None = None
        self._requests: deque[_Request] = deque()
        self._wakeup = threading.Condition()
        self._poked = False
        self._stopping = threading.Event()
        self._ready = threading.Event()
        self._startup_error: BaseException | None = None
        self._memory_lock = threading.Lock()
        self._memory_changed = threading.Event()
        self._thread: threading.Thread | None = None
        self.jobs_finished = 0

    # --- life -----------------------------------------------------------------------------------

    def start(self) -> None:
        """Put interrupted jobs back in the queue, start the thread and wait for its Warta.

        Raises:
            UsageError, ModelError: the Warta or the executor could not be made (settings that
                do not fit, Ray missing or unreachable); the thread has then ended.
        """
        self._stopping.clear()
        self._ready.clear()
        self._startup_error = None
        requeued = self.store.requeue_interrupted()
        if requeued:
            log.warning("%d job(s) interrupted by the last stop are back in the queue", requeued)
        self._thread = threading.Thread(target=self._run, name="warta-worker", daemon=True)
        self._thread.start()
        self._ready.wait()
        if self._startup_error is not None:
            self._thread.join()
            raise self._startup_error

    def stop(self) -> None:
        """Stop the thread: the job in flight goes back to the queue; waiting requests are refused."""
        self._stopping.set()
        self.wake()
        if self._thread is not None:
            self._thread.join(_STOP_SECONDS)

    def wake(self) -> None:
        """Tell the thread that a job or a request is waiting."""
        with self._wakeup:
            self._poked = True
            self._wakeup.notify()

    @property
    def alive(self) -> bool:
        """Whether the thread is running."""
        return self._thread is not None and self._thread.is_alive()

    @property
    def targets(self) -> tuple[str, ...]:
        """The server's target languages."""
        return self.settings.targets

    # --- what the HTTP side calls ---------------------------------------------------------------

    def translate_texts(self, texts: list[str], target: str, source_lang: str) -> "Future[list[str]]":
        """Queue a ``/translate`` request in the lane; the future gets one translation per text.

        Args:
            texts: the texts; each keeps its line breaks, and each line is translated as a paragraph.
            target: ``en`` or ``zh``.
            source_lang: ``auto`` (check that it is Indonesian) or ``id`` (translate anyway).

        Returns:
            A future of the translations, in order; it raises ``InputError`` for a text warta
            refuses (not Indonesian), and ``WartaError`` when the server stops first.
        """
        future: Future[list[str]] = Future()
        if self._stopping.is_set() or not self.alive:
            future.set_exception(WartaError("the server is stopping; try again when it is back"))
            return future
        with self._wakeup:
            self._requests.append(_Request(list(texts), target, source_lang, future))
            self._poked = True
            self._wakeup.notify()
        return future

    def remember(self, job: Job, segments: list[Segment]) -> int:
        """Put reviewed rows into the office memory, now (one transaction); returns the entries stored.

        Only the targets a reviewer edited or approved are taken; a target still as the machine
        wrote it keeps what the memory already had for the sentence (nothing, or an earlier review).
        """
        reviewed = [(segment, {target: text.text for target, text in segment.texts.items() if text.state in REVIEW_STATES})
                    for segment in segments]
        reviewed = [(segment, texts) for segment, texts in reviewed if texts]
        if not reviewed or self.settings.memory is None:
            return 0
        entries = []
        with self._memory_lock, TranslationMemory(self.settings.memory, create=True) as memory:
            for segment, texts in reviewed:
                match = memory.lookup(segment.source) if not {"en", "zh"} <= texts.keys() else None
                known = match.entry if match is not None and match.exact else None
                entries.append(MemoryEntry(segment.source, texts.get("en", known.en if known else ""),
                                           texts.get("zh", known.zh if known else ""), f"{job.title} (job {job.id})"))
            stored = memory.add(entries)
        self._memory_changed.set()
        return stored

    # --- the thread -----------------------------------------------------------------------------

    def _run(self) -> None:
        try:
            from pipeline.batch.runner import make_executor

            warta = self.warta = self.make_warta(self.settings)
            executor = self.executor = make_executor(warta)
        except BaseException as error:  # noqa: BLE001 - handed to start(), which raises it
            self._startup_error = error
            self._ready.set()
            return
        self._ready.set()
        try:
            while not self._stopping.is_set():
                try:
                    self._answer_requests()
                    job = None if self._stopping.is_set() else self.store.claim_next_job()
                    if job is not None:
                        self._run_job(job)
                        continue
                except Exception:  # the store failed (a full disk, a busy lock): wait and try again
                    log.exception("the worker could not use the store; trying again")
                    self._stopping.wait(_IDLE_POLL_SECONDS)
                    continue
                with self._wakeup:
                    if not self._poked and not self._stopping.is_set():
                        self._wakeup.wait(_IDLE_POLL_SECONDS)
                    self._poked = False
        finally:
            self._refuse_requests()
            executor.close()
            if warta.memory is not None:
                warta.memory.close()

    def _refuse_requests(self) -> None:
        with self._wakeup:
            waiting, self._requests = list(self._requests), deque()
        for request in waiting:
            request.future.set_exception(WartaError("the server is stopping; try again when it is back"))

    @contextmanager
    def _settings(self, targets: tuple[str, ...], glossary: Glossary | None, **changes: Any) -> Iterator["Warta"]:
        """The Warta with a job's or a request's settings for the length of the block."""
        warta = self.warta
        assert warta is not None  # made before the loop starts
        settings, kept_glossary = warta.settings, warta.glossary
        warta.settings = replace(settings, targets=targets, glossary=glossary.path if glossary else settings.glossary, **changes)
        warta.glossary = glossary if glossary is not None else kept_glossary
        try:
            yield warta
        finally:
            warta.settings, warta.glossary = settings, kept_glossary

    def _translate(self, articles: list[Article], on_progress: Callable[[float], None]) -> tuple[list[Article | Exception], Any]:
        """Translate prepared articles through the executor, as one window."""
        assert self.executor is not None
        window = [(ArticleJob(Path(article.name), article.name), article) for article in articles]
        (result,) = list(self.executor.translate([window], on_progress))
        return result.outcomes, result.models

    def _refresh_memory(self, warta: "Warta") -> None:
        if self._memory_changed.is_set() and self.settings.memory is not None:
            self._memory_changed.clear()
            with self._memory_lock:
                if warta.memory is not None:
                    warta.memory.close()
                warta.memory = TranslationMemory(self.settings.memory)

    # --- jobs -----------------------------------------------------------------------------------

    def _run_job(self, job: Job) -> None:
        started = time.monotonic()
        try:
            title, outputs, rows, article = self._translate_job(job)
        except WindowAbandoned:
            self.store.requeue(job.id)
            log.info("job %s: stopped; back in the queue", job.id)
            return
        except Exception as error:  # noqa: BLE001 - any fault of one job fails that job alone
            reason = self._reason(job, error)
            self.store.fail_job(job.id, reason)
            log.info("job %s: failed: %s", job.id, reason)
            return
        try:
            self.store.finish_job(job.id, title, outputs, rows, dump_article(article))
        except Exception as error:  # noqa: BLE001 - rows the store cannot hold fail this job alone
            self.store.fail_job(job.id, f"cannot store the rows for review ({self._reason(job, error)})")
            return
        self.jobs_finished += 1
        log.info("job %s: done, %d sentences in %.1f s", job.id, len(rows), time.monotonic() - started)

    def _translate_job(self, job: Job) -> tuple[str, list[str], list[NewSegment], Article]:
        if not job.upload:
            raise WartaError("nothing was stored for this job")
        glossary = load_glossary(self.folder.uploads / job.glossary) if job.glossary else None
        with self._settings(job.targets, glossary) as warta:
            self._refresh_memory(warta)
            article = warta.read_file(self.folder.uploads / job.upload, name=display_name(job.input_name))
            title = clean_line(printable(article.title or ""))[:300] or job.input_name
            total = len(article.sentences())
            self.store.set_progress(job.id, 0, total, title)
            progress = _Progress(self.store, job.id, total, self.options.progress_seconds, self._stopping)
            outcomes, models = self._translate([article], progress)
            (translated,) = outcomes
            if isinstance(translated, Exception):
                raise translated
            run_info = replace(warta.run_info(), models=models) if models is not None else None
            written = warta.write(translated, self.folder.jobs / job.id, run_info)
        return title, [path.name for path in written], segment_rows(translated, job.targets), translated

    def _reason(self, job: Job, error: Exception) -> str:
        # The reader names the file by the path it read: the client knows it by its own name.
        text = one_line(error) if isinstance(error, WartaError) else f"{type(error).__name__}: {one_line(error)}"
        for path, name in ((self.folder.uploads / job.upload, job.input_name), (self.folder.uploads / job.glossary, "the glossary")):
            text = text.replace(f"{path}: ", "").replace(str(path), name)
        return clean_line(printable(text))  # one line, and no escape sequence reaches the log's terminal

    # --- the request lane -----------------------------------------------------------------------

    def _answer_requests(self) -> None:
        while True:
            with self._wakeup:
                if not self._requests:
                    return
                request = self._requests.popleft()
            if not request.future.set_running_or_notify_cancel():
                continue
            try:
                request.future.set_result(self._translate_request(request))
            except Exception as error:  # noqa: BLE001 - the request's own failure, answered to its client
                request.future.set_exception(error)

    def _translate_request(self, request: _Request) -> list[str]:
        # Each line a paragraph of its own, so the answer keeps the text's line breaks exactly.
        with self._settings((request.target,), None, source_lang=request.source_lang, summary_sentences=0) as warta:
            self._refresh_memory(warta)
            articles, lines = [], []
            for number, text in enumerate(request.texts):
                parts = text.split("\n")
                lines.append(parts)
                blocks = [Block("paragraph", part.strip()) for part in parts if part.strip()]
                if blocks:
                    articles.append(warta.prepare(Article(source=None, name=f"q{number}", blocks=blocks)))
            outcomes, _ = self._translate(articles, lambda sentences: None) if articles else ([], None)
        translated = iter(outcomes)
        answers = []
        for parts in lines:
            if not any(part.strip() for part in parts):
                answers.append("\n".join(parts))
                continue
            article = next(translated)
            if isinstance(article, Exception):
                raise article
            translated_blocks = iter(article.blocks)
            answers.append("\n".join(
                _same_spacing(part, join_pieces([getattr(s, request.target) for s in next(translated_blocks).sentences]))
                if part.strip() else part for part in parts
            ))
        return answers


def _same_spacing(original: str, translated: str) -> str:
    """``translated`` with the white space ``original`` had around it."""
    stripped = original.strip()
    start = original.index(stripped[0]) if stripped else 0
    return original[:start] + translated + original[start + len(stripped):]


class _Progress:
    """A job's progress callback: sentences done, written to the store at most every ``interval`` seconds."""

    def __init__(self, store: Store, job_id: str, total: int, interval: float, stopping: threading.Event):
        self.store, self.job_id, self.total, self.interval, self.stopping = store, job_id, total, interval, stopping
        self.done = 0.0
        self.written = time.monotonic()

    def __call__(self, sentences: float) -> None:
        if self.stopping.is_set():
            raise WindowAbandoned
        self.done += sentences
        now = time.monotonic()
        if now - self.written >= self.interval:
            self.written = now
            self.store.set_progress(self.job_id, min(int(self.done), self.total), self.total)


def display_name(input_name: str) -> str:
    """The article name a job's outputs show: the client's file name without its suffix."""
    stem = Path(input_name).stem if input_name != PASTED_NAME else input_name
    return printable(stem)[:200] or "article"
