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
from dataclasses import dataclass, replace

from models.backends import Translation, Translator
from models.pool import ModelPool
from pipeline.article import Article, Sentence
from pipeline.joining import SPACE_SEAM, WORD_SEAM, join_pieces
from pipeline.qa.glossary import Glossary, Term
from pipeline.spans import Span, find_spans, join_around, mask, resolve_overlaps, split_around, unmask
from pipeline.terms import keep_names, missing_renderings

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
        score: the model's mean log-probability per output token over all pieces (issue 13);
            None when the backend gave none.
        tokens: how many output tokens ``score`` is the mean of.
    """

    text: str
    pieces: int = 1
    hit_length_limit: bool = False
    score: float | None = None
    tokens: int = 0


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
                score=_mean_score(outputs),
                tokens=sum(output.tokens for output in outputs),
            )
        )
    return results


def _mean_score(outputs: list[Translation] | list[TranslatedText]) -> float | None:
    # A split sentence's pieces weigh by their tokens, so its score is the mean per token of
    # the whole translation, as an unsplit one's is.
    scored = [output for output in outputs if output.score is not None and output.tokens > 0]
    if not scored or len(scored) < len(outputs):
        return None
    return sum(output.score * output.tokens for output in scored if output.score is not None) / sum(output.tokens for output in scored)


def translate_articles(
    articles: list[Article],
    pool: ModelPool,
    targets: tuple[str, ...] = ("en", "zh"),
    beams: int = 4,
    on_progress: Callable[[int], None] | None = None,
    glossary: Glossary | None = None,
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
        glossary: its do-not-translate names are protected with the other spans, and the
            renderings the model misses are enforced (``translate_protected``).

    A target the memory stage filled in (``Sentence.remembered``) is not translated again; the
    pivot's Chinese of a sentence whose English is remembered comes from that English.
    """
    sentences = [sentence for article in articles for sentence in article.sentences()]
    terms = glossary.terms if glossary is not None else ()
    # (English only for the pivot is not made for a sentence whose Chinese is remembered)
    indonesian = [
        sentence for sentence in sentences
        if sentence.lang != "en" and "en" not in sentence.remembered and ("en" in targets or "zh" not in sentence.remembered)
    ]
    direct_chinese = pool.has("id-zh")
    if ("en" in targets or ("zh" in targets and not direct_chinese)) and indonesian:
        _apply(indonesian, translate_protected(indonesian, [s.text for s in indonesian], pool.get("id-en"), "id", "en", beams, on_progress, terms), "en")
        for sentence in sentences:
            if sentence.lang == "en":
                sentence.en = sentence.text
    if "zh" not in targets:
        return
    if direct_chinese:
        direct = [sentence for sentence in sentences if sentence.lang != "en" and "zh" not in sentence.remembered]
        if direct:
            _apply(direct, translate_protected(direct, [s.text for s in direct], pool.get("id-zh"), "id", "zh", beams, on_progress, terms), "zh")
        english = [sentence for sentence in sentences if sentence.lang == "en"]
    else:
        english = [sentence for sentence in sentences if "zh" not in sentence.remembered]
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
        _apply(english, translate_protected(english, texts, pool.get("en-zh"), "en", "zh", beams, on_progress, terms), "zh", pivot=not direct_chinese)


def _apply(sentences: list[Sentence], results: list[TranslatedText], field: str, pivot: bool = False) -> None:
    for sentence, result in zip(sentences, results, strict=True):
        setattr(sentence, field, result.text)
        if result.score is not None:
            # Chinese made from the model's English carries both steps: the log-probabilities
            # add, so a doubtful English makes a doubtful Chinese (issue 13). From a remembered
            # or passed-through English, only the en->zh step is the model's.
            earlier = sentence.scores.get("en", 0.0) if pivot and sentence.lang != "en" else 0.0
            sentence.scores[field] = round(result.score + earlier, 4)
        if not result.text.strip():
            sentence.add_flag("empty")
        if result.pieces > 1:
            sentence.add_flag("split")
        if result.hit_length_limit:
            sentence.add_flag("length_limit")


