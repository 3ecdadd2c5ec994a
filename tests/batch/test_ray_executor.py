"""The batch job on Ray (``--executor ray``): same outputs as the local executor, killed workers, no Ray installed.

The Ray tests share one local Ray (``num_cpus=2``) and one pool of two actors per module, so
the models load once; the test without Ray installed runs everywhere.
"""

import json
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from pipeline.batch import run_translate
from pipeline.files import TEMPORARY_NAME
from pipeline.orchestrator import Warta
from pipeline.settings import Settings
from tests.support.articles import indonesian_article, make_article_folder

COMPARED = ("aligned.tsv", "en.txt", "zh.txt")
BAD = {"bad/kosong", "bad/gambar", "bad/english", "bad/chinese", "notes"}  # notes.pdf: a broken PDF


def _settings(tiny_models: dict[str, Path], executor: str) -> Settings:
    # Small windows: a handful of windows per run, several in flight on the two actors.
    return Settings(models={pair: str(path) for pair, path in tiny_models.items()}, device="cpu", beams=1,
                    window_sentences=8, formats=("txt", "tsv"), executor=executor, ray_actors=2, ray_actor_cpus=1)


@pytest.fixture(scope="module")
def ray_executor(tiny_models: dict[str, Path]) -> Any:
    """A local Ray (2 CPUs, no dashboard) and a pool of two translation actors, for this module."""
    ray = pytest.importorskip("ray", exc_type=ImportError, reason="Ray is not installed (pip install 'warta[ray]'); the test without it still runs")
    from pipeline.batch.ray_executor import RayExecutor

    class KillingExecutor(RayExecutor):
        """Kills the actor of the ``kill_at``-th window sent (with ``ray.kill``), right after sending it;
        with ``restart``, Ray restarts it (and retries its calls) instead of losing it for good."""

        kill_at: int | None = None
        restart = False
        sent = 0

        def _submitted(self, task: Any) -> None:
            self.sent += 1
            if self.sent == self.kill_at:
                self.ray.kill(task.actor, no_restart=not self.restart)

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    executor = KillingExecutor.connect(Warta(_settings(tiny_models, "ray")))
    yield executor
    executor.close()
    ray.shutdown()


@pytest.fixture(scope="module")
def local_run(tiny_models: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Any]:
    """The article folder, and its outputs from the local executor (the reference)."""
    root = tmp_path_factory.mktemp("ray-local")
    make_article_folder(root / "in", good=6)
    result = run_translate([root / "in"], root / "out", Warta(_settings(tiny_models, "local")), quiet=True)
    return root / "in", root / "out", result


def _counting_writes(warta: Warta) -> Counter[str]:
    writes: Counter[str] = Counter()
    write = warta.write

    def counted(article: Any, folder: Path, run_info: Any = None) -> list[Path]:
        writes[article.name] += 1
        return write(article, folder, run_info)

    warta.write = counted  # type: ignore[method-assign]
    return writes


def _assert_same_outputs(reference: Path, out: Path, names: list[str]) -> None:
    for name in names:
        for file in COMPARED:
            assert (out / name / file).read_bytes() == (reference / name / file).read_bytes(), f"{name}/{file}"


@pytest.mark.ray
def test_ray_gives_the_local_executors_outputs_byte_for_byte(ray_executor, local_run, tiny_models, tmp_path: Path):
    inputs, reference, local = local_run
    warta = Warta(_settings(tiny_models, "ray"))
    writes = _counting_writes(warta)
    result = run_translate([inputs], tmp_path / "out", warta, quiet=True, executor=ray_executor)

    assert sorted(result.done) == sorted(local.done) and len(result.done) == 9
    assert sorted(result.failed) == sorted(local.failed)  # bad articles fail alone, for the same reasons
    _assert_same_outputs(reference, tmp_path / "out", result.done)
    assert set(writes.values()) == {1} and sorted(writes) == sorted(result.done)
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))["articles"]
    assert {name for name, entry in manifest.items() if entry["status"] == "failed"} == BAD
    # the reports name the models the actors loaded, though the driver loaded none
    report = json.loads((tmp_path / "out" / result.done[0] / "report.json").read_text(encoding="utf-8"))
    assert set(report["models"]) == {"id-en", "en-zh"} and report["settings"]["executor"] == "ray"

    again = run_translate([inputs], tmp_path / "out", warta, quiet=True, executor=ray_executor)
    assert again.done == [] and sorted(again.skipped) == sorted(result.done)  # the same resume rules


