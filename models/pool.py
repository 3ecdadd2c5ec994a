"""One translator per model per process, loaded the first time a language pair needs it.

Which models a run uses comes from its profile (``PROFILES``) and the user's ``--model``
overrides; ``TranslationPlan`` says once which pair makes which target (the pivot through
English, or Chinese straight from the Indonesian), for the translation stage, the progress
count and the batch fingerprint alike. A model's kind (seq2seq or chat) is read from its
config before it is loaded, so a chat model is loaded by the chat translator and never
reaches CTranslate2.
"""

import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace

from models.backends import Translator, get_backend, resolve_backend
from models.devices import resolve_device
from models.errors import ModelError, UsageError
from models.families import CAUSAL
from models.hub import check_model_name, model_licence
from models.loading import model_family
from models.summarizer import DEFAULT_SUMMARIZER, Summarizer

log = logging.getLogger(__name__)

#: The language pairs a user can set with ``--model PAIR=NAME`` (and ``summarizer``, the chat
#: model of ``--summary abstractive``, which is not a language pair).
MODEL_PAIRS = ("id-en", "en-zh", "id-zh")
SUMMARIZER = "summarizer"

#: Hy-MT2 (Apache-2.0 since 2026-05-26; its first release was under a community licence):
#: the 1.8B model runs on a CPU, the 7B one wants a GPU.
HY_MT2_SMALL, HY_MT2_LARGE = "tencent/Hy-MT2-1.8B", "tencent/Hy-MT2-7B"

#: Apache-2.0 opus-mt models; Chinese goes id->en->zh (the pivot).
FAST_MODELS = {
    "id-en": "Helsinki-NLP/opus-mt-id-en",
    "en-zh": "Helsinki-NLP/opus-mt-en-zh",
}
DEFAULT_MODELS = FAST_MODELS


@dataclass(frozen=True)
class Profile:
    """A set of default models.

    Attributes:
        name: ``fast`` or ``quality``.
        models: pair -> model on a CPU.
        gpu_models: pair -> model on a GPU, where it differs.
        fallbacks: pair -> the seq2seq model that translates a sentence whose chat answer
            fails its checks twice.
    """

    name: str
    models: dict[str, str]
    gpu_models: dict[str, str]
    fallbacks: dict[str, str]

    def models_for(self, device: str) -> dict[str, str]:
        """The profile's models on ``device`` (``cpu`` or ``cuda``)."""
        return {**self.models, **(self.gpu_models if device == "cuda" else {})}


PROFILES = {
    "fast": Profile("fast", dict(FAST_MODELS), {}, {}),
    # One multilingual model for every pair: Indonesian to English, and Indonesian (and the
    # release's English sentences) straight to Chinese.
    "quality": Profile("quality", {"id-en": HY_MT2_SMALL, "id-zh": HY_MT2_SMALL},
                       {"id-en": HY_MT2_LARGE, "id-zh": HY_MT2_LARGE}, {"id-en": FAST_MODELS["id-en"]}),
}

#: What ``--compute-type`` takes: CTranslate2's compute types (its "auto" and "default" are
#: left out: the converted copy is named by the compute type, so it must say what it is).
COMPUTE_TYPES = ("int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16", "float16", "bfloat16", "float32")

# Shared by every pool in the process: a batch run and the API reuse loaded models. The key's
# backend is "chat" for a chat model, whatever backend the run asked for.
_LOADED: dict[tuple[str, str, str, str | None], Translator] = {}
_SUMMARIZERS: dict[tuple[str, str], Summarizer] = {}
_CHAT = "chat"


