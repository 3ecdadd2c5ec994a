"""A PDF page's words to lines in reading order, with the running letterhead, footer and page numbers found.

The words come from ``pdf_extract`` (positions in points, from the top of the page).
``lay_out_pages`` turns the pages into one list of ``Line``, ``TablePlace`` and ``OcrPage`` (a
page read by OCR, as lines of text) in reading order; ``pdf.py`` makes blocks of them.

* Rows: words on one baseline (within a third of their size) make a row.
* Columns: a gutter is an x-interval that a run of consecutive rows leaves empty while at least
  three of them have words on its left and three on its right, each side at least a fifth of the
  page's text wide (so "Tanggal : Senin" pairs are not columns). Such a band is read left
  column first, each side searched again for further columns; rows that cross the gutter (a
  full-width title, a paragraph above or below the columns) are read where they stand. A gutter
  is wider than ``0.8`` of the text size and runs down six rows at least: word spaces are a
  quarter of the size, and a river of spaces in justified text is never that straight and long.
* Running parts: a segment of a row in the top or bottom band of the page (a row cut where its
  words are more than two sizes apart) whose text, digits made alike, recurs on most pages is
  the letterhead or the footer; a segment that is a page number ("3", "- 3 -", "Halaman 3 dari
  10", "Page 3 of 10"; three digits at most, so a year is not one) is one wherever in the
  bands it is, and a page number inside a running footer ("Dinas Kesehatan | Halaman 3") is
  taken out of the footer's text. OCR gives no positions: there the first four lines of a page
  are its top band and the last two its bottom band.
"""

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from statistics import median
from typing import Any

# Bands of the page where a letterhead and a footer live, as fractions of its height.
_TOP_BAND, _BOTTOM_BAND = 0.16, 0.12
# A running part recurs on at least this share of the pages (and on two at least).
_RECURRING_SHARE = 0.6
# Column gutters are searched every this many points, on pages of at most this many words: a
# page holds a thousand or two; one of tens of thousands (a bomb of tiny text) is read row by
# row rather than searched at length in warta's own process.
_STEP = 2.0
_MAX_COLUMN_WORDS = 6000
_PAGE_NUMBER = re.compile(
    r"^[-–—(\[|]?\s*(?:(?:halaman|hal\.?|page|pg\.?|p\.)\s*)?\d{1,3}\s*(?:(?:dari|of|/)\s*\d{1,3})?\s*[-–—)\]|]?\.?$", re.IGNORECASE)
_PAGE_NUMBER_PHRASE = re.compile(r"[-–—|]?\s*\b(?:halaman|hal\.?|page)\s*\d{1,3}(?:\s*(?:dari|of|/)\s*\d{1,3})?\s*[-–—|]?", re.IGNORECASE)


#: A ruled table's cells by row, as pdfplumber extracts them (None for a cell merged into another).
TableRows = list[list[str | None]]


