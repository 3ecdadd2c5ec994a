"""Every flag a row can carry, and what it means: the one list that outputs and pages read.

Stages raise flags with ``Sentence.add_flag(name)``; the review page titles them from here, and
``tests/qa/test_flags.py`` checks that the README's table lists exactly these. A new flag is
added here first.
"""

#: Flags the QA checks compute (``pipeline.qa.checks``); rerunning QA clears and recomputes
#: exactly these, leaving the flags that translation raised.
QA_FLAGS = ("empty", "untranslated", "number", "repetition", "length", "traditional")

#: The flag of a row whose source sentence is English, passed through unchanged (its ``id``
#: column holds English). aligned.tsv's columns are a fixed contract (docs/design.md, "Outputs"),
#: so the flags say it.
SOURCE_ENGLISH_FLAG = "source_en"

#: flag -> what it tells a reviewer, in the order flags are shown.
FLAG_MEANINGS: dict[str, str] = {
    "empty": "a translation is empty",
    "untranslated": "a translation is (nearly) the source, or in the wrong language or script",
    "number": "a number, amount or date of the source is missing or changed",
    "repetition": "a translation repeats itself in a loop",
    "length": "a translation is much shorter or longer than usual",
    "traditional": "Traditional Chinese characters in the Chinese",
    "glossary": "a glossary term's prescribed translation is missing",
    "protected_retry": "a protected link, address, number or name did not survive the model: translated again in pieces around it",
    "split": "too long for the model: translated in pieces",
    "length_limit": "the model stopped at its length limit: the translation may be cut",
    "llm_fallback": "the translation LLM's answer failed its checks twice (it explained, merged, skipped, echoed or looped): the fallback model translated this sentence",
    "llm_unchecked": "the translation LLM's answer failed its checks twice and no fallback model is set: kept as the model wrote it, check it closely",
    "memory": "taken from the translation memory (a reviewed translation), not from the model",
    "low_confidence": "among the article's least confident rows by the model's own score: check first",
    SOURCE_ENGLISH_FLAG: "the source sentence is English: passed through to the English unchanged",
    "unsupported": "a summary sentence states a number, date or name found in no sentence of the release",
}


def flag_order(flag: str) -> int:
    """Where ``flag`` sorts among the flags shown (unknown flags last)."""
    order = list(FLAG_MEANINGS)
    return order.index(flag) if flag in order else len(order)
