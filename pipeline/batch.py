"""Running ``translate`` over files and folders: the overnight batch job.

* Each input file becomes ``OUT/<name>/``, where name is the file's path relative to the folder
  given (without the suffix), so ``2025/05/rilis.txt`` and ``2025/06/rilis.txt`` never collide.
* Models load once; sentences of several articles are translated together (a *window* of
  about ``Settings.window_sentences`` sentences), so batches are full and sorted by length
  across articles, and each window's articles are written as soon as it is translated.
* ``OUT/manifest.json`` makes the run resumable: an article whose input and settings are
  unchanged is skipped; ``--force`` redoes all. Files and manifest are written atomically.
* A bad article is marked failed with a one-line reason and the others go on.
* Ctrl-C stops after the current window; a second Ctrl-C stops at once.
"""

import logging
import os
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from models.loading import cached_revision, is_local_model, local_revision
from pipeline.article import Article
from pipeline.errors import InputError, UsageError
from pipeline.index_page import write_index
from pipeline.manifest import Manifest, OutputLock
from pipeline.orchestrator import Warta
from pipeline.progress import Progress
from pipeline.reading import ARTICLE_SUFFIXES
from pipeline.writers import flag_counts

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ArticleJob:
    """One input file and the name of its output folder (relative to OUT)."""

    path: Path
    name: str


@dataclass
class BatchResult:
    """What a run did.

    Attributes:
        done, skipped: output names translated by this run / already done and unchanged.
        failed: (input path, reason) of the articles that failed.
        sentences: sentences translated by this run.
        seconds: wall-clock time of the run.
        interrupted: the run was stopped by Ctrl-C before it finished.
    """

    done: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    sentences: int = 0
    seconds: float = 0.0
    interrupted: bool = False


def find_articles(inputs: list[Path], exclude: Path | None = None) -> tuple[list[ArticleJob], list[tuple[str, str]]]:
    """The article files among ``inputs``: files as given, folders walked recursively.

    Hidden files and folders (starting with ``.``), files of types warta does not read and
    anything under ``exclude`` (the output folder) are left out. Files named directly are
    kept whatever their type, so that the user hears why one cannot be read. Output names are
    made unique (``a.txt`` and ``a.md`` in one folder become ``a`` and ``a.md``).

    Returns:
        The jobs, and (path, reason) for every folder that could not be read.

    Raises:
        UsageError: an input does not exist.
    """
    found: list[tuple[Path, str, str]] = []  # (path, preferred name, fallback name)
    unreadable: list[tuple[str, str]] = []
    excluded = exclude.resolve() if exclude else None
    for given in inputs:
        if given.is_dir():
            def report(error: OSError) -> None:
                unreadable.append((str(error.filename or given), f"cannot read the folder ({error.strerror or error})"))

            for folder, subfolders, files in os.walk(given, onerror=report):
                here = Path(folder)
                subfolders[:] = sorted(
                    sub for sub in subfolders
                    if not sub.startswith(".") and (excluded is None or (here / sub).resolve() != excluded)
                )
                for file_name in sorted(files):
                    path = here / file_name
                    if file_name.startswith(".") or path.suffix.lower() not in ARTICLE_SUFFIXES:
                        continue
                    relative = path.relative_to(given)
                    found.append((path, relative.with_suffix("").as_posix(), relative.as_posix()))
        elif given.exists() or given.is_symlink():
            found.append((given, given.stem, given.name))
        else:
            raise UsageError(f"{given}: no such file or folder")
    jobs: list[ArticleJob] = []
    taken: set[str] = set()
    for path, name, fallback in found:
        unique = name if name not in taken else fallback
        counter = 2
        while unique in taken:
            unique, counter = f"{name}-{counter}", counter + 1
        taken.add(unique)
        jobs.append(ArticleJob(path, unique))
    return jobs, unreadable


def model_revisions(warta: Warta) -> dict[str, str]:
    """The revision of every configured model, found without loading any, and the runtime.

    A hub id that is not cached yet has no revision; its articles are redone once it is. The
    runtime (backend, device, compute type) is included because it changes the output too
    (int8 on a CPU and float16 on a GPU round differently).
    """
    from models.devices import resolve_device

    revisions = {"runtime": f"{warta.pool.backend}:{resolve_device(warta.settings.device)}:{warta.settings.compute_type}"}
    if warta.glossary is not None:
        revisions["glossary"] = warta.glossary.sha256  # a changed glossary changes the flags
    for pair, name in warta.pool.models.items():
        if is_local_model(name):
            revisions[pair] = f"{name}@{local_revision(Path(name))}"
        else:
            revisions[pair] = f"{name}@{cached_revision(name) or 'not-downloaded'}"
    return revisions


class _StopRequest:
    """Turns the first Ctrl-C into a request to stop after the current window."""

    def __init__(self, progress: Progress):
        self.requested = False
        self.progress = progress
        self.previous: object = None

    def __enter__(self) -> "_StopRequest":
        try:
            self.previous = signal.signal(signal.SIGINT, self._handle)
        except ValueError:  # not the main thread: leave Ctrl-C alone
            self.previous = None
        return self

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True
        self.progress.message("warta: stopping after the current batch (Ctrl-C again to stop at once)")

    def __exit__(self, *exc_info: object) -> None:
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)  # type: ignore[arg-type]