@pytest.mark.ray
@pytest.mark.parametrize("restart", [False, True], ids=["killed-for-good", "restarted-by-ray"])
def test_an_actor_killed_mid_run_loses_no_article_and_writes_none_twice(ray_executor, local_run, tiny_models, tmp_path: Path,
                                                                        restart: bool):
    inputs, reference, local = local_run
    ray_executor.kill_at, ray_executor.sent, ray_executor.restart = 3, 0, restart  # the second actor's first window
    restarted = ray_executor.restarted_windows
    warta = Warta(_settings(tiny_models, "ray"))
    writes = _counting_writes(warta)
    result = run_translate([inputs], tmp_path / "out", warta, quiet=True, executor=ray_executor)

    if not restart:  # the kill hit a window in flight, which the driver sent again to a new actor
        assert ray_executor.restarted_windows > restarted
    else:  # Ray restarted the actor and retried its windows itself: the driver saw no death
        assert ray_executor.restarted_windows == restarted
    assert len(ray_executor.actors) == 2 and ray_executor.sent > 3
    assert sorted(result.done) == sorted(local.done) and len(set(result.done)) == len(result.done)
    assert set(writes.values()) == {1} and sorted(writes) == sorted(result.done)
    _assert_same_outputs(reference, tmp_path / "out", result.done)
    assert [path for path in (tmp_path / "out").rglob("*") if TEMPORARY_NAME.match(path.name)] == []  # nothing half-written
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))["articles"]
    assert sorted(name for name, entry in manifest.items() if entry["status"] == "done") == sorted(local.done)


@pytest.mark.ray
def test_an_article_that_crashes_its_worker_fails_alone_and_every_other_is_done_once(ray_executor, tiny_models, tmp_path: Path,
                                                                                      monkeypatch):
    # a09 kills its translation worker (os._exit) whenever it is in the window: the last window, with a10,
    # so that when it is split nothing but a10 is left to queue behind it; one actor, which every window
    # sent again meets. a04 kills the worker reading its chunk.
    import os

    from benchmarks.standin import use_stand_in
    from pipeline.batch import ray_executor as module
    from pipeline.batch.ray_workers import Translator, read_articles

    class Crashing(Translator):
        def __init__(self, settings: Settings):
            super().__init__(settings)
            use_stand_in(self.warta)  # upper-cases: no model to load again after each death

        def translate(self, articles: list[Any]) -> Any:
            if any(article.name == "a09" for article in articles):
                os._exit(1)
            return super().translate(articles)

    def read_or_crash(settings: Settings, jobs: list[Any]) -> Any:
        if any(job.name == "a04" for job in jobs):
            os._exit(1)
        return read_articles(settings, jobs)

    class CrashingExecutor(module.RayExecutor):
        translator_class = Crashing

    for number in range(11):  # 4 sentences each: two articles a window
        (tmp_path / "in").mkdir(exist_ok=True)
        (tmp_path / "in" / f"a{number:02d}.txt").write_text(indonesian_article(number), encoding="utf-8")
    monkeypatch.setattr(module, "_ACTOR_RESTARTS", 0)  # each crash is a death the driver sees, with no restarts to wait for
    warta = Warta(_settings(tiny_models, "ray"))
    writes = _counting_writes(warta)
    executor = CrashingExecutor(ray_executor.ray, warta, 1, {"num_cpus": 0}, started_ray=False)  # beside the module's pool
    executor._read = ray_executor.ray.remote(num_cpus=0, max_retries=0)(read_or_crash)
    try:
        result = run_translate([tmp_path / "in"], tmp_path / "out", warta, quiet=True, executor=executor)
    finally:
        executor.close()

    failed = {Path(path).stem: reason for path, reason in result.failed}
    assert sorted(failed) == ["a04", "a09"]
    assert failed["a09"].startswith("translation failed: RuntimeError: the translation worker died 2 times while translating it")
    assert failed["a04"].startswith("cannot be read: the task reading it failed (WorkerCrashedError: ")
    assert sorted(result.done) == [f"a{number:02d}" for number in range(11) if number not in (4, 9)]
    assert set(writes.values()) == {1} and sorted(writes) == sorted(result.done)
    assert (tmp_path / "out" / "a10" / "en.txt").read_text(encoding="utf-8").isupper()  # the stand-in's translation
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))["articles"]
    assert {name for name, entry in manifest.items() if entry["status"] == "failed"} == {"a04", "a09"}


