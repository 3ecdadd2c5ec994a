"""Small real models built on the spot, for tests and benchmarks (and anyone trying warta offline).

No model weights can be downloaded on the development or CI machines, so tests train a
SentencePiece model on the sample article in a fraction of a second, make a tiny Marian,
NLLB or M2M100 config (or a byte-level BPE and a tiny chat model of each family warta prompts:
Qwen2, Qwen3, HunYuan dense, Gemma 3, Mistral), and ``save_pretrained`` into a folder. warta then loads that folder
through exactly the code path a Hugging Face id takes. The weights are random: the models
produce nonsense of the right shape, which is all that structure, alignment and speed depend on.
"""

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from data import data_file

#: The checkout (tests run the command line from it); an installed package has no checkout.
REPO = Path(__file__).resolve().parents[1]
SAMPLE_ARTICLE = data_file("samples/makassar-oncology-delegation-guangzhou.txt")
#: Chinese text to train the tiny en->zh tokenizer on.
CHINESE_CORPUS = data_file("corpora/zh_corpus.txt")
ENGLISH_CORPUS = (
    "On 29 May 2025, oncology experts from Makassar formed an International Friendship Delegation and visited "
    "Modern Cancer Hospital Guangzhou. The visit aims to promote innovation in minimally invasive technology. "
    "The hospital director gave a warm welcome speech. Cancer is a global health challenge. "
    "The experts visited modern medical facilities and watched an operation. Both sides agreed to build a "
    "regular discussion mechanism in the future. The value was IDR 500 billion, up 6.7 percent, for 1,044,921 people.\n"
)


def train_sentencepiece(texts: list[str], prefix: Path, vocab_size: int, model_type: str = "unigram") -> Path:
    """Train a SentencePiece model on ``texts``; returns the ``.model`` file."""
    import sentencepiece as spm

    corpus = prefix.with_suffix(".corpus.txt")
    corpus.write_text("\n".join(texts), encoding="utf-8")
    spm.SentencePieceTrainer.train(
        input=str(corpus), model_prefix=str(prefix), vocab_size=vocab_size, model_type=model_type,
        character_coverage=1.0, hard_vocab_limit=False, minloglevel=2, num_threads=1,
        **_special_ids(model_type),
    )
    return prefix.with_suffix(".model")


def _special_ids(model_type: str) -> dict[str, Any]:
    # Unigram models for Marian: no BOS/EOS pieces of SentencePiece's own (the tokenizer adds </s>).
    return {"bos_id": -1, "eos_id": -1, "unk_id": 0} if model_type != "bpe" else {}


def _sentencepiece_pieces(model_file: Path) -> list[str]:
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_file=str(model_file))
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


def _stop_early(model, eos_token_id: int, unk_token_id: int, bias: float | None, min_new_tokens: int = 2) -> None:
    # Random weights give nearly uniform next-token probabilities, so the end-of-sentence
    # token would almost never win and every output would run to the length limit. A bias
    # on it makes outputs end after a few tokens, as a real model's do; the model's own
    # generation config asks for a couple of tokens first so that no output is empty.
    import torch

    model.generation_config.min_new_tokens = min_new_tokens
    model.generation_config.bad_words_ids = [[model.config.pad_token_id], [unk_token_id]]
    if bias is None:
        return
    with torch.no_grad():
        if hasattr(model, "final_logits_bias"):  # Marian
            model.final_logits_bias[0, eos_token_id] = bias
            return
        # M2M100/NLLB tie the output layer to the embeddings and have no logit bias: make the
        # decoder's last layer norm output a constant in dimension 0, and give only the
        # end-of-sentence embedding a weight there.
        norm = model.model.decoder.layer_norm
        norm.weight[0], norm.bias[0] = 0.0, 4.0
        embeddings = model.get_input_embeddings().weight
        embeddings[:, 0] = 0.0
        embeddings[eos_token_id, 0] = bias / 4.0


