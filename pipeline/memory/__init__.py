"""The translation memory: reviewed sentence pairs that later translations reuse.

``memory add`` fills it from corrections, trusted TSVs and TMX files (``files``); the memory
stage (:func:`apply_memory`) runs before translation: a sentence that matches an entry exactly
(``normalise``) takes the remembered English and Chinese and is flagged ``memory``; a close
match is kept as a suggestion for the review page, never used.
"""

from pipeline.article import Article, MemorySuggestion
from pipeline.memory.files import REVIEWED_STATUSES, read_pairs, render_memory_tmx
from pipeline.memory.normalise import normalise_source, numbers_in
from pipeline.memory.store import SUGGESTION_THRESHOLD, MemoryEntry, MemoryMatch, MemoryStats, TranslationMemory

__all__ = [
    "REVIEWED_STATUSES", "SUGGESTION_THRESHOLD", "MemoryEntry", "MemoryMatch", "MemoryStats", "TranslationMemory",
    "apply_memory", "normalise_source", "numbers_in", "read_pairs", "render_memory_tmx",
]


def apply_memory(articles: list[Article], memory: TranslationMemory, targets: tuple[str, ...]) -> int:
    """The memory stage: fill remembered translations in, note near matches.

    An Indonesian sentence whose exact match has a translation for a target takes it
    (``Sentence.remembered`` lists the targets taken, so translation skips them) and is flagged
    ``memory``; English given with no Chinese still lets the Chinese come from the remembered
    English. A near match goes into ``Sentence.suggestion``.

    Args:
        articles: prepared articles.
        memory: the memory.
        targets: the targets of the run.

    Returns:
        How many sentences took a remembered translation.
    """
    taken = 0
    for article in articles:
        for sentence in article.sentences():
            if sentence.lang == "en":
                continue  # passed through unchanged: nothing to remember
            match = memory.lookup(sentence.text)
            if match is None:
                continue
            if not match.exact:
                entry = match.entry
                sentence.suggestion = MemorySuggestion(
                    entry.source, entry.en, entry.zh, round(match.similarity, 1), match.numbers_match, entry.origin
                )
                continue
            remembered = [target for target in ("en", "zh") if getattr(match.entry, target) and target in targets]
            if "zh" in targets and "en" not in targets and match.entry.en and not match.entry.zh:
                remembered.append("en")  # the pivot starts from the reviewed English
            if not remembered:
                continue
            for target in remembered:
                setattr(sentence, target, getattr(match.entry, target))
            sentence.remembered = tuple(remembered)
            sentence.add_flag("memory")
            taken += 1
    return taken
