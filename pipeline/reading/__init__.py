"""Reading: a file on disk to an ``Article`` of blocks, by file type.

``read_article`` is the entry point. Which reader reads which suffix is ``formats.py``'s
registry (``READER_FORMATS``): plain text and Markdown (``text.py``, with ``decoding.py``,
``layout.py`` and ``markdown.py``), Word (``docx.py``), web pages (``html.py``) and PDF
(``pdf.py``). A file of any other type is refused with what to do about it.
"""

from pathlib import Path

from pipeline.article import Article
from pipeline.errors import InputError, one_line
from pipeline.reading.decoding import replace_control_characters
from pipeline.reading.formats import READABLE_SUFFIXES, READER_FORMATS, ReaderFormat, reader_format, why_unreadable
from pipeline.reading.text import MAX_TEXT_BYTES, parse_article_bytes, parse_article_text

__all__ = [
    "MAX_TEXT_BYTES", "READABLE_SUFFIXES", "READER_FORMATS", "ReaderFormat", "parse_article_bytes", "parse_article_text",
    "read_article", "reader_format", "why_unreadable",
]


def read_article(path: Path, name: str | None = None) -> Article:
    """Read an article file of any type in ``READER_FORMATS`` into an Article.

    Args:
        path: the file to read.
        name: the article's name in outputs; defaults to the file name without suffix.

    Returns:
        An Article whose blocks are filled in and whose sentences are still empty.

    Raises:
        InputError: the file cannot be read, is empty, binary, too large, corrupt, in an
            encoding that cannot be decoded safely, or of a type warta does not read.
    """
    entry = reader_format(path)
    if entry is None:
        raise InputError(f"{path}: {why_unreadable(path)}")
    try:
        reader = entry.load()
    except InputError as error:
        raise InputError(f"{path}: {error}") from error
    try:
        article = reader(path, name or path.stem)
    except InputError:
        raise
    except Exception as error:  # a third-party parser on a malformed file
        # python-docx, lxml, trafilatura and the PDF parser raise many kinds of error on broken
        # files (XML syntax errors, missing parts, bad numbers); any of them means this one
        # file cannot be read, and a batch must go on.
        detail = one_line(error) if str(error).strip() else ""
        raise InputError(f"{path}: cannot read the document ({type(error).__name__}{': ' + detail if detail else ''})") from error
    replace_control_characters(article)
    return article
