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
* The loop over the articles is ``loop.py``'s (``BatchLoop``), stopping on a signal
  ``signals.py``'s and the fingerprint's models ``fingerprint.py``'s; this module sets a run up
  (the output folder, its lock and state, the executor) and exports the manifest and index.
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
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from pipeline.article import ArticleRecord
from pipeline.batch.executor import EXECUTORS, Executor, LocalExecutor
from pipeline.batch.fingerprint import model_revisions
from pipeline.batch.lock import LOCK_NAME, OutputLock
from pipeline.batch.loop import BatchLoop, BatchResult, _reason
from pipeline.batch.manifest import MANIFEST_NAME, MARKER_NAME, mark_output_folder, write_manifest
from pipeline.batch.progress import Progress
from pipeline.batch.signals import StopRequest
from pipeline.batch.state import STATE_NAME, BatchState, printable
from pipeline.batch.walking import ArticleJob, assign_names, find_articles
from pipeline.errors import UsageError, WartaError
from pipeline.files import TEMPORARY_NAME
from pipeline.orchestrator import Warta
from pipeline.outputs.index_page import INDEX_NAME, write_index

log = logging.getLogger(__name__)

__all__ = ["BatchResult", "format_summary", "make_executor", "model_revisions", "run_translate"]


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
            with StopRequest(progress) as stop:
                fingerprint = warta.settings.output_fingerprint(model_revisions(warta))
                if stop.requested:
                    result.interrupted = True
                else:
                    BatchLoop(out, warta, executor, state, fingerprint, progress, result, stop).run(jobs)
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
