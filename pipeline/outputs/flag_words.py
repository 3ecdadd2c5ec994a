"""Flags in a reviewer's words: a short name for the mark on a row and a line for the legend.

The flag registry (``pipeline.qa.flags``) says what each flag means to the code; the review page
and the index show these words instead, so a reviewer reads "numbers to check", not
``number``. Every registered flag has words here (``tests/outputs/test_review_page.py`` checks
it); a flag without them is shown by its registered meaning.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pipeline.qa.flags import FLAG_MEANINGS, SOURCE_ENGLISH_FLAG, flag_order


@dataclass(frozen=True)
class FlagWords:
    """A flag as a reviewer reads it.

    Attributes:
        name: a few words for the mark on a row and the index ("numbers to check").
        legend: one sentence for the legend: what was found and what to do about it.
    """

    name: str
    legend: str


#: flag -> its words, for every flag of the registry.
FLAG_WORDS: dict[str, FlagWords] = {
    "empty": FlagWords("empty translation", "The English or Chinese is empty: write it."),
    "untranslated": FlagWords(
        "not translated", "The English or Chinese is (nearly) the Indonesian, or in the wrong language or script: translate it."
    ),
    "number": FlagWords(
        "numbers to check",
        "A number, amount or date of the Indonesian is missing or different in the English or Chinese: compare them.",
    ),
    "repetition": FlagWords("repeats itself", "The translation says the same words over and over: rewrite it."),
    "length": FlagWords(
        "unusual length", "The translation is much shorter or longer than such a sentence usually is: something may be missing or added."
    ),
    "traditional": FlagWords("Traditional characters", "The Chinese has Traditional characters where Simplified ones belong."),
    "glossary": FlagWords("glossary term missing", "A term of the office's glossary is not translated the way the glossary says."),
    "protected_retry": FlagWords(
        "pieced around a name or link",
        "A link, address, number or name did not come through the model intact, so the sentence was translated in pieces "
        "around it: check that it reads as one sentence.",
    ),
    "split": FlagWords(
        "translated in pieces",
        "The sentence was too long for the model and was translated in parts: check that the parts read as one sentence.",
    ),
    "length_limit": FlagWords("may be cut off", "The model stopped at its length limit: the end of the translation may be missing."),
    "llm_fallback": FlagWords(
        "second model used",
        "The main model's answer failed warta's checks twice, so a second, simpler model translated this sentence: read it closely.",
    ),
    "llm_unchecked": FlagWords(
        "failed checks",
        "The model's answer failed warta's checks twice and no second model was set up: it is kept as written; read it closely.",
    ),
    "memory": FlagWords("from the memory", "Taken from the translation memory: a translation a reviewer approved before."),
    "low_confidence": FlagWords(
        "model unsure",
        "The model was less sure of this translation than of most others in this article (by its own score): read it first.",
    ),
    SOURCE_ENGLISH_FLAG: FlagWords("English source", "The sentence is already English: it went to the English unchanged."),
    "unsupported": FlagWords(
        "not in the release",
        "This summary sentence states a number, date or name that no sentence of the release states: check it or remove it.",
    ),
}

#: A target language's name on a mark: "model unsure (Chinese)".
LANGUAGE_NAMES = {"id": "Indonesian", "en": "English", "zh": "Chinese"}


def flag_words(flag: str) -> FlagWords:
    """The words for ``flag``; an unknown flag is named by itself and its registered meaning."""
    return FLAG_WORDS.get(flag) or FlagWords(flag, FLAG_MEANINGS.get(flag, flag))


@dataclass(frozen=True)
class FlagMark:
    """A flag as a row or summary sentence shows it.

    Attributes:
        flag: the flag's registered name (as in ``aligned.tsv``).
        label: its name in words, with the languages that raised it ("model unsure (Chinese)").
        title: the registered meaning, shown on hover.
    """

    flag: str
    label: str
    title: str


def flag_mark(flag: str, languages: list[str] | None = None) -> FlagMark:
    """The mark of ``flag``, raised by ``languages`` (target codes) when known."""
    named = [LANGUAGE_NAMES.get(language, language) for language in languages or []]
    label = flag_words(flag).name + (f" ({', '.join(named)})" if named else "")
    title = FLAG_MEANINGS.get(flag, flag) + (f" (in the {' and the '.join(named)})" if named else "")
    return FlagMark(flag, label, title)


@dataclass(frozen=True)
class LegendLine:
    """One line of a legend.

    Attributes:
        flag: the flag's registered name.
        name: its name in words, as the marks show it.
        legend: what it means, for a reviewer.
        counted: how many carry it, in words ("3 rows"); "" when not counted.
    """

    flag: str
    name: str
    legend: str
    counted: str = ""


def flag_legend(flags: Iterable[str], counted: Mapping[str, str] | None = None) -> list[LegendLine]:
    """The legend of ``flags`` (each once, in the registry's order), with ``counted`` (flag -> words) when given."""
    return [
        LegendLine(flag, flag_words(flag).name, flag_words(flag).legend, (counted or {}).get(flag, ""))
        for flag in sorted(set(flags), key=lambda flag: (flag_order(flag), flag))
    ]


def counted(count: int, one: str, many: str) -> str:
    """``1 row``, ``3 rows``: ``count`` with the word for one or for many."""
    return f"{count} {one if count == 1 else many}"
