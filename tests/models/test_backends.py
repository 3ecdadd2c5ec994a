"""What both backends share: each segment tokenized once, no library warnings, safe conversion."""

import json
import logging
import multiprocessing
import os
from collections import Counter
from pathlib import Path

import pytest

from models.backends import get_backend
from models.backends.hf import pad_token_ids
from models.tiny import SAMPLE_ARTICLE, build_marian, sample_sentences
from pipeline.translation import translate_texts

try:
    import ctranslate2  # noqa: F401

    HAVE_CT2 = True
except ImportError:
    HAVE_CT2 = False

# The transformers backend is always tested; the ctranslate2 one where it is installed.
BACKENDS = [
    "transformers",
    pytest.param("ctranslate2", marks=pytest.mark.skipif(not HAVE_CT2, reason="ctranslate2 is not installed")),
]


def _long_sentence(words: int) -> str:
    # the sample's words with its sentence ends made commas: one sentence of many clauses
    text = [word.replace(".", ",") for word in SAMPLE_ARTICLE.read_text(encoding="utf-8").split()]
    return " ".join((text * (words // len(text) + 1))[:words]).rstrip(",") + "."


def _translator(backend: str, model: Path):
    options = {"compute_type": "float32"} if backend == "ctranslate2" else {}
    return get_backend(backend)(str(model), device="cpu", offline=True, **options)


@pytest.fixture(scope="module")
def strict_model(tmp_path_factory) -> Path:
    """A tiny Marian model shaped like the real opus-mt ones: ``max_length`` in its generation
    config, and a tokenizer whose ``model_max_length`` is shorter than a long sentence."""
    folder = build_marian(tmp_path_factory.mktemp("strict") / "marian", sample_sentences(), max_positions=128)
    generation = json.loads((folder / "generation_config.json").read_text(encoding="utf-8"))
    generation["max_length"] = 128
    (folder / "generation_config.json").write_text(json.dumps(generation), encoding="utf-8")
    tokenizer_config = json.loads((folder / "tokenizer_config.json").read_text(encoding="utf-8"))
    tokenizer_config["model_max_length"] = 128
    (folder / "tokenizer_config.json").write_text(json.dumps(tokenizer_config), encoding="utf-8")
    return folder


@pytest.mark.parametrize("backend", BACKENDS)
def test_each_segment_is_tokenized_once(backend, tiny_models, tmp_path, monkeypatch):
    monkeypatch.setenv("WARTA_CT2_HOME", str(tmp_path / "ct2"))
    translator = _translator(backend, tiny_models["id-en"])
    tokenizer = translator.tokenizer
    seen: Counter[str] = Counter()
    real = tokenizer._tokenize

    def counting(text, **kwargs):
        seen[text] += 1
        return real(text, **kwargs)

    # _tokenize is where every path of a (SentencePiece) tokenizer ends: __call__, encode, tokenize
    monkeypatch.setattr(tokenizer, "_tokenize", counting)
    short = [line for line in sample_sentences() if len(line.split()) < 40][:6]
    long = _long_sentence(1500)  # too long for the model: split into pieces
    results = translate_texts([*short, long], translator, "id", "en", beams=2)

    assert [result.pieces for result in results] == [1] * len(short) + [results[-1].pieces] and results[-1].pieces > 1
    assert all(seen[text] == 1 for text in [*short, long])
    # the pieces were tokenized while being sized, and not again to be translated
    assert len(seen) > len(short) + 2 and max(seen.values()) == 1


@pytest.mark.parametrize("backend", BACKENDS)
def test_pre_encoded_ids_give_the_same_translations(backend, tiny_models, tmp_path, monkeypatch):
    monkeypatch.setenv("WARTA_CT2_HOME", str(tmp_path / "ct2"))
    translator = _translator(backend, tiny_models["en-zh"])
    texts = ["The visit aims to promote innovation.", "Cancer is a global health challenge.", "Hello."]
    encoded = translator.encode(texts, "en", "zh")
    # the Marian target token is part of what the model reads, and of the ids
    assert all(tokens[0] == ">>cmn_Hans<<" for tokens in map(translator.tokenizer.convert_ids_to_tokens, encoded))
    with_ids = [result.text for result in translator.translate(texts, "en", "zh", 2, encoded=encoded)]
    assert with_ids == [result.text for result in translator.translate(texts, "en", "zh", 2)]
    with pytest.raises(ValueError, match="2 encoded segments for 3 texts"):
        translator.translate(texts, "en", "zh", 2, encoded=encoded[:2])


@pytest.mark.parametrize("side", ["right", "left"])
def test_padding_the_ids_matches_the_tokenizers_padding(side, tiny_models):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(tiny_models["id-en"]))
    tokenizer.padding_side = side
    texts = ["Satu.", "Kalimat kedua yang sedikit lebih panjang.", "Tiga kata saja."]
    expected = tokenizer(texts, padding=True)
    padded, mask = pad_token_ids(tokenizer(texts)["input_ids"], tokenizer.pad_token_id, side)
    assert padded == expected["input_ids"] and mask == expected["attention_mask"]


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.mark.parametrize("backend", BACKENDS)
def test_translating_a_long_sentence_prints_no_library_warning(backend, strict_model, tmp_path, monkeypatch):
    import warnings

    from transformers.utils import logging as hf_logging

    monkeypatch.setenv("WARTA_CT2_HOME", str(tmp_path / "ct2"))
    translator = _translator(backend, strict_model)
    records = _Records()
    library = logging.getLogger("transformers")
    level = hf_logging.get_verbosity()
    # transformers' own logger does not propagate; the tests run it at "error": listen at "warning"
    hf_logging.set_verbosity_warning()
    library.addHandler(records)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            long = _long_sentence(400)
            assert len(translator.tokenizer(long, verbose=False)["input_ids"]) > translator.tokenizer.model_max_length
            results = translate_texts([long, "Kunjungan ini berjalan lancar."], translator, "id", "en", beams=2)
    finally:
        library.removeHandler(records)
        hf_logging.set_verbosity(level)
    assert results[0].pieces > 1 and all(result.text for result in results)
    assert records.messages == []
    assert [str(warning.message) for warning in caught] == []


def _convert_in_child(model: str, home: str, log: str, barrier) -> None:
    # One "first run": both processes find no converted model, meet here, and convert at once.
    os.environ["WARTA_CT2_HOME"] = home
    import models.backends.ct2 as ct2

    real_convert, real_converter = ct2.CTranslate2Translator._convert, ct2._LoadedModelConverter

    def meet_then_convert(self, loaded):
        barrier.wait(timeout=120)
        return real_convert(self, loaded)

    def counted_converter(loaded):
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()}\n")
        return real_converter(loaded)

    ct2.CTranslate2Translator._convert = meet_then_convert
    ct2._LoadedModelConverter = counted_converter
    translator = ct2.CTranslate2Translator(model, device="cpu", compute_type="int8")
    [result] = translator.translate(["Kunjungan ini berjalan lancar."], "id", "en", beams=1)
    with open(log + ".done", "a", encoding="utf-8") as handle:
        handle.write(json.dumps(result.text) + "\n")


@pytest.mark.slow
@pytest.mark.skipif(not HAVE_CT2, reason="ctranslate2 is not installed")
def test_two_processes_converting_the_same_model_at_once(tiny_models, tmp_path):
    home, log = tmp_path / "ct2", tmp_path / "conversions.log"
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    processes = [
        context.Process(target=_convert_in_child, args=(str(tiny_models["id-en"]), str(home), str(log), barrier)) for _ in range(2)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=300)
    assert [process.exitcode for process in processes] == [0, 0]
    # one converted, the other waited and loaded the finished folder; both translate alike
    assert len(log.read_text(encoding="utf-8").split()) == 1
    outputs = Path(str(log) + ".done").read_text(encoding="utf-8").splitlines()
    assert len(outputs) == 2 and outputs[0] == outputs[1] and json.loads(outputs[0])
    [model_bin] = list(home.rglob("model.bin"))
    folders = [path for path in model_bin.parent.parent.iterdir() if path.is_dir()]
    assert folders == [model_bin.parent]  # no partial folder left beside it
    assert not any("partial" in path.name for path in home.rglob("*"))
