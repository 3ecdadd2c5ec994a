"""Small real models built on the spot, for tests and benchmarks (and anyone trying warta offline).

No model weights can be downloaded on the development or CI machines, so tests train a
SentencePiece model on the sample article in a fraction of a second, make a tiny Marian, NLLB,
M2M100 or mT5 config (``models.tiny.seq2seq``), or a byte-level BPE and a tiny chat model of each
family warta prompts: Qwen2, Qwen3, HunYuan dense, Gemma 3, Mistral (``models.tiny.chat``), and
``save_pretrained`` into a folder. warta then loads that folder through exactly the code path a
Hugging Face id takes. The weights are random: the models produce nonsense of the right shape,
which is all that structure, alignment and speed depend on. The corpora they are trained on are
in ``models.tiny.corpora``; every public name is importable from ``models.tiny``.
"""

from models.tiny.chat import (
    CHAT_FAMILIES,
    CHATML_TEMPLATE,
    GEMMA3_TEMPLATE,
    HUNYUAN_DENSE_TEMPLATE,
    MISTRAL_TEMPLATE,
    QWEN3_TEMPLATE,
    build_hy_mt2_shape_config,
    build_tiny_chat,
    train_chat_tokenizer,
    train_qwen2_tokenizer,
)
from models.tiny.corpora import CHINESE_CORPUS, ENGLISH_CORPUS, REPO, SAMPLE_ARTICLE, sample_sentences
from models.tiny.seq2seq import build_default_pair, build_m2m100, build_marian, build_nllb, build_tiny_mt5, train_sentencepiece

__all__ = [
    "CHAT_FAMILIES",
    "CHATML_TEMPLATE",
    "CHINESE_CORPUS",
    "ENGLISH_CORPUS",
    "GEMMA3_TEMPLATE",
    "HUNYUAN_DENSE_TEMPLATE",
    "MISTRAL_TEMPLATE",
    "QWEN3_TEMPLATE",
    "REPO",
    "SAMPLE_ARTICLE",
    "build_default_pair",
    "build_hy_mt2_shape_config",
    "build_m2m100",
    "build_marian",
    "build_nllb",
    "build_tiny_chat",
    "build_tiny_mt5",
    "sample_sentences",
    "train_chat_tokenizer",
    "train_qwen2_tokenizer",
    "train_sentencepiece",
]
