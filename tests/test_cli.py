"""End to end through the real command line, as a user runs it."""

import json
import re
from pathlib import Path

from pipeline.reading import read_article
from pipeline.sentences import split_article
from tests.conftest import run_cli

ENGLISH_ARTICLE = (
    "The Ministry of Health announced on Monday that a new vaccination programme will begin next month. "
    "The programme aims to reach every district in the country within two years, officials said. "
    "Hospitals and clinics have been asked to prepare cold storage and train additional staff.\n"
)


def _blocks(text: str) -> list[str]:
    return [block for block in text.strip("\n").split("\n\n") if block.strip()]


def test_sample_article_with_local_model_folders(tiny_models, sample_article, tmp_path: Path):
    out = tmp_path / "out"
    result = run_cli("translate", sample_article, "-o", out,
                     "--model", f"id-en={tiny_models['id-en']}", "--model", f"en-zh={tiny_models['en-zh']}")
    assert result.returncode == 0, result.stderr
    folder = out / sample_article.stem
    for name in ("en.txt", "zh.txt", "aligned.tsv", "aligned.jsonl", "summary.json", "report.json"):
        assert (folder / name).is_file(), name

    expected = split_article(read_article(sample_article))
    rows = (folder / "aligned.tsv").read_text(encoding="utf-8").splitlines()
    assert rows[0] == "block\tsentence\tkind\tid\ten\tzh\tflags"
    cells = [row.split("\t") for row in rows[1:]]
    assert [cell[3] for cell in cells] == [sentence.text for sentence in expected.sentences()]
    assert all(len(cell) == 7 and cell[4] and cell[5] for cell in cells)
    assert len(_blocks((folder / "en.txt").read_text(encoding="utf-8"))) == len(expected.blocks)
    assert len(_blocks((folder / "zh.txt").read_text(encoding="utf-8"))) == len(expected.blocks)

    jsonl = [json.loads(line) for line in (folder / "aligned.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [row["id"] for row in jsonl] == [cell[3] for cell in cells]
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert len(summary["sentences"]) == 3 and all(s["en"] and s["zh"] for s in summary["sentences"])
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    assert report["input"]["sha256"] and report["language"]["detected"] == "id"
    assert set(report["models"]) == {"id-en", "en-zh"}
    assert report["models"]["id-en"]["revision"].startswith("local:")
    assert report["counts"]["sentences"] == len(cells)


def test_default_model_ids_resolve_from_the_hub_cache(hub_cache, sample_article, tmp_path: Path):
    result = run_cli("translate", sample_article, "-o", tmp_path, "--offline", "--beams", "2")
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / sample_article.stem / "report.json").read_text(encoding="utf-8"))
    assert report["models"]["id-en"]["name"] == "Helsinki-NLP/opus-mt-id-en"
    assert report["models"]["id-en"]["revision"] == hub_cache["id-en"]
    assert report["models"]["en-zh"]["revision"] == hub_cache["en-zh"]
    assert report["settings"]["beams"] == 2


def test_bad_articles_fail_with_one_line_each_and_the_good_one_finishes(tiny_models, sample_article, tmp_path: Path):
    empty = tmp_path / "kosong.txt"
    empty.write_text("")
    binary = tmp_path / "gambar.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    english = tmp_path / "english.txt"
    english.write_text(ENGLISH_ARTICLE)
    out = tmp_path / "out"
    result = run_cli("translate", empty, binary, english, sample_article, "-o", out,
                     "--model", f"id-en={tiny_models['id-en']}", "--model", f"en-zh={tiny_models['en-zh']}")
    assert result.returncode == 1
    errors = [line for line in result.stdout.splitlines() if line.startswith("failed:")]
    assert any(str(empty) in line and "empty" in line for line in errors)
    assert any(str(binary) in line and "binary" in line for line in errors)
    assert any(str(english) in line and "not Indonesian" in line and "English (en)" in line
               and re.search(r"probability (0\.9\d|1\.00)", line) for line in errors), errors
    assert "Traceback" not in result.stderr
    assert (out / sample_article.stem / "report.json").is_file()
    assert not (out / "english").exists()


def test_source_lang_id_translates_an_english_article_anyway(tiny_models, tmp_path: Path):
    english = tmp_path / "english.txt"
    english.write_text(ENGLISH_ARTICLE)
    result = run_cli("translate", english, "-o", tmp_path / "out", "--source-lang", "id",
                     "--model", f"id-en={tiny_models['id-en']}", "--model", f"en-zh={tiny_models['en-zh']}")
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / "out" / "english" / "report.json").read_text(encoding="utf-8"))
    assert report["language"]["detected"] == "en" and report["language"]["requested"] == "id"


def test_missing_model_offline_is_one_clear_line(sample_article, tmp_path: Path):
    result = run_cli("translate", sample_article, "-o", tmp_path, "--offline", "--model", "id-en=Helsinki-NLP/opus-mt-id-fr")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Helsinki-NLP/opus-mt-id-fr" in lines[0] and "models download" in lines[0]


def test_usage_errors_exit_2(tmp_path: Path, sample_article):
    assert run_cli("translate", sample_article, "--targets", "fr").returncode == 2
    assert run_cli("translate", tmp_path / "no-such-file.txt").returncode == 2
    assert run_cli("translate", sample_article, "--model", "id-en").returncode == 2


def test_help_answers_without_loading_torch():
    import subprocess
    import sys

    from tests.model_factory import REPO

    code = "import sys, run; run.build_parser(); print('torch' in sys.modules, 'transformers' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert result.stdout.strip() == "False False"
    assert "translate" in run_cli("--help").stdout


def test_models_list_shows_pairs_and_cached_revisions(hub_cache):
    result = run_cli("models", "list", "--offline")
    assert result.returncode == 0, result.stderr
    assert f"id-en\tHelsinki-NLP/opus-mt-id-en\t{hub_cache['id-en']}" in result.stdout
    assert f"en-zh\tHelsinki-NLP/opus-mt-en-zh\t{hub_cache['en-zh']}" in result.stdout