def run_translate(inputs: list[Path], out: Path, warta: Warta, quiet: bool = False) -> BatchResult:
    """Translate every article among ``inputs`` into ``out``, resumably.

    Args:
        inputs: files and folders.
        out: the output folder.
        warta: the translator, with the run's settings.
        quiet: no progress output (failures and the final table are still printed).

    Returns:
        What the run did.

    Raises:
        UsageError: an input does not exist.
        InputError: the output folder is busy (another run holds it) or its manifest is broken.
        ModelError: a model cannot be loaded.
    """
    started = time.monotonic()
    settings = warta.settings
    jobs, unreadable = find_articles(inputs, exclude=out)
    result = BatchResult()
    out.mkdir(parents=True, exist_ok=True)
    with OutputLock(out):
        _remove_stale_temporary_files(out)
        manifest = Manifest.load(out)
        fingerprint = settings.output_fingerprint(model_revisions(warta))
        progress = Progress(len(jobs), quiet)
        for path, reason in unreadable:
            result.failed.append((path, reason))
            progress.message(f"warta: {path}: {reason}")
        try:
            with _StopRequest(progress) as stop:
                _run_windows(jobs, out, warta, manifest, fingerprint, progress, result, stop)
        finally:
            progress.close()
            write_index(out, manifest.articles)
            result.seconds = time.monotonic() - started
    return result


def _remove_stale_temporary_files(out: Path) -> None:
    # A run killed in the middle of write_atomic leaves its hidden temporary file; the files
    # themselves are whole (old or new). Safe to remove: we hold the folder's lock.
    for stale in out.rglob(".*.tmp"):
        stale.unlink(missing_ok=True)


def _run_windows(
    jobs: list[ArticleJob], out: Path, warta: Warta, manifest: Manifest, fingerprint: str,
    progress: Progress, result: BatchResult, stop: _StopRequest,
) -> None:
    window: list[tuple[ArticleJob, Article]] = []
    for index, job in enumerate(jobs):
        if stop.requested:
            result.interrupted = True
            break
        article = _prepare(job, out, warta, manifest, fingerprint, progress, result)
        if article is not None:
            window.append((job, article))
        window_sentences = sum(len(article.sentences()) for _, article in window)
        if window and (window_sentences >= warta.settings.window_sentences or index == len(jobs) - 1):
            _translate_window(window, out, warta, manifest, fingerprint, progress, result)
            window = []
    # A window left over after an interruption was read but not translated: nothing was
    # written for its articles, and the next run does them.


def _prepare(
    job: ArticleJob, out: Path, warta: Warta, manifest: Manifest, fingerprint: str,
    progress: Progress, result: BatchResult,
) -> Article | None:
    # Hash first: an unchanged article is skipped without being parsed or language-checked.
    sha256 = _sha256_or_none(job.path)
    if sha256 and not warta.settings.force and manifest.is_current(job.name, sha256, fingerprint, out):
        manifest.mark_skipped(job.name)
        result.skipped.append(job.name)
        progress.article_finished(job.name, "skipped", reason="unchanged")
        return None
    try:
        return warta.read_file(job.path, name=job.name)
    except InputError as error:
        reason = str(error).removeprefix(f"{job.path}: ")
        _record_failure(job, reason, manifest, fingerprint, progress, result)
        return None


def _record_failure(
    job: ArticleJob, reason: str, manifest: Manifest, fingerprint: str, progress: Progress, result: BatchResult,
) -> None:
    manifest.record(job.name, input=str(job.path), sha256=_sha256_or_none(job.path), fingerprint=fingerprint,
                    status="failed", reason=reason, outputs=[])
    result.failed.append((str(job.path), reason))
    progress.article_finished(job.name, "failed", reason=reason)


def _sha256_or_none(path: Path) -> str | None:
    # In chunks, and not at all for a file larger than any article may be (the reader then
    # refuses it): a stray multi-gigabyte file must not be read into memory to be hashed.
    import hashlib

    try:
        if path.stat().st_size > 64 * 1024 * 1024:
            return None
        with path.open("rb") as stream:
            return hashlib.file_digest(stream, "sha256").hexdigest()
    except OSError:
        return None


def _translate_window(
    window: list[tuple[ArticleJob, Article]], out: Path, warta: Warta, manifest: Manifest, fingerprint: str,
    progress: Progress, result: BatchResult,
) -> None:
    articles = [article for _, article in window]
    try:
        warta.translate_prepared(articles)
    except RuntimeError as error:
        # A model failing at run time (out of memory, a bad input tensor) fails this window's
        # articles; the next window may still go through.
        for job, _ in window:
            _record_failure(job, f"translation failed: {error}", manifest, fingerprint, progress, result)
        return
    for job, article in window:
        try:
            written = warta.write(article, out / job.name)
        except OSError as error:
            _record_failure(job, f"cannot write the outputs ({error.strerror or error})", manifest, fingerprint, progress, result)
            continue
        sentences = len(article.sentences())
        manifest.record(
            job.name, input=str(job.path), sha256=article.sha256, fingerprint=fingerprint, status="done", reason="",
            title=article.title, sentences=sentences, flags=flag_counts(article),
            timings={stage: round(seconds, 4) for stage, seconds in article.timings.items()},
            outputs=[path.name for path in written],
        )
        result.done.append(job.name)
        result.sentences += sentences
        progress.article_finished(job.name, "done", sentences)


def format_summary(result: BatchResult, out: Path) -> str:
    """The table printed at the end of a run: counts, rates, failures, and how to resume."""
    minutes = max(result.seconds, 1e-9) / 60
    lines = [
        f"{'done':<8}{len(result.done):>6}",
        f"{'skipped':<8}{len(result.skipped):>6}",
        f"{'failed':<8}{len(result.failed):>6}",
        f"{len(result.done) / minutes:.1f} articles/min, {result.sentences / minutes:.0f} sentences/min "
        f"({result.sentences} sentences in {result.seconds:.1f} s)",
    ]
    for path, reason in result.failed:
        lines.append(f"failed: {path}: {reason}")
    if result.interrupted:
        lines.append("interrupted: run the same command again to resume where it stopped")
    lines.append(f"index: {out / 'index.html'}")
    return "\n".join(lines)
