"""``summary.json`` and ``report.json``: the summary, and how an article's outputs were made."""

import json
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from pipeline.article import Article
from pipeline.outputs.rows import flag_counts


@dataclass
class RunInfo:
    """What every report of one run shares: how the outputs were made (a sacrebleu-style signature).

    Attributes:
        warta_version: the version that wrote the outputs.
        models: language pair -> the loaded model's name, revision, family, backend, device, weights.
        settings: the run's settings as plain values.
        segmenter: the sentence splitter's name.
        glossary: path, sha256 and term count of the glossary, or None.
        memory: path, entry count and content digest of the translation memory, or None.
    """

    warta_version: str
    models: dict[str, dict[str, str]] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    segmenter: str = ""
    glossary: dict[str, Any] | None = None
    memory: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        """The fields as plain JSON values, in report order."""
        return asdict(self)

    @classmethod
    def from_report(cls, report: dict[str, Any]) -> "RunInfo":
        """The run info an earlier ``report.json`` recorded (keys this version does not know are left out)."""
        names = {item.name for item in fields(cls)}
        return cls(**{key: value for key, value in report.items() if key in names})


def render_summary(article: Article) -> str:
    """``summary.json``: how the summary was made, and its sentences in id, en and zh, each with
    the release rows that support it (``sources``) and its ``flags``."""
    summary: dict[str, Any] = {"method": article.summary_method}
    if article.summary_model is not None:
        summary["model"] = article.summary_model.get("name")
        summary["revision"] = article.summary_model.get("revision")
    summary["sentences"] = [
        {
            "id": s.id, "en": s.en, "zh": s.zh,
            # a picked sentence is its own source, also when nothing traced it
            "sources": [{"block": block, "sentence": sentence} for block, sentence in s.sources or ([(s.block, s.sentence)] if s.block else [])],
            "flags": list(s.flags),
        }
        for s in article.summary
    ]
    return json.dumps(summary, ensure_ascii=False, indent=2) + "\n"


def build_report(article: Article, run_info: RunInfo) -> dict[str, object]:
    """``report.json``'s content: how this article's outputs were made.

    Args:
        article: the finished article.
        run_info: version, models, settings and anything else shared by the run.

    ``document.published`` is the publication date a web page's markup gives (None when the
    input gives none, or its dateline already states it); ``left_out`` lists the parts of the
    input that were not translated, beside the ``warnings``.
    """
    sentences = article.sentences()
    return {
        **run_info.as_dict(),
        "input": {
            "path": str(article.source) if article.source else None,
            "name": article.name,
            "sha256": article.sha256,
            "encoding": article.encoding,
        },
        "document": {"published": article.published},
        "language": asdict(article.language),
        "counts": {
            "blocks": len(article.blocks),
            "sentences": len(sentences),
            "english_source_sentences": sum(1 for s in sentences if s.lang == "en"),
            "split_sentences": sum(1 for s in sentences if "split" in s.flags),
        },
        "timings": {stage: round(seconds, 4) for stage, seconds in article.timings.items()},
        "flags": flag_counts(article),
        "warnings": article.warnings,
        "left_out": article.left_out,
        # why an abstractive summary was asked for and the extractive one given ("" when not)
        "summary_fallback": article.summary_fallback,
    }
