"""The reviewer's loop end to end: translate, correct, ``memory add``, translate with ``--memory``."""

import json
from pathlib import Path

import pytest

import run
from models.backends.base import BatchedTranslator
from pipeline.outputs.rows import TSV_COLUMNS

ARTICLE = (
    "Pemerintah Kota Makassar meluncurkan program kesehatan baru pada 29 Mei 2025.\n\n"
    "Program ini diikuti oleh 1.200 warga di seluruh kota. Wali kota meninjau rumah sakit daerah.\n\n"
    "Informasi lebih lanjut dapat menghubungi Dinas Kesehatan Kota Makassar di nomor 0411-123456.\n"
)
# Repeats one corrected sentence word for word (with other spacing and quotes) and one
# nearly (another verb): the first is taken from the memory, the second only suggested.
SECOND = (
    "Dinas Kesehatan membuka posko baru di pelabuhan.\n\n"
    "Informasi  lebih lanjut dapat menghubungi Dinas Kesehatan Kota Makassar di nomor 0411-123456.\n\n"
    "Pemerintah Kota Makassar meresmikan program kesehatan baru pada 29 Mei 2025.\n"
)


def _rows(folder: Path) -> list[dict]:
    return [json.loads(line) for line in (folder / "aligned.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def sent_to_models(monkeypatch) -> list[str]:
    """Every segment any model is asked to translate, in this process."""
    sent: list[str] = []
    original = BatchedTranslator.translate

    def recording(self, texts, *args, **kwargs):
        sent.extend(texts)
        return original(self, texts, *args, **kwargs)

    monkeypatch.setattr(BatchedTranslator, "translate", recording)
    return sent


def test_corrections_go_into_the_memory_and_replace_the_models_next_time(tiny_models, tmp_path: Path, sent_to_models, capsys):
    models = [arg for pair, path in tiny_models.items() for arg in ("--model", f"{pair}={path}")]
    common = [*models, "--backend", "transformers", "--beams", "1", "--source-lang", "id", "--formats", "jsonl,tsv,html", "-q"]
    (tmp_path / "in").mkdir()
    first = tmp_path / "in" / "first.txt"
    first.write_text(ARTICLE, encoding="utf-8")
    assert run.main(["translate", str(first), "-o", str(tmp_path / "out"), *common]) == 0
    rows = _rows(tmp_path / "out" / "first")
    assert all(set(row["scores"]) == {"en", "zh"} for row in rows)  # every machine row is scored
    # the pivot's Chinese carries both steps: its (negative) log-probabilities add up
    assert all(row["scores"]["zh"] < row["scores"]["en"] < 0 for row in rows), [row["scores"] for row in rows]
    weakest = min(range(len(rows)), key=lambda i: rows[i]["scores"]["en"])
    tied = [row for row in rows if abs(row["scores"]["en"] - rows[weakest]["scores"]["en"]) < 1e-6]
    if len(tied) == 1:  # the weakest row stands alone: flagged, and the JSONL says for which target
        assert "low_confidence" in rows[weakest]["flags"] and "en" in rows[weakest]["qa"]["low_confidence"]
    else:  # a random tiny model can give two rows the same score: a tie past the share is not flagged
        assert not any("en" in row["qa"].get("low_confidence", []) for row in tied)

    # The reviewer edits two rows, approves one and leaves one alone (the page's export).
    edited = {0: ("The City of Makassar launched a new health programme on 29 May 2025.", "望加锡市于2025年5月29日启动新卫生计划。"),
              3: ("For more information contact the Makassar City Health Office on 0411-123456.", "详情请致电望加锡市卫生局0411-123456。")}
    lines = ["\t".join((*TSV_COLUMNS, "status"))]
    for index, row in enumerate(rows):
        en, zh = edited.get(index, (row["en"], row["zh"]))
        status = "edited" if index in edited else "approved" if index == 1 else ""
        lines.append("\t".join(str(value) for value in (row["block"], row["sentence"], row["kind"], row["id"], en, zh, row["flags"], status)))
    corrections = tmp_path / "corrections.tsv"
    corrections.write_text("\n".join(lines) + "\n", encoding="utf-8")
    memory = tmp_path / "tm.sqlite"
    assert run.main(["memory", "add", str(corrections), "--memory", str(memory)]) == 0
    assert "3 entries in all" in capsys.readouterr().out

    second = tmp_path / "in" / "second.txt"
    second.write_text(SECOND, encoding="utf-8")
    sent_to_models.clear()
    assert run.main(["translate", str(tmp_path / "in"), "-o", str(tmp_path / "out"), *common, "--memory", str(memory), "--force"]) == 0

    again = _rows(tmp_path / "out" / "first")
    for index, (en, zh) in edited.items():
        assert (again[index]["en"], again[index]["zh"]) == (en, zh)
        assert "memory" in again[index]["flags"].split(",") and again[index]["scores"] == {}
    assert again[1]["en"] == rows[1]["en"] and "memory" in again[1]["flags"]  # approved as it was
    assert "memory" not in again[2]["flags"] and set(again[2]["scores"]) == {"en", "zh"}
    repeated = _rows(tmp_path / "out" / "second")
    assert (repeated[1]["en"], repeated[1]["zh"]) == edited[3] and "memory" in repeated[1]["flags"]
    near = repeated[2]
    assert "memory" not in near["flags"] and near["suggestion"]["en"] == edited[0][0] and near["suggestion"]["similarity"] >= 85
    # Not one remembered sentence (nor its remembered English) went to a model; the others did.
    remembered = {rows[i]["id"] for i in (0, 1, 3)} | {edited[0][0], edited[3][0], rows[1]["en"]}
    assert not remembered & set(sent_to_models)
    assert rows[2]["id"] in sent_to_models and SECOND.splitlines()[0] in sent_to_models
    assert near["id"] in sent_to_models
    report = json.loads((tmp_path / "out" / "second" / "report.json").read_text(encoding="utf-8"))
    assert report["memory"]["path"] == str(memory) and report["memory"]["entries"] == 3
    page = (tmp_path / "out" / "second" / "review.html").read_text(encoding="utf-8")
    assert edited[0][0] in page  # the suggestion is on the page

    # A memory that grew redoes the articles without --force: the batch fingerprint has it.
    extra = tmp_path / "extra.tsv"
    extra.write_text(f"id\ten\tzh\n{rows[2]['id']}\tThe mayor inspected the regional hospital.\t市长视察了地区医院。\n", encoding="utf-8")
    assert run.main(["memory", "add", str(extra), "--memory", str(memory), "--all"]) == 0
    assert run.main(["translate", str(first), "-o", str(tmp_path / "out"), *common, "--memory", str(memory)]) == 0
    assert _rows(tmp_path / "out" / "first")[2]["en"] == "The mayor inspected the regional hospital."

    capsys.readouterr()
    assert run.main(["memory", "stats", "--memory", str(memory)]) == 0
    assert "entries\t4" in capsys.readouterr().out
    exported = tmp_path / "tm.tmx"
    assert run.main(["memory", "export", "--memory", str(memory), "-o", str(exported)]) == 0
    assert exported.read_text(encoding="utf-8").count("<tu ") == 4


def test_the_same_memory_by_another_path_redoes_nothing(tiny_models, tmp_path: Path, sent_to_models, capsys, monkeypatch) -> None:
    models = [arg for pair, path in tiny_models.items() for arg in ("--model", f"{pair}={path}")]
    common = [*models, "--backend", "transformers", "--beams", "1", "--source-lang", "id", "--formats", "jsonl", "-q"]
    article = tmp_path / "rilis.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    listing = tmp_path / "list.tsv"
    listing.write_text(f"id\ten\n{ARTICLE.splitlines()[0]}\tThe city launched a programme.\n", encoding="utf-8")
    memory = tmp_path / "tm.sqlite"
    assert run.main(["memory", "add", str(listing), "--all", "--memory", str(memory)]) == 0
    assert run.main(["translate", str(article), "-o", str(tmp_path / "out"), *common, "--memory", str(memory)]) == 0
    assert _rows(tmp_path / "out" / "rilis")[0]["en"] == "The city launched a programme."
    capsys.readouterr()
    sent_to_models.clear()
    monkeypatch.chdir(tmp_path)
    assert run.main(["translate", "rilis.txt", "-o", "out", *common, "--memory", "./tm.sqlite"]) == 0
    summary = capsys.readouterr().out
    assert "skipped      1" in summary and "done         0" in summary, summary
    assert sent_to_models == []
