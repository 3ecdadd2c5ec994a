"""Finding and loading Hugging Face models: local folders and hub ids, offline or not.

A model is loaded from the local cache whenever it is there (its snapshot folder, read as a
plain folder), so a run never touches the network for a model it already has. Safetensors weights are preferred (transformers also
finds the converted safetensors that some repos keep only in a pull-request revision); a
pickle checkpoint is read only with torch's weights-only loader, which transformers 5 uses
for ``.bin`` files; remote code is never trusted. What is known of a model without loading it
(its name, revision and place in the hub cache) is in ``models.hub``.
"""

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from models.errors import ModelError, one_line
from models.families import Family, family_of
from models.hub import (
    cached_revision,
    cached_snapshot,
    check_hub_reachable,
    check_model_name,
    is_local_model,
    local_revision,
    pull_request_weights,
)

log = logging.getLogger(__name__)


@dataclass
class LoadedModel:
    """A tokenizer and model pair and where they came from.

    Attributes:
        name: what the user asked for: a hub id or a folder.
        revision: the hub commit loaded, or ``local:<fingerprint>`` for a plain folder.
        weights: the weights format loaded (``safetensors`` or ``pytorch (weights-only)``).
        tokenizer, model: the loaded transformers objects.
        folder: the local folder holding the model's config (the cache snapshot for a hub id).
    """

    name: str
    revision: str
    weights: str
    tokenizer: Any
    model: Any
    folder: Path



def _has_safetensors(folder: Path) -> bool:
    return (folder / "model.safetensors").is_file() or (folder / "model.safetensors.index.json").is_file()


#: What ``load_model`` loads: transformers' auto class for each kind of model (``auto``: the
#: one the model's config names, encoder-decoder or not).
MODEL_KINDS = {"seq2seq": "AutoModelForSeq2SeqLM", "causal": "AutoModelForCausalLM", "auto": ""}


def _auto_class(kind: str, config: Any) -> Any:
    import transformers

    if kind == "auto":
        kind = "seq2seq" if getattr(config, "is_encoder_decoder", False) else "causal"
    return getattr(transformers, MODEL_KINDS[kind])


def load_seq2seq(name: str, offline: bool = False) -> LoadedModel:
    """Load a sequence-to-sequence model (a translator) and its tokenizer; see ``load_model``."""
    return load_model(name, offline, "seq2seq")


def load_model(name: str, offline: bool = False, kind: str = "seq2seq") -> LoadedModel:
    """Load a model and its tokenizer from a folder or a hub id.

    A hub id already in the cache is loaded from its snapshot folder, without any request to
    the hub; otherwise it is downloaded (unless ``offline``) into the standard cache.

    Args:
        name: a local folder, or a Hugging Face id such as ``Helsinki-NLP/opus-mt-id-en``.
        offline: never use the network; the model must be a folder or already cached.
        kind: ``seq2seq`` (translators), ``causal`` (chat models) or ``auto`` (either, as the
            model's config says: the summarizer).

    Returns:
        The loaded model, on the CPU, in evaluation mode.

    Raises:
        ModelError: the model cannot be found or loaded, with what to do about it.
    """
    if is_local_model(name):
        folder = Path(name).expanduser()
        tokenizer, model, weights = _load_folder(folder, folder, name, kind)
        return LoadedModel(name, local_revision(folder), weights, tokenizer, model, folder)
    check_model_name(name)
    if cached_revision(name) is None:
        _fetch(name, offline, kind)
    revision, snapshot = cached_snapshot(name) or ("unknown", Path(name))
    weights_folder, where = snapshot, ""
    if not _has_safetensors(snapshot):
        pull_request = pull_request_weights(name)
        if pull_request is not None:
            weights_folder, ref = pull_request
            where = f" from {ref} ({weights_folder.name[:12]})"
    tokenizer, model, weights = _load_folder(snapshot, weights_folder, name, kind)
    return LoadedModel(name, str(revision), weights + where, tokenizer, model, snapshot)


def _fetch(name: str, offline: bool, kind: str) -> None:
    """Download hub model ``name`` into the cache (it is not there yet), or say why not."""
    if offline:
        raise ModelError(
            f"model '{name}' is not in the local Hugging Face cache and --offline forbids downloading it; "
            f"run 'python run.py models download' (with the same --profile and --model options) on a machine with network access, or pass --model PAIR=/path/to/folder"
        )
    check_hub_reachable(name)
    log.info("downloading %s from the Hugging Face hub", name)
    _download(name, kind)


