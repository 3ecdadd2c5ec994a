"""Writing an article's outputs: the file contracts of docs/design.md, checked on real files."""

import hashlib
import json
import os
import stat
from pathlib import Path

import pytest

from pipeline.article import Article, SummarySentence
from pipeline.files import write_atomic
from pipeline.language import check_article_language
from pipeline.outputs import write_article
from pipeline.outputs.report import RunInfo, build_report, render_summary
from pipeline.outputs.rows import TSV_COLUMNS, render_jsonl, render_tsv
from pipeline.outputs.text import render_translation
from pipeline.reading import parse_article_bytes
from pipeline.sentences import split_article
from pipeline.summary import summarize_article

SOURCE = """# Delegasi Makassar Kunjungi Guangzhou

Pada tanggal 29 Mei 2025, sejumlah pakar onkologi dari Makassar mengunjungi Modern Cancer Hospital Guangzhou. Kunjungan ini bertujuan mendorong inovasi teknologi minimal invasif.

## Upacara Penyambutan

Kepala rumah sakit menyampaikan sambutan hangat. Kedua belah pihak sepakat membangun mekanisme diskusi reguler.

- Kunjungan ke ruang bedah.
- Kuliah tentang pengobatan presisi.
"""  # noqa: E501 - a paragraph is one line of the release

ENGLISH = {
    (1, 1): "Makassar delegation visits Guangzhou",
    (2, 1): "On 29 May 2025, oncology experts from Makassar visited Modern Cancer Hospital Guangzhou.",
    (2, 2): "The visit aims to promote minimally invasive technology.",
    (3, 1): "Welcome ceremony",
    (4, 1): "The hospital director gave a warm welcome speech.",
    (4, 2): "Both sides agreed to build a regular discussion mechanism.",
    (5, 1): "A visit to the operating room.",
    (6, 1): "A lecture on precision medicine.",
}
CHINESE = {
    (1, 1): "望加锡代表团访问广州",
    (2, 1): "2025年5月29日，望加锡肿瘤专家访问了广州现代肿瘤医院。",
    (2, 2): "此次访问旨在推动微创技术。",
    (3, 1): "欢迎仪式",
    (4, 1): "医院院长致欢迎辞。",
    (4, 2): "双方同意建立定期讨论机制。",
    (5, 1): "参观手术室。",
    (6, 1): "精准医疗讲座。",
}


def translated_article(source: str = SOURCE) -> Article:
    """The sample release read, split, checked, 'translated' by hand and summarized."""
    article = parse_article_bytes(source.encode("utf-8"), name="delegasi", source=Path("in/delegasi.md"), markdown=True)
    split_article(article)
    check_article_language(article, "auto")
    for block_number, sentence_number, _block, sentence in article.numbered_sentences():
        sentence.en = ENGLISH[(block_number, sentence_number)]
        sentence.zh = CHINESE[(block_number, sentence_number)]
    article.sentences()[2].add_flag("split")
    article.sentences()[2].add_flag("untranslated_number")
    article.sentences()[5].add_flag("split")
    summarize_article(article, 2)
    article.timings = {"sentences": 0.0012345, "language": 0.5, "translate": 2.123456789}
    return article


def tsv_rows(text: str) -> list[list[str]]:
    assert text.endswith("\n")
    return [line.split("\t") for line in text[:-1].split("\n")]


# --- aligned.tsv --------------------------------------------------------------------------------


