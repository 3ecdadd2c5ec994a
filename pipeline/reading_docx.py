"""Reading Word (``.docx``) press releases with python-docx.

Paragraphs and tables are read in document order. The ``Title`` style gives the title,
``Heading N`` headings, bulleted and numbered paragraphs list items, and every table cell
becomes a block of its own (kind ``table_cell``, with its table, row and column). A paragraph's
text is the text of all its runs, so bold or italic in the middle of a sentence never splits
it. Headers and footers are left out, and the report says how many paragraphs that was.

Before python-docx opens anything, the file is checked as a zip archive: a corrupt file, a
password-protected one (Office encrypts into an OLE container, not a zip), and a zip bomb
(more than ``MAX_UNCOMPRESSED_BYTES`` unpacked, or a member that expands more than
``MAX_RATIO`` times) are refused with a clear message before any of it is decompressed.
"""

import hashlib
import zipfile
from pathlib import Path
from typing import Any

from pipeline.article import Article, Block
from pipeline.errors import InputError
from pipeline.reading import read_limited

MAX_DOCX_BYTES = 50 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
# Real Word XML compresses 5-20 times; a bomb compresses thousands of times.
MAX_RATIO = 200
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_WORD_NAMESPACE = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def check_docx_container(path: Path, data: bytes) -> None:
    """Refuse what is not a safe, readable .docx zip before anything is decompressed.

    Raises:
        InputError: encrypted, old binary Word, corrupt, or a zip bomb.
    """
    if data.startswith(_OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise InputError(f"{path}: the document is password-protected; remove the password in Word and try again")
        raise InputError(f"{path}: this is an old binary Word document (.doc) named .docx; save it as .docx in Word or LibreOffice")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as error:
        raise InputError(f"{path}: not a valid .docx file (the zip container is corrupt: {error})") from error
    names = {member.filename for member in members}
    if "word/document.xml" not in names:
        raise InputError(f"{path}: not a valid .docx file (it has no word/document.xml)")
    total = sum(member.file_size for member in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise InputError(f"{path}: the document would unpack to {total / 1e6:.0f} MB (a zip bomb?); refused")
    for member in members:
        if member.file_size > 1024 * 1024 and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise InputError(f"{path}: {member.filename} expands {member.file_size // max(member.compress_size, 1)} times (a zip bomb?); refused")


def _list_marker(paragraph: Any, numbering: Any) -> str | None:
    """"-" for a bulleted paragraph, "1." for a numbered one, None for neither."""
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    properties = paragraph._p.pPr
    numbered = properties is not None and properties.numPr is not None
    if not numbered and not style.startswith("List"):
        return None
    if "Number" in style:
        return "1."
    if "Bullet" in style:
        return "-"
    if numbered and numbering is not None:
        fmt = _numbering_format(properties.numPr, numbering)
        if fmt and fmt != "bullet":
            return "1."
    return "-"


def _numbering_format(num_pr: Any, numbering: Any) -> str | None:
    # numPr -> numId -> w:num -> abstractNumId -> w:abstractNum -> w:lvl[ilvl] -> w:numFmt
    try:
        num_id = num_pr.numId.val
        level = num_pr.ilvl.val if num_pr.ilvl is not None else 0
        w = _WORD_NAMESPACE
        for num in numbering.findall(f"{w}num"):
            if num.get(f"{w}numId") == str(num_id):
                abstract_id = num.find(f"{w}abstractNumId").get(f"{w}val")
                for abstract in numbering.findall(f"{w}abstractNum"):
                    if abstract.get(f"{w}abstractNumId") == abstract_id:
                        for lvl in abstract.findall(f"{w}lvl"):
                            if lvl.get(f"{w}ilvl") == str(level):
                                return lvl.find(f"{w}numFmt").get(f"{w}val")
    except AttributeError:
        return None
    return None


def _body_items(document: Any) -> list[Any]:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    items = []
    for child in document.element.body.iterchildren():
        if child.tag == f"{_WORD_NAMESPACE}p":
            items.append(Paragraph(child, document))
        elif child.tag == f"{_WORD_NAMESPACE}tbl":
            items.append(Table(child, document))
    return items


def read_docx(path: Path, name: str) -> Article:
    """Read a ``.docx`` file into an Article (see the module docstring).

    Raises:
        InputError: unreadable, too large, corrupt, encrypted, a zip bomb, or without text.
    """
    import docx
    from docx.table import Table

    data = read_limited(path, MAX_DOCX_BYTES, "a Word article")
    check_docx_container(path, data)
    try:
        document = docx.Document(str(path))
    except (KeyError, ValueError, zipfile.BadZipFile, OSError) as error:
        raise InputError(f"{path}: not a readable .docx file ({error})") from error
    try:
        numbering = document.part.numbering_part.element
    except (KeyError, NotImplementedError, AttributeError):
        numbering = None
    blocks: list[Block] = []
    tables = 0
    for item in _body_items(document):
        if isinstance(item, Table):
            blocks.extend(_table_blocks(item, tables))
            tables += 1
            continue
        text = " ".join(item.text.split())
        if not text:
            continue
        style = (item.style.name if item.style is not None else "") or ""
        marker = _list_marker(item, numbering)
        if style == "Title":
            blocks.append(Block("title" if not blocks else "heading", text, marker="#"))
        elif style.startswith("Heading"):
            level = "".join(ch for ch in style if ch.isdigit()) or "1"
            blocks.append(Block("heading", text, marker="#" * int(level)))  # Markdown levels: Heading 1 is "#"
        elif marker is not None:
            blocks.append(Block("list_item", text, marker=marker))
        else:
            blocks.append(Block("paragraph", text))
    if not blocks:
        raise InputError(f"{path}: the document has no text")
    article = Article(source=path, name=name, blocks=blocks, sha256=hashlib.sha256(data).hexdigest(), encoding="docx")
    left_out = _header_footer_paragraphs(document)
    if left_out:
        article.warnings.append(f"{left_out} header/footer paragraph(s) left out of the translation")
    return article


def _table_blocks(table: Any, index: int) -> list[Block]:
    blocks = []
    seen: set[Any] = set()  # the cells' XML elements (holding them keeps their identity stable)
    for row_number, row in enumerate(table.rows):
        for column_number, cell in enumerate(row.cells):
            if cell._tc in seen:  # a merged cell appears once per grid position it spans
                continue
            seen.add(cell._tc)
            text = " ".join(cell.text.split())
            if text:
                blocks.append(Block("table_cell", text, cell=(index, row_number, column_number)))
    return blocks


def _header_footer_paragraphs(document: Any) -> int:
    count = 0
    for section in document.sections:
        for part in (section.header, section.footer):
            if part.is_linked_to_previous:
                continue
            count += sum(1 for paragraph in part.paragraphs if paragraph.text.strip())
    return count
