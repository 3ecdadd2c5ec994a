"""warta's pipeline: the stages in data-flow order, and the orchestrator that runs them.

reading -> sentences -> language -> translation -> QA -> summary -> outputs; batch runs many.

The Python API is ``pipeline.Warta`` with its options ``pipeline.Settings`` (see
``pipeline.orchestrator``). Importing them loads no model and no heavy library: torch and
transformers are imported by the functions that need them.
"""

from pipeline.orchestrator import Warta
from pipeline.settings import Settings
from pipeline.version import __version__

__all__ = ["Settings", "Warta", "__version__"]