@dataclass(frozen=True)
class TranslationPlan:
    """Which model pair makes which target, written once for every stage that needs it.

    Attributes:
        english: the pair that takes Indonesian to English (``id-en``), or None when no
            English is needed (only Chinese, straight from the Indonesian).
        chinese: ``id-zh`` (straight from the Indonesian) or ``en-zh`` (the pivot through the
            English), or None when no Chinese is asked for.
        english_to_chinese: the pair that takes the release's English sentences (passed
            through) to Chinese: ``en-zh``, or the ``id-zh`` model when it is a multilingual
            chat model and no ``en-zh`` model was named.
    """

    english: str | None
    chinese: str | None
    english_to_chinese: str | None

    @property
    def direct(self) -> bool:
        """Chinese comes straight from the Indonesian."""
        return self.chinese == "id-zh"

    @property
    def passes(self) -> int:
        """How many models an Indonesian sentence goes through."""
        return int(self.english is not None) + int(self.chinese is not None)

    def pairs(self) -> list[str]:
        """The pairs the plan uses, each once, in the order they run."""
        found = [pair for pair in (self.english, self.chinese, self.english_to_chinese) if pair is not None]
        return list(dict.fromkeys(found))


def make_plan(targets: tuple[str, ...], has: Callable[[str], bool], is_chat: Callable[[str], bool],
              named: Collection[str] = ()) -> TranslationPlan:
    """Which pair makes each of ``targets``, given the pairs that have a model.

    Args:
        targets: ``en``, ``zh`` or both.
        has: whether a pair has a model.
        is_chat: whether a pair's model is a chat model (asked only for ``id-zh``).
        named: the pairs the user named a model for (``en-zh`` named beside a chat ``id-zh``
            takes the English sentences).
    """
    direct = "zh" in targets and has("id-zh")
    english = "id-en" if "en" in targets or ("zh" in targets and not direct) else None
    chinese = ("id-zh" if direct else "en-zh") if "zh" in targets else None
    english_to_chinese = None
    if chinese is not None:
        multilingual = direct and "en-zh" not in named and is_chat("id-zh")
        english_to_chinese = "id-zh" if multilingual or not has("en-zh") else "en-zh"
    return TranslationPlan(english, chinese, english_to_chinese)


