"""warta's pipeline: one module per stage, and the orchestrator that runs them in order.

reading -> sentences -> language -> translation -> summary -> writers

The Python API is ``pipeline.Warta`` with its options ``pipeline.Settings`` (see
``pipeline.orchestrator``). They are imported on first access, so that importing any one
stage stays light and free of import cycles with ``models``.
"""

__version__ = "0.1.0"

__all__ = ["Settings", "Warta", "__version__"]


def __getattr__(name: str) -> object:
    if name == "Warta":
        from pipeline.orchestrator import Warta

        return Warta
    if name == "Settings":
        from pipeline.settings import Settings

        return Settings
    raise AttributeError(f"module 'pipeline' has no attribute '{name}'")
