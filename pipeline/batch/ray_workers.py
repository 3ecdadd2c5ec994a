"""What runs in Ray's worker processes for ``--executor ray``: the translation actor and the read task.

``pipeline.batch.ray_executor`` (the driver) makes a Ray actor class of ``Translator`` and a Ray
task of ``read_articles``; Ray imports this module in each worker by name. Neither writes
anything: every outcome goes back to the driver, an error made portable (``executor.portable``)
so that Ray passes it on whole.
"""

from typing import TYPE_CHECKING

from pipeline.article import Article
from pipeline.batch.executor import portable, translate_isolated
from pipeline.batch.walking import ArticleJob
from pipeline.settings import Settings

if TYPE_CHECKING:
    from pipeline.orchestrator import Warta


class Translator:
    """A translation actor: one ``Warta`` whose models load once and translate window after window."""

    def __init__(self, settings: Settings):
        from pipeline.orchestrator import Warta

        self.startup_error: Exception | None = None
        try:
            self.warta = Warta(settings)
        except Exception as error:  # noqa: BLE001 - kept for ready(): Ray would pass on only its text
            self.startup_error = portable(error)

    def ready(self) -> None:
        """Raise the error that kept this worker from starting, if one did (the driver asks once per actor)."""
        if self.startup_error is not None:
            raise self.startup_error

    def translate(self, articles: list[Article]) -> tuple[list[Article | Exception], dict[str, dict[str, str]]]:
        """Translate a window; returns one outcome per article and the models' info for the reports."""
        self.ready()
        outcomes = translate_isolated(self.warta.translate_prepared, articles)
        models = self.warta.run_info().models  # what this worker loaded, on its device
        return [portable(outcome) if isinstance(outcome, Exception) else outcome for outcome in outcomes], models


def read_articles(settings: Settings, jobs: list[ArticleJob]) -> list[Article | Exception]:
    """A read task: read and prepare each job's article (no models are loaded)."""
    warta = _reader(settings)
    outcomes: list[Article | Exception] = []
    for job in jobs:
        try:
            outcomes.append(warta.read_file(job.path, name=job.name))
        except Exception as error:  # noqa: BLE001 - the driver's run loop decides
            outcomes.append(portable(error))
    return outcomes


_READERS: dict[str, "Warta"] = {}


def _reader(settings: Settings) -> "Warta":
    # A worker process runs many read tasks: build its Warta (and import the readers) once.
    from pipeline.orchestrator import Warta

    key = repr(settings)
    if key not in _READERS:
        _READERS.clear()
        _READERS[key] = Warta(settings)
    return _READERS[key]
