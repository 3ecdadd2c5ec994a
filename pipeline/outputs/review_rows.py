"""What ``review.html`` shows of an article: its rows, grouped as the article is, and its summary.

One row per source sentence, numbered as in ``aligned.tsv``. A block's sentences are rows of the
page's table; the cells of a source table (blocks of kind ``table_cell`` with ``Block.cell``) are
laid out as that table, rows and columns, each cell holding its sentences as rows of their own,
so a reviewer reads the table as the source shows it and still edits and approves sentence by
sentence (the export keeps one row per sentence).
"""

from dataclasses import dataclass, field

from pipeline.article import Article, Block, MemorySuggestion
from pipeline.outputs.flag_words import FlagMark, LegendLine, counted, flag_legend, flag_mark

# Markers the style sheet draws as a bullet; any other (``3.``, ``b)``) is shown as the source has it.
_BULLETS = ("", "-", "*", "+", "•")


@dataclass
class ReviewRow:
    """One source sentence on the page.

    Attributes:
        number: the row's number, from 1, as in ``aligned.tsv``.
        block: the 1-based number of its block.
        kind: its block's kind (``heading``, ``table_cell``...).
        texts: language -> the sentence in it (``id``, ``en``, ``zh``).
        marker: the list marker as the source shows it ("3.", "b)"), on a list item's first row.
        bullet: a list item's first row whose marker is drawn as a bullet.
        flags: the row's flags as marks, in the order they were raised.
        score: the weakest target's model score, for "least sure first"; None for a row with
            none (taken from the memory, or passed through).
        suggestion: a near match from the translation memory.
        protected: the texts kept verbatim through translation (links, numbers, names).
        enforced: target -> the glossary terms put into that translation.
    """

    number: int
    block: int
    kind: str
    texts: dict[str, str]
    marker: str = ""
    bullet: bool = False
    flags: list[FlagMark] = field(default_factory=list)
    score: float | None = None
    suggestion: MemorySuggestion | None = None
    protected: list[str] = field(default_factory=list)
    enforced: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class BlockRows:
    """A block that is not a table cell: its rows, one after the other."""

    block: int
    rows: list[ReviewRow]
    kind: str = "block"


@dataclass
class TableCell:
    """A cell of a source table: its block's number and its sentences' rows."""

    block: int
    rows: list[ReviewRow]


@dataclass
class SourceTable:
    """A table of the source, laid out as it is: ``grid[row][column]``, None where no cell has text."""

    number: int
    grid: list[list[TableCell | None]]
    kind: str = "table"

    @property
    def rows(self) -> list[ReviewRow]:
        """The table's rows (sentences), in document order."""
        cells = sorted((cell for line in self.grid for cell in line if cell is not None), key=lambda cell: cell.block)
        return [row for cell in cells for row in cell.rows]

    @property
    def flagged(self) -> bool:
        """Whether any sentence of the table has a flag."""
        return any(row.flags for row in self.rows)


@dataclass
class SummaryItem:
    """A summary sentence: its three languages, the rows that support it, and its flags."""

    texts: dict[str, str]
    rows: list[int]
    flags: list[FlagMark]


@dataclass
class ReviewContent:
    """Everything the page shows of the article.

    Attributes:
        sections: the blocks and source tables, in document order.
        rows: every row, in order.
        summary: the summary's sentences.
        legend: a line for each flag shown on the page, with how many rows (or summary sentences) carry it.
    """

    sections: list[BlockRows | SourceTable]
    rows: list[ReviewRow]
    summary: list[SummaryItem]
    legend: list[LegendLine]


def _rows_of(block: Block, block_number: int, first: int) -> list[ReviewRow]:
    rows = []
    for sentence_number, sentence in enumerate(block.sentences, start=1):
        opens_item = block.kind == "list_item" and sentence_number == 1
        rows.append(ReviewRow(
            number=first + sentence_number - 1, block=block_number, kind=block.kind,
            texts={"id": sentence.text, "en": sentence.en, "zh": sentence.zh},
            marker=block.marker if opens_item and block.marker not in _BULLETS else "",
            bullet=opens_item and block.marker in _BULLETS,
            flags=[flag_mark(flag, sentence.qa.get(flag)) for flag in sentence.flags],
            # the weakest target sorts the row: it is the one to read first
            score=min(sentence.scores.values()) if sentence.scores else None,
            suggestion=sentence.suggestion,
            # what was fixed, so the reviewer sees which words are not to be changed
            protected=[span["text"] for span in sentence.protected],
            enforced={language: ids for language, ids in sentence.enforced.items() if ids},
        ))
    return rows


def _table(number: int, cells: list[tuple[int, tuple[int, int, int], list[ReviewRow]]]) -> SourceTable:
    # Positions are the source's (0-based row and column); a position no cell with text took,
    # a merged cell's continuation or an empty cell, stays empty.
    height = 1 + max(place[1] for _, place, _ in cells)
    width = 1 + max(place[2] for _, place, _ in cells)
    grid: list[list[TableCell | None]] = [[None] * width for _ in range(height)]
    for block_number, (_, row, column), rows in cells:
        found = grid[row][column]
        if found is None:
            grid[row][column] = TableCell(block_number, rows)
        else:  # two blocks at one place (a cell's text continued): one cell, both texts
            found.rows.extend(rows)
    return SourceTable(number, grid)


def review_content(article: Article) -> ReviewContent:
    """The rows, sections, summary and legend of ``article``'s review page."""
    sections: list[BlockRows | SourceTable] = []
    rows: list[ReviewRow] = []
    row_of: dict[tuple[int, int], int] = {}
    table: list[tuple[int, tuple[int, int, int], list[ReviewRow]]] = []
    tables = 0

    def close_table() -> None:
        nonlocal tables
        if table:
            tables += 1
            sections.append(_table(tables, list(table)))
            table.clear()

    for block_number, block in enumerate(article.blocks, start=1):
        block_rows = _rows_of(block, block_number, len(rows) + 1)
        for row in block_rows:
            row_of[(block_number, row.number - block_rows[0].number + 1)] = row.number
        rows.extend(block_rows)
        if block.kind == "table_cell" and block.cell is not None:
            # consecutive cells of one source table make one table on the page
            if table and table[0][1][0] != block.cell[0]:
                close_table()
            table.append((block_number, block.cell, block_rows))
            continue
        close_table()
        sections.append(BlockRows(block_number, block_rows))
    close_table()

    summary = []
    for item in article.summary:
        # every supporting row, best first; an extractive sentence's own row is its first source
        linked = [row_of[source] for source in item.sources if source in row_of]
        own = row_of.get((item.block, item.sentence))
        if own is not None and own not in linked:
            linked.insert(0, own)
        summary.append(SummaryItem({"id": item.id, "en": item.en, "zh": item.zh}, linked, [flag_mark(flag) for flag in item.flags]))

    in_rows = [mark.flag for row in rows for mark in row.flags]
    in_summary = [mark.flag for item in summary for mark in item.flags]
    words = {
        flag: ", ".join(part for part in (
            counted(in_rows.count(flag), "row", "rows") if flag in in_rows else "",
            counted(in_summary.count(flag), "summary sentence", "summary sentences") if flag in in_summary else "",
        ) if part)
        for flag in {*in_rows, *in_summary}
    }
    return ReviewContent(sections, rows, summary, flag_legend(words, words))
