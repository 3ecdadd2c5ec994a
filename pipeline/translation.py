"""The translation stage: every sentence gets exactly one English and one Chinese segment.

Indonesian sentences go id->en; sentences the language check found to be English go to English
unchanged. Chinese comes from the English through en->zh (the pivot), or straight from the
Indonesian when a direct ``id-zh`` model is configured; ``models.pool.TranslationPlan`` says
which. A chat model (``models.backends.chat``) reads each sentence with its context (the title
and the ``context_sentences`` before it) and the glossary's references for its terms, and its
answers are checked before they are used (``pipeline.answers``).

A sentence longer than a model accepts is never truncated (transformers #24169, #19396): it
is split at clause boundaries into pieces that fit (``pipeline.pieces``), each piece is
translated, and the translations are joined. Sentences from many articles can be translated in
one call, so the batch job fills its batches across articles.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace

from models.backends import SegmentHints, Translation, Translator
from models.pool import ModelPool
from pipeline.answers import CheckedAnswer, translate_checked
from pipeline.article import Article, Sentence
from pipeline.joining import join_pieces
from pipeline.pieces import Pieces, split_to_fit
from pipeline.qa.glossary import Glossary, Term
from pipeline.spans import Span, find_spans, join_around, mask, resolve_overlaps, split_around, unmask
from pipeline.terms import find_terms, is_do_not_translate, keep_names, missing_renderings

__all__ = ["Pieces", "TranslatedText", "split_to_fit", "translate_articles", "translate_protected", "translate_texts"]

@dataclass(frozen=True)
class TranslatedText:
    """The translation of one sentence, and how it was made.

    Attributes:
        text: the translation (pieces joined).
        pieces: how many pieces the sentence was translated in (1 unless it was too long).
        hit_length_limit: some piece stopped at the output length limit.
        score: the model's mean log-probability per output token over all pieces; None
            when the backend gave none.
        tokens: how many output tokens ``score`` is the mean of.
        flags: what the answer checks of a chat model raised (``pipeline.answers``).
    """

    text: str
    pieces: int = 1
    hit_length_limit: bool = False
    score: float | None = None
    tokens: int = 0
    flags: tuple[str, ...] = ()


#: The fallback of a pass: gives the pair's seq2seq model, loaded when first needed, or None.
Fallback = Callable[[], Translator | None]


def translate_texts(
    texts: list[str],
    translator: Translator,
    source: str,
    target: str,
    beams: int,
    on_progress: Callable[[int], None] | None = None,
    hints: list[SegmentHints] | None = None,
    fallback: Fallback | None = None,
) -> list[TranslatedText]:
    """Translate sentences with one model, splitting the ones that are too long for it.

    Args:
        texts: the sentences, possibly from many articles.
        translator: the model for ``source`` -> ``target``.
        source, target: ISO 639-1 codes.
        beams: beam size (a chat model decodes greedily).
        on_progress: called with a number of sentences' worth of pieces finished.
        hints: one per text, for a chat model (context, glossary references); the pieces of a
            split text share its hints.
        fallback: for a chat model, the seq2seq model of the pair for answers refused twice.

    Returns:
        One TranslatedText per input text, in order.
    """
    # Each text is tokenized once; its ids serve the length check and the translation. Only a
    # text too long for the model is encoded again, piece by piece.
    limit = translator.max_input_tokens
    pieces_of: list[list[str]] = []
    piece_ids: dict[str, list[int]] = {}

    def ids_of(piece: str) -> list[int]:
        # split_to_fit tries each piece it returns, so these are encoded once too
        if piece not in piece_ids:
            piece_ids[piece] = translator.encode([piece], source, target)[0]
        return piece_ids[piece]

    flat_ids: list[list[int]] = []
    flat_hints: list[SegmentHints] = []
    for index, (text, ids) in enumerate(zip(texts, translator.encode(texts, source, target), strict=True)):
        if len(ids) <= limit:
            pieces_of.append([text])
            flat_ids.append(ids)
        else:
            piece_ids[text] = ids  # split_to_fit first tries the whole text again
            pieces_of.append(split_to_fit(text, lambda piece: len(ids_of(piece)) <= limit))
            flat_ids.extend(ids_of(piece) for piece in pieces_of[-1])
        flat_hints.extend([hints[index] if hints else SegmentHints()] * len(pieces_of[-1]))
    flat = [piece for pieces in pieces_of for piece in pieces]
    if translator.kind == "chat":
        checked = translate_checked(translator, flat, source, target, beams, on_progress, flat_ids, flat_hints, fallback)
    else:
        checked = [CheckedAnswer(output) for output in translator.translate(flat, source, target, beams, on_progress, encoded=flat_ids)]
    results: list[TranslatedText] = []
    position = 0
    for pieces in pieces_of:
        answers = checked[position : position + len(pieces)]
        outputs = [answer.translation for answer in answers]
        position += len(pieces)
        results.append(
            TranslatedText(
                # by what meets at each seam: a word cut in two stays one word, Chinese gets no
                # spaces, Latin words one
                text=join_pieces([output.text for output in outputs], getattr(pieces, "seams", None)),
                pieces=len(pieces),
                hit_length_limit=any(output.hit_length_limit for output in outputs),
                score=_mean_score(outputs),
                tokens=sum(output.tokens for output in outputs),
                flags=tuple(dict.fromkeys(flag for answer in answers for flag in answer.flags)),
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
    context_sentences: int = 2,
) -> None:
    """Fill in ``en`` and ``zh`` for every sentence of ``articles`` (the translation stage).

    All articles' sentences go to each model together, so batches are full across articles.

    Args:
        articles: articles whose sentences are split and language-checked.
        pool: the models; its ``plan`` says which pair makes which target.
        targets: which of ``en`` and ``zh`` to produce; English is made anyway when the
            Chinese pivots through it.
        beams: beam size (seq2seq models; a chat model decodes greedily).
        on_progress: called with a number of segments finished.
        glossary: its do-not-translate names are protected with the other spans, and the
            renderings the model misses are enforced (``translate_protected``); a chat model
            also reads the renderings of the terms in each sentence before it.
        context_sentences: how many sentences before each one (besides the title) a chat model
            reads as context; 0 for none.

    A target the memory stage filled in (``Sentence.remembered``) is not translated again; the
    pivot's Chinese of a sentence whose English is remembered comes from that English.
    """
    sentences = [sentence for article in articles for sentence in article.sentences()]
    plan = pool.plan(targets)
    passes = _Passes(pool, beams, on_progress, glossary.terms if glossary is not None else (), _contexts(articles, context_sentences))
    # (English only for the pivot is not made for a sentence whose Chinese is remembered)
    indonesian = [
        sentence for sentence in sentences
        if sentence.lang != "en" and "en" not in sentence.remembered and ("en" in targets or "zh" not in sentence.remembered)
    ]
    if plan.english is not None:
        passes.run(indonesian, [s.text for s in indonesian], plan.english, "id", "en")
        for sentence in sentences:
            if sentence.lang == "en":
                sentence.en = sentence.text
    if plan.chinese is None or plan.english_to_chinese is None:
        return
    if plan.direct:
        direct = [sentence for sentence in sentences if sentence.lang != "en" and "zh" not in sentence.remembered]
        passes.run(direct, [s.text for s in direct], "id-zh", "id", "zh")
        english = [sentence for sentence in sentences if sentence.lang == "en" and "zh" not in sentence.remembered]
    else:
        english = [sentence for sentence in sentences if "zh" not in sentence.remembered]
    # Chinese is made from the English only: a sentence whose English came back empty gets no
    # Chinese and the ``empty`` flag, instead of its Indonesian going to en->zh.
    for sentence in english:
        if sentence.lang != "en" and not sentence.en.strip():
            sentence.zh = ""
            sentence.add_flag("empty")
    english = [sentence for sentence in english if sentence.lang == "en" or sentence.en.strip()]
    # (a passed-through sentence's English is its text, also when English was not asked for)
    texts = [sentence.text if sentence.lang == "en" else sentence.en for sentence in english]
    passes.run(english, texts, plan.english_to_chinese, "en", "zh", pivot=not plan.direct)


def _contexts(articles: list[Article], count: int) -> dict[int, tuple[Sentence, ...]]:
    """id(sentence) -> the sentences a chat model reads before it: the title, then up to ``count`` before it."""
    contexts: dict[int, tuple[Sentence, ...]] = {}
    if count <= 0:
        return contexts
    for article in articles:
        title = [sentence for block in article.blocks if block.kind == "title" for sentence in block.sentences]
        body = [sentence for block in article.blocks if block.kind != "title" for sentence in block.sentences]
        for sentence in title:
            contexts[id(sentence)] = ()
        for position, sentence in enumerate(body):
            contexts[id(sentence)] = (*title, *body[max(0, position - count):position])
    return contexts


class _Passes:
    """One model pass after another over a run's sentences, with what every pass shares."""

    def __init__(self, pool: ModelPool, beams: int, on_progress: Callable[[int], None] | None, terms: tuple[Term, ...],
                 contexts: dict[int, tuple[Sentence, ...]]):
        self.pool, self.beams, self.on_progress, self.terms, self.contexts = pool, beams, on_progress, terms, contexts

    def run(self, sentences: list[Sentence], texts: list[str], pair: str, source: str, target: str, pivot: bool = False) -> None:
        """Translate ``texts`` (of ``sentences``) with ``pair``'s model into ``target`` and record the results."""
        if not sentences:
            return
        translator = self.pool.get(pair)
        hints = self._hints(sentences, texts, source, target) if translator.kind == "chat" else None
        results = translate_protected(sentences, texts, translator, source, target, self.beams, self.on_progress, self.terms,
                                      hints, lambda: self.pool.fallback(pair))
        _apply(sentences, results, target, pivot=pivot)

    def _hints(self, sentences: list[Sentence], texts: list[str], source: str, target: str) -> list[SegmentHints]:
        # The context is in the language of the pass's source: the Indonesian (or a passed-through
        # English sentence as it is), or for the pivot the English made of it.
        def in_source(sentence: Sentence) -> str:
            return sentence.en if source == "en" and sentence.lang != "en" and sentence.en else sentence.text

        field = "id" if source == "id" else "en"
        # do-not-translate names are protected spans already; the rest may need the model's attention
        translated_terms = [term for term in self.terms if not is_do_not_translate(term)]
        by_id = {term.id: term for term in self.terms}
        hints = []
        for sentence, text in zip(sentences, texts, strict=True):
            context = tuple(in_source(before) for before in self.contexts.get(id(sentence), ()) if in_source(before).strip())
            found = find_terms(text, translated_terms, field, affixes=field == "id") if translated_terms else []
            references = tuple(dict.fromkeys((span.text, getattr(by_id[span.term], target)) for span in found
                                             if getattr(by_id[span.term], target)))
            hints.append(SegmentHints(context, references))
        return hints


