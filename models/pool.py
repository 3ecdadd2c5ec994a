"""One translator per model per process, loaded the first time a language pair needs it."""

from models.backends import Translator, get_backend
from models.devices import resolve_device
from pipeline.errors import UsageError

#: The language pairs a user can set with ``--model PAIR=NAME``.
MODEL_PAIRS = ("id-en", "en-zh", "id-zh", "summarizer")

#: Apache-2.0 opus-mt models; Chinese goes id->en->zh (DESIGN.md: no good direct model).
DEFAULT_MODELS = {
    "id-en": "Helsinki-NLP/opus-mt-id-en",
    "en-zh": "Helsinki-NLP/opus-mt-en-zh",
}

# Shared by every pool in the process: a batch run and the API reuse loaded models.
_LOADED: dict[tuple[str, str, str], Translator] = {}


class ModelPool:
    """Lazily loaded translators for the pairs of one run.

    Args:
        models: pair -> hub id or folder; pairs not given use ``DEFAULT_MODELS``.
        device: ``auto``, ``cpu`` or ``cuda``.
        backend: the backend name (see ``models.backends``).
        offline: never use the network.
    """

    def __init__(self, models: dict[str, str], device: str = "auto", backend: str = "transformers", offline: bool = False):
        unknown = set(models) - set(MODEL_PAIRS)
        if unknown:
            raise UsageError(f"unknown model pair(s) {', '.join(sorted(unknown))} (pairs: {', '.join(MODEL_PAIRS)})")
        self.models = {**DEFAULT_MODELS, **models}
        self.device_request = device
        self.backend = backend
        self.offline = offline

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
        key = (self.models[pair], self.backend, device)
        if key not in _LOADED:
            _LOADED[key] = get_backend(self.backend)(self.models[pair], device=device, offline=self.offline)
        return _LOADED[key]

    def loaded(self) -> dict[str, Translator]:
        """The translators of this pool's pairs that are loaded, by pair."""
        found = {}
        for pair, name in self.models.items():
            for (loaded_name, backend, _device), translator in _LOADED.items():
                if loaded_name == name and backend == self.backend:
                    found[pair] = translator
        return found
