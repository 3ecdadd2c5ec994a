"""Finding and loading Hugging Face models: local folders and hub ids, offline or not.

A model is loaded from the local cache whenever it is there, so a run never touches the
network for a model it already has. Safetensors weights are preferred (transformers also
finds the converted safetensors that some repos keep only in a pull-request revision); a
pickle checkpoint is read only with torch's weights-only loader, which transformers 5 uses
for ``.bin`` files; remote code is never trusted.
"""

import hashlib
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.errors import ModelError

log = logging.getLogger(__name__)

_COMMIT = re.compile(r"^[0-9a-f]{40}$")


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


def is_local_model(name: str) -> bool:
    """True when ``name`` is a folder on disk rather than a hub id."""
    return Path(name).expanduser().is_dir()


def local_revision(folder: Path) -> str:
    """The revision of a model folder.

    A folder inside the hub cache (``.../snapshots/<commit>``) is named after its commit;
    any other folder gets a fingerprint of its files' names, sizes and modification times,
    so that a changed model changes the revision (and the batch manifest notices).
    """
    folder = folder.resolve()
    if folder.parent.name == "snapshots" and _COMMIT.match(folder.name):
        return folder.name
    digest = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        if path.is_file():
            stat = path.stat()
            digest.update(f"{path.name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return f"local:{digest.hexdigest()[:12]}"


def cached_revision(repo_id: str) -> str | None:
    """The commit of ``repo_id`` in the local hub cache, or None when it is not cached."""
    from huggingface_hub import try_to_load_from_cache

    found = try_to_load_from_cache(repo_id, "config.json")
    if isinstance(found, str):
        return Path(found).parent.name
    return None


def load_seq2seq(name: str, offline: bool = False) -> LoadedModel:
    """Load a sequence-to-sequence model and its tokenizer from a folder or a hub id.

    Args:
        name: a local folder, or a Hugging Face id such as ``Helsinki-NLP/opus-mt-id-en``.
        offline: never use the network; the model must be a folder or already cached.

    Returns:
        The loaded model, on the CPU, in evaluation mode.

    Raises:
        ModelError: the model cannot be found or loaded, with what to do about it.
    """
    if is_local_model(name):
        folder = Path(name).expanduser()
        tokenizer, model, weights = _load_from(str(folder), local_files_only=True, name=name)
        return LoadedModel(name, local_revision(folder), weights, tokenizer, model, folder)
    if not re.match(r"^[\w.-]+(/[\w.-]+)?$", name):
        raise ModelError(f"model '{name}' is neither a folder on disk nor a Hugging Face id")
    try:
        tokenizer, model, weights = _load_from(name, local_files_only=True, name=name)
    except ModelError:
        if offline:
            raise ModelError(
                f"model '{name}' is not in the local Hugging Face cache and --offline forbids downloading it; "
                f"run 'python run.py models download' on a machine with network access, or pass --model PAIR=/path/to/folder"
            ) from None
        log.info("downloading %s from the Hugging Face hub", name)
        tokenizer, model, weights = _load_from(name, local_files_only=False, name=name)
    from huggingface_hub import try_to_load_from_cache

    config = try_to_load_from_cache(name, "config.json")
    folder = Path(config).parent if isinstance(config, str) else Path(name)
    return LoadedModel(name, cached_revision(name) or "unknown", weights, tokenizer, model, folder)


def _load_from(source: str, local_files_only: bool, name: str) -> tuple[Any, Any, str]:
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    common = {"local_files_only": local_files_only, "trust_remote_code": False}
    try:
        tokenizer = AutoTokenizer.from_pretrained(source, **common)
        try:
            model = AutoModelForSeq2SeqLM.from_pretrained(source, use_safetensors=True, **common)
            weights = "safetensors"
        except OSError as error:
            if "safetensors" not in str(error):
                raise
            # No safetensors anywhere: a pickle checkpoint, which transformers 5 reads with
            # torch.load(weights_only=True), so it cannot run code.
            model = AutoModelForSeq2SeqLM.from_pretrained(source, use_safetensors=False, **common)
            weights = "pytorch (weights-only)"
    except (OSError, ValueError) as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        if local_files_only and not is_local_model(source):
            raise ModelError(f"model '{name}' is not in the local cache ({first_line})") from error
        raise ModelError(
            f"cannot load model '{name}': {first_line}. If the hub cannot be reached, run "
            f"'python run.py models download' where it can, or pass --model PAIR=/path/to/folder"
        ) from error
    model.eval()
    return tokenizer, model, weights
