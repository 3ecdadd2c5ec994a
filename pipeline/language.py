"""The language check: is the article Indonesian, and which of its sentences are English?

langdetect is random unless seeded and weak on short strings, so it is seeded before every
call and trusted only on enough text.

The document is checked on the text a reader sees: tags and entities left over from pasted
markup, URLs, e-mail addresses, numbers and very long tokens (codes, hashes) are dropped first,
as langdetect counts their letters like any others (a release holding a 4.6 KB link was read
as "Catalan, 1.00"). Indonesian and Malay are close and langdetect confuses them, so the
article is accepted when either leads; it is refused only when another language clearly leads,
and the message names that language.

A sentence goes to English unchanged only when nothing in it reads as Indonesian: no
Indonesian function word, no common Indonesian content word (``data/wordlists``), no word
with an Indonesian affix (``me-``/``di-``/``ber-``/``ter-`` with their suffixes, ``-kan``,
``-nya``, ``ke-...-an``, reduplication) among its lower-case words, and langdetect does not
find its lower-case content words Indonesian; AND English function words are there and
langdetect is confident on the whole sentence. When in doubt it is translated: id->en on an
English sentence does little harm, passing an Indonesian one through untranslated would.

Only lower-case words count (and the sentence's first word) because press releases embed
English names and titles in Indonesian sentences and Indonesian names in English ones: names
capitalise their words ("Ms. Yang Jinna", "Dinas Kesehatan"), while a sentence's own words
("... and Expo digelar di Makassar", 'Ia menyampaikan kuliah berjudul "The Role of ..."')
show which language it is in.
"""

import re
from functools import cache

from data import function_words, read_word_list
from pipeline.article import Article, LanguageCheck
from pipeline.errors import InputError

_LANGUAGE_NAMES = {
    "id": "Indonesian", "ms": "Malay", "en": "English", "zh-cn": "Chinese", "zh-tw": "Chinese (Traditional)",
    "ja": "Japanese", "ko": "Korean", "nl": "Dutch", "de": "German", "fr": "French", "es": "Spanish",
    "pt": "Portuguese", "it": "Italian", "tl": "Tagalog", "vi": "Vietnamese", "th": "Thai", "ar": "Arabic",
    "ru": "Russian", "jv": "Javanese", "so": "Somali", "sw": "Swahili", "af": "Afrikaans",
}
_INDONESIAN = ("id", "ms")

# langdetect is unreliable below these sizes, so it is trusted only on enough text (docs/design.md, "Language").
_MIN_DOCUMENT_LETTERS = 40
_MIN_SENTENCE_WORDS = 6
_MIN_SENTENCE_LETTERS = 30
_SENTENCE_ENGLISH_PROBABILITY = 0.90
# Another language "clearly leads" a document when langdetect gives it (its variants counted
# together: zh-cn and zh-tw are both Chinese) at least this much while Indonesian and Malay
# together stay under the second figure. Between the two, the article is mixed: translate.
_DOCUMENT_OTHER_LANGUAGE_PROBABILITY = 0.60
_DOCUMENT_INDONESIAN_FLOOR = 0.25

_WORD = re.compile(r"[^\W\d_]+")

# What a reader does not read as words: tags and comments of pasted markup, character
# entities, links and e-mail addresses.
_MARKUP = re.compile(r"<!--.*?-->|</?[A-Za-z][^<>]*>|&(?:[A-Za-z]+|#\d+|#x[0-9A-Fa-f]+);", re.DOTALL)
_LINK = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.-]*://|www\.)\S+|\S+@\S+\.\S+")
# A longer unbroken Latin token is a code, hash or slug, not a word (no Indonesian or English
# word comes near it; scripts written without spaces, like Chinese, are not cut by it).
_MAX_LATIN_TOKEN_LENGTH = 30

# Indonesian affixes English words do not have (checked on whole lower-case words): suffixes
# -kan, -nya, -lah; prefixes meng-, meny-, memper-, diper-, ber-/ter- before a consonant
# English does not put there; the circumfixes me-/di-...-i and ke-/peN-/per-...-an.
_INDONESIAN_AFFIXES = re.compile(
    r"[a-z]{3,}(?:kan|nya|lah)"
    r"|(?:meng|meny|memper|diper)[a-z]{2,}"
    r"|(?:ber[bcdhjklpw]|ter[bcdghjklpw])[a-z]{2,}"
    r"|(?:me|di)[a-z]{3,}i"
    r"|(?:ke|peng|peny|pem|pen|per)[a-z]{3,}an"
)
# Reduplication (masing-masing, sebaik-baiknya, bersama-sama).
_REDUPLICATION = re.compile(r"\b[a-z]*([a-z]{3,})-\1[a-z]*\b")


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
def _indonesian_content_words() -> frozenset[str]:
    return frozenset(read_word_list("wordlists/id_content_words.txt"))


def readable_text(text: str) -> str:
    """``text`` as a reader sees it: its words, without markup, links, e-mail addresses,
    numbers and over-long tokens (what language detection should look at)."""
    text = _LINK.sub(" ", _MARKUP.sub(" ", text))
    words: list[str] = []
    for token in text.split():
        if len(token) > _MAX_LATIN_TOKEN_LENGTH and token.isascii():
            continue
        words.extend(_WORD.findall(token))  # letters only: numbers and punctuation go
    return " ".join(words)


