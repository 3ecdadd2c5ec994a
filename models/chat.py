"""The one runner of chat models, for the translator and the summarizer alike.

A chat model (a causal LM with a chat template) is driven the same way whatever it is asked:

* the prompt is built with the tokenizer's own chat template (``prompt_ids``), so every family
  transformers knows is prompted in its own format, and no system message is added;
* prompts are answered greedily (reproducible: a rerun writes the same bytes), sorted by
  length and packed into batches, padded on the left (a decoder-only model continues from the
  last position of each row), with the KV cache on;
* every answer carries the model's mean log-probability per output token (its end-of-turn
  token included), the same measure the seq2seq backends give, so ``low_confidence`` works;
* on CUDA the model runs in bfloat16 (float16 where the GPU has none); on the CPU in bfloat16
  where the CPU has bfloat16 instructions, else float32 (``cpu_dtype``; ``benchmarks/llm_speed.py``
  measured the choice).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from models.backends.base import length_sorted_batches
from models.errors import ModelError
from models.loading import LoadedModel

#: Prompts per ``generate()`` call, and padded prompt tokens per call. On a GPU decoding is
#: memory-bound, so rows come nearly free; on a CPU a batch turns the steps' vector products
#: into matrix products, which the cores run several times faster.
BATCH_PROMPTS = {"cpu": 16, "cuda": 128}
BATCH_TOKENS = {"cpu": 8192, "cuda": 65536}

def cpu_dtype() -> str:
    """The precision chat models run in on this CPU: ``bfloat16`` where it has bfloat16 instructions, else ``float32``.

    ``benchmarks/llm_speed.py`` (Hy-MT2-1.8B shape, 2 cores with AVX512-BF16): bfloat16 2.4x
    float32 in warta's batches at half the memory, with the same greedy answers. Without those
    instructions bfloat16 is emulated and slower than float32. torch's dynamic int8 was faster
    still (1.25x bfloat16) but needed three times the memory at load and is deprecated.
    """
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as info:
            flags = set(next((line for line in info if line.startswith("flags")), "").split())
    except OSError:  # not Linux: no way to tell here, and float32 is never wrong
        return "float32"
    return "bfloat16" if flags & {"avx512_bf16", "amx_bf16"} else "float32"


def detect_chat_family(config: Any, tokenizer: Any, role: str = "summarizer") -> str:
    """The family name of a chat model (its ``model_type``), after checking it can chat.

    Raises:
        ModelError: an encoder-decoder model, or a tokenizer without a chat template.
    """
    from transformers.models.auto.modeling_auto import MODEL_FOR_SEQ_TO_SEQ_CAUSAL_LM_MAPPING_NAMES

    model_type = str(getattr(config, "model_type", "") or "unknown")
    # transformers loads the decoder half of some encoder-decoders (Marian, BART) as a causal LM;
    # that is still a translation model, not a chat model
    if getattr(config, "is_encoder_decoder", False) or model_type in MODEL_FOR_SEQ_TO_SEQ_CAUSAL_LM_MAPPING_NAMES:
        raise ModelError(
            f"{role} model type '{model_type}' is an encoder-decoder; a chat model is needed here "
            f"(an instruction-tuned causal LM such as Qwen/Qwen2.5-1.5B-Instruct or tencent/Hy-MT2-1.8B)"
        )
    if not getattr(tokenizer, "chat_template", None):
        raise ModelError(
            f"{role} ({model_type}) has no chat template in its tokenizer; use an instruction-tuned "
            f"chat model (e.g. Qwen/Qwen2.5-1.5B-Instruct or tencent/Hy-MT2-1.8B), not a base model"
        )
    return model_type


@dataclass(frozen=True)
class Generated:
    """What the model wrote for one prompt.

    Attributes:
        text: the decoded answer, special tokens removed, white space at the ends stripped.
        hit_length_limit: generation stopped at ``max_new_tokens``, not at an end token.
        score: mean log-probability per output token (0 is certain), or None when nothing was chosen.
        tokens: how many output tokens ``score`` is the mean of.
    """

    text: str
    hit_length_limit: bool = False
    score: float | None = None
    tokens: int = 0


class ChatModel:
    """A loaded chat model that answers prompts greedily, many per ``generate()`` call.

    Args:
        loaded: the model and tokenizer (``models.loading.load_model(..., kind="causal")``).
        device: ``cpu`` or ``cuda`` (already resolved).
        batch_prompts: prompts per call; None for the device's default.

    Attributes:
        positions: the model's context: prompt and answer together must fit in it.
        end_ids: the tokens that end an answer (end of turn, end of text).
        calls: ``generate()`` calls made.
    """

    def __init__(self, loaded: LoadedModel, device: str = "cpu", batch_prompts: int | None = None):
        import torch

        self.tokenizer: Any = loaded.tokenizer
        self.model: Any = loaded.model
        self.device = device
        if device == "cuda":
            dtype = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
            self.model = self.model.to(device=device, dtype=dtype)
        else:
            self.model = self.model.to(dtype=getattr(torch, cpu_dtype()))
        self.positions: int = int(getattr(self.model.config, "max_position_embeddings", 0) or 2048)
        self.batch_prompts = batch_prompts or BATCH_PROMPTS[device]
        self.batch_tokens = BATCH_TOKENS[device]
        self.pad_id = self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else self.tokenizer.eos_token_id
        self.end_ids = self._end_ids()
        self.calls = 0

    def _end_ids(self) -> set[int]:
        # A chat model ends its turn with its own token (Qwen's <|im_end|>, Gemma's
        # <end_of_turn>), which its generation config lists with the plain end-of-text token.
        ends = self.model.generation_config.eos_token_id
        found = set(ends if isinstance(ends, list) else [ends] if ends is not None else [])
        if self.tokenizer.eos_token_id is not None:
            found.add(self.tokenizer.eos_token_id)
        return found

    @property
    def control_tokens(self) -> list[str]:
        """The tokenizer's special tokens as text (``<|im_start|>``, ``</s>``): never article text."""
        found = set(getattr(self.tokenizer, "all_special_tokens", []) or [])
        for token in (getattr(self.tokenizer, "added_tokens_decoder", {}) or {}).values():
            if getattr(token, "special", False):
                found.add(str(token.content))
        return sorted(found)

    def count_tokens(self, text: str) -> int:
        """How many tokens ``text`` takes in this model's vocabulary."""
        return len(self.tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"])

    def encode(self, texts: list[str]) -> list[list[int]]:
        """The token ids of each text alone (no chat template, no special tokens)."""
        if not texts:
            return []
        return [list(ids) for ids in self.tokenizer(texts, add_special_tokens=False, verbose=False)["input_ids"]]

    def prompt_ids(self, messages: list[dict[str, str]]) -> list[int]:
        """The token ids of a chat (user and, when given, system messages), ready for the assistant's answer."""
        # enable_thinking=False: a model that can think first (Qwen3) answers at once; templates
        # that know no such switch ignore it
        ids = self.tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=True, return_dict=False,
                                                 enable_thinking=False)
        if isinstance(ids, dict) or hasattr(ids, "keys"):
            ids = ids["input_ids"]
        return [int(token) for token in ids]

    def generate(
        self, prompts: list[list[int]], max_new_tokens: list[int] | int, on_progress: Callable[[int], None] | None = None,
    ) -> list[Generated]:
        """Answer each prompt greedily; prompts of similar length share a ``generate()`` call.

        Args:
            prompts: token ids from ``prompt_ids``.
            max_new_tokens: the answers' length limit, one for all or one per prompt (a batch
                runs to the largest of its prompts' limits).
            on_progress: called with the number of prompts of each batch answered.

        Returns:
            One ``Generated`` per prompt, in order.
        """
        limits = max_new_tokens if isinstance(max_new_tokens, list) else [max_new_tokens] * len(prompts)
        results: list[Generated | None] = [None] * len(prompts)
        for batch in length_sorted_batches([len(ids) for ids in prompts], self.batch_prompts, self.batch_tokens):
            answers = self._run_batch([prompts[i] for i in batch], max(limits[i] for i in batch))
            for index, answer in zip(batch, answers, strict=True):
                results[index] = answer
            if on_progress:
                on_progress(len(batch))
        return [result for result in results if result is not None]

    def _run_batch(self, prompts: list[list[int]], max_new_tokens: int) -> list[Generated]:
        import torch

        width = max(len(ids) for ids in prompts)
        padded = [[self.pad_id] * (width - len(ids)) + ids for ids in prompts]
        mask = [[0] * (width - len(ids)) + [1] * len(ids) for ids in prompts]
        with torch.inference_mode():
            output = self.model.generate(
                input_ids=torch.tensor(padded, dtype=torch.long, device=self.device),
                attention_mask=torch.tensor(mask, dtype=torch.long, device=self.device),
                max_new_tokens=max_new_tokens, do_sample=False, num_beams=1, use_cache=True,
                pad_token_id=self.pad_id, eos_token_id=sorted(self.end_ids),
                # greedy: the model's own sampling settings would only draw warnings
                temperature=None, top_p=None, top_k=None,
                output_scores=True, return_dict_in_generate=True,
            )
            # log-softmax of the scores generate chose from (after its own rules), as the
            # seq2seq backends measure it
            transition = self.model.compute_transition_scores(output.sequences, output.scores, normalize_logits=True).tolist()
        self.calls += 1
        results = []
        for row, scores in zip(output.sequences[:, width:].tolist(), transition, strict=True):
            ended = next((position for position, token in enumerate(row) if token in self.end_ids), None)
            answer = row[:ended] if ended is not None else row
            chosen = [score for score in scores[: (ended + 1) if ended is not None else len(row)] if score > float("-inf")]
            results.append(Generated(
                self.tokenizer.decode(answer, skip_special_tokens=True).strip(),
                hit_length_limit=ended is None and len(row) >= max_new_tokens,
                score=sum(chosen) / len(chosen) if chosen else None, tokens=len(chosen),
            ))
        return results
