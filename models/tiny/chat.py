"""Tiny chat (decoder-only) models of each family warta prompts: Qwen2, Qwen3, HunYuan dense, Gemma 3, Mistral.

A byte-level BPE tokenizer is trained on the given texts with the family's special tokens and its
chat template in the real models' format, and a tiny model of the family's transformers classes
is saved beside it with random weights that may only write whole words of the corpus. Also the
real shape of Hy-MT2 as a config, for speed benchmarks.
"""

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from models.tiny.corpora import sample_sentences

#: ChatML, the chat format of Qwen2/2.5 (and Sailor2): what the tiny qwen2 model's tokenizer uses.
CHATML_TEMPLATE = (
    "{%- for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{%- endfor %}"
    "{%- if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{%- endif %}"
)
#: Qwen3's ChatML: Qwen2's, and with thinking switched off (``enable_thinking=False``) the answer
#: opens with an empty think block, as Qwen3's own template writes it. The real template also
#: drops earlier turns' reasoning and renders tools, which a tiny model needs neither of.
QWEN3_TEMPLATE = (
    "{%- for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{%- endfor %}"
    "{%- if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}"
    "{%- if enable_thinking is defined and enable_thinking is false %}{{ '<think>\\n\\n</think>\\n\\n' }}{%- endif %}"
    "{%- endif %}"
)
#: Hy-MT2-1.8B's format (HunYuan dense 1.8B, HY-MT1.5-1.8B): begin of sentence, the system prompt
#: closed by placeholder 3, ``<｜hy_User｜>`` before the user's text and ``<｜hy_Assistant｜>``
#: before the answer, which placeholder 2 (the tokenizer's eos) ends. Taken from the
#: LLaMA-Factory registration written to match the official chat_template.jinja
#: (binbinao/hy-mt2-translator, train/llama_factory_support/hy_dense_template.py) and the
#: token table of Hy-MT2 ports (n0madic/hy-mt-rs). Hy-MT2-7B keeps Hunyuan-MT-7B's older
#: tokens instead (``<|startoftext|>...<|extra_0|>``, ends with ``<|eos|>``).
HUNYUAN_DENSE_TEMPLATE = (
    "{{ bos_token }}"
    "{%- for message in messages %}"
    "{%- if message['role'] == 'system' %}{{ message['content'] + '<｜hy_place▁holder▁no▁3｜>' }}"
    "{%- elif message['role'] == 'user' %}{{ '<｜hy_User｜>' + message['content'] }}"
    "{%- elif message['role'] == 'assistant' %}{{ '<｜hy_Assistant｜>' + message['content'] + eos_token }}"
    "{%- endif %}"
    "{%- endfor %}"
    "{%- if add_generation_prompt %}{{ '<｜hy_Assistant｜>' }}{%- endif %}"
)
#: Gemma 3's format, text only: the system prompt joins the first user turn, the assistant is
#: ``model``, and turns alternate, as google/gemma-3-*-it's template requires.
GEMMA3_TEMPLATE = (
    "{{ bos_token }}"
    "{%- if messages[0]['role'] == 'system' %}"
    "{%- set first_user_prefix = messages[0]['content'] + '\\n\\n' %}{%- set loop_messages = messages[1:] %}"
    "{%- else %}{%- set first_user_prefix = '' %}{%- set loop_messages = messages %}{%- endif %}"
    "{%- for message in loop_messages %}"
    "{%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
    "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}"
    "{%- endif %}"
    "{%- set role = 'model' if message['role'] == 'assistant' else message['role'] %}"
    "{{ '<start_of_turn>' + role + '\\n' + (first_user_prefix if loop.first else '') + message['content'] | trim + '<end_of_turn>\\n' }}"
    "{%- endfor %}"
    "{%- if add_generation_prompt %}{{ '<start_of_turn>model\\n' }}{%- endif %}"
)
#: Mistral Instruct's format (v0.3's, without tools): ``[INST] ... [/INST]`` around each user
#: turn, the answer after it ended by ``</s>``; a system prompt is put before the first user
#: text. There is no assistant prefix: the prompt ends with ``[/INST]``.
MISTRAL_TEMPLATE = (
    "{%- if messages[0]['role'] == 'system' %}"
    "{%- set system = messages[0]['content'] + '\\n\\n' %}{%- set loop_messages = messages[1:] %}"
    "{%- else %}{%- set system = '' %}{%- set loop_messages = messages %}{%- endif %}"
    "{{ bos_token }}"
    "{%- for message in loop_messages %}"
    "{%- if message['role'] == 'user' %}{{ '[INST] ' + (system if loop.first else '') + message['content'] + ' [/INST]' }}"
    "{%- elif message['role'] == 'assistant' %}{{ ' ' + message['content'] | trim + eos_token }}"
    "{%- endif %}"
    "{%- endfor %}"
)


