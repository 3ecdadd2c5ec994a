"""``bilingual.docx``: the release sentence by sentence beside its translations, for sign-off.

One table on landscape A4 pages: a narrow ``#`` column (the row numbers of ``review.html`` and
``aligned.tsv``, with the row's flags in small type under the number), then Indonesian and
each target language of the run (English, Chinese; with one target, two text columns). One
row per source sentence, in order; the header row repeats on every page and a row is not
split across pages. The title and headings stay rows of the table (every source sentence is
a row) but are set bold on a shaded band, so the reviewer sees the release's structure; list
items keep their number or bullet, and rows from a letterhead, footer, text box or note say
so. The summary follows in a second table, and a caption under the title says which warta and
models made the document, and what of the input was not translated.

Chinese cells are written in the East Asian font of ``zh.docx`` (``docx_fonts.CHINESE_FONT``) and
proofed as zh-CN; Indonesian and English cells carry their own proofing language.
"""

import io
import re
from typing import Any

from pipeline.article import OUTSIDE_FLOW_KINDS, Article
from pipeline.outputs.docx_fonts import CHINESE_FONT, set_chinese_fonts
from pipeline.outputs.report import RunInfo
from pipeline.outputs.review_page import page_title
from pipeline.outputs.rows import row_flags

#: The column headings, by language.
LABELS = {"id": "Indonesian", "en": "English", "zh": "Chinese"}
#: Word's proofing language of each column.
_PROOFING = {"id": "id-ID", "en": "en-GB", "zh": "zh-CN"}
#: What a row from outside the text flow is labelled with, under its number.
_PLACES = {"header": "letterhead", "footer": "footer", "text_box": "text box", "note": "note"}
_BULLETS = ("", "-", "*", "+", "•")
# Characters XML 1.0 cannot hold (python-docx refuses them): a space instead, as aligned.xlsx does.
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

_PAGE_MM = (297, 210)  # A4 landscape
_MARGIN_MM = 15
_NUMBER_COLUMN_MM = 22
_HEADING_FILL = "E7ECF2"
_HEADER_FILL = "D0D7DE"
_FLAG_COLOUR = "BC4C00"


def render_bilingual(article: Article, run_info: RunInfo, targets: tuple[str, ...]) -> bytes:
    """The bytes of ``bilingual.docx`` for a translated article.

    Args:
        article: the translated article.
        run_info: the run's version and models, named in the caption.
        targets: the languages produced (``en``, ``zh`` or both): one column each after the
            Indonesian.

    Returns:
        The Word document's bytes.
    """
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm, Pt

    document = docx.Document()
    if "zh" in targets:
        set_chinese_fonts(document)
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(_PAGE_MM[0]), Mm(_PAGE_MM[1])
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(_MARGIN_MM))
    document.styles["Normal"].font.size = Pt(10)

    languages = ("id", *targets)
    document.add_paragraph(_clean(page_title(article)), style="Title")
    _add_small(document, _caption(article, run_info))
    if article.left_out:
        _add_small(document, "Not translated: " + "; ".join(article.left_out) + ".", bold=True)
    if article.warnings:
        _add_small(document, "Warnings: " + "; ".join(article.warnings) + ".")

    table = _start_table(document, languages)
    number = 0
    for block in article.blocks:
        for sentence_number, sentence in enumerate(block.sentences, start=1):
            number += 1
            marker = ""
            if block.kind == "list_item" and sentence_number == 1:
                marker = "• " if block.marker in _BULLETS else f"{block.marker} "
            labels = [_PLACES[block.kind]] if block.kind in OUTSIDE_FLOW_KINDS else []
            flags = [f"{flag} ({', '.join(sentence.qa[flag])})" if flag in sentence.qa else flag for flag in row_flags(sentence)]
            texts = {"id": sentence.text, "en": sentence.en, "zh": sentence.zh}
            _add_row(table, str(number), labels, flags,
                     [(language, marker + texts[language]) for language in languages], heading=block.kind in ("title", "heading"))

    if article.summary:
        document.add_paragraph("Summary", style="Heading 1")
        how = f"written by {article.summary_model['name']}" if article.summary_model else "sentences picked from the release"
        _add_small(document, f"Summary {how}; # is the release row that supports each sentence.")
        rows = {(block, sentence): row for row, (block, sentence, _, _) in enumerate(article.numbered_sentences(), start=1)}
        summary_table = _start_table(document, languages)
        for item in article.summary:
            sources = item.sources or ([(item.block, item.sentence)] if item.block else [])
            numbers = [str(rows[source]) for source in sources if source in rows]
            texts = {"id": item.id, "en": item.en, "zh": item.zh}
            _add_row(summary_table, ", ".join(numbers), [], list(item.flags),
                     [(language, texts[language]) for language in languages])

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _caption(article: Article, run_info: RunInfo) -> str:
    models = "; ".join(
        f"{pair}: {model.get('name', '?')} @ {str(model.get('revision', ''))[:12]} ({model.get('backend', '?')}, {model.get('device', '?')})"
        for pair, model in run_info.models.items()
    )
    source = str(article.source) if article.source else article.name
    caption = f"{source} · machine translation by warta {run_info.warta_version}"
    return f"{caption}: {models}." if models else f"{caption}."


