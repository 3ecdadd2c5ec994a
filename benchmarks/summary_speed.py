"""Summary speed: the abstractive summarizer, one article per ``generate()`` call vs batched.

A random-weight chat model in the exact shape of the default summarizer,
``Qwen/Qwen2.5-1.5B-Instruct`` (its config.json, as published and not read here since the hub
cannot be reached: Qwen2ForCausalLM, hidden 1536, 28 layers, 12 attention heads with 2 key/value
heads, MLP 8960, vocabulary 151936, tied embeddings, 32768 positions, RoPE theta 1e6; about 1.54B
parameters), saved with ``save_pretrained`` and loaded through warta's own summarizer
(``models.summarizer.Summarizer``: the loading rules, the chat template, left padding,
greedy decoding). Its tokenizer is the tiny Qwen2 tokenizer of ``models.tiny`` (the vocabulary
size of the weights is the real one; the speed of a model depends on its shape and on how many
tokens it reads and writes, not on what they say).

Each article is the sample release's prompt (``pipeline.summary.abstractive.build_prompt``)
brought to exactly ``--prompt-tokens`` tokens, and every summary is exactly ``--summary-tokens``
tokens long (the end token is held back until then). Two ways, each in its own child process so
that peak memory is its own:

  1. batch 1: one ``generate()`` call per article;
  2. batched: ``--batch`` articles per call (warta's default is 4 on a CPU, 16 on CUDA).

Prints seconds per article, summary tokens/s and peak memory (resident set on the CPU, allocated
GPU memory on CUDA) for each way.

    python -m benchmarks.summary_speed [--articles 4] [--batch 4] [--prompt-tokens 600]
        [--summary-tokens 120] [--device cpu|cuda] [--shape qwen2.5-1.5b|tiny]
"""

import argparse
import resource
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

from benchmarks.children import in_child


@dataclass(frozen=True)
class ChatShape:
    """The dimensions of a Qwen2 chat model."""

    name: str
    vocab_size: int
    hidden: int
    layers: int
    heads: int
    kv_heads: int
    intermediate: int
    max_positions: int = 32768
    rope_theta: float = 1_000_000.0


QWEN25_1_5B = ChatShape("Qwen/Qwen2.5-1.5B-Instruct", vocab_size=151936, hidden=1536, layers=28, heads=12, kv_heads=2,
                        intermediate=8960)
#: For a quick check of the script itself.
TINY = ChatShape("tiny", vocab_size=151936, hidden=64, layers=2, heads=4, kv_heads=2, intermediate=128)
SHAPES = {"qwen2.5-1.5b": QWEN25_1_5B, "tiny": TINY}


def build_shaped_chat(folder: Path, shape: ChatShape, summary_tokens: int) -> Path:
    """Save a random-weight Qwen2 chat model of ``shape`` whose answers are ``summary_tokens`` long."""
    import torch
    from transformers import GenerationConfig, Qwen2Config, Qwen2ForCausalLM
    from transformers.initialization import no_init_weights

    from models.tiny import sample_sentences, train_qwen2_tokenizer

    folder.mkdir(parents=True, exist_ok=True)
    tokenizer = train_qwen2_tokenizer(sample_sentences())
    tokenizer.save_pretrained(folder)
    vocabulary = tokenizer.get_vocab()
    end_of_text, end_of_turn = vocabulary["<|endoftext|>"], vocabulary["<|im_end|>"]
    config = Qwen2Config(
        vocab_size=shape.vocab_size, hidden_size=shape.hidden, num_hidden_layers=shape.layers,
        num_attention_heads=shape.heads, num_key_value_heads=shape.kv_heads, intermediate_size=shape.intermediate,
        max_position_embeddings=shape.max_positions, rope_theta=shape.rope_theta, tie_word_embeddings=True,
        bos_token_id=end_of_text, eos_token_id=end_of_turn, pad_token_id=end_of_text,
    )
    # transformers' own initialisation of 1.5B parameters takes minutes on two cores; a normal
    # draw in place takes seconds and gives the same shapes.
    with no_init_weights():
        model = Qwen2ForCausalLM(config)
    generator = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.normal_(0.0, 0.02, generator=generator)
    model.tie_weights()  # one matrix for embeddings and output, as the real model saves it
    model.generation_config = GenerationConfig(
        bos_token_id=end_of_text, eos_token_id=[end_of_turn, end_of_text], pad_token_id=end_of_text,
        min_new_tokens=summary_tokens,  # every answer exactly summary_tokens long
    )
    model.save_pretrained(folder)
    return folder


