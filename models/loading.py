"""Finding and loading Hugging Face models: local folders and hub ids, offline or not.

A model is loaded from the local cache whenever it is there (its snapshot folder, read as a
plain folder), so a run never touches the network for a model it already has. Safetensors weights are preferred (transformers also
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

from models.errors import ModelError, UsageError, one_line
from models.families import Family, family_of

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


def _looks_like_path(name: str) -> bool:
    # A hub id is "name" or "org/name"; anything with a path's start, a backslash or more than
    # one slash can only mean a folder.
    return name.startswith(("/", "./", "../", "~", ".\\")) or "\\" in name or name.count("/") > 1 or name in (".", "..")


def check_model_name(name: str) -> None:
    """Refuse a model name that can be neither an existing folder nor a Hugging Face id.

    Called before anything runs, so that a typo in ``--model`` is one clear line and not a
    failure halfway through a batch.

    Raises:
        UsageError: a path that does not exist or is a file, or a malformed hub id.
    """
    path = Path(name).expanduser()
    if path.is_dir():
        return
    if path.exists():
        raise UsageError(f"{name}: is a file, not a model folder (a model is a folder with config.json, or a Hugging Face id)")
    if _looks_like_path(name):
        raise UsageError(f"{name}: no such model folder")
    from huggingface_hub.errors import HFValidationError
    from huggingface_hub.utils import validate_repo_id

    try:
        validate_repo_id(name)
    except HFValidationError:
        raise UsageError(
            f"{name}: no such model folder, and not a Hugging Face id (ids look like Helsinki-NLP/opus-mt-id-en)"
        ) from None


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


def known_revision(name: str) -> str | None:
    """The revision of ``name`` found without loading it: a folder's, or the hub cache's commit.

    None for a hub id that is not cached yet. ``models list`` and the batch fingerprint both
    ask this, so they always agree.
    """
    if is_local_model(name):
        return local_revision(Path(name).expanduser())
    return cached_revision(name)


def cached_revision(repo_id: str) -> str | None:
    """The commit of ``repo_id`` in the local hub cache, or None when it is not cached.

    Raises:
        UsageError: ``repo_id`` is not a valid hub id.
    """
    from huggingface_hub import try_to_load_from_cache

    check_model_name(repo_id)
    found = try_to_load_from_cache(repo_id, "config.json")
    if isinstance(found, str):
        return Path(found).parent.name
    return None


def _hub_cache() -> Path:
    from huggingface_hub.constants import HF_HUB_CACHE

    return Path(HF_HUB_CACHE)


def cached_snapshot(repo_id: str) -> tuple[str, Path] | None:
    """(commit, snapshot folder) of ``repo_id``'s main revision in the hub cache, or None."""
    revision = cached_revision(repo_id)
    if revision is None:
        return None
    return revision, _hub_cache() / f"models--{repo_id.replace('/', '--')}" / "snapshots" / revision


def _pull_request_weights(repo_id: str) -> tuple[Path, str] | None:
    """A cached pull-request snapshot holding safetensors weights, and its ref (``refs/pr/6``).

    Some repos (opus-mt-en-zh among them) keep the safetensors conversion of their weights only
    in a pull-request revision; transformers fetches it when online, and this finds it offline.
    """
    repo = _hub_cache() / f"models--{repo_id.replace('/', '--')}"
    for ref in sorted((repo / "refs" / "pr").glob("*")):
        snapshot = repo / "snapshots" / ref.read_text().strip()
        if (snapshot / "model.safetensors").is_file() or (snapshot / "model.safetensors.index.json").is_file():
            return snapshot, f"refs/pr/{ref.name}"
    return None


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
        pull_request = _pull_request_weights(name)
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


def model_licence(name: str) -> str:
    """The licence the model card (``README.md`` front matter, ``license:``) of ``name``'s folder or cached snapshot declares.

    A model's licence can change between revisions (Hy-MT2 moved to Apache-2.0 after its first
    release), so the report records the one of the revision loaded; "" when the card says none.
    """
    folder: Path | None
    if is_local_model(name):
        folder = Path(name).expanduser()
    else:
        snapshot = cached_snapshot(name) if _looks_like_hub_id(name) else None
        folder = snapshot[1] if snapshot is not None else None
    card = folder / "README.md" if folder is not None else None
    if card is None or not card.is_file():
        return ""
    try:
        text = card.read_text(encoding="utf-8", errors="replace")[:20_000]
    except OSError:
        return ""
    if not text.startswith("---"):
        return ""
    front = text[3:].split("\n---", 1)[0]
    found = re.search(r"^license:\s*['\"]?([^'\"\n]+?)['\"]?\s*$", front, re.MULTILINE)
    return found.group(1).strip() if found else ""


def _looks_like_hub_id(name: str) -> bool:
    try:
        check_model_name(name)
    except UsageError:
        return False
    return True


#: Seconds the one probe of the hub waits before warta says it cannot be reached.
HUB_PROBE_TIMEOUT = 5.0

_OFFLINE_HINT = (
    "to work offline, run 'python run.py models download' on a machine that reaches the hub and then use --offline, "
    "or pass --model PAIR=/path/to/folder"
)


def check_hub_reachable(repo_id: str, timeout: float = HUB_PROBE_TIMEOUT) -> None:
    """Ask the hub once, with a short timeout and no retries, whether ``repo_id`` can be downloaded.

    Downloading without this first retries for most of a minute when the hub cannot be reached
    (huggingface_hub's backoff) and then fails with a long message; one HEAD request on the
    model's ``config.json`` answers in seconds.

    Raises:
        ModelError: the hub cannot be reached (with how to work offline), or it has no such model.
    """
    from huggingface_hub import get_hf_file_metadata, hf_hub_url
    from huggingface_hub.constants import ENDPOINT
    from huggingface_hub.errors import (
        EntryNotFoundError,
        HfHubHTTPError,
        RepositoryNotFoundError,
    )

    try:
        get_hf_file_metadata(hf_hub_url(repo_id, "config.json"), timeout=timeout, retry_on_errors=False)
    except RepositoryNotFoundError:
        raise ModelError(f"model '{repo_id}' is not on the Hugging Face hub ({ENDPOINT}), or it is private") from None
    except EntryNotFoundError:
        raise ModelError(f"'{repo_id}' on the Hugging Face hub is not a model (no config.json)") from None
    except HfHubHTTPError as error:
        status = error.response.status_code if error.response is not None else "no answer"
        raise ModelError(f"the Hugging Face hub ({ENDPOINT}) answered {status} for '{repo_id}'; {_OFFLINE_HINT}") from None
    except _network_errors() as error:
        raise ModelError(
            f"the Hugging Face hub ({ENDPOINT}) cannot be reached to download '{repo_id}' "
            f"({type(error).__name__}: {one_line(error)}); {_OFFLINE_HINT}"
        ) from None


def _network_errors() -> tuple[type[BaseException], ...]:
    # huggingface_hub lets its HTTP client's connection and timeout errors through unwrapped;
    # which client that is depends on its version (httpx2, httpx, requests).
    from importlib import import_module

    errors: list[type[BaseException]] = [OSError, ConnectionError, TimeoutError]
    for module, name in (("httpx2", "TransportError"), ("httpx", "TransportError"), ("requests", "RequestException")):
        try:
            errors.append(getattr(import_module(module), name))
        except (ImportError, AttributeError):
            continue
    return tuple(errors)


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