def translate_protected(
    sentences: list[Sentence],
    texts: list[str],
    translator: Translator,
    source: str,
    target: str,
    beams: int,
    on_progress: Callable[[int], None] | None = None,
    terms: tuple[Term, ...] = (),
) -> list[TranslatedText]:
    """Translate ``texts`` (the source of ``sentences``) with their spans protected and the glossary enforced.

    Spans (``pipeline.spans``: URLs, e-mail addresses, handles, hashtags, phone and document
    numbers, do-not-translate names) go to the model as placeholders and come back verbatim;
    a sentence whose placeholders did not survive is translated again cut at its spans and
    gets the ``protected_retry`` flag. Then each glossary term of the source whose ``target``
    rendering the translation lacks is made a span of its own whose output is that rendering,
    and the sentence is translated again with it (issue 14); terms the model rendered are
    left as it wrote them. Each sentence records its spans in ``protected`` and the enforced
    term ids in ``enforced[target]``.

    Args:
        sentences: the sentences, one per text (their records are updated).
        texts: what to translate: the Indonesian, or the English for the pivot.
        translator, source, target, beams, on_progress: as for ``translate_texts``.
        terms: the glossary's terms (none: spans only).

    Returns:
        One TranslatedText per text, in order, with no placeholder left in it.
    """
    keep = keep_names(terms)
    spans_of = [find_spans(text, keep) for text in texts]
    results = _translate_spans(texts, spans_of, translator, source, target, beams, on_progress)
    # the glossary: only the sentences whose translation misses a rendering go again
    field = "id" if source == "id" else "en"
    redo: list[tuple[int, list[Span], list[Span]]] = []
    for index, (text, (result, _)) in enumerate(zip(texts, results, strict=True)):
        # the pivot looks terms up in the English, but the Indonesian says which entry was meant
        original = sentences[index].text if source == "en" and sentences[index].lang != "en" else ""
        missing = missing_renderings(text, result.text, target, terms, field, original) if terms else []
        # a term inside a protected span (a city's name in a URL) stays as the span has it
        missing = [term for term in missing if not any(term.start < span.end and span.start < term.end for span in spans_of[index])]
        if missing:
            redo.append((index, resolve_overlaps([*spans_of[index], *missing]), missing))
    if redo:
        again = _translate_spans([texts[i] for i, _, _ in redo], [spans for _, spans, _ in redo], translator, source, target, beams, None)
        for (index, spans, missing), outcome in zip(redo, again, strict=True):
            results[index] = outcome
            spans_of[index] = spans
            enforced = sentences[index].enforced.setdefault(target, [])
            enforced.extend(span.term for span in missing if span.term not in enforced)
    for sentence, spans, (_, retried) in zip(sentences, spans_of, results, strict=True):
        for span in spans:
            record = {"kind": span.kind, "text": span.text}
            if span.kind != "term" and record not in sentence.protected:
                sentence.protected.append(record)
        if retried:
            sentence.add_flag("protected_retry")
    return [result for result, _ in results]


def _translate_spans(
    texts: list[str],
    spans_of: list[list[Span]],
    translator: Translator,
    source: str,
    target: str,
    beams: int,
    on_progress: Callable[[int], None] | None,
) -> list[tuple[TranslatedText, bool]]:
    # (translation, whether it had to be retranslated cut at its spans)
    masked = [mask(text, spans) if spans else None for text, spans in zip(texts, spans_of, strict=True)]
    segments = [split_around(text, spans) for text, spans in zip(texts, spans_of, strict=True)]
    # a sentence of spans and punctuation only (a lone URL) has nothing for a model to do
    to_model = [i for i, parts in enumerate(segments) if any(part.translatable for part in parts) or not spans_of[i]]
    first = translate_texts([masked_text.text if (masked_text := masked[i]) else texts[i] for i in to_model],
                            translator, source, target, beams, on_progress)
    results: list[tuple[TranslatedText, bool]] = [
        (TranslatedText(join_around(parts, [part.text for part in parts], target)), False) for parts in segments
    ]
    failed = []
    for index, result in zip(to_model, first, strict=True):
        masked_text = masked[index]
        restored = unmask(result.text, masked_text, target) if masked_text else result.text
        if restored is None:
            failed.append(index)
        else:
            results[index] = (replace(result, text=restored), False)
    if failed:
        # placeholders lost or doubled: translate the text between the spans, rejoin with them verbatim
        pieces = [part.text for index in failed for part in segments[index] if part.translatable]
        outputs = iter(translate_texts(pieces, translator, source, target, beams, None))
        for index in failed:
            translated = [next(outputs) if part.translatable else None for part in segments[index]]
            text = join_around(segments[index], [out.text if out else part.text for part, out in zip(segments[index], translated, strict=True)], target)
            done = [out for out in translated if out is not None]
            results[index] = (
                TranslatedText(text, pieces=max((out.pieces for out in done), default=1),
                               hit_length_limit=any(out.hit_length_limit for out in done),
                               score=_mean_score(done), tokens=sum(out.tokens for out in done)),  # issue 13
                True,
            )
    return results
