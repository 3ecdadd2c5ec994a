"""The summarizer: an instruction-tuned chat model (a causal LM), or an (m)T5 summarizer.

Loaded through ``models.loading`` like the translators (hub id or folder, revision recorded,
safetensors preferred, never remote code, offline honoured), with ``AutoModelForCausalLM`` or,
when the config says encoder-decoder, ``AutoModelForSeq2SeqLM``. A chat model's prompt is built
with the tokenizer's own chat template, so any chat model whose family transformers knows
(Qwen2/2.5, Sailor2, Llama, Gemma, Mistral...) is driven the same way; an (m)T5 summarizer
(such as csebuetnlp/mT5_multilingual_XLSum) reads the article text alone, as it was trained.
Decoding is greedy, so a rerun writes the same summary. Several prompts run in one
``generate()`` call: a decoder-only model continues from the last position of each row, so its
padding goes on the left; the KV cache is on; on CUDA the model runs in bfloat16 (float16 where
the GPU has no bfloat16).
"""

from dataclasses import dataclass
from typing import Any

from models.backends.base import ModelInfo
from models.errors import ModelError
from models.families import detect_family
from models.loading import load_model

#: The default summarizer: Apache-2.0, trained on Indonesian, English and Chinese among 29
#: languages, 32k positions; 1.5B parameters run on a laptop CPU (benchmarks/summary_speed.py).
DEFAULT_SUMMARIZER = "Qwen/Qwen2.5-1.5B-Instruct"

#: Prompts per ``generate()`` call. On a GPU the decoding steps are memory-bound, so rows come
#: nearly free. On a 2-core CPU the default model's shape gave 56.7 s/article one at a time and
#: 56.0 batched by 2 (benchmarks/summary_speed.py: reading the 600-token prompt is most of the
#: work and batching does not shorten it); a small batch costs little memory and helps more cores.
_BATCH_PROMPTS = {"cpu": 4, "cuda": 16}


@dataclass(frozen=True)
class Generated:
    """What the model wrote for one prompt.

    Attributes:
        text: the decoded answer, special tokens removed.
        hit_length_limit: generation stopped at ``max_new_tokens``, not at an end token.
    """

    text: str
    hit_length_limit: bool = False


def detect_chat_family(config: Any, tokenizer: Any) -> str:
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
            f"summarizer model type '{model_type}' is an encoder-decoder; warta's abstractive summary needs an "
            f"instruction-tuned chat model (a causal LM such as Qwen/Qwen2.5-1.5B-Instruct)"
        )
    if not getattr(tokenizer, "chat_template", None):
        raise ModelError(
            f"summarizer ({model_type}) has no chat template in its tokenizer; use an instruction-tuned "
            f"chat model (e.g. Qwen/Qwen2.5-1.5B-Instruct), not a base model"
        )
    return model_type


