"""How a source sentence is compared with the memory's: the key both sides are reduced to.

Two sentences match exactly when their keys are equal. The key forgives what a reviewer's
tools change without changing the meaning: runs of white space (a tab, a no-break space, a
line break from a spreadsheet, a zero-width space), quote styles (curly, low, guillemets,
straight), and the Unicode form (NFKC: a composed and a decomposed ``é``, a full-width digit
and an ASCII one). It forgives nothing else: case, punctuation other than quotes, and above all
numbers stay as written (NFKC is not applied to a character it would turn into another digit,
such as a superscript ``²``), so a boilerplate sentence with another date or amount never takes
the old translation.
"""

import functools
import re
import unicodedata

from pipeline.characters import NOT_TEXT

# Every double-quote-like and single-quote-like character a word processor or CAT tool
# writes, folded to the ASCII ones.
_DOUBLE_QUOTES = str.maketrans(dict.fromkeys("\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033\u301d\u301e\uff02", '"'))
_SINGLE_QUOTES = str.maketrans(dict.fromkeys("\u2018\u2019\u201a\u201b\u2039\u203a\u2032\u0060\u00b4", "'"))
_NUMBER = re.compile(r"\d+(?:[.,:/-]\d+)*")
_WHITE_SPACE = re.compile("[\\s\u200b]+")


def clean_text(text: str) -> str:
    """``text`` as the memory stores it: control characters made spaces, every run of white
    space (line breaks and zero-width spaces too) one space, none at the ends.
    """
    return _WHITE_SPACE.sub(" ", NOT_TEXT.sub(" ", text)).strip()


@functools.cache
def _keeps_its_form(char: str) -> bool:
    # A superscript, subscript, circled or fraction digit, or a CJK telegraph symbol for a
    # date, is another number than the digits NFKC makes of it ("1²" is not "12").
    return unicodedata.category(char) != "Nd" and any(found.isdecimal() for found in unicodedata.normalize("NFKC", char))


def _compatibility_folded(text: str) -> str:
    if text.isascii():
        return text
    parts, start = [], 0
    for index, char in enumerate(text):
        if _keeps_its_form(char):
            parts += [unicodedata.normalize("NFKC", text[start:index]), char]
            start = index + 1
    parts.append(unicodedata.normalize("NFKC", text[start:]))
    return "".join(parts)


def normalise_source(text: str) -> str:
    """The memory key of a sentence: NFKC (digits aside), one quote style, white space collapsed.

    Args:
        text: a source sentence.

    Returns:
        The key; equal keys are an exact match.
    """
    # NFC first keeps combining sequences together, NFKC then folds compatibility forms
    # (full-width letters and digits, ligatures, no-break spaces) but never makes a digit.
    text = _compatibility_folded(unicodedata.normalize("NFC", text))
    text = text.translate(_DOUBLE_QUOTES).translate(_SINGLE_QUOTES)
    return clean_text(text)


def numbers_in(text: str) -> list[str]:
    """The numbers written in ``text`` (after normalisation), in order, as written.

    ``1.500``, ``12:30``, ``2024-05-01`` and ``3,5`` each count as one number.
    """
    return _NUMBER.findall(normalise_source(text))
