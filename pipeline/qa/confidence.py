"""The ``low_confidence`` flag: the rows the model itself was least sure of (issue 13).

The rule is a share of the article, not a fixed threshold: the weakest ``LOW_CONFIDENCE_SHARE``
of an article's scored rows, per target, are flagged. A model's mean log-probability is not
comparable across models, families, quantisations or languages (a Chinese token is not an
English one, an int8 model is less peaked than a float one), so a fixed threshold would need
calibrating for every model and would flag a whole article of a weak pair or none of a strong
one. Ranked within one article, made by one model, the scores tell which rows to read first,
and a reviewer gets a bounded list: one row in ten, at least one.
"""

import math

from pipeline.article import Article

#: The share of an article's scored rows flagged per target.
LOW_CONFIDENCE_SHARE = 0.10


def flag_low_confidence(article: Article, targets: tuple[str, ...], share: float = LOW_CONFIDENCE_SHARE) -> None:
    """Flag ``low_confidence`` on the article's least confident rows, per target.

    Only rows with a model score count (a row from the memory or passed through has none for
    that target). Rows that tie with the last one flagged are flagged too. The targets that
    raised it go into ``Sentence.qa["low_confidence"]``.

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
        for sentence in scored:
            if sentence.scores[target] <= cutoff:
                sentence.add_flag("low_confidence")
                raised = sentence.qa.setdefault("low_confidence", [])
                if target not in raised:
                    raised.append(target)
