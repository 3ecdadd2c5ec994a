"""``OUT/index.html``: every article of a batch with its status, counts and links.

Written from the batch state at the end of every run (and when a run is stopped); a failed
article's reason says when its earlier outputs were removed. Article text is data, never markup:
everything is escaped.
"""

from pathlib import Path
from typing import Any

from pipeline.files import write_atomic
from pipeline.outputs.templating import template


def render_index(articles: dict[str, dict[str, Any]]) -> str:
    """The HTML of the index page for the manifest records ``articles`` (name -> record)."""
    counts = {status: sum(1 for entry in articles.values() if entry.get("status") == status) for status in ("done", "skipped", "failed")}
    rows = [
        {
            "name": name,
            "status": str(entry.get("status", "")),
            "title": str(entry.get("title") or ""),
            "sentences": str(entry.get("sentences", "")),
            "flags": sorted(entry.get("flags", {}).items()),
            "outputs": entry.get("outputs", []),
            "reason": str(entry.get("reason") or "") if entry.get("status") == "failed" else "",
        }
        for name, entry in sorted(articles.items())
    ]
    summary = ", ".join(f"{count} {status}" for status, count in counts.items())
    return str(template("index.html.j2").render(summary=summary, rows=rows))


def write_index(out: Path, articles: dict[str, dict[str, Any]]) -> Path:
    """Write ``OUT/index.html`` atomically; returns its path."""
    path = out / "index.html"
    write_atomic(path, render_index(articles))
    return path
