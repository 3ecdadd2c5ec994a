"""Reading Word (``.docx``) press releases with python-docx.

Paragraphs and tables are read in document order. The ``Title`` style gives the title,
``Heading N`` headings, bulleted and numbered paragraphs list items, and every table cell
becomes a block of its own (kind ``table_cell``, with its table, row and column). A paragraph's
text is the text of all its runs, so bold or italic in the middle of a sentence never splits
it.

The parts outside the text flow are read too, one block per paragraph with text
(``docx_parts``): every distinct header part of every section (kind ``header``, before the
title), the footnotes and endnotes (kind ``note``, after the body) and the footer parts (kind
``footer``, last). A text box (``w:txbxContent``, in a DrawingML ``wps:txbx`` or a VML
``v:textbox``; of an ``mc:AlternateContent`` only the ``mc:Choice``, never its ``mc:Fallback``
copy) gives ``text_box`` blocks right after the block of the paragraph that anchors it, and
its text is no part of that paragraph's (a table's text boxes come after the table); a text
box in a header or footer is read as part of it. A paragraph there holding only a field and no
letter (a page number) has nothing to translate and is left to Word. Comments are not part of
the release: they, and the charts, SmartArt diagrams and embedded objects whose text this
reader cannot reach, are counted in ``Article.left_out``, not read.

``Block.place`` says where a writer fills a block in again (``docx_parts`` has the grammar):
``"word/header1.xml#0"`` for a paragraph of a header, footer, note or body text box (the part
and the paragraph's position in ``docx_parts.word_paragraphs``), ``"notes=footnote:1"`` for a
body paragraph or table cell that refers to notes, "" for the rest.

Before python-docx opens anything, the file is checked as a zip archive: a corrupt file, a
password-protected one (Office encrypts into an OLE container, not a zip), a zip bomb (more
than ``MAX_UNPACKED_BYTES`` unpacked, more than ``MAX_XML_BYTES`` of XML to parse, more than
``MAX_MEMBERS`` members, or a member that expands more than ``MAX_RATIO`` times) and an XML
part that declares a DOCTYPE are refused with a clear message before any of it is parsed.
The file is read once: the check and python-docx see the same bytes.

Styles are looked up in a table built once per document (``docx_styles``), never through python-docx's
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
from pipeline.reading.docx_parts import (
    TRANSPARENT,
    has_field,
    not_read,
    notes_place,
    paragraph_text,
    part_name,
    read_outside_blocks,
    word_paragraphs,
    word_place,
)
from pipeline.reading.docx_styles import ListNumbers, Styles
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
def _children(element: Any, tag: str) -> list[Any]:
    """``element``'s ``tag`` children, also those wrapped in content controls or tracked insertions.

    python-docx's ``rows`` and ``cells`` see only direct children, so a row inside a repeating
    content control (``w:tbl/w:sdt/w:sdtContent/w:tr``, common in office templates) was lost.
    """
    found: list[Any] = []
    for child in element:
        if child.tag == tag:
            found.append(child)
        elif child.tag in TRANSPARENT:
            found.extend(_children(child, tag))
    return found


def _grid_value(element: Any, properties: str, name: str) -> int:
    """An integer grid property (``w:gridBefore``, ``w:gridSpan``) of a row or cell; 0 when absent."""
    found = element.find(f"{_W}{properties}/{_W}{name}")
    value = found.get(f"{_W}val") if found is not None else None
    return int(value) if value is not None and value.isdigit() else 0


def read_docx(path: Path, name: str) -> Article:
    """Read a ``.docx`` file into an Article (see the module docstring).

    The blocks are the header blocks, the body (with each text box's blocks after its anchor
    paragraph), the footnotes and endnotes, then the footer blocks. Comments, charts, SmartArt
    and embedded objects are counted in ``Article.left_out``.

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
    body = reader.blocks
    first = next((block for block in body if block.kind != "text_box"), None)
    if first is not None and first.kind == "heading" and first.marker == "#":
        first.kind = "title"  # an opening Heading 1 is the title, as "# " in text
    try:
        headers, notes, footers = read_outside_blocks(document)
        left_out = not_read(document)
    except InputError as error:
        raise InputError(f"{path}: {error}") from error
    blocks = headers + body + notes + footers
    if not blocks:
        raise InputError(f"{path}: the document has no text")
    article = Article(source=path, name=name, blocks=blocks, sha256=hashlib.sha256(data).hexdigest(), encoding="docx")
    article.left_out.extend(left_out)
    return article


