"""Stopping a batch run on a signal: finished articles kept, the state written, how to resume said."""

import signal
from types import FrameType

from pipeline.batch.progress import Progress


class StopRequest:
    """Turns the first Ctrl-C or SIGTERM into a request to stop; a second one stops at once."""

    def __init__(self, progress: Progress):
        self.requested = False
        self.signal: int | None = None
        self.progress = progress
        self.previous: dict[int, object] = {}

    def __enter__(self) -> "StopRequest":
        for number in (signal.SIGINT, signal.SIGTERM):
            try:
                self.previous[number] = signal.signal(number, self._handle)
            except ValueError:  # not the main thread: leave signals alone
                pass
        return self

    @property
    def abandon(self) -> bool:
        """Whether to abandon the window in flight: after any stop request. A window takes minutes
        on a CPU; a person pressing Ctrl-C, and systemd or docker stop sending SIGTERM, give seconds."""
        return self.requested

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.requested:  # the second signal: stop at once, with the status of the signal
            if signum == signal.SIGTERM:
                raise SystemExit(128 + signum)
            raise KeyboardInterrupt
        self.requested, self.signal = True, signum
        if signum == signal.SIGTERM:
            self.progress.message("warta: terminated: abandoning the current batch; state saved, the next run resumes")
        else:
            self.progress.message("warta: stopping after the current batch; finished articles are kept (Ctrl-C again to stop at once)")

    def __exit__(self, *exc_info: object) -> None:
        for number, previous in self.previous.items():
            signal.signal(number, previous)  # type: ignore[arg-type]
