"""QA flags: the sentences that most need a reviewer's eye, computed once per article.

Each check is a small function of a source sentence and one translation; ``check_article``
runs them all and records the flags on every sentence (``Sentence.flags``, written to
``aligned.tsv``/``.jsonl``, the report and the review page) and which target raised each
(``Sentence.qa``):

* ``number``: a number, percentage, amount of money or date of the source is missing or
  changed in the target (``pipeline.qa.numbers`` reads the three languages' formats; the
  protected spans, kept verbatim, are left out on both sides);
* ``untranslated``: the target is (nearly) the source, or in the wrong language or script;
* ``repetition``: the target repeats an n-gram in a loop ("I'm sorry I'm sorry I'm sorry");
* ``length``: target/source length far outside what the language pair gives;
* ``empty``: the target is empty;
* ``traditional``: Traditional Chinese characters in the Simplified Chinese output.
"""

import difflib
import re
import unicodedata
from functools import cache

from data import function_words
from pipeline.article import Article, Sentence
from pipeline.qa.flags import QA_FLAGS
from pipeline.qa.numbers import missing_values

# Character-length ratios target/source outside which a translation is suspicious. Measured
# on Indonesian press releases: English runs 0.8-1.1 of the Indonesian length, Chinese
# 0.25-0.4. The bounds are wide on purpose: only gross misses (a dropped clause, a loop,
# a one-word answer) should be flagged.
_LENGTH_BOUNDS = {"en": (0.45, 2.0), "zh": (0.12, 0.9)}
_LENGTH_MIN_SOURCE = 25  # characters; short sentences vary too much to judge
_SIMILAR = 0.8
_WORD = re.compile(r"[^\W\d_]+")
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+")




def _is_han(char: str) -> bool:
    return "CJK UNIFIED IDEOGRAPH" in unicodedata.name(char, "")


def _script_counts(text: str) -> tuple[int, int, int]:
    """(Han characters, Latin letters, letters of any other script) in ``text``.

    Kana, hangul, Cyrillic and the rest all count as "other": a Russian or Korean answer is
    as untranslated as an Indonesian one.
    """
    han = latin = other = 0
    for char in text:
        if not char.isalpha():
            continue
        name = unicodedata.name(char, "")
        if "CJK UNIFIED IDEOGRAPH" in name:
            han += 1
        elif "LATIN" in name:
            latin += 1
        else:
            other += 1
    return han, latin, other


def _plain_words(text: str) -> list[str]:
    """The words of ``text`` that are not names: lower-case words and Indonesian function words.

    Names (capitalised words) stay the same in a translation, so a near-copy of them is no sign
    of an untranslated sentence; function words are kept whatever their case so that an
    all-capitals heading ("PEMERINTAH AKAN ...") still has words to compare.
    """
    return [
        word.lower()
        for word in _WORD.findall(text)
        if word[0].islower() or word.lower() in function_words("id")
    ]


def is_empty(target: str) -> bool:
    """True when the translation has no text."""
    return not target.strip()


def is_untranslated(source: str, target: str, language: str) -> bool:
    """True when ``target`` is (nearly) ``source`` or is not in ``language`` (``en`` or ``zh``).

    Chinese must be mostly Han characters: names in Latin letters are fine (up to two Latin
    words per Han character, so that "涂小明先生参观了Modern Cancer Hospital Guangzhou。" passes),
    a sentence in Latin letters is not, nor is one with kana, hangul or any other script beyond
    a stray character. English must be in Latin letters, must not be a near-copy of the source's
    words (names aside: "Mr. Tu Xiaoming visited Modern Cancer Hospital Guangzhou." keeps them
    on purpose) and must not read as Indonesian. Sentences of fewer than four words are only
    checked for script and function words, since names and figures stay the same in every
    language.
    """
    if is_empty(target):
        return False
    han, latin, other = _script_counts(target)
    letters = han + latin + other
    if language == "zh":
        if letters < 4:
            return False
        latin_words = len(_LATIN_WORD.findall(target))
        # Japanese mixes kanji with kana, so kana beyond a stray character (a brand's の) is
        # enough: comparing kana with Han counts let kanji-heavy Japanese through.
        return latin_words > 2 * han or other >= max(2, 0.1 * letters)
    if han > latin or other > latin:
        return True
    words = [word.lower() for word in _WORD.findall(target)]
    if len(source.split()) >= 4:
        # Compared on the words that are not names: comparing whole strings flagged correct
        # translations that keep long names, and a heading that is only a name.
        source_words, target_words = _plain_words(source), _plain_words(target)
        if source_words and difflib.SequenceMatcher(None, source_words, target_words).ratio() >= _SIMILAR:
            return True
    indonesian = sum(1 for word in words if word in function_words("id"))
    english = sum(1 for word in words if word in function_words("en"))
    return indonesian >= 2 and indonesian > english