def _prompts(summarizer, articles: int, prompt_tokens: int) -> list[list[int]]:
    from models.tiny import SAMPLE_ARTICLE
    from pipeline.reading import read_article
    from pipeline.sentences import split_article
    from pipeline.summary.abstractive import build_prompt

    article = split_article(read_article(SAMPLE_ARTICLE))
    ids = summarizer.prompt_ids(build_prompt(article, 3, 100_000, summarizer.count_tokens).messages)
    ids = (ids * (prompt_tokens // len(ids) + 1))[:prompt_tokens]
    return [list(ids) for _ in range(articles)]


def _run(folder: str, device: str, batch: int, articles: int, prompt_tokens: int, summary_tokens: int, results) -> None:
    import torch

    from models.summarizer import Summarizer

    torch.manual_seed(0)
    summarizer = Summarizer(folder, device=device, batch_prompts=batch)
    prompts = _prompts(summarizer, articles, prompt_tokens)
    with warnings.catch_warnings():  # the short warm-up is below the answers' fixed length
        warnings.simplefilter("ignore")
        summarizer.generate([prompts[0][:16]], 4)  # warm-up: first-call allocations are not speed
    if device == "cuda":
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    started = time.perf_counter()
    answers = summarizer.generate(prompts, summary_tokens)
    if device == "cuda":
        torch.cuda.synchronize()
    seconds = time.perf_counter() - started
    peak = torch.cuda.max_memory_allocated() / 2**20 if device == "cuda" else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    results.put({"seconds": seconds, "answers": len(answers), "calls": summarizer.calls - 1, "peak_mib": peak,
                 "dtype": str(next(summarizer.model.parameters()).dtype)})


def _build(folder: str, shape_name: str, summary_tokens: int, results) -> None:
    started = time.perf_counter()
    build_shaped_chat(Path(folder), SHAPES[shape_name], summary_tokens)
    results.put(time.perf_counter() - started)


def main() -> None:
    """Build the shaped model, run both ways, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=4)
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--prompt-tokens", type=int, default=600)
    parser.add_argument("--summary-tokens", type=int, default=120)
    parser.add_argument("--device", default="cpu", choices=("cpu", "cuda"))
    parser.add_argument("--shape", default="qwen2.5-1.5b", choices=sorted(SHAPES))
    args = parser.parse_args()
    import torch

    shape = SHAPES[args.shape]
    print(f"shape {shape.name}: hidden {shape.hidden}, {shape.layers} layers, {shape.heads}/{shape.kv_heads} heads, "
          f"MLP {shape.intermediate}, vocab {shape.vocab_size}; device {args.device}, torch threads {torch.get_num_threads()}")
    print(f"{args.articles} articles of {args.prompt_tokens} prompt tokens, summaries of {args.summary_tokens} tokens, greedy")
    with tempfile.TemporaryDirectory() as temporary:
        folder = str(Path(temporary) / "summarizer")
        print(f"built and saved the random-weight model in {in_child(_build, folder, args.shape, args.summary_tokens):.1f} s")
        for label, batch in (("batch 1", 1), (f"batch {args.batch}", args.batch)):
            result = in_child(_run, folder, args.device, batch, args.articles, args.prompt_tokens, args.summary_tokens)
            per_article = result["seconds"] / args.articles
            tokens_per_second = args.articles * args.summary_tokens / result["seconds"]
            print(f"{label:>9}: {per_article:7.2f} s/article  {tokens_per_second:7.1f} summary tokens/s  "
                  f"{result['calls']} generate() calls  peak {result['peak_mib']:,.0f} MiB  ({result['dtype']})")


if __name__ == "__main__":
    main()