@dataclass(frozen=True)
class _ChatFormat:
    # A family's chat format and architecture: its special tokens (the first ids of the tiny
    # vocabulary), which of them the tokenizer names, and the transformers classes to build.
    template: str
    special: tuple[str, ...]
    eos: str
    end_of_turn: str
    end_of_text: str
    pad: str
    config_class: str
    model_class: str
    bos: str | None = None
    unk: str | None = None
    added: tuple[str, ...] = ()  # ordinary added tokens (Qwen3's <think>), not special
    tie_embeddings: bool = True
    qwen_tokenizer: bool = False


_QWEN_SPECIAL = ("<|endoftext|>", "<|im_start|>", "<|im_end|>")
_HY_BOS, _HY_END, _HY_PAD = "<｜hy_begin▁of▁sentence｜>", "<｜hy_end▁of▁sentence｜>", "<｜hy_▁pad▁｜>"
_HY_EOS = "<｜hy_place▁holder▁no▁2｜>"
_CHAT_FORMATS: dict[str, _ChatFormat] = {
    "qwen2": _ChatFormat(
        CHATML_TEMPLATE, _QWEN_SPECIAL, eos="<|im_end|>", end_of_turn="<|im_end|>", end_of_text="<|endoftext|>",
        pad="<|endoftext|>", config_class="Qwen2Config", model_class="Qwen2ForCausalLM", qwen_tokenizer=True,
    ),
    "qwen3": _ChatFormat(
        QWEN3_TEMPLATE, _QWEN_SPECIAL, eos="<|im_end|>", end_of_turn="<|im_end|>", end_of_text="<|endoftext|>",
        pad="<|endoftext|>", config_class="Qwen3Config", model_class="Qwen3ForCausalLM", added=("<think>", "</think>"),
        qwen_tokenizer=True,
    ),
    # Hy-MT2-1.8B's tokens, in the order of their ids there (120000...)
    "hunyuan_v1_dense": _ChatFormat(
        HUNYUAN_DENSE_TEMPLATE,
        (_HY_BOS, _HY_END, _HY_PAD, "<｜hy_User｜>", "<｜hy_Assistant｜>", "<｜hy_EOT｜>", _HY_EOS, "<｜hy_place▁holder▁no▁3｜>"),
        eos=_HY_EOS, end_of_turn=_HY_EOS, end_of_text=_HY_END, pad=_HY_PAD, bos=_HY_BOS,
        config_class="HunYuanDenseV1Config", model_class="HunYuanDenseV1ForCausalLM",
    ),
    # Gemma's ids: <pad> 0, <eos> 1, <bos> 2, <unk> 3; its generation config stops at <end_of_turn> and <eos>
    "gemma3_text": _ChatFormat(
        GEMMA3_TEMPLATE, ("<pad>", "<eos>", "<bos>", "<unk>", "<start_of_turn>", "<end_of_turn>"),
        eos="<eos>", end_of_turn="<end_of_turn>", end_of_text="<eos>", pad="<pad>", bos="<bos>", unk="<unk>",
        config_class="Gemma3TextConfig", model_class="Gemma3ForCausalLM",
    ),
    # Mistral has no padding token; </s> pads, as is usual for it (and as warta does without one)
    "mistral": _ChatFormat(
        MISTRAL_TEMPLATE, ("<unk>", "<s>", "</s>", "[INST]", "[/INST]"),
        eos="</s>", end_of_turn="</s>", end_of_text="</s>", pad="</s>", bos="<s>", unk="<unk>",
        config_class="MistralConfig", model_class="MistralForCausalLM", tie_embeddings=False,
    ),
}
#: The chat model families ``build_tiny_chat`` makes (transformers ``model_type`` names).
CHAT_FAMILIES = ("qwen2", "qwen3", "hunyuan_v1_dense", "gemma3_text", "mistral")


