"""Random-weight models in the shapes of warta's default models, for speed benchmarks.

The speed of a model does not depend on what its weights say, only on its shape and on how
many tokens it reads and writes. These models have the real models' widths, depths and
vocabulary sizes, a real SentencePiece tokenizer (trained on the sample), and a generation
config that makes every output exactly ``output_tokens`` long.

Shapes: Helsinki-NLP/opus-mt-en-zh's config.json has d_model 512, 6+6 layers, 8 heads, FFN 2048,
vocab 65001. opus-mt-id-en has the same layout; its vocabulary size (54795) is derived from its
published 72M parameters (77M for en-zh with 65001).
"""

from dataclasses import dataclass
from pathlib import Path

from models.tiny import CHINESE_CORPUS, ENGLISH_CORPUS, build_marian, sample_sentences


@dataclass(frozen=True)
class MarianShape:
    """The dimensions of a Marian model."""

    name: str
    vocab_size: int
    d_model: int = 512
    layers: int = 6
    heads: int = 8
    ffn: int = 2048
    max_positions: int = 512


OPUS_MT_ID_EN = MarianShape("opus-mt-id-en", vocab_size=54795)
OPUS_MT_EN_ZH = MarianShape("opus-mt-en-zh", vocab_size=65001)


def build_shaped_marian(folder: Path, shape: MarianShape, output_tokens: int, chinese_target: bool = False) -> Path:
    """Save a random-weight Marian model of ``shape`` whose outputs are ``output_tokens`` long."""
    indonesian = sample_sentences()
    english = ENGLISH_CORPUS.splitlines()
    target = CHINESE_CORPUS.read_text(encoding="utf-8").splitlines() if chinese_target else english + indonesian
    return build_marian(
        folder, english + indonesian if chinese_target else indonesian, target,
        target_tokens=(">>cmn_Hans<<",) if chinese_target else (),
        # A word-level SentencePiece model: about one token per word, close to what the real
        # 55-65k vocabularies give on press-release text (a small subword vocabulary trained
        # on one article would give three times as many tokens and slow the encoder unfairly).
        vocab_size=8000, spm_type="word", d_model=shape.d_model, layers=shape.layers, heads=shape.heads, ffn=shape.ffn,
        max_positions=shape.max_positions, vocab_total=shape.vocab_size,
        # min_new_tokens holds the end token back until output_tokens; the bias then makes it win.
        eos_bias=1000.0, min_new_tokens=output_tokens,
    )


def build_default_shapes(folder: Path, output_tokens: int = 40) -> dict[str, Path]:
    """Random-weight stand-ins for the default id-en and en-zh models."""
    return {
        "id-en": build_shaped_marian(folder / "id-en", OPUS_MT_ID_EN, output_tokens),
        "en-zh": build_shaped_marian(folder / "en-zh", OPUS_MT_EN_ZH, output_tokens, chinese_target=True),
    }
