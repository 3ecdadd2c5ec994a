"""``OUT/index.html``: every article of a batch with its status, counts and links.

Written from the batch state at the end of every run (and when a run is stopped); a failed
article's reason says when its earlier outputs were removed. Article text is data, never markup:
everything is escaped.
"""

from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote

from pipeline.writers import write_atomic

_STYLE = """
body { font-family: system-ui, "Noto Sans", "Noto Sans CJK SC", sans-serif; margin: 2rem; color: #222; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #ddd; padding: .35rem .5rem; text-align: left; vertical-align: top; }
th { background: #f4f4f4; }
.done { color: #1a7f37; } .failed { color: #b42318; font-weight: bold; } .skipped { color: #666; }
a { margin-right: .5rem; }
"""


def render_index(articles: dict[str, dict[str, Any]]) -> str:
    """The HTML of the index page for the manifest records ``articles`` (name -> record)."""
    counts = {status: sum(1 for entry in articles.values() if entry.get("status") == status) for status in ("done", "skipped", "failed")}
    rows = []
    for name, entry in sorted(articles.items()):
        status = str(entry.get("status", ""))
        links = " ".join(
            f'<a href="{escape(quote(f"{name}/{output}"))}">{escape(output)}</a>' for output in entry.get("outputs", [])
        )
        flags = ", ".join(f"{escape(str(flag))}: {count}" for flag, count in sorted(entry.get("flags", {}).items()))
        rows.append(
            "<tr>"
            f"<td>{escape(name)}</td>"
            f'<td class="{escape(status)}">{escape(status)}</td>'
            f"<td>{escape(str(entry.get('title') or ''))}</td>"
            f"<td>{escape(str(entry.get('sentences', '')))}</td>"
            f"<td>{flags}</td>"
            f"<td>{links}{escape(str(entry.get('reason') or '')) if status == 'failed' else ''}</td>"
            "</tr>"
        )
    summary = ", ".join(f"{count} {status}" for status, count in counts.items())
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>warta: articles</title>"
        f"<style>{_STYLE}</style></head><body>\n<h1>warta: articles</h1>\n<p>{escape(summary)}</p>\n"
        "<table><thead><tr><th>article</th><th>status</th><th>title</th><th>sentences</th><th>flags</th><th>files</th></tr></thead>\n"
        f"<tbody>\n{chr(10).join(rows)}\n</tbody></table>\n</body></html>\n"
    )


def write_index(out: Path, articles: dict[str, dict[str, Any]]) -> Path:
    """Write ``OUT/index.html`` atomically; returns its path."""
    path = out / "index.html"
    write_atomic(path, render_index(articles))
    return path
