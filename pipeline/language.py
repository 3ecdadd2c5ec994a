"""The language check: is the article Indonesian, and which of its sentences are English?

langdetect is random unless seeded and weak on short strings, so it is seeded before every
call and trusted only on enough text. Indonesian and Malay are close and langdetect confuses
them, so both count as Indonesian at document level. A sentence goes to English unchanged only
when langdetect is confident AND English function words outnumber Indonesian ones AND its
lower-case content words do not read as Indonesian; anything short or ambiguous is treated as
Indonesian (translating an English sentence with id->en does little harm; passing an Indonesian
one through untranslated would).

The last condition is there because press releases embed English names and titles in
Indonesian sentences ('Ia menyampaikan kuliah berjudul "The Role of the State in the Age of
..."', 'Delegasi mengunjungi Sun Yat-sen University Cancer Center, and the First Affiliated
Hospital of ...'). Their lower-case "of", "the" and "and" outnumber the Indonesian function
words and langdetect, counting letters, calls the whole sentence English. But names and titles
capitalise their content words, so the sentence's own lower-case content words
("menyampaikan kuliah berjudul", "mengunjungi") still show that it is Indonesian.
"""

import re
from functools import cache

from data import read_word_list
from pipeline.article import Article
from pipeline.errors import InputError

_LANGUAGE_NAMES = {
    "id": "Indonesian", "ms": "Malay", "en": "English", "zh-cn": "Chinese", "zh-tw": "Chinese (Traditional)",
    "ja": "Japanese", "ko": "Korean", "nl": "Dutch", "de": "German", "fr": "French", "es": "Spanish",
    "pt": "Portuguese", "it": "Italian", "tl": "Tagalog", "vi": "Vietnamese", "th": "Thai", "ar": "Arabic",
    "ru": "Russian", "jv": "Javanese", "so": "Somali", "sw": "Swahili", "af": "Afrikaans",
}
_INDONESIAN = ("id", "ms")

# langdetect is unreliable below these sizes (DESIGN.md).
_MIN_DOCUMENT_LETTERS = 40
_MIN_SENTENCE_WORDS = 6
_MIN_SENTENCE_LETTERS = 30
_SENTENCE_ENGLISH_PROBABILITY = 0.90
_DOCUMENT_INDONESIAN_PROBABILITY = 0.50

_WORD = re.compile(r"[^\W\d_]+")


def language_name(code: str) -> str:
    """A readable name for a langdetect code, e.g. ``en`` -> ``English``."""
    return _LANGUAGE_NAMES.get(code, code)


def detect_languages(text: str) -> dict[str, float]:
    """langdetect's probabilities for ``text``, most likely first; repeatable (seeded).

    Returns an empty dict when langdetect finds no features (digits and punctuation only).
    """
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0
    try:
        return {found.lang: round(found.prob, 4) for found in detect_langs(text)}
    except LangDetectException:
        return {}


@cache
def _function_words(language: str) -> frozenset[str]:
    return frozenset(read_word_list(f"wordlists/{language}_function_words.txt"))


def check_article_language(article: Article, source_lang: str = "auto") -> Article:
    """Check that ``article`` is Indonesian and mark which sentences are English (the language stage).

    Args:
        article: an article whose sentences are split.
        source_lang: ``auto`` to check, ``id`` to skip the document check (the sentence check
            still runs).

    Returns:
        The same article, with each sentence's ``lang`` filled in and ``article.language``
        holding ``requested`` (``source_lang``), ``detected`` (langdetect's most likely code, or
        None when the text is too short to tell), ``probability`` (its probability),
        ``candidates`` (code -> probability) and ``english_sentences`` (how many are marked
        ``en``).

    Raises:
        InputError: ``auto`` and the article is not Indonesian; the message names the language
            found and its probability.
    """
    text = " ".join(block.text for block in article.blocks)
    letters = sum(1 for ch in text if ch.isalpha())
    found = detect_languages(text) if letters >= _MIN_DOCUMENT_LETTERS else {}
    indonesian = sum(found.get(code, 0.0) for code in _INDONESIAN)
    top = next(iter(found), "")
    article.language = {
        "requested": source_lang,
        "detected": top or None,
        "probability": found.get(top),
        "candidates": found,
    }
    where = article.source or article.name
    if source_lang == "auto":
        if not found:
            _warn(article, "the article is too short to check its language; treated as Indonesian")
        elif indonesian < _DOCUMENT_INDONESIAN_PROBABILITY:
            raise InputError(
                f"{where}: the article is not Indonesian: langdetect found {language_name(top)} ({top}) "
                f"with probability {found[top]:.2f}; use --source-lang id to translate it anyway"
            )
        elif top == "ms":
            _warn(article, f"langdetect says Malay (ms, {found['ms']:.2f}); Malay and Indonesian are close, treated as Indonesian")
    _mark_english_sentences(article)
    english = sum(1 for sentence in article.sentences() if sentence.lang == "en")
    article.language["english_sentences"] = english
    return article


def _warn(article: Article, warning: str) -> None:
    # Checking an article again (a retried batch) must not repeat its warnings in the report.
    if warning not in article.warnings:
        article.warnings.append(warning)


def _mark_english_sentences(article: Article) -> None:
    for sentence in article.sentences():
        sentence.lang, sentence.lang_probability = "id", None
        words = [word.lower() for word in _WORD.findall(sentence.text)]
        if len(words) < _MIN_SENTENCE_WORDS or sum(len(word) for word in words) < _MIN_SENTENCE_LETTERS:
            continue
        english_words = sum(1 for word in words if word in _function_words("en"))
        indonesian_words = sum(1 for word in words if word in _function_words("id"))
        if english_words < 2 or english_words <= indonesian_words:
            continue
        if _content_words_look_indonesian(sentence.text):
            continue
        probability = detect_languages(sentence.text).get("en", 0.0)
        if probability >= _SENTENCE_ENGLISH_PROBABILITY:
            sentence.lang, sentence.lang_probability = "en", probability


def _content_words_look_indonesian(text: str) -> bool:
    # Lower-case words that are no function word of either list: what the sentence itself says,
    # as opposed to the capitalised names and titles it quotes (see the module docstring).
    function_words = _function_words("en") | _function_words("id")
    content = [word for word in _WORD.findall(text) if word.islower() and word not in function_words]
    if not content:
        return False
    found = detect_languages(" ".join(content))
    return sum(found.get(code, 0.0) for code in _INDONESIAN) >= 0.5