class ModelPool:
    """Lazily loaded translators for the pairs of one run.

    Args:
        models: pair -> hub id or folder; pairs not given use the profile's.
        device: ``auto``, ``cpu`` or ``cuda``.
        backend: the seq2seq backend's name (see ``models.backends``); ``auto`` is resolved
            here. Chat models always run through transformers.
        offline: never use the network.
        compute_type: CTranslate2 compute type (None: int8 on CPU, float16 on CUDA).
        profile: ``fast`` or ``quality`` (``PROFILES``).
        fallbacks: pair -> seq2seq model for sentences whose chat answer fails twice; pairs not
            given use the profile's.

    Raises:
        UsageError: an unknown pair or profile, a model name that is neither a folder nor a hub
            id, an unknown compute type, a compute type for the transformers backend (which has
            none: a silently ignored precision would make a run slower or different from what
            was asked), or a backend that is not installed.
    """

    def __init__(
        self, models: dict[str, str], device: str = "auto", backend: str = "transformers", offline: bool = False,
        compute_type: str | None = None, profile: str = "fast", fallbacks: dict[str, str] | None = None,
    ):
        fallbacks = fallbacks or {}
        unknown = (set(models) - set(MODEL_PAIRS) - {SUMMARIZER}) | (set(fallbacks) - set(MODEL_PAIRS))
        if unknown:
            raise UsageError(f"unknown model pair(s) {', '.join(sorted(unknown))} (pairs: {', '.join(MODEL_PAIRS)})")
        if profile not in PROFILES:
            raise UsageError(f"unknown profile '{profile}' (choose one of {', '.join(PROFILES)})")
        for name in [*models.values(), *fallbacks.values()]:
            check_model_name(name)
        self.profile = PROFILES[profile]
        #: The summarizer's hub id or folder (loaded only for ``--summary abstractive``).
        self.summarizer_name = models.get(SUMMARIZER, DEFAULT_SUMMARIZER)
        self.named = {pair: name for pair, name in models.items() if pair != SUMMARIZER}
        self.device_request = device
        defaults = self.profile.models_for(resolve_device(device)) if self.profile.gpu_models else self.profile.models
        self.models = {**defaults, **self.named}
        self.fallbacks = {**self.profile.fallbacks, **fallbacks}
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
        self._chat: dict[str, bool] = {}

    def has(self, pair: str) -> bool:
        """True when a model is configured for ``pair``."""
        return pair in self.models

    def is_chat(self, pair: str) -> bool:
        """True when ``pair``'s model is a chat model (read from its config; nothing is loaded).

        Raises:
            ModelError: the model cannot be found.
        """
        name = self.models[pair]
        if name not in self._chat:
            self._chat[name] = model_family(name, self.offline).kind == CAUSAL
        return self._chat[name]

    def plan(self, targets: tuple[str, ...]) -> TranslationPlan:
        """Which pair makes each of ``targets`` with these models (``make_plan``).

        Raises:
            ModelError: a model whose kind must be known cannot be found.
        """
        return make_plan(targets, self.has, self.is_chat, set(self.named))

    def get(self, pair: str) -> Translator:
        """The translator for ``pair``, loading it on first use.

        Raises:
            UsageError: no model is configured for the pair.
            ModelError: the model cannot be loaded.
        """
        if pair not in self.models:
            raise UsageError(f"no model configured for '{pair}' (use --model {pair}=NAME_OR_PATH)")
        return self._translator(self.models[pair], chat=self.is_chat(pair))

    def fallback(self, pair: str) -> Translator | None:
        """The seq2seq model that stands in for ``pair``'s chat model, or None when none is set.

        Raises:
            ModelError: the fallback model cannot be loaded, or is a chat model itself.
        """
        name = self.fallbacks.get(pair)
        if name is None or name == self.models.get(pair):
            return None
        if model_family(name, self.offline).kind == CAUSAL:
            raise ModelError(f"fallback model '{name}' for {pair} is a chat model; a fallback must be a seq2seq translator")
        return self._translator(name, chat=False)

    def _translator(self, name: str, chat: bool) -> Translator:
        device = resolve_device(self.device_request)
        key = (name, _CHAT, device, None) if chat else (name, self.backend, device, self.compute_type)
        if key not in _LOADED:
            translator = self._load_chat(name, device) if chat else self._load(name, device)
            translator.info = replace(translator.info, licence=model_licence(name))
            _LOADED[key] = translator
        return _LOADED[key]

    def _load_chat(self, name: str, device: str) -> Translator:
        from models.backends.chat import ChatTranslator

        return ChatTranslator(name, device=device, offline=self.offline)

    def _load(self, name: str, device: str) -> Translator:
        if self.backend != "ctranslate2":
            return get_backend(self.backend)(name, device=device, offline=self.offline)
        try:
            return get_backend("ctranslate2")(name, device=device, offline=self.offline, compute_type=self.compute_type)
        except ModelError as error:
            if device != "cuda":
                raise
            # The published ctranslate2 wheels need CUDA 12's cuBLAS; on a CUDA-13-only machine
            # they cannot run. transformers on the GPU is the next-fastest path.
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
            summarizer = Summarizer(self.summarizer_name, device=device, offline=self.offline)
            summarizer.info = replace(summarizer.info, licence=model_licence(self.summarizer_name))
            _SUMMARIZERS[key] = summarizer
        return _SUMMARIZERS[key]

    def loaded_summarizer(self) -> Summarizer | None:
        """The summarizer when it is loaded, else None."""
        return next((model for (name, _), model in _SUMMARIZERS.items() if name == self.summarizer_name), None)

    def loaded(self) -> dict[str, Translator]:
        """The translators of this pool's pairs (and their fallbacks, as ``PAIR-fallback``) that are loaded."""
        found = {}
        wanted = {**self.models, **{f"{pair}-fallback": name for pair, name in self.fallbacks.items()}}
        for pair, name in wanted.items():
            for (loaded_name, backend, _device, compute_type), translator in _LOADED.items():
                if loaded_name == name and (backend == _CHAT or (backend == self.backend and compute_type == self.compute_type)):
                    found[pair] = translator
        return found
