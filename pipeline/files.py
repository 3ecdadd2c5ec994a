"""Files on disk: atomic writes, reads bounded in size, hashes.

Every output is written atomically: to a temporary name in the same folder, flushed, then
renamed over the target, so a crash leaves the old file or the new one, never half of one.
Temporary names are ``.<name>.<12 hex digits>.tmp`` (``TEMPORARY_NAME``), so that clean-up
after a crash touches warta's own files only.
"""

import hashlib
import os
import re
import secrets
from pathlib import Path

from pipeline.errors import InputError

#: What ``write_atomic``'s temporary files are called; nothing else matches.
TEMPORARY_NAME = re.compile(r"^\..+\.[0-9a-f]{12}\.tmp$")


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write ``content`` to ``path`` so that readers see the old file or the new one, never a part.

    The new file gets the permissions any new file in that folder gets (``0o666`` less the
    umask), as if written directly: outputs are meant to be read by reviewers and web servers.

    Raises:
        OSError: the folder cannot be written.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    handle, temporary = _create_temporary(path)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _create_temporary(path: Path) -> tuple[int, str]:
    # Not tempfile.mkstemp: it creates the file with mode 0o600, which os.replace would carry
    # over to the output, leaving it unreadable to everyone but its writer. os.open with
    # 0o666 lets the umask decide, as for any other new file.
    while True:
        temporary = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
        try:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
            return os.open(temporary, flags, 0o666), str(temporary)
        except FileExistsError:
            continue


def read_limited(path: Path, limit: int, what: str) -> bytes:
    """The bytes of ``path``, refusing a file larger than ``limit`` before reading it.

    Raises:
        InputError: the file is too large or cannot be read.
    """
    try:
        size = path.stat().st_size
        if size > limit:
            raise InputError(f"{path}: the file is {size / 1e6:.0f} MB, larger than the {limit // 2**20} MiB {what} may be")
        return path.read_bytes()
    except OSError as error:
        raise InputError(f"{path}: cannot read the file ({error.strerror or error})") from error




def sha256_of_file(path: Path, limit: int) -> str | None:
    """The hex sha256 of ``path`` read in chunks, or None when it is larger than ``limit`` or unreadable.

    A stray multi-gigabyte file must not be read into memory to be hashed; the reader then
    refuses it with its own message.
    """
    try:
        if path.stat().st_size > limit:
            return None
        with path.open("rb") as stream:
            return hashlib.file_digest(stream, "sha256").hexdigest()
    except OSError:
        return None
