"""The CTranslate2 backend: conversion once, same output as transformers, clear errors."""

import logging
from importlib.util import find_spec
from pathlib import Path

import pytest

from models import pool as pool_module
from models.backends import get_backend, resolve_backend
from models.pool import ModelPool
from models.tiny import ENGLISH_CORPUS, build_marian, sample_sentences
from pipeline.errors import ModelError, UsageError

# Installed by the test extra. Only the tests that run it skip without it: the missing-package
# message and the CUDA fallback are tested everywhere (they matter most where it is missing).
needs_ctranslate2 = pytest.mark.skipif(find_spec("ctranslate2") is None, reason="ctranslate2 is not installed (pip install 'warta[fast]')")

SENTENCES = [line for line in sample_sentences() if len(line.split()) < 60][:8] + [
    "Kunjungan ini memberikan pemahaman yang langsung.",
    "Seluruh proses berlangsung dengan lancar dan efisien.",
]


@pytest.fixture(scope="module")
def lively_model(tmp_path_factory) -> Path:
    """A tiny Marian model whose outputs depend on its input (wider, two layers, larger weights)."""
    return build_marian(
        tmp_path_factory.mktemp("ct2") / "lively", sample_sentences(), ENGLISH_CORPUS.splitlines() + sample_sentences(),
        d_model=64, layers=2, heads=4, ffn=128, eos_bias=2.0, seed=3, min_new_tokens=1, init_std=0.1,
    )


def _outputs(backend: str, model: Path, compute_type: str | None = None, beams: int = 1) -> list[str]:
    translator = ModelPool({"id-en": str(model)}, device="cpu", backend=backend, compute_type=compute_type).get("id-en")
    return [result.text for result in translator.translate(SENTENCES, "id", "en", beams=beams)]


@needs_ctranslate2
def test_greedy_float32_gives_the_same_sentences_as_transformers(lively_model):
    reference = _outputs("transformers", lively_model)
    assert len(set(reference)) > 3  # the model really reads its input
    assert _outputs("ctranslate2", lively_model, "float32") == reference


@needs_ctranslate2
def test_int8_only_rounds_the_scores_of_the_same_translation(lively_model):
    # Documented tolerance: int8 may pick another token where two are nearly tied (a random
    # model's flat distributions tie everywhere, so its int8 outputs soon drift apart). What
    # int8 must not do is change the model: the float32 translations score (nearly) the same
    # under the int8 model, within 0.15 nats per token on average (measured: 0.07 on this
    # model, whose tokens score about -5 each; a broken quantization is off by whole nats).
    float32 = ModelPool({"id-en": str(lively_model)}, device="cpu", backend="ctranslate2", compute_type="float32").get("id-en")
    int8 = ModelPool({"id-en": str(lively_model)}, device="cpu", backend="ctranslate2", compute_type="int8").get("id-en")
    tokenizer = float32.tokenizer
    sources = [tokenizer.convert_ids_to_tokens(ids) for ids in tokenizer(SENTENCES)["input_ids"]]
    targets = [tokenizer.tokenize(text) for text in _outputs("transformers", lively_model)]
    exact = float32.translator.score_batch(sources, targets)
    rounded = int8.translator.score_batch(sources, targets)
    for a, b in zip(exact, rounded):
        assert len(a.log_probs) == len(b.log_probs)
        assert abs(sum(a.log_probs) - sum(b.log_probs)) / len(a.log_probs) < 0.15


@needs_ctranslate2
def test_conversion_happens_once_and_is_keyed_by_revision(lively_model, tmp_path, monkeypatch):
    monkeypatch.setenv("WARTA_CT2_HOME", str(tmp_path / "ct2"))
    first = get_backend("ctranslate2")(str(lively_model), device="cpu", compute_type="int8")
    converted = list((tmp_path / "ct2").rglob("model.bin"))
    assert len(converted) == 1 and first.info.revision.split(":")[-1] in str(converted[0]) and "int8" in str(converted[0])
    stamp = converted[0].stat().st_mtime_ns
    second = get_backend("ctranslate2")(str(lively_model), device="cpu", compute_type="int8")
    assert converted[0].stat().st_mtime_ns == stamp  # loaded, not converted again
    assert second.info.backend.startswith("ctranslate2") and "int8" in second.info.backend


@needs_ctranslate2
def test_long_sentences_and_marian_target_tokens_work_through_ctranslate2(tiny_models):
    translator = ModelPool({"en-zh": str(tiny_models["en-zh"])}, device="cpu", backend="ctranslate2").get("en-zh")
    results = translator.translate(["The visit aims to promote innovation.", "Cancer is a global health challenge."], "en", "zh")
    assert [bool(result.text) for result in results] == [True, True]


def test_missing_package_names_the_pip_command(monkeypatch):
    from models import backends

    real = backends.find_spec
    monkeypatch.setattr(backends, "find_spec", lambda name: None if name == "ctranslate2" else real(name))
    assert resolve_backend("auto") == "transformers"
    with pytest.raises(UsageError, match=r"pip install 'warta\[fast\]'"):
        get_backend("ctranslate2")


def test_cuda_failure_falls_back_to_transformers_with_one_warning(monkeypatch, caplog):
    class NoCuda:
        def __init__(self, name, device, offline, compute_type=None):
            raise ModelError("ctranslate2 cannot load 'm' on cuda with float16: libcublas.so.12: cannot open shared object file")

    class Torch:
        def __init__(self, name, device, offline):
            self.name, self.device = name, device

    monkeypatch.setattr(pool_module, "get_backend", lambda name: NoCuda if name == "ctranslate2" else Torch)
    monkeypatch.setattr(pool_module, "resolve_device", lambda requested: "cuda")
    pool = ModelPool.__new__(ModelPool)
    pool.models, pool.device_request, pool.backend, pool.offline, pool.compute_type = {"id-en": "m"}, "cuda", "ctranslate2", True, None
    with caplog.at_level(logging.WARNING):
        translator = pool._load("m", "cuda")
    assert isinstance(translator, Torch) and translator.device == "cuda"
    [record] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert "libcublas.so.12" in record.getMessage() and "falling back to the transformers backend" in record.getMessage()


@needs_ctranslate2
def test_a_converted_model_loads_without_its_pytorch_weights(lively_model, tmp_path, monkeypatch):
    from models.backends import ct2

    monkeypatch.setenv("WARTA_CT2_HOME", str(tmp_path / "ct2"))
    first = ct2.CTranslate2Translator(str(lively_model), device="cpu", compute_type="float32")

    def no_weights(*args, **kwargs):
        raise AssertionError("the PyTorch model was loaded although a converted copy exists")

    monkeypatch.setattr(ct2, "load_seq2seq", no_weights)
    second = ct2.CTranslate2Translator(str(lively_model), device="cpu", compute_type="float32")
    assert second.info.revision == first.info.revision
    texts = SENTENCES[:3]
    assert [r.text for r in second.translate(texts, "id", "en", 1)] == [r.text for r in first.translate(texts, "id", "en", 1)]