def test_tsv_has_the_exact_header_and_one_row_per_sentence_in_order() -> None:
    article = translated_article()

    rows = tsv_rows(render_tsv(article))

    assert rows[0] == ["block", "sentence", "kind", "id", "en", "zh", "flags"]
    assert tuple(rows[0]) == TSV_COLUMNS
    assert rows[1:] == [
        ["1", "1", "title", "Delegasi Makassar Kunjungi Guangzhou", ENGLISH[(1, 1)], CHINESE[(1, 1)], ""],
        [
            "2", "1", "paragraph",
            "Pada tanggal 29 Mei 2025, sejumlah pakar onkologi dari Makassar mengunjungi Modern Cancer Hospital Guangzhou.",
            ENGLISH[(2, 1)], CHINESE[(2, 1)], "",
        ],
        ["2", "2", "paragraph", "Kunjungan ini bertujuan mendorong inovasi teknologi minimal invasif.",
         ENGLISH[(2, 2)], CHINESE[(2, 2)], "split,untranslated_number"],
        ["3", "1", "heading", "Upacara Penyambutan", ENGLISH[(3, 1)], CHINESE[(3, 1)], ""],
        ["4", "1", "paragraph", "Kepala rumah sakit menyampaikan sambutan hangat.", ENGLISH[(4, 1)], CHINESE[(4, 1)], ""],
        ["4", "2", "paragraph", "Kedua belah pihak sepakat membangun mekanisme diskusi reguler.",
         ENGLISH[(4, 2)], CHINESE[(4, 2)], "split"],
        ["5", "1", "list_item", "Kunjungan ke ruang bedah.", ENGLISH[(5, 1)], CHINESE[(5, 1)], ""],
        ["6", "1", "list_item", "Kuliah tentang pengobatan presisi.", ENGLISH[(6, 1)], CHINESE[(6, 1)], ""],
    ]


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        pytest.param("a\tb", "a b", id="tab"),
        pytest.param("a\nb", "a b", id="newline"),
        pytest.param("a\r\nb", "a b", id="crlf"),
        pytest.param("a\rb", "a b", id="cr"),
        pytest.param("a\u2028b\u2029c", "a b c", id="unicode-line-separators"),
        pytest.param("a\x85b\x0bc\x0cd", "a b c d", id="nel-vt-ff"),
        pytest.param('"quoted", \\ backslash', '"quoted", \\ backslash', id="no-quoting"),
    ],
)
def test_tsv_turns_tabs_and_line_breaks_into_spaces_without_quoting(text: str, cell: str) -> None:
    article = translated_article()
    sentence = article.sentences()[1]
    sentence.en = text
    sentence.zh = f"中{text}文"

    rendered = render_tsv(article)

    # Read back the way corpus tools do: one row a line, seven fields a row.
    lines = rendered.splitlines()
    assert len(lines) == 1 + len(article.sentences())
    assert all(len(line.split("\t")) == 7 for line in lines)
    assert lines[2].split("\t")[4:6] == [cell, f"中{cell}文"]


# --- aligned.jsonl ------------------------------------------------------------------------------


def test_jsonl_has_the_rows_of_the_tsv_as_objects() -> None:
    article = translated_article()

    objects = [json.loads(line) for line in render_jsonl(article).splitlines()]
    rows = tsv_rows(render_tsv(article))

    assert len(objects) == len(rows) - 1 == len(article.sentences())
    for obj, row in zip(objects, rows[1:]):
        assert list(obj)[:7] == list(TSV_COLUMNS)
        assert [str(obj[column]) for column in TSV_COLUMNS] == row
        assert isinstance(obj["block"], int) and isinstance(obj["sentence"], int)
        assert obj["source_lang"] == "id"
    assert objects[2]["flags"] == "split,untranslated_number"


def test_jsonl_keeps_texts_exactly_one_object_a_line() -> None:
    article = translated_article()
    texts = ["a\tb\nc", "x\u2028y\u2029z\x85w", "中文"]
    for sentence, text in zip(article.sentences(), texts):
        sentence.en = text

    rendered = render_jsonl(article)

    assert rendered.endswith("\n")
    lines = rendered.splitlines()
    assert len(lines) == len(article.sentences())
    assert [json.loads(line)["en"] for line in lines[:3]] == texts
    assert "中文" in lines[2]  # not \\u-escaped: readable as it is


# --- en.txt / zh.txt ----------------------------------------------------------------------------


def test_english_translation_keeps_block_structure_and_markers() -> None:
    article = translated_article()

    assert render_translation(article, "en") == (
        "# Makassar delegation visits Guangzhou\n"
        "\n"
        "On 29 May 2025, oncology experts from Makassar visited Modern Cancer Hospital Guangzhou. "
        "The visit aims to promote minimally invasive technology.\n"
        "\n"
        "## Welcome ceremony\n"
        "\n"
        "The hospital director gave a warm welcome speech. Both sides agreed to build a regular discussion mechanism.\n"
        "\n"
        "- A visit to the operating room.\n"
        "\n"
        "- A lecture on precision medicine.\n"
    )