@dataclass
class Word:
    """A word of the text layer: its text, box (points from the page's top-left), size and weight."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    table: int = -1  # a stand-in for a whole table (its number on the page), placed like a word


@dataclass
class Line:
    """A line of text in reading order.

    Attributes:
        text: its words, a space where they stand apart.
        x0, x1, top, bottom: its box.
        size, bold: the size and weight of most of its letters.
        first_word: the width of its first word (would it have fitted at the end of the line above?).
        right: the right edge of the column, or the page's text, it stands in.
        flow: (page, region): a change means the reader jumped to another column or page.
    """

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    first_word: float
    right: float
    flow: tuple[int, int]


@dataclass
class TablePlace:
    """Where a ruled table stands in the reading order: its page and number on that page."""

    page: int
    number: int


@dataclass
class OcrPage:
    """A page read by OCR: its lines of text, ``""`` between paragraphs, the running parts taken out."""

    page: int
    lines: list[str]


@dataclass
class Segment:
    """A piece of text in a page's top or bottom band that may be a running part.

    ``role`` is set by ``mark_running_parts``: ``body``, ``header``, ``footer`` or ``page_number``.
    """

    text: str
    band: str
    page: int
    words: list[Word] = field(default_factory=list)  # on a page of the text layer
    line: int = -1  # on a page read by OCR: the number of its line
    role: str = "body"


@dataclass
class RunningParts:
    """The letterhead and footer read once, and what was left out for them."""

    header: list[str] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)
    header_pages: int = 0
    footer_pages: int = 0
    page_numbers: int = 0


def lay_out_pages(pages: list[dict[str, Any]], ocr: dict[int, str]) -> tuple[list[Line | TablePlace | OcrPage], dict[tuple[int, int], TableRows], RunningParts]:
    """Every page's lines, tables and OCR text in reading order, with the running parts taken out.

    Args:
        pages: the pages as ``pdf_extract`` gives them.
        ocr: page number (0-based) -> the text OCR read on it, for the pages read so.

    Returns:
        The items in reading order, the tables' cells by (page, number on the page), and the
        letterhead and footer read once.
    """
    rows: dict[int, list[list[Word]]] = {}
    ocr_lines: dict[int, list[str]] = {}
    segments: list[Segment] = []
    for number, page in enumerate(pages):
        if number in ocr:
            ocr_lines[number] = [line.strip() for line in ocr[number].replace("\f", "\n").split("\n")]
            segments.extend(_ocr_band_segments(ocr_lines[number], number))
        elif page["words"]:
            rows[number] = rows_of(words_of(page))
            segments.extend(band_segments(rows[number], number, page["height"]))
    parts = mark_running_parts(segments, len(rows) + len(ocr_lines))
    running = {id(word) for segment in segments if segment.role != "body" for word in segment.words}
    for segment in segments:
        if segment.role != "body" and segment.line >= 0:
            ocr_lines[segment.page][segment.line] = ""
    body_rows = {number: [kept for kept in ([word for word in row if id(word) not in running] for row in page_rows) if kept]
                 for number, page_rows in rows.items()}
    edges = [max(word.x1 for row in page_rows for word in row) for page_rows in body_rows.values() if page_rows]
    right = median(edges) if edges else 0.0
    items: list[Line | TablePlace | OcrPage] = []
    tables: dict[tuple[int, int], TableRows] = {}
    for number, page in enumerate(pages):
        if number in ocr_lines:
            items.append(OcrPage(number, ocr_lines[number]))
            continue
        page_rows = list(body_rows.get(number, []))
        size = median([word.size for row in page_rows for word in row] or [10.0])
        for table_number, table in enumerate(page["tables"]):
            x0, top, x1, bottom = table["bbox"]
            page_rows.append([Word("", x0, x1, top, bottom, size, False, table=table_number)])
            tables[(number, table_number)] = table["rows"]
        page_rows.sort(key=lambda row: min(word.top for word in row))
        items.extend(reading_order(page_rows, number, max([right, *(word.x1 for row in page_rows for word in row)])))
    return items, tables, parts


def _ocr_band_segments(lines: list[str], page: int) -> list[Segment]:
    # OCR gives no positions: the first four lines of text are the top band, the last two the bottom.
    numbered = [(index, line) for index, line in enumerate(lines) if line]
    top, bottom = numbered[:4], numbered[4:][-2:]
    return ([Segment(line, "top", page, line=index) for index, line in top]
            + [Segment(line, "bottom", page, line=index) for index, line in bottom])


def words_of(page: dict[str, Any]) -> list[Word]:
    """The words of a page as ``pdf_extract`` gives them."""
    return [Word(text, x0, x1, top, bottom, size, bool(bold)) for text, x0, x1, top, bottom, size, bold in page["words"]]


def rows_of(words: list[Word]) -> list[list[Word]]:
    """Words grouped into rows (one baseline each), top to bottom, each row left to right."""
    rows: list[list[Word]] = []
    for word in sorted(words, key=lambda word: (word.bottom, word.x0)):
        if rows and abs(word.bottom - rows[-1][0].bottom) <= 0.35 * max(word.size, rows[-1][0].size, 1.0):
            rows[-1].append(word)
        else:
            rows.append([word])
    for row in rows:
        row.sort(key=lambda word: word.x0)
    rows.sort(key=lambda row: min(word.top for word in row))
    return rows


def band_segments(rows: list[list[Word]], page: int, height: float) -> list[Segment]:
    """The pieces of the rows in the page's top and bottom bands, in reading order."""
    segments: list[Segment] = []
    for row in rows:
        if max(word.bottom for word in row) <= _TOP_BAND * height:
            band = "top"
        elif min(word.top for word in row) >= (1 - _BOTTOM_BAND) * height:
            band = "bottom"
        else:
            continue
        pieces: list[list[Word]] = [[row[0]]]
        for word in row[1:]:
            if word.x0 - pieces[-1][-1].x1 > 2 * max(word.size, 1.0):
                pieces.append([word])
            else:
                pieces[-1].append(word)
        segments.extend(Segment(join_words(piece), band, page, piece) for piece in pieces)
    return segments


