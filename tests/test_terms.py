"""The enforced glossary: terms found with affixes, longest first, renderings put in."""

import re
from pathlib import Path

import pytest

from pipeline.qa.glossary import Glossary, Term, check_glossary, load_glossary
from pipeline.terms import find_terms, missing_renderings
from pipeline.translation import translate_articles
from tests.support.articles import article_of
from tests.support.standins import StandIn, StandInPool, to_chinese

TERMS = (
    Term("Pemerintah Kota Makassar", "Makassar City Government", "望加锡市政府"),
    Term("Makassar", "Makassar", "望加锡"),
    Term("Belt and Road", "Belt and Road", "一带一路"),
    Term("teknologi minimal invasif", "minimally invasive technology", "微创技术"),
    Term("Modern Cancer Hospital Guangzhou", "Modern Cancer Hospital Guangzhou", "Modern Cancer Hospital Guangzhou"),
)
GLOSSARY = Glossary(Path("glossary.tsv"), "0" * 64, TERMS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Pemerintah Kota Makassar menyambut tamu dari Makassar.", ["Pemerintah Kota Makassar", "Makassar"]),
        ("Teknologi minimal invasif makin maju.", ["Teknologi minimal invasif"]),
        ("Delegasi kembali ke Makassar", ["Makassar"]),  # the preposition is a word of its own
        ("Kunjungan ke-Makassar dan diMakassar", ["ke-Makassar", "diMakassar"]),
        ("Keindahan Makassarnya memukau.", ["Makassarnya"]),
        ("Di Makassarlah mereka bertemu.", ["Makassarlah"]),
        ("Makassarese bukan istilah.", []),
    ],
)
def test_find_terms_longest_first_with_affixes_any_case(text: str, expected: list[str]) -> None:
    assert [span.text for span in find_terms(text, TERMS)] == expected


def test_missing_renderings_leaves_terms_the_model_rendered() -> None:
    source = "Teknologi minimal invasif dari Makassar."
    assert missing_renderings(source, "Minimally invasive technology from Makassar.", "en", TERMS) == []
    missing = missing_renderings(source, "The small-cut method from Makassar.", "en", TERMS)
    assert [(span.term, span.output) for span in missing] == [("teknologi minimal invasif", "minimally invasive technology")]


def _translate(sentences: list[str], en: StandIn, zh: StandIn, glossary: Glossary = GLOSSARY):
    article = article_of(*sentences)
    translate_articles([article], StandInPool({"id-en": en, "en-zh": zh}), glossary=glossary)
    return article


def test_every_glossary_target_appears_in_both_languages() -> None:
    sentences = [
        "Teknologi minimal invasif dipakai di Modern Cancer Hospital Guangzhou",   # start; kept name at the end
        "Delegasi dari Pemerintah Kota Makassar hadir",                           # overlapping terms
        "Mereka mendukung inisiatif Belt and Road",                               # at the end
        "Keramahan Makassarnya terkenal.",                                        # with -nya
    ]
    article = _translate(sentences, StandIn(max_input_tokens=200), StandIn(to_chinese, max_input_tokens=200))
    first, second, third, fourth = article.sentences()
    assert first.en.startswith("Minimally invasive technology ") and first.en.endswith(" Modern Cancer Hospital Guangzhou")
    assert first.zh.startswith("微创技术") and first.zh.endswith("Modern Cancer Hospital Guangzhou")
    assert "Makassar City Government" in second.en and "望加锡市政府" in second.zh and "望加锡望加锡" not in second.zh
    assert second.en.endswith("Makassar City Government HADIR")
    assert third.en.endswith("Belt and Road") and third.zh.endswith("一带一路")
    assert "Makassar" in fourth.en and "望加锡" in fourth.zh
    assert first.enforced == {"en": ["teknologi minimal invasif"], "zh": ["teknologi minimal invasif"]}
    assert {"kind": "keep", "text": "Modern Cancer Hospital Guangzhou"} in first.protected
    check_glossary(article, GLOSSARY, ("en", "zh"))
    assert not any("glossary" in sentence.flags for sentence in article.sentences())


def test_a_term_the_model_rendered_is_left_as_written() -> None:
    def renders(text: str) -> str:
        return "minimally invasive technology IS HERE" if "minimal invasif" in text.lower() else text.upper()

    article = _translate(["Teknologi minimal invasif ada"], StandIn(renders, max_input_tokens=200), StandIn(to_chinese, max_input_tokens=200))
    sentence = article.sentences()[0]
    assert sentence.en == "minimally invasive technology IS HERE"
    assert "en" not in sentence.enforced