@pytest.mark.ray
def test_a_worker_that_cannot_start_stops_the_run_with_its_own_error(ray_executor, tiny_models, tmp_path: Path):
    from pipeline.batch.ray_executor import RayExecutor
    from pipeline.errors import UsageError

    glossary = tmp_path / "glossary.tsv"
    glossary.write_text("id\ten\tzh\nbank\tbank\t银行\n", encoding="utf-8")
    warta = Warta(replace(_settings(tiny_models, "ray"), glossary=glossary))
    glossary.unlink()  # as on a path the workers' nodes do not see
    executor = RayExecutor(ray_executor.ray, warta, 1, {"num_cpus": 0}, started_ray=False)
    try:
        with pytest.raises(UsageError, match="cannot read the glossary"):
            executor.wait_started()
    finally:
        executor.close()


@pytest.mark.ray
def test_workers_no_node_can_place_stop_the_run_in_one_line_naming_what_was_asked(ray_executor, tiny_models, monkeypatch):
    from pipeline.batch import ray_executor as module
    from pipeline.errors import WartaError

    monkeypatch.setattr(module, "PLACEMENT_SECONDS", 3.0)
    warta = Warta(replace(_settings(tiny_models, "ray"), ray_actors=None, ray_actor_cpus=4))  # the defaults' 4 cores, on a 2-CPU Ray
    with pytest.raises(WartaError) as caught:
        module.RayExecutor.connect(warta)  # Ray was started by the test, not by warta: its size is the cluster's
    message = str(caught.value)
    assert "no translation worker could be placed" in message and "4 CPU" in message and "2 CPUs" in message
    assert "\n" not in message


def test_executor_ray_without_ray_installed_says_how_to_install_it(monkeypatch, capsys, tiny_models, tmp_path: Path):
    import run

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "satu.txt").write_text("Pemerintah meluncurkan program baru hari ini.\n", encoding="utf-8")
    monkeypatch.setitem(sys.modules, "ray", None)  # what an installation without the extra looks like
    status = run.main(["translate", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--executor", "ray",
                       "--model", f"id-en={tiny_models['id-en']}", "--model", f"en-zh={tiny_models['en-zh']}"])
    error = capsys.readouterr().err
    assert status == 2
    assert error.splitlines() == ["warta: --executor ray needs Ray, which is not installed: pip install 'warta[ray]'"]
    assert not (tmp_path / "out").exists()  # refused before anything was written



@pytest.mark.slow
@pytest.mark.ray
def test_a_ray_address_where_nothing_answers_is_refused_in_one_line(tiny_models, tmp_path: Path):
    # ray.init retries such an address for minutes without a word; warta asks the port first.
    import socket
    import subprocess

    pytest.importorskip("ray")
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "satu.txt").write_text("Pemerintah meluncurkan program baru hari ini.\n", encoding="utf-8")
    for address, reason in ((f"127.0.0.1:{port}", "Connection refused"), ("127.0.0.1", "give it as HOST:PORT or ray://HOST:PORT")):
        result = subprocess.run(
            [sys.executable, "run.py", "translate", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--executor", "ray",
             "--ray-address", address, "--model", f"id-en={tiny_models['id-en']}", "--model", f"en-zh={tiny_models['en-zh']}"],
            cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True, timeout=120, check=False)
        assert result.returncode == 2, result.stderr
        assert result.stderr.splitlines() == [f"warta: cannot connect to the Ray cluster at {address}: {reason}"]
