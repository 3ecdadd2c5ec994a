"""The batch job on a Ray cluster (``--executor ray``): the driver's side.

What runs where:

* The driver (this process) keeps the run: the article list, the state, the skip and resume
  rules, the windows, the manifest and index, and every write (``pipeline.batch.loop``, ``pipeline.batch.runner``).
  Each article's files are written, atomically, when its window comes back, so they are
  written once even when a window is retried; the output folder may be on a shared
  filesystem.
* Reading, splitting and the language check run as plain Ray tasks, ``_READ_CHUNK`` articles
  a task (a task costs about a millisecond of scheduling; an article takes about as long to
  read), a few tasks ahead of the translation. The inputs must be at a path every node sees.
  (What runs on the workers is in ``pipeline.batch.ray_workers``; importing Ray and checking a
  cluster address, in ``pipeline.batch.ray_cluster``.)
* Translation, QA and the summary run in a pool of long-lived actors, one per GPU (or per
  ``--ray-actor-cpus`` CPU cores), each holding a ``Warta`` whose models load once. An actor
  takes whole windows: the sentences of many articles, which ``translate_articles`` sends to
  the model in length-sorted batches. Each actor has two windows queued, so it never waits
  for the driver between them.

Why actors and not Ray Data: the unit that must stay together is the window (batches are
filled and sorted across its articles, and the run loop writes and records per article on
the driver), the pool must keep models loaded across windows, and the retry rules are
per-window; plain actors say that in a few lines, where Ray Data would add pandas/pyarrow
and its own batching between the run loop and the models.

Failures: Ray restarts a killed or crashed actor process (``max_restarts``; the new one
loads the models again) and sends it the calls that were in flight (``max_task_retries``):
translation is a pure function of the window and the driver does the writing, so a retry
is always safe. When the actor is gone for good (its restarts used up, or killed with
``ray.kill``), the driver starts a replacement and sends its windows again, each alone on an
idle actor (so that the next death is that window's own); a window that kills its worker
twice is split into its articles, each tried on its own, so an article that crashes the
worker fails alone. A window whose call fails otherwise (an error outside the per-article
isolation, an object Ray lost) is split into its articles the same way. Read tasks are
retried by Ray (``max_retries``); a chunk that still fails is read again one article a task,
and only an article whose task fails again fails. ``connect`` waits for the actors to start,
so a worker that cannot (a glossary the nodes do not see) stops the run with its own error.
"""

import logging
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from itertools import islice
from typing import TYPE_CHECKING, Any

from pipeline.article import Article
from pipeline.batch.executor import Window, WindowAbandoned, WindowResult, fatal_error, stops_run
from pipeline.batch.ray_cluster import check_reachable, import_ray
from pipeline.batch.ray_workers import Translator, read_articles
from pipeline.batch.walking import ArticleJob
from pipeline.errors import InputError, UsageError, WartaError, one_line

if TYPE_CHECKING:
    from pipeline.orchestrator import Warta

log = logging.getLogger(__name__)

#: Articles read by one read task.
_READ_CHUNK = 8
#: Read tasks kept in flight ahead of the translation.
_READ_AHEAD = 4
#: Seconds to wait for the first translation worker to start; past it the workers cannot be
#: placed on the cluster, and the run stops with one line instead of waiting for ever.
PLACEMENT_SECONDS = 120.0
#: Windows queued on each actor: one translating, one waiting.
_WINDOWS_PER_ACTOR = 2
#: Ray's own restarts of a dead actor process, and retries of the calls it had in flight.
_ACTOR_RESTARTS = 2
#: Times the driver sends a window again after its actor died for good, before splitting it.
_WINDOW_ATTEMPTS = 2
#: Seconds between two looks at the stop request while the actors work.
_POLL_SECONDS = 0.5


@dataclass
class _Task:
    """A window on its way through an actor."""

    window: Window
    actor: Any
    attempt: int = 1
    alone: bool = False  # sent again: it has its actor to itself

    @property
    def slots(self) -> int:
        """The places it takes in its actor's queue."""
        return _WINDOWS_PER_ACTOR if self.alone else 1