def test_the_sample_glossary_loads_and_covers_the_sample_article() -> None:
    root = Path(__file__).resolve().parents[1]
    glossary = load_glossary(root / "data" / "glossary.tsv")
    by_id = {term.id: term for term in glossary.terms}
    assert by_id["Health Silk Road"].zh == "健康丝绸之路" and by_id["Belt and Road"].zh == "一带一路"
    assert by_id["Makassar"].zh == "望加锡"
    article = next((root / "data" / "samples").glob("*.txt")).read_text(encoding="utf-8")
    assert all(find_terms(article, [term]) for term in glossary.terms)


def test_aligned_jsonl_and_the_review_page_record_what_was_fixed() -> None:
    import json

    from pipeline.outputs.report import RunInfo
    from pipeline.outputs.review_page import render_review_page
    from pipeline.outputs.rows import render_jsonl

    article = _translate(["Teknologi minimal invasif di https://rs.go.id dipakai"],
                         StandIn(max_input_tokens=200), StandIn(to_chinese, max_input_tokens=200))
    row = json.loads(render_jsonl(article).splitlines()[0])
    assert row["protected"] == [{"kind": "url", "text": "https://rs.go.id"}]
    assert row["enforced"] == {"en": ["teknologi minimal invasif"], "zh": ["teknologi minimal invasif"]}
    page = render_review_page(article, RunInfo(warta_version="test"), ("en", "zh"))
    assert "kept: <code>https://rs.go.id</code>" in page
    assert "glossary en: teknologi minimal invasif" in page and "glossary zh: teknologi minimal invasif" in page


@pytest.mark.parametrize(
    ("english", "enforced"),
    [
        # the English kept the name as it was: the pivot finds it by its Indonesian form
        (str.upper, True),
        # the English renamed it: nothing in the English to put the rendering in for, so flagged
        (lambda text: text.upper().replace("KOTA DAENG", "DAENG CITY"), False),
    ],
)
def test_a_chinese_only_term_is_enforced_where_the_english_kept_it_else_flagged(english, enforced: bool) -> None:
    glossary = Glossary(Path("g.tsv"), "0" * 64, (*TERMS, Term("Kota Daeng", "", "望加锡城")))
    article = _translate(["Kota Daeng menyambut tamu.", "Lihat https://makassar.go.id/berita hari ini."],
                         StandIn(english, max_input_tokens=200), StandIn(to_chinese, max_input_tokens=200), glossary)
    check_glossary(article, glossary, ("en", "zh"))
    term, url = article.sentences()
    assert term.zh.startswith("望加锡城") is enforced
    assert term.qa.get("glossary") == (None if enforced else ["zh"])
    assert term.enforced == ({"zh": ["Kota Daeng"]} if enforced else {})
    assert "https://makassar.go.id/berita" in url.en and "https://makassar.go.id/berita" in url.zh
    assert url.enforced == {} and "glossary" not in url.flags


CHINA = (Term("Tiongkok", "China", "中国"), Term("RRT", "China", "中华人民共和国"))


@pytest.mark.parametrize(
    ("source", "rendering", "other"),
    [
        ("Delegasi dari RRT tiba.", "中华人民共和国", "中国"),
        ("Delegasi dari Tiongkok tiba.", "中国", "中华人民共和国"),
    ],
)
def test_the_pivot_renders_the_entry_the_indonesian_used(source: str, rendering: str, other: str) -> None:
    # both entries are "China" in English: the Indonesian term found says which Chinese is meant
    def to_china(text: str) -> str:
        return re.sub(r"\b(?:TIONGKOK|RRT)\b", "China", text.upper())

    glossary = Glossary(Path("g.tsv"), "0" * 64, CHINA)
    article = _translate([source], StandIn(to_china, max_input_tokens=200), StandIn(to_chinese, max_input_tokens=200), glossary)
    sentence = article.sentences()[0]
    assert "China" in sentence.en and rendering in sentence.zh and other not in sentence.zh
    assert sentence.enforced == {"zh": [source.split()[2]]}


def test_a_term_inside_a_do_not_translate_name_in_any_case_is_not_enforced() -> None:
    glossary = Glossary(Path("g.tsv"), "0" * 64, (*TERMS, Term("rumah sakit", "hospital", "医院")))
    article = _translate(["Dokter dari modern cancer hospital guangzhou tiba."],
                         StandIn(max_input_tokens=200), StandIn(to_chinese, max_input_tokens=200), glossary)
    sentence = article.sentences()[0]
    assert "modern cancer hospital guangzhou" in sentence.en and "modern cancer hospital guangzhou" in sentence.zh
    assert "医院" not in sentence.zh and sentence.enforced == {}
    assert sentence.protected == [{"kind": "keep", "text": "modern cancer hospital guangzhou"}]