def mark_running_parts(segments: list[Segment], pages: int) -> RunningParts:
    """Set each segment's role and return the letterhead and footer, read once.

    Args:
        segments: the band segments of every page, each page's in reading order.
        pages: how many pages the document has.
    """
    parts = RunningParts()
    for segment in segments:
        if _PAGE_NUMBER.match(segment.text.strip()):
            segment.role = "page_number"
            parts.page_numbers += 1
    if pages >= 2:
        needed = max(2, math.ceil(_RECURRING_SHARE * pages))
        seen: dict[tuple[str, str], set[int]] = defaultdict(set)
        for segment in segments:
            if segment.role == "body":
                seen[(segment.band, _alike(segment.text))].add(segment.page)
        for segment in segments:
            if segment.role == "body" and len(seen[(segment.band, _alike(segment.text))]) >= needed:
                segment.role = "header" if segment.band == "top" else "footer"
    for role, texts in (("header", parts.header), ("footer", parts.footer)):
        running = [segment for segment in segments if segment.role == role]
        if not running:
            continue
        first_page = running[0].page
        for segment in running:
            text, numbered = _without_page_number(segment.text)
            parts.page_numbers += numbered
            if segment.page == first_page and text:
                texts.append(text)
        if role == "header":
            parts.header_pages = len({segment.page for segment in running})
        else:
            parts.footer_pages = len({segment.page for segment in running})
    return parts


def _alike(text: str) -> str:
    # Page numbers and dates in a running part change from page to page; the rest does not.
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def _without_page_number(text: str) -> tuple[str, int]:
    stripped, count = _PAGE_NUMBER_PHRASE.subn(" ", text)
    return " ".join(stripped.split()).strip(" -–—|"), min(count, 1)


def join_words(words: list[Word]) -> str:
    """The words of a line as text: a space between words that stand apart, none between the
    pieces of one word that the PDF split where its font changes (a bold syllable)."""
    text = words[0].text
    for before, word in zip(words, words[1:]):
        text += (" " if word.x0 - before.x1 > 0.1 * max(word.size, 1.0) else "") + word.text
    return text


def reading_order(rows: list[list[Word]], page: int, right: float) -> list[Line | TablePlace]:
    """The rows of one page's body as lines (and tables) in reading order, columns found.

    Args:
        rows: the page's rows, top to bottom (``rows_of``); a table is a row of one stand-in word.
        page: the page's number (0-based), for ``Line.flow``.
        right: the right edge of the document's text, for lines outside any column.
    """
    regions: list[tuple[list[list[Word]], float]] = []
    _split_columns(rows, right, regions)
    lines: list[Line | TablePlace] = []
    for region_number, (region_rows, edge) in enumerate(regions):
        for row in region_rows:
            if row[0].table >= 0:
                lines.append(TablePlace(page, row[0].table))
            else:
                lines.append(_line(row, edge, (page, region_number)))
    return lines


def _line(row: list[Word], right: float, flow: tuple[int, int]) -> Line:
    sizes: Counter[float] = Counter()
    bold = 0
    for word in row:
        sizes[round(word.size * 2) / 2] += len(word.text)
        bold += len(word.text) if word.bold else -len(word.text)
    first = row[0]
    return Line(join_words(row), first.x0, max(word.x1 for word in row), min(word.top for word in row),
                max(word.bottom for word in row), sizes.most_common(1)[0][0], bold > 0, first.x1 - first.x0, right, flow)


