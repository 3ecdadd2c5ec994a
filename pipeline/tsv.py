r"""Reading TSV files as warta writes them and as a spreadsheet saves them back.

warta writes plain TSV, as parallel corpora use it: no quoting at all, a tab or a line break
inside a text already replaced by a space, so a field is everything between two tabs (read it
with ``csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)`` or pandas
``read_csv(path, sep="\t", quoting=csv.QUOTE_NONE)``). A reviewer who opens ``aligned.tsv`` in a
spreadsheet and saves it gets the quoted form back: a field holding a double quote (or a tab or
a line break) is wrapped in double quotes and its own quotes are doubled
(a cell ``Kami "siap" hari ini`` is saved as ``"Kami ""siap"" hari ini"``). Read with default
settings, the first form loses quotes and merges rows where a quotation spans two sentences; read literally, the second keeps quotes that
are not in the text. :func:`parse_tsv` tells the two apart and reads both; every TSV reader in
warta (``eval``, the glossary, imports) goes through it.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import InputError
from pipeline.files import read_limited

# A quoted field as a spreadsheet writes it: wrapped in quotes, inner quotes doubled; it may
# hold tabs and line breaks. It must end at a tab, a line break or the end of the text.
_QUOTED_FIELD = re.compile(r'"((?:[^"]|"")*)"(?=\t|\r?\n|\Z)')
_PLAIN_FIELD = re.compile(r"[^\t\n]*")


@dataclass(frozen=True)
class TsvRow:
    """One row of a TSV file.

    Attributes:
        line: the line number (from 1) where the row starts in the file.
        cells: the row's fields, unquoted.
    """

    line: int
    cells: list[str]


def _plain_rows(text: str) -> list[TsvRow]:
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the final line break ends the last row; it does not start another
    return [TsvRow(number, line.removesuffix("\r").split("\t")) for number, line in enumerate(lines, 1)]


def _quoted_rows(text: str) -> tuple[list[TsvRow], bool, bool] | None:
    """The rows of ``text`` read as a spreadsheet's quoted TSV, whether something shows for
    certain that it is one (a doubled quote, a quoted header), and whether a quoted cell holds a
    tab or line break; None when the text cannot be that form (a quote outside a quoted field)."""
    rows: list[TsvRow] = []
    cells: list[str] = []
    position, line, row_line = 0, 1, 1
    evidence = spans = False
    first_row_quoted: list[bool] = []
    while position < len(text):
        was_quoted = text.startswith('"', position)
        if was_quoted:
            quoted = _QUOTED_FIELD.match(text, position)
            if quoted is None:
                return None
            raw = quoted.group(1)
            # Only a writer that quotes doubles a quote. A tab or line break between quotes is no
            # proof: in a plain file it is a quotation opened in one sentence and closed in a
            # later one, the very case a default csv reader merges into one row.
            evidence = evidence or '""' in raw
            spans = spans or "\t" in raw or "\n" in raw
            cells.append(raw.replace('""', '"'))
            line += raw.count("\n")
            position = quoted.end()
        else:
            plain = _PLAIN_FIELD.match(text, position)
            assert plain is not None  # matches the empty string at worst
            if '"' in plain.group(0):
                return None  # a spreadsheet would have quoted a field holding a quote
            cells.append(plain.group(0).removesuffix("\r"))
            position = plain.end()
        if not rows:
            first_row_quoted.append(was_quoted)
        if text.startswith("\t", position):
            position += 1
            continue
        rows.append(TsvRow(row_line, cells))
        cells = []
        if text.startswith("\r\n", position):
            position += 2
        elif text.startswith("\n", position):
            position += 1
        line += 1
        row_line = line
    # A writer that quotes every text cell ("quote all text cells") quotes the header too.
    evidence = evidence or (bool(first_row_quoted) and all(first_row_quoted))
    return rows, evidence, spans


def _same_width(rows: list[TsvRow]) -> bool:
    return len({len(row.cells) for row in rows}) <= 1


def parse_tsv(text: str) -> list[TsvRow]:
    """The rows of a TSV text, plain (no quoting) or quoted the way spreadsheets save it.

    The quoted form is taken only when the whole text is well-formed in it and something shows
    that a quoting writer made it: a doubled quote, a header of quoted names, or quoted cells
    holding tabs or line breaks that only the quoted reading gives rows of equal width.
    Otherwise every quote is text, so a plain TSV whose sentence is a quotation
    (``"Kami siap."``), or whose quotation opens in one row and closes in the next, reads as
    written.

    Args:
        text: the file's text (already decoded).

    Returns:
        The rows in order, each with the line it starts on; the final line break ends the last
        row rather than starting an empty one.
    """
    plain = _plain_rows(text)
    if '"' not in text:
        return plain
    quoted = _quoted_rows(text)
    if quoted is None:
        return plain
    rows, certain, spans = quoted
    if certain:
        return rows
    # Quotes around a cell holding a tab or line break, and nothing else to tell: the quoted
    # reading wins only when it alone gives every row the same number of cells.
    if spans and _same_width(rows) and not _same_width(plain):
        return rows
    return plain


#: A TSV warta reads (a glossary, corrections, references) is at most this large.
MAX_TSV_BYTES = 512 * 2**20


def read_tsv(path: Path, what: str = "file") -> list[TsvRow]:
    """Read a UTF-8 TSV file (with or without a BOM) with :func:`parse_tsv`.

    Args:
        path: the file.
        what: what the file is, for the error message (``glossary``, ``reference``...).

    Raises:
        InputError: the file cannot be read or is not UTF-8.
    """
    try:
        # bounded and regular files only: a FIFO or /dev/zero named as a TSV fails at once
        text = read_limited(path, MAX_TSV_BYTES, f"a {what}", f"the {what}").decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise InputError(f"{path}: cannot read the {what} ({reason})") from error
    return parse_tsv(text)
