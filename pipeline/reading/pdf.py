"""Reading PDF press releases: the text layer with pdfplumber, or the page images by OCR.

The file is read once (``read_limited``: a regular file within the registry's limit) and its
bytes handed to a child process that parses them within bounds of memory and time
(``pdf_extract``): encrypted, broken and hostile files are refused in one line each, and a page
that fails alone is named in the warnings. The child answers with plain data (words with their
boxes and sizes, ruled tables, how many images each page has); ``pdf_layout`` puts the words in
reading order (rows, columns, the running letterhead, footer and page numbers taken out), and
this module makes blocks of the lines. The letterhead and the footer that repeat on most pages
become one ``header`` block before the title and one ``footer`` block at the end; page numbers
are dropped and counted in ``left_out``.

Paragraphs are found conservatively: a line break is never taken for a paragraph break unless
the page says so, because a sentence cut in two is translated as two broken halves. A new
block starts only

* after a clearly larger gap than the line spacing of that text size (a third of the size more),
* after a line that ends a sentence and was ended on purpose (the next line's first word would
  have fitted on it), or a line ended on purpose whose weight differs from the next (a bold
  heading above regular text),
* where the font size changes, and
* where the reader jumps to another column or page, unless the text runs on: the last line did
  not end a sentence, was full, and the next goes on in the same font. So a sentence broken by
  a page or column break is joined again.

A line that ends in a hyphen after a letter never ends a block. The lines of a block are joined
by ``layout.join_wrapped_lines``, which keeps a hyphen before a lower-case line: right for the
Indonesian reduplication that a text file wraps (``masing-`` / ``masing``). In a PDF the same
hyphen is also the typesetter's, breaking one word (``kese-`` / ``hatan``); ``dehyphenate`` tells
them apart before the join: the word written whole elsewhere in the document is joined, the
hyphenated compound written elsewhere is kept, reduplication (the halves repeat, rhyme or share
their consonants: masing-masing, anak-anaknya, sayur-mayur, bolak-balik) is kept, and any other
break of a lower-case word is the typesetter's and is joined. A soft hyphen (U+00AD) is always
the typesetter's. Headings, list items and the title are recognised as in a ``.txt`` article
(``layout.py``); a ruled table's cells are ``table_cell`` blocks where the table stands.

A PDF with no text layer, only page images (a scan), is read by OCR when tesseract with its
Indonesian data is installed (``pdf_extract.tesseract_command``): the child draws the pages at
300 dpi (pypdfium2) and ``tesseract IMAGE stdout -l ind`` reads each; the text is laid out like
a ``.txt`` article, and a warning says it came from OCR. Without tesseract, a scan is refused
with the command that installs it; a scanned page among text pages is listed in ``left_out``.
"""

import hashlib
import re
from pathlib import Path
from statistics import median
from typing import Any

from pipeline.article import Article, Block
from pipeline.errors import InputError
from pipeline.files import read_limited
from pipeline.reading.formats import size_limit
from pipeline.reading.layout import blocks_of_group, join_wrapped_lines, line_groups, mark_title_and_headings
from pipeline.reading.pdf_extract import MAX_PAGES, read_by_ocr, run_extractor, tesseract_command
from pipeline.reading.pdf_layout import Line, OcrPage, RunningParts, TablePlace, TableRows, lay_out_pages

MAX_PDF_BYTES = size_limit(".pdf")
#: Scanned pages read by OCR at most (each takes seconds).
MAX_OCR_PAGES = 100
SCANNED_REFUSAL = ("a scanned PDF (its pages are images, with no text layer); to read it by OCR install tesseract with its "
                   "Indonesian data (Debian/Ubuntu: apt-get install tesseract-ocr tesseract-ocr-ind)")
_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![A-Za-z])")


