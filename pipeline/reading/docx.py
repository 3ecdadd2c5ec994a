"""Reading Word (``.docx``) press releases with python-docx.

Paragraphs and tables are read in document order. The ``Title`` style gives the title,
``Heading N`` headings, bulleted and numbered paragraphs list items, and every table cell
becomes a block of its own (kind ``table_cell``, with its table, row and column). A paragraph's
text is the text of all its runs, so bold or italic in the middle of a sentence never splits
it. Headers and footers are left out, and the report says how many paragraphs that was.

Before python-docx opens anything, the file is checked as a zip archive: a corrupt file, a
password-protected one (Office encrypts into an OLE container, not a zip), a zip bomb (more
than ``MAX_UNPACKED_BYTES`` unpacked, more than ``MAX_XML_BYTES`` of XML to parse, more than
``MAX_MEMBERS`` members, or a member that expands more than ``MAX_RATIO`` times) and an XML
part that declares a DOCTYPE are refused with a clear message before any of it is parsed.
The file is read once: the check and python-docx see the same bytes.

Styles are looked up in a table built once per document, never through python-docx's
per-paragraph ``style`` property, which scans every style of the document on each call: a
document with many styles would cost paragraphs times styles.
"""

import hashlib
import io
import posixpath
import zipfile
import zlib
from collections import Counter
from pathlib import Path
from typing import Any

from pipeline.article import Article, Block
from pipeline.errors import InputError
from pipeline.files import read_limited
from pipeline.reading.formats import size_limit

