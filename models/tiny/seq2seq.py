"""Tiny encoder-decoder models: Marian (opus-mt), NLLB-200, M2M100 and mT5.

Each trains a SentencePiece model on the given texts in a fraction of a second, makes a tiny
config of the family, and saves tokenizer and random weights into a folder (``save_pretrained``);
warta loads it through exactly the code path a Hugging Face id takes. A bias on end-of-sentence keeps
the random outputs short, as a real model's are.
"""

import json
import shutil
from pathlib import Path
from typing import Any

from models.tiny.corpora import CHINESE_CORPUS, ENGLISH_CORPUS, sample_sentences


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


def _bpe_sentencepiece(folder: Path, texts: list[str], vocab_size: int) -> Path:
    """Train a BPE SentencePiece model on ``texts`` into ``folder/sentencepiece.bpe.model`` (NLLB's and M2M100's file name)."""
    folder.mkdir(parents=True, exist_ok=True)
    model_file = train_sentencepiece(texts, folder / "_spm", vocab_size, model_type="bpe")
    shutil.move(model_file, folder / "sentencepiece.bpe.model")
    for leftover in folder.glob("_spm*"):
        leftover.unlink()
    return folder / "sentencepiece.bpe.model"


def build_nllb(folder: Path, texts: list[str], vocab_size: int = 300, eos_bias: float | None = 4.0, seed: int = 0) -> Path:
    """Build and save a tiny NLLB-200-style model (M2M100 architecture, NLLB tokenizer)."""
    import torch
    from transformers import M2M100ForConditionalGeneration, NllbTokenizer

    _bpe_sentencepiece(folder, texts, vocab_size)
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

    _bpe_sentencepiece(folder, texts, vocab_size)
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
