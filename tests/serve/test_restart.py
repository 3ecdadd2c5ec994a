"""A server stopped in the middle of a job, and after: the real command line in subprocesses on one data folder.

The queue lives in SQLite, so a server killed outright (SIGKILL) leaves its job ``running``; the
next one puts it back in the queue and finishes it first. A server told to stop (SIGTERM) puts
its job back itself. Done jobs, their outputs, the review (edits, history, comments) survive both.
"""

import sqlite3
from pathlib import Path

import httpx
import pytest

from benchmarks.serve_load import Server, add_account
from tests.serve.conftest import wait_for_job

pytestmark = pytest.mark.slow

#: 40 sentences: with the stand-in at 0.1 s a batch of two, about 4 s of translation.
LONG = "Rilis Panjang\n\n" + " ".join(f"Kalimat nomor {number} menjelaskan kegiatan pemerintah kota hari ini." for number in range(1, 40)) + "\n"
SHORT = "Rilis Pendek\n\nWarga diminta datang ke puskesmas terdekat.\n"
OPTIONS = ("--rate-limit", "0", "--formats", "txt,tsv,html")


def _status(data: Path, job_id: str) -> str:
    with sqlite3.connect(f"file:{data / 'serve.sqlite'}?mode=ro", uri=True) as db:
        return str(db.execute("SELECT status FROM jobs WHERE id = ?", (job_id,)).fetchone()[0])


def _submit(client: httpx.Client, text: str) -> str:
    answer = client.post("/api/jobs", data={"text": text})
    assert answer.status_code == 202, answer.text
    return str(answer.json()["id"])


def _running_with_progress(client: httpx.Client, job_id: str) -> dict:
    return wait_for_job(client, job_id, ("running",), timeout=60, until=lambda job: 0 < job["sentences_done"] < job["sentences_total"])


def test_the_queue_and_the_review_survive_a_kill_and_a_stop(tmp_path):
    data = tmp_path / "data"
    key = add_account(data, "ana")  # the command line's --add-user
    first = Server(data, "--stand-in-delay", "0.1", *OPTIONS).start()
    try:
        with httpx.Client(base_url=first.url, headers={"Authorization": f"Bearer {key}"}, timeout=30) as client:
            reviewed = wait_for_job(client, _submit(client, SHORT))
            assert reviewed["status"] == "done"
            rows = f"/api/jobs/{reviewed['id']}/segments"
            machine = client.get(rows).json()["segments"][1]["en"]
            client.patch(f"{rows}/2", json={"target": "en", "text": "Residents are asked to visit the nearest clinic.",
                                            "base": machine, "state": "approved"}).raise_for_status()
            client.patch(f"{rows}/2", json={"target": "zh", "text": "请居民前往最近的诊所。", "base": machine,
                                            "state": "approved"}).raise_for_status()
            client.post(f"{rows}/2/comments", json={"text": "Clinic or health centre?"}).raise_for_status()
            interrupted, waiting = _submit(client, LONG), _submit(client, SHORT)
            _running_with_progress(client, interrupted)
    finally:
        first.stop(kill=True)
    assert first.process is not None and first.process.returncode == -9
    assert (_status(data, interrupted), _status(data, waiting)) == ("running", "queued")

    second = Server(data, "--stand-in-delay", "0.05", *OPTIONS).start()
    try:
        with httpx.Client(base_url=second.url, headers={"Authorization": f"Bearer {key}"}, timeout=30) as client:
            resumed, after = wait_for_job(client, interrupted), wait_for_job(client, waiting)
            assert resumed["status"] == after["status"] == "done"
            assert resumed["updated_at"] < after["updated_at"]  # the interrupted job kept its place
            assert resumed["total"] == resumed["sentences_total"] == 40
            stopped = _submit(client, LONG)
            _running_with_progress(client, stopped)
    finally:
        errors = second.stop()
    # uvicorn stops gracefully, then ends with the signal it caught (143 to a shell), as translate does
    assert second.process is not None and second.process.returncode == -15, errors
    assert "Traceback" not in errors
    assert _status(data, stopped) == "queued"  # put back by the server itself

    third = Server(data, *OPTIONS).start()
    try:
        with httpx.Client(base_url=third.url, headers={"Authorization": f"Bearer {key}"}, timeout=30) as client:
            assert wait_for_job(client, stopped)["status"] == "done"
            listed = {job["id"]: job for job in client.get("/api/jobs").json()["jobs"]}
            assert [listed[job_id]["status"] for job_id in (reviewed["id"], interrupted, waiting, stopped)] == ["done"] * 4
            assert listed[reviewed["id"]]["approved"] == 1
            row = client.get(f"{rows}").json()["segments"][1]
            assert (row["en"], row["state"]["en"], row["changed"]["en"]["by"]) == ("Residents are asked to visit the nearest clinic.",
                                                                                   "approved", "ana")
            assert [comment["text"] for comment in row["comments"]] == ["Clinic or health centre?"]
            history = client.get(f"{rows}/2/history").json()["history"]
            assert [(change["target"], change["old_text"], change["new_state"]) for change in history] == [
                ("en", machine, "approved"), ("zh", machine, "approved")]
            english = client.get(f"/api/jobs/{interrupted}/outputs/en.txt")
            assert english.status_code == 200 and "KALIMAT NOMOR 39" in english.text
            assert client.get("/api/memory").json()["entries"] == 1
    finally:
        third.stop()


def test_accounts_from_the_command_line(tmp_path):
    import os
    import subprocess
    import sys

    from benchmarks.serve_load import REPO
    from pipeline.serve.accounts import verify_secret
    from pipeline.serve.store import Store

    data = tmp_path / "data"

    def serve(*args: str, typed: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "benchmarks.serve_load", "serve", "--data", str(data), *args], input=typed,
                              cwd=REPO, capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(REPO)})

    made = serve("--add-user", "sari", "--role", "admin", "--password", typed="first-password\nfirst-password\n")
    assert made.returncode == 0, made.stderr
    key = made.stdout.strip()
    assert len(key.split(".")) == 2 and "account sari (admin) created" in made.stderr
    assert serve("--add-user", "sari").returncode == 2  # taken
    assert "differ" in serve("--set-password", "sari", typed="new-password-1\nnew-password-2\n").stderr
    assert serve("--set-password", "sari", typed="new-password-1\nnew-password-1\n").returncode == 0
    store = Store(data / "serve.sqlite")
    stored = store.password_hash("sari")
    assert stored is not None and verify_secret("new-password-1", stored) and not verify_secret("first-password", stored)
    assert store.user("sari").role == "admin" and len(store.keys("sari")) == 1
