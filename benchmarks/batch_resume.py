"""Batch bookkeeping at archive scale: the state store, an all-done rerun, and memory.

N short generated articles (a title and two sentences, 100 to a folder) are translated by the
upper-casing stand-in (``benchmarks.standin``: no model time to speak of), so what is measured
is warta's own per-article work: reading, writing the outputs, and the state transaction.
Prints:

* the state's cost per article (``BatchState.record``: one SQLite transaction) and the
  wall time per article at the start and the end of the first run (medians of the first and
  last 100 articles, means of the first and last 1,000): bookkeeping that grows with the
  folder shows as a ratio above 1;
* the time of a rerun where every article is already done (hash, one indexed lookup,
  skip marks in batched transactions, manifest.json and index.html written once);
* peak memory (max RSS) of the process.

    python -m benchmarks.batch_resume [--articles 10000] [--formats txt,jsonl]
"""

import argparse
import resource
import shutil
import tempfile
import time
from pathlib import Path
from statistics import mean, median

from benchmarks.standin import use_stand_in
from models.tiny import sample_sentences
from pipeline.batch import run_translate
from pipeline.batch import state as batch_state
from pipeline.orchestrator import Warta
from pipeline.settings import Settings


def _write_articles(folder: Path, count: int) -> None:
    lines = sample_sentences()
    for number in range(count):
        path = folder / f"{number // 100:04d}" / f"rilis-{number:05d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        body = [lines[(number + offset) % len(lines)] for offset in range(2)]
        path.write_text(f"Rilis Nomor {number}\n\n" + "\n\n".join(body) + "\n", encoding="utf-8")


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main() -> None:
    """Generate the articles, run twice, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--formats", default="txt,jsonl", help="outputs per article (default: txt,jsonl)")
    args = parser.parse_args()

    records: list[tuple[float, float]] = []  # (finished at, seconds in the transaction)
    real_record = batch_state.BatchState.record

    def timed_record(self: batch_state.BatchState, *positional: object, **named: object) -> None:
        started = time.perf_counter()
        real_record(self, *positional, **named)  # type: ignore[arg-type]
        records.append((time.perf_counter(), time.perf_counter() - started))

    batch_state.BatchState.record = timed_record  # type: ignore[method-assign]
    work = Path(tempfile.mkdtemp(prefix="warta-resume-"))
    try:
        inputs, out = work / "articles", work / "out"
        _write_articles(inputs, args.articles)
        # source_lang=id: the language check is per-article model-free work that is not bookkeeping.
        settings = Settings(device="cpu", beams=1, source_lang="id", formats=tuple(args.formats.split(",")))
        warta = use_stand_in(Warta(settings))

        started = time.perf_counter()
        first = run_translate([inputs], out, warta, quiet=True)
        first_seconds = time.perf_counter() - started
        if first.failed or len(first.done) != args.articles:
            raise SystemExit(f"first run: {len(first.done)} done, failed: {first.failed[:3]}")
        # Medians of the first and last 100 (the typical article), and means over the first and
        # last 1,000: SQLite checkpoints its WAL every 1,000 pages (a few ms, about every 250
        # articles here), so a mean over 100 articles says whether one fell in the window; over
        # 1,000 each window holds its share of them.
        window = min(1000, max(1, len(records) // 2))
        state = [seconds for _, seconds in records]
        walls = [later[0] - earlier[0] for earlier, later in zip(records, records[1:])]
        state_head, state_tail = median(state[:100]) * 1e3, median(state[-100:]) * 1e3
        state_mean_head, state_mean_tail = mean(state[:window]) * 1e3, mean(state[-window:]) * 1e3
        wall_head, wall_tail = median(walls[:99]) * 1e3, median(walls[-99:]) * 1e3
        wall_mean_head, wall_mean_tail = mean(walls[: window - 1]) * 1e3, mean(walls[-(window - 1) :]) * 1e3

        started = time.perf_counter()
        rerun = run_translate([inputs], out, warta, quiet=True)
        rerun_seconds = time.perf_counter() - started
        if len(rerun.skipped) != args.articles or rerun.done:
            raise SystemExit(f"rerun: {len(rerun.skipped)} skipped, {len(rerun.done)} done")

        print(f"articles                      {args.articles}")
        print(f"first run                     {first_seconds:8.1f} s ({first.sentences} sentences, formats {args.formats})")
        print(f"state per article, median of the first 100  {state_head:8.3f} ms")
        print(f"state per article, median of the last 100   {state_tail:8.3f} ms  (x{state_tail / state_head:.2f})")
        print(f"state per article, mean of the first {window}  {state_mean_head:8.3f} ms")
        print(f"state per article, mean of the last {window}   {state_mean_tail:8.3f} ms  (x{state_mean_tail / state_mean_head:.2f})")
        print(f"wall per article, median of the first 100   {wall_head:8.3f} ms")
        print(f"wall per article, median of the last 100    {wall_tail:8.3f} ms  (x{wall_tail / wall_head:.2f})")
        print(f"wall per article, mean of the first {window}   {wall_mean_head:8.3f} ms")
        print(f"wall per article, mean of the last {window}    {wall_mean_tail:8.3f} ms  (x{wall_mean_tail / wall_mean_head:.2f})")
        print(f"all-done rerun                {rerun_seconds:8.1f} s ({rerun_seconds / args.articles * 1e3:.2f} ms per article)")
        print(f"state file                    {(out / batch_state.STATE_NAME).stat().st_size / 2**20:8.1f} MiB")
        print(f"peak memory (max RSS)         {_peak_mib():8.0f} MiB")
    finally:
        batch_state.BatchState.record = real_record  # type: ignore[method-assign]
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
