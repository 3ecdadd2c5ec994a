"""Translation LLM speed: one prompt per ``generate()`` call vs warta's batches, per precision.

A random-weight ``hunyuan_v1_dense`` model in the exact shape of tencent/Hy-MT2-1.8B or -7B
(``models.tiny.build_hy_mt2_shape_config``), saved with ``save_pretrained`` and loaded through
warta's chat translator (``models.backends.chat.ChatTranslator``: the loading rules, the chat
template, Hy-MT2's prompts with two sentences of context). Its tokenizer is the tiny HunYuan one
of ``models.tiny`` (the weights keep the real vocabulary size: the speed of a model depends on
its shape and on how many tokens it reads and writes, not on what they say). The prompts are the
sample release's sentences, each asked for in Chinese; every answer is exactly ``--tokens``
tokens long (the end token is held back until then).

For each precision (``--settings``: ``float32``, ``bfloat16``, ``int8``, the last being torch's
dynamic int8 quantisation of the linear layers), two ways, each in its own child process so that
peak memory is its own:

  1. one at a time: one ``generate()`` call per sentence (on the first ``--single-sentences``
     of them when given: its rate per sentence does not depend on how many are run, and at a
     few seconds a sentence it is the slow half of the benchmark);
  2. warta: the runner's length-sorted, left-padded batches (``models.chat.BATCH_PROMPTS``).

Prints sentences/s, output tokens/s and peak memory (resident set on the CPU, allocated GPU
memory on CUDA) for each, a line ``warta/one-at-a-time = R`` per precision, and how many answers
of each precision are token for token those of float32 (random weights make near ties, which a
lower precision may break the other way; a real model's greedy output moves far less).

CTranslate2's ``Generator`` is not measured: its converter (4.8) has no loader for
``hunyuan_v1_dense`` (it takes Llama, Mistral, Qwen2/3, Gemma 2/3 and others), so it cannot run
Hy-MT2.

    python -m benchmarks.llm_speed [--shape 1.8b|7b|tiny] [--sentences 32] [--single-sentences N]
        [--tokens 40] [--settings float32,bfloat16,int8] [--device cpu|cuda] [--batch N]
"""

import argparse
import resource
import tempfile
import time
from pathlib import Path

from benchmarks.children import in_child


def build_shaped_model(folder: Path, size: str, tokens: int) -> Path:
    """Save a random-weight Hy-MT2-shaped model whose answers are ``tokens`` long (bfloat16 on disk)."""
    import torch
    from transformers import GenerationConfig, HunYuanDenseV1ForCausalLM
    from transformers.initialization import no_init_weights

    from models.tiny import build_hy_mt2_shape_config, sample_sentences, train_chat_tokenizer

    folder.mkdir(parents=True, exist_ok=True)
    tokenizer = train_chat_tokenizer(sample_sentences(), "hunyuan_v1_dense")
    tokenizer.save_pretrained(folder)
    config = build_hy_mt2_shape_config("1.8b" if size == "tiny" else size)
    if size == "tiny":  # for a quick check of the script itself
        config.hidden_size, config.intermediate_size, config.num_hidden_layers = 64, 128, 2
        config.num_attention_heads, config.num_key_value_heads, config.head_dim = 4, 2, 16
    end = tokenizer.eos_token_id
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else end
    config.bos_token_id, config.eos_token_id, config.pad_token_id = tokenizer.bos_token_id, end, pad
    # transformers' own initialisation of billions of parameters takes minutes on two cores; a
    # normal draw in place takes seconds and gives the same shapes
    with no_init_weights():
        model = HunYuanDenseV1ForCausalLM(config)
    generator = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.normal_(0.0, 0.02, generator=generator)
    model.tie_weights()
    model.generation_config = GenerationConfig(bos_token_id=tokenizer.bos_token_id, eos_token_id=[end], pad_token_id=pad,
                                               min_new_tokens=tokens)
    model.to(torch.bfloat16).save_pretrained(folder)
    return folder


