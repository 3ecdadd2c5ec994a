"""warta's data files: the sample article and the word lists the stages read.

Files are found with ``data_file()`` so that they work from a checkout and from an install.
"""

from functools import cache
from importlib import resources
from pathlib import Path


def data_file(relative: str) -> Path:
    """The path of a file under ``data/``, e.g. ``data_file("wordlists/id_abbreviations.txt")``."""
    return Path(str(resources.files(__name__).joinpath(relative)))


def read_word_list(relative: str) -> list[str]:
    """The entries of a word list: one per line, ``#`` starts a comment, blank lines ignored."""
    entries = []
    for line in data_file(relative).read_text(encoding="utf-8").splitlines():
        entry = line.split("#", 1)[0].strip()
        if entry:
            entries.append(entry)
    return entries


@cache
def function_words(language: str) -> frozenset[str]:
    """The function words of ``id`` or ``en`` (``wordlists/<language>_function_words.txt``), read once."""
    return frozenset(read_word_list(f"wordlists/{language}_function_words.txt"))
