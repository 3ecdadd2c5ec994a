"""Executor throughput: the batch job in this process against the batch job on Ray (``--executor ray``).

N copies of the sample article go through ``run_translate`` four times in one process, on one
local Ray (``num_cpus`` = this machine's cores):

  (a) local executor, random-weight models in the real shapes (``benchmarks.shapes``);
  (b) Ray executor, two CPU actors of ``cores / 2`` cores each, the same models;
  (c), (d) the same two with a stand-in translator that costs nothing (``benchmarks.standin``),
      so the difference per article is what Ray itself adds: read tasks, shipping articles
      to the actors and back, scheduling, waiting.

Models load (and the actors start) before the clocks start; every run writes txt and tsv.
Prints articles per minute for each, Ray's start-up, and Ray's per-article overhead. Run
from the repository root:

    python -m benchmarks.executor_throughput [--copies 200] [--beams 1] [--output-tokens 40]
"""

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from benchmarks.shapes import build_default_shapes
from benchmarks.standin import use_stand_in
from models.tiny import SAMPLE_ARTICLE
from pipeline.batch import run_translate
from pipeline.batch.executor import Executor, LocalExecutor
from pipeline.batch.ray_cluster import import_ray
from pipeline.batch.ray_executor import RayExecutor
from pipeline.batch.ray_workers import Translator
from pipeline.orchestrator import Warta
from pipeline.settings import Settings


class _StandInTranslator(Translator):
    """A translation actor whose models are stand-ins (upper-casing, no model time)."""

    def __init__(self, settings: Settings):
        super().__init__(settings)
        use_stand_in(self.warta)


class _StandInRayExecutor(RayExecutor):
    translator_class = _StandInTranslator


def _timed_run(inputs: Path, out: Path, warta: Warta, executor: Executor, copies: int) -> float:
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    result = run_translate([inputs], out, warta, quiet=True, executor=executor)
    seconds = time.perf_counter() - started
    if result.failed or len(result.done) != copies:
        raise SystemExit(f"benchmark run failed: {result.failed[:3]}, {len(result.done)} done of {copies}")
    return seconds


def _warm_up(executor: RayExecutor, warta: Warta) -> None:
    # Every actor loads its models on its first window: give each one before the clock starts.
    article = warta.read_file(SAMPLE_ARTICLE)
    executor.ray.get([actor.translate.remote([article]) for actor in executor.actors])


def main() -> None:
    """Build the models, start Ray, run (a)-(d), print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=200)
    parser.add_argument("--stand-in-copies", type=int, default=200, help="copies for the stand-in runs (c), (d)")
    parser.add_argument("--beams", type=int, default=1)
    parser.add_argument("--output-tokens", type=int, default=40)
    parser.add_argument("--window-sentences", type=int, default=Settings().window_sentences)
    args = parser.parse_args()
    ray = import_ray()
    cores = os.cpu_count() or 2

    work = Path(tempfile.mkdtemp(prefix="warta-bench-"))
    try:
        models = build_default_shapes(work / "models", args.output_tokens)
        inputs, stand_in_inputs = work / "articles", work / "stand-in-articles"
        for folder, copies in ((inputs, args.copies), (stand_in_inputs, args.stand_in_copies)):
            folder.mkdir()
            for copy in range(copies):
                shutil.copy(SAMPLE_ARTICLE, folder / f"rilis-{copy:03d}.txt")
        settings = Settings(models={pair: str(path) for pair, path in models.items()}, device="cpu", beams=args.beams,
                            backend="transformers", window_sentences=args.window_sentences, formats=("txt", "tsv"),
                            executor="ray", ray_actors=2, ray_actor_cpus=max(1, cores // 2))
        local = Warta(settings)
        local.translate_text(SAMPLE_ARTICLE.read_text(encoding="utf-8"))  # load and warm up

        started = time.perf_counter()
        ray.init(num_cpus=cores, include_dashboard=False, log_to_driver=False)
        executor = RayExecutor.connect(Warta(settings))
        _warm_up(executor, local)
        start_up = time.perf_counter() - started

        rows: list[tuple[str, int, float]] = []
        rows.append(("(a) local", args.copies, _timed_run(inputs, work / "out-a", local, LocalExecutor(local), args.copies)))
        rows.append(("(b) ray, 2 CPU actors", args.copies, _timed_run(inputs, work / "out-b", Warta(settings), executor, args.copies)))
        executor.close()  # its actors hold the cores: the stand-in actors start after
        stand_in_executor = _StandInRayExecutor.connect(Warta(settings))
        _warm_up(stand_in_executor, local)
        stand_in = use_stand_in(Warta(settings))
        rows.append(("(c) local, stand-in", args.stand_in_copies,
                     _timed_run(stand_in_inputs, work / "out-c", stand_in, LocalExecutor(stand_in), args.stand_in_copies)))
        rows.append(("(d) ray, stand-in", args.stand_in_copies,
                     _timed_run(stand_in_inputs, work / "out-d", use_stand_in(Warta(settings)), stand_in_executor, args.stand_in_copies)))
        stand_in_executor.close()
        ray.shutdown()

        sentences = len(local.read_file(SAMPLE_ARTICLE).sentences())
        print(f"sample: {sentences} sentences; id->en then en->zh, random weights in the opus-mt shapes, beams {args.beams}, "
              f"{args.output_tokens} output tokens, window {args.window_sentences} sentences, {cores} cores, "
              f"ray {ray.__version__}")
        print(f"{'run':<26}{'articles':>9}{'seconds':>10}{'articles/min':>14}{'s/article':>11}")
        per_article: dict[str, float] = {}
        for name, copies, seconds in rows:
            per_article[name[:3]] = seconds / copies
            print(f"{name:<26}{copies:>9}{seconds:>10.1f}{copies / seconds * 60:>14.1f}{seconds / copies:>11.4f}")
        print(f"ray start-up (init, two actors, models loaded): {start_up:.1f} s")
        overhead = per_article["(d)"] - per_article["(c)"]
        print(f"ray per-article overhead (d - c): {overhead * 1000:.1f} ms; "
              f"ray driver time per article (d): {per_article['(d)'] * 1000:.1f} ms")
        print(f"ray / local with models (b / a throughput): {per_article['(a)'] / per_article['(b)']:.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
