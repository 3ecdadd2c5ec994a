"""Reading articles: bytes on disk to an ``Article`` of blocks.

``read_article`` picks the reader by file type: plain text and Markdown here, Word
(``pipeline/reading_docx.py``) and web pages (``pipeline/reading_html.py``) in their modules.
An old binary Word ``.doc`` is refused with what to do about it.

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
_MARKDOWN_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")


def read_article(path: Path, name: str | None = None) -> Article:
    """Read an article file (``.txt``, ``.md``, ``.docx``, ``.html``/``.htm``) into an Article.

    Args:
        path: the file to read.
        name: the article's name in outputs; defaults to the file name without suffix.

    Returns:
        An Article whose blocks are filled in and whose sentences are still empty.

    Raises:
        InputError: the file cannot be read, is empty, binary, too large, corrupt, in an
            encoding that cannot be decoded safely, or of a type warta does not read.
    """
    suffix = path.suffix.lower()
    name = name or path.stem
    if suffix in (".docx", ".html", ".htm"):
        return _read_document(path, name, suffix)
    if suffix == ".doc":
        raise InputError(f"{path}: this is an old binary Word document (.doc); open it in Word or LibreOffice and save it as .docx")
    if suffix not in TEXT_SUFFIXES:
        raise InputError(f"{path}: unsupported file type '{path.suffix}' (warta reads {', '.join(READABLE_SUFFIXES)})")
    data = read_limited(path, MAX_TEXT_BYTES, "a text article")
    return parse_article_bytes(data, name=name, source=path, markdown=suffix == ".md")


def _read_document(path: Path, name: str, suffix: str) -> Article:
    from pipeline.reading_docx import read_docx
    from pipeline.reading_html import read_html

    reader = read_docx if suffix == ".docx" else read_html
    try:
        return reader(path, name)
    except InputError:
        raise
    except Exception as error:  # noqa: BLE001 - a third-party parser on a malformed file
        # python-docx, lxml and trafilatura raise many kinds of error on broken files (XML
        # syntax errors, missing parts, bad numbers); any of them means this one file cannot
        # be read, and a batch must go on.
        detail = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise InputError(f"{path}: cannot read the document ({type(error).__name__}{': ' + detail if detail else ''})") from error


def read_limited(path: Path, limit: int, what: str) -> bytes:
    """The bytes of ``path``, refusing a file larger than ``limit`` before reading it.

    Raises:
        InputError: the file is too large or cannot be read.
    """
    try:
        size = path.stat().st_size
        if size > limit:
            raise InputError(f"{path}: the file is {size / 1e6:.0f} MB, larger than the {limit // 2**20} MiB {what} may be")
        return path.read_bytes()
    except OSError as error:
        raise InputError(f"{path}: cannot read the file ({error.strerror or error})") from error


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
        markdown: strip Markdown emphasis markers; headings and lists are recognised anyway.

    Raises:
        InputError: there is no text.
    """
    lines = [line.strip() for line in text.split("\n")]
    groups = _line_groups(lines)
    if not groups:
        raise InputError(f"{source or name}: the file is empty")
    hard_wrapped = _is_hard_wrapped(groups)
    blocks: list[Block] = []
    for group in groups:
        blocks.extend(_blocks_of_group(group, hard_wrapped))
    if markdown:
        for block in blocks:
            block.text = _MARKDOWN_EMPHASIS.sub(r"\2", block.text)
    blocks = [block for block in blocks if block.text.strip()]
    if not blocks:
        raise InputError(f"{source or name}: the file has no text, only markup")
    _mark_title_and_headings(blocks)
    return Article(source=source, name=name, blocks=blocks)


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
            blocks[-1].text = f"{blocks[-1].text} {line}"
        else:
            blocks.append(Block("paragraph", line))
    return [block for block in blocks if block.text]


def _looks_like_heading(text: str) -> bool:
    stripped = text.rstrip('"”’\')')
    return len(text.split()) <= _HEADING_MAX_WORDS and not stripped.endswith(_FINAL_PUNCTUATION)


def _mark_title_and_headings(blocks: list[Block]) -> None:
    for index, block in enumerate(blocks):
        if block.kind == "paragraph" and _looks_like_heading(block.text):
            block.kind = "heading"
    first = blocks[0]
    if first.kind == "heading" and first.marker in ("", "#"):
        first.kind = "title"
