"""models/: loading by id and by folder, revisions, families and their language controls."""

import re
from pathlib import Path

import pytest

from models.backends import get_backend
from models.families import detect_family, language_control
from models.hub import check_model_name, local_revision
from models.loading import load_seq2seq
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


def test_summarizer_is_a_model_name_but_not_a_translation_pair():
    pool = ModelPool({"summarizer": "sail/Sailor2-1B-Chat"})
    assert pool.summarizer_name == "sail/Sailor2-1B-Chat" and "summarizer" not in pool.models
    with pytest.raises(UsageError, match="no such model folder"):
        ModelPool({"summarizer": "./no-such-summarizer"})


@pytest.mark.parametrize("name, message", [
    ("/no/such/folder", "/no/such/folder: no such model folder"),
    ("./typo", "./typo: no such model folder"),
    ("~/no-such-model-folder", "no such model folder"),
    ("a/b/c", "a/b/c: no such model folder"),
    ("not a repo!", "not a Hugging Face id"),
    ("-leading-dash/model", "not a Hugging Face id"),
])
def test_a_model_name_that_is_no_folder_and_no_hub_id_is_a_usage_error(name: str, message: str):
    with pytest.raises(UsageError, match=re.escape(message)):
        check_model_name(name)
    with pytest.raises(UsageError, match=re.escape(message)):
        ModelPool({"id-en": name})  # refused before anything loads


def test_names_that_can_be_models_pass_the_check(tiny_models, tmp_path: Path):
    check_model_name("Helsinki-NLP/opus-mt-id-en")
    check_model_name("t5-small")
    check_model_name(str(tiny_models["id-en"]))
    a_file = tmp_path / "model.bin"
    a_file.write_bytes(b"")
    with pytest.raises(UsageError, match="is a file, not a model folder"):
        check_model_name(str(a_file))


def test_a_folder_without_a_config_is_not_a_model(tmp_path: Path):
    (tmp_path / "tokenizer_config.json").write_text("{}")
    with pytest.raises(ModelError, match=re.escape(f"{tmp_path}: not a model folder (no config.json)")):
        load_seq2seq(str(tmp_path))


def test_a_broken_model_folder_gives_the_whole_message_on_one_line(tiny_models, tmp_path: Path):
    import shutil

    broken = tmp_path / "broken"
    shutil.copytree(tiny_models["id-en"], broken)
    for path in broken.iterdir():
        if path.name not in ("config.json", "generation_config.json") and not path.name.startswith("model."):
            path.unlink()  # no tokenizer files: transformers' message runs over several lines
    with pytest.raises(ModelError) as raised:
        load_seq2seq(str(broken))
    message = str(raised.value)
    assert "\n" not in message and message.startswith(f"cannot load model '{broken}'")
    assert "tokenizer or weight files are missing or broken" in message


def test_a_library_message_over_several_lines_is_kept_whole_on_one_line():
    from models.errors import one_line

    error = ValueError("Couldn't instantiate the backend tokenizer from one of: \n(1) a tokenizers library file\n(2) a slow one")
    assert one_line(error) == "Couldn't instantiate the backend tokenizer from one of: (1) a tokenizers library file (2) a slow one"


@pytest.mark.parametrize("backend, compute_type, message", [
    ("transformers", "int8", "--compute-type is a ctranslate2 setting and the transformers backend has none"),
    ("transformers", "int9", "--compute-type takes one of int8,"),
    ("ctranslate2", "auto", "--compute-type takes one of int8,"),
])
def test_compute_type_is_checked_against_the_backend(backend: str, compute_type: str, message: str):
    pytest.importorskip("ctranslate2") if backend == "ctranslate2" else None
    with pytest.raises(UsageError, match=re.escape(message)):
        ModelPool({}, backend=backend, compute_type=compute_type)
