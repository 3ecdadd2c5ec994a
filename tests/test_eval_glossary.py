"""``warta eval`` (sacreBLEU, chrF) and the glossary check."""

from pathlib import Path

import pytest

from pipeline.article import Article, Block, Sentence
from pipeline.errors import InputError
from pipeline.evaluation import evaluate
from pipeline.glossary import check_glossary, load_glossary, missing_terms
from tests.conftest import run_cli
from tests.model_factory import REPO


def _aligned(folder: Path, rows: list[tuple[str, str, str]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["block\tsentence\tkind\tid\ten\tzh\tflags"]
    lines += [f"1\t{n}\tparagraph\t{source}\t{en}\t{zh}\t" for n, (source, en, zh) in enumerate(rows, 1)]
    (folder / "aligned.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


ROWS = [("Kucing itu tidur.", "The cat is sleeping.", "猫在睡觉。"), ("Hari ini cerah.", "Today is sunny.", "今天天气晴朗。")]


def test_identical_translations_score_100_and_the_signature_is_printed(tmp_path: Path):
    hypothesis = _aligned(tmp_path / "out", ROWS)
    reference = _aligned(tmp_path / "ref", ROWS) / "aligned.tsv"
    scores = {(s.language, s.metric): s for s in evaluate(hypothesis, reference, ("en", "zh"))}
    assert scores[("en", "BLEU")].score == 100.0 and scores[("zh", "chrF")].score == 100.0
    assert "tok:zh" in scores[("zh", "BLEU")].signature and "tok:13a" in scores[("en", "BLEU")].signature


def test_worse_translations_score_lower_and_counts_must_match(tmp_path: Path):
    hypothesis = _aligned(tmp_path / "out", [("a", "A dog runs.", "狗"), ("b", "Rain.", "雨")])
    reference = tmp_path / "ref.en.txt"
    reference.write_text("The cat is sleeping.\nToday is sunny.\n", encoding="utf-8")
    [bleu, chrf] = evaluate(hypothesis, reference, ("en",))
    assert bleu.score < 20 and chrf.score < 40
    reference.write_text("Only one line.\n", encoding="utf-8")
    with pytest.raises(InputError, match="align one to one"):
        evaluate(hypothesis, reference, ("en",))


def test_eval_command_line(tmp_path: Path):
    hypothesis = _aligned(tmp_path / "out", ROWS)
    reference = _aligned(tmp_path / "ref", ROWS) / "aligned.tsv"
    result = run_cli("eval", hypothesis, reference)
    assert result.returncode == 0, result.stderr
    assert "en\tBLEU\t100.00\t2 segments\t" in result.stdout and "zh\tchrF\t100.00" in result.stdout


def test_shipped_glossary_and_the_flag(tmp_path: Path):
    glossary = load_glossary(REPO / "data" / "glossary.tsv")
    source = "Kerja sama dengan Tiongkok di bidang teknologi minimal invasif terus diperkuat."
    assert [t.id for t in missing_terms(source, "Cooperation with China in minimally invasive technology grows.", "en", glossary)] == []
    assert [t.id for t in missing_terms(source, "Cooperation with the PRC in keyhole surgery grows.", "en", glossary)] == [
        "teknologi minimal invasif", "Tiongkok"]
    assert missing_terms(source, "与中国在微创技术领域的合作不断加强。", "zh", glossary) == []
    sentence = Sentence(source, en="Cooperation with the PRC grows.", zh="与中国在微创技术领域的合作不断加强。")
    article = Article(source=None, name="t", blocks=[Block("paragraph", source, sentences=[sentence])])
    check_glossary(article, glossary, ("en", "zh"))
    check_glossary(article, glossary, ("en", "zh"))  # twice: no duplicates
    assert sentence.flags == ["glossary"] and sentence.qa == {"glossary": ["en"]}


def test_glossary_on_the_command_line_lands_in_the_report(tiny_models, sample_article, tmp_path: Path):
    import json

    result = run_cli("translate", sample_article, "-o", tmp_path, "--beams", "1", "--glossary", REPO / "data" / "glossary.tsv",
                     "--model", f"id-en={tiny_models['id-en']}", "--model", f"en-zh={tiny_models['en-zh']}")
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / sample_article.stem / "report.json").read_text(encoding="utf-8"))
    assert report["glossary"]["terms"] == 5
    assert report["flags"]["glossary"] > 0  # the tiny models know no glossary term
    bad = tmp_path / "bad.tsv"
    bad.write_text("no header here\n")
    refused = run_cli("translate", sample_article, "-o", tmp_path / "x", "--glossary", bad)
    assert refused.returncode == 1 and "glossary" in refused.stderr and "Traceback" not in refused.stderr
