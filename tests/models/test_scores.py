"""The model's own score of each translation: both backends, one number."""

from importlib.util import find_spec
from pathlib import Path

import pytest

from models.pool import ModelPool
from models.tiny import ENGLISH_CORPUS, build_marian, sample_sentences

needs_ctranslate2 = pytest.mark.skipif(find_spec("ctranslate2") is None, reason="ctranslate2 is not installed (pip install 'warta[fast]')")

SENTENCES = [line for line in sample_sentences() if len(line.split()) < 60][:6] + [
    "Kunjungan ini memberikan pemahaman yang langsung.",
    "Seluruh proses berlangsung dengan lancar dan efisien.",
]

#: Greedy float32, same output tokens: the two backends compute the same log-softmax of the same
#: logits, so their means differ by float rounding only (measured: under 1e-5 nats per token).
#: With beams the hypotheses can differ on a tie; then only the same texts are compared.
TOLERANCE = 1e-3


@pytest.fixture(scope="module")
def lively_model(tmp_path_factory) -> Path:
    """A tiny Marian model whose outputs depend on its input (as in test_ctranslate2.py)."""
    return build_marian(
        tmp_path_factory.mktemp("scores") / "lively", sample_sentences(), ENGLISH_CORPUS.splitlines() + sample_sentences(),
        d_model=64, layers=2, heads=4, ffn=128, eos_bias=2.0, seed=3, min_new_tokens=1, init_std=0.1,
    )


def _scored(backend: str, model: Path, pair: str = "id-en", beams: int = 1, target: str = "en") -> list[tuple[str, float | None, int]]:
    options = {"compute_type": "float32"} if backend == "ctranslate2" else {}
    translator = ModelPool({pair: str(model)}, device="cpu", backend=backend, **options).get(pair)
    return [(result.text, result.score, result.tokens) for result in translator.translate(SENTENCES, "id", target, beams=beams)]


def test_transformers_scores_are_mean_log_probabilities(lively_model):
    results = _scored("transformers", lively_model)
    assert all(score is not None and score < 0 and tokens > 0 for _, score, tokens in results)
    assert len({round(score or 0, 3) for _, score, _ in results}) > 1  # each segment its own


@needs_ctranslate2
@pytest.mark.parametrize("beams", [1, 4])
def test_both_backends_score_the_same_segment_alike(lively_model, beams: int):
    reference = _scored("transformers", lively_model, beams=beams)
    fast = _scored("ctranslate2", lively_model, beams=beams)
    same = [(a, b) for a, b in zip(reference, fast) if a[0] == b[0]]
    assert len(same) >= len(SENTENCES) - 1
    for (text, score, tokens), (_, fast_score, fast_tokens) in same:
        assert tokens == fast_tokens, text
        assert score is not None and fast_score is not None and abs(score - fast_score) < TOLERANCE, (text, score, fast_score)

