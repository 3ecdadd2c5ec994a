"""Reading reviewed sentence pairs into the memory, and writing the memory out as TMX.

Three kinds of file go in (``memory add``):

- ``corrections-<article>.tsv`` from the review page: the columns of ``aligned.tsv`` plus
  ``status``, ``article`` and ``sha256`` (the article the rows are of, on every row); only rows a
  reviewer ``approved`` or ``edited`` are taken (an untouched row is still the machine's); of
  several rows for one sentence the last edited one wins, else the last approved. Each entry's
  origin names the file and the article, so a memory filled from many exports (which a browser
  saves as ``corrections (3).tsv`` and the like) says which article each came from. A
  ``corrections.tsv`` from before the article columns is read as well; its origin is the file.
- any TSV with ``id`` and ``en`` and/or ``zh`` columns, when ``trust_all`` says every row is
  reviewed (a client's bilingual list, a spreadsheet export).
- TMX 1.4b from a CAT tool: each ``tu`` with an ``id`` variant and ``en`` and/or Simplified
  Chinese ones (``zh``, ``zh-CN``, ``zh-Hans``, ``zh-SG``, ``zh-MY``; Traditional ``zh-TW``,
  ``zh-HK``, ``zh-Hant`` are not taken).

TSV goes through :func:`pipeline.tsv.read_tsv`, so a file a spreadsheet saved with quotes
reads the same as warta's own. Every text is stored as :func:`normalise.clean_text` makes it
(one line: a line break in a spreadsheet cell would split a paragraph of the output). A file
that cannot be imported is a :class:`UsageError`, as a bad ``--glossary`` is.
"""

import re
import xml.etree.ElementTree as ElementTree
from datetime import UTC, datetime
from pathlib import Path

from pipeline.errors import InputError, UsageError
from pipeline.files import read_limited
from pipeline.memory.normalise import clean_text, normalise_source
from pipeline.memory.store import MemoryEntry
from pipeline.tsv import MAX_TSV_BYTES, read_tsv
from pipeline.version import __version__

#: The ``status`` values of a corrections row that a reviewer vouched for.
REVIEWED_STATUSES = ("approved", "edited")

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# TMX 1.4b inline elements whose content is native markup (a tag of the original document),
# not text: their content is dropped, what follows them is kept.
_CODE_ELEMENTS = {"bpt", "ept", "it", "ph", "ut"}
# Simplified Chinese language tags (lower case); zh-TW, zh-HK, zh-MO and zh-Hant-* are Traditional.
_SIMPLIFIED_CHINESE = ("zh", "zh-cn", "zh-hans", "zh-sg", "zh-my")
# What XML 1.0 forbids in a document (``Char`` production): written as a space on export.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def read_pairs(path: Path, trust_all: bool = False) -> list[MemoryEntry]:
    """The reviewed sentence pairs in a ``.tsv`` or ``.tmx`` file.

    Args:
        path: the file.
        trust_all: take every row of a TSV (also one with a ``status`` column), not only the
            approved and edited ones.

    Returns:
        The pairs, in file order, with ``origin`` set to the file's path (and, for a row that
        names its article, the article's name and sha256: :func:`origin_of`) and the texts cleaned
        (``normalise.clean_text``); of a corrections file's rows for one sentence, only the one
        that wins (the last edited, else the last approved).

    Raises:
        UsageError: the file cannot be read, is of another kind, lacks the columns or
            languages it needs, or is a TSV without ``status`` given without ``trust_all``.
    """
    suffix = path.suffix.lower()
    if suffix == ".tmx":
        return _read_tmx(path)
    if suffix in (".tsv", ".txt"):
        return _read_tsv(path, trust_all)
    raise UsageError(f"{path}: cannot import a '{suffix or 'suffix-less'}' file into the memory (use .tsv or .tmx)")


def origin_of(path: Path, article: str = "", sha256: str = "") -> str:
    """Where a memory entry came from: the file, and the article its row names when it names one.

    ``corrections (3).tsv (article rilis-a, sha256 9f86d0...)``; the file alone for a row
    without an article (an older ``corrections.tsv``, any other TSV).
    """
    named = ", ".join(part for part in (f"article {article}" if article else "", f"sha256 {sha256}" if sha256 else "") if part)
    return f"{path} ({named})" if named else str(path)


