"""Progress of a batch run: a bar on a terminal, plain log lines elsewhere, nothing with --quiet."""

import sys
import time
from typing import Any, TextIO


class Progress:
    """Reports articles and sentences done.

    Args:
        total_articles: how many articles the run will look at.
        quiet: report nothing.
        stream: where to write (default: standard error).
    """

    def __init__(self, total_articles: int, quiet: bool = False, stream: TextIO | None = None):
        self.stream = stream or sys.stderr
        self.total = total_articles
        self.quiet = quiet
        self.articles = 0
        self.sentences = 0
        self.started = time.monotonic()
        self.bar: Any = None
        if not quiet and self.stream.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total_articles, unit="article", file=self.stream, dynamic_ncols=True)

    def article_finished(self, name: str, status: str, sentences: int = 0, reason: str = "") -> None:
        """Count one article (done, failed or skipped) and report it."""
        self.articles += 1
        self.sentences += sentences if status == "done" else 0
        if self.quiet:
            if status == "failed":  # errors are shown even when quiet
                print(f"warta: failed {name}: {reason}", file=self.stream, flush=True)
            return
        if self.bar is not None:
            self.bar.set_postfix(sentences=self.sentences, refresh=False)
            self.bar.update(1)
            if status == "failed":
                self.bar.write(f"failed {name}: {reason}", file=self.stream)
            return
        minutes = max(time.monotonic() - self.started, 1e-9) / 60
        detail = f"{sentences} sentences" if status == "done" else reason
        print(f"[{self.articles}/{self.total}] {status} {name} ({detail}); "
              f"{self.sentences} sentences so far, {self.sentences / minutes:.0f}/min", file=self.stream, flush=True)

    def message(self, text: str) -> None:
        """A line for the user that must not break the bar (shown even when quiet)."""
        if self.bar is not None:
            self.bar.write(text, file=self.stream)
        else:
            print(text, file=self.stream, flush=True)

    def close(self) -> None:
        """Finish the bar."""
        if self.bar is not None:
            self.bar.close()
