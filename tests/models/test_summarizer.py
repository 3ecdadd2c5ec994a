"""The summarizer model: loaded like the translators, refused when it cannot chat."""

import json
import shutil
from pathlib import Path

import pytest

import run
from models.errors import ModelError
from models.loading import load_model
from models.pool import ModelPool
from models.summarizer import Summarizer


def test_tiny_chat_model_loads_through_the_hub_id_path_with_its_revision_and_safetensors(tiny_chat: Path):
    summarizer = Summarizer(str(tiny_chat))

    assert summarizer.info.family == "qwen2" and summarizer.info.weights == "safetensors"
    assert summarizer.info.revision.startswith("local:")
    text = summarizer.tokenizer.decode(summarizer.prompt_ids([{"role": "user", "content": "Halo"}]))
    assert text == "<|im_start|>user\nHalo<|im_end|>\n<|im_start|>assistant\n"  # the chat template, ready to answer


def test_a_translation_model_is_refused_as_summarizer(tiny_models):
    with pytest.raises(ModelError, match="'marian' is an encoder-decoder translation model"):
        Summarizer(str(tiny_models["id-en"]))


def test_a_model_without_chat_template_is_refused(tiny_chat: Path, tmp_path: Path):
    base = tmp_path / "base"
    shutil.copytree(tiny_chat, base)
    (base / "chat_template.jinja").unlink(missing_ok=True)
    config = json.loads((base / "tokenizer_config.json").read_text(encoding="utf-8"))
    config.pop("chat_template", None)
    (base / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")

    with pytest.raises(ModelError, match="no chat template"):
        Summarizer(str(base))


def test_an_uncached_summarizer_offline_is_one_clear_error():
    with pytest.raises(ModelError, match="--offline forbids downloading"):
        load_model("Qwen/Qwen2.5-1.5B-Instruct", offline=True, kind="causal")


def test_the_pool_loads_the_summarizer_once(tiny_chat: Path):
    pool = ModelPool({"summarizer": str(tiny_chat)})
    assert pool.summarizer() is pool.summarizer() is ModelPool({"summarizer": str(tiny_chat)}).summarizer()
    assert pool.loaded_summarizer() is pool.summarizer()


def test_models_download_and_list_include_the_summarizer_when_abstractive(tiny_models, tiny_chat: Path, capsys):
    models = ["--model", f"id-en={tiny_models['id-en']}", "--model", f"en-zh={tiny_models['en-zh']}"]
    assert run.main(["models", "list", *models, "--summary", "abstractive", "--offline"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[:2] for line in listed][-1] == ["summarizer", "Qwen/Qwen2.5-1.5B-Instruct"]
    assert listed[-1].endswith("not downloaded")

    assert run.main(["models", "download", *models, "--model", f"summarizer={tiny_chat}", "--offline"]) == 0
    downloaded = capsys.readouterr().out.splitlines()
    assert downloaded[-1].startswith(f"summarizer\t{tiny_chat}\tlocal:") and downloaded[-1].endswith("ready")

    assert run.main(["models", "list", *models]) == 0
    assert "summarizer" not in capsys.readouterr().out  # extractive runs need no summarizer


def test_an_mt5_summarizer_is_accepted_and_reads_the_article_alone(tiny_models, tmp_path: Path, sample_article: Path):
    from models.tiny import build_tiny_mt5
    from pipeline.reading import read_article
    from pipeline.sentences import split_article
    from pipeline.settings import Settings
    from pipeline.summary import summarize_articles

    folder = build_tiny_mt5(tmp_path / "mt5")
    summarizer = Summarizer(str(folder))
    assert not summarizer.chat and summarizer.info.family == "t5" and summarizer.positions == 512
    models = {"id-en": str(tiny_models["id-en"]), "en-zh": str(tiny_models["en-zh"]), "summarizer": str(folder)}
    article = split_article(read_article(sample_article))

    summarize_articles([article], Settings(models=models, summary="abstractive", summary_sentences=2, beams=1), ModelPool(models))

    assert article.summary_method == "abstractive" and article.summary_model["family"] == "t5"
    assert article.summary and all(item.id and item.en and item.zh for item in article.summary)
    # the long sample is more than mT5's 512 positions: it was given a selection, and says so
    assert any("--summary-input-tokens" in warning for warning in article.warnings)
