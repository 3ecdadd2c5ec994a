"""Plain-text and Markdown articles: bytes to an ``Article`` of blocks.

Two real layouts of plain-text press releases occur and both come out right:

* one paragraph per line, headings as short lines without final punctuation
  (the sample in ``data/samples/``), and
* paragraphs separated by blank lines (possibly hard-wrapped), with a title on the first line.

Markdown headings (``#``) and list items (``-``, ``*``, ``+``, ``1.``, ``1)``) are recognised
in both. Text must be UTF-8 (with or without BOM, CRLF or LF) or UTF-16 with a BOM; other
bytes are decoded as Windows-1252 only when the result is plausibly Latin text, and refused
otherwise (a GBK or Shift-JIS file among them, even one that is mostly Latin letters), so that
no file is ever turned into mojibake silently.
"""

import codecs
import hashlib
import html
import re
from pathlib import Path

from pipeline.article import Article, Block
from pipeline.errors import InputError

#: Plain-text file types.
TEXT_SUFFIXES = (".txt", ".md")
#: Every file type warta reads.
READABLE_SUFFIXES = (*TEXT_SUFFIXES, ".docx", ".html", ".htm")
#: File types the batch walker picks up: the readable ones, and old Word files, so that
#: each is reported with the reason it cannot be read instead of being passed over silently.
ARTICLE_SUFFIXES = (*READABLE_SUFFIXES, ".doc")

#: Larger text files are refused: no press release is this long, and a mistaken
#: multi-gigabyte log would otherwise be read into memory whole.
MAX_TEXT_BYTES = 20 * 1024 * 1024

# A heading is a short line without final punctuation (STYLE: the sample's layout).
_HEADING_MAX_WORDS = 20
_FINAL_PUNCTUATION = tuple('.!?;,:…')  # a line ending in ":" introduces what follows
_RULE = re.compile(r"^\s*([-*_=])(\s*\1){2,}\s*$")  # "---", "***", "___": a horizontal rule, not text
# Lines longer than this are paragraphs, not hard wraps: a hard-wrapped text keeps every
# line under the wrap width (72-100 columns in practice), except a line holding one word too
# long to break (a URL), which a wrapper puts on a line of its own.
_WRAP_WIDTH = 100
# Typographic punctuation that Windows-1252 text puts next to other non-ASCII characters
# (“Café”, …”, —“); any other pair of adjacent non-ASCII characters (ÖÐ, ¹ã) is what a
# multi-byte encoding (GBK, Big5, Shift-JIS, EUC-KR) looks like decoded one byte at a time.
_CP1252_PUNCTUATION = frozenset("“”‘’…–—«»•·")

_MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_LIST_ITEM = re.compile(r"^\s*([-*+•]|\d{1,3}[.)])\s+(\S.*)$")
_HTML_TAG = re.compile(r"<[^>]*>")
# Markup pasted from a web CMS into a plain-text release: comments, scripts and styles, and the
# tags of ordinary HTML by name (so "nilai <5%" or "a < b" stay text). A browser shows none of it.
_PASTED_MARKUP = re.compile(
    r"<!--.*?-->|<(script|style)\b[^>]*>.*?</\1\s*>"
    r"|</?(?:p|div|span|br|hr|b|i|u|s|em|strong|a|font|h[1-6]|ul|ol|li|dl|dt|dd|table|thead|tbody|tfoot|tr|td|th|caption"
    r"|blockquote|section|article|header|footer|main|aside|nav|sup|sub|small|big|mark|img|figure|figcaption|center|pre|code)"
    r"(?:\s[^<>]*)?/?>",
    re.IGNORECASE | re.DOTALL,
)
# Tags that start a new block where a browser shows them (a paragraph, a line break, a cell);
# the others (b, a, span, ...) sit inside a word's run and join with nothing.
_BREAKING_TAG = re.compile(
    r"</?(?:p|div|br|hr|h[1-6]|ul|ol|li|dl|dt|dd|table|tr|td|th|caption|blockquote|section|article|header|footer|main|aside|nav"
    r"|figure|figcaption|center|pre)\b",
    re.IGNORECASE,
)


