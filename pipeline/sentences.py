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
a title or similar abbreviation (``data/wordlists/id_abbreviations.txt``: Prof., dr., Plt.,
Pj., Ns., Kombes Pol., No., ...), also when several are written together ("Prof.Dr."), nor
after an initial ("B. J. Habibie", "B.J. Habibie"). After a degree written behind a name
(S.H., M.Si., Sp.PD., Ph.D.), a company form (Tbk.) or dll./dkk., a sentence ends only when a
capitalised word follows that is not another degree: "Budi, S.H. Ia hadir." is two sentences,
"Budi, S.H. M.H. hadir." and "Budi, M.A. (Ketua Tim) hadir." one; degrees written without
their inner dots ("MH. Kes.") are listed too. Inside brackets, a short capitalised word before
a period is an abbreviation ("(Ed. Nurul)"). "Budi, M.A. Ketua Tim itu
hadir." (no comma before the role) is read as two: the text alone cannot tell it from a new
sentence, and a role is normally set off by a comma or a bracket.
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


# A degree written with a dot inside (Sp.PD, S.Kom, Ph.D, S.Pd.I, M.Kes): short alphabetic parts,
# the first capitalised. Initials (B.J) have this shape too; they are told apart before it is used.
_DEGREE_SHAPE = re.compile(r"[A-Z][A-Za-z]{0,3}(?:\.[A-Za-z]{1,4})+")


@cache
def _abbreviations() -> tuple[frozenset[str], frozenset[str]]:
    # (never final, may end a sentence): see the top of data/wordlists/id_abbreviations.txt.
    entries = read_word_list("wordlists/id_abbreviations.txt")
    never = frozenset(entry for entry in entries if not entry.startswith("+"))
    may_end = frozenset(entry[1:] for entry in entries if entry.startswith("+"))
    return never, may_end


def _is_degree(word: str) -> bool:
    """True for a degree or other abbreviation that may end a sentence ("S.H", "Sp.PD", "Tbk")."""
    return word in _abbreviations()[1] or bool(_DEGREE_SHAPE.fullmatch(word))


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


def _inside_brackets(text: str, position: int) -> bool:
    """True when ``position`` is inside a round or square bracket opened in the same block and not yet closed."""
    before = text[:position]
    return before.count("(") > before.count(")") or before.count("[") > before.count("]")


def _period_after_abbreviation(text: str, match: re.Match[str]) -> bool:
    # True when the period ends an abbreviation after which this sentence goes on.
    if match.group("terminal") != "." or match.group("closing"):
        return False
    # a word starts after a space, a bracket or a slash ("Andi/Ed. Nurul": two credits in one bracket)
    word_start = max(text.rfind(" ", 0, match.start()), text.rfind("(", 0, match.start()), text.rfind("/", 0, match.start())) + 1
    word = text[word_start : match.start()].lstrip("\"“‘'«[")
    if word.isalpha() and len(word) <= 4 and word[0].isupper() and _inside_brackets(text, match.start()):
        # A short capitalised word before a period inside brackets is an abbreviation
        # ("(Ed. Nurul)", "(Sumber: Kemenkes RI/Ket. Foto)"): a bracket's note is never cut in two.
        return True
    if len(word) == 1 and word.isupper():
        return True  # an initial, as in "B. J. Habibie" or "H. Abdul"
    never_final, may_end = _abbreviations()
    parts = word.split(".")
    if len(parts) > 1 and all(len(part) == 1 and part.isupper() for part in parts):
        # "B.J." and "H.M." are initials, but "S.H.", "S.E." and "M.M." are degrees. Both can
        # follow a comma ("Budi, S.H. Ia ...", "Presiden ketiga, B.J. Habibie, ..."), so a
        # degree is told apart by its letters as well.
        after_comma = text[:word_start].rstrip().endswith(",")
        if not (after_comma and word in may_end):
            return True
        return _name_goes_on(text, match)
    # Titles are often written without spaces: "Prof.Dr.", "Dr.Ir.", "Prof.Dr.H."
    if word in never_final or all(part in never_final for part in parts):
        return True
    if _is_degree(word):
        return _name_goes_on(text, match)
    return False


def _name_goes_on(text: str, match: re.Match[str]) -> bool:
    # After a degree (or Tbk., dll.) the sentence ends only before a new capitalised word. A
    # bracket is the person's role or the company's short name ("Budi, M.A. (Ketua Tim)",
    # "Tbk. (BRI)", "Sp.OG. (K)"), and a second degree continues the name ("S.H. M.H.").
    if match.group("opening") in ("(", "["):
        return True
    following = text[match.end("space") :].split(" ", 1)[0].rstrip(".,;:")
    return _is_degree(following)


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
