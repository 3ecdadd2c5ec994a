"""``warta eval`` (sacreBLEU, chrF) and the glossary check."""

import re
from pathlib import Path

import pytest

from models.tiny import REPO
from pipeline.article import Article, Block, Sentence
from pipeline.errors import InputError, UsageError
from pipeline.evaluation import evaluate
from pipeline.qa.glossary import check_glossary, load_glossary, missing_terms
from tests.support.cli import run_cli


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
    with pytest.raises(UsageError, match="align one to one"):
        evaluate(hypothesis, reference, ("en",))


@pytest.mark.slow
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


@pytest.mark.slow
def test_glossary_on_the_command_line_lands_in_the_report(tiny_models, sample_article, tmp_path: Path):
    import json

    result = run_cli("translate", sample_article, "-o", tmp_path, "--beams", "1", "--glossary", REPO / "data" / "glossary.tsv",
                     "--model", f"id-en={tiny_models['id-en']}", "--model", f"en-zh={tiny_models['en-zh']}")
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / sample_article.stem / "report.json").read_text(encoding="utf-8"))
    assert report["glossary"]["terms"] == len(load_glossary(REPO / "data" / "glossary.tsv").terms)
    # the tiny models know no glossary term: every rendering is enforced
    assert report["flags"].get("glossary", 0) == 0
    rows = [json.loads(line) for line in (tmp_path / sample_article.stem / "aligned.jsonl").read_text(encoding="utf-8").splitlines()]
    assert any("Belt and Road" in row["enforced"].get("zh", []) and "一带一路" in row["zh"] for row in rows)
    # no placeholder (pipeline.spans uses 901..999) is left in any translation
    assert not any(re.search(r"(?<!\d)9\d\d(?!\d)", row["en"] + row["zh"]) for row in rows)
    bad = tmp_path / "bad.tsv"
    bad.write_text("no header here\n")
    refused = run_cli("translate", sample_article, "-o", tmp_path / "x", "--glossary", bad)
    assert refused.returncode == 2 and "glossary" in refused.stderr and "Traceback" not in refused.stderr
    assert refused.stderr.count("\n") == 1


def test_a_spreadsheet_resaved_reference_scores_like_the_original(tmp_path: Path):
    # A reviewer's aligned.tsv saved again by a spreadsheet: cells holding quotes come back
    # wrapped in quotes with their own quotes doubled; read literally they cost BLEU points.
    rows = [('"Kami siap," kata dia.', '"We are ready," he said.', "“我们准备好了，”他说。"),
            ("Hari ini cerah.", 'The "Belt and Road" forum opened today.', "“一带一路”论坛今天开幕。"),
            ('Ia berkata, "Mari', 'He said, "Let us', "他说：“让我们"), ('mulai."', 'begin."', "开始吧。”")]
    hypothesis = _aligned(tmp_path / "out", rows)
    resaved = tmp_path / "resaved.tsv"
    lines = ["block\tsentence\tkind\tid\ten\tzh\tflags"]
    for n, row in enumerate(rows, 1):
        cells = ["1", str(n), "paragraph", *row, ""]
        lines.append("\t".join(f'"{cell.replace(chr(34), chr(34) * 2)}"' if '"' in cell else cell for cell in cells))
    resaved.write_text("\n".join(lines) + "\n", encoding="utf-8")
    scores = {(s.language, s.metric): s for s in evaluate(hypothesis, resaved, ("en", "zh"))}
    assert scores[("en", "BLEU")].score == 100.0 and scores[("en", "BLEU")].segments == 4
    assert scores[("zh", "chrF")].score == 100.0


@pytest.mark.slow
def test_an_english_only_output_is_scored_in_english_only(tmp_path: Path):
    hypothesis = _aligned(tmp_path / "out", [(source, en, "") for source, en, _ in ROWS])
    reference = _aligned(tmp_path / "ref", ROWS) / "aligned.tsv"
    assert {score.language for score in evaluate(hypothesis, reference)} == {"en"}
    result = run_cli("eval", hypothesis, reference)
    assert result.returncode == 0, result.stderr
    assert "en\tBLEU\t100.00" in result.stdout and "zh\t" not in result.stdout
    assert "no Chinese translations" in result.stderr
    with pytest.raises(InputError, match="every Chinese segment is empty"):
        evaluate(hypothesis, reference, ("zh",))


