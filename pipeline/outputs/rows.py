"""The aligned rows: one per source sentence, in order (``aligned.tsv``, ``aligned.jsonl``).

Every other tabular view (the spreadsheet, the review page, the batch's counts) is built from
``aligned_rows``, so the columns and flags mean the same everywhere.
"""

import json
import re
from collections import Counter
from dataclasses import asdict

from pipeline.article import Article, Sentence
from pipeline.qa import SOURCE_ENGLISH_FLAG

TSV_COLUMNS = ("block", "sentence", "kind", "id", "en", "zh", "flags")


#: Everything str.splitlines() breaks a line at (readers of corpora use it), and the tab: a space in
#: aligned.tsv (and in the review page's corrections.tsv, which gets the pattern as data).
LINE_BREAKS_AND_TABS = re.compile("\r\n|[\t\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


def _tsv_cell(value: object) -> str:
    # Plain TSV as parallel corpora use it: no quoting, so a tab or line break would break the row.
    return LINE_BREAKS_AND_TABS.sub(" ", str(value))


def row_flags(sentence: Sentence) -> list[str]:
    """The flags of ``sentence``'s row: its own, and ``source_en`` when it passed through as English."""
    return [*sentence.flags, SOURCE_ENGLISH_FLAG] if sentence.lang == "en" else list(sentence.flags)


def aligned_rows(article: Article) -> list[dict[str, object]]:
    """One row per source sentence, in order, with the columns of ``aligned.tsv``."""
    return [
        {
            "block": block_number,
            "sentence": sentence_number,
            "kind": block.kind,
            "id": sentence.text,
            "en": sentence.en,
            "zh": sentence.zh,
            "flags": ",".join(row_flags(sentence)),
            "source_lang": sentence.lang,
            "qa": sentence.qa,
            # the model's mean log-probability per token for each target it made
            # (the pivot's Chinese adds both steps), and a near match from the memory
            "scores": sentence.scores,
            "suggestion": asdict(sentence.suggestion) if sentence.suggestion is not None else None,
            # the spans kept verbatim ({"kind", "text"}) and, per target, the glossary
            # terms whose rendering was put in because the model missed it
            "protected": sentence.protected,
            "enforced": sentence.enforced,
        }
        for block_number, sentence_number, block, sentence in article.numbered_sentences()
    ]


def render_tsv(article: Article) -> str:
    """``aligned.tsv``: a header and one row per source sentence."""
    lines = ["\t".join(TSV_COLUMNS)]
    for row in aligned_rows(article):
        lines.append("\t".join(_tsv_cell(row[column]) for column in TSV_COLUMNS))
    return "\n".join(lines) + "\n"


def render_jsonl(article: Article) -> str:
    """``aligned.jsonl``: the rows of ``aligned.tsv`` as JSON objects (plus ``source_lang``)."""
    return "".join(_json_line(row) + "\n" for row in aligned_rows(article))


def _json_line(row: dict[str, object]) -> str:
    # json.dumps escapes only U+0000-U+001F; with ensure_ascii=False it writes NEL, LINE
    # SEPARATOR and PARAGRAPH SEPARATOR raw, and str.splitlines() would cut the row there.
    line = json.dumps(row, ensure_ascii=False)
    return line.replace("\x85", "\\u0085").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def flag_counts(article: Article) -> dict[str, int]:
    """How many sentences carry each flag."""
    return dict(Counter(flag for sentence in article.sentences() for flag in sentence.flags))