def build_marian(
    folder: Path,
    source_texts: list[str],
    target_texts: list[str] | None = None,
    target_tokens: tuple[str, ...] = (),
    vocab_size: int = 300,
    d_model: int = 16,
    layers: int = 1,
    heads: int = 2,
    ffn: int = 32,
    max_positions: int = 512,
    eos_bias: float | None = 4.0,
    seed: int = 0,
    vocab_total: int | None = None,
    min_new_tokens: int = 2,
    spm_type: str = "unigram",
    init_std: float = 0.02,
) -> Path:
    """Build and save a Marian model (opus-mt's family) with its tokenizer into ``folder``.

    Args:
        folder: where to ``save_pretrained``; created.
        source_texts, target_texts: corpora for the source and target SentencePiece models
            (the target defaults to the source, one shared model).
        target_tokens: extra target-language tokens such as ``>>cmn_Hans<<``.
        vocab_size: SentencePiece vocabulary size (per side).
        d_model, layers, heads, ffn, max_positions: the model's shape.
        eos_bias: logit bias on end-of-sentence so random outputs stay short; None for none.
        seed: torch seed for the random weights.
        vocab_total: pad the vocabulary with unused entries to this size, so that the output
            layer has a real model's width (for speed benchmarks).
        min_new_tokens: the model's own minimum output length; with a large ``eos_bias``
            every output then has exactly this many tokens.
        spm_type: SentencePiece model type; ``word`` gives about one token per word.
        init_std: standard deviation of the random weights; larger values make the output
            depend visibly on the input (the default is transformers').

    Returns:
        ``folder``.
    """
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    folder.mkdir(parents=True, exist_ok=True)
    work = folder / "_spm"
    work.mkdir(exist_ok=True)
    source_model = train_sentencepiece(source_texts, work / "source", vocab_size, spm_type)
    target_model = train_sentencepiece(target_texts, work / "target", vocab_size, spm_type) if target_texts else source_model
    vocabulary: dict[str, int] = {"</s>": 0, "<unk>": 1}
    for piece in _sentencepiece_pieces(source_model) + _sentencepiece_pieces(target_model) + list(target_tokens):
        vocabulary.setdefault(piece, len(vocabulary))
    for filler in range(len(vocabulary), (vocab_total or 0) - 1):
        vocabulary[f"<unused{filler}>"] = filler
    vocabulary["<pad>"] = len(vocabulary)
    shutil.copy(source_model, folder / "source.spm")
    shutil.copy(target_model, folder / "target.spm")
    (folder / "vocab.json").write_text(json.dumps(vocabulary, ensure_ascii=False), encoding="utf-8")
    shutil.rmtree(work)
    tokenizer = MarianTokenizer(str(folder / "source.spm"), str(folder / "target.spm"), str(folder / "vocab.json"))
    tokenizer.save_pretrained(folder)
    pad = vocabulary["<pad>"]
    config = MarianConfig(
        vocab_size=len(vocabulary), d_model=d_model, encoder_layers=layers, decoder_layers=layers,
        encoder_attention_heads=heads, decoder_attention_heads=heads, encoder_ffn_dim=ffn, decoder_ffn_dim=ffn,
        max_position_embeddings=max_positions, pad_token_id=pad, eos_token_id=0, decoder_start_token_id=pad,
        forced_eos_token_id=0, share_encoder_decoder_embeddings=True, init_std=init_std,
    )
    torch.manual_seed(seed)
    model = MarianMTModel(config)
    _stop_early(model, 0, vocabulary["<unk>"], eos_bias, min_new_tokens)
    model.save_pretrained(folder)
    return folder


def build_nllb(folder: Path, texts: list[str], vocab_size: int = 300, eos_bias: float | None = 4.0, seed: int = 0) -> Path:
    """Build and save a tiny NLLB-200-style model (M2M100 architecture, NLLB tokenizer)."""
    import torch
    from transformers import M2M100ForConditionalGeneration, NllbTokenizer

    folder.mkdir(parents=True, exist_ok=True)
    model_file = train_sentencepiece(texts, folder / "_spm", vocab_size, model_type="bpe")
    shutil.move(model_file, folder / "sentencepiece.bpe.model")
    for leftover in folder.glob("_spm*"):
        leftover.unlink()
    tokenizer = NllbTokenizer.from_pretrained(folder, extra_special_tokens=["ind_Latn", "eng_Latn", "zho_Hans"])
    tokenizer.save_pretrained(folder)
    config = _m2m100_config(max(tokenizer.get_vocab().values()) + 1, tokenizer)
    torch.manual_seed(seed)
    model = M2M100ForConditionalGeneration(config)
    _stop_early(model, tokenizer.eos_token_id, tokenizer.unk_token_id, eos_bias)
    model.save_pretrained(folder)
    return folder