def read_pdf(path: Path, name: str) -> Article:
    """Read a PDF press release (``.pdf``) into an Article.

    Args:
        path: the PDF file.
        name: the article's name in outputs.

    Returns:
        An Article of the body's blocks in reading order, after a ``header`` block (the running
        letterhead) and before a ``footer`` block when the pages have them; ``encoding`` is ``pdf``.

    Raises:
        InputError: not a regular file, too large, not a PDF, damaged, password-protected, a
            bomb (too many pages, too much memory or time), with no text, or scanned when
            tesseract with Indonesian data is not installed.
    """
    data = read_limited(path, MAX_PDF_BYTES, "a PDF article")
    if b"%PDF-" not in data[:1024]:
        raise InputError(f"{path}: not a PDF file (it has no %PDF- header); refused")
    # Counted only to size the child's time limit (pages inside compressed object streams are not
    # seen here); the child counts and limits the pages itself.
    estimate = min(len(_PAGE_OBJECT.findall(data)), MAX_PAGES)
    pages: list[dict[str, Any]] = run_extractor(path, data, "text", [], estimate)["pages"]
    warnings: list[str] = []
    left_out: list[str] = []
    ocr = _read_scanned_pages(path, data, pages, warnings, left_out)
    items, tables, parts = lay_out_pages(pages, ocr)
    blocks = body_blocks(items, tables)
    if not blocks:
        failed = [page["error"] for page in pages if page["error"]]
        if failed:
            raise InputError(f"{path}: none of the PDF's pages could be read ({failed[0]})")
        raise InputError(f"{path}: the PDF has no text to translate (its pages are empty)")
    mark_title_and_headings(blocks)
    if parts.header:
        blocks.insert(0, Block("header", " / ".join(parts.header)))
    if parts.footer:
        blocks.append(Block("footer", " / ".join(parts.footer)))
    article = Article(source=path, name=name, blocks=blocks, sha256=hashlib.sha256(data).hexdigest(), encoding="pdf")
    article.warnings.extend(warnings)
    article.left_out.extend(left_out)
    _report(article, pages, ocr, parts)
    return article


def _report(article: Article, pages: list[dict[str, Any]], ocr: dict[int, str], parts: RunningParts) -> None:
    for number, page in enumerate(pages, start=1):
        if page["error"]:
            article.warnings.append(f"page {number} could not be read ({page['error']}); its text is missing")
            article.left_out.append(f"page {number} (unreadable)")
    if parts.header_pages > 1:
        article.warnings.append(f"the letterhead repeated on {parts.header_pages} pages was read once, as the header block before the title")
    if parts.footer_pages > 1:
        article.warnings.append(f"the footer repeated on {parts.footer_pages} pages was read once, as the footer block at the end")
    if parts.page_numbers:
        article.left_out.append(f"{parts.page_numbers} page number(s)")
    rotated = sum(page["rotated"] for page in pages)
    if rotated:
        article.left_out.append(f"{rotated} word(s) of rotated text (a watermark or a side note)")
    pictures = sum(page["images"] for number, page in enumerate(pages) if number not in ocr)
    if pictures:
        article.left_out.append(f"{pictures} picture(s) (any text in them was not translated)")


def _read_scanned_pages(path: Path, data: bytes, pages: list[dict[str, Any]], warnings: list[str], left_out: list[str]) -> dict[int, str]:
    """Page number (0-based) -> the OCR text of each page that is only images; refuses a scan without tesseract."""
    scanned = [number for number, page in enumerate(pages) if page["images"] and not page["words"] and not page["tables"] and not page["error"]]
    if not scanned:
        return {}
    whole = not any(page["words"] or page["tables"] for page in pages)
    program = tesseract_command()
    if program is None:
        if whole:
            raise InputError(f"{path}: {SCANNED_REFUSAL}")
        listed = ", ".join(str(number + 1) for number in scanned)
        left_out.append(f"{len(scanned)} scanned page(s) without a text layer (page {listed}); install tesseract with its "
                        "Indonesian data to read them by OCR (Debian/Ubuntu: apt-get install tesseract-ocr tesseract-ocr-ind)")
        return {}
    if len(scanned) > MAX_OCR_PAGES:
        raise InputError(f"{path}: the PDF has {len(scanned)} scanned pages, more than the {MAX_OCR_PAGES} warta reads by OCR; refused")
    texts, failures = read_by_ocr(path, data, scanned, program)
    for number, failure in failures.items():
        warnings.append(f"page {number + 1} could not be read by OCR ({failure}); its text is missing")
        left_out.append(f"page {number + 1} (OCR failed)")
    if whole and not texts:
        raise InputError(f"{path}: a scanned PDF whose pages could not be read by OCR (see tesseract: {program})")
    if texts:
        warnings.append(f"the text of {len(texts)} page(s) was read from page images by OCR (tesseract, Indonesian); "
                        "check names and numbers against the PDF")
    return texts