def test_chinese_translation_joins_sentences_without_spaces() -> None:
    article = translated_article()

    assert render_translation(article, "zh") == (
        "# 望加锡代表团访问广州\n"
        "\n"
        "2025年5月29日，望加锡肿瘤专家访问了广州现代肿瘤医院。此次访问旨在推动微创技术。\n"
        "\n"
        "## 欢迎仪式\n"
        "\n"
        "医院院长致欢迎辞。双方同意建立定期讨论机制。\n"
        "\n"
        "- 参观手术室。\n"
        "\n"
        "- 精准医疗讲座。\n"
    )


def test_plain_text_layout_has_no_markers_and_keeps_numbered_list_markers() -> None:
    source = (
        "Delegasi Makassar Kunjungi Guangzhou\n"
        "Pakar onkologi dari Makassar mengunjungi rumah sakit. Kunjungan berlangsung hangat.\n"
        "Agenda Kunjungan\n"
        "1) Kunjungan ke ruang bedah.\n"
        "2. Kuliah tentang pengobatan presisi.\n"
    )
    article = split_article(parse_article_bytes(source.encode(), name="plain"))
    assert [(block.kind, block.marker) for block in article.blocks] == [
        ("title", ""), ("paragraph", ""), ("heading", ""), ("list_item", "1)"), ("list_item", "2."),
    ]
    for number, sentence in enumerate(article.sentences(), start=1):
        sentence.en, sentence.zh = f"S{number}.", f"句{number}。"

    assert render_translation(article, "en") == "S1.\n\nS2. S3.\n\nS4.\n\n1) S5.\n\n2. S6.\n"
    assert render_translation(article, "zh") == "句1。\n\n句2。句3。\n\n句4。\n\n1) 句5。\n\n2. 句6。\n"


# --- summary.json and report.json ---------------------------------------------------------------


def test_summary_json_lists_sentences_in_three_languages_with_their_source() -> None:
    article = translated_article()
    article.summary = [
        SummarySentence(2, 1, "Kalimat satu.", "Sentence one.", "第一句。"),
        SummarySentence(4, 2, "Kalimat dua.", "Sentence two.", "第二句。"),
    ]

    rendered = render_summary(article)

    assert rendered.endswith("\n")
    assert "第一句" in rendered  # written as UTF-8, not escaped
    assert json.loads(rendered) == {
        "method": "extractive",
        "sentences": [
            {"id": "Kalimat satu.", "en": "Sentence one.", "zh": "第一句。", "sources": [{"block": 2, "sentence": 1}], "flags": []},
            {"id": "Kalimat dua.", "en": "Sentence two.", "zh": "第二句。", "sources": [{"block": 4, "sentence": 2}], "flags": []},
        ],
    }


def test_summary_json_of_a_written_summary_names_the_model_and_its_sources_and_flags() -> None:
    article = translated_article()
    article.summary = [SummarySentence(2, 1, "Kalimat satu.", "Sentence one.", "第一句。", [(2, 1), (4, 2)], ["unsupported"])]
    article.summary_method = "abstractive"
    article.summary_model = {"name": "Qwen/Qwen2.5-1.5B-Instruct", "revision": "a" * 40, "family": "qwen2"}

    summary = json.loads(render_summary(article))

    assert summary["method"] == "abstractive" and summary["model"] == "Qwen/Qwen2.5-1.5B-Instruct"
    assert summary["revision"] == "a" * 40
    assert summary["sentences"][0]["sources"] == [{"block": 2, "sentence": 1}, {"block": 4, "sentence": 2}]
    assert summary["sentences"][0]["flags"] == ["unsupported"]


def test_empty_summary_renders_an_empty_list() -> None:
    article = translated_article()
    article.summary = []

    assert json.loads(render_summary(article)) == {"method": "extractive", "sentences": []}


