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
from pipeline.joining import SPACE_SEAM, WORD_SEAM, join_pieces

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


class Pieces(list[str]):
    """The pieces of a sentence, in order (a plain list of them), and how each seam was cut.

    Attributes:
        seams: one per seam, the source's separator there: ``SPACE_SEAM`` where the sentence
            was cut at white space, ``WORD_SEAM`` where a run without spaces (a URL, a code)
            was cut inside. The rejoin needs it: a word cut in two must come back as one word
            (issue 9).
    """

    def __init__(self, pieces: list[str] | None = None, seams: list[str] | None = None):
        super().__init__(pieces or [])
        self.seams: list[str] = seams if seams is not None else [SPACE_SEAM] * max(0, len(self) - 1)

    def add(self, other: "Pieces", seam: str) -> None:
        """Append ``other``'s pieces, ``seam`` being the source's separator before them."""
        if self and other:
            self.seams.append(seam)
        self.seams.extend(other.seams)
        self.extend(other)

    def source_text(self) -> str:
        """The text the pieces were cut from (white space normalised)."""
        return "".join(piece + seam for piece, seam in zip(self, [*self.seams, ""]))


def split_to_fit(text: str, fits: Callable[[str], bool]) -> Pieces:
    """Cut ``text`` into consecutive pieces for which ``fits`` is true, at clause boundaries.

    The pieces, joined by their seams, give back ``text`` with its white space normalised
    (``Pieces.source_text``): nothing is dropped.

    Args:
        text: a sentence.
        fits: tells whether a piece is short enough for the model.

    Returns:
        ``[text]`` when it fits, else the pieces in order, with the seams between them.
    """
    text = " ".join(text.split())
    if fits(text):
        return Pieces([text])
    for boundary in _CLAUSE_BOUNDARIES:
        parts = [part for part in boundary.split(text) if part]
        if len(parts) > 1:
            # every boundary consumes white space only, so parts meet at single spaces
            return _pack(parts, fits)
    # No space at all: cut characters, halving until the pieces fit.
    middle = len(text) // 2
    pieces = split_to_fit(text[:middle], fits)
    pieces.add(split_to_fit(text[middle:], fits), WORD_SEAM)
    return pieces


def _pack(parts: list[str], fits: Callable[[str], bool]) -> Pieces:
    pieces = Pieces()
    current = ""
    for part in parts:
        candidate = f"{current} {part}" if current else part
        if fits(candidate):
            current = candidate
            continue
        if current:
            pieces.add(Pieces([current]), SPACE_SEAM)
        if fits(part):
            current = part
        else:
            pieces.add(split_to_fit(part, fits), SPACE_SEAM)
            current = ""
    if current:
        pieces.add(Pieces([current]), SPACE_SEAM)
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
    # Each text is tokenized once; its ids serve the length check and the translation
    # (issue 10). Only a text too long for the model is encoded again, piece by piece.
    limit = translator.max_input_tokens
    pieces_of: list[list[str]] = []
    piece_ids: dict[str, list[int]] = {}

    def ids_of(piece: str) -> list[int]:
        # split_to_fit tries each piece it returns, so these are encoded once too
        if piece not in piece_ids:
            piece_ids[piece] = translator.encode([piece], source, target)[0]
        return piece_ids[piece]

    flat_ids: list[list[int]] = []
    for text, ids in zip(texts, translator.encode(texts, source, target), strict=True):
        if len(ids) <= limit:
            pieces_of.append([text])
            flat_ids.append(ids)
        else:
            piece_ids[text] = ids  # split_to_fit first tries the whole text again
            pieces_of.append(split_to_fit(text, lambda piece: len(ids_of(piece)) <= limit))
            flat_ids.extend(ids_of(piece) for piece in pieces_of[-1])
    flat = [piece for pieces in pieces_of for piece in pieces]
    translated = translator.translate(flat, source, target, beams, on_progress, encoded=flat_ids)
    results: list[TranslatedText] = []
    position = 0
    for pieces in pieces_of:
        outputs = translated[position : position + len(pieces)]
        position += len(pieces)
        results.append(
            TranslatedText(
                # by what meets at each seam: a word cut in two stays one word, Chinese gets no
                # spaces, Latin words one (issue 9)
                text=join_pieces([output.text for output in outputs], getattr(pieces, "seams", None)),
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
    # Chinese is made from the English only: a sentence whose English came back empty gets no
    # Chinese and the ``empty`` flag, instead of its Indonesian going to en->zh (issue 9).
    for sentence in english:
        if sentence.lang != "en" and not sentence.en.strip():
            sentence.zh = ""
            sentence.add_flag("empty")
    english = [sentence for sentence in english if sentence.lang == "en" or sentence.en.strip()]
    if english:
        # (a passed-through sentence's English is its text, also when English was not asked for)
        texts = [sentence.text if sentence.lang == "en" else sentence.en for sentence in english]
        _apply(english, translate_texts(texts, pool.get("en-zh"), "en", "zh", beams, on_progress), "zh")


def _apply(sentences: list[Sentence], results: list[TranslatedText], field: str) -> None:
    for sentence, result in zip(sentences, results, strict=True):
        setattr(sentence, field, result.text)
        if not result.text.strip():
            sentence.add_flag("empty")
        if result.pieces > 1:
            sentence.add_flag("split")
        if result.hit_length_limit:
            sentence.add_flag("length_limit")
