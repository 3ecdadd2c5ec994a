"""``OUT/index.html``: every article of a batch with its status, counts and links.

Written from the batch state at the end of every run (and when a run is stopped), headed by
that moment's date and time. Each article's status is said in a reader's words: ``skipped``
is "done earlier (unchanged)" (its outputs are from an earlier run and still current), and
``pending`` (not reached by a stopped run) stands apart from the finished rows. Why an article
failed or is pending has a column of its own; a failed article's reason says when its earlier
outputs were removed. A translated one lists what of its input was not translated and its
warnings, where the reviewer looks first, its flags as counts in words with a legend, and its
files, ``review.html`` first. Article text is data, never markup: everything is escaped.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pipeline.article import ArticleRecord
from pipeline.files import write_atomic
from pipeline.outputs.flag_words import LegendLine, counted, flag_legend, flag_words
from pipeline.outputs.templating import template
from pipeline.qa.flags import flag_order

#: The index page's file name in the output folder.
INDEX_NAME = "index.html"

#: status -> how the index says it; a status not listed is shown as it is.
STATUS_WORDS = {
    "done": "done",
    "skipped": "done earlier (unchanged)",
    "failed": "failed",
    "pending": "pending",
}
# The order of the counts at the top.
_STATUS_ORDER = ("done", "skipped", "failed", "pending")
# The file a reviewer opens first leads each article's links.
_FIRST_LINK = "review.html"


@dataclass(frozen=True)
class IndexRow:
    """An article's line on the index.

    Attributes:
        name: the article's name (its output folder).
        status: its status (``done``, ``skipped``, ``failed``, ``pending``) and, in words, ``shown``.
        reason: why it failed or is pending ("" otherwise).
        title, sentences: what its translation held ("" when it has none).
        flags: its flag counts in words ("numbers to check: 3 rows"), in the registry's order.
        outputs: its files, ``review.html`` first.
        left_out, warnings: what of its input was not translated, and what a reviewer should know.
    """

    name: str
    status: str
    shown: str
    reason: str
    title: str
    sentences: str
    flags: list[tuple[str, str]]
    outputs: list[str]
    left_out: list[str]
    warnings: list[str]


def _row(name: str, entry: ArticleRecord) -> IndexRow:
    flags = sorted((entry.flags or {}).items(), key=lambda item: (flag_order(item[0]), item[0]))
    return IndexRow(
        name=name,
        status=entry.status,
        shown=STATUS_WORDS.get(entry.status, entry.status),
        reason=entry.reason if entry.status in ("failed", "pending") else "",
        title=entry.title or "",
        sentences=str(entry.sentences) if entry.flags is not None else "",
        flags=[(flag, f"{flag_words(flag).name}: {counted(count, 'row', 'rows')}") for flag, count in flags if count],
        outputs=sorted(entry.outputs, key=lambda output: output != _FIRST_LINK),
        left_out=list(entry.left_out),
        warnings=list(entry.warnings),
    )


def when_in_words(moment: datetime) -> str:
    """``2025-06-03 14:05 (UTC+07:00)``: a moment as the index's heading gives it, in its own time zone."""
    offset = moment.strftime("%z") or "+0000"
    return f"{moment:%Y-%m-%d %H:%M} (UTC{offset[:3]}:{offset[3:5]})"


def render_index(articles: Mapping[str, ArticleRecord], written_at: datetime | None = None) -> str:
    """The HTML of the index page.

    Args:
        articles: the batch's records (name -> record).
        written_at: when the run wrote it, in its time zone (a naive one is local time); now by default.
    """
    moment = written_at if written_at is not None and written_at.tzinfo is not None else (written_at or datetime.now()).astimezone()
    rows = [_row(name, entry) for name, entry in sorted(articles.items())]
    statuses = [row.status for row in rows]
    counts = [(status, f"{statuses.count(status)} {STATUS_WORDS[status]}") for status in _STATUS_ORDER if status in statuses]
    counts += [(status, f"{statuses.count(status)} {status}") for status in sorted(set(statuses) - set(_STATUS_ORDER))]
    legend: list[LegendLine] = flag_legend(flag for row in rows for flag, _ in row.flags)
    return str(template("index.html.j2").render(when=when_in_words(moment), counts=counts, rows=rows, legend=legend))


def write_index(out: Path, articles: Mapping[str, ArticleRecord], written_at: datetime | None = None) -> Path:
    """Write ``OUT/index.html`` atomically (see :func:`render_index`); returns its path."""
    path = out / INDEX_NAME
    write_atomic(path, render_index(articles, written_at))
    return path