def model_family(name: str, offline: bool = False) -> Family:
    """The family of model ``name`` (and so its kind, seq2seq or chat), read from its ``config.json``.

    Only the config is read, from the folder or the hub cache; a hub id that is not cached yet
    is downloaded first (unless ``offline``), as ``load_model`` would, so that the right code
    loads it once.

    Raises:
        ModelError: the model cannot be found (offline and not cached), or its config is unreadable.
    """
    import json

    if is_local_model(name):
        folder = Path(name).expanduser()
    else:
        check_model_name(name)
        if cached_revision(name) is None:
            _fetch(name, offline, "auto")
        snapshot = cached_snapshot(name)
        folder = snapshot[1] if snapshot is not None else Path(name)
    if not (folder / "config.json").is_file():
        raise ModelError(
            f"{folder}: not a model folder (no config.json); give a folder saved by save_pretrained "
            f"or a Hugging Face id such as Helsinki-NLP/opus-mt-id-en"
        )
    try:
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ModelError(f"cannot read the config of model '{name}' ({folder / 'config.json'}): {one_line(error)}") from error
    return family_of(str(config.get("model_type", "")), bool(config.get("is_encoder_decoder", False)))



def _download(name: str, kind: str = "seq2seq") -> None:
    # transformers' own download: it prefers safetensors, finds them in a pull-request
    # revision when the main branch has only a pickle, and fills the standard cache.
    from transformers import AutoConfig, AutoTokenizer

    try:
        auto_class = _auto_class(kind, AutoConfig.from_pretrained(name, trust_remote_code=False))
        AutoTokenizer.from_pretrained(name, trust_remote_code=False)
        try:
            auto_class.from_pretrained(name, use_safetensors=True, trust_remote_code=False)
        except OSError as error:
            if "safetensors" not in str(error):
                raise
            auto_class.from_pretrained(name, use_safetensors=False, trust_remote_code=False)
    except (OSError, ValueError) as error:
        raise ModelError(
            f"cannot download model '{name}': {one_line(error)}. Where the hub cannot be reached, run "
            f"'python run.py models download' on a machine that can, or pass --model PAIR=/path/to/folder"
        ) from error


def _load_folder(config_folder: Path, weights_folder: Path, name: str, kind: str = "seq2seq") -> tuple[Any, Any, str]:
    from transformers import AutoConfig, AutoTokenizer, GenerationConfig
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    if not (config_folder / "config.json").is_file():
        raise ModelError(
            f"{config_folder}: not a model folder (no config.json); give a folder saved by save_pretrained "
            f"or a Hugging Face id such as Helsinki-NLP/opus-mt-id-en"
        )
    common: dict[str, Any] = {"local_files_only": True, "trust_remote_code": False}
    try:
        tokenizer = AutoTokenizer.from_pretrained(str(config_folder), **common)
        config = AutoConfig.from_pretrained(str(config_folder), **common)
        # The generation config comes from the config folder too: a pull-request snapshot may
        # hold nothing but the weights.
        generation = (
            GenerationConfig.from_pretrained(str(config_folder), **common)
            if (config_folder / "generation_config.json").is_file() else GenerationConfig.from_model_config(config)
        )
        safetensors = _has_safetensors(weights_folder)
        # Without safetensors: a pickle checkpoint, which transformers 5 reads with
        # torch.load(weights_only=True), so it cannot run code.
        model = _auto_class(kind, config).from_pretrained(
            str(weights_folder), config=config, generation_config=generation, use_safetensors=safetensors, **common
        )
        weights = "safetensors" if safetensors else "pytorch (weights-only)"
    except (OSError, ValueError, TypeError, AssertionError) as error:
        # A folder with missing or wrong files fails inside transformers with whatever its
        # code meets first (MarianTokenizer asserts its SentencePiece files exist, and passes
        # None to Path when one is not even named); all of it is "this folder is not a model".
        reason = one_line(error)
        if isinstance(error, (TypeError, AssertionError)):
            reason = f"its tokenizer or weight files are missing or broken ({type(error).__name__}: {reason})"
        raise ModelError(f"cannot load model '{name}' from {config_folder}: {reason}") from error
    model.eval()
    return tokenizer, model, weights