def _prompts(translator, sentences: int) -> list[list[int]]:
    from models.backends import SegmentHints
    from models.tiny import sample_sentences

    texts = [line for line in sample_sentences() if len(line.split()) >= 6]
    texts = (texts * (sentences // len(texts) + 1))[:sentences]
    prompts = []
    for index, text in enumerate(texts):
        context = SegmentHints(tuple(texts[max(0, index - 2):index]))
        prompts.append(translator.runner.prompt_ids([{"role": "user", "content": translator.prompt(text, "id", "zh", context)}]))
    return prompts


def _run(folder: str, device: str, setting: str, batch: int, sentences: int, tokens: int, results) -> None:
    import torch

    from models.backends.chat import ChatTranslator

    torch.manual_seed(0)
    translator = ChatTranslator(folder, device=device, batch_prompts=batch)
    runner = translator.runner
    if device == "cpu":
        runner.model = runner.model.to(torch.bfloat16 if setting == "bfloat16" else torch.float32)
        if setting == "int8":
            runner.model = torch.ao.quantization.quantize_dynamic(runner.model, {torch.nn.Linear}, dtype=torch.qint8)
    prompts = _prompts(translator, sentences)
    runner.generate([prompts[0][:16]], 2)  # warm-up: first-call allocations are not speed
    if device == "cuda":
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    started = time.perf_counter()
    answers = runner.generate(prompts, tokens)
    if device == "cuda":
        torch.cuda.synchronize()
    seconds = time.perf_counter() - started
    peak = torch.cuda.max_memory_allocated() / 2**20 if device == "cuda" else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    results.put({"seconds": seconds, "calls": runner.calls - 1, "peak_mib": peak, "answers": [answer.text for answer in answers],
                 "lengths": [answer.tokens for answer in answers]})


def _build(folder: str, size: str, tokens: int, results) -> None:
    started = time.perf_counter()
    build_shaped_model(Path(folder), size, tokens)
    results.put(time.perf_counter() - started)


def main() -> None:
    """Build the shaped model, run every precision both ways, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shape", default="1.8b", choices=("1.8b", "7b", "tiny"))
    parser.add_argument("--sentences", type=int, default=32)
    parser.add_argument("--single-sentences", type=int, default=None, help="sentences run one at a time (default: all)")
    parser.add_argument("--tokens", type=int, default=40)
    parser.add_argument("--settings", default=None, help="comma-separated: float32,bfloat16,int8 (CPU); bfloat16 (CUDA)")
    parser.add_argument("--device", default="cpu", choices=("cpu", "cuda"))
    parser.add_argument("--batch", type=int, default=None, help="prompts per call for warta's way (default: the runner's)")
    args = parser.parse_args()
    import torch

    from models.chat import BATCH_PROMPTS

    settings = args.settings.split(",") if args.settings else (["float32", "bfloat16", "int8"] if args.device == "cpu" else ["bfloat16"])
    batch = args.batch or BATCH_PROMPTS[args.device]
    print(f"shape Hy-MT2-{args.shape}; device {args.device}, torch threads {torch.get_num_threads()}; {args.sentences} sentences, "
          f"{args.tokens} output tokens each, greedy; warta's batches of up to {batch}")
    with tempfile.TemporaryDirectory() as temporary:
        folder = str(Path(temporary) / "hy-mt2-shape")
        print(f"built and saved the random-weight model in {in_child(_build, folder, args.shape, args.tokens):.1f} s")
        reference: list[str] | None = None
        for setting in settings:
            rates = {}
            for label, size in (("one at a time", 1), ("warta", batch)):
                count = min(args.single_sentences or args.sentences, args.sentences) if size == 1 else args.sentences
                result = in_child(_run, folder, args.device, setting, size, count, args.tokens)
                rates[label] = count / result["seconds"]
                produced = sum(result["lengths"])
                print(f"{setting:>9} {label:>13}: {rates[label]:6.2f} sentences/s  {produced / result['seconds']:7.1f} tokens/s  "
                      f"{count} sentences in {result['seconds']:.1f} s, {result['calls']} generate() calls  peak {result['peak_mib']:,.0f} MiB")
                if label == "warta":
                    reference = reference if reference is not None else result["answers"]
                    same = sum(1 for mine, theirs in zip(result["answers"], reference, strict=True) if mine == theirs)
            print(f"{setting:>9} warta/one-at-a-time = {rates['warta'] / rates['one at a time']:.2f}; "
                  f"answers equal to {settings[0]}'s: {same} of {args.sentences}")


if __name__ == "__main__":
    main()