@pytest.mark.slow
def test_eval_mistakes_are_one_line_with_the_right_exit_status(tmp_path: Path):
    hypothesis = _aligned(tmp_path / "out", ROWS)
    text = tmp_path / "hyp.txt"
    text.write_text("The cat is sleeping.\nToday is sunny.\n", encoding="utf-8")
    short = tmp_path / "ref.txt"
    short.write_text("One line.\n", encoding="utf-8")
    empty_text, empty_tsv = tmp_path / "empty.txt", tmp_path / "empty.tsv"
    empty_text.write_text("")
    empty_tsv.write_text("")
    cases = [
        (("eval", text, text), 2, "--lang"),  # plain text holds one language: which?
        (("eval", hypothesis, short, "--lang", "en"), 2, "align one to one"),
        (("eval", empty_text, empty_text, "--lang", "en"), 1, f"{empty_text}: no English segments"),
        (("eval", empty_tsv, empty_tsv), 1, f"{empty_tsv}: the file is empty"),
    ]
    for args, status, message in cases:
        result = run_cli(*args)
        assert (result.returncode, result.stdout) == (status, ""), (args, result.stderr)
        assert result.stderr.startswith("warta: ") and result.stderr.count("\n") == 1 and message in result.stderr, result.stderr


def _glossary(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "glossary.tsv"
    path.write_text(text, encoding="utf-8")
    return path


def test_glossary_comments_notes_and_the_spreadsheet_form(tmp_path: Path):
    glossary = load_glossary(_glossary(tmp_path, (
        "# the office's terms\n"
        "id\ten\tzh\tnote\n"
        "Tiongkok\tChina\t中国\tnot 'Tiongkok' in English\n"
        "\n"
        "# ministries\n"
        '"Kementerian ""Kesehatan"""\tMinistry of Health\t卫生部\t\n'
        "  ## hashtags\n"
        "#\n"
        "#SulselSehat\t#SulselSehat\t#SulselSehat\t\n"  # a term, not a comment
    )))
    assert [(t.id, t.en, t.zh) for t in glossary.terms] == [
        ("Tiongkok", "China", "中国"), ('Kementerian "Kesehatan"', "Ministry of Health", "卫生部"),
        ("#SulselSehat", "#SulselSehat", "#SulselSehat")]


@pytest.mark.parametrize("text, message", [
    ("id\ten\tzh\nTiongkok\tChina\t中国\nPemerintah Kota Makassar Makassar City Government\n", "line 3: no tab"),
    ("id\ten\tzh\n\tChina\t中国\n", "line 2: the id cell"),
    ("id\ten\tzh\nTiongkok\t\t\n", "line 2: 'Tiongkok' has neither"),
    ("id\ten\tzh\nTiongkok\tChina\t中国\textra\n", "line 2: 4 cells for 3 columns"),
    ("id\ten\tzh\tcomment\nTiongkok\tChina\t中国\t\n", "line 1: unknown column(s) comment"),
    ("term\ten\nTiongkok\tChina\n", "header row with the columns id, en, zh"),
    ("# only a comment\nid\ten\tzh\n", "no terms"),
    ('id\ten\tzh\n"Makassar\tMakassar\t望加锡\nTiongkok\tChina\t中国\n', 'line 2: a stray double quote opens the id cell "Makassar'),
    ('id\ten\tzh\nTiongkok\tChina\t中国\nMakassar\tMakassar\t"望加锡\n', 'line 3: a stray double quote opens the zh cell "望加锡'),
])
def test_a_malformed_glossary_line_is_named_by_its_number(tmp_path: Path, text: str, message: str):
    path = _glossary(tmp_path, text)
    with pytest.raises(UsageError) as raised:
        load_glossary(path)
    assert str(raised.value).startswith(str(path)) and message in str(raised.value)
