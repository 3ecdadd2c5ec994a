"""``OUT/manifest.json`` and the output-folder marker.

The batch's state lives in ``pipeline.batch.state`` (SQLite); ``manifest.json`` is exported from
it at the end of a run and when a run is interrupted, for scripts (a contract: docs/design.md, "Outputs"):
``{"warta_version": ..., "articles": {name: record}}``, each record with the input (escaped when
its name is not valid UTF-8, plus ``input_bytes``: the resolved path's bytes in hex), sha256,
fingerprint, status (``done``, ``failed``, ``skipped``), reason, counts, timings and outputs.
"""

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pipeline.article import ArticleRecord
from pipeline.errors import InputError
from pipeline.files import read_limited, write_atomic
from pipeline.version import __version__

MANIFEST_NAME = "manifest.json"
#: A file every warta output folder (OUT and each article's folder) holds, so that no later
#: walk of an input folder reads warta's outputs as articles, wherever they are.
MARKER_NAME = ".warta-output"
#: A manifest of 100,000 articles is some 100 MB; a larger one is not warta's.
MAX_MANIFEST_BYTES = 512 * 2**20


def mark_output_folder(folder: Path) -> None:
    """Create ``folder`` if needed and put the output marker in it."""
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / MARKER_NAME
    if not marker.exists():
        write_atomic(marker, "written by warta; this folder is not read as input\n")


def is_output_folder(folder: Path) -> bool:
    """True when ``folder`` is a warta output folder (it holds the marker); False when it cannot be looked at."""
    try:
        return (folder / MARKER_NAME).is_file()
    except OSError:  # a name too long, a folder we may not enter: not one warta can use
        return False


def read_manifest(out: Path) -> dict[str, dict[str, Any]]:
    """The article records of ``OUT/manifest.json``; none when the file is missing.

    Raises:
        InputError: the manifest exists but is not warta's.
    """
    path = out / MANIFEST_NAME
    if not path.exists() and not path.is_symlink():
        return {}
    raw = read_limited(path, MAX_MANIFEST_BYTES, "a manifest")  # a FIFO or /dev/zero planted there fails at once
    try:
        data = json.loads(raw.decode("utf-8"))
        return {str(name): dict(record) for name, record in data["articles"].items()}
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: not a warta manifest ({error}); move it away or choose another output folder") from error


def write_manifest(out: Path, records: Iterable[tuple[str, ArticleRecord]]) -> Path:
    """Write ``OUT/manifest.json`` atomically from ``(name, record)`` pairs; returns its path."""
    path = out / MANIFEST_NAME
    payload = {"warta_version": __version__, "articles": {name: record.as_json() for name, record in records}}
    write_atomic(path, json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    return path
