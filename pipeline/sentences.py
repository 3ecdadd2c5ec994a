"""Splitting Indonesian text into sentences.

The sentence is warta's unit of translation and of alignment, so the splitter errs on the side
of not splitting: a missed boundary costs a longer segment, a false one breaks a sentence in two
in every output. A boundary is terminal punctuation (``.``, ``!``, ``?``, ``...``, ``…``),
optionally closing quotes or brackets, white space, and then an upper-case letter (any script
with case: Ōsaka, Şahin and Đà Nẵng count) or a digit, optionally behind an opening quote; behind
an opening bracket only an upper-case letter counts, since "dkk. (2020)" is a citation, not a
new sentence. That rule alone keeps decimals and thousands (6,7; 1.044.921;
Rp15.323.650.458.000), dates (19/12/2025), times (10.30), URLs and e-mail addresses whole,
since they have no space after their dots. On top of it, a period never ends a sentence after
a title or similar abbreviation (``data/wordlists/id_abbreviations.txt``), also when several
are written together ("Prof.Dr."), nor after an initial ("B. J. Habibie", "B.J. Habibie").
``tests/test_sentences.py`` holds the table of cases this promises.
"""

import re
from functools import cache

from data import read_word_list
from pipeline.article import Article, Sentence

_BOUNDARY = re.compile(
    r"""(?P<terminal>\.{2,}|…|[.!?]+)      # the sentence's last punctuation
        (?P<closing>["”’'»)\]]*)            # closing quotes or brackets belong to it
        (?P<space>\s+)                      # a sentence boundary always has white space
        (?=(?P<opening>["“‘'«(\[]?)(?P<first>\w))  # what opens the next one: see _opens_sentence
    """,
    re.VERBOSE,
)


# Academic degrees written as single capitals (Sarjana Hukum, Magister Manajemen, ...), which
# would otherwise look like initials. Degrees with longer parts (M.Si., M.Pd., S.Kom.) need no
# list: they are neither initials nor in the word list, so they may end a sentence anyway.
_DEGREES_OF_CAPITALS = frozenset(
    ["S.H", "S.E", "S.T", "S.P", "S.S", "S.K.M", "M.M", "M.H", "M.A", "M.T", "M.P", "M.E", "M.S", "M.D", "B.A"]
)


@cache
def _never_final_abbreviations() -> frozenset[str]:
    return frozenset(read_word_list("wordlists/id_abbreviations.txt"))


def split_sentences(text: str) -> list[str]:
    """Split a block of Indonesian (or English) text into sentences.

    Args:
        text: one block's text, on one line or several.

    Returns:
        The sentences, stripped, in order; joined with single spaces they give back the
        text with its white space normalised. An empty or blank text gives ``[]``.
    """
    text = " ".join(text.split())
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        if not _opens_sentence(match) or _period_after_abbreviation(text, match):
            continue
        end = match.start("space")
        sentences.append(text[start:end].strip())
        start = match.end("space")
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return [sentence for sentence in sentences if sentence]


def _opens_sentence(match: re.Match[str]) -> bool:
    # Case is checked with str.isupper, not a character range, so that foreign names outside
    # Latin-1 (Ōsaka, Şahin, Đà Nẵng) open a sentence too.
    first = match.group("first")
    if first.isupper():
        return True
    # A sentence may open with a number ("30 orang hadir"), but not with a bracketed one: after
    # "Budi dkk." or "dll." a "(2020)" is a citation or a note belonging to the same sentence.
    return first.isdigit() and match.group("opening") not in ("(", "[")


def _period_after_abbreviation(text: str, match: re.Match[str]) -> bool:
    if match.group("terminal") != "." or match.group("closing"):
        return False
    word_start = max(text.rfind(" ", 0, match.start()), text.rfind("(", 0, match.start())) + 1
    word = text[word_start : match.start()].lstrip("\"“‘'«[")
    if len(word) == 1 and word.isupper():
        return True  # an initial, as in "B. J. Habibie" or "H. Abdul"
    parts = word.split(".")
    if len(parts) > 1 and all(len(part) == 1 and part.isupper() for part in parts):
        # "B.J." and "H.M." are initials, but "S.H.", "S.E." and "M.M." are degrees, which end a
        # sentence as often as any word. Both can follow a comma ("Budi, S.H. Ia ...", "Presiden
        # ketiga, B.J. Habibie, ..."), so a degree is told apart by its letters as well.
        after_comma = text[:word_start].rstrip().endswith(",")
        return not (after_comma and word in _DEGREES_OF_CAPITALS)
    abbreviations = _never_final_abbreviations()
    # Titles are often written without spaces: "Prof.Dr.", "Dr.Ir.", "Prof.Dr.H."
    return word in abbreviations or all(part in abbreviations for part in parts)


def split_article(article: Article) -> Article:
    """Fill every block of ``article`` with its sentences (the sentence stage).

    Returns:
        The same article, enriched.
    """
    for block in article.blocks:
        block.sentences = [Sentence(text) for text in split_sentences(block.text)]
        if not block.sentences:  # a block of only white space cannot come from the reader
            block.sentences = [Sentence(block.text)]
    return article
