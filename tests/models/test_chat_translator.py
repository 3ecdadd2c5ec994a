"""A chat LLM as a translator: tiny random chat models of each family through the command line."""

import json
from pathlib import Path

import pytest

from models.backends.chat import ChatTranslator
from models.pool import ModelPool
from models.tiny import CHAT_FAMILIES, build_tiny_chat
from pipeline.tsv import parse_tsv
from tests.support.cli import run_cli


@pytest.fixture(scope="module")
def chat_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("chat-translators")
    return {family: build_tiny_chat(root / family, family) for family in CHAT_FAMILIES}


# A release in the sample's words (the tiny models write only those): five sentences, one of them English.
RELEASE = (
    "Kunjungan Delegasi Onkologi\n\n"
    "Pada tanggal 29 Mei 2025, sejumlah pakar di bidang onkologi mengunjungi rumah sakit. "
    "Kunjungan ini bertujuan untuk mendorong inovasi dan kerja sama.\n\n"
    "The delegation said that the visit was a great opportunity to learn from the hospital.\n\n"
    "Kedua pihak akan melanjutkan kerja sama di bidang pengobatan kanker.\n"
)


@pytest.mark.slow
@pytest.mark.parametrize("family", CHAT_FAMILIES)
def test_a_tiny_chat_model_of_each_family_translates_a_release_through_the_command_line(
        family: str, chat_models: dict[str, Path], tmp_path: Path):
    folder = chat_models[family]
    release = tmp_path / "rilis.txt"
    release.write_text(RELEASE, encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("translate", release, "-o", out, "--model", f"id-en={folder}", "--model", f"id-zh={folder}",
                     "--offline", "--formats", "tsv,jsonl", "-q")
    assert result.returncode == 0, result.stderr
    article = out / "rilis"
    rows = parse_tsv((article / "aligned.tsv").read_text(encoding="utf-8"))[1:]
    assert [row.cells[3] for row in rows] == [
        "Kunjungan Delegasi Onkologi",
        "Pada tanggal 29 Mei 2025, sejumlah pakar di bidang onkologi mengunjungi rumah sakit.",
        "Kunjungan ini bertujuan untuk mendorong inovasi dan kerja sama.",
        "The delegation said that the visit was a great opportunity to learn from the hospital.",
        "Kedua pihak akan melanjutkan kerja sama di bidang pengobatan kanker.",
    ]
    records = [json.loads(line) for line in (article / "aligned.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(records) == len(rows)
    # every Indonesian row has a score for both targets, from the chat model (greedy, so a rerun is the same)
    scored = [record for record in records if "source_en" not in record["flags"]]
    assert scored and all(isinstance(record["scores"].get("en"), float) and isinstance(record["scores"].get("zh"), float)
                          for record in scored)
    report = json.loads((article / "report.json").read_text(encoding="utf-8"))
    models = report["models"]
    assert models["id-en"]["name"] == str(folder) and models["id-en"]["family"] == family
    assert models["id-zh"]["family"] == family and "en-zh" not in models  # the chat model took the English too
    assert models["id-en"]["revision"].startswith("local:")


def test_the_report_records_the_licence_of_the_model_card_loaded(chat_models: dict[str, Path], tmp_path: Path):
    import shutil

    folder = tmp_path / "hy-mt2-like"
    shutil.copytree(chat_models["hunyuan_v1_dense"], folder)
    (folder / "README.md").write_text("---\nlicense: apache-2.0\nlanguage:\n- id\n---\n# A model\n", encoding="utf-8")
    translator = ModelPool({"id-en": str(folder)}, "cpu", "transformers").get("id-en")
    assert translator.info.licence == "apache-2.0" and translator.info.as_dict()["licence"] == "apache-2.0"
    (folder / "README.md").write_text("# no front matter\n", encoding="utf-8")
    assert ModelPool({"id-zh": str(chat_models["qwen2"])}, "cpu", "transformers").get("id-zh").info.licence == ""


def test_a_chat_model_is_loaded_by_the_chat_translator_even_when_ctranslate2_is_asked(chat_models: dict[str, Path]):
    pool = ModelPool({"id-en": str(chat_models["qwen2"])}, "cpu", "ctranslate2")
    translator = pool.get("id-en")
    assert isinstance(translator, ChatTranslator) and translator.kind == "chat"
    assert translator.info.backend == "transformers"


def test_a_chat_translator_prompts_through_the_chat_template_with_the_sentence_last(chat_models: dict[str, Path]):
    translator = ChatTranslator(str(chat_models["hunyuan_v1_dense"]))
    prompt = translator.prompt("Kota Makassar menyambut tamu.", "id", "zh")
    ids = translator.runner.prompt_ids([{"role": "user", "content": prompt}])
    text = translator.runner.tokenizer.decode(ids)
    assert text.endswith("Kota Makassar menyambut tamu.<｜hy_Assistant｜>")
    assert "将以下文本翻译为中文" in text and "system" not in text.lower()
    first = translator.translate(["Kota Makassar menyambut tamu."], "id", "zh")
    again = translator.translate(["Kota Makassar menyambut tamu."], "id", "zh")
    assert first == again and first[0].score is not None and first[0].tokens > 0  # greedy: the same bytes


def test_context_is_cut_to_its_token_budget_from_the_oldest_sentence(chat_models: dict[str, Path]):
    from models.backends import SegmentHints
    from models.backends.chat import CONTEXT_TOKENS

    translator = ChatTranslator(str(chat_models["qwen2"]))
    long_sentence = " ".join(["kerja sama"] * CONTEXT_TOKENS)
    title, near = "Judul Rilis", "Kalimat sebelumnya."
    prompt = translator.prompt("Kalimat ini.", "id", "en", SegmentHints((title, long_sentence, near)))
    assert near in prompt and long_sentence not in prompt and title in prompt


def test_a_model_that_can_think_is_asked_to_answer_at_once(chat_models: dict[str, Path]):
    from models.chat import ChatModel
    from models.loading import load_model

    runner = ChatModel(load_model(str(chat_models["qwen3"]), kind="causal"))
    text = runner.tokenizer.decode(runner.prompt_ids([{"role": "user", "content": "Halo"}]))
    assert text.endswith("<|im_start|>assistant\n<think>\n\n</think>\n\n")
