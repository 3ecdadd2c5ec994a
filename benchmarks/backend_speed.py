"""Backend speed: naive per-sentence generate() vs warta's transformers and ctranslate2 backends.

Random-weight models in the exact shapes of opus-mt-id-en and opus-mt-en-zh, outputs fixed at
``--output-tokens`` tokens, the sample article's sentences repeated to ``--sentences``. Four ways,
each in a fresh child process of this run (so peak memory is its own), on the same machine:

  1. naive: one ``model.generate()`` per sentence, what the old ``translation`` pipeline did;
  2. warta, transformers backend (length-sorted token-budget batches);
  3. warta, ctranslate2 backend;
  4. ctranslate2 ``translate_batch`` called directly on the same pre-tokenized sentences: the
     ceiling for the engine, so 3/4 is warta's own overhead.

Prints sentences/s, output tokens/s, peak memory and the ratios 2/1, 3/1 and 3/4.

    python -m benchmarks.backend_speed [--sentences 2000] [--beams 4] [--device cpu] [--shapes id-en,en-zh]
"""

import argparse
import multiprocessing
import resource
import tempfile
import time
from pathlib import Path

from benchmarks.shapes import OPUS_MT_EN_ZH, OPUS_MT_ID_EN, build_shaped_marian
from tests.model_factory import ENGLISH_CORPUS, sample_sentences

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


def _warta(backend: str, model_dir: str, sentences: list[str], beams: int, device: str, source: str, target: str) -> None:
    from models.pool import ModelPool

    translator = ModelPool({"id-en": model_dir}, device=device, backend=backend).get("id-en")
    _warta.translator = translator  # type: ignore[attr-defined]
    translator.translate(sentences[:8], source, target, beams)  # warm-up outside the timing
    started = time.perf_counter()
    translator.translate(sentences, source, target, beams)
    _warta.seconds = time.perf_counter() - started  # type: ignore[attr-defined]


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
        _warta(kind, model_dir, sentences, beams, device, source, target)
        seconds = _warta.seconds  # type: ignore[attr-defined]
    else:
        seconds = _ctranslate2_direct(model_dir, sentences, beams, device, source, target, output_tokens)
    queue.put((seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def _measure(kind: str, model_dir: Path, pair: str, args: argparse.Namespace) -> tuple[float, float]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_child, args=(kind, str(model_dir), pair, args.sentences, args.beams, args.device,
                                                   args.output_tokens, queue))
    process.start()
    seconds, peak = queue.get()
    process.join()
    return seconds, peak


def main() -> None:
    """Build the models, measure the four ways for each shape, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, default=2000)
    parser.add_argument("--beams", type=int, default=4)
    parser.add_argument("--output-tokens", type=int, default=40)
    parser.add_argument("--device", default="cpu", choices=("cpu", "cuda"))
    parser.add_argument("--shapes", default="id-en,en-zh")
    parser.add_argument("--skip-naive", action="store_true", help="leave out way 1 (slow: one generate() per sentence)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="warta-bench-") as work:
        for pair in args.shapes.split(","):
            shape = _SHAPES[pair][0]
            model_dir = build_shaped_marian(Path(work) / pair, shape, args.output_tokens, chinese_target=pair == "en-zh")
            figures = {}
            for kind in ("naive", "transformers", "ctranslate2", "ctranslate2-direct"):
                if kind == "naive" and args.skip_naive:
                    continue
                figures[kind] = _measure(kind, model_dir, pair, args)
            print(f"\n{shape.name} shape (vocab {shape.vocab_size}), {args.sentences} sentences, beam {args.beams}, "
                  f"{args.output_tokens} output tokens, {args.device}")
            print(f"{'way':<34}{'seconds':>9}{'sentences/s':>13}{'tokens/s':>10}{'peak MiB':>10}")
            labels = {"naive": "1 naive generate() per sentence", "transformers": "2 warta, transformers",
                      "ctranslate2": "3 warta, ctranslate2", "ctranslate2-direct": "4 ctranslate2 translate_batch"}
            for kind, (seconds, peak) in figures.items():
                rate = args.sentences / seconds
                print(f"{labels[kind]:<34}{seconds:>9.1f}{rate:>13.2f}{rate * args.output_tokens:>10.0f}{peak:>10.0f}")
            speed = {kind: args.sentences / seconds for kind, (seconds, _) in figures.items()}
            if "naive" in speed:
                print(f"2/1 = {speed['transformers'] / speed['naive']:.2f}   3/1 = {speed['ctranslate2'] / speed['naive']:.2f}", end="   ")
            print(f"3/4 = {speed['ctranslate2'] / speed['ctranslate2-direct']:.2f}")


if __name__ == "__main__":
    main()
