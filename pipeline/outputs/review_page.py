"""``review.html``: the reviewer's side-by-side page, one self-contained file.

Indonesian, English and Chinese in three columns, one row per source sentence (row numbers as
in ``aligned.tsv``), grouped by block with headings shown as headings and a source's tables as
tables (``review_rows``); at the top, a notice of what was not translated (``Article.left_out``)
and the warnings, the summary as text with links to the rows that support it, and a legend of
the flags shown, in words; a filter for flagged rows, hover and click highlighting, and a print
style. CSS and the small script (``review_script``) are inline; a Content-Security-Policy
forbids every network request and any script but ours (by hash), and Jinja2 escapes every piece
of article text, so ``<script>`` in an article is shown, never run.

The page is also where a reviewer corrects: English and Chinese cells are editable as plain
text, rows can be approved one by one or all those shown at once, a memory suggestion can be
taken into the cells, the work is kept in the browser, and "Export corrections" saves
``corrections-<article>.tsv`` for ``memory add``.
"""

import base64
import hashlib
import re

from pipeline.article import Article
from pipeline.outputs.report import RunInfo
from pipeline.outputs.review_rows import review_content
from pipeline.outputs.review_script import REVIEW_SCRIPT
from pipeline.outputs.rows import LINE_BREAKS_AND_TABS, TSV_COLUMNS, aligned_rows
from pipeline.outputs.templating import template
from pipeline.version import __version__

#: The columns the review page's export adds to aligned.tsv's: the reviewer's verdict, and which
#: article the rows are of (on every row, so a plain TSV reader and a spreadsheet keep it).
EXPORT_COLUMNS = ("status", "article", "sha256")

_LABELS = {"id": "Indonesian", "en": "English", "zh": "Chinese (Simplified)"}
_HTML_LANG = {"id": "id", "en": "en", "zh": "zh-Hans"}
# What a file name may not hold on Windows, macOS or Linux, and white space: a hyphen in the
# export's name (a batch's article name has slashes: "2025/01/rilis").
_NOT_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\s\x00-\x1f\x7f]+')


def page_title(article: Article) -> str:
    """The page's heading: the article's title, else an opening heading, else the file's name."""
    if article.title:
        return article.title
    if article.blocks and article.blocks[0].kind == "heading":
        return article.blocks[0].text
    return article.name


def corrections_file_name(name: str) -> str:
    """The file "Export corrections" saves for the article ``name``: ``corrections-<name>.tsv``."""
    cleaned = _NOT_IN_FILE_NAMES.sub("-", name).strip("-.")
    return f"corrections-{cleaned or 'article'}.tsv"


def _translation_digest(article: Article) -> str:
    """A digest of the article's machine translations, row by row: the reviewer's work belongs to them."""
    digest = hashlib.sha256()
    for sentence in article.sentences():
        digest.update(f"{sentence.en}\t{sentence.zh}\n".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:16]


def summary_note(article: Article) -> str:
    """What the page says of how its summary was made, above the summary."""
    if article.summary_fallback:
        return (f"An abstractive summary was asked for, but {article.summary_fallback}; so these are the release's most "
                f"central sentences, as the release states them.")
    if article.summary_model:
        return (f"Written by {article.summary_model['name']}: each ↗ links to a row that supports the sentence before it; "
                f"check any sentence marked as not in the release.")
    return "The release's most central sentences, as the release states them; each ↗ links to its row."


def render_review_page(article: Article, run_info: RunInfo, targets: tuple[str, ...]) -> str:
    """The HTML of ``review.html`` for a translated article.

    Args:
        article: the translated article.
        run_info: how it was made (warta's version, the models), for the line under the title.
        targets: the target languages, in order: the editable columns.
    """
    from markupsafe import Markup

    content = review_content(article)
    digest = base64.b64encode(hashlib.sha256(REVIEW_SCRIPT.encode()).digest()).decode()
    return str(template("review.html.j2").render(
        title=page_title(article),
        source=str(article.source or article.name),
        left_out=article.left_out,
        warnings=article.warnings,
        version=__version__,
        models=run_info.models,
        languages=[(language, _LABELS[language]) for language in ("id", *targets)],
        html_lang=_HTML_LANG,
        sections=content.sections,
        rows=content.rows,
        block_count=len(article.blocks),
        summary=content.summary,
        summary_note=summary_note(article),
        summary_fallback=article.summary_fallback,
        legend=content.legend,
        flagged_count=sum(1 for row in content.rows if row.flags),
        editable=list(targets),
        editable_labels=[_LABELS[language] for language in targets],
        sha256=article.sha256,
        translation=_translation_digest(article),
        export_name=corrections_file_name(article.name),
        # what "Export corrections" writes besides the edits: aligned.tsv's rows (tojson
        # escapes <, > and & so no text can close the data block)
        rows_data=[{column: row[column] for column in TSV_COLUMNS} for row in aligned_rows(article)],
        # the export's columns, and what a cell's tabs and line breaks become spaces by: the
        # pattern aligned.tsv's cells are cleaned with (an alternation and a class of literal
        # characters, which mean the same to JavaScript's RegExp)
        export_data={
            "columns": [*TSV_COLUMNS, *EXPORT_COLUMNS], "breaks": LINE_BREAKS_AND_TABS.pattern,
            "article": LINE_BREAKS_AND_TABS.sub(" ", article.name), "sha256": article.sha256,
            "filename": corrections_file_name(article.name),
        },
        script=Markup(REVIEW_SCRIPT),  # ours, not article text; the CSP allows exactly this script
        script_hash=f"sha256-{digest}",
    ))