class Summarizer:
    """A loaded summarizer that answers prompts greedily, several per call.

    Args:
        name: a Hugging Face id or a local folder.
        device: ``cpu`` or ``cuda`` (already resolved).
        offline: never use the network.
        batch_prompts: prompts per ``generate()`` call; None for the device's default.

    Attributes:
        chat: True for a chat model (prompts from ``prompt_ids``), False for an (m)T5
            summarizer (prompts from ``text_ids``).

    Raises:
        ModelError: the model cannot be found or loaded, or is neither a chat model nor (m)T5.
    """

    backend_name = "transformers"

    def __init__(self, name: str, device: str = "cpu", offline: bool = False, batch_prompts: int | None = None):
        loaded = load_model(name, offline=offline, kind="auto")
        self.tokenizer: Any = loaded.tokenizer
        self.model: Any = loaded.model
        self.chat = not getattr(self.model.config, "is_encoder_decoder", False)
        family = detect_chat_family(self.model.config, self.tokenizer) if self.chat else _seq2seq_family(self.model.config, self.tokenizer)
        self.device = device
        if device == "cuda":
            import torch

            dtype = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
            self.model = self.model.to(device=device, dtype=dtype)
        self.info = ModelInfo(loaded.name, loaded.revision, family, self.backend_name, device, loaded.weights)
        #: The model's context: prompt and answer together must fit in it (a chat model's), or
        #: the prompt alone (an encoder's; T5 has relative positions and was trained on 512).
        self.positions: int = int(getattr(self.model.config, "max_position_embeddings", 0) or (2048 if self.chat else 512))
        self.batch_prompts = batch_prompts or _BATCH_PROMPTS[device]
        self.pad_id = self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else self.tokenizer.eos_token_id
        self.end_ids = self._end_ids()
        self.calls = 0

    def _end_ids(self) -> set[int]:
        # A chat model ends its turn with its own token (Qwen's <|im_end|>), which its
        # generation config lists with the plain end-of-text token.
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
        return len(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    def prompt_ids(self, messages: list[dict[str, str]]) -> list[int]:
        """The token ids of a chat (system/user messages), ready for the assistant's answer."""
        ids = self.tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=True, return_dict=False)
        if isinstance(ids, dict) or hasattr(ids, "keys"):
            ids = ids["input_ids"]
        return [int(token) for token in ids]

    def text_ids(self, text: str) -> list[int]:
        """The token ids of ``text`` as an (m)T5 summarizer reads it (with its end token)."""
        return [int(token) for token in self.tokenizer(text)["input_ids"]]

    def generate(self, prompts: list[list[int]], max_new_tokens: int) -> list[Generated]:
        """Answer each prompt greedily; prompts of similar length share a ``generate()`` call.

        Args:
            prompts: token ids from ``prompt_ids``.
            max_new_tokens: the answer's length limit.

        Returns:
            One ``Generated`` per prompt, in order.

        Raises:
            ModelError: a prompt and its answer do not fit in the model's context.
        """
        for ids in prompts:
            if len(ids) + (max_new_tokens if self.chat else 0) > self.positions:
                raise ModelError(
                    f"summarizer '{self.info.name}': a prompt of {len(ids)} tokens and {max_new_tokens} for the answer "
                    f"exceed its context of {self.positions} tokens"
                )
        order = sorted(range(len(prompts)), key=lambda index: len(prompts[index]))
        results: list[Generated | None] = [None] * len(prompts)
        for start in range(0, len(order), self.batch_prompts):
            chunk = order[start : start + self.batch_prompts]
            for index, generated in zip(chunk, self._run_batch([prompts[i] for i in chunk], max_new_tokens), strict=True):
                results[index] = generated
        return [result for result in results if result is not None]

    def _run_batch(self, prompts: list[list[int]], max_new_tokens: int) -> list[Generated]:
        import torch

        width = max(len(ids) for ids in prompts)
        if self.chat:
            padded = [[self.pad_id] * (width - len(ids)) + ids for ids in prompts]
            mask = [[0] * (width - len(ids)) + [1] * len(ids) for ids in prompts]
        else:  # an encoder reads the whole row: padding on the right, as it was trained
            padded = [ids + [self.pad_id] * (width - len(ids)) for ids in prompts]
            mask = [[1] * len(ids) + [0] * (width - len(ids)) for ids in prompts]
        with torch.inference_mode():
            output = self.model.generate(
                input_ids=torch.tensor(padded, dtype=torch.long, device=self.device),
                attention_mask=torch.tensor(mask, dtype=torch.long, device=self.device),
                max_new_tokens=max_new_tokens, do_sample=False, num_beams=1, use_cache=True,
                pad_token_id=self.pad_id, eos_token_id=sorted(self.end_ids),
                # greedy: the model's own sampling settings would only draw warnings
                temperature=None, top_p=None, top_k=None,
            )
        self.calls += 1
        results = []
        # a chat model's output repeats the prompt; an encoder-decoder's starts with the decoder's start token
        for row in (output[:, width:] if self.chat else output[:, 1:]).tolist():
            ended = next((position for position, token in enumerate(row) if token in self.end_ids), None)
            answer = row[:ended] if ended is not None else row
            text = self.tokenizer.decode(answer, skip_special_tokens=True).strip()
            results.append(Generated(text, hit_length_limit=ended is None and len(row) >= max_new_tokens))
        return results


def _seq2seq_family(config: Any, tokenizer: Any) -> str:
    family = detect_family(config, tokenizer) if getattr(config, "model_type", "") in ("t5", "mt5", "marian", "m2m_100") else ""
    if family != "t5":
        raise ModelError(
            f"summarizer model type '{getattr(config, 'model_type', 'unknown')}' is an encoder-decoder translation model; "
            f"the abstractive summary needs an instruction-tuned chat model (such as Qwen/Qwen2.5-1.5B-Instruct) or an (m)T5 summarizer"
        )
    return family
