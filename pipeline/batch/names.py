"""Output folder names: made from input paths, and checked wherever one is read back.

An article's folder is ``OUT/<name>``. Every name warta writes into must stay inside ``OUT``,
whatever made it: a file name given on the command line (``...txt`` has the stem ``..``), a
walked path, or a record read from ``manifest.json`` or the state, which a user may have
copied from elsewhere or an attacker crafted (``../victim``, ``/etc``, ``C:\\Users``). So:

* ``safe_name`` turns a relative input path into a name with none of the parts that could
  leave or hide in ``OUT``: a part may not start with ``.`` (so never ``.`` or ``..``), and
  backslashes, colons, NUL and other control characters are escaped as ``%XX``;
* ``unsafe_name_reason`` says why a name read back from a record cannot be used (absolute,
  a drive or UNC prefix, a ``.``/``..`` or empty part, a backslash, a control character, a part
  too long), and ``folder_inside`` resolves it and checks that it is still under ``OUT`` (a
  symbolic link planted in ``OUT`` must not lead out of it either).
"""

import hashlib
import re
from pathlib import Path

#: Bytes of one part of an output folder's name at most: file systems allow 255, and a name
#: longer than that (a GBK name of 90 bytes escaped to ``%XX``, or a long name with a hash
#: added) would make every check of the folder raise "File name too long".
MAX_NAME_PART_BYTES = 200

#: A whole name's bytes and parts at most (deep archives stay well within; a path longer than
#: the file system allows would fail every later check of the folder).
MAX_NAME_BYTES, MAX_NAME_PARTS = 1024, 32

# Characters that separate or prefix paths on some platform (Windows: backslash, the drive
# colon) are escaped, so a name means the same folder everywhere.
_ESCAPED = {"\\", ":"}
_DRIVE = re.compile(r"^[A-Za-z]:")


def safe_name(text: str) -> str:
    """An output folder name for a relative path (``/``-separated), safe to join to ``OUT``.

    Bytes that are not UTF-8 (``os.fsdecode``'s stand-ins), control characters, ``\\`` and ``:``
    become ``%XX``; a part that starts with ``.`` (``.``, ``..``, a hidden name) starts with
    ``%2E`` instead. Each part is kept under ``MAX_NAME_PART_BYTES``: a longer one is cut and
    ends in a hash of the whole part, so two long names that start alike still get two folders;
    a path of more than ``MAX_NAME_PARTS`` parts or ``MAX_NAME_BYTES`` bytes keeps its file name
    under one part made of its first folder and a hash of all its folders.
    """
    out = []
    for character in text:
        code = ord(character)
        if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's stand-in for an undecodable byte
            out.append(f"%{code - 0xDC00:02X}")
        elif code < 0x20 or code == 0x7F or 0xD800 <= code <= 0xDFFF:
            out.append(f"%{code:02X}" if code < 0x100 else f"%u{code:04X}")
        elif character in _ESCAPED:
            out.append(f"%{code:02X}")
        else:
            out.append(character)
    parts = [_short_part(_not_dotted(part)) for part in "".join(out).split("/") if part]
    name = "/".join(parts)
    if len(name.encode("utf-8")) > MAX_NAME_BYTES - 64 or len(parts) >= MAX_NAME_PARTS:
        # a path too deep or long for one folder name: its folders become one hashed part
        folders = "/".join(parts[:-1]).encode("utf-8")
        name = f"{_short_part(parts[0])[:40]}-{hashlib.sha256(folders).hexdigest()[:8]}/{parts[-1]}"
    return name or "%2E"


def _not_dotted(part: str) -> str:
    return "%2E" + part[1:] if part.startswith(".") else part


def _short_part(part: str) -> str:
    encoded = part.encode("utf-8")
    if len(encoded) <= MAX_NAME_PART_BYTES:
        return part
    digest = hashlib.sha256(encoded).hexdigest()[:8]
    # room for the hash, and for the "-1a2b3c4d" a taken name gets (walking's hashed names)
    cut = encoded[: MAX_NAME_PART_BYTES - 2 * (len(digest) + 1)].decode("utf-8", "ignore")
    return f"{cut}-{digest}"


def unsafe_name_reason(name: object) -> str | None:
    """Why ``name`` (read from a manifest or the state) cannot be an output folder name, or None.

    A usable name is a non-empty relative ``/``-separated path whose parts are neither empty,
    ``.`` nor ``..``, hold no backslash, NUL or other control character, start with no drive
    letter, and fit in ``MAX_NAME_PART_BYTES``.
    """
    if not isinstance(name, str) or not name:
        return "an empty name"
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        return "an absolute path"
    if any(ord(character) < 0x20 or ord(character) == 0x7F for character in name):
        return "a control character in the name"
    if "\\" in name:
        return "a backslash in the name"
    if len(name.encode("utf-8", "surrogateescape")) > MAX_NAME_BYTES or name.count("/") >= MAX_NAME_PARTS:
        return "a name longer than a folder path may be"
    for part in name.split("/"):
        if part in ("", ".", ".."):
            return f"a {part!r} part" if part else "an empty part"
        if len(part.encode("utf-8", "surrogateescape")) > MAX_NAME_PART_BYTES + 2 * 9:
            return "a part longer than a folder name may be"
    return None


def folder_inside(out: Path, name: str) -> Path | None:
    """``OUT/<name>`` when ``name`` is usable and the folder, resolved, stays inside ``OUT``; else None."""
    if unsafe_name_reason(name) is not None:
        return None
    folder = out / name
    try:
        root = out.resolve()
        resolved = folder.resolve()
    except (OSError, RuntimeError):  # a loop of symbolic links planted in OUT
        return None
    if resolved == root or root not in resolved.parents:
        return None
    return folder