def _apply(sentences: list[Sentence], results: list[TranslatedText], field: str, pivot: bool = False) -> None:
    for sentence, result in zip(sentences, results, strict=True):
        setattr(sentence, field, result.text)
        if result.score is not None:
            # Chinese made from the model's English carries both steps: the log-probabilities
            # add, so a doubtful English makes a doubtful Chinese. From a remembered
            # or passed-through English, only the en->zh step is the model's.
            earlier = sentence.scores.get("en", 0.0) if pivot and sentence.lang != "en" else 0.0
            sentence.scores[field] = round(result.score + earlier, 4)
        if not result.text.strip():
            sentence.add_flag("empty")
        if result.pieces > 1:
            sentence.add_flag("split")
        if result.hit_length_limit:
            sentence.add_flag("length_limit")
        for flag in result.flags:
            sentence.add_flag(flag)
            raised_by = sentence.qa.setdefault(flag, [])
            if field not in raised_by:
                raised_by.append(field)


def translate_protected(
    sentences: list[Sentence],
    texts: list[str],
    translator: Translator,
    source: str,
    target: str,
    beams: int,
    on_progress: Callable[[int], None] | None = None,
    terms: tuple[Term, ...] = (),
    hints: list[SegmentHints] | None = None,
    fallback: Fallback | None = None,
) -> list[TranslatedText]:
    """Translate ``texts`` (the source of ``sentences``) with their spans protected and the glossary enforced.

    Spans (``pipeline.spans``: URLs, e-mail addresses, handles, hashtags, phone and document
    numbers, do-not-translate names) go to the model as placeholders and come back verbatim;
    a sentence whose placeholders did not survive is translated again cut at its spans and
    gets the ``protected_retry`` flag. Then each glossary term of the source whose ``target``
    rendering the translation lacks is made a span of its own whose output is that rendering,
    and the sentence is translated again with it; terms the model rendered are
    left as it wrote them. Each sentence records its spans in ``protected`` and the enforced
    term ids in ``enforced[target]``.

    Args:
        sentences: the sentences, one per text (their records are updated).
        texts: what to translate: the Indonesian, or the English for the pivot.
        translator, source, target, beams, on_progress, hints, fallback: as for ``translate_texts``.
        terms: the glossary's terms (none: spans only).

    Returns:
        One TranslatedText per text, in order, with no placeholder left in it.
    """
    keep = keep_names(terms)
    spans_of = [find_spans(text, keep) for text in texts]
    results = _translate_spans(texts, spans_of, translator, source, target, beams, on_progress, hints, fallback)
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
        again = _translate_spans([texts[i] for i, _, _ in redo], [spans for _, spans, _ in redo], translator, source, target, beams, None,
                                 [hints[i] for i, _, _ in redo] if hints else None, fallback)
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
    hints: list[SegmentHints] | None = None,
    fallback: Fallback | None = None,
) -> list[tuple[TranslatedText, bool]]:
    # (translation, whether it had to be retranslated cut at its spans)
    masked = [mask(text, spans) if spans else None for text, spans in zip(texts, spans_of, strict=True)]
    segments = [split_around(text, spans) for text, spans in zip(texts, spans_of, strict=True)]
    # a sentence of spans and punctuation only (a lone URL) has nothing for a model to do
    to_model = [i for i, parts in enumerate(segments) if any(part.translatable for part in parts) or not spans_of[i]]
    first = translate_texts([masked_text.text if (masked_text := masked[i]) else texts[i] for i in to_model],
                            translator, source, target, beams, on_progress, [hints[i] for i in to_model] if hints else None, fallback)
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
        piece_hints = [hints[index] for index in failed for part in segments[index] if part.translatable] if hints else None
        outputs = iter(translate_texts(pieces, translator, source, target, beams, None, piece_hints, fallback))
        for index in failed:
            translated = [next(outputs) if part.translatable else None for part in segments[index]]
            text = join_around(segments[index], [out.text if out else part.text for part, out in zip(segments[index], translated, strict=True)], target)
            done = [out for out in translated if out is not None]
            results[index] = (
                TranslatedText(text, pieces=max((out.pieces for out in done), default=1),
                               hit_length_limit=any(out.hit_length_limit for out in done),
                               score=_mean_score(done), tokens=sum(out.tokens for out in done),
                               flags=tuple(dict.fromkeys(flag for out in done for flag in out.flags))),
                True,
            )
    return results