class RayExecutor:
    """Reads with Ray tasks and translates in a pool of Ray actors (see the module's docstring).

    Use ``RayExecutor.connect``; ``close`` releases the actors (and the local Ray it started).

    Attributes:
        actors: the live translation actors.
        restarted_windows: windows the driver sent again because their actor died.
        translator_class: the actors' class (a benchmark swaps in one with stand-in models).
    """

    translator_class: type = Translator

    def __init__(self, ray: Any, warta: "Warta", actor_count: int, actor_resources: dict[str, float], started_ray: bool):
        self.ray, self.warta, self.settings = ray, warta, warta.settings
        self.actor_resources = actor_resources
        self.started_ray = started_ray
        self.restarted_windows = 0
        self._settings_ref = ray.put(self.settings)
        self._actor_class = ray.remote(max_restarts=_ACTOR_RESTARTS, max_task_retries=_ACTOR_RESTARTS,
                                       **actor_resources)(self.translator_class)
        # Reading is milliseconds per article beside seconds of translation: it takes no CPU of
        # its own from the scheduler, or the actors, which hold every core, would starve it.
        self._read = ray.remote(num_cpus=0, max_retries=3)(read_articles)
        self.actors: list[Any] = [self._new_actor() for _ in range(actor_count)]

    @classmethod
    def connect(cls, warta: "Warta") -> "RayExecutor":
        """Connect to the cluster ``--ray-address`` (or ``RAY_ADDRESS``) names, or start a local Ray, and start the actors.

        Actors: ``settings.ray_actors`` if given, else one per GPU of the cluster (unless
        ``--device cpu``), else one per ``settings.ray_actor_cpus`` CPU cores.

        Raises:
            UsageError: Ray is not installed, or the cluster cannot be reached.
            WartaError: an actor could not start (see ``wait_started``).
        """
        ray = import_ray()
        settings = warta.settings
        started = False
        if not ray.is_initialized():
            address = settings.ray_address or os.environ.get("RAY_ADDRESS") or None
            if address is not None:
                check_reachable(address)
            try:
                # Workers' log lines would break the driver's progress bar; they stay in Ray's session logs.
                ray.init(address=address, include_dashboard=False, log_to_driver=False, logging_level=logging.WARNING)
            except (ConnectionError, RuntimeError, ValueError) as error:
                raise UsageError(f"cannot connect to the Ray cluster at {address}: {error}") from error
            started = address is None
        resources = ray.cluster_resources()
        gpus, cpus = int(resources.get("GPU", 0)), int(resources.get("CPU", 0))
        use_gpus = settings.device != "cpu" and gpus > 0
        actor_cpus = settings.ray_actor_cpus
        if started:
            # A Ray warta started on this machine has this machine's cores and no more: an actor
            # asking for more could never be placed, and the run would wait for ever.
            actor_cpus = max(1, min(actor_cpus, cpus))
        per_actor: dict[str, float] = {"num_gpus": 1, "num_cpus": 1} if use_gpus else {"num_cpus": actor_cpus}
        count = settings.ray_actors or (gpus if use_gpus else max(1, cpus // actor_cpus))
        if not use_gpus and count * actor_cpus > cpus:
            log.warning("%d actors of %d CPUs each need more than the cluster's %d CPUs: some wait for nodes to join",
                        count, actor_cpus, cpus)
        executor = cls(ray, warta, count, per_actor, started)
        try:
            executor.wait_started(min(count, gpus if use_gpus else max(1, cpus // actor_cpus)))
        except BaseException:
            executor.close()
            raise
        return executor

    def wait_started(self, count: int | None = None) -> None:
        """Wait until ``count`` actors (all by default; those the cluster has room for) have started.

        Raises:
            WartaError: an actor could not start: its own error when it is one of warta's (a
                glossary the workers cannot read is a ``UsageError``), else one naming the cause.
        """
        refs = [actor.ready.remote() for actor in self.actors]
        # An actor starts without loading a model, so one that has not answered in this time
        # cannot be placed: it asks for more than any node has free, and Ray would wait for a
        # node to join for ever. Stop with what was asked and what the cluster has.
        ready, _ = self.ray.wait(refs, num_returns=count or len(refs), timeout=PLACEMENT_SECONDS)
        if not ready:
            raise WartaError(self._not_placed())
        for ref in ready:
            try:
                self.ray.get(ref)
            except self.ray.exceptions.RayError as error:
                cause = _cause(error)
                if isinstance(cause, WartaError):
                    raise cause from None
                raise WartaError(f"a translation worker could not start: {_describe(cause)}") from error

    def _not_placed(self) -> str:
        asked = ", ".join(f"{amount:g} {name.removeprefix('num_').upper()}" for name, amount in self.actor_resources.items())
        total = self.ray.cluster_resources()
        largest = max((node.get("Resources", {}).get("CPU", 0) for node in self.ray.nodes() if node.get("Alive")), default=0)
        return (f"no translation worker could be placed on the Ray cluster within {PLACEMENT_SECONDS:g} s: each asks for {asked}; "
                f"the cluster has {total.get('CPU', 0):g} CPUs (at most {largest:g} on one node) and {total.get('GPU', 0):g} GPUs; "
                f"lower --ray-actor-cpus or add nodes")

    def _new_actor(self) -> Any:
        # The settings by value: a restarted actor must not depend on an object-store copy (ray #53727).
        return self._actor_class.remote(self.settings)

    def prepare(self, jobs: Iterable[ArticleJob]) -> Iterator[tuple[ArticleJob, Article | Exception]]:
        """Read the jobs' articles in Ray tasks, a few tasks ahead; outcomes come in the jobs' order."""
        jobs = iter(jobs)
        queue: deque[tuple[list[ArticleJob], Any]] = deque()

        def submit() -> None:
            chunk = list(islice(jobs, _READ_CHUNK))
            if chunk:
                queue.append((chunk, self._read_remote(chunk)))

        for _ in range(_READ_AHEAD):
            submit()
        while queue:
            chunk, ref = queue.popleft()
            submit()
            try:
                outcomes = self.ray.get(ref)
            except self.ray.exceptions.RayError as error:  # after Ray's retries: its worker crashed every time, say
                outcomes = self._read_one_by_one(chunk, error)
            for job, outcome in zip(chunk, outcomes, strict=True):
                if isinstance(outcome, Article):
                    outcome.source = job.path  # the reports name the input as it was given, as locally
                yield job, outcome

    def _read_remote(self, chunk: list[ArticleJob]) -> Any:
        # Absolute paths: a worker does not run in the driver's working directory.
        return self._read.remote(self._settings_ref, [replace(job, path=job.path.absolute()) for job in chunk])

    def _read_one_by_one(self, chunk: list[ArticleJob], error: Exception) -> list[Article | Exception]:
        """Read the jobs of a chunk whose read task failed, one job a task: a job whose task fails again fails alone.

        Raises:
            WartaError: the read task's error would fail every article alike (a ``Warta`` that
                cannot be built from the settings): the run stops with it.
        """
        if stops_run(_cause(error)):
            raise fatal_error(_cause(error)) or _cause(error) from None
        log.warning("a read task failed (%s); reading its %d articles one by one", _describe(_cause(error)), len(chunk))
        refs = [self._read_remote([job]) for job in chunk]
        outcomes: list[Article | Exception] = []
        for job, ref in zip(chunk, refs, strict=True):
            try:
                outcomes.extend(self.ray.get(ref))
            except self.ray.exceptions.RayError as alone:
                cause = _cause(alone)
                if stops_run(cause):
                    raise fatal_error(cause) or cause from None
                outcomes.append(InputError(f"{job.path}: cannot be read: the task reading it failed ({_describe(cause)})"))
        return outcomes

    def translate(self, windows: Iterable[Window], on_progress: Callable[[float], None]) -> Iterator[WindowResult]:
        """Keep every actor's queue full of windows; yield each window's outcomes as it comes back.

        ``on_progress`` gets a window's sentences when it comes back, and 0 every
        ``_POLL_SECONDS`` while waiting, so a stop request is seen within that time.

        Raises:
            WindowAbandoned: ``on_progress`` asked to stop; the windows in flight are cancelled.
        """
        windows = iter(windows)
        retry: deque[_Task] = deque()
        pending: dict[Any, _Task] = {}
        load: dict[Any, int] = {}  # windows queued per actor
        exhausted = False
        try:
            while True:
                for actor in self.actors:
                    while load.get(actor, 0) < _WINDOWS_PER_ACTOR:
                        if retry:
                            # A window sent again goes alone, to an idle actor, and no new window goes
                            # out before it: should that actor die, the window is why, not its neighbour.
                            if load.get(actor, 0):
                                break
                            task = retry.popleft()
                            task.alone = True
                        elif not exhausted and (window := next(windows, None)) is not None:
                            task = _Task(window, actor)
                        else:
                            exhausted = True
                            break
                        task.actor = actor
                        pending[actor.translate.remote([article for _, article in task.window])] = task
                        load[actor] = load.get(actor, 0) + task.slots
                        self._submitted(task)
                if not pending:
                    return
                ready, _ = self.ray.wait(list(pending), num_returns=1, timeout=_POLL_SECONDS)
                if not ready:
                    on_progress(0.0)
                    continue
                task = pending.pop(ready[0])
                if task.actor in load:
                    load[task.actor] -= task.slots
                try:
                    outcomes, models = self.ray.get(ready[0])
                except self.ray.exceptions.RayActorError as error:
                    again, failed = self._actor_died(task, error, load)
                    retry.extend(again)
                    yield from failed
                    continue
                except self.ray.exceptions.RayError as error:  # raised by the call outside translate_isolated, or by Ray
                    cause = _cause(error)
                    if len(task.window) > 1 and not stops_run(cause):
                        log.warning("a window failed (%s); translating its articles one by one", _describe(cause))
                        retry.extend(_Task([item], task.actor) for item in task.window)
                    else:  # one article fails alone; an error that stops the run is every article's
                        failure = cause if cause is not error else RuntimeError(_describe(error))
                        yield WindowResult(task.window, [failure] * len(task.window))
                    continue
                # progress first: the run loop reports each article it writes with the position
                on_progress(float(sum(len(article.sentences()) for _, article in task.window)))
                yield WindowResult(task.window, outcomes, models)
        except WindowAbandoned:
            for ref in pending:
                try:
                    self.ray.cancel(ref)
                except Exception as error:  # noqa: BLE001 - a call Ray cannot cancel finishes unread; close() ends its actor
                    log.debug("cannot cancel a window in flight: %s", error)
            raise

    def _submitted(self, task: _Task) -> None:
        """Called after a window is sent to its actor (a hook for tests that kill it there)."""

    def _actor_died(self, task: _Task, error: Exception, load: dict[Any, int]) -> tuple[list[_Task], list[WindowResult]]:
        """Replace a dead actor; the window goes again (alone), or split into its articles after ``_WINDOW_ATTEMPTS``.

        A window that shared its actor may have died for its neighbour: it goes again alone
        (``translate``), and only a window that dies alone is split or fails.

        Returns:
            The windows to send again, and the failure of a lone article that killed its worker every time.
        """
        if task.actor in self.actors:
            self.actors[self.actors.index(task.actor)] = self._new_actor()
            load.pop(task.actor, None)
            log.warning("a translation worker died (%s); started another", one_line(error))
        self.restarted_windows += 1
        if task.attempt < _WINDOW_ATTEMPTS:
            return [replace(task, attempt=task.attempt + 1)], []
        if len(task.window) > 1:
            return [_Task([item], task.actor) for item in task.window], []
        # This article alone killed its worker every time: it fails, the run goes on.
        failure = RuntimeError(f"the translation worker died {task.attempt} times while translating it "
                               f"({one_line(error)})")
        return [], [WindowResult(task.window, [failure])]

    def close(self) -> None:
        """Stop the actors, and the local Ray if this executor started it."""
        for actor in self.actors:
            self.ray.kill(actor)
        self.actors = []
        if self.started_ray:
            self.ray.shutdown()


def _cause(error: Exception) -> Exception:
    """The exception raised inside a Ray task (``RayTaskError.cause``), else ``error`` itself (Ray's own)."""
    cause = getattr(error, "cause", None)
    return cause if isinstance(cause, Exception) else error


def _describe(error: Exception) -> str:
    """One line: warta's own message, or the error's type and first line."""
    if isinstance(error, WartaError):
        return one_line(error)
    return f"{type(error).__name__}: {one_line(error)}"
