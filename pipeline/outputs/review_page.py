"""``review.html``: the reviewer's side-by-side page, one self-contained file.

Indonesian, English and Chinese in three columns, one row per source sentence (row numbers as
in ``aligned.tsv``), grouped by block with headings shown as headings, a notice at the top of
what was not translated (``Article.left_out``) and the warnings, the summary on top with
links to its sentences, a filter for flagged rows, hover and click highlighting, and a print
style. CSS and the small script are inline; a Content-Security-Policy forbids every network
request and any script but ours (by hash), and Jinja2 escapes every piece of article text, so
``<script>`` in an article is shown, never run.

The page is also where a reviewer corrects (issue 13): English and Chinese cells are editable as
plain text, rows can be approved, the work is kept in the browser, and "Export corrections"
saves ``corrections.tsv`` for ``memory add``. Each row shows the model's scores and any near
match from the translation memory; rows can be sorted by score.
"""

import base64
import hashlib
from typing import Any

from pipeline.article import Article
from pipeline.outputs.report import RunInfo
from pipeline.outputs.rows import LINE_BREAKS_AND_TABS, TSV_COLUMNS, aligned_rows
from pipeline.outputs.templating import template
from pipeline.qa.flags import FLAG_MEANINGS, flag_order
from pipeline.version import __version__

