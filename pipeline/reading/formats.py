"""The reader registry: every file type warta reads, and those it knows but cannot read.

One table from which the reader, the batch walker, the command line's help and every error
message take the list of types, so that adding a reader is one entry here. A reader is named
by its module and function and imported only when a file of its type is read: a run over
text files never imports python-docx, trafilatura or the PDF libraries.
"""

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.article import Article


@dataclass(frozen=True)
class ReaderFormat:
    """One readable file type.

    Attributes:
        suffixes: the file suffixes it covers, lower case with the dot (``.html``, ``.htm``).
        description: what a user calls such a file ("Word document").
        reader: ``module:function`` of the reader, ``function(path, name) -> Article``; it
            raises ``InputError`` for a file it cannot read.
        max_bytes: the largest file it reads; a larger one is refused before it is parsed.
        requires: the Python package its reader imports beyond the core (the import name),
            with the ``pip install`` that brings it; "" when the core has it.
        install: the ``pip install`` argument for ``requires``.
    """

    suffixes: tuple[str, ...]
    description: str
    reader: str
    max_bytes: int
    requires: str = ""
    install: str = ""

    def load(self) -> Callable[[Path, str], "Article"]:
        """The reader function, imported now.

        Raises:
            InputError: the package the reader needs is not installed (with the command to install it).
        """
        from pipeline.errors import InputError

        if self.requires and importlib.util.find_spec(self.requires) is None:
            raise InputError(f"reading a {self.description} needs the Python package '{self.requires}': pip install '{self.install or self.requires}'")
        module, function = self.reader.split(":")
        reader: Callable[[Path, str], Article] = getattr(importlib.import_module(module), function)
        return reader


_MIB = 1024 * 1024

#: The types warta reads, in the order the help lists them.
READER_FORMATS: tuple[ReaderFormat, ...] = (
    ReaderFormat((".txt",), "plain-text article", "pipeline.reading.text:read_text", 20 * _MIB),
    ReaderFormat((".md",), "Markdown article", "pipeline.reading.text:read_markdown", 20 * _MIB),
    ReaderFormat((".docx",), "Word document", "pipeline.reading.docx:read_docx", 50 * _MIB),
    ReaderFormat((".html", ".htm"), "web page", "pipeline.reading.html:read_html", 10 * _MIB),
    ReaderFormat((".pdf",), "PDF document", "pipeline.reading.pdf:read_pdf", 100 * _MIB, requires="pdfplumber", install="pdfplumber"),
)

#: Office types warta does not read, with what to do about each; any other suffix gets the
#: list of what warta reads.
KNOWN_UNREADABLE: dict[str, str] = {
    ".doc": "an old binary Word document (.doc); open it in Word or LibreOffice and save it as .docx",
    ".odt": "an OpenDocument text (.odt); save it as .docx in LibreOffice (File > Save As > Word 2007-365)",
    ".rtf": "a Rich Text Format file (.rtf); save it as .docx in Word or LibreOffice",
    ".pages": "an Apple Pages document; export it as Word (.docx) from Pages",
    ".wpd": "a WordPerfect document; save it as .docx",
    ".xls": "a spreadsheet, not an article",
    ".xlsx": "a spreadsheet, not an article",
    ".ods": "a spreadsheet, not an article",
    ".ppt": "a presentation, not an article; save its text as .docx or .txt",
    ".pptx": "a presentation, not an article; save its text as .docx or .txt",
    ".odp": "a presentation, not an article; save its text as .docx or .txt",
}

_BY_SUFFIX = {suffix: entry for entry in READER_FORMATS for suffix in entry.suffixes}

#: Every suffix warta reads, in the order of ``READER_FORMATS``.
READABLE_SUFFIXES: tuple[str, ...] = tuple(_BY_SUFFIX)


def reader_format(path: Path) -> ReaderFormat | None:
    """The registry entry for ``path``'s suffix (case-insensitive), or None when warta does not read it."""
    return _BY_SUFFIX.get(path.suffix.lower())


def size_limit(suffix: str) -> int:
    """The largest file the reader of ``suffix`` reads, in bytes (the registry is the one place it is set)."""
    return _BY_SUFFIX[suffix].max_bytes


def why_unreadable(path: Path) -> str:
    """Why a file of ``path``'s type cannot be read, with what to do: for a type warta does not read."""
    suffix = path.suffix.lower()
    if suffix in KNOWN_UNREADABLE:
        return f"this is {KNOWN_UNREADABLE[suffix]}"
    kind = f"file type '{path.suffix}'" if path.suffix else "a file without a suffix"
    return f"unsupported {kind} (warta reads {' '.join(READABLE_SUFFIXES)})"
