"""The translation stage: every sentence gets exactly one English and one Chinese segment.

Indonesian sentences go id->en; sentences the language check found to be English go to English
unchanged. Chinese comes from the English through en->zh (the pivot; DESIGN.md explains why),
or straight from the Indonesian when a direct ``id-zh`` model is configured.

A sentence longer than a model accepts is never truncated (transformers #24169, #19396): it
is split at clause boundaries into pieces that fit, each piece is translated, and the
translations are joined. Sentences from many articles can be translated in one call, so the
batch job fills its batches across articles.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from models.backends import Translator
from models.pool import ModelPool
from pipeline.article import Article, Sentence

# Where a long sentence may be cut, best first: after a semicolon or colon, after a comma,
# before a conjunction, at any space, and, for a run without spaces (a pasted URL or a
# table flattened into one token), anywhere.
_CLAUSE_BOUNDARIES = (
    re.compile(r"(?<=[;:])\s+"),
    re.compile(r"(?<=[,)])\s+"),
    re.compile(r"\s+(?=(?:dan|serta|atau|tetapi|namun|sedangkan|sehingga|karena|yang|bahwa|and|but|or|which|that)\s)"),
    re.compile(r"\s+"),
)


@dataclass(frozen=True)
class TranslatedText:
    """The translation of one sentence, and how it was made.

    Attributes:
        text: the translation (pieces joined).
        pieces: how many pieces the sentence was translated in (1 unless it was too long).
        hit_length_limit: some piece stopped at the output length limit.
    """

    text: str
    pieces: int = 1
    hit_length_limit: bool = False


def split_to_fit(text: str, fits: Callable[[str], bool]) -> list[str]:
    """Cut ``text`` into consecutive pieces for which ``fits`` is true, at clause boundaries.

    The pieces, joined with single spaces, give back ``text`` with its white space
    normalised: nothing is dropped.

    Args:
        text: a sentence.
        fits: tells whether a piece is short enough for the model.

    Returns:
        ``[text]`` when it fits, else the pieces in order.
    """
    text = " ".join(text.split())
    if fits(text):
        return [text]
    for boundary in _CLAUSE_BOUNDARIES:
        parts = [part for part in boundary.split(text) if part]
        if len(parts) > 1:
            return _pack(parts, fits, " ")
    # No space at all: cut characters, halving until the pieces fit.
    middle = len(text) // 2
    return split_to_fit(text[:middle], fits) + split_to_fit(text[middle:], fits)


def _pack(parts: list[str], fits: Callable[[str], bool], glue: str) -> list[str]:
    pieces: list[str] = []
    current = ""
    for part in parts:
        candidate = f"{current}{glue}{part}" if current else part
        if fits(candidate):
            current = candidate
            continue
        if current:
            pieces.append(current)
        if fits(part):
            current = part
        else:
            pieces.extend(split_to_fit(part, fits))
            current = ""
    if current:
        pieces.append(current)
    return pieces


def translate_texts(
    texts: list[str],
    translator: Translator,
    source: str,
    target: str,
    beams: int,
    on_progress: Callable[[int], None] | None = None,
) -> list[TranslatedText]:
    """Translate sentences with one model, splitting the ones that are too long for it.

    Args:
        texts: the sentences, possibly from many articles.
        translator: the model for ``source`` -> ``target``.
        source, target: ISO 639-1 codes.
        beams: beam size.
        on_progress: called with a number of sentences' worth of pieces finished.

    Returns:
        One TranslatedText per input text, in order.
    """
    limit = translator.max_input_tokens
    pieces_of: list[list[str]] = []
    counts = translator.count_tokens(texts)
    for text, count in zip(texts, counts):
        if count <= limit:
            pieces_of.append([text])
        else:
            pieces_of.append(split_to_fit(text, lambda piece: translator.count_tokens([piece])[0] <= limit))
    flat = [piece for pieces in pieces_of for piece in pieces]
    translated = translator.translate(flat, source, target, beams, on_progress)
    glue = "" if target == "zh" else " "
    results: list[TranslatedText] = []
    position = 0
    for pieces in pieces_of:
        outputs = translated[position : position + len(pieces)]
        position += len(pieces)
        results.append(
            TranslatedText(
                text=glue.join(output.text for output in outputs),
                pieces=len(pieces),
                hit_length_limit=any(output.hit_length_limit for output in outputs),
            )
        )
    return results


def translate_articles(
    articles: list[Article],
    pool: ModelPool,
    targets: tuple[str, ...] = ("en", "zh"),
    beams: int = 4,
    on_progress: Callable[[int], None] | None = None,
) -> None:
    """Fill in ``en`` and ``zh`` for every sentence of ``articles`` (the translation stage).

    All articles' sentences go to each model together, so batches are full across articles.

    Args:
        articles: articles whose sentences are split and language-checked.
        pool: the models; ``id-zh`` is used for Chinese when configured, else the en->zh pivot.
        targets: which of ``en`` and ``zh`` to produce; English is made anyway when the
            Chinese pivots through it.
        beams: beam size.
        on_progress: called with a number of segments finished.
    """
    sentences = [sentence for article in articles for sentence in article.sentences()]
    indonesian = [sentence for sentence in sentences if sentence.lang != "en"]
    direct_chinese = pool.has("id-zh")
    if "en" in targets or ("zh" in targets and not direct_chinese):
        _apply(indonesian, translate_texts([s.text for s in indonesian], pool.get("id-en"), "id", "en", beams, on_progress), "en")
        for sentence in sentences:
            if sentence.lang == "en":
                sentence.en = sentence.text
    if "zh" not in targets:
        return
    if direct_chinese:
        _apply(indonesian, translate_texts([s.text for s in indonesian], pool.get("id-zh"), "id", "zh", beams, on_progress), "zh")
        english = [sentence for sentence in sentences if sentence.lang == "en"]
    else:
        english = sentences
    if english:
        texts = [sentence.en or sentence.text for sentence in english]
        _apply(english, translate_texts(texts, pool.get("en-zh"), "en", "zh", beams, on_progress), "zh")


def _apply(sentences: list[Sentence], results: list[TranslatedText], field: str) -> None:
    for sentence, result in zip(sentences, results, strict=True):
        setattr(sentence, field, result.text)
        if result.pieces > 1:
            sentence.add_flag("split")
        if result.hit_length_limit:
            sentence.add_flag("length_limit")
