"""Plain-text and Markdown articles: bytes to an ``Article`` of blocks.

Decoding is ``decoding.py``'s, the layout of lines ``layout.py``'s, Markdown ``markdown.py``'s;
this module reads the file and removes HTML pasted into a plain-text release.
"""

import hashlib
import html
import re
from pathlib import Path

from pipeline.article import Article, Block
from pipeline.errors import InputError
from pipeline.files import read_limited
from pipeline.reading.decoding import decode_text, replace_control_characters
from pipeline.reading.formats import size_limit
from pipeline.reading.layout import blocks_of_group, is_hard_wrapped, line_groups, mark_title_and_headings, wrap_width
from pipeline.reading.markdown import markdown_blocks

#: Larger text files are refused: no press release is this long, and a mistaken
#: multi-gigabyte log would otherwise be read into memory whole.
MAX_TEXT_BYTES = size_limit(".txt")

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



def read_text(path: Path, name: str) -> Article:
    """Read a plain-text article (``.txt``).

    Raises:
        InputError: unreadable, not a regular file, too large, empty, binary, or not decodable.
    """
    return parse_article_bytes(read_limited(path, MAX_TEXT_BYTES, "a text article"), name=name, source=path)


def read_markdown(path: Path, name: str) -> Article:
    """Read a Markdown article (``.md``): only the text the rendered page shows.

    Raises:
        InputError: as ``read_text``.
    """
    return parse_article_bytes(read_limited(path, MAX_TEXT_BYTES, "a text article"), name=name, source=path, markdown=True)


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


def parse_article_text(text: str, name: str, source: Path | None = None, markdown: bool = False) -> Article:
    """Parse article text into blocks (title, headings, paragraphs, list items).

    Args:
        text: the article, newlines already normalised to ``\\n``.
        name: the article's name in outputs.
        source: the file it came from, if any.
        markdown: read the text as Markdown (``markdown.markdown_blocks``): only the text a reader sees
            goes on; in plain text, headings and lists are recognised anyway.

    Raises:
        InputError: there is no text.
    """
    removed = 0
    if markdown:
        blocks = markdown_blocks(text)
    else:
        lines = [line.strip() for line in text.split("\n")]
        groups = line_groups(lines)
        if not groups:
            raise InputError(f"{source or name}: the file is empty")
        hard_wrapped = is_hard_wrapped(groups)
        width = wrap_width(groups) if hard_wrapped else None
        blocks = []
        for group in groups:
            blocks.extend(blocks_of_group(group, hard_wrapped, width))
        blocks, removed = _without_pasted_markup(blocks)
    blocks = [block for block in blocks if block.text.strip()]
    if not blocks:
        raise InputError(f"{source or name}: the file has no text, only markup")
    mark_title_and_headings(blocks)
    article = Article(source=source, name=name, blocks=blocks)
    replace_control_characters(article)  # text given directly does not pass read_article
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
