"""Files on disk: atomic writes, reads bounded in size and of regular files only, hashes.

Every output is written atomically: to a temporary name in the same folder, flushed, then
renamed over the target, so a crash leaves the old file or the new one, never half of one.
Temporary names are ``.<name>.<12 hex digits>.tmp`` (``TEMPORARY_NAME``), so that clean-up
after a crash touches warta's own files only.
"""

import hashlib
import os
import re
import secrets
import stat
from pathlib import Path
from typing import BinaryIO

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
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        if error.filename is None:  # a full disk fails the write, which names no file: name it
            raise OSError(error.errno, error.strerror, str(path)) from error
        raise
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


def read_limited(path: Path, limit: int, what: str, called: str = "the file") -> bytes:
    """The bytes of ``path``, refusing a file larger than ``limit`` before reading it.

    Only a regular file is read (a symlink is followed to one): a named pipe would block
    the reader for ever and a device such as ``/dev/zero`` never ends. At most ``limit + 1``
    bytes are read whatever the file's size claims, so a file that grows while it is read is
    refused too.

    Args:
        path: the input file.
        limit: the most bytes the file may hold.
        what: what the file is, for the message ("a web page").
        called: what the message calls it when it cannot be read ("the glossary").

    Raises:
        InputError: the file is not a regular file, is too large, or cannot be read.
    """
    too_large = f"larger than the {limit // 2**20} MiB {what} may be"
    try:
        handle, size = _open_regular(path)
        with os.fdopen(handle, "rb") as stream:
            if size > limit:
                raise InputError(f"{path}: the file is {size / 1e6:.0f} MB, {too_large}")
            data = _read_at_most(stream, limit + 1)
    except OSError as error:
        raise InputError(f"{path}: cannot read {called} ({error.strerror or error})") from error
    if len(data) > limit:
        raise InputError(f"{path}: the file is {too_large}")
    return data


def sha256_of_file(path: Path, limit: int) -> str | None:
    """The hex sha256 of ``path`` read in chunks, or None when it is larger than ``limit`` or unreadable.

    A stray multi-gigabyte file must not be read into memory to be hashed, nor a named pipe
    or a device (``/dev/zero``) read at all: for those, too, the answer is None and the
    reader then refuses the file with its own message.
    """
    digest = hashlib.sha256()
    try:
        handle, size = _open_regular(path)
        with os.fdopen(handle, "rb") as stream:
            if size > limit:
                return None
            read = 0
            while read <= limit:
                chunk = stream.read(min(_CHUNK_BYTES, limit + 1 - read))
                if not chunk:
                    return digest.hexdigest()
                digest.update(chunk)
                read += len(chunk)
            return None  # it grew past the limit while it was read
    except (OSError, InputError):
        return None


_CHUNK_BYTES = 1024 * 1024


def _open_regular(path: Path) -> tuple[int, int]:
    """A read-only descriptor of ``path`` and its size, or InputError when it is not a regular file.

    Checked twice: ``os.stat`` (which follows symlinks) before opening, so a named pipe is
    never opened, and ``os.fstat`` on the descriptor, in case the path was swapped for one
    in between; ``O_NONBLOCK`` keeps that open from blocking on a pipe with no writer.
    """
    _refuse_irregular(path, os.stat(path).st_mode)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
    handle = os.open(path, flags)
    try:
        status = os.fstat(handle)
        _refuse_irregular(path, status.st_mode)
    except BaseException:
        os.close(handle)
        raise
    return handle, status.st_size


def _refuse_irregular(path: Path, mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    kinds = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
             (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))
    kind = next((name for test, name in kinds if test(mode)), "a special file")
    raise InputError(f"{path}: this is {kind}, not a regular file; warta reads only regular files")


def _read_at_most(stream: BinaryIO, count: int) -> bytes:
    # A regular file opened with O_NONBLOCK still reads in full; the loop only guards
    # against short reads, and never asks for more than ``count`` bytes in all.
    parts: list[bytes] = []
    left = count
    while left > 0:
        chunk = stream.read(min(_CHUNK_BYTES * 16, left))
        if not chunk:
            break
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)
