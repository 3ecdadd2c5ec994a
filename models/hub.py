"""What is known of a model without loading it: its name, its revision, its place in the hub cache.

A model is named by a local folder or a Hugging Face id; ``check_model_name`` refuses a name
that can be neither before anything runs. A folder's revision is a fingerprint of its files, a
cached hub id's is the commit of its snapshot (``known_revision``: what ``models list`` and the
batch fingerprint both show). ``check_hub_reachable`` asks the hub once, in seconds, before a
download that would otherwise retry for most of a minute. ``model_licence`` reads the licence
from the model card of the revision on disk.
"""

import hashlib
import re
from pathlib import Path

from models.errors import ModelError, UsageError, one_line

_COMMIT = re.compile(r"^[0-9a-f]{40}$")


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


def pull_request_weights(repo_id: str) -> tuple[Path, str] | None:
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
