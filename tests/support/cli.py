"""The command line run as a user runs it, in a subprocess with the session's hub settings."""

import os
import subprocess
import sys
import time
from pathlib import Path

from models.tiny import REPO
from pipeline.batch.state import STATE_NAME


def run_cli(*args: str | Path, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    """Run ``python run.py ARGS`` as a user would, with the session's hub settings."""
    return subprocess.run(
        [sys.executable, str(REPO / "run.py"), *map(str, args)],
        cwd=cwd, capture_output=True, text=True, timeout=600, env=dict(os.environ),
    )


def start_translate(tiny_models: dict[str, Path], source: Path, out: Path) -> subprocess.Popen[str]:
    """Start ``run.py translate SOURCE -o OUT`` with the tiny models, one sentence a window, in the background."""
    command = [sys.executable, str(REPO / "run.py"), "translate", str(source), "-o", str(out), "--beams", "1",
               "--window-sentences", "1", "--model", f"id-en={tiny_models['id-en']}", "--model", f"en-zh={tiny_models['en-zh']}"]
    return subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ))


def done_names(out: Path) -> set[str]:
    """The articles done in ``out``, read from the batch state while a run writes it (manifest.json is
    exported at the end of a run)."""
    import sqlite3

    if not (out / STATE_NAME).exists():
        return set()
    try:
        with sqlite3.connect(f"file:{out / STATE_NAME}?mode=ro", uri=True) as db:
            return {name for (name,) in db.execute("SELECT name FROM articles WHERE status = 'done'")}
    except sqlite3.OperationalError:  # the run is creating it
        return set()


def wait_for_done(process: subprocess.Popen[str], out: Path, count: int, timeout: float = 120) -> None:
    """Wait until ``count`` articles are done in ``out``; fails when the run ends or ``timeout`` passes first."""
    deadline = time.monotonic() + timeout
    while len(done_names(out)) < count:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the run did not get going"
        time.sleep(0.05)
