"""The summary stage: two or three sentences in Indonesian, English and Chinese, each traced to the release.

``extractive`` (the default) picks the most central sentences of the release, with their
translations from the alignment: no model, nothing invented. ``abstractive`` has a chat model
write the Indonesian summary and translates it with warta's own translators. Either way every
summary sentence records the release sentences that support it and is flagged ``unsupported``
when it states a number, date or name the release does not (``pipeline.summary.claims``).
"""

import logging
from typing import Protocol

from models.pool import ModelPool
from models.summarizer import Summarizer
from pipeline.article import Article
from pipeline.qa.checks import has_repetition
from pipeline.summary.abstractive import (
    TOKENS_PER_SENTENCE,
    SummaryPrompt,
    build_prompt,
    take_translations,
    translation_article,
    written_summary,
)
from pipeline.summary.claims import UNSUPPORTED_FLAG, trace_summary
from pipeline.summary.extractive import summarize_article
from pipeline.translation import translate_articles

log = logging.getLogger(__name__)

#: What ``--summary`` takes.
SUMMARY_METHODS = ("extractive", "abstractive")
# Tokens of the chat around the article (system message, request, fence, chat markup).
_PROMPT_OVERHEAD = 256
# The least article budget tried: below it a prompt shows a few sentences of any article.
_MIN_BUDGET = 64
# The article text given may pass its budget by this much (paragraph breaks and ``[...]`` marks
# are not in the sentences' count) before the selection is made again with less.
_BUDGET_SLACK = 1.1

__all__ = ["SUMMARY_METHODS", "UNSUPPORTED_FLAG", "summarize_article", "summarize_articles", "trace_summary"]


class SummaryOptions(Protocol):
    """The settings the summary stage reads (``pipeline.settings.Settings`` has them)."""

    summary: str
    summary_sentences: int
    summary_input_tokens: int
    targets: tuple[str, ...]
    beams: int


def summarize_articles(articles: list[Article], options: SummaryOptions, pool: ModelPool) -> None:
    """Fill in every article's summary by ``options.summary`` (the summary stage).

    Abstractive: the summarizer loads once (from ``pool``) and writes the summaries of several
    articles per call; the summaries' sentences of all articles are then translated together.

    Raises:
        ModelError: the summarizer or a translator cannot be loaded.
    """
    if options.summary != "abstractive" or options.summary_sentences <= 0:
        for article in articles:
            summarize_article(article, options.summary_sentences)
        return
    summarizer = pool.summarizer()
    max_new_tokens = TOKENS_PER_SENTENCE * options.summary_sentences
    # the prompt's room in the model's context: a chat model's answer shares it, an encoder's does not
    room = summarizer.positions - (max_new_tokens if summarizer.chat else 0)
    fitted = [_fitting_prompt(article, options, summarizer, room) for article in articles]
    # An article whose prompt cannot be cut to fit (one sentence longer than the whole context)
    # gets the extractive summary; the others of the batch are still written by the model.
    too_long = [len(ids) > room for _, ids, _ in fitted]
    for article, (_, ids, _), skip in zip(articles, fitted, too_long, strict=True):
        if skip:
            _fall_back(article, options, f"even cut down, the article takes {len(ids)} tokens, more than the summarizer's "
                                         f"context leaves for it ({room})")
    chosen = [(article, fit) for article, fit, skip in zip(articles, fitted, too_long, strict=True) if not skip]
    answers = summarizer.generate([ids for _, (_, ids, _) in chosen], max_new_tokens) if chosen else []
    for (article, (prompt, _, budget)), answer in zip(chosen, answers, strict=True):
        if len(prompt.given) < prompt.total_sentences:
            article.warnings.append(
                f"summary: the article has {prompt.article_tokens} tokens, more than the summarizer's budget of {budget}; "
                f"it was given {len(prompt.given)} of {prompt.total_sentences} sentences, the most central of each part "
                f"from start to end (--summary-input-tokens)"
            )
        summary = written_summary(article, answer.text)
        # One reason only: an empty answer that also hit the length limit "wrote nothing".
        if not summary:
            _fall_back(article, options, "the summarizer wrote nothing")
            continue
        looping = next((item.id for item in summary if has_repetition(item.id, "id")), None)
        if looping is not None:
            shown = looping if len(looping) <= 60 else f"{looping[:60]}…"
            _fall_back(article, options, f"the summarizer's answer repeats itself in a loop ({shown!r})")
            continue
        if answer.hit_length_limit:
            article.warnings.append(
                f"summary: the summarizer stopped at its length limit of {max_new_tokens} tokens; the last summary sentence may be cut"
            )
        article.summary = summary
        article.summary_method, article.summary_model = "abstractive", summarizer.info.as_dict()
    written = [article for article in articles if article.summary_method == "abstractive"]
    translations = [translation_article(article) for article in written]
    translate_articles(translations, pool, options.targets, options.beams)
    for article, translated in zip(written, translations, strict=True):
        take_translations(article, translated)
        trace_summary(article)


def _fall_back(article: Article, options: SummaryOptions, reason: str) -> None:
    """Give ``article`` the extractive summary instead of a written one, and say why where it is seen."""
    article.summary_fallback = reason
    article.warnings.append(f"summary: {reason}; the extractive summary is given instead")
    # On the console too: the user asked for an abstractive summary and must hear they did not get one.
    log.warning("%s: --summary abstractive gave the extractive summary instead: %s", article.name, reason)
    summarize_article(article, options.summary_sentences)


def _fitting_prompt(article: Article, options: SummaryOptions, summarizer: Summarizer, room: int) -> tuple[SummaryPrompt, list[int], int]:
    """The article's prompt, its token ids, and the article budget it was built with, fitting in ``room``.

    The budget counts the article's sentences; the chat around them, the paragraph breaks and
    the ``[...]`` marks come on top, so a prompt that still does not fit is built again with a
    smaller budget.
    """
    wanted = max(_MIN_BUDGET, min(options.summary_input_tokens, room - (_PROMPT_OVERHEAD if summarizer.chat else 1)))
    budget = wanted
    while True:
        prompt = build_prompt(article, options.summary_sentences, budget, summarizer.count_tokens, summarizer.control_tokens)
        # an (m)T5 summarizer reads the article alone, as it was trained; a chat model the whole chat
        ids = summarizer.prompt_ids(prompt.messages) if summarizer.chat else summarizer.text_ids(prompt.article_text)
        given = summarizer.count_tokens(prompt.article_text)
        if (len(ids) <= room and given <= wanted * _BUDGET_SLACK) or budget <= _MIN_BUDGET:
            return prompt, ids, budget  # (a prompt still too long is refused by generate, with the numbers)
        budget = max(_MIN_BUDGET, int(budget * min(0.9, room / len(ids), wanted / given)))