def build_m2m100(folder: Path, texts: list[str], vocab_size: int = 300, eos_bias: float | None = 4.0, seed: int = 0) -> Path:
    """Build and save a tiny M2M100 model with its SentencePiece tokenizer."""
    import torch
    from transformers import M2M100ForConditionalGeneration, M2M100Tokenizer

    folder.mkdir(parents=True, exist_ok=True)
    model_file = train_sentencepiece(texts, folder / "_spm", vocab_size, model_type="bpe")
    shutil.move(model_file, folder / "sentencepiece.bpe.model")
    for leftover in folder.glob("_spm*"):
        leftover.unlink()
    vocabulary = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
    for piece in _sentencepiece_pieces(folder / "sentencepiece.bpe.model"):
        vocabulary.setdefault(piece, len(vocabulary))
    (folder / "vocab.json").write_text(json.dumps(vocabulary, ensure_ascii=False), encoding="utf-8")
    tokenizer = M2M100Tokenizer(str(folder / "vocab.json"), str(folder / "sentencepiece.bpe.model"))
    tokenizer.save_pretrained(folder)
    # Language tokens come after the vocabulary, then the "made-up words" fairseq reserves.
    size = max(tokenizer.lang_token_to_id.values()) + 1 + tokenizer.num_madeup_words
    config = _m2m100_config(size, tokenizer)
    torch.manual_seed(seed)
    model = M2M100ForConditionalGeneration(config)
    _stop_early(model, tokenizer.eos_token_id, tokenizer.unk_token_id, eos_bias)
    model.save_pretrained(folder)
    return folder


def _m2m100_config(vocab_size: int, tokenizer):
    from transformers import M2M100Config

    return M2M100Config(
        vocab_size=vocab_size, d_model=16, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2,
        decoder_attention_heads=2, encoder_ffn_dim=32, decoder_ffn_dim=32, max_position_embeddings=256,
        pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id, bos_token_id=tokenizer.bos_token_id,
        decoder_start_token_id=tokenizer.eos_token_id,
    )


def sample_sentences() -> list[str]:
    """The sample article's lines: the Indonesian corpus for tiny tokenizers."""
    return [line for line in SAMPLE_ARTICLE.read_text(encoding="utf-8").splitlines() if line.strip()]


def build_default_pair(folder: Path) -> dict[str, Path]:
    """Tiny stand-ins for the two default models: id->en and en->zh (with ``>>cmn_Hans<<``).

    Returns:
        ``{"id-en": folder/id-en, "en-zh": folder/en-zh}``.
    """
    indonesian = sample_sentences()
    english = ENGLISH_CORPUS.splitlines()
    chinese = CHINESE_CORPUS.read_text(encoding="utf-8").splitlines()
    return {
        "id-en": build_marian(folder / "id-en", indonesian, english + indonesian),
        "en-zh": build_marian(folder / "en-zh", english + indonesian, chinese, target_tokens=(">>cmn_Hans<<", ">>yue_Hant<<")),
    }


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


def build_tiny_mt5(folder: Path, texts: list[str] | None = None, vocab_size: int = 400, seed: int = 0) -> Path:
    """Build and save a tiny mT5 model (the family of mT5 summarizers such as XLSum) into ``folder``.

    Its tokenizer is a SentencePiece unigram model trained on ``texts`` (the sample article by
    default), laid out as T5's (``<pad>`` 0, ``</s>`` 1, ``<unk>`` 2); the weights are random.

    Returns:
        ``folder``.
    """
    import sentencepiece as spm
    import torch
    from transformers import MT5Config, MT5ForConditionalGeneration, T5Tokenizer

    folder.mkdir(parents=True, exist_ok=True)
    corpus = folder / "_corpus.txt"
    corpus.write_text("\n".join(texts or sample_sentences()), encoding="utf-8")
    spm.SentencePieceTrainer.train(
        input=str(corpus), model_prefix=str(folder / "_spm"), vocab_size=vocab_size, model_type="unigram",
        character_coverage=1.0, hard_vocab_limit=False, minloglevel=2, num_threads=1,
        pad_id=0, eos_id=1, unk_id=2, bos_id=-1,
    )
    processor = spm.SentencePieceProcessor(model_file=str(folder / "_spm.model"))
    vocabulary = [(processor.id_to_piece(i), processor.get_score(i)) for i in range(processor.get_piece_size())]
    for leftover in folder.glob("_*"):
        leftover.unlink()
    tokenizer = T5Tokenizer(vocab=vocabulary, extra_ids=0)
    tokenizer.save_pretrained(folder)
    config = MT5Config(
        vocab_size=len(tokenizer.get_vocab()), d_model=32, d_kv=8, d_ff=64, num_layers=1, num_decoder_layers=1,
        num_heads=4, pad_token_id=0, eos_token_id=1, decoder_start_token_id=0,
    )
    torch.manual_seed(seed)
    model = MT5ForConditionalGeneration(config)
    # a few tokens at least, and neither padding nor <unk>, so that the random model's answer is never empty
    model.generation_config.min_new_tokens = 8
    model.generation_config.bad_words_ids = [[0], [2]]
    model.save_pretrained(folder)
    return folder
