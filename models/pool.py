"""One translator per model per process, loaded the first time a language pair needs it."""

import logging

from models.backends import Translator, get_backend, resolve_backend
from models.devices import resolve_device
from models.errors import ModelError, UsageError
from models.loading import check_model_name
from models.summarizer import DEFAULT_SUMMARIZER, Summarizer

log = logging.getLogger(__name__)

#: The language pairs a user can set with ``--model PAIR=NAME`` (and ``summarizer``, the chat
#: model of ``--summary abstractive``, which is not a language pair).
MODEL_PAIRS = ("id-en", "en-zh", "id-zh")
SUMMARIZER = "summarizer"

#: Apache-2.0 opus-mt models; Chinese goes id->en->zh (DESIGN.md: no good direct model).
DEFAULT_MODELS = {
    "id-en": "Helsinki-NLP/opus-mt-id-en",
    "en-zh": "Helsinki-NLP/opus-mt-en-zh",
}

#: What ``--compute-type`` takes: CTranslate2's compute types (its "auto" and "default" are
#: left out: the converted copy is named by the compute type, so it must say what it is).
COMPUTE_TYPES = ("int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16", "float16", "bfloat16", "float32")

# Shared by every pool in the process: a batch run and the API reuse loaded models.
_LOADED: dict[tuple[str, str, str, str | None], Translator] = {}
_SUMMARIZERS: dict[tuple[str, str], Summarizer] = {}


class ModelPool:
    """Lazily loaded translators for the pairs of one run.

    Args:
        models: pair -> hub id or folder; pairs not given use ``DEFAULT_MODELS``.
        device: ``auto``, ``cpu`` or ``cuda``.
        backend: the backend name (see ``models.backends``); ``auto`` is resolved here.
        offline: never use the network.
        compute_type: CTranslate2 compute type (None: int8 on CPU, float16 on CUDA).

    Raises:
        UsageError: an unknown pair, a model name that is neither a folder nor a hub id, an
            unknown compute type, a compute type for the transformers backend (which has none:
            a silently ignored precision would make a run slower or different from what was
            asked), or a backend that is not installed.
    """

    def __init__(
        self, models: dict[str, str], device: str = "auto", backend: str = "transformers", offline: bool = False,
        compute_type: str | None = None,
    ):
        unknown = set(models) - set(MODEL_PAIRS) - {SUMMARIZER}
        if unknown:
            raise UsageError(f"unknown model pair(s) {', '.join(sorted(unknown))} (pairs: {', '.join(MODEL_PAIRS)})")
        for name in models.values():
            check_model_name(name)
        #: The summarizer's hub id or folder (loaded only for ``--summary abstractive``).
        self.summarizer_name = models.get(SUMMARIZER, DEFAULT_SUMMARIZER)
        self.models = {**DEFAULT_MODELS, **{pair: name for pair, name in models.items() if pair != SUMMARIZER}}
        self.device_request = device
        self.backend = resolve_backend(backend)
        if compute_type is not None and compute_type not in COMPUTE_TYPES:
            raise UsageError(f"--compute-type takes one of {', '.join(COMPUTE_TYPES)}; got '{compute_type}'")
        if compute_type is not None and self.backend != "ctranslate2":
            raise UsageError(
                f"--compute-type is a ctranslate2 setting and the {self.backend} backend has none; "
                f"use --backend ctranslate2 (pip install 'warta[fast]') or leave --compute-type out"
            )
        get_backend(self.backend)  # fail now, with the pip command, if it is not installed
        self.offline = offline
        self.compute_type = compute_type

    def has(self, pair: str) -> bool:
        """True when a model is configured for ``pair``."""
        return pair in self.models

    def get(self, pair: str) -> Translator:
        """The translator for ``pair``, loading it on first use.

        Raises:
            UsageError: no model is configured for the pair.
            ModelError: the model cannot be loaded.
        """
        if pair not in self.models:
            raise UsageError(f"no model configured for '{pair}' (use --model {pair}=NAME_OR_PATH)")
        device = resolve_device(self.device_request)
        key = (self.models[pair], self.backend, device, self.compute_type)
        if key not in _LOADED:
            _LOADED[key] = self._load(self.models[pair], device)
        return _LOADED[key]

    def _load(self, name: str, device: str) -> Translator:
        if self.backend != "ctranslate2":
            return get_backend(self.backend)(name, device=device, offline=self.offline)
        try:
            return get_backend("ctranslate2")(name, device=device, offline=self.offline, compute_type=self.compute_type)
        except ModelError as error:
            if device != "cuda":
                raise
            # The published ctranslate2 wheels need CUDA 12's cuBLAS; on a CUDA-13-only machine
            # they cannot run. transformers on the GPU is the next-fastest path (DESIGN.md).
            log.warning("%s; falling back to the transformers backend on cuda", error)
            return get_backend("transformers")(name, device=device, offline=self.offline)

    def summarizer(self) -> Summarizer:
        """The summarizer (a chat model, always through transformers), loading it on first use.

        Raises:
            ModelError: the model cannot be loaded or is not a chat model.
        """
        device = resolve_device(self.device_request)
        key = (self.summarizer_name, device)
        if key not in _SUMMARIZERS:
            _SUMMARIZERS[key] = Summarizer(self.summarizer_name, device=device, offline=self.offline)
        return _SUMMARIZERS[key]

    def loaded_summarizer(self) -> Summarizer | None:
        """The summarizer when it is loaded, else None."""
        return next((model for (name, _), model in _SUMMARIZERS.items() if name == self.summarizer_name), None)

    def loaded(self) -> dict[str, Translator]:
        """The translators of this pool's pairs that are loaded, by pair."""
        found = {}
        for pair, name in self.models.items():
            for (loaded_name, backend, _device, compute_type), translator in _LOADED.items():
                if loaded_name == name and backend == self.backend and compute_type == self.compute_type:
                    found[pair] = translator
        return found
