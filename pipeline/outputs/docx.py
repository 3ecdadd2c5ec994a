"""``en.docx`` and ``zh.docx``: the translations as Word documents with the source's structure.

Title, headings, paragraphs, bulleted and numbered list items and tables are rebuilt with
Word's own styles. When the article came from a ``.docx``, that document is the template
(``pipeline.outputs.docx_template``): its styles, page setup, numbering, headers, footers and
notes are kept, the body is rebuilt from the blocks, and every block read from outside the body
is written back at its place. Here, a text box of the body goes, with its drawing, into the
paragraph rebuilt from its anchor paragraph, or into a paragraph of its own where the anchor had
no text, and a footnote or endnote reference back at the end of the paragraph that had it.

Comments are not carried over (the reader leaves them out). For a source that cannot be reused,
or of another type, Word's default template is used: header blocks go into the section's header,
footer blocks into its footer, text boxes become paragraphs where they stand and notes
paragraphs at the end, under a rule.

The Chinese document uses one East Asian font, ``CHINESE_FONT``, everywhere
(``pipeline.outputs.docx_fonts.set_chinese_fonts``). Both documents take the translated title as
their title property.
"""

import io
from typing import Any

from pipeline.article import OUTSIDE_FLOW_KINDS, Article, Block
from pipeline.joining import join_pieces
from pipeline.outputs.docx_fonts import set_chinese_fonts
from pipeline.outputs.docx_template import SourceTemplate, child_element, fill_paragraph, open_template
from pipeline.reading.docx_parts import WORD_NAMESPACE, note_references, paragraph_text

_W = WORD_NAMESPACE


def _style(document: Any, *names: str) -> str | None:
    available = {style.name for style in document.styles}
    return next((name for name in names if name in available), None)


def _add_block(document: Any, block: Block, text: str) -> Any:
    if block.kind == "title":
        style = _style(document, "Title", "Heading 1")
        return document.add_paragraph(text, style=style)
    if block.kind == "heading":
        level = max(1, min(9, len(block.marker) if block.marker.startswith("#") else 1))  # "#" is Heading 1
        style = _style(document, f"Heading {level}", "Heading 1")
        return document.add_paragraph(text, style=style)
    if block.kind == "list_item":
        numbered = block.marker[:1].isdigit()
        style = _style(document, "List Number" if numbered else "List Bullet", "List Paragraph")
        if style is None:  # a template without list styles: keep the marker in the text
            return document.add_paragraph(f"{block.marker} {text}")
        return document.add_paragraph(text, style=style)
    return document.add_paragraph(text)


