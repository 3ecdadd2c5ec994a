"""Markdown articles: the text a reader of the rendered page sees, as blocks."""

import html
import re

from pipeline.article import Block
from pipeline.reading.layout import is_hard_wrapped, join_wrapped_lines

_HTML_TAG = re.compile(r"<[^>]*>")


def markdown_blocks(text: str) -> list[Block]:
    """Blocks of a Markdown text, read with markdown-it-py (CommonMark, plus tables).

    Only what a reader of the rendered page sees goes on: emphasis, link and quote markers and
    raw HTML tags are dropped; link text is kept and its URL dropped (the URL is not prose, and
    a model would only garble it; a bare URL written in the text stays); code is kept as text;
    a blockquote's paragraphs are paragraphs. Headings keep their level as the marker ("##"),
    list items their bullet or their number as the page shows it (start + position, so a
    list written "1. 1. 1." is 1., 2., 3.), nested items are blocks of their own, table cells
    ``table_cell`` blocks. A paragraph's lines are joined as in plain text: hard-wrapped
    paragraphs into one block, a text written one paragraph per line (the layout of many
    releases) line by line.
    """
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").enable("strikethrough").parse(text)
    # (kind, marker, lines, cell) first: whether lines are wraps depends on the whole text.
    pieces: list[tuple[str, str, list[str], tuple[int, int, int] | None]] = []
    lists: list[list[object]] = []  # per open list: [ordered, next number, delimiter]
    pending_marker: str | None = None  # a list item's marker, for its first paragraph
    table, row, column = -1, -1, -1
    heading_level, in_cell = 0, False
    for token in tokens:
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            start = int(token.attrGet("start") or 1) if kind == "ordered_list_open" else 0
            lists.append([kind == "ordered_list_open", start, token.markup])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif kind == "list_item_open":
            ordered, number, delimiter = lists[-1]
            if ordered:
                pending_marker = f"{number}{delimiter}"
                lists[-1][1] = int(number) + 1  # type: ignore[call-overload]
            else:
                pending_marker = str(delimiter)
        elif kind == "heading_open":
            heading_level = int(token.tag[1:])
        elif kind == "table_open":
            table, row = table + 1, -1
        elif kind == "tr_open":
            row, column = row + 1, -1
        elif kind in ("th_open", "td_open"):
            column, in_cell = column + 1, True
        elif kind in ("th_close", "td_close"):
            in_cell = False
        elif kind == "inline":
            lines = _markdown_inline_lines(token)
            if heading_level:
                pieces.append(("heading", "#" * heading_level, [" ".join(lines)], None))
            elif in_cell:
                pieces.append(("table_cell", "", [" ".join(lines)], (table, row, column)))
            elif pending_marker is not None:
                pieces.append(("list_item", pending_marker, lines, None))
                pending_marker = None
            else:
                pieces.append(("paragraph", "", lines, None))
        elif kind == "heading_close":
            heading_level = 0
        elif kind == "table_close":
            row, column = -1, -1
        elif kind in ("fence", "code_block"):
            pieces.append(("paragraph", "", [line for line in token.content.split("\n") if line.strip()], None))
        elif kind == "html_block":
            lines = [html.unescape(_HTML_TAG.sub(" ", line)) for line in token.content.split("\n")]
            pieces.append(("paragraph", "", [line for line in lines if line.strip()], None))
    hard_wrapped = is_hard_wrapped([lines for _, _, lines, _ in pieces if any(line.strip() for line in lines)])
    blocks: list[Block] = []
    for kind, marker, lines, cell in pieces:
        lines = [" ".join(line.split()) for line in lines if line.strip()]
        if kind == "paragraph" and not hard_wrapped:
            blocks.extend(Block("paragraph", line) for line in lines)
        elif lines:
            blocks.append(Block(kind, join_wrapped_lines(lines), marker=marker, cell=cell))
    return blocks


def _markdown_inline_lines(token: object) -> list[str]:
    # The text of an inline token, split at its soft line breaks (a hard break is a space).
    lines = [""]
    for child in token.children or []:  # type: ignore[attr-defined]
        if child.type in ("text", "code_inline"):
            lines[-1] += child.content
        elif child.type == "softbreak":
            lines.append("")
        elif child.type == "hardbreak":
            lines[-1] += " "
        elif child.type == "html_inline":
            lines[-1] += " " if child.content.lower().startswith("<br") else ""
        elif child.type == "image":
            lines[-1] += child.content  # the alt text, which the page shows in its place
    return lines