class _BodyReader:
    """Walks the document body in order: paragraphs, tables (nested ones too), content controls.

    A paragraph's text boxes become ``text_box`` blocks right after its own block; those of a
    table's cells come after the table, so that the table stays whole.
    """

    def __init__(self, document: Any) -> None:
        self.styles = Styles(document)
        self.numbers = ListNumbers(document, self.styles)
        self.blocks: list[Block] = []
        self.tables = 0
        self._root = document.element
        self._part_name = part_name(document.part)
        self._ordinals: dict[Any, int] | None = None  # built on the first text box
        self._opened = False  # a block of the text flow was read: a Title paragraph now is a heading

    def read(self, container: Any) -> None:
        """Append the blocks of ``container``'s children (body, content control, insertion)."""
        for child in container:
            if child.tag == f"{_W}p":
                self._paragraph(child)
            elif child.tag == f"{_W}tbl":
                self._table(child)
            elif child.tag in TRANSPARENT:
                self.read(child)

    def _paragraph(self, element: Any) -> None:
        notes: list[tuple[str, str]] = []
        text = paragraph_text(element, notes)
        style = self.styles.of(element)
        marker = self.numbers.marker(element, style)  # counted even when empty, as Word counts
        if text:
            self.blocks.append(self._block(text, style, marker, notes_place(notes)))
            self._opened = True
        self.blocks.extend(self._text_boxes(element))

    def _block(self, text: str, style: Any, marker: str | None, place: str) -> Block:
        style_name = self.styles.name(style)
        if style_name == "Title":
            # the title opens the text flow; a text box before it (a letterhead) is outside it
            return Block("heading" if self._opened else "title", text, marker="#", place=place)
        if style_name.startswith("Heading"):
            digits = "".join(ch for ch in style_name if ch.isdigit())[:2] or "1"
            # Word has Heading 1 to 9; a crafted "Heading 99999999999999" must not become that many "#"
            level = min(max(int(digits), 1), 9)
            return Block("heading", text, marker="#" * level, place=place)  # Markdown levels: Heading 1 is "#"
        if marker is not None:
            return Block("list_item", text, marker=marker, place=place)
        return Block("paragraph", text, place=place)

    def _text_boxes(self, paragraph: Any) -> list[Block]:
        """The blocks of the text boxes anchored in ``paragraph``, with their places in the body part."""
        inside = word_paragraphs(paragraph)[1:]
        if not inside:
            return []
        if self._ordinals is None:
            self._ordinals = {element: ordinal for ordinal, element in enumerate(word_paragraphs(self._root))}
        blocks = []
        for element in inside:
            text = paragraph_text(element)
            if text and (any(ch.isalpha() for ch in text) or not has_field(element)):
                blocks.append(Block("text_box", text, place=word_place(self._part_name, self._ordinals[element])))
        return blocks

    def _table(self, element: Any) -> None:
        index = self.tables
        self.tables += 1
        nested: list[Any] = []
        boxes: list[Block] = []
        for row_number, row in enumerate(_children(element, f"{_W}tr")):
            column = _grid_value(row, "trPr", "gridBefore")  # a row may start after the first column
            for cell in _children(row, f"{_W}tc"):
                texts: list[str] = []
                notes: list[tuple[str, str]] = []
                self._cell_texts(cell, texts, notes, nested, boxes)
                text = " ".join(" ".join(texts).split())
                # A cell continuing a vertical merge normally holds nothing; if it holds text,
                # that text is read as Word shows it, in its own row.
                if text:
                    self.blocks.append(Block("table_cell", text, cell=(index, row_number, column), place=notes_place(notes)))
                    self._opened = True
                column += _grid_value(cell, "tcPr", "gridSpan") or 1
        self.blocks.extend(boxes)
        # A table inside a cell is read after its table, as a table of its own: a cell's text
        # stays one block, and the nested table keeps its rows and columns.
        for table in nested:
            self._table(table)

    def _cell_texts(self, container: Any, texts: list[str], notes: list[tuple[str, str]], nested: list[Any], boxes: list[Block]) -> None:
        for child in container:
            if child.tag == f"{_W}p":
                texts.append(paragraph_text(child, notes))
                boxes.extend(self._text_boxes(child))
            elif child.tag == f"{_W}tbl":
                nested.append(child)
            elif child.tag in TRANSPARENT:
                self._cell_texts(child, texts, notes, nested, boxes)


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
