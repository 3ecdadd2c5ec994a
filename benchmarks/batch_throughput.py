"""Batch throughput: one article at a time against cross-article batching (the batch job's windows).

Random-weight models in the shapes of opus-mt-id-en and opus-mt-en-zh with a fixed output
length translate N copies of the sample article twice in one process:

  (a) one article at a time: each article read, translated and written on its own
      (``--window-sentences 1``), the way a loop over files calling the API would;
  (b) the batch path: sentences of many articles translated together (the default window).

Prints sentences per second for each and the ratio b/a. Run from the repository root:

    python -m benchmarks.batch_throughput [--copies 50] [--beams 1] [--output-tokens 40] [--backend transformers]
"""

import argparse
import resource
import shutil
import tempfile
import time
from pathlib import Path

from benchmarks.shapes import build_default_shapes
from models.tiny import SAMPLE_ARTICLE
from pipeline.batch import run_translate
from pipeline.orchestrator import Warta
from pipeline.settings import Settings


def _run(inputs: Path, out: Path, settings: Settings) -> tuple[float, int]:
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    result = run_translate([inputs], out, Warta(settings), quiet=True)
    seconds = time.perf_counter() - started
    if result.failed:
        raise SystemExit(f"benchmark run failed: {result.failed[:3]}")
    return seconds, result.sentences


def main() -> None:
    """Build the models, run (a) and (b), print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=50)
    parser.add_argument("--beams", type=int, default=1)
    parser.add_argument("--output-tokens", type=int, default=40)
    parser.add_argument("--window-sentences", type=int, default=Settings().window_sentences)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--backend", default="auto", choices=("auto", "transformers", "ctranslate2"))
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="warta-bench-"))
    try:
        models = build_default_shapes(work / "models", args.output_tokens)
        inputs = work / "articles"
        inputs.mkdir()
        for copy in range(args.copies):
            shutil.copy(SAMPLE_ARTICLE, inputs / f"rilis-{copy:03d}.txt")
        common = {"models": {pair: str(path) for pair, path in models.items()}, "device": args.device, "beams": args.beams,
                  "backend": args.backend}
        # Load both models (and warm up) outside the timings.
        warta = Warta(Settings(**common))
        backend = warta.settings.backend
        warta.translate_text(SAMPLE_ARTICLE.read_text(encoding="utf-8"))

        per_article_seconds, sentences = _run(inputs, work / "out-a", Settings(**common, window_sentences=1))
        batched_seconds, batched_sentences = _run(inputs, work / "out-b", Settings(**common, window_sentences=args.window_sentences))
        assert sentences == batched_sentences

        a, b = sentences / per_article_seconds, sentences / batched_seconds
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{args.copies} copies of the sample, {sentences} sentences, id->en then en->zh, beams {args.beams}, "
              f"{args.output_tokens} output tokens, device {args.device}, backend {backend}")
        print(f"{'path':<40}{'seconds':>10}{'sentences/s':>14}")
        print(f"{'(a) one article at a time':<40}{per_article_seconds:>10.1f}{a:>14.2f}")
        print(f"{'(b) batch, window ' + str(args.window_sentences) + ' sentences':<40}{batched_seconds:>10.1f}{b:>14.2f}")
        print(f"ratio b/a: {b / a:.2f}   peak memory: {peak_mib:.0f} MiB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
