"""Tracing summary sentences to the release: supporting rows, and claims the release never made."""

import pytest

from pipeline.article import Article, SummarySentence
from pipeline.reading import parse_article_text
from pipeline.sentences import split_article
from pipeline.summary import summarize_article
from pipeline.summary.claims import UNSUPPORTED_FLAG, ReleaseIndex, trace_summary

RELEASE = """Makassar Kirim Delegasi Onkologi ke Guangzhou

Jakarta, Kamis (29/5) - Para pakar onkologi dari Makassar mengunjungi Modern Cancer Hospital Guangzhou pada 29 Mei 2025. \
Kunjungan ini bertujuan mendorong inovasi teknologi invasif minimal.

Pemerintah daerah menyiapkan anggaran Rp5 miliar untuk program pelatihan dokter. Sebanyak 1.044.921 warga akan mendapat manfaat dari program tersebut.

Direktur rumah sakit, dr. Li Wei, menyampaikan sambutan hangat kepada delegasi.
"""


def release() -> Article:
    return split_article(parse_article_text(RELEASE, name="release", markdown=True))


# The table is the promise: what a summary may say in other words, and what it may not invent.
@pytest.mark.parametrize(
    ("summary", "unsupported"),
    [
        # the same facts, written differently
        ("Pemerintah daerah menyiapkan 5 miliar rupiah untuk pelatihan dokter.", False),
        ("Pemerintah daerah menyiapkan Rp5 miliar untuk pelatihan dokter.", False),
        ("Para pakar onkologi dari Makassar berkunjung ke Guangzhou pada 29/5/2025.", False),
        ("Para pakar onkologi dari Makassar berkunjung ke Guangzhou pada 29 Mei 2025.", False),
        ("Program tersebut bermanfaat bagi 1.044.921 warga.", False),
        ("Direktur rumah sakit Li Wei menyambut delegasi dari Makassar.", False),
        # a year stated only inside one of the release's dates
        ("Para pakar onkologi dari Makassar berkunjung ke Guangzhou pada tahun 2025.", False),
        # a sentence opened by an ordinary word, capitalised only because it opens the sentence
        ("Selain itu, pemerintah daerah menyiapkan Rp5 miliar untuk pelatihan dokter.", False),
        ("Kesepakatan kunjungan ke Guangzhou mendorong inovasi teknologi invasif minimal.", False),
        ("Sebelumnya, para pakar onkologi dari Makassar mengunjungi Guangzhou.", False),
        ("Surabaya mengirim para pakar onkologi ke Guangzhou.", True),  # a name opening the sentence still counts
        # invented numbers and amounts
        ("Pemerintah daerah menyiapkan Rp7 miliar untuk pelatihan dokter.", True),
        ("Pemerintah daerah menyiapkan 5 juta rupiah untuk pelatihan dokter.", True),
        ("Program tersebut bermanfaat bagi 2 juta warga.", True),
        # a changed date
        ("Para pakar onkologi dari Makassar berkunjung ke Guangzhou pada 28 Mei 2025.", True),
        ("Para pakar onkologi dari Makassar berkunjung ke Guangzhou pada 29/6/2025.", True),
        # a name the release never mentions
        ("Menteri Kesehatan Budi Santoso memimpin delegasi dari Makassar ke Guangzhou.", True),
        ("Para pakar onkologi dari Surabaya mengunjungi Guangzhou.", True),
        # nothing in common with the release at all
        ("Cuaca cerah berawan sepanjang pekan.", True),
    ],
)
def test_unsupported_claims_are_flagged_and_rewordings_are_not(summary: str, unsupported: bool):
    article = release()
    article.summary = [SummarySentence(0, 0, summary, "", "")]

    trace_summary(article)

    assert (UNSUPPORTED_FLAG in article.summary[0].flags) is unsupported


def test_a_value_stated_only_in_an_english_sentence_of_the_release_supports_the_summary():
    article = release()
    english = article.blocks[-1].sentences[0]
    english.text, english.lang = "The budget is IDR 7 billion.", "en"
    article.summary = [SummarySentence(0, 0, "Anggaran program sebesar Rp7 miliar.", "", "")]

    trace_summary(article)

    assert article.summary[0].flags == []


def test_sources_are_the_rows_that_say_it_best_first_and_a_joined_claim_links_both():
    article = release()
    rows = {sentence.text: (block, number) for block, number, _, sentence in article.numbered_sentences()}
    budget = rows["Pemerintah daerah menyiapkan anggaran Rp5 miliar untuk program pelatihan dokter."]
    people = rows["Sebanyak 1.044.921 warga akan mendapat manfaat dari program tersebut."]
    article.summary = [
        SummarySentence(0, 0, "Anggaran Rp5 miliar disiapkan untuk pelatihan dokter.", "", ""),
        SummarySentence(0, 0, "Anggaran Rp5 miliar untuk pelatihan dokter bermanfaat bagi 1.044.921 warga.", "", ""),
    ]

    trace_summary(article)

    assert article.summary[0].sources == [budget]
    assert (article.summary[0].block, article.summary[0].sentence) == budget
    assert article.summary[1].sources[:2] == [budget, people]


def test_a_sentence_sharing_no_word_with_the_release_has_no_source():
    assert ReleaseIndex(release()).sources("Cuaca cerah berawan sepanjang pekan.") == []


def test_an_extracted_summary_is_its_own_first_source_and_never_unsupported():
    article = summarize_article(release(), 3)

    assert article.summary and all(item.sources[0] == (item.block, item.sentence) for item in article.summary)
    assert all(UNSUPPORTED_FLAG not in item.flags for item in article.summary)
    assert article.summary_method == "extractive" and article.summary_model is None