def indonesian_words(text: str) -> list[str]:
    """The words of ``text`` that read as Indonesian: lower-case ones (and the first word)
    that are Indonesian function or common content words, carry an Indonesian affix, or are
    reduplicated. Capitalised words are left out: they are names."""
    words = _WORD.findall(text)
    candidates = [word.lower() for index, word in enumerate(words) if word.islower() or index == 0]
    found = [
        word for word in candidates
        if word in function_words("id") or word in _indonesian_content_words() or _INDONESIAN_AFFIXES.fullmatch(word)
    ]
    found.extend(match.group(0) for match in _REDUPLICATION.finditer(text))
    return found


def check_article_language(article: Article, source_lang: str = "auto") -> Article:
    """Check that ``article`` is Indonesian and mark which sentences are English (the language stage).

    Args:
        article: an article whose sentences are split.
        source_lang: ``auto`` to check, ``id`` to skip the document check (the sentence check
            still runs).

    Returns:
        The same article, with each sentence's ``lang`` filled in and ``article.language`` a
        ``LanguageCheck`` of what was found.

    Raises:
        InputError: ``auto`` and the article is not Indonesian; the message names the language
            found and its probability.
    """
    # Detected on what a reader reads: markup remnants, links, codes and numbers would
    # otherwise decide the language.
    text = readable_text(" ".join(block.text for block in article.blocks))
    letters = sum(1 for ch in text if ch.isalpha())
    found = detect_languages(text) if letters >= _MIN_DOCUMENT_LETTERS else {}
    top = next(iter(found), "")
    article.language = LanguageCheck(requested=source_lang, detected=top or None, probability=found.get(top), candidates=found)
    where = article.source or article.name
    if source_lang == "auto":
        if not found:
            _warn(article, "the article is too short to check its language; treated as Indonesian")
        elif top in _INDONESIAN:
            if top == "ms":
                _warn(article, f"langdetect says Malay (ms, {found['ms']:.2f}); Malay and Indonesian are close, treated as Indonesian")
        elif (
            _language_share(found, top) >= _DOCUMENT_OTHER_LANGUAGE_PROBABILITY
            and sum(found.get(code, 0.0) for code in _INDONESIAN) < _DOCUMENT_INDONESIAN_FLOOR
        ):
            raise InputError(
                f"{where}: the article is not Indonesian: langdetect found {language_name(top)} ({top}) "
                f"with probability {_language_share(found, top):.2f}; use --source-lang id to translate it anyway"
            )
        else:
            # No language clearly leads (a mixed article): in doubt, translate, and say so.
            indonesian = sum(found.get(code, 0.0) for code in _INDONESIAN)
            _warn(
                article,
                f"the article's language is unclear (langdetect: {language_name(top)} {found[top]:.2f}, "
                f"Indonesian or Malay {indonesian:.2f}); treated as Indonesian",
            )
    _mark_english_sentences(article)
    english = sum(1 for sentence in article.sentences() if sentence.lang == "en")
    article.language.english_sentences = english
    return article


def _language_share(found: dict[str, float], code: str) -> float:
    """The probability of ``code``'s language with its regional variants (zh-cn + zh-tw) counted together."""
    family = code.split("-")[0]
    return sum(probability for other, probability in found.items() if other.split("-")[0] == family)


def _warn(article: Article, warning: str) -> None:
    # Checking an article again (a retried batch) must not repeat its warnings in the report.
    if warning not in article.warnings:
        article.warnings.append(warning)


def _mark_english_sentences(article: Article) -> None:
    for sentence in article.sentences():
        sentence.lang, sentence.lang_probability = "id", None
        probability = _english_probability(sentence.text)
        if probability is not None:
            sentence.lang, sentence.lang_probability = "en", probability


def _english_probability(text: str) -> float | None:
    # langdetect's probability that ``text`` is English when it may go to English unchanged:
    # nothing in it reads as Indonesian, it has English function words, and langdetect is
    # confident on enough text. None whenever in doubt (see the module docstring).
    words = [word.lower() for word in _WORD.findall(text)]
    if len(words) < _MIN_SENTENCE_WORDS or sum(len(word) for word in words) < _MIN_SENTENCE_LETTERS:
        return None
    if sum(1 for word in words if word in function_words("en")) < 2:
        return None
    if indonesian_words(text) or _content_words_look_indonesian(text):
        return None
    probability = detect_languages(text).get("en", 0.0)
    return probability if probability >= _SENTENCE_ENGLISH_PROBABILITY else None


def _content_words_look_indonesian(text: str) -> bool:
    # Lower-case words that are no function word of either list: what the sentence itself says,
    # as opposed to the capitalised names and titles it quotes (see the module docstring).
    # langdetect catches Indonesian words the lists and affixes miss.
    either = function_words("en") | function_words("id")
    content = [word for word in _WORD.findall(text) if word.islower() and word not in either]
    if not content:
        return False
    found = detect_languages(" ".join(content))
    return sum(found.get(code, 0.0) for code in _INDONESIAN) >= 0.5
