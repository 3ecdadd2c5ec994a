"""The language stage: which articles are refused, and which sentences inside one go to English unchanged."""

import random
import re
import string
from dataclasses import asdict, replace

import pytest

from models.tiny import SAMPLE_ARTICLE
from pipeline.article import Article, LanguageCheck, Sentence
from pipeline.errors import InputError
from pipeline.language import (
    check_article_language,
    detect_languages,
    indonesian_words,
    language_name,
    readable_text,
)
from pipeline.reading import parse_article_text, read_article
from pipeline.sentences import split_article

# Indonesian paragraphs around each case, so that the document itself is clearly Indonesian.
BEFORE = (
    "Pemerintah Provinsi Sulawesi Selatan meluncurkan program beasiswa baru untuk mahasiswa "
    "berprestasi pada hari Senin. Program ini akan dibiayai dari anggaran daerah."
)
AFTER = "Pendaftaran dibuka secara daring mulai bulan depan dan seleksi dilakukan oleh tim independen."

ENGLISH_ARTICLE = """Makassar Oncologists Visit Guangzhou

On 29 May 2025, a delegation of oncology experts from Makassar visited Modern Cancer Hospital Guangzhou. The visit aims to promote innovation in minimally invasive technology and to deepen cooperation between the two countries.

The hospital director gave a warm welcome speech. He said that cancer is a global health challenge and that international cooperation has become more important than ever.

Both sides agreed to build a regular discussion mechanism in the future, with remote consultations and joint training for doctors.
"""  # noqa: E501 - a paragraph is one line of the article

CHINESE_ARTICLE = """望加锡肿瘤专家代表团访问广州现代肿瘤医院

2025年5月29日，来自印度尼西亚望加锡的肿瘤专家组成国际友好代表团，访问了广州现代肿瘤医院。此次交流旨在推动微创技术的创新与发展，深化两国在肿瘤医学领域的合作。

医院院长致欢迎辞，表示癌症是全球性的健康挑战，国际医疗合作变得越来越重要。双方同意今后建立定期讨论机制，通过远程会诊和联合培训提高诊疗水平。
"""


def check_case(text: str) -> tuple[Article, list[Sentence]]:
    """An Indonesian article with ``text`` on a line of its own, checked with ``auto``."""
    article = split_article(parse_article_text(f"{BEFORE}\n{text}\n{AFTER}", name="case"))
    check_article_language(article, "auto")
    return article, article.blocks[1].sentences


def prepared(text: str, name: str = "article") -> Article:
    return split_article(parse_article_text(text, name=name))


# --- which sentences inside an Indonesian article are English --------------------------------

