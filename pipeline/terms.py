"""Glossary matching for enforcement: which terms a sentence uses, and which a translation misses.

The glossary (``pipeline.qa.glossary``) prescribes renderings; this module finds the terms in a
source sentence the way an Indonesian text writes them, and turns the ones a translation
misses into spans (``pipeline.spans``) whose output is the prescribed rendering, so the
translation stage can translate the sentence again with the term fixed:

- any case, so a term that starts a sentence with a capital still matches;
- with the Indonesian clitics and prefixes a name takes (``-nya``, ``-lah``, ``-pun``,
  ``di-``, ``ke-``; ``ke-Makassar``, ``Makassarnya``), the whole word becoming the span;
- the longest term wins where terms overlap (``Pemerintah Kota Makassar`` over ``Makassar``);
- a term the model already rendered as prescribed (``has_rendering``) is left as the model
  wrote it: only the missing ones are enforced.

A do-not-translate entry is one whose ``en`` and ``zh`` both equal its ``id``: it is kept
verbatim like a URL, and always protected.
"""

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from pipeline.qa.glossary import Term
from pipeline.spans import Span, resolve_overlaps

_PREFIXES = r"(?:(?:di|ke)-?)?"
_SUFFIXES = r"(?:-?(?:nya|lah|pun))?"


def is_do_not_translate(term: Term) -> bool:
    """The entry keeps its name in every language (``en`` and ``zh`` both equal ``id``)."""
    return term.en == term.id and term.zh == term.id


def keep_names(terms: Iterable[Term]) -> list[str]:
    """The do-not-translate names among ``terms``, for ``pipeline.spans.find_spans``."""
    return [term.id for term in terms if is_do_not_translate(term)]


def find_terms(text: str, terms: Sequence[Term], field: str = "id", affixes: bool = True) -> list[Span]:
    """Find glossary terms in ``text``, longest match first, none overlapping.

    Args:
        text: a sentence.
        terms: the glossary's terms.
        field: which form of a term to look for: ``id`` in Indonesian, ``en`` in English
            (the pivot's source; a term with no English rendering is looked for by its
            Indonesian form there, a name the English may have kept as it was).
        affixes: let Indonesian prefixes and clitics attach to the term.

    Returns:
        ``term`` spans in order; ``output`` is left "" (``enforce_spans`` sets the rendering).
    """
    found = []
    for term in terms:
        form = getattr(term, field).strip() or (term.id.strip() if field == "en" else "")
        if not form:
            continue
        for match in _term_pattern(form, affixes).finditer(text):
            found.append(Span(match.start(), match.end(), "term", match.group(), "", term.id))
    # longest first is resolve_overlaps' rule for spans starting together; a longer term
    # starting earlier or later than a shorter one inside it wins too:
    by_length = sorted(found, key=lambda span: -(span.end - span.start))
    chosen: list[Span] = []
    for span in by_length:
        if all(span.end <= other.start or span.start >= other.end for other in chosen):
            chosen.append(span)
    return resolve_overlaps(chosen)


@lru_cache(maxsize=8192)
def _term_pattern(form: str, affixes: bool) -> re.Pattern[str]:
    # compiled once per term: a glossary of thousands of terms outgrows re's own cache
    pattern = re.escape(form).replace(r"\ ", r"\s+")
    if affixes:
        pattern = rf"{_PREFIXES}{pattern}{_SUFFIXES}"
    return re.compile(rf"(?<!\w){pattern}(?!\w)", re.IGNORECASE)


def has_rendering(translation: str, rendering: str) -> bool:
    """``translation`` shows ``rendering`` as written, but for the case of its first letter.

    The first letter may differ so that a rendering starting a sentence counts; the rest
    must match, so an upper-cased ``BELT AND ROAD`` is not the prescribed ``Belt and Road``.
    """
    rendering = rendering.strip()
    if not rendering:
        return True
    first = rendering[0]
    head = f"[{re.escape(first.lower())}{re.escape(first.upper())}]" if first.lower() != first.upper() else re.escape(first)
    pattern = head + re.escape(rendering[1:]).replace(r"\ ", r"\s+")
    return bool(re.search(pattern, translation))


def missing_renderings(
    source: str, translation: str, target: str, terms: Sequence[Term], field: str = "id", original: str = ""
) -> list[Span]:
    """The terms of ``source`` whose ``target`` rendering ``translation`` lacks, as spans to enforce.

    Args:
        source: what was translated.
        translation: the model's translation.
        target: ``en`` or ``zh``.
        terms: the glossary's terms (do-not-translate entries are left out: they are
            protected anyway).
        field: which form to look for in ``source`` (``id``, or ``en`` for the pivot).
        original: for the pivot, the Indonesian ``source`` was translated from: where two
            entries share an English form (``Tiongkok`` and ``RRT``, both "China"), the one it
            uses gives the rendering.

    Returns:
        ``term`` spans whose ``output`` is the rendering, in the order of ``source``.
    """
    by_id = {term.id: term for term in terms}
    candidates = [term for term in terms if not is_do_not_translate(term)]
    if original:
        # find_terms keeps the first of two terms matching the same words: put the ones the
        # Indonesian uses first, in its order (a stable sort keeps the rest as they were)
        used = list(dict.fromkeys(span.term for span in find_terms(original, candidates)))
        candidates.sort(key=lambda term: used.index(term.id) if term.id in used else len(used))
    spans = []
    for span in find_terms(source, candidates, field, affixes=field == "id"):
        rendering = getattr(by_id[span.term], target)
        if rendering and not has_rendering(translation, rendering):
            spans.append(Span(span.start, span.end, "term", span.text, rendering, span.term))
    return spans
