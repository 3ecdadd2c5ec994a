"""The layout of plain text: lines to blocks (headings, list items, paragraphs, a title).

Shared by every reader whose input is lines of text (plain text, Markdown, a PDF's text layer).
Two real layouts of plain-text press releases occur and both come out right:

* one paragraph per line, headings as short lines without final punctuation
  (the sample in ``data/samples/``), and
* paragraphs separated by blank lines (possibly hard-wrapped), with a title on the first line.

Markdown headings (``#``) and list items (``-``, ``*``, ``+``, ``1.``, ``1)``) are recognised
in both.
"""

import re

from pipeline.article import Block

# A heading is a short line without final punctuation (STYLE: the sample's layout).
_HEADING_MAX_WORDS = 20
_FINAL_PUNCTUATION = tuple('.!?;,:…')  # a line ending in ":" introduces what follows
_RULE = re.compile(r"^\s*([-*_=])(\s*\1){2,}\s*$")  # "---", "***", "___": a horizontal rule, not text
# Lines longer than this are paragraphs, not hard wraps: a hard-wrapped text keeps every
# line under the wrap width (72-100 columns in practice), except a line holding one word too
# long to break (a URL), which a wrapper puts on a line of its own.
_WRAP_WIDTH = 100
# A line that ends with room for the next word and a quarter of the width to spare was not wrapped.
_LINE_END_SHARE = 0.75
_MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_LIST_ITEM = re.compile(r"^\s*([-*+•]|\d{1,3}[.)])\s+(\S.*)$")


def line_groups(lines: list[str]) -> list[list[str]]:
    groups: list[list[str]] = [[]]
    for line in lines:
        if line and _RULE.match(line):
            line = ""  # a horizontal rule separates, like a blank line
        if line:
            groups[-1].append(line)
        elif groups[-1]:
            groups.append([])
    return [group for group in groups if group]


def is_hard_wrapped(groups: list[list[str]]) -> bool:
    # Blank-line separated paragraphs whose lines never exceed a wrap width (bar a single
    # unbreakable word): a line break inside a group is then a wrap, not a new paragraph.
    multi_line = [group for group in groups if len(group) > 1]
    if len(groups) < 2 or not multi_line:
        return False
    return all(len(line) <= _WRAP_WIDTH or " " not in line for group in multi_line for line in group)


def wrap_width(groups: list[list[str]]) -> int | None:
    """The width a hard-wrapped text was wrapped at: its longest line with a space among the
    groups of several lines; None when there is none."""
    widths = [len(line) for group in groups if len(group) > 1 for line in group if " " in line]
    return max(widths) if widths else None


def _breaks_are_line_ends(group: list[str], width: int) -> bool:
    # A wrapper breaks a line only where the next word would not fit. A group in which the next
    # word would have fitted easily after every line (a sign-off: "Plt. Kepala Biro ..." /
    # "drg. Murti Utami, MPH.", an address) was written line by line. One break that looks like
    # a wrap makes the whole group prose, as before: a sentence cut in two is the worse mistake.
    # A next line that opens lower case goes on the sentence ("dibuka mulai" / "bulan depan."),
    # unless it opens with a title (dr., drg., Ir.).
    def line_end(line: str, following: str) -> bool:
        first = following.split(" ", 1)[0]
        opens = first[:1].isupper() or first[:1].isdigit() or (first.endswith(".") and len(first) <= 5)
        return opens and len(line) + 1 + len(first) <= _LINE_END_SHARE * width

    return all(line_end(line, following) for line, following in zip(group, group[1:]))


def blocks_of_group(group: list[str], hard_wrapped: bool, width: int | None = None) -> list[Block]:
    """The blocks of one group of lines (lines between blank lines).

    Args:
        group: the lines, stripped.
        hard_wrapped: the text is hard-wrapped, so a line break inside a paragraph is a wrap.
        width: the text's wrap width (``wrap_width``); with it, a group whose lines all end well
            short of it keeps its lines as blocks of their own.
    """
    if hard_wrapped and width is not None and len(group) > 1 and _breaks_are_line_ends(group, width):
        hard_wrapped = False
    blocks: list[Block] = []
    for line in group:
        heading = _MARKDOWN_HEADING.match(line)
        item = _LIST_ITEM.match(line)
        if heading:
            blocks.append(Block("heading", heading.group(2), marker=heading.group(1)))
        elif item:
            blocks.append(Block("list_item", item.group(2).strip(), marker=item.group(1)))
        elif hard_wrapped and blocks and blocks[-1].kind in ("paragraph", "list_item") and not blocks[-1].marker.startswith("#"):
            blocks[-1].text = join_wrapped_lines([blocks[-1].text, line])
        else:
            blocks.append(Block("paragraph", line))
    return [block for block in blocks if block.text]


def join_wrapped_lines(lines: list[str]) -> str:
    """Join the lines of a hard-wrapped paragraph into one line.

    Lines are joined with a space, except that a line ending in a hyphen after a letter joins
    the next without one when that line starts lower-case: ``masing-`` + ``masing`` is
    ``masing-masing``. The hyphen is kept: Indonesian writes reduplication with one
    (``masing-masing``, ``rumah-rumah``) far more often than a text wrapper hyphenates a word,
    and a kept hyphen loses no letter. Before a line that starts with a capital or a digit
    the space stays: there the hyphen may be a dash written without spaces or an open range,
    and only a lower-case continuation is surely the same word.
    """
    text = ""
    for line in (line.strip() for line in lines):
        if not line:
            continue
        if text.endswith("-") and len(text) > 1 and text[-2].isalpha() and line[0].islower():
            text += line
        else:
            text = f"{text} {line}" if text else line
    return text


def looks_like_heading(text: str) -> bool:
    stripped = text.rstrip('"”’\')')
    return len(text.split()) <= _HEADING_MAX_WORDS and not stripped.endswith(_FINAL_PUNCTUATION)


def mark_title_and_headings(blocks: list[Block]) -> None:
    for block in blocks:
        if block.kind == "paragraph" and looks_like_heading(block.text):
            block.kind = "heading"
    first = blocks[0]
    if first.kind == "heading" and first.marker in ("", "#"):
        first.kind = "title"
