"""The extractive summary: sentences of the release, picked without a model.

Press releases put the news first, and on Liputan6 a lead-2 extract scores ROUGE-1/2/L
36.7/20.2/33.7 — close to an abstractive mT5 (docs/design.md, "Summary"). So the summary picks the N most
central paragraph sentences (cosine similarity of word-count vectors to the rest of the
article, Indonesian function words left out), gives the lead a head start, and keeps the
picks in document order. Their English and Chinese come from the alignment, so the summary
is consistent with the article in all three languages.
"""

import math
import re
from collections import Counter

from data import function_words
from pipeline.article import Article, SummarySentence
from pipeline.summary.claims import trace_summary

_WORD = re.compile(r"[^\W_]+")
# Sentences shorter than this are datelines or fragments, not summary material.
_MIN_WORDS = 6
# Weight of position against centrality: the first sentence gets +LEAD_WEIGHT, later ones less.
_LEAD_WEIGHT = 0.5
# Blocks whose sentences are summary material (not the title, headings or table cells).
_BODY_KINDS = ("paragraph", "list_item")


def _bag(text: str) -> Counter[str]:
    return Counter(word for word in (w.lower() for w in _WORD.findall(text)) if word not in function_words("id") and len(word) > 1)


def _unit(bag: Counter[str]) -> dict[str, float]:
    norm = math.sqrt(sum(count * count for count in bag.values()))
    return {word: count / norm for word, count in bag.items()} if norm else {}


def centrality_scores(texts: list[str]) -> list[float]:
    """Each text's mean cosine similarity (content-word counts) to the other texts.

    Comparing every pair would take hours on a file of 100,000 sentences; the sum of cosines of
    one text to all the others is the dot product of its unit vector with the sum of all unit
    vectors, less its own (1), so one pass over the words of the texts gives the same scores.

    Args:
        texts: the sentences, in any order.

    Returns:
        One score per text, 0.0 to 1.0: 0.0 for a text that shares no content word with any
        other (or has none), and for every text when there is only one.
    """
    vectors = [_unit(_bag(text)) for text in texts]
    centroid: dict[str, float] = {}
    for vector in vectors:
        for word, weight in vector.items():
            centroid[word] = centroid.get(word, 0.0) + weight
    others = len(vectors) - 1
    if others < 1:
        return [0.0] * len(vectors)
    scores = []
    for vector in vectors:
        # its own share of the centroid is taken out term by term, so a text sharing no word
        # with the others scores exactly 0.0
        shared = sum(weight * (centroid[word] - weight) for word, weight in vector.items())
        scores.append(max(0.0, shared) / others)
    return scores


def summarize_article(article: Article, sentences: int = 3) -> Article:
    """Pick ``sentences`` summary sentences from ``article`` (the summary stage).

    Candidates are sentences of paragraphs and list items with at least a few words; when
    there are none, every sentence of a paragraph or list item; only when the article has
    neither is every sentence (title, headings, table cells) a candidate. Each sentence's
    score is its mean cosine similarity to the other candidates plus a lead bonus that falls
    with position.

    Args:
        article: an article whose sentences are split (and translated, for ``en``/``zh``).
        sentences: how many sentences to pick; all candidates when there are fewer, none
            when 0 or less.

    Returns:
        The same article with ``article.summary`` filled in, in document order, each sentence
        with its sources (its own row first) and flags.
    """
    numbered = article.numbered_sentences()
    body = [entry for entry in numbered if entry[2].kind in _BODY_KINDS]
    # A heading or the title is never summary material while the article has a body, even one
    # of short sentences only: a headline says what the article is about, not what happened.
    candidates = [entry for entry in body if len(entry[3].text.split()) >= _MIN_WORDS] or body or numbered
    scores = [
        centrality + _LEAD_WEIGHT / (1 + position)
        for position, centrality in enumerate(centrality_scores([entry[3].text for entry in candidates]))
    ]
    ranked = sorted(range(len(candidates)), key=lambda index: (-scores[index], index))
    chosen = sorted(ranked[: max(0, sentences)])
    article.summary = [
        SummarySentence(block_number, sentence_number, sentence.text, sentence.en, sentence.zh)
        for block_number, sentence_number, _block, sentence in (candidates[index] for index in chosen)
    ]
    article.summary_method, article.summary_model = "extractive", None
    trace_summary(article)
    return article
