"""Text that comes from outside (a client's file name, pasted text, an edit, a comment) kept as text.

The server stores what a client sends, shows it on the page, writes it into Word, Excel and TMX
files and names it in its log. A control character is none of these: XML 1.0 forbids most
(one in an edit made every download of its job fail), SQLite cannot store a lone surrogate, and
a terminal obeys an escape sequence in a log line. So, as the translation memory does on import
(``pipeline.memory.normalise.clean_text``), they are made spaces; a multi-line text keeps its
line breaks and tabs, a one-line name loses those too, and its bidirectional controls (which
make ``txt.exe`` read as another name).
"""

import re

from pipeline.characters import NOT_TEXT

# Bidirectional marks, embeddings, overrides and isolates.
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def is_text(value: str) -> bool:
    """Whether ``value`` can be stored and sent (no lone surrogate, which JSON's ``\\ud800`` makes)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def clean_text(text: str) -> str:
    """A multi-line text as the server keeps it: ``\\r\\n`` and ``\\r`` a line break, any other
    control character a space."""
    return NOT_TEXT.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))


def clean_line(text: str) -> str:
    """One line as the server shows and logs it: control and bidirectional characters out, white space one space."""
    return " ".join(_BIDI.sub("", NOT_TEXT.sub(" ", text)).split())
