"""Progress of a batch run, in sentences with the time left: a bar on a terminal, log lines elsewhere.

Articles are read lazily, so the total number of sentences is an estimate: the sentences of the
articles read so far, plus the articles not read yet at the average so far (skipped ones count
as zero). Progress inside a window comes from the translators, batch by batch, so the bar moves
(and a log line is printed every ``LOG_INTERVAL`` seconds) while a window translates.
"""

import sys
import time
from typing import Any, TextIO

#: Seconds between two progress lines inside a window when the output is not a terminal.
LOG_INTERVAL = 10.0


class Progress:
    """Reports sentences translated, time left, and each article's outcome.

    Args:
        total_articles: how many articles the run will look at.
        quiet: report nothing but failures.
        stream: where to write (default: standard error).
    """

    def __init__(self, total_articles: int, quiet: bool = False, stream: TextIO | None = None):
        self.stream = stream or sys.stderr
        self.total = total_articles
        self.quiet = quiet
        self.articles = 0  # finished: done, failed or skipped
        self.counts = {"done": 0, "failed": 0, "skipped": 0}
        self.sentences = 0  # of articles done
        self.translated = 0.0  # sentences' worth of translation finished, windows included
        self.seen_articles = 0  # articles whose sentence count is known (read or settled)
        self.known_sentences = 0  # sentences of the articles sent to translation
        self.started = time.monotonic()
        self.translating_since: float | None = None
        self.last_line = self.started  # a short run prints no progress line, only its articles
        self.bar: Any = None
        if not quiet and self.stream.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=0, unit="sentence", file=self.stream, dynamic_ncols=True)

    def estimated_sentences(self) -> int:
        """The run's sentences to translate: those known, and the unread articles at the average so far."""
        unread = max(self.total - self.seen_articles, 0)
        average = self.known_sentences / self.seen_articles if self.seen_articles else 0.0
        return round(self.known_sentences + unread * average)

    def seconds_left(self) -> float | None:
        """Time left at the translation rate so far, or None before any sentence is translated."""
        if self.translating_since is None or self.translated <= 0:
            return None
        rate = self.translated / max(time.monotonic() - self.translating_since, 1e-9)
        return max(self.estimated_sentences() - self.translated, 0.0) / rate

    def window_started(self, articles: int, sentences: int) -> None:
        """A window of ``articles`` read articles with ``sentences`` sentences goes to translation."""
        self.seen_articles += articles
        self.known_sentences += sentences
        if self.translating_since is None:
            self.translating_since = time.monotonic()
        if self.bar is not None:
            self.bar.total = self.estimated_sentences()
            self.bar.refresh()

    def sentences_translated(self, amount: float) -> None:
        """``amount`` sentences' worth of the current window was translated."""
        self.translated += amount
        if self.quiet:
            return
        if self.bar is not None:
            self.bar.update(amount)
            return
        now = time.monotonic()
        if now - self.last_line >= LOG_INTERVAL:
            self.last_line = now
            print(f"warta: translating: {self._position()}", file=self.stream, flush=True)

    def _position(self) -> str:
        total = self.estimated_sentences()
        left = self.seconds_left()
        elapsed_minutes = max(time.monotonic() - (self.translating_since or self.started), 1e-9) / 60
        text = f"{self.translated:.0f}/{total} sentences, {self.translated / elapsed_minutes:.0f}/min"
        return text + (f", about {_duration(left)} left" if left is not None else "")

    def article_finished(self, name: str, status: str, sentences: int = 0, reason: str = "", read: bool = False) -> None:
        """Count one article (done, failed or skipped) and report it.

        Args:
            read: the article was counted by ``window_started`` already (it went to translation).
        """
        self.articles += 1
        self.counts[status] = self.counts.get(status, 0) + 1
        self.sentences += sentences if status == "done" else 0
        if not read:
            self.seen_articles += 1
        if self.quiet:  # failures still reach the user: the command line lists them at the end
            return
        if self.bar is not None:
            self.bar.total = max(self.estimated_sentences(), int(self.translated))
            self.bar.set_postfix_str(
                f"{self.articles}/{self.total} articles: {self.counts['done']} done, "
                f"{self.counts['skipped']} skipped, {self.counts['failed']} failed", refresh=True)
            if status == "failed":
                self.bar.write(f"failed {name}: {reason}", file=self.stream)
            return
        detail = f"{sentences} sentences" if status == "done" else reason
        print(f"[{self.articles}/{self.total}] {status} {name} ({detail}); {self._position()}", file=self.stream, flush=True)

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


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
