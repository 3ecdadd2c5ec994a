"""Protected spans: found, masked, restored verbatim, and translated around when lost."""

import re
import threading
from collections.abc import Callable
from typing import Any

import pytest

from pipeline.qa import check_article
from pipeline.spans import Span, find_spans, join_around, mask, placeholder_numbers, split_around, unmask
from pipeline.translation import translate_articles
from tests.support.articles import article_of
from tests.support.standins import StandIn, StandInPool, to_chinese


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
        ("Periode 01.06.2025-05.06.2025 ditetapkan panitia.", []),  # a date range, not a phone
        # document numbers look like one; rates, amounts and dates are text to translate
        ("SK 440/123/Dinkes/V/2025, 800/1.234/BKPSDM/2025, SE.01/MENKES/2024 dan UU No. 11/2020.",
         [("document", "440/123/Dinkes/V/2025"), ("document", "800/1.234/BKPSDM/2025"),
          ("document", "SE.01/MENKES/2024"), ("document", "11/2020")]),
        ("Kecepatan maksimal 60km/jam dan tarif Rp10.000/hari.", []),
        ("Tiket Rp25.000/orang, dosis 5mg/kg/hari, tahun 2024/2025.", []),
        ("Jakarta, Kamis (29/5) - rapat pada 19/12/2025.", []),
        # a bare domain is lower case: a full stop without its space is no address
        ("Pendaftaran ditutup kemarin.Info lebih lanjut di kantor.", []),
        ("Lihat makassarkota.go.id dan Dinkes.go.id/faq.", [("url", "makassarkota.go.id"), ("url", "Dinkes.go.id/faq")]),
        # a handle starts a word with a letter, and a price is none
        ("Harga paket 2 kg @Rp15.000 sudah termasuk ongkos kirim.", []),
        ("Ikuti (@dinkes_sulsel) dan @pemkot.makassar.", [("handle", "@dinkes_sulsel"), ("handle", "@pemkot.makassar")]),
        ("Hubungi (+62) 811-4455-6677 untuk pendaftaran.", [("phone", "(+62) 811-4455-6677")]),
        # hotlines and service numbers are too short for a phone number: the word before them says what they are
        ("Hubungi hotline 1500-567 atau call center 119 ext 9.", [("phone", "1500-567"), ("phone", "119 ext 9")]),
        ("Layanan pengaduan di nomor 14045, WA: 0811-1500-567.", [("phone", "14045"), ("phone", "0811-1500-567")]),
        ("Hubungi 2 petugas jaga; telepon pada 2025 ditambah.", []),
    ],
)
def test_find_spans(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(span.kind, span.text) for span in find_spans(text)] == expected


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Di Modern Cancer Hospital Guangzhou, Makassar.", ["Modern Cancer Hospital Guangzhou"]),
        # matched as glossary terms are: any case, a clitic attached; the sentence's text is kept
        ("Dokter dari modern cancer hospital guangzhou tiba.", ["modern cancer hospital guangzhou"]),
        ("Fasilitas Modern Cancer Hospital Guangzhoulah yang terbaik.", ["Modern Cancer Hospital Guangzhoulah"]),
        ("MODERN CANCER  HOSPITAL GUANGZHOUNYA", ["MODERN CANCER  HOSPITAL GUANGZHOUNYA"]),
        ("Modern Cancer Hospital Guangzhouese", []),
    ],
)
def test_do_not_translate_names_are_spans(text: str, kept: list[str]) -> None:
    spans = find_spans(text, keep=["Modern Cancer Hospital Guangzhou"])
    assert [(span.kind, span.text, span.output) for span in spans] == [("keep", name, name) for name in kept]


def _within(seconds: float, function: Callable[..., Any], *args: Any) -> Any:
    # a hang fails the test instead of stopping the run (the thread is left to the exit)
    result: list[Any] = []
    worker = threading.Thread(target=lambda: result.append(function(*args)), daemon=True)
    worker.start()
    worker.join(seconds)
    assert result, f"{function.__name__} did not return within {seconds} s"
    return result[0]