_SENTENCE_END = re.compile(r"[.!?…][\"”’'»)\]]*$")
_LINE_END_HYPHEN = re.compile(r"([^\W\d_]+)[-\u2010\u00ad]$")
_FIRST_LETTERS = re.compile(r"[^\W\d_]+")
_WORDS = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_VOWELS = re.compile(r"[aeiouy]")


def body_blocks(items: list[Line | TablePlace | OcrPage], tables: dict[tuple[int, int], TableRows]) -> list[Block]:
    """The blocks of the body, in reading order (see the module's doc).

    Args:
        items: every page's lines, tables and OCR pages in reading order.
        tables: (page, number on the page) -> the table's rows of cells (None for a merged cell).
    """
    texts = [item.text for item in items if isinstance(item, Line)]
    texts += [line for item in items if isinstance(item, OcrPage) for line in item.lines]
    vocabulary = {word for text in texts for word in _WORDS.findall(text.lower())}
    pitches = _line_pitches([item for item in items if isinstance(item, Line)])
    blocks: list[Block] = []
    group: list[Line] = []
    scanned: list[OcrPage] = []
    table_count = 0

    def flush() -> None:
        if group:
            blocks.extend(blocks_of_group(dehyphenate([line.text for line in group], vocabulary), hard_wrapped=True))
            group.clear()
        if scanned:
            blocks.extend(_ocr_blocks(scanned, vocabulary))
            scanned.clear()

    for item in items:
        if isinstance(item, Line):
            if scanned or (group and _breaks(group[-1], item, pitches)):
                flush()
            group.append(item)
        elif isinstance(item, OcrPage):
            if group:
                flush()
            scanned.append(item)
        else:
            flush()
            cells = _table_blocks(tables[(item.page, item.number)], table_count, vocabulary)
            if cells:
                blocks.extend(cells)
                table_count += 1
    flush()
    return blocks


def _breaks(before: Line, line: Line, pitches: dict[float, float]) -> bool:
    """Whether ``line`` starts a new block after ``before`` (see the module's doc)."""
    if _LINE_END_HYPHEN.search(before.text):
        return False
    if abs(before.size - line.size) > 0.75:
        return True
    ends = bool(_SENTENCE_END.search(before.text))
    # Would the next line's first word have fitted on this one? Then the line was ended on purpose.
    fitted = before.x1 + 0.3 * before.size + line.first_word <= before.right + 0.5
    if before.flow != line.flow:
        return ends or fitted or before.bold != line.bold
    if line.top - before.top > pitches.get(before.size, pitches.get(0.0, 1.25) * before.size) + 0.33 * before.size:
        return True
    return fitted and (ends or before.bold != line.bold)


def _line_pitches(lines: list[Line]) -> dict[float, float]:
    """Text size -> the usual distance from one line's top to the next's, within a column.

    A size seen in fewer than three pairs of lines gets no entry: two lines cannot say whether
    the gap between them is the line spacing or a paragraph break. Under the key 0.0 is the
    usual spacing as a multiple of the size, over all sizes (1.25 when too few lines say).
    """
    seen: dict[float, list[float]] = {}
    for before, line in zip(lines, lines[1:]):
        pitch = line.top - before.top
        if before.flow == line.flow and before.size == line.size and 0 < pitch < 3 * line.size:
            seen.setdefault(line.size, []).append(pitch)
    pitches = {size: median(found) for size, found in seen.items() if len(found) >= 3}
    ratios = [pitch / size for size, found in seen.items() for pitch in found if size > 0]
    pitches[0.0] = median(ratios) if len(ratios) >= 3 else 1.25
    return pitches


