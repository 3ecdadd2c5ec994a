"""The ``low_confidence`` flag: the weakest share of an article's rows, per target."""

from pipeline.article import Article, Block, Sentence
from pipeline.qa.confidence import flag_low_confidence


def _article(scores: list[dict[str, float]]) -> Article:
    return Article(source=None, name="a", blocks=[Block("paragraph", "x", sentences=[Sentence(f"s{i}", scores=s) for i, s in enumerate(scores)])])


def test_the_weakest_tenth_per_target_is_flagged_and_rows_without_scores_are_not() -> None:
    en = [-0.2, -0.3, -2.5, -0.1, -0.4, -0.2, -0.3, -0.5, -0.6, -0.2, -0.1, -0.3]
    zh = [-0.5, -0.6, -0.7, -3.0, -0.4, -0.5, -0.6, -0.5, -0.4, -2.9, -0.5, -0.6]
    rows = [{"en": a, "zh": b} for a, b in zip(en, zh, strict=True)] + [{}]  # the last one from the memory
    article = _article(rows)
    flag_low_confidence(article, ("en", "zh"))
    flagged = {i: s.qa.get("low_confidence") for i, s in enumerate(article.sentences()) if "low_confidence" in s.flags}
    # 12 scored rows: ceil(1.2) = 2 per target
    assert flagged == {2: ["en"], 3: ["zh"], 8: ["en"], 9: ["zh"]}


def test_a_short_article_still_gets_its_weakest_row() -> None:
    article = _article([{"en": -0.4}, {"en": -1.0}, {"en": -0.2}])
    flag_low_confidence(article, ("en",))
    assert ["low_confidence" in s.flags for s in article.sentences()] == [False, True, False]


def test_ties_are_flagged_only_when_they_fit_within_the_share() -> None:
    # 35 rows that all score -0.00 (a near-certain model): no row is weaker than another
    article = _article([{"en": -0.0001}] * 35)
    flag_low_confidence(article, ("en",))
    assert not any("low_confidence" in s.flags for s in article.sentences())
    # 20 rows, share 2: one clearly weakest, then three tied at the cut -> only the weakest
    article = _article([{"en": -2.0}] + [{"en": -1.0}] * 3 + [{"en": -0.1}] * 16)
    flag_low_confidence(article, ("en",))
    assert [i for i, s in enumerate(article.sentences()) if "low_confidence" in s.flags] == [0]
    # two tied at the cut that fit: both
    article = _article([{"en": -1.0}] * 2 + [{"en": -0.1}] * 18)
    flag_low_confidence(article, ("en",))
    assert [i for i, s in enumerate(article.sentences()) if "low_confidence" in s.flags] == [0, 1]


def test_never_more_than_the_share_whatever_the_scores() -> None:
    import random

    rng = random.Random(7)
    for size in (1, 3, 10, 35, 101):
        article = _article([{"en": round(rng.choice([-0.0, -0.5, -1.0, -rng.random()]), 2)} for _ in range(size)])
        flag_low_confidence(article, ("en",))
        assert sum("low_confidence" in s.flags for s in article.sentences()) <= max(1, -(-size // 10))