def test_report_says_how_the_outputs_were_made() -> None:
    article = translated_article()
    article.warnings.append("a reviewer should know this")
    run_info = RunInfo(warta_version="9.9", models={"id-en": {"name": "tiny"}}, settings={"beams": 4})

    report = build_report(article, run_info)

    assert report["warta_version"] == "9.9"
    assert report["models"] == {"id-en": {"name": "tiny"}}
    assert report["settings"] == {"beams": 4}
    assert report["input"] == {
        "path": "in/delegasi.md",
        "name": "delegasi",
        "sha256": hashlib.sha256(SOURCE.encode("utf-8")).hexdigest(),
        "encoding": "utf-8",
    }
    assert report["language"]["requested"] == "auto"
    assert report["language"]["detected"] == "id"
    assert report["language"]["english_sentences"] == 0
    assert report["counts"] == {"blocks": 6, "sentences": 8, "english_source_sentences": 0, "split_sentences": 2}
    assert report["timings"] == {"sentences": 0.0012, "language": 0.5, "translate": 2.1235}
    assert report["flags"] == {"split": 2, "untranslated_number": 1}
    assert report["warnings"] == ["a reviewer should know this"]
    json.dumps(report)  # serialisable as it is
    assert json.loads(json.dumps(report, ensure_ascii=False)) == report


def test_report_counts_english_source_sentences() -> None:
    article = translated_article()
    article.sentences()[3].lang = "en"

    assert build_report(article, RunInfo(warta_version="test"))["counts"]["english_source_sentences"] == 1


# --- writing files ------------------------------------------------------------------------------


def test_write_atomic_replaces_content_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    target = tmp_path / "out" / "en.txt"

    write_atomic(target, "first\n")
    assert target.read_text(encoding="utf-8") == "first\n"
    write_atomic(target, "kedua — 第二\n")
    assert target.read_bytes() == "kedua — 第二\n".encode()
    write_atomic(target, b"\x00raw bytes")
    assert target.read_bytes() == b"\x00raw bytes"

    assert sorted(path.name for path in target.parent.iterdir()) == ["en.txt"]


