"""``en.docx`` and ``zh.docx``: the translations as Word documents with the source's structure.

Title, headings, paragraphs, bulleted and numbered list items and tables are rebuilt with
Word's own styles. When the article came from a ``.docx``, that document is the template: its
styles, page setup and numbering are kept and only the body is replaced (its headers and
footers, left out of the translation, are emptied rather than left in Indonesian). The Chinese
document sets an East Asian font and the zh-CN language on its styles so Word renders and
proofs it as Simplified Chinese.
"""

import io
from pathlib import Path
from typing import Any

from pipeline.article import Article, Block
from pipeline.joining import join_pieces

#: Fonts Word uses for the Chinese document's East Asian text (Windows, then macOS fallbacks
#: are Word's own business).
CHINESE_FONT = "Microsoft YaHei"


def _start_document(article: Article) -> Any:
    import docx

    source = article.source
    if source is not None and Path(source).suffix.lower() == ".docx":
        try:
            document = docx.Document(str(source))
        except Exception as error:  # noqa: BLE001 - any parser failure: fall back to Word's default template
            warning = f"could not reuse the source's styles ({type(error).__name__}); default Word styles used"
            if warning not in article.warnings:
                article.warnings.append(warning)
            return docx.Document()
        body = document.element.body
        for child in list(body.iterchildren()):
            if not child.tag.endswith("}sectPr"):  # keep page size, margins, header links
                body.remove(child)
        for section in document.sections:
            for part in (section.header, section.footer, section.first_page_header, section.first_page_footer,
                         section.even_page_header, section.even_page_footer):
                if not part.is_linked_to_previous:
                    for paragraph in part.paragraphs:
                        for run in paragraph.runs:
                            run.text = ""
        return document
    return docx.Document()


def _style(document: Any, *names: str) -> str | None:
    available = {style.name for style in document.styles}
    return next((name for name in names if name in available), None)


def set_chinese_fonts(document: Any) -> None:
    """Make every style of ``document`` write East Asian text in ``CHINESE_FONT``, proofed as zh-CN."""
    from docx.oxml.ns import qn

    for style in document.styles:
        element = getattr(style, "element", None)
        if element is None or getattr(style, "type", None) not in (1, 2):  # paragraph and character styles
            continue
        properties = element.get_or_add_rPr()
        fonts = properties.find(qn("w:rFonts"))
        if fonts is None:
            fonts = properties.makeelement(qn("w:rFonts"), {})
            properties.append(fonts)
        fonts.set(qn("w:eastAsia"), CHINESE_FONT)
        language = properties.find(qn("w:lang"))
        if language is None:
            language = properties.makeelement(qn("w:lang"), {})
            properties.append(language)
        language.set(qn("w:eastAsia"), "zh-CN")


def _add_block(document: Any, block: Block, text: str) -> None:
    if block.kind == "title":
        style = _style(document, "Title", "Heading 1")
        document.add_paragraph(text, style=style)
    elif block.kind == "heading":
        level = max(1, min(9, len(block.marker) if block.marker.startswith("#") else 1))  # "#" is Heading 1
        style = _style(document, f"Heading {level}", "Heading 1")
        document.add_paragraph(text, style=style)
    elif block.kind == "list_item":
        numbered = block.marker[:1].isdigit()
        style = _style(document, "List Number" if numbered else "List Bullet", "List Paragraph")
        if style is None:  # a template without list styles: keep the marker in the text
            document.add_paragraph(f"{block.marker} {text}")
        else:
            document.add_paragraph(text, style=style)
    else:
        document.add_paragraph(text)


def _add_table(document: Any, cells: list[tuple[Block, str]]) -> None:
    rows = max(block.cell[1] for block, _ in cells if block.cell) + 1
    columns = max(block.cell[2] for block, _ in cells if block.cell) + 1
    table = document.add_table(rows=rows, cols=columns)
    style = _style(document, "Table Grid")
    if style:
        table.style = style
    for block, text in cells:
        if block.cell:
            table.cell(block.cell[1], block.cell[2]).text = text


def render_docx(article: Article, language: str) -> bytes:
    """The bytes of ``<language>.docx`` for a translated article (``en`` or ``zh``)."""
    document = _start_document(article)
    if language == "zh":
        set_chinese_fonts(document)
    pending: list[tuple[Block, str]] = []  # cells of the table being collected
    for block in article.blocks:
        text = join_pieces([getattr(sentence, language) for sentence in block.sentences])
        if block.kind == "table_cell" and block.cell is not None:
            if pending and pending[0][0].cell and pending[0][0].cell[0] != block.cell[0]:
                _add_table(document, pending)
                pending = []
            pending.append((block, text))
            continue
        if pending:
            _add_table(document, pending)
            pending = []
        _add_block(document, block, text)
    if pending:
        _add_table(document, pending)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


__all__ = ["CHINESE_FONT", "render_docx", "set_chinese_fonts"]