SENTENCE_CASES = [
    # Confident English: quotes of foreign officials and English paragraphs of a release.
    pytest.param('"Thank you very much for your warm welcome," she said.', True, id="quote-thank-you"),
    pytest.param(
        '"I am deeply grateful to our Chinese colleagues for their hospitality," said Dr. Andi Pratama.',
        True, id="quote-grateful-with-title",
    ),
    pytest.param(
        '"We are very proud to welcome our friends from Indonesia to Guangzhou," said the hospital director.',
        True, id="quote-director",
    ),
    pytest.param(
        '"Indonesia remains one of our most important markets in Southeast Asia," said John Smith, CEO of Acme Asia Pacific.',
        True, id="quote-ceo",
    ),
    pytest.param(
        '"Climate change is not a distant threat; it is already affecting millions of people," the minister said.',
        True, id="quote-minister",
    ),
    pytest.param(
        '"I would like to thank the Government of Indonesia for its continued support," said Ms. Sarah Lee.',
        True, id="quote-thanks-government",
    ),
    pytest.param('"You have shown us what modern cancer care can look like."', True, id="quote-without-speaker"),
    pytest.param(
        '"Our doors are always open to doctors from Indonesia," said Mr. Tu Xiaoming.',
        True, id="quote-chinese-speaker",
    ),
    pytest.param(
        "The visit aims to promote innovation in minimally invasive technology and to deepen cooperation "
        "between the two countries.",
        True, id="english-paragraph",
    ),
    pytest.param(
        "The company expects revenue to grow by 12 percent next year, driven by strong demand for electric vehicles.",
        True, id="english-with-number",
    ),
    # Indonesian, whatever English it contains, and anything too short to tell.
    pytest.param(
        "Para pakar dari Indonesia mengunjungi fasilitas medis modern di rumah sakit tersebut.",
        False, id="indonesian",
    ),
    pytest.param(
        "Mr. Tu Xiaoming (Kepala RS), Ms. Yang Jinna (Kepala Departemen Administrasi), Mr. He Langbing "
        "(Direktur Departemen Urusan Internasional), serta Ms. Liu Yansheng (Asisten Direktur Departemen "
        "Urusan Internasional), menyambut mereka dengan hangat.",
        False, id="english-names-and-titles",
    ),
    pytest.param(
        "Delegasi mengunjungi Modern Cancer Hospital Guangzhou, Sun Yat-sen University Cancer Center, "
        "and the First Affiliated Hospital of Guangzhou Medical University.",
        False, id="english-institution-names",
    ),
    pytest.param(
        'Ia menyampaikan kuliah berjudul "The Role of the State in the Age of Artificial Intelligence '
        'and the Future of Work".',
        False, id="english-lecture-title",
    ),
    pytest.param(
        'Pelatihan "Leadership in the Age of Disruption" diselenggarakan oleh Institute of Public Administration.',
        False, id="english-training-title",
    ),
    pytest.param(
        "Kerja sama ini merupakan bagian dari inisiatif Belt and Road yang digagas oleh Tiongkok.",
        False, id="english-initiative-name",
    ),
    pytest.param("Belt and Road", False, id="short-english-fragment"),
    pytest.param("Welcome to Guangzhou!", False, id="short-english-sentence"),
    pytest.param(
        "Upacara Penyambutan: Sambutan Hangat dan Pertukaran Persahabatan", False, id="indonesian-heading",
    ),
    pytest.param(
        "Acara ini sangat amazing dan inspiring bagi semua peserta yang hadir.", False, id="code-switching",
    ),
    pytest.param(
        "Meeting ini sangat productive and we are happy dengan hasilnya.", False, id="code-switching-clause",
    ),
    pytest.param(
        "Sesi tanya jawab dipandu oleh moderator dari University of Hasanuddin and the Faculty of Medicine.",
        False, id="english-university-name",
    ),
    pytest.param("1.044.921 2025 30 40 500", False, id="numbers-only"),
    # An English name or title, then the Indonesian that says what happened: English
    # function words outnumber the Indonesian ones, langdetect says English, yet it is translated.
    pytest.param(
        "The 2nd International Conference on Tropical Medicine (ICTM) and Expo digelar di Makassar, pada 3-5 Juni.",
        False, id="english-event-name-then-indonesian",
    ),
    pytest.param(
        "The Future of Health Care in the Age of Artificial Intelligence and the Role of the State dibahas.",
        False, id="english-title-then-one-indonesian-verb",
    ),
    pytest.param(
        "The opening of the new wing of the hospital was attended by the masyarakat of the city.",
        False, id="one-indonesian-content-word",
    ),
    pytest.param(
        "The results were presented to the members of the board and were warmly welcomed, katanya.",
        False, id="indonesian-suffix-nya",
    ),
    pytest.param(
        "The director said that the programme will continue in the coming year for masing-masing region.",
        False, id="indonesian-reduplication",
    ),
    # English with Indonesian names in it stays English: names are capitalised.
    pytest.param(
        "The delegation from Dinas Kesehatan Kota Makassar was welcomed by the hospital director in the morning.",
        True, id="english-with-indonesian-names",
    ),
]


@pytest.mark.parametrize(("text", "english"), SENTENCE_CASES)
def test_sentence_is_marked_english_only_when_it_is(text: str, english: bool) -> None:
    article, sentences = check_case(text)

    assert [sentence.text for sentence in sentences] == [text]  # the case is one sentence
    sentence = sentences[0]
    assert sentence.lang == ("en" if english else "id")
    if english:
        assert sentence.lang_probability is not None and sentence.lang_probability >= 0.9
    else:
        assert sentence.lang_probability is None
    # The Indonesian sentences around it stay Indonesian, and the count matches.
    others = [s.lang for number, block in enumerate(article.blocks) if number != 1 for s in block.sentences]
    assert others == ["id"] * len(others)
    assert article.language.english_sentences == (1 if english else 0)


def test_sentence_marks_are_reset_when_checked_again() -> None:
    article, sentences = check_case('"Thank you very much for your warm welcome," she said.')
    assert sentences[0].lang == "en"
    sentences[0].text = "Para pakar dari Indonesia mengunjungi fasilitas medis modern di rumah sakit tersebut."

    check_article_language(article, "auto")

    assert (sentences[0].lang, sentences[0].lang_probability) == ("id", None)
    assert article.language.english_sentences == 0


# --- the document: Indonesian or refused -------------------------------------------------------


def test_english_article_is_refused_naming_english_and_the_override() -> None:
    article = prepared(ENGLISH_ARTICLE, name="press-en")

    with pytest.raises(InputError) as raised:
        check_article_language(article, "auto")

    message = str(raised.value)
    assert message.startswith("press-en: ")
    assert "English (en)" in message
    assert re.search(r"with probability [01]\.\d\d;", message)
    assert "--source-lang id" in message


