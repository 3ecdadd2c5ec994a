"""Inference backends, chosen by name and imported only when chosen.

``get_backend("transformers")`` returns the class that runs a model with PyTorch through
transformers' ``generate()``; ``get_backend("ctranslate2")`` the CTranslate2 one (the optional
``fast`` extra). A backend whose optional package is missing fails with the exact
``pip install`` to run. ``auto`` means ctranslate2 when it is installed, else transformers.
"""

from collections.abc import Callable
from importlib import import_module
from importlib.util import find_spec

from models.backends.base import ModelInfo, SegmentHints, Translation, Translator
from models.errors import UsageError

# name -> (module, class, the optional package it needs or None)
_BACKENDS: dict[str, tuple[str, str, str | None]] = {
    "transformers": ("models.backends.hf", "TransformersTranslator", None),
    "ctranslate2": ("models.backends.ct2", "CTranslate2Translator", "ctranslate2"),
}

BACKEND_NAMES = tuple(_BACKENDS)
BACKEND_CHOICES = ("auto", *BACKEND_NAMES)


def resolve_backend(name: str) -> str:
    """``auto`` -> ``ctranslate2`` when installed, else ``transformers``; other names unchanged."""
    if name == "auto":
        return "ctranslate2" if find_spec("ctranslate2") is not None else "transformers"
    return name


def get_backend(name: str) -> Callable[..., Translator]:
    """The translator class of backend ``name``.

    Raises:
        UsageError: an unknown backend name, or its optional package is not installed.
    """
    try:
        module_name, class_name, package = _BACKENDS[resolve_backend(name)]
    except KeyError:
        raise UsageError(f"unknown backend '{name}' (choose one of {', '.join(BACKEND_CHOICES)})") from None
    if package is not None and find_spec(package) is None:
        raise UsageError(f"the {name} backend needs the {package} package: pip install 'warta[fast]' (or pip install {package})")
    return getattr(import_module(module_name), class_name)


__all__ = ["BACKEND_CHOICES", "BACKEND_NAMES", "ModelInfo", "SegmentHints", "Translation", "Translator", "get_backend", "resolve_backend"]