def parse_article_bytes(data: bytes, name: str, source: Path | None = None, markdown: bool = False) -> Article:
    """Decode and parse raw bytes of a plain-text or Markdown article.

    Raises:
        InputError: as ``read_article``.
    """
    where = str(source) if source else name
    text, encoding = decode_text(data, where)
    article = parse_article_text(text, name=name, source=source, markdown=markdown)
    article.sha256 = hashlib.sha256(data).hexdigest()
    article.encoding = encoding
    if encoding == "cp1252":
        article.warnings.append("the file is not UTF-8; it was decoded as Windows-1252 (cp1252)")
    return article


def decode_text(data: bytes, where: str) -> tuple[str, str]:
    """Decode article bytes to text with normalised newlines.

    Returns:
        ``(text, encoding)`` where encoding is ``utf-8``, ``utf-8-sig``, ``utf-16`` or ``cp1252``.

    Raises:
        InputError: empty, binary, or not safely decodable.
    """
    if not data.strip():
        raise InputError(f"{where}: the file is empty")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text, encoding = data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as error:
            raise InputError(f"{where}: starts with a UTF-16 mark but is not valid UTF-16 ({error.reason})") from error
    elif b"\x00" in data[:8192]:
        if _looks_like_utf16_without_bom(data):
            raise InputError(
                f"{where}: the file looks like UTF-16 text without a byte-order mark; "
                "save it as UTF-8 (or UTF-16 with a BOM) and try again"
            )
        raise InputError(f"{where}: this is a binary file, not text (it contains NUL bytes)")
    else:
        try:
            encoding = "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"
            text = data.decode(encoding)
        except UnicodeDecodeError:
            text, encoding = _decode_legacy(data, where), "cp1252"
    if _looks_binary(text):
        raise InputError(f"{where}: this is a binary file, not text (it is mostly control characters)")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError(f"{where}: the file is empty")
    return text, encoding


def _decode_legacy(data: bytes, where: str) -> str:
    # Windows-1252 is what Indonesian offices' older Windows tools write. It decodes almost
    # any bytes, so a wrong guess shows as a flood of accented letters (GBK, Shift-JIS...):
    # accept it only when the result reads like Latin-script text.
    refusal = f"{where}: the file is not UTF-8 and does not decode as Windows-1252 text; save it as UTF-8 and try again"
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise InputError(refusal) from error
    letters = [ch for ch in text if ch.isalpha()]
    non_ascii = sum(1 for ch in letters if ord(ch) > 127)
    if not letters or non_ascii / len(letters) > 0.05:
        raise InputError(refusal)
    # The share of accented letters alone lets through an Indonesian text that names a Chinese
    # hospital in GBK ("(广州现代肿瘤医院)" becomes "(¹ãÖÝÏÖ´ú...)"): Latin text almost never puts
    # two non-ASCII characters side by side, a multi-byte encoding nearly always does.
    for pair in zip(text, text[1:]):
        if all(ord(ch) > 127 and not ch.isspace() and ch not in _CP1252_PUNCTUATION for ch in pair):
            raise InputError(refusal)
    return text


def _looks_like_utf16_without_bom(data: bytes) -> bool:
    # Latin text in UTF-16 has a NUL in every other byte; a binary file has them anywhere.
    sample = data[:8192]
    half = len(sample) // 2
    return half > 0 and max(sample[0::2].count(0), sample[1::2].count(0)) >= 0.9 * half