def test_chinese_article_is_refused_naming_chinese() -> None:
    article = prepared(CHINESE_ARTICLE, name="press-zh")

    with pytest.raises(InputError) as raised:
        check_article_language(article, "auto")

    message = str(raised.value)
    assert re.search(r"Chinese( \(Traditional\))? \(zh-(cn|tw)\) with probability [01]\.\d\d;", message)
    assert "--source-lang id" in message


def test_english_article_is_accepted_with_source_lang_id_and_its_language_recorded() -> None:
    article = prepared(ENGLISH_ARTICLE)

    result = check_article_language(article, "id")

    assert result is article
    assert set(asdict(article.language)) == {"requested", "detected", "probability", "candidates", "english_sentences"}
    assert article.language.requested == "id"
    assert article.language.detected == "en"
    assert article.language.probability > 0.9
    assert article.language.candidates["en"] == article.language.probability
    # Its long sentences are English and go to English unchanged; the title is too short to tell.
    english = [s.text for s in article.sentences() if s.lang == "en"]
    assert article.language.english_sentences == len(english) == 5
    assert article.blocks[0].sentences[0].lang == "id"
    assert article.warnings == []


def test_sample_article_is_indonesian() -> None:
    article = split_article(read_article(SAMPLE_ARTICLE))

    check_article_language(article, "auto")

    assert article.language.requested == "auto"
    assert article.language.detected == "id"
    assert article.language.probability > 0.9
    assert article.language.candidates == {"id": article.language.probability}
    # Its many English names (Mr. Tu Xiaoming, "Belt and Road", Modern Cancer Hospital) make
    # no sentence English.
    assert article.language.english_sentences == 0
    assert {sentence.lang for sentence in article.sentences()} == {"id"}
    assert article.warnings == []


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Rapat hari ini.", id="indonesian"),
        pytest.param("Thank you, Jakarta!", id="english"),
        pytest.param("2025 - 1.044.921", id="numbers"),
    ],
)
def test_too_short_text_is_warned_about_not_refused(text: str) -> None:
    article = prepared(text)

    check_article_language(article, "auto")

    assert article.warnings == ["the article is too short to check its language; treated as Indonesian"]
    assert article.language == LanguageCheck(requested="auto", detected=None, probability=None, candidates={}, english_sentences=0)


def test_short_text_with_source_lang_id_has_no_warning() -> None:
    article = prepared("Rapat hari ini.")

    check_article_language(article, "id")

    assert article.warnings == []
    assert article.language.detected is None


def test_detection_repeats_exactly() -> None:
    first = check_case('"Thank you very much for your warm welcome," she said.')[0]
    second = check_case('"Thank you very much for your warm welcome," she said.')[0]

    assert first.language == second.language
    assert [(s.lang, s.lang_probability) for s in first.sentences()] == [
        (s.lang, s.lang_probability) for s in second.sentences()
    ]
    # langdetect is random unless seeded: on a mixed sentence its probabilities vary run to run.
    mixed = "Meeting ini sangat productive and we are happy dengan hasilnya."
    results = [detect_languages(mixed) for _ in range(5)]
    assert all(result == results[0] for result in results)
    assert len(results[0]) > 1


def test_checking_again_repeats_results_without_repeating_warnings() -> None:
    article = prepared("Rapat hari ini.")
    check_article_language(article, "auto")
    before = replace(article.language)

    check_article_language(article, "auto")

    assert article.language == before
    assert article.warnings == ["the article is too short to check its language; treated as Indonesian"]


def test_detect_languages_gives_probabilities_most_likely_first() -> None:
    found = detect_languages(ENGLISH_ARTICLE)
    assert next(iter(found)) == "en"
    assert list(found.values()) == sorted(found.values(), reverse=True)
    assert detect_languages("2025 - 1.044.921 / 30") == {}


@pytest.mark.parametrize(
    ("code", "name"),
    [("en", "English"), ("id", "Indonesian"), ("ms", "Malay"), ("zh-cn", "Chinese"), ("xx", "xx")],
)
def test_language_names(code: str, name: str) -> None:
    assert language_name(code) == name


