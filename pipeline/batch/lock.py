"""The output-folder lock: one run per output folder at a time."""

import os
from pathlib import Path
from typing import Any

from pipeline.errors import OutputBusyError
from pipeline.files import write_atomic

LOCK_NAME = ".warta.lock"


class OutputLock:
    """An exclusive lock on an output folder, held for the length of a run.

    Two runs pointed at the same folder would overwrite each other's state; the second one is
    refused with a clear message instead. ``filelock`` takes an OS lock (``flock`` on POSIX,
    ``msvcrt.locking`` on Windows) that is released when the process ends, however it ends.
    The holder's pid goes to a file of its own: filelock truncates the lock file on every try.

    Raises:
        OutputBusyError: (on ``__enter__``) another run holds the folder.
    """

    def __init__(self, out: Path):
        self.path = out / LOCK_NAME
        self.pid_path = out / f"{LOCK_NAME}.pid"
        self.lock: Any = None

    def __enter__(self) -> "OutputLock":
        from filelock import FileLock, Timeout

        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(self.path, timeout=0)
        try:
            lock.acquire()
        except Timeout:
            try:
                holder = self.pid_path.read_text(encoding="utf-8").strip() or "unknown"
            except OSError:
                holder = "unknown"
            raise OutputBusyError(
                f"{self.path.parent}: the output folder is busy: another warta run (pid {holder}) is writing to it; "
                f"wait for it to finish or choose another -o folder"
            ) from None
        self.lock = lock
        write_atomic(self.pid_path, str(os.getpid()))
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.lock is not None:
            # The pid file names the holder; a run that has let go must not be named later. It is
            # removed while the lock is still held, so the next holder's pid is never removed.
            self.pid_path.unlink(missing_ok=True)
            self.lock.release()
            self.lock = None
