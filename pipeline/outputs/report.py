"""``summary.json`` and ``report.json``: the summary, and how an article's outputs were made."""

import json

from pipeline.article import Article
from pipeline.outputs.rows import flag_counts


def render_summary(article: Article) -> str:
    """``summary.json``: the summary in id, en and zh, each sentence with its source position."""
    summary = {
        "method": "extractive",
        "sentences": [
            {"id": s.id, "en": s.en, "zh": s.zh, "source": [{"block": s.block, "sentence": s.sentence}]}
            for s in article.summary
        ],
    }
    return json.dumps(summary, ensure_ascii=False, indent=2) + "\n"


def build_report(article: Article, run_info: dict[str, object]) -> dict[str, object]:
    """``report.json``'s content: how this article's outputs were made.

    Args:
        article: the finished article.
        run_info: version, models, settings and anything else shared by the run.
    """
    sentences = article.sentences()
    return {
        **run_info,
        "input": {
            "path": str(article.source) if article.source else None,
            "name": article.name,
            "sha256": article.sha256,
            "encoding": article.encoding,
        },
        "language": article.language,
        "counts": {
            "blocks": len(article.blocks),
            "sentences": len(sentences),
            "english_source_sentences": sum(1 for s in sentences if s.lang == "en"),
            "split_sentences": sum(1 for s in sentences if "split" in s.flags),
        },
        "timings": {stage: round(seconds, 4) for stage, seconds in article.timings.items()},
        "flags": flag_counts(article),
        "warnings": article.warnings,
    }