MAX_DOCX_BYTES = size_limit(".docx")
#: The XML parts together (the body, styles, numbering, headers, notes, relationships): what is
#: parsed, and so what reading time grows with. A press release's document.xml is tens to a few
#: hundred KB, a long report's a few MB, a large template's styles.xml one or two MB; 32 MiB
#: leaves ample room for all of them and reads in seconds, where the 190 MB body of a 10 MB
#: hostile file took ten minutes.
MAX_XML_BYTES = 32 * 1024 * 1024
#: Every member together: pictures and embedded objects are not parsed, only held in memory,
#: and they hardly compress, so a file within ``MAX_DOCX_BYTES`` holds at most about that much.
MAX_UNPACKED_BYTES = 128 * 1024 * 1024
#: A release with even a hundred pictures has a few hundred members; python-docx walks its
#: relationships against a list of the parts seen, which costs parts times relationships.
MAX_MEMBERS = 1000
# Real Word XML compresses 5-20 times; a bomb compresses thousands of times.
MAX_RATIO = 200
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_WORD_NAMESPACE = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_CONTENT_TYPES_NAMESPACE = "{http://schemas.openxmlformats.org/package/2006/content-types}"
# Office writes its XML in UTF-8 or UTF-16 (ECMA-376 part 2); UTF-32 is here because libxml2
# would read it too. A part in another encoding is still checked after parsing.
_DOCTYPE_MARKS = tuple("<!DOCTYPE".encode(codec) for codec in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"))


def check_docx_container(path: Path, data: bytes) -> None:
    """Refuse what is not a safe, readable .docx zip before any XML in it is parsed.

    Args:
        path: the file, for messages.
        data: its bytes, the same that are then given to python-docx.

    Raises:
        InputError: encrypted, old binary Word, corrupt, a zip bomb, or with a DOCTYPE.
    """
    if data.startswith(_OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise InputError(f"{path}: the document is password-protected; remove the password in Word and try again")
        raise InputError(f"{path}: this is an old binary Word document (.doc) named .docx; save it as .docx in Word or LibreOffice")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_members(path, archive)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
        raise InputError(f"{path}: not a valid .docx file (the zip container is corrupt: {error})") from error


def _check_members(path: Path, archive: zipfile.ZipFile) -> None:
    members = [member for member in archive.infolist() if not member.is_dir()]
    names = [member.filename for member in members]
    if len(set(names)) != len(names):
        # Two parts of one name: the checks would read one and python-docx the other.
        counts = Counter(names)
        twice = sorted(name for name, count in counts.items() if count > 1)[:3]
        raise InputError(f"{path}: not a valid .docx file (parts named twice: {', '.join(twice)}); refused")
    if "word/document.xml" not in set(names):
        raise InputError(f"{path}: not a valid .docx file (it has no word/document.xml)")
    if len(members) > MAX_MEMBERS:
        raise InputError(f"{path}: the document has {len(members)} parts, more than the {MAX_MEMBERS} a Word article may have (a zip bomb?); refused")
    # The declared sizes bound what is unpacked: zipfile stops at a member's file_size.
    total = sum(member.file_size for member in members)
    if total > MAX_UNPACKED_BYTES:
        raise InputError(
            f"{path}: the document would unpack to {total / 1e6:.0f} MB, more than the {MAX_UNPACKED_BYTES // 2**20} MiB "
            "a Word article may unpack to (a zip bomb?); refused")
    for member in members:
        if member.file_size > 1024 * 1024 and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise InputError(f"{path}: {member.filename} expands {member.file_size // max(member.compress_size, 1)} times (a zip bomb?); refused")
    parsed = _parsed_members(path, archive, members)
    xml_total = sum(member.file_size for member in parsed)
    if xml_total > MAX_XML_BYTES:
        raise InputError(
            f"{path}: the document's XML would unpack to {xml_total / 1e6:.0f} MB, more than the {MAX_XML_BYTES // 2**20} MiB "
            "a Word article may have; refused")
    for member in parsed:
        _refuse_doctype(path, member.filename, archive.read(member))


def _parsed_members(path: Path, archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> list[zipfile.ZipInfo]:
    """The members that may be parsed as XML: the content types, relationships, and every part
    whose content type, looked up as python-docx looks it up, is XML. A picture is declared
    ``image/...`` and only held, never parsed; a body renamed ``image1.png`` must still be
    declared XML to be read as one, and then it counts. A member with no content type is
    never parsed: python-docx refuses to load it.
    """
    defaults: dict[str, str] = {}  # like python-docx: case-insensitive, the last entry wins
    overrides: dict[str, str] = {}
    types = next((member for member in members if member.filename == "[Content_Types].xml"), None)
    if types is not None:
        if types.file_size > MAX_XML_BYTES:
            raise InputError(
                f"{path}: [Content_Types].xml would unpack to {types.file_size / 1e6:.0f} MB, more than the "
                f"{MAX_XML_BYTES // 2**20} MiB a Word article may have; refused")
        root = _parse_xml(path, types.filename, archive.read(types))
        for default in root.iterchildren(f"{_CONTENT_TYPES_NAMESPACE}Default"):
            defaults[(default.get("Extension") or "").lower()] = default.get("ContentType") or ""
        for override in root.iterchildren(f"{_CONTENT_TYPES_NAMESPACE}Override"):
            overrides[(override.get("PartName") or "").lower()] = override.get("ContentType") or ""
    parsed = []
    for member in members:
        name = member.filename
        content_type = overrides.get(f"/{name}".lower(), defaults.get(posixpath.splitext(name)[1][1:].lower()))
        if member is types or name.endswith(".rels") or (
                content_type is not None and (content_type.endswith("+xml") or content_type in ("application/xml", "text/xml"))):
            parsed.append(member)
    return parsed


def _refuse_doctype(path: Path, name: str, data: bytes) -> None:
    # Word never writes a DOCTYPE. One in a Word part is an attack: its entities would be left
    # unexpanded by python-docx's parser (silently dropping the text after them) or, expanded,
    # could add text or blow up; so the part is refused, never read in part.
    if any(mark in data for mark in _DOCTYPE_MARKS):
        raise _doctype_refused(path, name)


def _doctype_refused(path: Path, name: str) -> InputError:
    return InputError(f"{path}: {name} declares a DOCTYPE, which Word never writes (its entities could hide text); refused")


def _parse_xml(path: Path, name: str, data: bytes) -> Any:
    """An XML part parsed without entities, DTDs or the network; a DOCTYPE is refused."""
    from lxml import etree

    _refuse_doctype(path, name, data)
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True))
    if root.getroottree().docinfo.doctype:
        raise _doctype_refused(path, name)
    return root


_W = _WORD_NAMESPACE
# Containers whose content is read as if they were not there: content controls (w:sdt, common
# in office templates), tracked insertions and moves, custom XML, smart tags, simple fields,
# hyperlinks. What Word shows as deleted (w:del, w:moveFrom) is left out, as Word leaves it out.
_TRANSPARENT = frozenset(f"{_W}{tag}" for tag in ("sdt", "sdtContent", "ins", "moveTo", "customXml", "smartTag", "fldSimple", "hyperlink", "r", "dir", "bdo"))
_DELETED = frozenset(f"{_W}{tag}" for tag in ("del", "moveFrom", "sdtPr", "sdtEndPr", "rPr", "pPr"))
_ROMAN = (("m", 1000), ("cm", 900), ("d", 500), ("cd", 400), ("c", 100), ("xc", 90), ("l", 50), ("xl", 40), ("x", 10), ("ix", 9), ("v", 5), ("iv", 4), ("i", 1))


def _paragraph_text(paragraph: Any, skipped: dict[str, int]) -> str:
    """The text Word shows for a ``w:p``, inserted and content-control text included."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        for child in node:
            tag = child.tag
            if tag == f"{_W}t":
                # all of its text, not only what comes before a comment or other node inside it
                parts.append("".join(child.itertext()))
            elif tag in (f"{_W}tab", f"{_W}br", f"{_W}cr"):
                parts.append(" ")
            elif tag == f"{_W}noBreakHyphen":
                parts.append("-")
            elif tag in (f"{_W}footnoteReference", f"{_W}endnoteReference"):
                skipped["footnote or endnote reference"] = skipped.get("footnote or endnote reference", 0) + 1
            elif tag in _TRANSPARENT:
                walk(child)
            elif tag in _DELETED or not isinstance(tag, str):
                continue
            elif any(True for _ in child.iter(f"{_W}txbxContent")):
                # A text box (in a drawing or VML shape) floats outside the text flow: where
                # its text belongs is not known, so it is reported, not guessed into a sentence.
                if "".join(text.text or "" for text in child.iter(f"{_W}t")).strip():
                    skipped["text box"] = skipped.get("text box", 0) + 1

    walk(paragraph)
    return " ".join("".join(parts).split())


class _Styles:
    """The document's paragraph styles, indexed once: id -> ``w:style`` element, and the default.

    python-docx's ``Paragraph.style`` and ``base_style`` search the whole styles part on every
    call (an XPath over every ``w:style``, or a scan for the default), so a document with tens
    of thousands of styles cost paragraphs times styles; here each look-up is a dictionary's.
    As in python-docx, an id that names no paragraph style gives the default paragraph style
    (the last one marked default, as ECMA-376 says), and a style without ``w:type`` is a
    paragraph style, as the standard says.
    """

    def __init__(self, document: Any) -> None:
        self._by_id: dict[str, Any] = {}
        self._default: Any = None
        for style in document.styles.element.iterchildren(f"{_W}style"):
            if (style.get(f"{_W}type") or "paragraph") != "paragraph":
                continue
            style_id = style.get(f"{_W}styleId")
            if style_id is not None:
                self._by_id.setdefault(style_id, style)  # the first, as python-docx finds it
            if style.get(f"{_W}default") in ("1", "true", "on"):
                self._default = style

    def of(self, paragraph: Any) -> Any:
        """The ``w:style`` element of a ``w:p``: its ``w:pStyle``'s, else the default (None when none)."""
        reference = paragraph.find(f"{_W}pPr/{_W}pStyle")
        style_id = reference.get(f"{_W}val") if reference is not None else None
        return self._by_id.get(style_id, self._default) if style_id is not None else self._default

    def name(self, style: Any) -> str:
        """The style's name as Word shows it ("Heading 1" for the stored "heading 1"); "" when none."""
        from docx.styles import BabelFish

        found = style.find(f"{_W}name") if style is not None else None
        name = found.get(f"{_W}val") if found is not None else None
        return BabelFish.internal2ui(name) if name else ""

    def base(self, style: Any) -> Any:
        """The paragraph style ``style`` is based on, or None."""
        found = style.find(f"{_W}basedOn")
        return self._by_id.get(found.get(f"{_W}val")) if found is not None else None


class _ListNumbers:
    """Works out the marker Word shows before a list paragraph ("-", "3.", "b)", "2.1.").

    Word numbers a paragraph through its numbering properties (its own ``w:numPr``, or its
    style's): a ``w:num`` instance points to an abstract definition whose level ``ilvl`` gives
    the format (``decimal``, ``lowerLetter``, ``upperRoman``, ``bullet``...), the text around
    the number (``%1.``, ``(%1)``, ``%1.%2.``) and the start value; items of one instance are
    counted in document order, and an item resets the counts of the levels below it. A list
    style without numbering definitions ("List Number" in a bare template) is counted by its
    run of consecutive paragraphs instead.
    """

    def __init__(self, document: Any, styles: _Styles) -> None:
        self._styles = styles
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            numbering = None
        abstracts: dict[str, Any] = {}
        self._num: dict[str, tuple[str, dict[int, int]]] = {}  # numId -> (abstractNumId, start overrides)
        if numbering is not None:
            for abstract in numbering.findall(f"{_W}abstractNum"):
                abstracts[abstract.get(f"{_W}abstractNumId")] = abstract
            for num in numbering.findall(f"{_W}num"):
                abstract_id = num.find(f"{_W}abstractNumId")
                overrides = {}
                for override in num.findall(f"{_W}lvlOverride"):
                    start = override.find(f"{_W}startOverride")
                    if start is not None:
                        overrides[int(override.get(f"{_W}ilvl", "0"))] = int(start.get(f"{_W}val", "1"))
                if abstract_id is not None:
                    self._num[num.get(f"{_W}numId")] = (abstract_id.get(f"{_W}val"), overrides)
        # (abstractNumId, ilvl) -> the level's definition, the first of that level, built once
        # so that each paragraph looks its level up instead of scanning the definitions
        self._levels: dict[tuple[str, str], Any] = {}
        for abstract_id, abstract in abstracts.items():
            for definition in abstract.findall(f"{_W}lvl"):
                self._levels.setdefault((abstract_id, definition.get(f"{_W}ilvl")), definition)
        self._counts: dict[str, list[int | None]] = {}
        self._run_style, self._run_count = "", 0

    def marker(self, paragraph: Any, style: Any) -> str | None:
        """The paragraph's list marker, or None when it is not a list item (call in order).

        ``style`` is the paragraph's ``w:style`` element (``_Styles.of``), or None.
        """
        style_name = self._styles.name(style)
        num_id, level = self._numbering_of(paragraph, style)
        if num_id is None and not style_name.startswith("List"):
            self._run_style, self._run_count = "", 0
            return None
        definition = self._level(num_id, level) if num_id is not None else None
        if definition is None:  # a list style whose numbering Word would take from elsewhere
            if "Bullet" in style_name or "Number" not in style_name:
                return "-"
            self._run_count = self._run_count + 1 if self._run_style == style_name else 1
            self._run_style = style_name
            return f"{self._run_count}."
        assert num_id is not None  # the definition was found through it
        fmt = _attribute(definition, "numFmt") or "decimal"
        if fmt in ("bullet", "none"):
            return "-"
        counts = self._counts.setdefault(num_id, [None] * 9)
        level = min(level, 8)
        previous = counts[level]
        counts[level] = previous + 1 if previous is not None else self._start(num_id, level)
        for deeper in range(level + 1, 9):
            counts[deeper] = None
        text = _attribute(definition, "lvlText") or f"%{level + 1}."

        def number(match_level: int) -> str:
            counted = counts[match_level]
            value = counted if counted is not None else self._start(num_id, match_level)
            level_definition = self._level(num_id, match_level)
            return _format_number(value, (_attribute(level_definition, "numFmt") if level_definition is not None else None) or "decimal")

        for index in range(9, 0, -1):
            text = text.replace(f"%{index}", number(index - 1))
        return text.strip() or "-"

    def _numbering_of(self, paragraph: Any, style: Any) -> tuple[str | None, int]:
        # The paragraph's own numPr wins; otherwise the style's, or the style it is based on.
        holders = [paragraph]
        while style is not None and len(holders) < 10:
            holders.append(style)
            style = self._styles.base(style)
        for holder in holders:
            properties = holder.find(f"{_W}pPr")
            num_pr = properties.find(f"{_W}numPr") if properties is not None else None
            if num_pr is None:
                continue
            num_id = _attribute(num_pr, "numId")
            level = _attribute(num_pr, "ilvl")
            if num_id in (None, "0"):  # numId 0 switches numbering off
                return None, 0
            return num_id, int(level or 0)
        return None, 0

    def _level(self, num_id: str, level: int) -> Any:
        abstract_id, _ = self._num.get(num_id, (None, {}))
        return self._levels.get((abstract_id, str(level))) if abstract_id is not None else None

    def _start(self, num_id: str, level: int) -> int:
        # Word keeps start values within 0..32767; a crafted 10**10 would make a roman numeral or
        # a run of letters of billions of characters, so a value outside is held to that range.
        _, overrides = self._num.get(num_id, (None, {}))
        if level in overrides:
            return min(max(overrides[level], 0), MAX_LIST_START)
        definition = self._level(num_id, level)
        start = _attribute(definition, "start") if definition is not None else None
        return min(max(int(start), 0), MAX_LIST_START) if start and start.lstrip("-").isdigit() else 1


#: The largest list start value Word offers.
MAX_LIST_START = 32767


def _attribute(element: Any, child: str) -> str | None:
    found = element.find(f"{_W}{child}")
    return found.get(f"{_W}val") if found is not None else None


def _children(element: Any, tag: str) -> list[Any]:
    """``element``'s ``tag`` children, also those wrapped in content controls or tracked insertions.

    python-docx's ``rows`` and ``cells`` see only direct children, so a row inside a repeating
    content control (``w:tbl/w:sdt/w:sdtContent/w:tr``, common in office templates) was lost.
    """
    found: list[Any] = []
    for child in element:
        if child.tag == tag:
            found.append(child)
        elif child.tag in _TRANSPARENT:
            found.extend(_children(child, tag))
    return found


def _grid_value(element: Any, properties: str, name: str) -> int:
    """An integer grid property (``w:gridBefore``, ``w:gridSpan``) of a row or cell; 0 when absent."""
    found = element.find(f"{_W}{properties}/{_W}{name}")
    value = found.get(f"{_W}val") if found is not None else None
    return int(value) if value is not None and value.isdigit() else 0


def _format_number(value: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter") and value > 0:
        letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)  # Word: a..z, aa..zz
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman") and value > 0:
        roman, rest = "", value
        for numeral, amount in _ROMAN:
            while rest >= amount:
                roman, rest = roman + numeral, rest - amount
        return roman.upper() if fmt == "upperRoman" else roman
    if fmt == "decimalZero":
        return f"{value:02d}"
    return str(value)


def read_docx(path: Path, name: str) -> Article:
    """Read a ``.docx`` file into an Article (see the module docstring).

    Raises:
        InputError: unreadable, not a regular file, too large, corrupt, encrypted, a zip bomb,
            with a DOCTYPE, or without text.
    """
    import docx

    # Read once: python-docx parses the very bytes that were checked, so a file swapped on disk
    # in between cannot slip past the checks.
    data = read_limited(path, MAX_DOCX_BYTES, "a Word article")
    check_docx_container(path, data)
    try:
        document = docx.Document(io.BytesIO(data))
    except (KeyError, ValueError, zipfile.BadZipFile, OSError) as error:
        raise InputError(f"{path}: not a readable .docx file ({error})") from error
    _refuse_parsed_doctypes(path, document)
    reader = _BodyReader(document)
    reader.read(document.element.body)
    if not reader.blocks:
        raise InputError(f"{path}: the document has no text")
    first = reader.blocks[0]
    if first.kind == "heading" and first.marker == "#":  # an opening Heading 1 is the title, as "# " in text
        first.kind = "title"
    article = Article(source=path, name=name, blocks=reader.blocks, sha256=hashlib.sha256(data).hexdigest(), encoding="docx")
    left_out = _header_footer_paragraphs(document)
    if left_out:
        article.warnings.append(f"{left_out} header/footer paragraph(s) left out of the translation")
    for what, count in reader.skipped.items():
        article.warnings.append(f"{count} {what}(s) left out of the translation")
    notes = _note_paragraphs(path, document)
    if notes:
        article.warnings.append(f"{notes} footnote/endnote/comment paragraph(s) left out of the translation")
    return article


class _BodyReader:
    """Walks the document body in order: paragraphs, tables (nested ones too), content controls."""

    def __init__(self, document: Any) -> None:
        self.styles = _Styles(document)
        self.numbers = _ListNumbers(document, self.styles)
        self.blocks: list[Block] = []
        self.skipped: dict[str, int] = {}
        self.tables = 0

    def read(self, container: Any) -> None:
        """Append the blocks of ``container``'s children (body, content control, insertion)."""
        for child in container:
            if child.tag == f"{_W}p":
                self._paragraph(child)
            elif child.tag == f"{_W}tbl":
                self._table(child)
            elif child.tag in _TRANSPARENT:
                self.read(child)

    def _paragraph(self, element: Any) -> None:
        text = _paragraph_text(element, self.skipped)
        style = self.styles.of(element)
        marker = self.numbers.marker(element, style)  # counted even when empty, as Word counts
        if not text:
            return
        style_name = self.styles.name(style)
        if style_name == "Title":
            self.blocks.append(Block("title" if not self.blocks else "heading", text, marker="#"))
        elif style_name.startswith("Heading"):
            digits = "".join(ch for ch in style_name if ch.isdigit())[:2] or "1"
            # Word has Heading 1 to 9; a crafted "Heading 99999999999999" must not become that many "#"
            level = min(max(int(digits), 1), 9)
            self.blocks.append(Block("heading", text, marker="#" * level))  # Markdown levels: Heading 1 is "#"
        elif marker is not None:
            self.blocks.append(Block("list_item", text, marker=marker))
        else:
            self.blocks.append(Block("paragraph", text))

    def _table(self, element: Any) -> None:
        index = self.tables
        self.tables += 1
        nested: list[Any] = []
        for row_number, row in enumerate(_children(element, f"{_W}tr")):
            column = _grid_value(row, "trPr", "gridBefore")  # a row may start after the first column
            for cell in _children(row, f"{_W}tc"):
                texts: list[str] = []
                self._cell_texts(cell, texts, nested)
                text = " ".join(" ".join(texts).split())
                # A cell continuing a vertical merge normally holds nothing; if it holds text,
                # that text is read as Word shows it, in its own row.
                if text:
                    self.blocks.append(Block("table_cell", text, cell=(index, row_number, column)))
                column += _grid_value(cell, "tcPr", "gridSpan") or 1
        # A table inside a cell is read after its table, as a table of its own: a cell's text
        # stays one block, and the nested table keeps its rows and columns.
        for table in nested:
            self._table(table)

    def _cell_texts(self, container: Any, texts: list[str], nested: list[Any]) -> None:
        for child in container:
            if child.tag == f"{_W}p":
                texts.append(_paragraph_text(child, self.skipped))
            elif child.tag == f"{_W}tbl":
                nested.append(child)
            elif child.tag in _TRANSPARENT:
                self._cell_texts(child, texts, nested)


def _refuse_parsed_doctypes(path: Path, document: Any) -> None:
    # The bytes were searched for a DOCTYPE before parsing in the encodings Office writes; a part
    # in another encoding libxml2 reads is caught here, on what python-docx parsed.
    from docx.opc.part import XmlPart

    seen: set[int] = set()
    sources: list[Any] = [document.part.package]
    while sources:
        for relationship in sources.pop().rels.values():
            if relationship.is_external or id(relationship.target_part) in seen:
                continue
            part = relationship.target_part
            seen.add(id(part))
            sources.append(part)
            if isinstance(part, XmlPart) and part.element.getroottree().docinfo.doctype:
                raise _doctype_refused(path, str(part.partname).lstrip("/"))


def _note_paragraphs(path: Path, document: Any) -> int:
    # Footnotes, endnotes and comments live in parts of their own that python-docx does not
    # read; count their paragraphs with text so the report says what was not translated.
    count = 0
    for relationship in document.part.rels.values():
        if relationship.is_external or not relationship.reltype.endswith(("/footnotes", "/endnotes", "/comments")):
            continue
        part = relationship.target_part
        root = _parse_xml(path, str(part.partname).lstrip("/"), part.blob)
        # Word's separator "notes" hold no text; only paragraphs with text count.
        count += sum(1 for paragraph in root.iter(f"{_W}p") if "".join(t.text or "" for t in paragraph.iter(f"{_W}t")).strip())
    return count


def _header_footer_paragraphs(document: Any) -> int:
    # A header or footer part shared by many sections is counted once: it is one text, and
    # counting it per section would cost sections times its size.
    count = 0
    seen: set[int] = set()
    for section in document.sections:
        for part in (section.header, section.footer):
            if part.is_linked_to_previous or id(part.part) in seen:
                continue
            seen.add(id(part.part))
            count += sum(1 for paragraph in part.paragraphs if paragraph.text.strip())
    return count