def _chat_format(family: str) -> _ChatFormat:
    if family not in _CHAT_FORMATS:
        raise ValueError(f"no tiny chat model of family {family!r}; choose one of {', '.join(CHAT_FAMILIES)}")
    return _CHAT_FORMATS[family]


def _train_byte_level_bpe(texts: list[str], vocab_size: int, special_tokens: list[str]) -> Any:
    # Qwen's pre-tokenizer for every family: the tiny models need words as tokens, not each
    # family's own splitting (Gemma's and Mistral's real vocabularies are SentencePiece-style).
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers
    from transformers.models.qwen2.tokenization_qwen2 import PRETOKENIZE_REGEX

    trained = Tokenizer(models.BPE())
    trained.normalizer = normalizers.NFC()
    trained.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(PRETOKENIZE_REGEX), behavior="isolated"),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
    ])
    trained.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size, special_tokens=special_tokens, show_progress=False,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    trained.train_from_iterator(texts, trainer)
    return trained


def train_chat_tokenizer(texts: list[str], family: str = "qwen2", vocab_size: int = 2000) -> Any:
    """A byte-level BPE tokenizer trained on ``texts`` with ``family``'s special tokens and chat template.

    The special tokens (begin and end of turn, padding...) come first in the vocabulary and are
    special: never split, dropped by ``decode(skip_special_tokens=True)``. Qwen families get
    transformers' ``Qwen2Tokenizer``, as the real ones do; the others the generic fast tokenizer
    (Hy-MT2's own class).

    Raises:
        ValueError: ``family`` is not one of ``CHAT_FAMILIES``.
    """
    chat = _chat_format(family)
    tokenizer: Any
    trained = _train_byte_level_bpe(texts, vocab_size, list(chat.special))
    named = {"bos_token": chat.bos, "eos_token": chat.eos, "pad_token": chat.pad, "unk_token": chat.unk}
    names = {name: token for name, token in named.items() if token is not None}
    if chat.qwen_tokenizer:
        from transformers import Qwen2Tokenizer

        state = json.loads(trained.to_str())["model"]
        merges = [tuple(merge) if isinstance(merge, list) else tuple(merge.split(" ")) for merge in state["merges"]]
        # tokenizers' BPE takes merges as pairs, whatever the hint on Qwen2Tokenizer says
        tokenizer = Qwen2Tokenizer(vocab=state["vocab"], merges=merges, eos_token=chat.eos, pad_token=chat.pad)  # type: ignore[arg-type]
    else:
        from transformers import PreTrainedTokenizerFast

        tokenizer = PreTrainedTokenizerFast(tokenizer_object=trained, **names)
    # the end-of-turn token is named (eos) and listed too, as Qwen's own tokenizers list <|im_end|>
    extra = [token for token in chat.special if token not in (chat.bos, chat.pad, chat.unk)]
    tokenizer.add_special_tokens({"additional_special_tokens": extra})
    if chat.added:
        tokenizer.add_tokens(list(chat.added))
    tokenizer.chat_template = chat.template
    return tokenizer


