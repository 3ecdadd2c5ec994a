"""``OUT/index.html``: every article of a batch with its status, counts and links.

Written from the batch state at the end of every run (and when a run is stopped); a failed
article's reason says when its earlier outputs were removed, and a translated one lists what of
its input was not translated and its warnings, where the reviewer looks first. Article text is data, never markup:
everything is escaped.
"""

from collections.abc import Mapping
from pathlib import Path

from pipeline.article import ArticleRecord
from pipeline.files import write_atomic
from pipeline.outputs.templating import template

#: The index page's file name in the output folder.
INDEX_NAME = "index.html"


def render_index(articles: Mapping[str, ArticleRecord]) -> str:
    """The HTML of the index page for the batch's records ``articles`` (name -> record)."""
    counts = {status: sum(1 for entry in articles.values() if entry.status == status) for status in ("done", "skipped", "failed")}
    rows = [
        {
            "name": name,
            "status": entry.status,
            "title": entry.title or "",
            "sentences": str(entry.sentences) if entry.flags is not None else "",
            "flags": sorted((entry.flags or {}).items()),
            "outputs": list(entry.outputs),
            "reason": entry.reason if entry.status == "failed" else "",
            "left_out": list(entry.left_out),
            "warnings": list(entry.warnings),
        }
        for name, entry in sorted(articles.items())
    ]
    summary = ", ".join(f"{count} {status}" for status, count in counts.items())
    return str(template("index.html.j2").render(summary=summary, rows=rows))


def write_index(out: Path, articles: Mapping[str, ArticleRecord]) -> Path:
    """Write ``OUT/index.html`` atomically; returns its path."""
    path = out / INDEX_NAME
    write_atomic(path, render_index(articles))
    return path
