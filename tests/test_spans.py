"""Protected spans (issue 14): found, masked, restored verbatim, and translated around when lost."""

import re

import pytest

from pipeline.qa import check_article
from pipeline.spans import find_spans, join_around, mask, split_around, unmask
from pipeline.translation import translate_articles
from tests.test_translation import StandIn, StandInPool, article_of, to_chinese


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kunjungi https://rs.go.id/berita.", [("url", "https://rs.go.id/berita")]),
        ("Lihat www.kemkes.go.id, lalu daftar.", [("url", "www.kemkes.go.id")]),
        ("Baca https://id.wikipedia.org/wiki/Makassar_(kota)).", [("url", "https://id.wikipedia.org/wiki/Makassar_(kota)")]),
        ("Kirim ke (humas@rs.go.id) segera.", [("email", "humas@rs.go.id")]),
        ("Ikuti @rsmakassar dan #SehatBersama!", [("handle", "@rsmakassar"), ("hashtag", "#SehatBersama")]),
        ("Telp (0411) 584677 atau +62 811-4123-456.", [("phone", "(0411) 584677"), ("phone", "+62 811-4123-456")]),
        ("Surat HK.02.02/I/3305/2022 dan/atau 440/Kep/2023.", [("document", "HK.02.02/I/3305/2022"), ("document", "440/Kep/2023")]),
        ("Pada 29 Mei 2025 hadir 1.250 orang dan Rp 1.500.000.", []),
        ("#1 di dunia", []),
        ("Buka pukul 08.00-16.00 WITA sejak 01-06-2025.", []),
    ],
)
def test_find_spans(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(span.kind, span.text) for span in find_spans(text)] == expected


def test_do_not_translate_names_are_spans() -> None:
    spans = find_spans("Di Modern Cancer Hospital Guangzhou, Makassar.", keep=["Modern Cancer Hospital Guangzhou"])
    assert [(span.kind, span.text) for span in spans] == [("keep", "Modern Cancer Hospital Guangzhou")]


def test_mask_uses_numbers_absent_from_the_sentence_and_unmask_restores() -> None:
    text = "Pada 901 orang, kunjungi https://a.id dan tulis ke a@b.id."
    masked = mask(text, find_spans(text))
    assert "https" not in masked.text and "@" not in masked.text
    numbers = [number for number, _ in masked.placeholders]
    assert "901" not in numbers and len(set(numbers)) == 2
    assert unmask(masked.text.upper(), masked, "en") == "PADA 901 ORANG, KUNJUNGI https://a.id DAN TULIS KE a@b.id."


def test_unmask_refuses_a_lost_or_doubled_placeholder() -> None:
    masked = mask("Kunjungi https://a.id sekarang.", find_spans("Kunjungi https://a.id sekarang."))
    number = masked.placeholders[0][0]
    assert unmask("VISIT NOW.", masked, "en") is None
    assert unmask(f"VISIT {number} {number}.", masked, "en") is None


def test_chinese_gets_no_spaces_around_a_restored_span() -> None:
    masked = mask("Kunjungi https://a.id sekarang.", find_spans("Kunjungi https://a.id sekarang."))
    number = masked.placeholders[0][0]
    assert unmask(f"访问 {number} 网站。", masked, "zh") == "访问https://a.id网站。"


def test_split_around_and_join_keep_every_span_and_punctuation() -> None:
    text = "Kirim ke (humas@rs.go.id) atau https://x.id."
    segments = split_around(text, find_spans(text))
    joined = join_around(segments, [part.text.upper() if part.translatable else part.text for part in segments], "en")
    assert joined == "KIRIM KE (humas@rs.go.id) ATAU https://x.id."


PROTECTED = [
    "https://rs.go.id/berita", "humas@rs.go.id", "@rsmakassar", "#SehatBersama", "(0411) 584677",
    "+62 811-4123-456", "HK.02.02/I/3305/2022", "www.kemkes.go.id",
]
SENTENCES = [
    "Informasi lengkap di https://rs.go.id/berita.",
    "Hubungi humas (humas@rs.go.id) atau telepon (0411) 584677.",
    "Ikuti @rsmakassar dengan tagar #SehatBersama dan +62 811-4123-456.",
    "Sesuai Surat Edaran HK.02.02/I/3305/2022 dari www.kemkes.go.id, layanan dibuka.",
    "https://rs.go.id/berita",
]


