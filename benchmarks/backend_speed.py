"""Backend speed: naive per-sentence generate() vs warta's transformers and ctranslate2 backends.

Random-weight models in the exact shapes of opus-mt-id-en and opus-mt-en-zh, outputs fixed at
``--output-tokens`` tokens, the sample article's sentences repeated to ``--sentences``. Four ways,
each in a fresh child process of this run (so peak memory is its own), on the same machine:

  1. naive: one ``model.generate()`` per sentence, what the old ``translation`` pipeline did;
  2. warta, transformers backend (length-sorted token-budget batches);
  3. warta, ctranslate2 backend;
  4. ctranslate2 ``translate_batch`` called directly on the same pre-tokenized sentences: the
     ceiling for the engine, so 3/4 is warta's own overhead.

Ways 2 and 3 go through ``translate_texts``, the pipeline's own entry (length check, length
sort, batches: each sentence tokenized once); way 4 gets its tokens before the clock starts.

Each way runs ``--repeats`` times per size, the ways interleaved (so a noisy neighbour on a shared
machine slows all of them alike), each run in its own process. Prints, per size, the median
sentences/s with its spread (min..max), output tokens/s, peak memory, and the ratios 2/1, 3/1
and 3/4 (3/4, warta's CTranslate2 path over bare ``translate_batch``, as the median of the
per-repeat ratios, with their spread).

    python -m benchmarks.backend_speed [--sizes 48,2000] [--repeats 3] [--beams 4] [--device cpu]
        [--shapes id-en,en-zh] [--ways naive,transformers,ctranslate2,ctranslate2-direct]

For example, warta's CTranslate2 path against bare ``translate_batch`` at a release's size and at
batch size: ``python -m benchmarks.backend_speed --shapes id-en --ways ctranslate2,ctranslate2-direct --sizes 48,2000``.
"""

import argparse
import multiprocessing
import os
import resource
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.shapes import OPUS_MT_EN_ZH, OPUS_MT_ID_EN, build_shaped_marian
from models.tiny import ENGLISH_CORPUS, sample_sentences

_SHAPES = {"id-en": (OPUS_MT_ID_EN, "id", "en"), "en-zh": (OPUS_MT_EN_ZH, "en", "zh")}


