"""Fixtures of the server tests: the real app under uvicorn on a free 127.0.0.1 port, with stand-ins.

``serve`` starts one in a thread of the test process (``create_app`` + ``uvicorn.Server`` on a
socket bound to port 0, so no port is ever raced for); the restart tests start the real command
line in a subprocess (``benchmarks.serve_load.Server``) and kill it. Accounts are made on the
server's own store (``accounts.create_account``), as ``warta serve --add-user`` makes them.
"""

import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from benchmarks.serve_load import stand_in_warta
from models.tiny import SAMPLE_ARTICLE
from pipeline.serve import ServeOptions
from pipeline.serve.accounts import create_account
from pipeline.settings import Settings

#: Outputs the test servers write: the quick ones (Word and Excel files cost most of a job's time).
FORMATS = ("txt", "tsv", "jsonl", "tmx", "summary", "html")
#: Every test server's page password.
PASSWORD = "a-page-password"


class RunningServer:
    """A server running in a thread: its URL, app and accounts.

    Attributes:
        url: ``http://127.0.0.1:PORT``.
        app: the Starlette app (``app.state.store`` is its store).
        data: its data folder.
    """

    def __init__(self, data: Path, options: ServeOptions, settings: Settings, delay: float = 0.0):
        import uvicorn

        from pipeline.serve.app import create_app

        self.data = data
        self.app = create_app(settings, data, options, make_warta=stand_in_warta(delay))
        listening = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listening.bind(("127.0.0.1", 0))
        listening.listen(64)
        self.url = f"http://127.0.0.1:{listening.getsockname()[1]}"
        # proxy_headers=False as run_serve has it: uvicorn would otherwise take X-Forwarded-For from 127.0.0.1
        self.server = uvicorn.Server(uvicorn.Config(self.app, log_config=None, proxy_headers=False, lifespan="on"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [listening]}, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert self.thread.is_alive() and time.monotonic() < deadline, "the server did not start"
            time.sleep(0.02)

    def stop(self) -> None:
        """Stop it and wait for its worker."""
        self.server.should_exit = True
        self.thread.join(60)

    def account(self, name: str, role: str = "reviewer", password: str | None = PASSWORD) -> str:
        """Create an account; returns its API key."""
        _, key = create_account(self.app.state.store, name, role, password)
        return key

    def client(self, key: str | None = None, **options: Any) -> httpx.Client:
        """An HTTP client of the server, sending ``key`` as a Bearer key when given."""
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30, **options)


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., RunningServer]]:
    """Start servers on folders of ``tmp_path``: ``serve(rate_limit=5, ...)`` takes ``ServeOptions``'
    fields, ``settings=`` and ``delay=`` (seconds per stand-in batch); all stop at the end."""
    started: list[RunningServer] = []

    def start(settings: Settings | None = None, delay: float = 0.0, data: Path | None = None, **options: Any) -> RunningServer:
        server = RunningServer(data or tmp_path / f"data-{len(started)}", ServeOptions(**{"rate_limit": 0, **options}),
                               settings or Settings(formats=FORMATS), delay)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def wait_for_job(client: httpx.Client, job_id: str, statuses: tuple[str, ...] = ("done", "failed"), timeout: float = 60,
                 until: Callable[[dict[str, Any]], bool] | None = None) -> dict[str, Any]:
    """Poll ``GET /api/jobs/{id}`` until its status is one of ``statuses`` (and ``until`` holds); returns the job."""
    deadline = time.monotonic() + timeout
    while True:
        job = client.get(f"/api/jobs/{job_id}").json()
        if job["status"] in statuses and (until is None or until(job)):
            return job
        assert time.monotonic() < deadline, f"job {job_id} stayed {job['status']}: {job}"
        time.sleep(0.05)


def submit_text(client: httpx.Client, text: str, **fields: str) -> dict[str, Any]:
    """Submit pasted text; returns the job (202)."""
    answer = client.post("/api/jobs", data={"text": text, **fields})
    assert answer.status_code == 202, answer.text
    return dict(answer.json())


@pytest.fixture(scope="session")
def release() -> bytes:
    """The sample press release (33 sentences)."""
    return SAMPLE_ARTICLE.read_bytes()