def _looks_binary(text: str) -> bool:
    sample = text[:8192]
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f") + sample.count("\ufffd")
    return control > max(8, len(sample) // 20)


def parse_article_text(text: str, name: str, source: Path | None = None, markdown: bool = False) -> Article:
    """Parse article text into blocks (title, headings, paragraphs, list items).

    Args:
        text: the article, newlines already normalised to ``\\n``.
        name: the article's name in outputs.
        source: the file it came from, if any.
        markdown: read the text as Markdown (``_markdown_blocks``): only the text a reader sees
            goes on; in plain text, headings and lists are recognised anyway.

    Raises:
        InputError: there is no text.
    """
    removed = 0
    if markdown:
        blocks = _markdown_blocks(text)
    else:
        lines = [line.strip() for line in text.split("\n")]
        groups = _line_groups(lines)
        if not groups:
            raise InputError(f"{source or name}: the file is empty")
        hard_wrapped = _is_hard_wrapped(groups)
        blocks = []
        for group in groups:
            blocks.extend(_blocks_of_group(group, hard_wrapped))
        blocks, removed = _without_pasted_markup(blocks)
    blocks = [block for block in blocks if block.text.strip()]
    if not blocks:
        raise InputError(f"{source or name}: the file has no text, only markup")
    _mark_title_and_headings(blocks)
    article = Article(source=source, name=name, blocks=blocks)
    if removed:
        article.warnings.append(f"{removed} HTML tag(s) pasted into the text were removed; only the text a browser shows is translated")
    return article


def _without_pasted_markup(blocks: list[Block]) -> tuple[list[Block], int]:
    """Blocks with pasted HTML removed, and how many tags were removed.

    A release copied out of a web CMS into a ``.txt`` file keeps its tags
    (``<p>...</p> <p>...</p>``); sent to the model they are mistranslated, and a paragraph
    break hidden in a tag is no sentence boundary to the splitter. Only what a browser shows
    is kept: a block breaks where a browser breaks it (``p``, ``br``, ``li``, ...), inline tags
    join with nothing (``<b>Wakil</b> Gubernur``), entities are decoded. The first piece keeps
    the block's kind and marker; the pieces after it are paragraphs.
    """
    result: list[Block] = []
    removed = 0
    for block in blocks:
        if not _PASTED_MARKUP.search(block.text):
            result.append(block)
            continue
        pieces, position = [""], 0
        for match in _PASTED_MARKUP.finditer(block.text):
            removed += 1
            pieces[-1] += block.text[position : match.start()]
            position = match.end()
            if _BREAKING_TAG.match(match.group(0)):
                pieces.append("")
        pieces[-1] += block.text[position:]
        texts = [" ".join(html.unescape(piece).split()) for piece in pieces]
        texts = [text for text in texts if text]
        for number, text in enumerate(texts):
            if number == 0:
                result.append(Block(block.kind, text, marker=block.marker, cell=block.cell))
            else:
                result.append(Block("paragraph", text))
    return result, removed


def _markdown_blocks(text: str) -> list[Block]:
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
    hard_wrapped = _is_hard_wrapped([lines for _, _, lines, _ in pieces if any(line.strip() for line in lines)])
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


def _line_groups(lines: list[str]) -> list[list[str]]:
    groups: list[list[str]] = [[]]
    for line in lines:
        if line and _RULE.match(line):
            line = ""  # a horizontal rule separates, like a blank line
        if line:
            groups[-1].append(line)
        elif groups[-1]:
            groups.append([])
    return [group for group in groups if group]


def _is_hard_wrapped(groups: list[list[str]]) -> bool:
    # Blank-line separated paragraphs whose lines never exceed a wrap width (bar a single
    # unbreakable word): a line break inside a group is then a wrap, not a new paragraph.
    multi_line = [group for group in groups if len(group) > 1]
    if len(groups) < 2 or not multi_line:
        return False
    return all(len(line) <= _WRAP_WIDTH or " " not in line for group in multi_line for line in group)


def _blocks_of_group(group: list[str], hard_wrapped: bool) -> list[Block]:
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


def _looks_like_heading(text: str) -> bool:
    stripped = text.rstrip('"”’\')')
    return len(text.split()) <= _HEADING_MAX_WORDS and not stripped.endswith(_FINAL_PUNCTUATION)


def _mark_title_and_headings(blocks: list[Block]) -> None:
    for block in blocks:
        if block.kind == "paragraph" and _looks_like_heading(block.text):
            block.kind = "heading"
    first = blocks[0]
    if first.kind == "heading" and first.marker in ("", "#"):
        first.kind = "title"