def _read_tsv(path: Path, trust_all: bool) -> list[MemoryEntry]:
    try:
        rows = read_tsv(path, "memory import")
    except InputError as error:
        raise UsageError(str(error)) from error
    if not rows:
        raise UsageError(f"{path}: empty file, nothing to import")
    header = [cell.strip().lower() for cell in rows[0].cells]
    if "id" not in header or not ({"en", "zh"} & set(header)):
        raise UsageError(f"{path}: needs a header with an 'id' column and an 'en' and/or 'zh' column; found {', '.join(header)}")
    if "status" not in header and not trust_all:
        raise UsageError(f"{path}: no 'status' column, so not a corrections file; pass --all if every row is reviewed")
    column: dict[str, int] = {name: header.index(name) for name in ("id", "en", "zh", "status", "article", "sha256") if name in header}

    def cell(cells: list[str], name: str) -> str:
        index = column.get(name)
        return cells[index] if index is not None and index < len(cells) else ""

    # sentence key -> (edited, row number, entry): an edited row beats an approved one for the
    # same sentence, a later row an earlier one of the same status
    chosen: dict[str, tuple[bool, int, MemoryEntry]] = {}
    for number, row in enumerate(rows[1:]):
        status = cell(row.cells, "status").strip().lower()
        if not trust_all and status not in REVIEWED_STATUSES:
            continue
        source, en, zh = (clean_text(cell(row.cells, name)) for name in ("id", "en", "zh"))
        origin = origin_of(path, clean_text(cell(row.cells, "article")), cell(row.cells, "sha256").strip().lower())
        entry = MemoryEntry(source, en, zh, origin)
        key = normalise_source(entry.source)
        if key not in chosen or status == "edited" or not chosen[key][0]:
            chosen[key] = (status == "edited", number, entry)
    return [entry for _, _, entry in sorted(chosen.values(), key=lambda found: found[1])]


def _segment_text(segment: ElementTree.Element) -> str:
    parts = [segment.text or ""]
    for child in segment:
        tag = child.tag.rsplit("}", 1)[-1]
        if tag not in _CODE_ELEMENTS:
            parts.append(_segment_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _language(code: str) -> str | None:
    code = code.strip().lower().replace("_", "-")
    if code in ("id", "in") or code.startswith(("id-", "in-")):  # "in": Indonesian's old ISO code
        return "id"
    if code == "en" or code.startswith("en-"):
        return "en"
    if code in _SIMPLIFIED_CHINESE or code.startswith("zh-hans-"):
        return "zh"
    return None


def _read_tmx(path: Path) -> list[MemoryEntry]:
    try:
        # ElementTree expands no external entities and fetches nothing (no DTD, no network);
        # the file is read bounded, and only a regular file is read at all.
        root = ElementTree.fromstring(read_limited(path, MAX_TSV_BYTES, "a TMX file", "the TMX file"))
    except InputError as error:
        raise UsageError(str(error)) from error
    except (OSError, ElementTree.ParseError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise UsageError(f"{path}: cannot read the TMX file ({reason})") from error
    if root.tag != "tmx" or root.find("body") is None:
        raise UsageError(f"{path}: not a TMX file (no <tmx><body>)")
    entries = []
    for unit in root.iter("tu"):
        texts: dict[str, str] = {}
        for variant in unit.iter("tuv"):
            language = _language(variant.get(_XML_LANG) or variant.get("lang") or "")
            segment = variant.find("seg")
            if language and segment is not None and language not in texts:
                texts[language] = clean_text(_segment_text(segment))
        if texts.get("id") and (texts.get("en") or texts.get("zh")):
            entries.append(MemoryEntry(texts["id"], texts.get("en", ""), texts.get("zh", ""), str(path)))
    return entries


def render_memory_tmx(entries: list[MemoryEntry]) -> str:
    """The entries as a TMX 1.4b document (``memory export``): id source, en and zh-CN variants.

    Each unit keeps where its entry came from and when (``x-origin`` prop, ``creationdate``).
    A character XML 1.0 forbids (a control character a memory made before imports were
    cleaned may hold) is written as a space, so the document is always well-formed.
    """
    root = ElementTree.Element("tmx", version="1.4")
    ElementTree.SubElement(root, "header", {
        "creationtool": "warta", "creationtoolversion": __version__, "segtype": "sentence", "datatype": "plaintext",
        "adminlang": "en", "srclang": "id", "o-tmf": "warta", "creationdate": datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"),
    })
    body = ElementTree.SubElement(root, "body")
    for entry in entries:
        unit = ElementTree.SubElement(body, "tu", {"creationdate": entry.added.replace("-", "").replace(":", "")})
        ElementTree.SubElement(unit, "prop", type="x-origin").text = _NOT_XML.sub(" ", entry.origin)
        for language, text in (("id", entry.source), ("en", entry.en), ("zh-CN", entry.zh)):
            if text:
                variant = ElementTree.SubElement(unit, "tuv", {_XML_LANG: language})
                ElementTree.SubElement(variant, "seg").text = _NOT_XML.sub(" ", text)
    ElementTree.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(root, encoding="unicode") + "\n"