@pytest.mark.parametrize(
    ("text", "count", "expected"),
    [
        ("Kunjungi https://a.id.", 2, ["901", "902"]),
        ("Pada 901 dan 1.902 orang.", 2, ["903", "904"]),  # nor inside a number of the sentence
        ("Kode " + " ".join(map(str, range(901, 1000))), 2, ["801", "802"]),
        ("Kode " + " ".join(map(str, range(801, 1000))), 2, ["701", "702"]),  # hung before
        ("Kode " + " ".join(map(str, range(101, 1000))), 2, ["1001", "1002"]),  # every 3-digit one taken
    ],
)
def test_placeholder_numbers_always_end_absent_and_distinct(text: str, count: int, expected: list[str]) -> None:
    assert _within(5, placeholder_numbers, text, count) == expected
    assert len(set(_within(5, placeholder_numbers, "x", 1000))) == 1000


def test_a_sentence_holding_every_placeholder_number_is_masked_and_restored() -> None:
    text = "Kode " + " ".join(map(str, range(801, 1000))) + " di https://x.go.id."
    masked = _within(5, mask, text, find_spans(text))
    assert masked.text.endswith(" 999 di 701.") and masked.placeholders[0][1].text == "https://x.go.id"
    assert unmask(masked.text.upper(), masked, "en") == text.upper().replace("HTTPS://X.GO.ID", "https://x.go.id")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"Rumah sakit itu dibangun pada 2019," kata Ketua Tim.', '"Hospital ITU DIBANGUN PADA 2019," KATA KETUA TIM.'),
        ("(Rumah sakit itu baru.)", "(Hospital ITU BARU.)"),
        ("“ Rumah sakit itu baru.”", "“ Hospital ITU BARU.”"),
        ("Rumah sakit itu baru.", "Hospital ITU BARU."),
        ('Kata dia, "rumah sakit itu baru."', 'KATA DIA, "hospital ITU BARU."'),  # not the sentence's start
    ],
)
def test_a_rendering_after_an_opening_quote_or_bracket_still_starts_the_sentence(text: str, expected: str) -> None:
    start = text.lower().index("rumah sakit")
    spans = [Span(start, start + len("rumah sakit"), "term", text[start : start + len("rumah sakit")], "hospital", "rumah sakit")]
    masked = mask(text, spans)
    assert unmask(masked.text.upper(), masked, "en") == expected
    # the fallback, cut at the spans, capitalises the same way
    segments = split_around(text, spans)
    joined = join_around(segments, [part.text.upper() for part in segments], "en")
    assert joined.replace(" ", "") == expected.replace(" ", "")


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


@pytest.mark.parametrize(
    ("before", "after"),
    [("東京の", "ホテル"), ("𠀋", "𠀋"), ("访问", "网站。")],
    ids=["kana", "cjk-extension-b", "cjk"],
)
def test_a_span_restored_next_to_kana_or_extension_b_gets_no_space_in_chinese(before: str, after: str) -> None:
    # the joining rule's idea of CJK (pipeline.joining.is_cjk), both when unmasking and when
    # translating around the spans
    text = "Kunjungi https://a.id sekarang."
    spans = find_spans(text)
    masked = mask(text, spans)
    number = masked.placeholders[0][0]
    assert unmask(f"{before} {number} {after}", masked, "zh") == f"{before}https://a.id{after}"
    segments = split_around(text, spans)
    assert join_around(segments, [before, "", after], "zh") == f"{before}https://a.id{after}"
    # English keeps its spaces between Latin words
    assert join_around(segments, ["VISIT", "", "NOW."], "en") == "VISIT https://a.id NOW."


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
    # a sentence that is only a URL: its Chinese in Latin letters is not ``untranslated``
    assert only_url.en == only_url.zh == "https://rs.go.id/berita" and only_url.flags == []
