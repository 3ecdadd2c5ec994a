"""Where a batch run's work happens: in this process (``local``) or on a Ray cluster (``ray``).

The run loop (``pipeline.batch.loop``) keeps everything that decides what an article's fate
is: the state, the skip and resume rules, the windows, the writing, the manifest. An executor
only does the two heavy steps for it, on iterators, so that a distributed one can keep many
steps in flight:

* ``prepare``: read, split and language-check articles (one outcome per job, in order);
* ``translate``: translate, QA-check and summarize windows of prepared articles (one
  ``WindowResult`` per window, in any order).

Neither writes a file or touches the state: the run loop writes each article once, when its
window comes back, so a step retried after a crash can never write an article twice.
"""

import copy
import pickle
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from pipeline.article import Article
from pipeline.batch.walking import ArticleJob
from pipeline.errors import InputError, WartaError

if TYPE_CHECKING:
    from pipeline.orchestrator import Warta

#: The executors ``--executor`` takes.
EXECUTORS = ("local", "ray")

#: A window: prepared articles translated together, with the jobs they came from.
Window = list[tuple[ArticleJob, Article]]


class WindowAbandoned(Exception):
    """Raised by a progress callback to abandon the windows in flight (after SIGTERM)."""


@dataclass
class WindowResult:
    """What came back for one window.

    Attributes:
        window: the window as it was sent.
        outcomes: one per article of the window, in order: the translated article, or the
            exception that failed it.
        models: the loaded models' info (``ModelInfo.as_dict`` by pair) of the process that
            translated the window, for the reports; None when that is this process.
    """

    window: Window
    outcomes: list[Article | Exception]
    models: dict[str, dict[str, str]] | None = None


class Executor(Protocol):
    """Runs the read and translate steps of a batch run (see the module's docstring)."""

    def prepare(self, jobs: Iterable[ArticleJob]) -> Iterator[tuple[ArticleJob, Article | Exception]]:
        """Read and prepare each job's article: ``(job, article or the error)``, in the jobs' order."""
        ...

    def translate(self, windows: Iterable[Window], on_progress: Callable[[float], None]) -> Iterator[WindowResult]:
        """Translate the windows; ``on_progress`` gets sentences' worth of work done and may raise
        ``WindowAbandoned`` to stop (the windows in flight are then dropped)."""
        ...

    def close(self) -> None:
        """Release what the executor holds (workers, a cluster it started)."""
        ...


def fatal_error(error: BaseException) -> BaseException | None:
    """The error to stop the run with, when ``error`` is not a bad input but a fault of the installation or machine."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, ImportError):
            missing = f"the module '{cause.name}' is missing" if cause.name else str(cause)
            return WartaError(f"warta's installation is incomplete: {missing} ({cause}); "
                              f"reinstall it (pip install -e . or pip install warta) and run again")
        if isinstance(cause, MemoryError):
            return cause
        cause = cause.__cause__ or cause.__context__
    return None


def raise_if_fatal(error: BaseException) -> None:
    """Raise the error that stops the run (``fatal_error``) when ``error`` is one; else return.

    Every broad ``except`` around one article's work calls it first, so that a missing module or
    an exhausted memory stops the run instead of failing every article one by one.
    """
    fatal = fatal_error(error)
    if fatal is not None:
        raise fatal from error


def stops_run(error: BaseException) -> bool:
    """True when ``error`` would fail every article alike (a missing module, no memory, a model
    that cannot be loaded, bad settings), so the run stops instead of failing each article."""
    return fatal_error(error) is not None or (isinstance(error, WartaError) and not isinstance(error, InputError))


def translate_isolated(
    translate: Callable[..., list[Article]], articles: list[Article], on_progress: Callable[[float], None] | None = None,
) -> list[Article | Exception]:
    """Translate ``articles`` together; when that fails, one at a time, so a bad article fails alone.

    Args:
        translate: ``Warta.translate_prepared``.
        articles: a window's prepared articles.
        on_progress: passed to the first (shared) attempt.

    Returns:
        One outcome per article, in order: the article translated, or the exception that
        failed it. An error that ``stops_run`` is the outcome of every article.

    Raises:
        WindowAbandoned: ``on_progress`` asked to stop.
    """
    # Translation fills the articles in place (translations, flags, timings added up): a retry
    # one at a time starts from the articles as they were, so it gives what a clean run gives.
    pristine = copy.deepcopy(articles) if len(articles) > 1 else articles
    try:
        return list(translate(articles, on_progress=on_progress))
    except WindowAbandoned:
        raise
    except Exception as error:  # noqa: BLE001 - isolate the article that broke the window
        if len(articles) == 1 or stops_run(error):
            return [error] * len(articles)
    outcomes: list[Article | Exception] = []
    for article in pristine:
        try:
            outcomes.extend(translate([article]))
        except Exception as error:  # noqa: BLE001 - this article alone
            outcomes.append(error)
    return outcomes


def portable(error: Exception) -> Exception:
    """``error`` itself when it survives pickling (to come back from a worker), else a
    ``RuntimeError`` with its type and message (its cause chain, for ``fatal_error``, is lost
    only then)."""
    try:
        pickle.loads(pickle.dumps(error))
        return error
    except Exception:  # noqa: BLE001 - any exception type may refuse to pickle
        return RuntimeError(f"{type(error).__name__}: {error}")


class LocalExecutor:
    """Both steps in this process, one window after the other (the default executor).

    Args:
        warta: the translator, with the run's settings.
    """

    def __init__(self, warta: "Warta"):
        self.warta = warta

    def prepare(self, jobs: Iterable[ArticleJob]) -> Iterator[tuple[ArticleJob, Article | Exception]]:
        """Read each article in turn, as the run loop asks for it."""
        for job in jobs:
            try:
                yield job, self.warta.read_file(job.path, name=job.name)
            except Exception as error:  # noqa: BLE001 - the run loop decides (fails the article, or stops)
                yield job, error

    def translate(self, windows: Iterable[Window], on_progress: Callable[[float], None]) -> Iterator[WindowResult]:
        """Translate each window as it is formed; progress comes batch by batch."""
        for window in windows:
            outcomes = translate_isolated(self.warta.translate_prepared, [article for _, article in window], on_progress)
            yield WindowResult(window, outcomes)

    def close(self) -> None:
        """Nothing to release: the models stay loaded for the process, as ``Warta`` promises."""
