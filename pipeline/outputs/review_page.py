"""``review.html``: the reviewer's side-by-side page, one self-contained file.

Indonesian, English and Chinese in three columns, one row per source sentence (row numbers as
in ``aligned.tsv``), grouped by block with headings shown as headings, the summary on top with
links to its sentences, a filter for flagged rows, hover and click highlighting, and a print
style. CSS and the small script are inline; a Content-Security-Policy forbids every network
request and any script but ours (by hash), and Jinja2 escapes every piece of article text, so
``<script>`` in an article is shown, never run.
"""

import base64
import hashlib
from typing import Any

from pipeline.article import Article
from pipeline.outputs.report import RunInfo
from pipeline.outputs.templating import template
from pipeline.qa.flags import FLAG_MEANINGS, flag_order
from pipeline.version import __version__

# Clicking a row selects it (its number is a link to the row, to send to a colleague); the
# checkbox hides rows without flags.
_SCRIPT = """
document.getElementById("only-flagged").addEventListener("change", function (event) {
  document.body.classList.toggle("only-flagged", event.target.checked);
});
document.querySelectorAll("tr.row").forEach(function (row) {
  row.addEventListener("click", function () {
    document.querySelectorAll("tr.row.selected").forEach(function (other) { other.classList.remove("selected"); });
    row.classList.add("selected");
  });
});
""".strip()

_LABELS = {"id": "Indonesian", "en": "English", "zh": "Chinese (Simplified)"}
_HTML_LANG = {"id": "id", "en": "en", "zh": "zh-Hans"}


_BULLETS = ("", "-", "*", "+", "•")


def page_title(article: Article) -> str:
    """The page's heading: the article's title, else an opening heading, else the file's name."""
    if article.title:
        return article.title
    if article.blocks and article.blocks[0].kind == "heading":
        return article.blocks[0].text
    return article.name


def render_review_page(article: Article, run_info: RunInfo, targets: tuple[str, ...]) -> str:
    """The HTML of ``review.html`` for a translated article."""
    from markupsafe import Markup

    languages = [(language, _LABELS[language]) for language in ("id", *targets)]
    blocks: list[list[dict[str, Any]]] = []
    rows: list[dict[str, Any]] = []
    row_of: dict[tuple[int, int], int] = {}
    for block_number, block in enumerate(article.blocks, start=1):
        block_rows: list[dict[str, Any]] = []
        for sentence_number, sentence in enumerate(block.sentences, start=1):
            number = len(rows) + 1
            row_of[(block_number, sentence_number)] = number
            row: dict[str, Any] = {
                "number": number, "kind": block.kind,
                # The list marker as the source shows it ("3.", "b)"), on the item's first row;
                # a bullet is drawn by the style sheet.
                "marker": block.marker if block.kind == "list_item" and sentence_number == 1 and block.marker not in _BULLETS else "",
                "bullet": block.kind == "list_item" and sentence_number == 1 and block.marker in _BULLETS, "id": sentence.text, "en": sentence.en, "zh": sentence.zh,
                "flags": sentence.flags,
                "flag_titles": {
                    flag: FLAG_MEANINGS.get(flag, flag) + (f" ({', '.join(sentence.qa[flag])})" if flag in sentence.qa else "")
                    for flag in sentence.flags
                },
            }
            block_rows.append(row)
            rows.append(row)
        blocks.append(block_rows)
    counts: dict[str, int] = {}
    for row in rows:
        for flag in row["flags"]:
            counts[flag] = counts.get(flag, 0) + 1
    summary = [
        {"row": row_of[(item.block, item.sentence)], "id": item.id, "en": item.en, "zh": item.zh} for item in article.summary
    ]
    digest = base64.b64encode(hashlib.sha256(_SCRIPT.encode()).digest()).decode()
    return template("review.html.j2").render(
        title=page_title(article),
        source=str(article.source or article.name),
        version=__version__,
        models=run_info.models,
        languages=languages,
        html_lang=_HTML_LANG,
        blocks=blocks,
        rows=rows,
        block_count=len(blocks),
        summary=summary,
        flag_counts=sorted(counts.items(), key=lambda item: flag_order(item[0])),
        flagged_count=sum(1 for row in rows if row["flags"]),
        script=Markup(_SCRIPT),  # ours, not article text; the CSP allows exactly this script
        script_hash=f"sha256-{digest}",
    )