# --- what reads as Indonesian -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("The Expo digelar di Makassar", ["digelar", "di"], id="content-and-function-word"),
        pytest.param("It was dilaksanakan and dihadiri by many", ["dilaksanakan", "dihadiri"], id="di-kan-and-di-i"),
        pytest.param("The mengembangkan of pengembangan and kegiatan", ["mengembangkan", "pengembangan", "kegiatan"],
                     id="meng-and-pe-an-and-ke-an"),
        pytest.param("We berkolaborasi and terlihat", ["berkolaborasi", "terlihat"], id="ber-and-ter"),
        pytest.param("Each region masing-masing", ["masing", "masing", "masing-masing"], id="reduplication"),
        pytest.param("Dalam the morning", ["dalam"], id="first-word-counts-although-capitalised"),
        pytest.param("Ms. Yang Jinna of Dinas Kesehatan", [], id="capitalised-names-do-not"),
        pytest.param(
            "The different digital members of the terminal berth discussed medical pedestrian territory",
            [], id="english-words-that-look-affixed",
        ),
    ],
)
def test_indonesian_words(text: str, expected: list[str]) -> None:
    assert indonesian_words(text) == expected


# --- the document is judged on the text a reader sees -----------------------------------------

SHORT_RELEASE = (
    "Pemerintah Kota Makassar menggelar rapat koordinasi kesehatan pada hari Senin. "
    "Rapat dihadiri oleh kepala dinas dan para camat."
)
_MARKUP = (
    '<div class="field field--name-body field--type-text-with-summary"><p style="text-align: justify;">'
    '<span style="font-size: 12pt; font-family: Arial, Helvetica, sans-serif; color: #000000;">'
)


def _random_token(seed: int, alphabet: str, length: int) -> str:
    return "".join(random.Random(seed).choices(alphabet, k=length))


# Indonesian articles under noise (markup, links, codes): each must be accepted, as a reader sees
# Indonesian; each was once refused, some with a message contradicting itself.
NOISY_INDONESIAN_ARTICLES = [
    pytest.param(f"{_MARKUP}{SHORT_RELEASE}</span></p></div>", id="pasted-markup"),
    pytest.param(
        f"{SHORT_RELEASE} Tautan: https://drive.example.com/file/d/"
        f"{_random_token(0, string.ascii_letters + string.digits, 4600)}/view",
        id="4.6-kb-link",
    ),
    # was "not Indonesian: langdetect found Indonesian (id) with probability 0.43"
    pytest.param(f"{SHORT_RELEASE} {_random_token(4, string.ascii_lowercase, 800)}", id="long-code"),
    pytest.param(
        f"{SHORT_RELEASE} Kode: " + " ".join(_random_token(n, string.ascii_letters + string.digits, 64) for n in range(40)),
        id="code-in-lines",
    ),
    pytest.param(
        f"{SHORT_RELEASE} Informasi: humas.makassarkota@example.com, www.makassarkota.go.id/berita/2025/06/"
        "rapat-koordinasi-kesehatan-bersama-camat, +62 411 123456, 2025-06-03 09:00 WITA.",
        id="e-mail-link-numbers",
    ),
]


@pytest.mark.parametrize("text", NOISY_INDONESIAN_ARTICLES)
def test_indonesian_with_markup_links_and_codes_is_accepted(text: str) -> None:
    article = prepared(text, name="noisy")

    check_article_language(article, "auto")

    assert article.language.detected == "id"
    # the language check warns of nothing; the reader says what markup it removed
    assert [warning for warning in article.warnings if "HTML tag(s)" not in warning] == []


def test_readable_text_keeps_only_words() -> None:
    text = (
        '<p class="lead">Rapat&nbsp;dimulai <!-- note --> pukul 09.00 di https://a.example/b?c=d '
        "dan humas@example.com; kode QWERTYUIOPASDFGHJKLZXCVBNMQWERTY</p> 望加锡2025年"
    )
    assert readable_text(text) == "Rapat dimulai pukul di dan kode 望加锡 年"


def test_language_that_does_not_clearly_lead_is_not_refused() -> None:
    # langdetect: English 0.71, Indonesian 0.29. Refused before; in doubt, it is translated.
    article = prepared("Rapat koordinasi kesehatan hari ini. The meeting was very productive today.")

    check_article_language(article, "auto")

    assert article.language.detected == "en"
    assert article.warnings == [
        (
            "the article's language is unclear (langdetect: English 0.71, Indonesian or Malay 0.29); "
            "treated as Indonesian"
        )
    ]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(ENGLISH_ARTICLE, id="english"),
        pytest.param(CHINESE_ARTICLE, id="chinese"),
        pytest.param(f"{_MARKUP}{ENGLISH_ARTICLE}</span></p></div>", id="english-with-markup"),
    ],
)
def test_refusal_names_the_leading_language_never_indonesian(text: str) -> None:
    article = prepared(text, name="foreign")

    with pytest.raises(InputError) as raised:
        check_article_language(article, "auto")

    message = str(raised.value)
    named = re.search(r"langdetect found (.+?) \((\S+)\) with probability ([01]\.\d\d);", message)
    assert named is not None
    assert named.group(2) not in ("id", "ms") and "Indonesian" not in named.group(1)
    assert float(named.group(3)) >= 0.75
