"""How a source sentence is compared with the memory's: the key both sides are reduced to.

Two sentences match exactly when their keys are equal. The key forgives what a reviewer's
tools change without changing the meaning: runs of white space (a tab, a no-break space, a
line break from a spreadsheet), quote styles (curly, low, guillemets, straight), and the
Unicode form (NFKC: a composed and a decomposed ``é``, a full-width digit and an ASCII one).
It forgives nothing else: case, punctuation other than quotes, and above all numbers stay
as written, so a boilerplate sentence with another date or amount never takes the old
translation (issue 13).
"""

import re
import unicodedata

# Every double-quote-like and single-quote-like character a word processor or CAT tool
# writes, folded to the ASCII ones.
_DOUBLE_QUOTES = str.maketrans(dict.fromkeys("\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033\u301d\u301e\uff02", '"'))
_SINGLE_QUOTES = str.maketrans(dict.fromkeys("\u2018\u2019\u201a\u201b\u2039\u203a\u2032\u0060\u00b4", "'"))
_NUMBER = re.compile(r"\d+(?:[.,:/-]\d+)*")


def normalise_source(text: str) -> str:
    """The memory key of a sentence: NFKC, one quote style, white space collapsed.

    Args:
        text: a source sentence.

    Returns:
        The key; equal keys are an exact match.
    """
    # NFC first keeps combining sequences together, NFKC then folds compatibility forms
    # (full-width letters and digits, ligatures, no-break spaces).
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFC", text))
    text = text.translate(_DOUBLE_QUOTES).translate(_SINGLE_QUOTES)
    return " ".join(text.split())


def numbers_in(text: str) -> list[str]:
    """The numbers written in ``text`` (after normalisation), in order, as written.

    ``1.500``, ``12:30``, ``2024-05-01`` and ``3,5`` each count as one number.
    """
    return _NUMBER.findall(normalise_source(text))
