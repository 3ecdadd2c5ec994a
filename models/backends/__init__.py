"""Inference backends, chosen by name and imported only when chosen.

``get_backend("transformers")`` returns the class that runs a model with PyTorch through
transformers' ``generate()``. A backend whose optional package is missing fails with the
exact ``pip install`` to run.
"""

from importlib import import_module

from models.backends.base import ModelInfo, Translation, Translator
from pipeline.errors import UsageError

# name -> (module, class, the optional package it needs or None)
_BACKENDS: dict[str, tuple[str, str, str | None]] = {
    "transformers": ("models.backends.hf", "TransformersTranslator", None),
}

BACKEND_NAMES = tuple(_BACKENDS)


def get_backend(name: str) -> type[Translator]:
    """The translator class of backend ``name``.

    Raises:
        UsageError: an unknown backend name.
    """
    try:
        module_name, class_name, _ = _BACKENDS[name]
    except KeyError:
        raise UsageError(f"unknown backend '{name}' (choose one of {', '.join(_BACKENDS)})") from None
    return getattr(import_module(module_name), class_name)


__all__ = ["BACKEND_NAMES", "ModelInfo", "Translation", "Translator", "get_backend"]
