"""The batch manifest and the output-folder lock: what makes a batch run resumable and safe.

``OUT/manifest.json`` records, per article, the input's sha256, a fingerprint of the settings
and model revisions that shape the output, the status (``done``, ``failed``, ``skipped``: done
in an earlier run and unchanged), the reason, counts and timings. It is rewritten atomically
after every article, so a run killed at any moment leaves a manifest that tells the truth
about every article it lists.
"""

import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pipeline import __version__
from pipeline.errors import InputError
from pipeline.writers import write_atomic

MANIFEST_NAME = "manifest.json"
LOCK_NAME = ".warta.lock"
#: Statuses an entry can have. ``skipped``: done by an earlier run, input and settings unchanged.
STATUSES = ("done", "failed", "skipped")


@dataclass
class Manifest:
    """Per-article records of an output folder.

    Attributes:
        path: the manifest file.
        articles: output name -> record (a JSON object).
    """

    path: Path
    articles: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, out: Path) -> "Manifest":
        """Read ``OUT/manifest.json``; a missing file gives an empty manifest.

        Raises:
            InputError: the manifest exists but is not valid JSON (it was not written by warta).
        """
        path = out / MANIFEST_NAME
        if not path.exists():
            return cls(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(path, dict(data["articles"]))
        except (ValueError, KeyError, TypeError) as error:
            raise InputError(f"{path}: not a warta manifest ({error}); move it away or choose another output folder") from error

    def is_current(self, name: str, sha256: str, fingerprint: str, out: Path) -> bool:
        """True when ``name`` is done with this input and these settings, and its files are there."""
        entry = self.articles.get(name)
        return bool(
            entry
            and entry.get("status") in ("done", "skipped")
            and entry.get("sha256") == sha256
            and entry.get("fingerprint") == fingerprint
            and (out / name / "report.json").is_file()
        )

    def record(self, name: str, **fields: Any) -> None:
        """Set the record of ``name`` (replacing the old one) and save the manifest atomically."""
        fields["updated_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
        self.articles[name] = fields
        self.save()

    def mark_skipped(self, name: str) -> None:
        """Mark a current article as skipped by this run, keeping the rest of its record."""
        entry = dict(self.articles[name])
        entry["status"] = "skipped"
        entry["reason"] = "already done; input and settings unchanged"
        self.articles[name] = entry
        self.save()

    def save(self) -> None:
        """Write the manifest atomically."""
        payload = {"warta_version": __version__, "articles": dict(sorted(self.articles.items()))}
        write_atomic(self.path, json.dumps(payload, ensure_ascii=False, indent=2) + "\n")


class OutputLock:
    """An exclusive lock on an output folder, held for the length of a run.

    Two runs pointed at the same folder would overwrite each other's manifest; the second one
    is refused with a clear message instead. The lock is released when the process ends, however
    it ends (it is an ``flock``, not a file whose existence matters).

    Raises:
        InputError: (on ``__enter__``) another run holds the folder.
    """

    def __init__(self, out: Path):
        self.path = out / LOCK_NAME
        self.handle: int | None = None

    def __enter__(self) -> "OutputLock":
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(handle, 64, 0).decode(errors="replace").strip() or "unknown"
            os.close(handle)
            raise InputError(
                f"{self.path.parent}: the output folder is busy: another warta run (pid {holder}) is writing to it; "
                f"wait for it to finish or choose another -o folder"
            ) from None
        os.ftruncate(handle, 0)
        os.pwrite(handle, str(os.getpid()).encode(), 0)
        self.handle = handle
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.handle is not None:
            os.close(self.handle)  # closing releases the flock
            self.handle = None