def train_qwen2_tokenizer(texts: list[str], vocab_size: int = 2000) -> Any:
    """A Qwen2 tokenizer (byte-level BPE, Qwen's pre-tokenizer) trained on ``texts``, with ChatML."""
    return train_chat_tokenizer(texts, "qwen2", vocab_size)


def _chat_config(chat: _ChatFormat, family: str, vocabulary: dict[str, int], shape: dict[str, int]) -> Any:
    import transformers

    head_dim = shape["hidden_size"] // shape["num_attention_heads"]
    extras: dict[str, dict[str, Any]] = {
        "qwen2": {},
        "qwen3": {"head_dim": head_dim},
        # the real models' NTK-alpha RoPE (rope_scaling {"type": "dynamic", "alpha": 1000})
        "hunyuan_v1_dense": {
            "head_dim": head_dim, "eod_token_id": vocabulary[chat.end_of_text],
            "rope_parameters": {"rope_type": "dynamic", "rope_theta": 10000.0, "alpha": 1000.0, "factor": 1.0},
        },
        # one sliding-window layer and one global, as Gemma 3 interleaves them
        "gemma3_text": {
            "head_dim": head_dim, "query_pre_attn_scalar": head_dim, "sliding_window": 512,
            "layer_types": (["sliding_attention"] * (shape["num_hidden_layers"] - 1) + ["full_attention"]),
        },
        "mistral": {"head_dim": head_dim, "sliding_window": None},
    }
    bos = vocabulary[chat.bos or chat.end_of_text]
    return getattr(transformers, chat.config_class)(
        vocab_size=max(vocabulary.values()) + 1, tie_word_embeddings=chat.tie_embeddings,
        bos_token_id=bos, eos_token_id=vocabulary[chat.end_of_turn], pad_token_id=vocabulary[chat.pad],
        **shape, **extras[family],
    )


def build_tiny_chat(
    folder: Path,
    family: str = "qwen2",
    texts: list[str] | None = None,
    vocab_size: int = 2000,
    hidden: int = 32,
    layers: int = 2,
    heads: int = 4,
    kv_heads: int = 2,
    intermediate: int = 64,
    max_positions: int = 4096,
    seed: int = 0,
) -> Path:
    """Build and save a tiny chat model of ``family`` (one of ``CHAT_FAMILIES``) into ``folder``.

    The tokenizer is a byte-level BPE trained on ``texts`` (the sample article by default) with a
    large enough vocabulary that most words are one token, the family's special tokens and its
    chat template in the real models' format (ChatML for Qwen2/Qwen3, Hy-MT2-1.8B's for HunYuan
    dense, Gemma 3's turns, Mistral's ``[INST]``); the weights are random, so the model writes
    words of the sample in random order until its length limit or end of turn. The default,
    ``qwen2``, loads through the same code as ``Qwen/Qwen2.5-1.5B-Instruct``.

    Args:
        folder: where to ``save_pretrained`` tokenizer and model; created.
        family: the transformers ``model_type``: qwen2, qwen3, hunyuan_v1_dense, gemma3_text, mistral.
        texts: the tokenizer's corpus, and the words the model may write.
        vocab_size: BPE vocabulary size.
        hidden, layers, heads, kv_heads, intermediate, max_positions: the model's shape.
        seed: torch seed for the random weights.

    Returns:
        ``folder``.

    Raises:
        ValueError: ``family`` is not one of ``CHAT_FAMILIES``.
    """
    import torch
    import transformers
    from transformers import GenerationConfig

    chat = _chat_format(family)
    folder.mkdir(parents=True, exist_ok=True)
    if texts is None:
        texts = sample_sentences()
    tokenizer = train_chat_tokenizer(texts, family, vocab_size)
    tokenizer.save_pretrained(folder)
    vocabulary = tokenizer.get_vocab()
    shape = {
        "hidden_size": hidden, "num_hidden_layers": layers, "num_attention_heads": heads,
        "num_key_value_heads": kv_heads, "intermediate_size": intermediate, "max_position_embeddings": max_positions,
    }
    config = _chat_config(chat, family, vocabulary, shape)
    torch.manual_seed(seed)
    model = getattr(transformers, chat.model_class)(config)
    end_of_turn, end_of_text, pad = vocabulary[chat.end_of_turn], vocabulary[chat.end_of_text], vocabulary[chat.pad]
    # Random weights would write pieces of words ("ambutanf"); a real model writes words. So the
    # tiny model may only write whole words of its corpus, commas and full stops (and end its
    # turn): everything else is suppressed in its own generation config.
    words = {word for text in texts for word in re.findall(r"[^\W_]+", text)}
    writable = {
        token_id for token_id in vocabulary.values()
        if (tokenizer.decode([token_id]).startswith(" ") and tokenizer.decode([token_id])[1:] in words)
        or tokenizer.decode([token_id]) in (".", ",") or token_id == end_of_turn
    }
    model.generation_config = GenerationConfig(
        bos_token_id=config.bos_token_id, eos_token_id=list(dict.fromkeys([end_of_turn, end_of_text])), pad_token_id=pad,
        suppress_tokens=sorted(set(vocabulary.values()) - writable),
        # greedy decoding with random weights falls into short loops; no repeated pair of tokens
        no_repeat_ngram_size=2,
    )
    model.save_pretrained(folder)
    return folder


