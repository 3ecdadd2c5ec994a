"""A translated article kept in the batch state, so that other outputs can be written later.

Outputs are views of the translated article (docs/design.md, "Outputs"): a rerun asking for other
``--formats`` writes them from the stored article instead of translating again. The article is
kept whole (blocks with their markers and table cells, sentences with translations, flags and
QA, the summary, the language check, warnings), which ``aligned.jsonl`` alone does not hold.
"""

import json
import zlib
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

from pipeline.article import Article, Block, LanguageCheck, Sentence, SummarySentence

#: Bumped when the stored form changes; an article stored in another form is translated again.
STORED_FORM = 1


def dump_article(article: Article) -> bytes:
    """The article as compressed JSON for ``BatchState.record``."""
    data = asdict(article)
    data["source"] = str(article.source) if article.source is not None else None
    return compress(json.dumps({"form": STORED_FORM, "article": data}, ensure_ascii=False, default=str))


def load_article(stored: bytes) -> Article:
    """The article ``dump_article`` stored.

    Raises:
        ValueError: the data is not an article stored in this form (an older warta's).
    """
    document = json.loads(decompress(stored))
    if document.get("form") != STORED_FORM:
        raise ValueError(f"stored article form {document.get('form')!r}, expected {STORED_FORM}")
    data = document["article"]
    blocks = []
    for block in data.pop("blocks"):
        sentences = [Sentence(**_known(Sentence, sentence)) for sentence in block.pop("sentences")]
        cell = block.get("cell")
        blocks.append(Block(**{**_known(Block, block), "cell": tuple(cell) if cell is not None else None}, sentences=sentences))
    summary = [_summary_sentence(item) for item in data.pop("summary", [])]
    language = LanguageCheck(**_known(LanguageCheck, data.pop("language", None) or {}))
    source = data.pop("source", None)
    return Article(**{**_known(Article, data), "source": Path(source) if source else None}, blocks=blocks, summary=summary,
                   language=language)


def stored_notes(stored: bytes) -> tuple[list[str], list[str]]:
    """The ``left_out`` and ``warnings`` of the article ``dump_article`` stored (empty lists for a
    form that has none), for the batch's index and manifest."""
    data = json.loads(decompress(stored)).get("article") or {}
    return [str(part) for part in data.get("left_out") or []], [str(warning) for warning in data.get("warnings") or []]


def _summary_sentence(item: dict[str, Any]) -> Any:
    # The summary's sentence type may grow fields; keep what the current class knows.
    summary_type = _field_type(Article, "summary")
    return summary_type(**_known(summary_type, item))


def _field_type(cls: type, name: str) -> type:
    # Article.summary is list[SummarySentence] today; read it from the class so a change there follows.
    import typing

    hint = typing.get_type_hints(cls).get(name)
    arguments = typing.get_args(hint)
    return arguments[0] if arguments and isinstance(arguments[0], type) else SummarySentence


def _known(cls: type, values: dict[str, Any]) -> dict[str, Any]:
    names = {field.name for field in fields(cls)}
    return {key: value for key, value in values.items() if key in names}


def compress(data: str) -> bytes:
    """zlib-compress a JSON document for the store."""
    return zlib.compress(data.encode("utf-8"), 6)


def decompress(data: bytes) -> str:
    """The JSON document ``compress`` stored."""
    return zlib.decompress(data).decode("utf-8")