# Clicking a row selects it (its number is a link to the row, to send to a colleague); the
# checkbox hides rows without flags.
#
# The reviewer's loop: the English and Chinese cells are editable as plain text and every row
# can be approved; the work is kept in the browser's localStorage under the page's folder and
# the article's sha256 (so it survives a reload, and two articles never mix: every file:// page
# shares one origin, and two inputs with the same bytes have the same sha256 but not the same
# folder) and a digest of the machine translations (an approval is of the text it was given:
# translated again, differently, the rows start unreviewed), and "Export corrections" saves
# corrections.tsv: aligned.tsv's columns plus ``status``, for ``memory add``. Text is only ever
# read with textContent and written back with textContent, so markup typed or pasted into a
# cell stays text. "Sort by score" puts the least confident rows first.
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
document.querySelectorAll(".edit").forEach(function (cell) {
  // an older browser (Firefox ESR before 136) without plaintext-only: editable as rich text,
  // still read and written with textContent only
  if (cell.contentEditable !== "plaintext-only") { cell.contentEditable = "true"; }
});
var data = JSON.parse(document.getElementById("rows-data").textContent);
var exported = JSON.parse(document.getElementById("export-data").textContent);
var breaks = new RegExp(exported.breaks, "g");
var folder = location.pathname.replace(/[^/]*$/, "");
var key = "warta-review:" + folder + ":" + document.body.dataset.sha256 + ":" + document.body.dataset.translation;
var saved = {};
try { saved = JSON.parse(localStorage.getItem(key) || "{}") || {}; } catch (error) { saved = {}; }
function save() { try { localStorage.setItem(key, JSON.stringify(saved)); } catch (error) { /* private mode: kept until the page closes */ } }
function status(number) {
  var row = data[number - 1], work = saved[number] || {};
  if ((work.en !== undefined && work.en !== row.en) || (work.zh !== undefined && work.zh !== row.zh)) { return "edited"; }
  return work.approved ? "approved" : "";
}
function show(number) {
  var tr = document.getElementById("row-" + number), state = status(number);
  tr.classList.toggle("edited", state === "edited");
  tr.classList.toggle("approved", !!(saved[number] || {}).approved);
  tr.querySelector("input.approve").checked = !!(saved[number] || {}).approved;
}
document.querySelectorAll("tr.row").forEach(function (tr) {
  var number = Number(tr.dataset.row);
  tr.querySelectorAll(".edit").forEach(function (cell) {
    var language = cell.dataset.lang, work = saved[number] || {};
    if (typeof work[language] === "string") { cell.textContent = work[language]; }
    cell.addEventListener("input", function () {
      saved[number] = saved[number] || {};
      saved[number][language] = cell.textContent;
      save(); show(number);
    });
  });
  tr.querySelector("input.approve").addEventListener("change", function (event) {
    saved[number] = saved[number] || {};
    saved[number].approved = event.target.checked;
    save(); show(number);
  });
  show(number);
});
function cell(text) { return String(text).replace(breaks, " "); }
document.getElementById("export").addEventListener("click", function () {
  var columns = exported.columns;
  var lines = [columns.join("\\t")];
  data.forEach(function (row, index) {
    var work = saved[index + 1] || {}, values = Object.assign({}, row, {status: status(index + 1)});
    if (typeof work.en === "string") { values.en = work.en; }
    if (typeof work.zh === "string") { values.zh = work.zh; }
    lines.push(columns.map(function (name) { return cell(values[name]); }).join("\\t"));
  });
  var link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([lines.join("\\n") + "\\n"], {type: "text/tab-separated-values;charset=utf-8"}));
  link.download = "corrections.tsv";
  document.body.appendChild(link); link.click(); link.remove();
});
var sorted = false;
document.getElementById("sort-score").addEventListener("click", function (event) {
  sorted = !sorted;
  event.target.textContent = sorted ? "Document order" : "Sort by score (least confident first)";
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.row"));
  var target = document.getElementById("sorted");
  if (sorted) {
    rows.sort(function (a, b) {
      var x = a.dataset.score === "" ? Infinity : Number(a.dataset.score), y = b.dataset.score === "" ? Infinity : Number(b.dataset.score);
      return x - y || Number(a.dataset.row) - Number(b.dataset.row);
    });
    rows.forEach(function (row) { target.appendChild(row); });
  } else {
    rows.sort(function (a, b) { return Number(a.dataset.row) - Number(b.dataset.row); });
    rows.forEach(function (row) { document.getElementById("block-" + row.dataset.block).appendChild(row); });
  }
  document.body.classList.toggle("sorted", sorted);
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


def _translation_digest(article: Article) -> str:
    """A digest of the article's machine translations, row by row: the reviewer's work belongs to them."""
    digest = hashlib.sha256()
    for sentence in article.sentences():
        digest.update(f"{sentence.en}\t{sentence.zh}\n".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:16]


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
                "block": block_number, "sentence": sentence_number,
                # the weakest target's score sorts the row (issue 13); a remembered row has none
                "score": min(sentence.scores.values()) if sentence.scores else None,
                "scores": sentence.scores,
                "suggestion": sentence.suggestion,
                # issue 14: what the office fixed, so the reviewer sees which words not to change
                "protected": [span["text"] for span in sentence.protected],
                "enforced": {language: ids for language, ids in sentence.enforced.items() if ids},
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
    # Each summary sentence links to its best source row, and lists every supporting row, so a
    # reviewer checks a claim in one click; an ``unsupported`` sentence shows its flag.
    summary = [
        {
            "row": row_of.get((item.block, item.sentence)), "id": item.id, "en": item.en, "zh": item.zh,
            "sources": [row_of[source] for source in item.sources if source in row_of],
            "flags": item.flags, "flag_titles": {flag: FLAG_MEANINGS.get(flag, flag) for flag in item.flags},
        }
        for item in article.summary
    ]
    digest = base64.b64encode(hashlib.sha256(_SCRIPT.encode()).digest()).decode()
    return template("review.html.j2").render(
        title=page_title(article),
        source=str(article.source or article.name),
        left_out=article.left_out,
        warnings=article.warnings,
        version=__version__,
        models=run_info.models,
        languages=languages,
        html_lang=_HTML_LANG,
        blocks=blocks,
        rows=rows,
        block_count=len(blocks),
        summary=summary,
        summary_writer=article.summary_model["name"] if article.summary_model else None,
        flag_counts=sorted(counts.items(), key=lambda item: flag_order(item[0])),
        flagged_count=sum(1 for row in rows if row["flags"]),
        editable=list(targets),
        editable_labels=[_LABELS[language] for language in targets],
        sha256=article.sha256,
        translation=_translation_digest(article),
        # what "Export corrections" writes besides the edits: aligned.tsv's rows (tojson
        # escapes <, > and & so no text can close the data block)
        rows_data=[{column: row[column] for column in TSV_COLUMNS} for row in aligned_rows(article)],
        # corrections.tsv's columns, and what a cell's tabs and line breaks become spaces by: the
        # pattern aligned.tsv's cells are cleaned with (an alternation and a class of literal
        # characters, which mean the same to JavaScript's RegExp)
        export_data={"columns": [*TSV_COLUMNS, "status"], "breaks": LINE_BREAKS_AND_TABS.pattern},
        script=Markup(_SCRIPT),  # ours, not article text; the CSP allows exactly this script
        script_hash=f"sha256-{digest}",
    )