def _clean(text: str) -> str:
    return _NOT_IN_XML.sub(" ", text)


def _add_small(document: Any, text: str, bold: bool = False) -> None:
    from docx.shared import Pt, RGBColor

    run = document.add_paragraph().add_run(_clean(text))
    run.font.size = Pt(8)
    run.bold = bold
    run.font.color.rgb = RGBColor(0x57, 0x60, 0x6A)


def _start_table(document: Any, languages: tuple[str, ...]) -> Any:
    """A table with the header row (repeated on each page) and fixed column widths."""
    from docx.oxml.ns import qn
    from docx.shared import Mm

    table = document.add_table(rows=1, cols=1 + len(languages))
    if "Table Grid" in {style.name for style in document.styles}:
        table.style = "Table Grid"
    table.autofit = False
    text_width = (_PAGE_MM[0] - 2 * _MARGIN_MM - _NUMBER_COLUMN_MM) / len(languages)
    widths = [Mm(_NUMBER_COLUMN_MM), *(Mm(text_width) for _ in languages)]
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # the grid: what LibreOffice lays out by
    header = table.rows[0]
    properties = header._tr.get_or_add_trPr()
    properties.append(properties.makeelement(qn("w:tblHeader"), {}))  # repeated on each page
    for cell, width, label in zip(header.cells, widths, ["#", *(LABELS[language] for language in languages)], strict=True):
        cell.width = width  # the cells: what Word lays out by
        run = cell.paragraphs[0].add_run(label)
        run.bold = True
        _shade(cell, _HEADER_FILL)
    return table


def _add_row(table: Any, number: str, labels: list[str], flags: list[str], texts: list[tuple[str, str]], heading: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    row = table.add_row()  # its cells take their widths from the table's grid
    properties = row._tr.get_or_add_trPr()
    properties.append(properties.makeelement(qn("w:cantSplit"), {}))
    cells = row.cells
    number_cell = cells[0]
    number_cell.paragraphs[0].add_run(number).font.size = Pt(8)
    for note, colour in [*((label, RGBColor(0x57, 0x60, 0x6A)) for label in labels),
                         *((flag, RGBColor.from_string(_FLAG_COLOUR)) for flag in flags)]:
        run = number_cell.add_paragraph().add_run(_clean(note))
        run.font.size = Pt(7)
        run.font.color.rgb = colour
    for cell, (language, text) in zip(cells[1:], texts, strict=True):
        run = cell.paragraphs[0].add_run(_clean(text))
        _set_language(run, language)
        if heading:
            run.bold = True
            run.font.size = Pt(12)
    if heading:
        for cell in cells:
            _shade(cell, _HEADING_FILL)


def _set_language(run: Any, language: str) -> None:
    """Proof the run in ``language``; a Chinese run also gets the East Asian font."""
    from docx.oxml.ns import qn

    properties = run._r.get_or_add_rPr()
    if language == "zh":
        fonts = properties.get_or_add_rFonts()
        fonts.set(qn("w:eastAsia"), CHINESE_FONT)
        fonts.set(qn("w:hint"), "eastAsia")
    lang = properties.makeelement(qn("w:lang"), {})
    lang.set(qn("w:eastAsia" if language == "zh" else "w:val"), _PROOFING[language])
    properties.append(lang)


def _shade(cell: Any, fill: str) -> None:
    from docx.oxml.ns import qn

    properties = cell._tc.get_or_add_tcPr()
    shading = properties.makeelement(qn("w:shd"), {qn("w:val"): "clear", qn("w:color"): "auto", qn("w:fill"): fill})
    properties.append(shading)
