"""models/: loading by id and by folder, revisions, families and their language controls."""

from pathlib import Path

import pytest

from models.backends import get_backend
from models.families import detect_family, language_control
from models.loading import load_seq2seq, local_revision
from models.pool import ModelPool
from pipeline.errors import ModelError, UsageError


def test_hub_id_loads_from_the_cache_and_reports_its_commit(hub_cache):
    loaded = load_seq2seq("Helsinki-NLP/opus-mt-en-zh", offline=True)
    assert loaded.revision == hub_cache["en-zh"]
    assert loaded.weights == "safetensors"
    assert loaded.model.config.model_type == "marian"


def test_missing_model_offline_says_what_to_do(hub_cache):
    with pytest.raises(ModelError) as raised:
        load_seq2seq("Helsinki-NLP/opus-mt-id-fr", offline=True)
    message = str(raised.value)
    assert "Helsinki-NLP/opus-mt-id-fr" in message
    assert "models download" in message and "--model" in message
    assert "\n" not in message


def test_folder_revision_is_a_fingerprint_that_changes_with_the_files(tmp_path: Path):
    (tmp_path / "config.json").write_text("{}")
    first = local_revision(tmp_path)
    (tmp_path / "config.json").write_text('{"changed": true}')
    assert first.startswith("local:") and local_revision(tmp_path) != first


def test_snapshot_folder_revision_is_its_commit(hub_cache):
    import os

    snapshot = Path(os.environ["HF_HUB_CACHE"]) / "models--Helsinki-NLP--opus-mt-id-en" / "snapshots" / hub_cache["id-en"]
    assert local_revision(snapshot) == hub_cache["id-en"]


def test_pickle_weights_load_with_the_weights_only_loader(tiny_models, tmp_path: Path):
    import shutil

    import torch
    from safetensors.torch import load_file

    folder = tmp_path / "pickled"
    shutil.copytree(tiny_models["id-en"], folder)
    state = load_file(folder / "model.safetensors")
    (folder / "model.safetensors").unlink()
    torch.save(state, folder / "pytorch_model.bin")
    loaded = load_seq2seq(str(folder))
    assert loaded.weights == "pytorch (weights-only)"


def test_marian_target_token_only_when_the_vocabulary_has_it(tiny_models):
    pool = ModelPool({pair: str(path) for pair, path in tiny_models.items()}, device="cpu")
    en_zh, id_en = pool.get("en-zh"), pool.get("id-en")
    assert language_control("marian", en_zh.tokenizer, "en", "zh").prefix == ">>cmn_Hans<< "
    assert language_control("marian", id_en.tokenizer, "id", "en").prefix == ""
    # the prefix is one token of the model, not pieces of text
    ids = en_zh.tokenizer([">>cmn_Hans<< Hello"])["input_ids"][0]
    assert ids[0] == en_zh.tokenizer.convert_tokens_to_ids(">>cmn_Hans<<")


def test_nllb_forces_the_chinese_language_token(tiny_nllb):
    translator = get_backend("transformers")(str(tiny_nllb), device="cpu")
    control = language_control("nllb", translator.tokenizer, "id", "zh")
    assert translator.info.family == "nllb"
    assert control.tokenizer_source_lang == "ind_Latn"
    assert control.forced_bos_token_id == translator.tokenizer.convert_tokens_to_ids("zho_Hans")
    assert control.forced_bos_token_id != translator.tokenizer.unk_token_id
    [result] = translator.translate(["Pada tanggal 29 Mei 2025, para pakar berkunjung."], "id", "zh", beams=2)
    assert result.text


def test_m2m100_uses_get_lang_id(tiny_m2m100):
    translator = get_backend("transformers")(str(tiny_m2m100), device="cpu")
    control = language_control("m2m100", translator.tokenizer, "id", "zh")
    assert translator.info.family == "m2m100"
    assert control.tokenizer_source_lang == "id"
    assert control.forced_bos_token_id == translator.tokenizer.get_lang_id("zh")


def test_unknown_family_is_refused():
    class Config:
        model_type = "gpt2"

    with pytest.raises(ModelError, match="gpt2"):
        detect_family(Config(), object())


def test_unknown_pair_and_backend_are_usage_errors():
    with pytest.raises(UsageError, match="id-fr"):
        ModelPool({"id-fr": "x"})
    with pytest.raises(UsageError, match="no-such-backend"):
        get_backend("no-such-backend")


def test_offline_finds_safetensors_kept_only_in_a_pull_request_revision(tiny_models, tmp_path, monkeypatch):
    # opus-mt-en-zh keeps its safetensors only in refs/pr/6; once downloaded, --offline must
    # still find them (transformers alone looks for them only online).
    import os
    import shutil

    cache = Path(os.environ["HF_HUB_CACHE"])
    repo = cache / "models--Test--pr-weights"
    main, pull = "a" * 40, "b" * 40
    shutil.copytree(tiny_models["en-zh"], repo / "snapshots" / main)
    (repo / "snapshots" / main / "model.safetensors").unlink()  # main has no weights cached
    (repo / "snapshots" / pull).mkdir(parents=True)
    shutil.copy(tiny_models["en-zh"] / "model.safetensors", repo / "snapshots" / pull / "model.safetensors")
    (repo / "refs" / "pr").mkdir(parents=True)
    (repo / "refs" / "main").write_text(main)
    (repo / "refs" / "pr" / "6").write_text(pull)
    loaded = load_seq2seq("Test/pr-weights", offline=True)
    assert loaded.revision == main
    assert loaded.weights == f"safetensors from refs/pr/6 ({pull[:12]})"
    assert loaded.model.generation_config.min_new_tokens == 2  # the main snapshot's generation config


def test_summarizer_pair_is_refused_not_ignored():
    with pytest.raises(UsageError, match="extractive"):
        ModelPool({"summarizer": "csebuetnlp/mT5_multilingual_XLSum"})