class _BodyWriter:
    """Writes the blocks into the document in order; keeps what goes elsewhere for the end."""

    def __init__(self, document: Any, template: SourceTemplate | None) -> None:
        self.document = document
        self.template = template
        self.outside: dict[str, list[str]] = {kind: [] for kind in OUTSIDE_FLOW_KINDS}
        self.filled_boxes: dict[Any, str] = {}
        self._table: list[tuple[Block, str]] = []  # cells of the table being collected
        self._last: tuple[str, Any] | None = None  # (source text, paragraph) of the last body paragraph
        self._box_host: tuple[Any, Any] | None = None  # (source anchor paragraph, paragraph) of the last text box

    def add(self, block: Block, text: str) -> None:
        """Write one block (or keep it: a table's cells until the table ends, loose notes)."""
        if block.kind in ("header", "footer", "note"):
            if not (self.template and self.template.fill(block.place, text)):
                self.outside[block.kind].append(text)
            return
        if block.kind == "table_cell" and block.cell is not None:
            if self._table and self._table[0][0].cell and self._table[0][0].cell[0] != block.cell[0]:
                self.flush_table()
            self._table.append((block, text))
            return
        self.flush_table()
        if block.kind == "text_box":
            self._text_box(block, text)
            return
        paragraph = _add_block(self.document, block, text)
        self._add_references(paragraph, block)
        self._last, self._box_host = (block.text, paragraph), None

    def _text_box(self, block: Block, text: str) -> None:
        found = self.template.text_box(block.place) if self.template else None
        if found is None:
            self.document.add_paragraph(text)
            self._last = self._box_host = None
            return
        paragraph, run, source_run, anchor = found
        fill_paragraph(paragraph, text)
        self.filled_boxes[paragraph] = text
        if run.getparent() is not None:  # placed with an earlier paragraph of the same text box
            return
        if self._box_host is not None and self._box_host[0] is anchor:
            host = self._box_host[1]
        elif self._last is not None and self._last[0] == paragraph_text(anchor):
            host = self._last[1]  # the paragraph rebuilt from the anchor: the box stays with its text
        else:
            host = self.document.add_paragraph()
        host._p.append(run)
        assert self.template is not None  # found through it
        self.template.copies.append(run)
        self._box_host, self._last = (anchor, host), None

    def _add_references(self, paragraph: Any, block: Block) -> None:
        if self.template is None:
            return
        for kind, note_id in note_references(block.place):
            run = self.template.reference(kind, note_id)
            if run is not None:
                paragraph._p.append(run)

    def flush_table(self) -> None:
        """Write the table collected so far."""
        cells, self._table = self._table, []
        if not cells:
            return
        rows = max(block.cell[1] for block, _ in cells if block.cell) + 1
        columns = max(block.cell[2] for block, _ in cells if block.cell) + 1
        table = self.document.add_table(rows=rows, cols=columns)
        style = _style(self.document, "Table Grid")
        if style:
            table.style = style
        for block, text in cells:
            if block.cell:
                cell = table.cell(block.cell[1], block.cell[2])
                cell.text = text
                self._add_references(cell.paragraphs[-1], block)
        self._last = self._box_host = None

    def finish(self) -> None:
        """Write what found no place: headers and footers into the section, notes at the end."""
        self.flush_table()
        section = self.document.sections[-1]
        for kind, story in (("header", section.header), ("footer", section.footer)):
            for number, text in enumerate(self.outside[kind]):
                if number == 0 and story.paragraphs and not story.paragraphs[0].text:
                    story.paragraphs[0].text = text
                else:
                    story.add_paragraph(text)
        notes = self.outside["note"]
        if notes:
            self._rule()
            for text in notes:
                self.document.add_paragraph(text, style=_style(self.document, "footnote text", "Footnote Text"))
        if self.template is not None:
            self.template.finish(self.filled_boxes)

    def _rule(self) -> None:
        # a line above the notes, as Word draws above footnotes: a border, not a heading or text
        paragraph = self.document.add_paragraph()._p
        borders = child_element(paragraph.get_or_add_pPr(), f"{_W}pBdr")
        borders.append(borders.makeelement(f"{_W}bottom", {f"{_W}val": "single", f"{_W}sz": "6", f"{_W}space": "1", f"{_W}color": "auto"}))


def _translated_title(article: Article, language: str) -> str:
    for block in article.blocks:
        if block.kind == "title":
            return join_pieces([getattr(sentence, language) for sentence in block.sentences])
        if block.kind not in OUTSIDE_FLOW_KINDS:
            break
    return ""


def render_docx(article: Article, language: str) -> bytes:
    """The bytes of ``<language>.docx`` for a translated article (``en`` or ``zh``).

    See the module docstring for what is kept of a ``.docx`` source. A source that cannot be
    reused adds a warning to ``article.warnings``.
    """
    import docx

    template = open_template(article)
    document = template.document if template is not None else docx.Document()
    writer = _BodyWriter(document, template)
    for block in article.blocks:
        writer.add(block, join_pieces([getattr(sentence, language) for sentence in block.sentences]))
    writer.finish()
    if language == "zh":
        set_chinese_fonts(document)
    document.core_properties.title = _translated_title(article, language)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


__all__ = ["render_docx"]
