"""Reading: a file on disk to an ``Article`` of blocks, by file type.

``read_article`` is the entry point: plain text and Markdown (``text.py``), Word
(``docx.py``) and web pages (``html.py``). An old binary Word ``.doc`` is refused with what
to do about it.
"""

from pathlib import Path

from pipeline.article import Article
from pipeline.errors import InputError
from pipeline.files import read_limited
from pipeline.reading.text import (
    ARTICLE_SUFFIXES,
    MAX_TEXT_BYTES,
    READABLE_SUFFIXES,
    TEXT_SUFFIXES,
    parse_article_bytes,
    parse_article_text,
)

__all__ = [
    "ARTICLE_SUFFIXES", "READABLE_SUFFIXES", "TEXT_SUFFIXES", "parse_article_bytes", "parse_article_text", "read_article",
]


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
    # Imported on use: python-docx and trafilatura are heavy, and a text run needs neither.
    from pipeline.reading.docx import read_docx
    from pipeline.reading.html import read_html

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