def test_write_atomic_gives_files_the_usual_permissions(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        write_atomic(tmp_path / "report.json", "{}\n")
    finally:
        os.umask(previous)

    assert stat.S_IMODE((tmp_path / "report.json").stat().st_mode) == 0o644


def test_write_atomic_failure_keeps_the_old_file_and_no_temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "aligned.tsv"
    write_atomic(target, "old\n")

    def failing_replace(source: object, destination: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="No space left"):
        write_atomic(target, "new\n")

    assert target.read_text() == "old\n"
    assert [path.name for path in tmp_path.iterdir()] == ["aligned.tsv"]


def test_write_article_writes_exactly_the_contract_files(tmp_path: Path) -> None:
    article = translated_article()
    folder = tmp_path / "out" / "delegasi"

    written = write_article(article, folder, RunInfo(warta_version="9.9"), ("en", "zh"))

    names = ["en.txt", "zh.txt", "en.docx", "zh.docx", "aligned.tsv", "aligned.jsonl", "aligned.xlsx",
             "article.tmx", "summary.json", "review.html", "bilingual.docx", "report.json"]
    assert sorted(path.name for path in folder.iterdir()) == sorted(names)
    assert [path.name for path in written] == names  # the report last: it says the rest is complete
    assert all(path.parent == folder for path in written)
    assert (folder / "en.txt").read_text(encoding="utf-8") == render_translation(article, "en")
    assert (folder / "zh.txt").read_text(encoding="utf-8") == render_translation(article, "zh")
    assert (folder / "aligned.tsv").read_text(encoding="utf-8") == render_tsv(article)
    assert (folder / "aligned.jsonl").read_text(encoding="utf-8") == render_jsonl(article)
    assert json.loads((folder / "summary.json").read_text(encoding="utf-8"))["sentences"][0]["en"] == ENGLISH[(2, 1)]
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    assert report["warta_version"] == "9.9"
    assert report["counts"]["sentences"] == 8
    # Aligned: every text file and table row holds the same eight sentences.
    tsv = tsv_rows((folder / "aligned.tsv").read_text(encoding="utf-8"))[1:]
    jsonl = [json.loads(line) for line in (folder / "aligned.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [row[4] for row in tsv] == [row["en"] for row in jsonl] == list(ENGLISH.values())
    assert [row[5] for row in tsv] == [row["zh"] for row in jsonl] == list(CHINESE.values())
    en_text = (folder / "en.txt").read_text(encoding="utf-8")
    assert all(sentence in en_text for sentence in ENGLISH.values())


def test_write_article_writes_only_the_target_languages_text(tmp_path: Path) -> None:
    article = translated_article()

    written = write_article(article, tmp_path, RunInfo(warta_version="test"), ("en",))

    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "aligned.jsonl", "aligned.tsv", "aligned.xlsx", "article.tmx", "bilingual.docx", "en.docx", "en.txt", "report.json",
        "review.html", "summary.json",
    ]
    assert [path.name for path in written][-1] == "report.json"


def test_write_article_overwrites_a_previous_run(tmp_path: Path) -> None:
    article = translated_article()
    write_article(article, tmp_path, RunInfo(warta_version="test"), ("en", "zh"))
    article.sentences()[0].en = "Changed title"

    write_article(article, tmp_path, RunInfo(warta_version="test"), ("en", "zh"))

    assert (tmp_path / "en.txt").read_text(encoding="utf-8").startswith("# Changed title\n\n")
    assert len(list(tmp_path.iterdir())) == 12  # replaced in place, no temporary files left


# --- text that looks like markup stays text -----------------------------------------------------

MARKUP = "Pakar berkata <script>alert(1)</script> & ]]> selesai."


def test_markup_in_texts_comes_out_literally(tmp_path: Path) -> None:
    article = translated_article()
    sentence = article.sentences()[5]  # block 4, sentence 2
    sentence.text = MARKUP
    sentence.en = "Expert said <script>alert(1)</script> & ]]> done."
    sentence.zh = "专家说<script>alert(1)</script> & ]]>完毕。"

    write_article(article, tmp_path, RunInfo(warta_version="test"), ("en", "zh"))

    tsv = (tmp_path / "aligned.tsv").read_text(encoding="utf-8")
    assert tsv.splitlines()[6].split("\t")[3:6] == [MARKUP, sentence.en, sentence.zh]
    jsonl = (tmp_path / "aligned.jsonl").read_text(encoding="utf-8")
    assert "<script>alert(1)</script> & ]]>" in jsonl.splitlines()[5]
    assert json.loads(jsonl.splitlines()[5])["id"] == MARKUP
    en_text = (tmp_path / "en.txt").read_text(encoding="utf-8")
    zh_text = (tmp_path / "zh.txt").read_text(encoding="utf-8")
    assert "The hospital director gave a warm welcome speech. Expert said <script>alert(1)</script> & ]]> done.\n" in en_text
    assert "医院院长致欢迎辞。专家说<script>alert(1)</script> & ]]>完毕。\n" in zh_text
    for name in ("en.txt", "zh.txt", "aligned.tsv", "aligned.jsonl"):
        content = (tmp_path / name).read_text(encoding="utf-8")
        assert "&lt;" not in content and "&amp;" not in content and "<![CDATA[" not in content


# --- joining a block's sentences; English source sentences -------------------------------------


def test_sentences_of_a_block_join_by_what_meets_between_them() -> None:
    article = translated_article()
    first, second = article.blocks[1].sentences
    # Chinese sentences ending and starting in Latin text: not glued into one word
    first.zh, second.zh = "会议在Makassar举行，主题是Belt and Road", "Expo 2025将于6月开幕。"
    first.en, second.en = "The meeting was held in Makassar.", "Expo 2025 opens in June."

    zh_lines = render_translation(article, "zh").split("\n\n")
    en_lines = render_translation(article, "en").split("\n\n")

    assert zh_lines[1] == "会议在Makassar举行，主题是Belt and Road Expo 2025将于6月开幕。"
    assert en_lines[1] == "The meeting was held in Makassar. Expo 2025 opens in June."
    # between Chinese sentences nothing is added
    assert zh_lines[3] == "医院院长致欢迎辞。双方同意建立定期讨论机制。"


def test_docx_joins_a_blocks_sentences_by_the_same_rule() -> None:
    import io

    import docx

    from pipeline.outputs.docx import render_docx

    article = translated_article()
    first, second = article.blocks[1].sentences
    first.zh, second.zh = "主题是Belt and Road", "Expo 2025将于6月开幕。"

    paragraphs = [p.text for p in docx.Document(io.BytesIO(render_docx(article, "zh"))).paragraphs]

    assert "主题是Belt and Road Expo 2025将于6月开幕。" in paragraphs
    assert "医院院长致欢迎辞。双方同意建立定期讨论机制。" in paragraphs


def english_source_article() -> Article:
    article = translated_article()
    sentence = article.sentences()[3]
    sentence.lang, sentence.text, sentence.en = "en", "The visit aims to promote technology.", "The visit aims to promote technology."
    return article


def test_tsv_and_jsonl_flag_a_sentence_passed_through_as_english() -> None:
    article = english_source_article()

    rows = tsv_rows(render_tsv(article))
    objects = [json.loads(line) for line in render_jsonl(article).splitlines()]

    assert rows[0] == list(TSV_COLUMNS)  # the contract's columns, unchanged
    flags = [row[-1] for row in rows[1:]]
    assert flags[3] == "source_en"
    assert all("source_en" not in row_flags.split(",") for number, row_flags in enumerate(flags) if number != 3)
    assert flags[2] == "split,untranslated_number"
    assert (objects[3]["source_lang"], objects[3]["flags"]) == ("en", "source_en")


def test_tmx_labels_a_sentence_passed_through_as_english_en() -> None:
    from xml.etree import ElementTree

    from pipeline.outputs.tmx import render_tmx

    article = english_source_article()
    lang = "{http://www.w3.org/XML/1998/namespace}lang"

    # (past the XML declaration and the DOCTYPE, which ElementTree does not read)
    units = list(ElementTree.fromstring(render_tmx(article, ("en", "zh")).split("\n", 2)[2]).iter("tu"))
    variants = [[(tuv.get(lang), tuv.findtext("seg")) for tuv in unit.iter("tuv")] for unit in units]
    srclangs = [unit.get("srclang") for unit in units]

    assert variants[3] == [("en", "The visit aims to promote technology."), ("zh-CN", CHINESE[(3, 1)])]
    assert srclangs[3] == "en" and srclangs[2] is None
    assert [language for language, _ in variants[2]] == ["id", "en", "zh-CN"]


# --- what was not translated, where the reviewer looks ------------------------------------------


def test_report_and_review_page_list_the_parts_left_out_and_the_warnings(tmp_path: Path) -> None:
    article = translated_article()
    article.left_out = ["2 comments (Word comments are not part of the release)", "1 image <img src=x> with text in it"]
    article.warnings.append("could not reuse the source's styles")

    write_article(article, tmp_path, RunInfo(warta_version="test"), ("en", "zh"), formats=("html",))

    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["left_out"] == article.left_out
    assert report["warnings"] == ["could not reuse the source's styles"]
    assert report["document"] == {"published": None}  # a Markdown file states no publication date
    page = (tmp_path / "review.html").read_text(encoding="utf-8")
    notice = page[page.index('<section class="notice"'):page.index("</section>")]
    assert page.index('<section class="notice"') < page.index("<table>")  # at the top, above the rows
    assert "Not translated:" in notice and "<li>2 comments (Word comments are not part of the release)</li>" in notice
    assert "<li>1 image &lt;img src=x&gt; with text in it</li>" in notice  # text, never markup
    assert "could not reuse the source&#39;s styles" in notice


def test_review_page_has_no_notice_when_everything_was_translated(tmp_path: Path) -> None:
    write_article(translated_article(), tmp_path, RunInfo(warta_version="test"), ("en", "zh"), formats=("html",))

    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["left_out"] == [] and report["warnings"] == []
    assert 'class="notice"' not in (tmp_path / "review.html").read_text(encoding="utf-8")