def build_hy_mt2_shape_config(size: str = "1.8b") -> Any:
    """A ``HunYuanDenseV1Config`` of the real shape of tencent/Hy-MT2-1.8B or Hy-MT2-7B, for speed benchmarks.

    Only the shape and the token ids: build the model with random weights (``no_init_weights``
    and a normal draw, as ``benchmarks/summary_speed.py`` does for Qwen). The values are those
    of the models' config.json: Hy-MT2-1.8B's as mirrored in ports' tests (the same as
    HY-MT1.5-1.8B's, n0madic/hy-mt-rs), Hy-MT2-7B's as fetched from the hub (Hunyuan-7B's shape).
    Both use NTK-alpha RoPE (``rope_scaling`` ``{"type": "dynamic", "alpha": 1000}``) and
    q/k norms (``use_qk_norm``), which transformers' HunYuan dense always applies.

    Args:
        size: ``1.8b`` or ``7b``.

    Raises:
        ValueError: another size.
    """
    from transformers import HunYuanDenseV1Config

    shapes: dict[str, dict[str, Any]] = {
        "1.8b": {
            "vocab_size": 120818, "hidden_size": 2048, "intermediate_size": 6144, "num_hidden_layers": 32,
            "num_attention_heads": 16, "num_key_value_heads": 4, "head_dim": 128,
            "bos_token_id": 120000, "eos_token_id": 120020, "pad_token_id": 120002,
        },
        "7b": {
            "vocab_size": 128167, "hidden_size": 4096, "intermediate_size": 14336, "num_hidden_layers": 32,
            "num_attention_heads": 32, "num_key_value_heads": 8, "head_dim": 128,
            "bos_token_id": 127958, "eos_token_id": 127960, "pad_token_id": 127961,
        },
    }
    if size not in shapes:
        raise ValueError(f"no Hy-MT2 of size {size!r}; choose 1.8b or 7b")
    # kept as in config.json although the class does not declare it (its model always norms q and k)
    undeclared: dict[str, Any] = {"use_qk_norm": True}
    return HunYuanDenseV1Config(
        **shapes[size], max_position_embeddings=262144, rms_norm_eps=1e-5, hidden_act="silu",
        attention_bias=False, tie_word_embeddings=True, **undeclared,
        rope_parameters={"rope_type": "dynamic", "rope_theta": 10000.0, "alpha": 1000.0, "factor": 1.0},
    )