def _translate(sentences: list[str], en: StandIn, zh: StandIn):
    article = article_of(*sentences)
    translate_articles([article], StandInPool({"id-en": en, "en-zh": zh}))
    return article


def test_every_span_comes_back_byte_identical_in_both_targets() -> None:
    en, zh = StandIn(max_input_tokens=200), StandIn(to_chinese, max_input_tokens=200)
    article = _translate(SENTENCES, en, zh)
    for sentence in article.sentences():
        for span in find_spans(sentence.text):
            assert span.text in sentence.en and span.text in sentence.zh
        assert "protected_retry" not in sentence.flags
    everything = " ".join(s.en + s.zh for s in article.sentences())
    assert all(value in everything for value in PROTECTED)
    # the models never saw a span, and the letters around them did change
    assert not any("rs.go.id" in text or "@" in text for text in en.inputs + zh.inputs)
    first = article.sentences()[0]
    assert first.en == "INFORMASI LENGKAP DI https://rs.go.id/berita."
    assert re.fullmatch(r"[\u4e00-\u9fff]+https://rs\.go\.id/berita\.", first.zh)
    assert first.protected == [{"kind": "url", "text": "https://rs.go.id/berita"}]
    # a sentence made only of a URL is not sent to a model
    assert article.sentences()[-1].en == article.sentences()[-1].zh == "https://rs.go.id/berita"


def _drop_numbers(text: str) -> str:
    # a model that loses every placeholder (and any other number)
    return re.sub(r"\d+", "", text).upper()


def test_a_dropped_placeholder_is_retranslated_around_the_span_and_flagged() -> None:
    en, zh = StandIn(_drop_numbers, max_input_tokens=200), StandIn(to_chinese, max_input_tokens=200)
    article = _translate(["Hubungi humas (humas@rs.go.id) atau kunjungi https://rs.go.id."], en, zh)
    sentence = article.sentences()[0]
    assert sentence.en == "HUBUNGI HUMAS (humas@rs.go.id) ATAU KUNJUNGI https://rs.go.id."
    assert "protected_retry" in sentence.flags
    assert not re.search(r"9\d\d", sentence.en + sentence.zh)
    assert "humas@rs.go.id" in sentence.zh and "https://rs.go.id" in sentence.zh


def test_the_number_flag_still_works_with_placeholders() -> None:
    def changes_25(text: str) -> str:
        return text.upper().replace("25", "26")

    en, zh = StandIn(changes_25, max_input_tokens=200), StandIn(to_chinese, max_input_tokens=200)
    article = _translate(["Sebanyak 25 pakar hadir, info di https://rs.go.id atau (0411) 584677.",
                          "Surat HK.02.02/I/3305/2022 diterima 12 pakar."], en, zh)
    check_article(article, ("en", "zh"))
    changed, kept = article.sentences()
    assert "number" in changed.flags and "en" in changed.qa["number"]
    assert "number" not in kept.flags  # the decree's digits came back whole: no false alarm


def test_the_tiny_random_models_keep_every_span(tiny_models) -> None:
    from pipeline.orchestrator import Warta
    from pipeline.settings import Settings

    warta = Warta(Settings(models={"id-en": str(tiny_models["id-en"]), "en-zh": str(tiny_models["en-zh"])}, beams=1))
    article = warta.translate_text("\n\n".join(SENTENCES))
    for sentence in article.sentences():
        for span in find_spans(sentence.text):
            assert span.text in sentence.en and span.text in sentence.zh, (span, sentence)
        assert not re.search(r"(?<!\d)9\d\d(?!\d)", sentence.en + sentence.zh)


def test_a_sentence_made_only_of_a_url_is_not_flagged_untranslated() -> None:
    article = _translate(["https://rs.go.id/berita"],
                         StandIn(max_input_tokens=200), StandIn(to_chinese, max_input_tokens=200))
    check_article(article, ("en", "zh"))
    only_url = article.sentences()[0]
    # before issue 14 its Chinese in Latin letters was flagged ``untranslated``
    assert only_url.en == only_url.zh == "https://rs.go.id/berita" and only_url.flags == []