def _split_columns(rows: list[list[Word]], right: float, regions: list[tuple[list[list[Word]], float]]) -> None:
    """Append ``rows`` to ``regions`` in reading order: column bands split, the rest as it stands."""
    bands = _column_bands(rows)
    if not bands:
        if rows:
            regions.append((rows, max(right, max(word.x1 for row in rows for word in row))))
        return
    done = 0
    for start, end, gutter in bands:
        if done < start:
            _split_columns(rows[done:start], right, regions)
        left = [[word for word in row if word.x0 + word.x1 < 2 * gutter] for row in rows[start:end]]
        right_side = [[word for word in row if word.x0 + word.x1 >= 2 * gutter] for row in rows[start:end]]
        left = [row for row in left if row]
        _split_columns(left, max(word.x1 for row in left for word in row), regions)
        _split_columns([row for row in right_side if row], right, regions)
        done = end
    if done < len(rows):
        _split_columns(rows[done:], right, regions)


def _column_bands(rows: list[list[Word]]) -> list[tuple[int, int, float]]:
    """The bands of consecutive rows (start, end) read as two columns, and the gutter's middle."""
    words = [word for row in rows for word in row]
    if len(rows) < 6 or len(words) > _MAX_COLUMN_WORDS:
        return []
    left_edge, right_edge = min(word.x0 for word in words), max(word.x1 for word in words)
    width = right_edge - left_edge
    size = median(word.size for word in words)
    step = _STEP
    first, last = left_edge + 0.2 * width, right_edge - 0.2 * width
    occupied = [_occupied(row, step) for row in rows]
    # Each position between the outer fifths: the column bands a gutter there would make, and
    # how many rows they hold. A real gutter holds the same bands across its whole width.
    found: list[tuple[float, int, list[tuple[int, int]]]] = []
    for index in range(int((last - first) / step) + 1):
        position = first + step * index
        bands = _bands_at(rows, occupied, position, width)
        found.append((position, sum(end - start for start, end in bands), bands))
    best: tuple[int, float, list[tuple[int, int]]] | None = None
    run: list[tuple[float, int, list[tuple[int, int]]]] = []
    for entry in [*found, (0.0, 0, [])]:
        if run and entry[1] == run[-1][1] and entry[2] == run[-1][2]:
            run.append(entry)
            continue
        if run and run[0][1] and len(run) * step >= 0.8 * size and (best is None or run[0][1] > best[0]):
            best = (run[0][1], (run[0][0] + run[-1][0]) / 2, run[0][2])
        run = [entry]
    if best is None:
        return []
    return [(start, end, best[1]) for start, end in best[2]]


def _occupied(row: list[Word], step: float) -> set[int]:
    cells: set[int] = set()
    for word in row:
        cells.update(range(math.floor(word.x0 / step), math.floor(word.x1 / step) + 1))
    return cells


def _bands_at(rows: list[list[Word]], occupied: list[set[int]], position: float, width: float) -> list[tuple[int, int]]:
    """The runs of consecutive rows that leave ``position`` empty and have column text on both sides."""
    cell = math.floor(position / _STEP)
    bands, start = [], 0
    for index in range(len(rows) + 1):
        if index < len(rows) and cell not in occupied[index]:
            continue
        if index - start >= 6 and _is_two_columns(rows[start:index], position, width):
            bands.append((start, index))
        start = index + 1
    return bands


def _is_two_columns(rows: list[list[Word]], position: float, width: float) -> bool:
    left = [word for row in rows for word in row if word.x1 <= position]
    right = [word for row in rows for word in row if word.x0 >= position]
    left_rows = sum(1 for row in rows if any(word.x1 <= position for word in row))
    right_rows = sum(1 for row in rows if any(word.x0 >= position for word in row))
    if left_rows < 3 or right_rows < 3:
        return False
    left_width = max(word.x1 for word in left) - min(word.x0 for word in left)
    right_width = max(word.x1 for word in right) - min(word.x0 for word in right)
    return min(left_width, right_width) >= 0.2 * width