def has_repetition(target: str, language: str) -> bool:
    """True when an n-gram repeats back to back: three times for n >= 2, four for one token.

    English is read in words, Chinese in characters (a doubled character such as 谢谢 is
    normal; a run of four is not). Only n-grams with a letter or Han character count, so that
    digits and punctuation (1,000,000,000, 10000, "....") are never a loop.
    """
    tokens = [char for char in target if not char.isspace()] if language == "zh" else re.findall(r"\w+|[^\w\s]", target.lower())
    count = len(tokens)
    for size in range(1, 9):
        needed = 4 if size == 1 else 3
        for start in range(0, count - size * needed + 1):
            gram = tokens[start : start + size]
            if all(tokens[start + size * k : start + size * (k + 1)] == gram for k in range(1, needed)):
                if not any(char.isalpha() for token in gram for char in token):
                    continue  # "....", ",000,000,000" and "0000" are figures, not a loop
                return True
    return False


def has_odd_length(source: str, target: str, language: str) -> bool:
    """True when len(target)/len(source) is far outside the pair's normal range."""
    if len(source) < _LENGTH_MIN_SOURCE or is_empty(target):
        return False
    low, high = _LENGTH_BOUNDS[language]
    ratio = len(target) / len(source)
    return not low <= ratio <= high


@cache
def _traditional_only(char: str) -> bool:
    import hanzidentifier

    return hanzidentifier.is_traditional(char) and not hanzidentifier.is_simplified(char)


def traditional_characters(target: str) -> list[str]:
    """The Traditional-only Chinese characters in ``target`` (hanzidentifier's CC-CEDICT tables)."""
    return [char for char in target if _is_han(char) and _traditional_only(char)]


def has_number_mismatch(source: str, source_lang: str, target: str, language: str) -> bool:
    """True when a number, amount or date of ``source`` is missing or changed in ``target``."""
    return not is_empty(target) and bool(missing_values(source, source_lang, target, language))


def _without(text: str, spans: list[dict[str, str]]) -> str:
    for span in spans:
        text = text.replace(span["text"], " ")
    return text


def check_sentence(sentence: Sentence, targets: tuple[str, ...]) -> None:
    """Run every check on ``sentence`` for each target language and record the flags."""
    for language in targets:
        target = getattr(sentence, language)
        if language == sentence.lang:  # an English sentence passed through as its own English
            continue
        raised = []
        if is_empty(target):
            raised.append("empty")
        else:
            # protected spans are verbatim on purpose: only the rest is judged. Their
            # digits (a phone 0812.3456.7890, a decree 800/1.234/BKPSDM/2025, a URL's ?page=2,5)
            # are no numbers to read in each language's format, and each span's return is
            # verified when it is restored.
            source, translation = _without(sentence.text, sentence.protected), _without(target, sentence.protected)
            if is_untranslated(source, translation, language):
                raised.append("untranslated")
            if has_number_mismatch(source, sentence.lang, translation, language):
                raised.append("number")
            if has_repetition(target, language):
                raised.append("repetition")
            if has_odd_length(sentence.text, target, language):
                raised.append("length")
            if language == "zh" and traditional_characters(target):
                raised.append("traditional")
        for flag in raised:
            sentence.add_flag(flag)
            languages = sentence.qa.setdefault(flag, [])
            if language not in languages:  # checking a sentence again must not list a language twice
                languages.append(language)


def check_article(article: Article, targets: tuple[str, ...] = ("en", "zh")) -> Article:
    """Flag every sentence of ``article`` (the QA stage). Returns the same article."""
    for sentence in article.sentences():
        for flag in QA_FLAGS:  # what translation recorded (a chat answer's fallback) stays
            sentence.qa.pop(flag, None)
        sentence.flags = [flag for flag in sentence.flags if flag not in QA_FLAGS]
        check_sentence(sentence, targets)
    return article