def _sentences(pair: str, count: int) -> list[str]:
    # Sentences of 12 words or more: warta's output limit (2 x input + 16 tokens) is then
    # above the fixed output length, so every way writes exactly --output-tokens tokens.
    from pipeline.sentences import split_sentences

    lines = sample_sentences() + (ENGLISH_CORPUS.splitlines() if pair == "en-zh" else [])
    base = [sentence for line in lines for sentence in split_sentences(line) if len(sentence.split()) >= 12]
    return (base * (count // len(base) + 1))[:count]


def _naive(model_dir: str, sentences: list[str], beams: int, device: str, output_tokens: int) -> None:
    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForSeq2SeqLM.from_pretrained(model_dir).eval().to(device)
    if device == "cuda":
        model = model.half()
    prefix = ">>cmn_Hans<< " if ">>cmn_Hans<<" in tokenizer.get_vocab() else ""
    with torch.inference_mode():
        for sentence in sentences:
            inputs = tokenizer([prefix + sentence], return_tensors="pt").to(device)
            model.generate(**inputs, num_beams=beams, max_new_tokens=output_tokens + 8)


def _warta(backend: str, model_dir: str, sentences: list[str], beams: int, device: str, source: str, target: str) -> float:
    from models.pool import ModelPool
    from pipeline.translation import translate_texts

    translator = ModelPool({"id-en": model_dir}, device=device, backend=backend).get("id-en")
    translate_texts(sentences[:8], translator, source, target, beams)  # warm-up outside the timing
    started = time.perf_counter()
    translate_texts(sentences, translator, source, target, beams)
    return time.perf_counter() - started


def _ctranslate2_direct(model_dir: str, sentences: list[str], beams: int, device: str, source: str, target: str,
                        output_tokens: int) -> float:
    import ctranslate2

    from models.backends.ct2 import CTranslate2Translator
    from models.families import language_control

    warta_translator = CTranslate2Translator(model_dir, device=device)  # converts (cached) and loads
    tokenizer = warta_translator.tokenizer
    control = language_control(warta_translator.family, tokenizer, source, target)
    tokens = [tokenizer.convert_ids_to_tokens(ids) for ids in tokenizer([control.prefix + s for s in sentences])["input_ids"]]
    engine: ctranslate2.Translator = warta_translator.translator
    options = {"beam_size": beams, "max_batch_size": warta_translator.batch_tokens, "batch_type": "tokens",
               "max_decoding_length": output_tokens + 8, "min_decoding_length": output_tokens}
    engine.translate_batch(tokens[:8], **options)  # warm-up
    started = time.perf_counter()
    engine.translate_batch(tokens, **options)
    return time.perf_counter() - started


def _child(kind: str, model_dir: str, pair: str, count: int, beams: int, device: str, output_tokens: int, queue) -> None:
    _, source, target = _SHAPES[pair]
    sentences = _sentences(pair, count)
    if kind == "naive":
        _naive(model_dir, sentences[:4], beams, device, output_tokens)  # warm-up
        started = time.perf_counter()
        _naive(model_dir, sentences, beams, device, output_tokens)
        seconds = time.perf_counter() - started
    elif kind in ("transformers", "ctranslate2"):
        seconds = _warta(kind, model_dir, sentences, beams, device, source, target)
    else:
        seconds = _ctranslate2_direct(model_dir, sentences, beams, device, source, target, output_tokens)
    queue.put((seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def _measure(kind: str, model_dir: Path, pair: str, count: int, args: argparse.Namespace) -> tuple[float, float]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_child, args=(kind, str(model_dir), pair, count, args.beams, args.device,
                                                   args.output_tokens, queue))
    process.start()
    seconds, peak = queue.get()
    process.join()
    return seconds, peak


_LABELS = {"naive": "1 naive generate() per sentence", "transformers": "2 warta, transformers",
           "ctranslate2": "3 warta, ctranslate2", "ctranslate2-direct": "4 ctranslate2 translate_batch"}


def _spread(values: list[float], digits: int = 2) -> str:
    return f"{statistics.median(values):.{digits}f} ({min(values):.{digits}f}..{max(values):.{digits}f})"


def _report(shape_name: str, vocab: int, count: int, args: argparse.Namespace, runs: dict[str, list[tuple[float, float]]]) -> None:
    print(f"\n{shape_name} shape (vocab {vocab}), {count} sentences, beam {args.beams}, {args.output_tokens} output tokens, "
          f"{args.device}, {args.repeats} run(s) each: median (min..max)")
    print(f"{'way':<34}{'seconds':>9}{'sentences/s':>24}{'tokens/s':>10}{'peak MiB':>10}")
    speeds = {kind: [count / seconds for seconds, _ in results] for kind, results in runs.items()}
    for kind, results in runs.items():
        seconds = statistics.median(s for s, _ in results)
        rate = statistics.median(speeds[kind])
        peak = max(p for _, p in results)
        print(f"{_LABELS[kind]:<34}{seconds:>9.2f}{_spread(speeds[kind]):>24}{rate * args.output_tokens:>10.0f}{peak:>10.0f}")
    # Ratios per repeat (the ways of one repeat ran back to back, under the same load), then their median.
    for top, bottom in (("transformers", "naive"), ("ctranslate2", "naive"), ("ctranslate2", "ctranslate2-direct")):
        if top in speeds and bottom in speeds:
            ratios = [a / b for a, b in zip(speeds[top], speeds[bottom])]
            print(f"{_LABELS[top][0]}/{_LABELS[bottom][0]} = {_spread(ratios)}", end="   ")
    print()


def main() -> None:
    """Build the models, measure the chosen ways for each shape and size, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, default=2000, help="one size (when --sizes is not given)")
    parser.add_argument("--sizes", default=None, help="comma-separated numbers of sentences, e.g. 48,2000")
    parser.add_argument("--repeats", type=int, default=1, help="runs of each way per size; the median is printed")
    parser.add_argument("--beams", type=int, default=4)
    parser.add_argument("--output-tokens", type=int, default=40)
    parser.add_argument("--device", default="cpu", choices=("cpu", "cuda"))
    parser.add_argument("--shapes", default="id-en,en-zh")
    parser.add_argument("--ways", default=",".join(_LABELS), help=f"which of {', '.join(_LABELS)}")
    parser.add_argument("--skip-naive", action="store_true", help="leave out way 1 (slow: one generate() per sentence)")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")] if args.sizes else [args.sentences]
    ways = [way for way in args.ways.split(",") if not (way == "naive" and args.skip_naive)]
    unknown = set(ways) - set(_LABELS)
    if unknown or args.repeats < 1 or min(sizes) < 1:
        parser.error(f"unknown ways {sorted(unknown)}" if unknown else "--repeats and --sizes must be at least 1")

    with tempfile.TemporaryDirectory(prefix="warta-bench-") as work:
        # The random-weight models' CTranslate2 copies go with them, not into the user's cache.
        os.environ["WARTA_CT2_HOME"] = str(Path(work) / "ctranslate2")
        for pair in args.shapes.split(","):
            shape = _SHAPES[pair][0]
            model_dir = build_shaped_marian(Path(work) / pair, shape, args.output_tokens, chinese_target=pair == "en-zh")
            for count in sizes:
                runs: dict[str, list[tuple[float, float]]] = {way: [] for way in ways}
                for _ in range(args.repeats):
                    for way in ways:
                        runs[way].append(_measure(way, model_dir, pair, count, args))
                _report(shape.name, shape.vocab_size, count, args, runs)


if __name__ == "__main__":
    main()
