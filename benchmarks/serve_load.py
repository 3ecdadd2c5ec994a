"""Load on ``warta serve``: jobs a minute, page and API latency while jobs run, memory over 1,000 jobs.

Starts the real server (``warta serve``'s command line, ``pipeline.serve.cli``) in a subprocess
on 127.0.0.1 with the upper-casing stand-in translator (no models), then:

  (a) N clients each submit the sample release (``data/samples/``) and poll it to done, M jobs
      in all; meanwhile a probe asks for a page (``GET /``, logged in) and an API answer
      (``GET /api/jobs/{id}``) in turn: jobs per minute, p50/p95 of each probe;
  (b) the clients go on until ``--rss-jobs`` jobs are done in all: the server's resident memory
      after 100 jobs and after ``--rss-jobs`` (it must not grow with the jobs done).

Everything is bounded (a deadline per phase) and the server is stopped at the end. Run from the
repository root:

    python -m benchmarks.serve_load [--clients 4] [--jobs 100] [--rss-jobs 1000] [--formats txt,tsv,jsonl,html]

``python -m benchmarks.serve_load serve [warta serve options] [--stand-in-delay S]`` runs the
stand-in server alone (the tests of ``tests/serve`` start it so too): ``--stand-in-delay`` makes
each batch of 2 sentences take S seconds, so that a job is still running when a test needs it to be.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.standin import UpperCaseTranslator, use_stand_in
from models.tiny import SAMPLE_ARTICLE

REPO = Path(__file__).resolve().parent.parent
_PASSWORD = "bench-password-1"


class SlowUpperCase(UpperCaseTranslator):
    """The upper-casing stand-in, two sentences a batch, each batch taking ``delay`` seconds."""

    batch_sentences = 2

    def __init__(self, name: str, delay: float):
        super().__init__(name)
        self.delay = delay

    def _run_batch(self, batch: list[Any], max_output_tokens: int, beams: int, control: Any) -> Any:
        time.sleep(self.delay)
        return super()._run_batch(batch, max_output_tokens, beams, control)


def stand_in_warta(delay: float = 0.0) -> Callable[[Any], Any]:
    """A ``make_warta`` for ``create_app``/``run_serve``: a real Warta whose translators are stand-ins."""

    def make(settings: Any) -> Any:
        from pipeline.orchestrator import Warta

        warta = use_stand_in(Warta(settings))
        if delay > 0:
            for pair, name in warta.pool.models.items():
                warta.pool.translators[pair] = SlowUpperCase(name, delay)
        return warta

    return make


def serve(argv: list[str]) -> int:
    """``warta serve`` with stand-in translators: the real command line, options and server."""
    import run
    from pipeline.errors import WartaError
    from pipeline.serve.cli import add_serve_parser, run_serve
    from pipeline.settings import OPTIONS, TRANSLATE_AND_MODELS, Settings

    parser = argparse.ArgumentParser(prog="python -m benchmarks.serve_load")
    commands = parser.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    defaults = Settings()
    for name, option in OPTIONS.items():
        if option.commands == TRANSLATE_AND_MODELS:
            run._add_setting(common, name, option, getattr(defaults, name))
    common.add_argument("-v", "--verbose", action="store_true")
    serve_parser = add_serve_parser(commands, common, run._add_setting)
    serve_parser.add_argument("--stand-in-delay", type=float, default=0.0, metavar="S", help="seconds each stand-in batch takes")
    args = parser.parse_args(["serve", *argv])
    try:
        return run_serve(args, run._settings_from(args), make_warta=stand_in_warta(args.stand_in_delay))
    except WartaError as error:
        print(f"warta: {error}", file=sys.stderr)
        return 2


class Server:
    """The stand-in server in a subprocess: ``start`` waits for its "listening" line.

    Args:
        data: the data folder.
        options: more ``warta serve`` options.
    """

    def __init__(self, data: Path, *options: str):
        self.data, self.options = data, options
        self.process: subprocess.Popen[str] | None = None
        self.url = ""

    def start(self, timeout: float = 60.0) -> "Server":
        """Start it; returns when it listens.

        Raises:
            RuntimeError: it stopped, or did not listen within ``timeout`` seconds.
        """
        command = [sys.executable, "-m", "benchmarks.serve_load", "serve", "--data", str(self.data), "--port", "0", *self.options]
        self.process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                        env={**os.environ, "PYTHONPATH": str(REPO)})
        found: list[str] = []
        reader = threading.Thread(target=self._read_listening, args=(found,), daemon=True)
        reader.start()
        reader.join(timeout)
        if not found:
            self.stop()
            raise RuntimeError(f"the server did not start: {self.process.stderr.read() if self.process.stderr else ''}")
        self.url = found[0]
        return self

    def _read_listening(self, found: list[str]) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            if line.startswith("warta serve: listening on "):
                found.append(line.split()[4].rstrip("/"))
                return

    @property
    def pid(self) -> int:
        """The server's process id."""
        assert self.process is not None
        return self.process.pid

    def rss_mib(self) -> float:
        """The server's resident memory now, in MiB (``/proc``)."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS")

    def stop(self, kill: bool = False) -> str:
        """Stop it (SIGTERM, or SIGKILL with ``kill``); returns what it wrote on standard error."""
        if self.process is None:
            return ""
        if self.process.poll() is None:
            if kill:
                self.process.kill()
            else:
                self.process.terminate()
        try:
            _, errors = self.process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, errors = self.process.communicate()
        return errors or ""


def add_account(data: Path, name: str, role: str = "reviewer") -> str:
    """Create an account on ``data`` with the real command line; returns its API key."""
    done = subprocess.run([sys.executable, "-m", "benchmarks.serve_load", "serve", "--data", str(data), "--add-user", name, "--role", role],
                          cwd=REPO, capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(REPO)}, check=True)
    return done.stdout.strip().splitlines()[-1]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


class _Load:
    """Clients that submit the sample release and poll each job to done, until told how many are done."""

    def __init__(self, url: str, key: str, clients: int, release: bytes):
        self.url, self.key, self.clients, self.release = url, key, clients, release
        self.done = 0
        self.failed = 0
        self.target = 0
        self.last_job = ""
        self._in_flight = 0
        self.lock = threading.Lock()
        self.deadline = 0.0

    def run_until(self, total: int, deadline_s: float) -> float:
        """Run the clients until ``total`` jobs are done in all; returns the seconds it took."""
        import httpx

        self.target, self.deadline = total, time.monotonic() + deadline_s
        started = time.monotonic()

        def client() -> None:
            with httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {self.key}"}, timeout=60) as http:
                while time.monotonic() < self.deadline:
                    with self.lock:
                        if self.done + self.failed + self._in_flight >= self.target:
                            return
                        self._in_flight += 1
                    try:
                        answer = http.post("/api/jobs", files={"file": ("rilis.txt", self.release)})
                        answer.raise_for_status()
                        job_id = answer.json()["id"]
                        self.last_job = job_id
                        status = "queued"
                        while status in ("queued", "running") and time.monotonic() < self.deadline:
                            time.sleep(0.1)
                            status = http.get(f"/api/jobs/{job_id}").json()["status"]
                    finally:
                        with self.lock:
                            self._in_flight -= 1
                    with self.lock:
                        if status == "done":
                            self.done += 1
                        else:
                            self.failed += 1

        threads = [threading.Thread(target=client, daemon=True) for _ in range(self.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(max(self.deadline - time.monotonic(), 0) + 5)
        return time.monotonic() - started


def _login(browser: Any) -> None:
    # the login form's CSRF token, then the form, as a browser sends it
    form = browser.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    browser.post("/login", data={"name": "page", "password": _PASSWORD, "csrf_token": token.group(1) if token else ""})


def _probe(url: str, key: str, load: _Load, stop: threading.Event, page: list[float], api: list[float], statuses: set[str]) -> None:
    import httpx

    with httpx.Client(base_url=url, timeout=30) as browser, httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"},
                                                                         timeout=30) as script:
        try:
            _login(browser)
        except httpx.HTTPError as error:
            statuses.add(f"login failed: {type(error).__name__}")
        while not stop.is_set():
            started = time.perf_counter()
            try:
                statuses.add(str(browser.get("/").status_code))
            except httpx.HTTPError as error:  # a page that breaks the connection is reported, not fatal
                statuses.add(type(error).__name__)
            page.append((time.perf_counter() - started) * 1000)
            if load.last_job:
                started = time.perf_counter()
                script.get(f"/api/jobs/{load.last_job}").raise_for_status()
                api.append((time.perf_counter() - started) * 1000)
            time.sleep(0.05)


def main() -> None:
    """Start the server, run (a) and (b), print the figures."""
    if len(sys.argv) > 1 and sys.argv[1] == "serve":
        sys.exit(serve(sys.argv[2:]))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients (default: 4)")
    parser.add_argument("--jobs", type=int, default=100, help="jobs of phase (a) (default: 100)")
    parser.add_argument("--rss-jobs", type=int, default=1000, help="jobs done in all when memory is read the second time (default: 1000)")
    parser.add_argument("--formats", default="txt,tsv,jsonl,html", help="outputs each job writes (default: txt,tsv,jsonl,html)")
    parser.add_argument("--deadline", type=float, default=1800, help="seconds each phase may take at most (default: 1800)")
    args = parser.parse_args()

    import httpx

    release = SAMPLE_ARTICLE.read_bytes()
    with tempfile.TemporaryDirectory(prefix="warta-serve-load-") as work:
        data = Path(work) / "data"
        key = add_account(data, "bench", "admin")
        server = Server(data, "--rate-limit", "0", "--formats", args.formats).start()
        try:
            httpx.post(f"{server.url}/api/users", json={"name": "page", "role": "reviewer", "password": _PASSWORD},
                       headers={"Authorization": f"Bearer {key}"}).raise_for_status()
            load = _Load(server.url, key, args.clients, release)
            page: list[float] = []
            api: list[float] = []
            statuses: set[str] = set()
            stop = threading.Event()
            probe = threading.Thread(target=_probe, args=(server.url, key, load, stop, page, api, statuses), daemon=True)
            probe.start()
            seconds = load.run_until(args.jobs, args.deadline)
            stop.set()
            probe.join(30)
            # memory at 100 jobs done and at checkpoints after it, to see a trend, not one difference
            checkpoints = sorted({100, *range(250, args.rss_jobs, 250), args.rss_jobs})
            rss: list[tuple[int, float]] = []
            rss_started = time.monotonic()
            for checkpoint in checkpoints:
                if load.done < checkpoint:
                    load.run_until(checkpoint, args.deadline)
                rss.append((load.done, server.rss_mib()))
            rss_seconds = time.monotonic() - rss_started
        finally:
            errors = server.stop()
    print(f"server: stand-in translator, formats {args.formats}, {args.clients} clients, sample release "
          f"({len(release):,} bytes, 33 sentences)")
    print(f"(a) {load.done} jobs done, {load.failed} failed; {args.jobs} jobs in {seconds:.1f} s: "
          f"{args.jobs / seconds * 60:.0f} jobs/min")
    if page:
        print(f"    page GET / (answers: {', '.join(sorted(statuses))}): p50 {statistics.median(page):.1f} ms, "
              f"p95 {_percentile(page, 0.95):.1f} ms ({len(page)} requests)")
    if api:
        print(f"    API GET /api/jobs/{{id}}: p50 {statistics.median(api):.1f} ms, p95 {_percentile(api, 0.95):.1f} ms ({len(api)} requests)")
    (first_done, rss_first), (last_done, rss_last) = rss[0], rss[-1]
    print(f"(b) server RSS after {first_done} jobs: {rss_first:.1f} MiB; after {last_done} jobs: {rss_last:.1f} MiB "
          f"({rss_last - rss_first:+.1f} MiB; {last_done - first_done} jobs in {rss_seconds:.0f} s)")
    print("    RSS by jobs done: " + ", ".join(f"{done}: {mib:.1f}" for done, mib in rss))
    if load.failed:
        print(f"warning: {load.failed} jobs failed; the server said: {errors[-2000:]}")


if __name__ == "__main__":
    main()
