"""``aligned.xlsx``: the aligned rows as a spreadsheet, for reviewers who live in Excel.

The same rows and columns as ``aligned.tsv``, with a frozen header, wrapped text, and flagged
rows coloured. Cells are always text: an article sentence that starts with ``=`` is shown, never
evaluated as a formula.
"""

import io

from pipeline.article import Article
from pipeline.outputs.rows import TSV_COLUMNS, aligned_rows

_WIDTHS = {"block": 7, "sentence": 9, "kind": 11, "id": 60, "en": 60, "zh": 45, "flags": 18}
FLAGGED_FILL = "FFE8CC"


def render_xlsx(article: Article) -> bytes:
    """The bytes of ``aligned.xlsx`` for ``article``."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font, PatternFill

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "aligned"
    sheet.append(list(TSV_COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    wrap = Alignment(wrap_text=True, vertical="top")
    flagged = PatternFill(start_color=FLAGGED_FILL, end_color=FLAGGED_FILL, fill_type="solid")
    for row_number, row in enumerate(aligned_rows(article), start=2):
        for column_number, column in enumerate(TSV_COLUMNS, start=1):
            value = row[column]
            cell = sheet.cell(row=row_number, column=column_number)
            if isinstance(value, int):
                cell.value = value
            else:
                cell.value = ILLEGAL_CHARACTERS_RE.sub(" ", str(value))
                cell.data_type = "s"  # text, even when it starts with "=": never a formula
            cell.alignment = wrap
            if row["flags"]:
                cell.fill = flagged
    for column_number, column in enumerate(TSV_COLUMNS, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=column_number).column_letter].width = _WIDTHS[column]
    sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
