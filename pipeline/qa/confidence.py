"""The ``low_confidence`` flag: the rows the model itself was least sure of.

The rule is a share of the article, not a fixed threshold: the weakest ``LOW_CONFIDENCE_SHARE``
of an article's scored rows, per target, are flagged. A model's mean log-probability is not
comparable across models, families, quantisations or languages (a Chinese token is not an
English one, an int8 model is less peaked than a float one), so a fixed threshold would need
calibrating for every model and would flag a whole article of a weak pair or none of a strong
one. Ranked within one article, made by one model, the scores tell which rows to read first,
and a reviewer gets a bounded list: one row in ten, at least one, and never more. Rows whose
scores tie cannot be ranked: a tie that does not fit within the share is not flagged at all
(an article whose rows all score -0.00 has no weakest row, and a flag on nearly every row
would say nothing).
"""

import math

from pipeline.article import Article

#: The share of an article's scored rows flagged per target.
LOW_CONFIDENCE_SHARE = 0.10
_TIE = 1e-6


def flag_low_confidence(article: Article, targets: tuple[str, ...], share: float = LOW_CONFIDENCE_SHARE) -> None:
    """Flag ``low_confidence`` on the article's least confident rows, per target.

    Only rows with a model score count (a row from the memory or passed through has none for
    that target). At most ``share`` of the scored rows are flagged: rows that tie at the cut
    are flagged only when all of them fit. The targets that raised it go into
    ``Sentence.qa["low_confidence"]``.

    Args:
        article: a translated article.
        targets: the targets of the run.
        share: the share of scored rows to flag, at least one when any row is scored.
    """
    for target in targets:
        scored = [sentence for sentence in article.sentences() if target in sentence.scores]
        if not scored:
            continue
        count = max(1, math.ceil(len(scored) * share))
        cutoff = sorted(sentence.scores[target] for sentence in scored)[count - 1]
        # Scores are means of log-probabilities: equal to the last digits shown are equal.
        weaker = [sentence for sentence in scored if sentence.scores[target] < cutoff - _TIE]
        tied = [sentence for sentence in scored if abs(sentence.scores[target] - cutoff) <= _TIE]
        chosen = weaker + tied if len(weaker) + len(tied) <= count else weaker
        for sentence in chosen:
            sentence.add_flag("low_confidence")
            raised = sentence.qa.setdefault("low_confidence", [])
            if target not in raised:
                raised.append(target)
