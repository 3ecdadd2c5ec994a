"""The summarizer: an instruction-tuned chat model (a causal LM), or an (m)T5 summarizer.

Loaded through ``models.loading`` like the translators (hub id or folder, revision recorded,
safetensors preferred, never remote code, offline honoured), with ``AutoModelForCausalLM`` or,
when the config says encoder-decoder, ``AutoModelForSeq2SeqLM``. A chat model's prompt is built
with the tokenizer's own chat template, so any chat model whose family transformers knows
(Qwen2/2.5, Sailor2, Llama, Gemma, Mistral...) is driven the same way; an (m)T5 summarizer
(such as csebuetnlp/mT5_multilingual_XLSum) reads the article text alone, as it was trained.
A chat model runs through ``models.chat.ChatModel``, the runner the chat translators share
(template, left padding, length-sorted batches, greedy decoding, scores), so a rerun writes the
same summary.

The default is a general chat model, not a translation model: Hy-MT2 is trained to translate
and answers a summarizing prompt with a translation.
"""

from typing import Any

from models.backends.base import ModelInfo
from models.chat import ChatModel, Generated, detect_chat_family
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


class Summarizer:
    """A loaded summarizer that answers prompts greedily, several per call.

    A chat model is driven by ``models.chat.ChatModel``, the runner the chat translators use;
    an (m)T5 summarizer reads the article text alone, its padding on the right.

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
        self.chat = not getattr(loaded.model.config, "is_encoder_decoder", False)
        family = detect_chat_family(loaded.model.config, self.tokenizer) if self.chat else _seq2seq_family(loaded.model.config, self.tokenizer)
        self.device = device
        self.runner = ChatModel(loaded, device, batch_prompts or _BATCH_PROMPTS[device]) if self.chat else None
        self.model: Any = self.runner.model if self.runner is not None else loaded.model
        if self.runner is None and device == "cuda":
            import torch

            self.model = self.model.to(device=device, dtype=torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16)
        self.info = ModelInfo(loaded.name, loaded.revision, family, self.backend_name, device, loaded.weights)
        #: The model's context: prompt and answer together must fit in it (a chat model's), or
        #: the prompt alone (an encoder's; T5 has relative positions and was trained on 512).
        self.positions: int = self.runner.positions if self.runner is not None else int(
            getattr(self.model.config, "max_position_embeddings", 0) or 512)
        self.batch_prompts = batch_prompts or _BATCH_PROMPTS[device]
        self.pad_id = self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else self.tokenizer.eos_token_id
        self._calls = 0

    @property
    def calls(self) -> int:
        """``generate()`` calls made."""
        return self.runner.calls if self.runner is not None else self._calls

    @property
    def control_tokens(self) -> list[str]:
        """The tokenizer's special tokens as text (``<|im_start|>``, ``</s>``): never article text."""
        if self.runner is not None:
            return self.runner.control_tokens
        return sorted(set(getattr(self.tokenizer, "all_special_tokens", []) or []))

    def count_tokens(self, text: str) -> int:
        """How many tokens ``text`` takes in this model's vocabulary."""
        return len(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    def prompt_ids(self, messages: list[dict[str, str]]) -> list[int]:
        """The token ids of a chat (system/user messages), ready for the assistant's answer."""
        if self.runner is None:
            raise ModelError(f"summarizer '{self.info.name}' is not a chat model; it reads the article text alone")
        return self.runner.prompt_ids(messages)

    def text_ids(self, text: str) -> list[int]:
        """The token ids of ``text`` as an (m)T5 summarizer reads it (with its end token)."""
        return [int(token) for token in self.tokenizer(text)["input_ids"]]

    def generate(self, prompts: list[list[int]], max_new_tokens: int) -> list[Generated]:
        """Answer each prompt greedily; prompts of similar length share a ``generate()`` call.

        Args:
            prompts: token ids from ``prompt_ids`` (or ``text_ids`` for an (m)T5 summarizer).
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
        if self.runner is not None:
            return self.runner.generate(prompts, max_new_tokens)
        order = sorted(range(len(prompts)), key=lambda index: len(prompts[index]))
        results: list[Generated | None] = [None] * len(prompts)
        for start in range(0, len(order), self.batch_prompts):
            chunk = order[start : start + self.batch_prompts]
            for index, generated in zip(chunk, self._run_encoder_decoder([prompts[i] for i in chunk], max_new_tokens), strict=True):
                results[index] = generated
        return [result for result in results if result is not None]

    def _run_encoder_decoder(self, prompts: list[list[int]], max_new_tokens: int) -> list[Generated]:
        import torch

        width = max(len(ids) for ids in prompts)
        # an encoder reads the whole row: padding on the right, as it was trained
        padded = [ids + [self.pad_id] * (width - len(ids)) for ids in prompts]
        mask = [[1] * len(ids) + [0] * (width - len(ids)) for ids in prompts]
        with torch.inference_mode():
            output = self.model.generate(
                input_ids=torch.tensor(padded, dtype=torch.long, device=self.device),
                attention_mask=torch.tensor(mask, dtype=torch.long, device=self.device),
                max_new_tokens=max_new_tokens, do_sample=False, num_beams=1, use_cache=True,
                # greedy: the model's own sampling settings would only draw warnings
                temperature=None, top_p=None, top_k=None,
            )
        self._calls += 1
        end_ids = {self.tokenizer.eos_token_id} if self.tokenizer.eos_token_id is not None else set()
        results = []
        for row in output[:, 1:].tolist():  # an encoder-decoder's output starts with the decoder's start token
            ended = next((position for position, token in enumerate(row) if token in end_ids), None)
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