def dehyphenate(lines: list[str], vocabulary: set[str]) -> list[str]:
    """The lines of one block with each word the typesetter hyphenated across two lines made whole.

    ``kese-`` / ``hatan dasar`` becomes ``kesehatan dasar``; ``masing-`` / ``masing`` stays as it is,
    for ``join_wrapped_lines`` to join as ``masing-masing`` (see the module's doc).

    Args:
        lines: the lines of the block, in order.
        vocabulary: the words of the whole document, lower case (hyphenated compounds as one word).
    """
    out: list[str] = []
    for line in (line.strip() for line in lines):
        if not line:
            continue
        if out and _is_broken_word(out[-1], line, vocabulary):
            out[-1] = out[-1][:-1] + line
        else:
            out.append(line)
    return out


def _is_broken_word(before: str, after: str, vocabulary: set[str]) -> bool:
    end = _LINE_END_HYPHEN.search(before)
    start = _FIRST_LETTERS.match(after)
    if end is None or start is None:
        return False
    if before.endswith("\u00ad"):
        return True  # a soft hyphen is only ever a typesetter's
    if not after[0].islower():
        return False  # Sulawesi-Selatan, Jawa-Bali: join_wrapped_lines keeps the hyphen and a space
    head, tail = end.group(1).lower(), start.group(0).lower()
    if len(head) < 2 or before[: end.start(1)].endswith("-"):
        return False  # e-KTP; or the second half of a compound already written with a hyphen
    if head + tail in vocabulary:
        return True
    if f"{head}-{tail}" in vocabulary:
        return False
    return not _reduplicates(head, tail)


def _reduplicates(head: str, tail: str) -> bool:
    """Whether ``head-tail`` reads as Indonesian reduplication rather than one word broken in two."""
    if tail.startswith(head) or head.startswith(tail):
        return True  # masing-masing, anak-anaknya
    shared_end = len(_common_prefix(head[::-1], tail[::-1]))
    if shared_end >= 3 and min(len(head), len(tail)) >= 3:
        return True  # sayur-mayur, gotong-royong, ramah-tamah
    if len(_common_prefix(head, tail)) >= 4:
        return True  # warna-warni
    consonants = _VOWELS.sub("", head), _VOWELS.sub("", tail)
    return len(consonants[0]) >= 2 and consonants[0] == consonants[1]  # bolak-balik, mondar-mandir


def _common_prefix(first: str, second: str) -> str:
    length = 0
    while length < min(len(first), len(second)) and first[length] == second[length]:
        length += 1
    return first[:length]


def _table_blocks(rows: TableRows, table: int, vocabulary: set[str]) -> list[Block]:
    blocks = []
    for row_number, row in enumerate(rows):
        for column, cell in enumerate(row):
            text = join_wrapped_lines(dehyphenate((cell or "").split("\n"), vocabulary))
            if text:
                blocks.append(Block("table_cell", text, cell=(table, row_number, column)))
    return blocks


def _ocr_blocks(pages: list[OcrPage], vocabulary: set[str]) -> list[Block]:
    """Consecutive OCR pages laid out like a hard-wrapped ``.txt``; a sentence runs on across pages."""
    lines: list[str] = []
    for page in pages:
        text = [line.strip() for line in page.lines]
        while text and not text[-1]:
            text.pop()
        while text and not text[0]:
            text.pop(0)
        if lines and text and _SENTENCE_END.search(lines[-1]):
            lines.append("")  # else the page's last sentence runs on
        lines.extend(text)
    blocks: list[Block] = []
    for group in line_groups(lines):
        blocks.extend(blocks_of_group(dehyphenate(group, vocabulary), hard_wrapped=True))
    return blocks
