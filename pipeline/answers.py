"""A chat model's answers, checked before they are used.

A seq2seq model can only translate; a chat model can also explain, merge the next sentence in,
skip, answer in the source language, echo its context or loop. Every answer is therefore
cleaned of what a model adds around a translation (a ``Translation:`` or ``译文：`` label, quotes
around the whole answer when the source has none) and then refused when it is:

* empty;
* on more lines, or in more sentences, than the source (an explanation, a merged sentence);
* in the wrong language or script (``pipeline.qa.checks.is_untranslated``: Indonesian, or no
  Chinese characters for Chinese);
* far too long or short for the source (wider bounds than the ``length`` flag's);
* a loop (``has_repetition``);
* a repetition of a context sentence (the context is told not to be translated).

A refused answer is asked again once without context; if that answer is refused too, the
pair's seq2seq fallback model translates the segment when one is configured (flag
``llm_fallback``), else the second answer is kept (flag ``llm_unchecked``). The placeholder,
protected-span, glossary and number checks that follow in ``pipeline.translation`` and QA
apply to these answers as to any other.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from models.backends import SegmentHints, Translation, Translator
from pipeline.language import indonesian_words
from pipeline.qa.checks import has_repetition, is_untranslated
from pipeline.sentences import split_sentences

# A label a model puts before its answer, in the languages it may answer in.
_LABEL = re.compile(
    r"^\s*(?:\*\*)?(?:here\s+is\s+(?:the\s+)?|the\s+)?(?:(?:english|chinese|simplified chinese|indonesian)\s+)?(?:translation|translated text|terjemahan|"
    r"译文|翻译|中文翻译|英文翻译|翻译结果)\s*(?:\*\*\s*[:：]|[:：]\s*(?:\*\*)?)\s*",
    re.IGNORECASE,
)
_QUOTES = (('"', '"'), ("“", "”"), ("'", "'"), ("‘", "’"), ("「", "」"), ("『", "』"), ("«", "»"))
_INVISIBLE = re.compile("[\u2060\u200b\ufeff]")
# a thinking block a model writes before its answer (Qwen3, when its template lets it think)
_THINKING = re.compile(r"^\s*<think>.*?</think>\s*", re.DOTALL)
_CHINESE_SENTENCE_END = re.compile(r"[。！？!?]+[”’」』）)]*")
# a note the model adds about its translation, in brackets
_NOTE = re.compile(r"[(（\[]\s*(?:note|catatan|translator'?s note|注|注释|译注|备注)\s*[:：]", re.IGNORECASE)
# a piece of fewer words is no sentence of its own: "Lt." "Col." "Gov." split off by an abbreviation
_SENTENCE_MIN_WORDS = 3
# English abbreviations a translation writes that the Indonesian splitter does not know
_ENGLISH_ABBREVIATION = re.compile(
    r"\b(Gov|Lt|Col|Gen|Brig|Maj|Capt|Cpt|Sgt|Adm|Cmdr|Insp|Supt|Sen|Rep|Hon|Ret|Jan|Feb|Mar|Apr|Aug|Sept?|Oct|Nov|Dec|"
    r"approx|est|Dept|Corp|Ltd|Co|Jr|Sr|St|Ave|No|Nos|Vol|vs|etc|Mt|Ft)\.", re.IGNORECASE)
# An answer far outside these bounds (its characters per source character) is not a translation
# of the segment; the ``length`` flag's bounds are narrower (pipeline.qa.checks).
_ANSWER_LENGTH = {"en": (0.2, 4.0), "zh": (0.05, 2.0)}
_ANSWER_LENGTH_MIN_SOURCE = 16
_ECHO_MIN_CHARACTERS = 20

#: The flags of this module (meanings in ``pipeline.qa.flags``).
FALLBACK_FLAG, UNCHECKED_FLAG = "llm_fallback", "llm_unchecked"


def clean_answer(answer: str, source: str) -> str:
    """``answer`` without a thinking block or a label before it, quotes around it that the source lacks, invisible characters."""
    text = _THINKING.sub("", _INVISIBLE.sub("", answer)).strip()
    text = _LABEL.sub("", text, count=1).strip()
    for opening, closing in _QUOTES:
        if len(text) > 2 and text.startswith(opening) and text.endswith(closing) and not source.strip().startswith(opening):
            inner = text[len(opening):-len(closing)].strip()
            if opening not in inner and closing not in inner:  # one quoted answer, not "a" and "b"
                text = inner
            break
    return text


def _sentence_count(text: str, language: str) -> int:
    # Sentences of their own: an abbreviation the splitter does not know ("Lt. Col.", "Gov.")
    # makes a piece of a word or two, which is no sentence a model added.
    if language == "zh":
        text = text.strip()
        ends = [end.end() for end in _CHINESE_SENTENCE_END.finditer(text)]
        pieces = [text[start:end] for start, end in zip([0, *ends], [*ends, len(text)]) if text[start:end].strip()]
        return max(1, sum(1 for piece in pieces if len(re.findall(r"\w", piece)) >= 4))
    text = _ENGLISH_ABBREVIATION.sub(r"\1", text)
    return max(1, sum(1 for piece in split_sentences(text) if len(piece.split()) >= _SENTENCE_MIN_WORDS))


def _copied(source: str, answer: str) -> bool:
    # A heading of capitalised words ("Kerja Sama Onkologi Makassar") reads as names to the QA
    # check; given back unchanged it is still untranslated when its words are Indonesian.
    same = " ".join(source.split()).casefold() == " ".join(answer.split()).casefold()
    return same and bool(indonesian_words(source.lower()))


def _no_words(source: str, answer: str) -> bool:
    # only digits and punctuation (a placeholder alone) for a source with words to translate
    letters = re.compile(r"[^\W\d_]")
    return not letters.search(answer) and len(letters.findall(source)) >= 4


def answer_problem(source: str, answer: str, source_lang: str, target: str, context: tuple[str, ...] = ()) -> str | None:
    """Why ``answer`` cannot be used as the ``target`` translation of ``source``, or None when it can.

    Args:
        source: the segment as the model was given it.
        answer: the cleaned answer (``clean_answer``).
        source_lang, target: ISO 639-1 codes.
        context: the context sentences the prompt held.
    """
    if not answer.strip():
        return "empty answer"
    if answer.count("\n") > source.count("\n"):
        return "more lines than the source"
    if _sentence_count(answer, target) > _sentence_count(source, source_lang):
        return "more sentences than the source"
    if is_untranslated(source, answer, target) or _copied(source, answer) or _no_words(source, answer):
        return "not in the target language"
    if _NOTE.search(answer) and not _NOTE.search(source):
        return "a note about the translation"
    if len(source) >= _ANSWER_LENGTH_MIN_SOURCE:
        low, high = _ANSWER_LENGTH[target]
        if not low <= len(answer) / len(source) <= high:
            return "far too long" if len(answer) > len(source) else "far too short"
    if has_repetition(answer, target):
        return "repeats itself in a loop"
    flat = " ".join(answer.split()).casefold()
    for line in context:
        sentence = " ".join(line.split()).casefold()
        if len(sentence) >= _ECHO_MIN_CHARACTERS and sentence in flat and sentence not in " ".join(source.split()).casefold():
            return "repeats a context sentence"
    return None


@dataclass(frozen=True)
class CheckedAnswer:
    """A translation that passed, or did not pass, the checks, and the flags that say what happened."""

    translation: Translation
    flags: tuple[str, ...] = ()


def translate_checked(
    translator: Translator, texts: list[str], source: str, target: str, beams: int,
    on_progress: Callable[[int], None] | None, encoded: list[list[int]], hints: list[SegmentHints],
    fallback: Callable[[], Translator | None] | None = None,
) -> list[CheckedAnswer]:
    """Translate ``texts`` with a chat model, check every answer, ask again, fall back.

    Args:
        translator: a chat translator.
        texts, source, target, on_progress, encoded, hints: as for ``Translator.translate``.
        beams: for the fallback model (the chat model decodes greedily).
        fallback: gives the pair's seq2seq fallback (loaded on first need), or None.

    Returns:
        One checked answer per text, in order.
    """
    first = translator.translate(texts, source, target, beams, on_progress, encoded, hints)
    results = [_checked(text, answer, source, target, hint.context) for text, answer, hint in zip(texts, first, hints, strict=True)]
    refused = [index for index, (_, problem) in enumerate(results) if problem is not None]
    if not refused:
        return [CheckedAnswer(answer) for answer, _ in results]
    # Once more without context: a model that echoed or merged its context now has none.
    again = translator.translate([texts[i] for i in refused], source, target, beams, None, [encoded[i] for i in refused],
                                 [SegmentHints((), hints[i].terms) for i in refused])
    final = {index: CheckedAnswer(answer) for index, (answer, _) in enumerate(results)}
    still = []
    for index, answer in zip(refused, again, strict=True):
        cleaned, problem = _checked(texts[index], answer, source, target, hints[index].context)
        final[index] = CheckedAnswer(cleaned, (UNCHECKED_FLAG,) if problem else ())
        if problem:
            still.append(index)
    stand_in = fallback() if still and fallback is not None else None
    if stand_in is not None:
        for index, answer in zip(still, stand_in.translate([texts[i] for i in still], source, target, beams), strict=True):
            final[index] = CheckedAnswer(answer, (FALLBACK_FLAG,))
    return [final[index] for index in range(len(texts))]


def _checked(text: str, answer: Translation, source: str, target: str, context: tuple[str, ...]) -> tuple[Translation, str | None]:
    cleaned = clean_answer(answer.text, text)
    kept = Translation(cleaned, answer.hit_length_limit, answer.score, answer.tokens)
    return kept, answer_problem(text, cleaned, source, target, context)
