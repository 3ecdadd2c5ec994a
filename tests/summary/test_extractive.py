"""The extractive summary: which sentences it picks, in what order, and where they come from."""

import math
import random
import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

import pytest

from models.tiny import SAMPLE_ARTICLE
from pipeline.article import Article
from pipeline.reading import parse_article_text, read_article
from pipeline.sentences import split_article
from pipeline.summary import extractive, summarize_article

# A release in the usual shape: the first paragraph states the news, the next ones elaborate,
# and the last is off-topic (weather), sharing no content word with the rest.
NEWS = """Pemerintah Kota Makassar Luncurkan Program Beasiswa

Pemerintah Kota Makassar meluncurkan program beasiswa pendidikan bagi 1.000 mahasiswa berprestasi dari keluarga kurang mampu pada hari Senin. Program beasiswa ini mencakup biaya kuliah dan biaya hidup selama empat tahun.

## Syarat dan Pendaftaran

Wali Kota Makassar mengatakan program beasiswa pendidikan ini dibiayai dari anggaran daerah. Pendaftaran program beasiswa dibuka secara daring mulai bulan depan.

Calon penerima beasiswa harus memiliki nilai rata-rata minimal 3,5 dan surat keterangan dari kelurahan. Seleksi beasiswa dilakukan oleh tim independen dari beberapa universitas.

Sementara itu, cuaca cerah berawan diperkirakan berlangsung sepanjang pekan dengan suhu udara mencapai 33 derajat.
"""  # noqa: E501 - a paragraph is one line of the release
NEWS_LEAD = "Pemerintah Kota Makassar meluncurkan program beasiswa pendidikan bagi 1.000 mahasiswa"
OFF_TOPIC = "Sementara itu, cuaca cerah berawan"


def prepared(text: str) -> Article:
    return split_article(parse_article_text(text, name="article", markdown=True))


def positions(article: Article) -> list[tuple[int, int]]:
    return [(entry.block, entry.sentence) for entry in article.summary]


def body_sentences(article: Article) -> list[tuple[int, int]]:
    return [
        (block_number, sentence_number)
        for block_number, sentence_number, block, _sentence in article.numbered_sentences()
        if block.kind in ("paragraph", "list_item")
    ]


def test_news_article_has_the_expected_shape() -> None:
    # The cases below rely on it: a title, a heading, seven paragraph sentences.
    article = prepared(NEWS)
    assert [block.kind for block in article.blocks] == ["title", "paragraph", "heading", "paragraph", "paragraph", "paragraph"]
    assert len(body_sentences(article)) == 7


@pytest.mark.parametrize("count", [1, 3, 5])
def test_picks_exactly_n_paragraph_sentences_in_document_order(count: int) -> None:
    article = prepared(NEWS)

    result = summarize_article(article, count)

    assert result is article
    picked = positions(article)
    assert len(picked) == count
    assert picked == sorted(picked)
    assert len(set(picked)) == count
    kinds = {article.blocks[block - 1].kind for block, _ in picked}
    assert kinds == {"paragraph"}


def test_first_sentence_of_the_lead_is_the_one_sentence_summary() -> None:
    article = prepared(NEWS)

    summarize_article(article, 1)

    assert positions(article) == [(2, 1)]
    assert article.summary[0].id.startswith(NEWS_LEAD)


def test_lead_is_kept_in_longer_summaries() -> None:
    article = prepared(NEWS)

    summarize_article(article, 3)

    assert positions(article)[0] == (2, 1)


def test_central_sentences_win_over_an_off_topic_one() -> None:
    article = prepared(NEWS)
    every = body_sentences(article)

    summarize_article(article, len(every) - 1)

    assert [(s.block, s.sentence) for s in article.summary] == [entry for entry in every if entry != (6, 1)]
    assert not any(s.id.startswith(OFF_TOPIC) for s in article.summary)


@pytest.mark.parametrize("count", [7, 8, 50])
def test_n_at_or_above_the_candidates_gives_every_candidate(count: int) -> None:
    article = prepared(NEWS)

    summarize_article(article, count)

    assert positions(article) == body_sentences(article)


@pytest.mark.parametrize("count", [0, -1])
def test_zero_sentences_gives_an_empty_summary(count: int) -> None:
    article = prepared(NEWS)
    summarize_article(article, 3)

    summarize_article(article, count)

    assert article.summary == []


def test_summary_languages_come_from_the_aligned_sentences() -> None:
    article = prepared(NEWS)
    for block_number, sentence_number, _block, sentence in article.numbered_sentences():
        sentence.en = f"English {block_number}.{sentence_number}"
        sentence.zh = f"中文 {block_number}.{sentence_number}"

    summarize_article(article, 3)

    assert len(article.summary) == 3
    for entry in article.summary:
        assert entry.en == f"English {entry.block}.{entry.sentence}"
        assert entry.zh == f"中文 {entry.block}.{entry.sentence}"


def test_summary_numbers_are_one_based_and_point_at_their_sentence() -> None:
    article = prepared(NEWS)
    by_position = {(b, s): sentence for b, s, _block, sentence in article.numbered_sentences()}

    summarize_article(article, 7)

    assert min(entry.block for entry in article.summary) >= 1
    assert min(entry.sentence for entry in article.summary) >= 1
    for entry in article.summary:
        assert by_position[(entry.block, entry.sentence)].text == entry.id
        assert article.blocks[entry.block - 1].sentences[entry.sentence - 1].text == entry.id
    # The second sentence of the second paragraph block (block 4: title, lead, heading, ...).
    assert (4, 2) in positions(article)
    assert by_position[(4, 2)].text.startswith("Pendaftaran program beasiswa dibuka")


def test_short_sentences_give_way_to_full_ones() -> None:
    article = prepared(
        "MAKASSAR, Senin (2/6/2025).\n\n"
        "Pemerintah Kota Makassar meluncurkan program beasiswa pendidikan bagi seribu mahasiswa berprestasi.\n\n"
        "Terima kasih.\n\n"
        "Program beasiswa ini mencakup biaya kuliah dan biaya hidup mahasiswa selama empat tahun."
    )
    assert [block.kind for block in article.blocks] == ["paragraph"] * 4

    summarize_article(article, 2)

    assert positions(article) == [(2, 1), (4, 1)]


def test_headings_and_title_are_never_picked_while_paragraphs_exist() -> None:
    # Every paragraph sentence is short; the title and the heading are long enough to be
    # "summary material" by word count, but they are not what happened.
    article = prepared(
        "# Pemerintah Kota Makassar Resmi Meluncurkan Program Beasiswa Pendidikan Baru\n\n"
        "## Ribuan mahasiswa dari keluarga kurang mampu akan menerima bantuan biaya kuliah\n\n"
        "Program diluncurkan Senin. Pendaftaran dibuka daring. Seleksi oleh tim independen."
    )
    assert [block.kind for block in article.blocks] == ["title", "heading", "paragraph"]

    summarize_article(article, 3)

    assert positions(article) == [(3, 1), (3, 2), (3, 3)]
    assert [entry.id for entry in article.summary] == [
        "Program diluncurkan Senin.", "Pendaftaran dibuka daring.", "Seleksi oleh tim independen.",
    ]


def test_list_items_are_summary_material() -> None:
    article = prepared(
        "# Lima Program Prioritas Pemerintah Kota\n\n"
        "- Pemerintah kota membangun sepuluh sekolah dasar baru di kawasan pinggiran kota.\n"
        "- Pemerintah kota memperbaiki jalan kota sepanjang lima puluh kilometer tahun ini."
    )

    summarize_article(article, 5)

    assert positions(article) == [(2, 1), (3, 1)]
    assert {article.blocks[b - 1].kind for b, _ in positions(article)} == {"list_item"}


def test_an_article_of_headings_only_is_still_summarized() -> None:
    article = prepared("# Pengumuman Libur Nasional\n\n## Kantor tutup pada tanggal 17 Agustus 2025")

    summarize_article(article, 3)

    assert [entry.id for entry in article.summary] == [
        "Pengumuman Libur Nasional", "Kantor tutup pada tanggal 17 Agustus 2025",
    ]


def test_sample_article_summary_starts_with_its_lead_and_skips_headings() -> None:
    article = split_article(read_article(SAMPLE_ARTICLE))

    summarize_article(article, 5)

    assert len(article.summary) == 5
    assert positions(article)[0] == (1, 1)
    assert article.summary[0].id.startswith("Pada tanggal 29 Mei 2025, sejumlah pakar di bidang onkologi")
    assert positions(article) == sorted(positions(article))
    assert {article.blocks[b - 1].kind for b, _ in positions(article)} == {"paragraph"}


def test_summarizing_again_replaces_the_summary() -> None:
    article = prepared(NEWS)
    summarize_article(article, 5)

    summarize_article(article, 2)

    assert len(article.summary) == 2


def test_sample_article_picks_its_lead_and_most_central_paragraph_sentences() -> None:
    article = split_article(read_article(SAMPLE_ARTICLE))

    summarize_article(article, 3)

    assert positions(article) == [(1, 1), (1, 2), (3, 4)]
    assert article.summary[1].id.startswith("Kunjungan dan pertukaran ini bertujuan")
    assert article.summary[2].id.startswith("Pertukaran kali ini akan secara efektif")


@pytest.mark.parametrize(
    "texts",
    [
        ["Program beasiswa kota dibuka.", "Beasiswa kota untuk mahasiswa.", "Cuaca cerah berawan sepanjang pekan."],
        ["Beasiswa beasiswa beasiswa kota.", "Kota kota beasiswa.", "Beasiswa.", "Di dan yang."],
        ["Hanya satu kalimat tentang beasiswa kota."],
        [],
    ],
)
def test_centrality_is_the_mean_cosine_to_the_other_texts(texts: list[str]) -> None:
    bags = [extractive._bag(text) for text in texts]

    def cosine(a: dict[str, int], b: dict[str, int]) -> float:
        norms = math.sqrt(sum(c * c for c in a.values())) * math.sqrt(sum(c * c for c in b.values()))
        return sum(count * b.get(word, 0) for word, count in a.items()) / norms if norms else 0.0

    expected = [
        sum(cosine(bag, other) for j, other in enumerate(bags) if j != i) / (len(bags) - 1) if len(bags) > 1 else 0.0
        for i, bag in enumerate(bags)
    ]
    assert extractive.centrality_scores(texts) == pytest.approx(expected, abs=1e-12)
    if len(texts) == 3 and texts[2].startswith("Cuaca"):
        assert extractive.centrality_scores(texts)[2] == 0.0  # shares no content word: exactly nothing


class _TooMuchWork(Exception):
    pass


def _lines_run(function: Callable[[list[str]], Any], texts: list[str], budget: int) -> int:
    """How many Python lines of ``extractive`` (its comprehensions too) ``function(texts)`` runs.

    A count, not a time: the same on a slow shared machine as on a fast one. It stops the call
    with ``_TooMuchWork`` past ``budget`` lines, so work that grows with the square of the
    sentences fails in seconds instead of running for hours.
    """
    count = 0
    source = extractive.__file__

    def in_extractive(frame: FrameType, event: str, arg: object) -> Any:
        nonlocal count
        if event == "line":
            count += 1
            if count > budget:
                raise _TooMuchWork
        return in_extractive

    def calls(frame: FrameType, event: str, arg: object) -> Any:
        return in_extractive if frame.f_code.co_filename == source else None

    before = sys.gettrace()
    sys.settrace(calls)
    try:
        function(texts)
    except _TooMuchWork:
        pytest.fail(f"centrality_scores ran more than {budget} lines for {len(texts)} sentences")
    finally:
        sys.settrace(before)
    return count


def _short_sentences(count: int) -> list[str]:
    # Five-word sentences over a vocabulary that grows with the text, as in a long real file.
    rng = random.Random(count)
    vocabulary = [f"kata{index}" for index in range(max(50, count // 10))]
    return [" ".join(rng.choice(vocabulary) for _ in range(5)) + "." for _ in range(count)]


# Lines of extractive a short sentence may cost: a fixed amount, whatever the number of sentences.
_LINES_PER_SENTENCE = 80


def test_centrality_work_grows_linearly_with_the_sentences() -> None:
    ten, twenty = (
        _lines_run(extractive.centrality_scores, _short_sentences(count), _LINES_PER_SENTENCE * count)
        for count in (10_000, 20_000)
    )

    assert twenty <= 2.2 * ten, (ten, twenty)


def test_centrality_of_100000_short_sentences_is_bounded_work() -> None:
    texts = _short_sentences(100_000)

    lines = _lines_run(extractive.centrality_scores, texts, _LINES_PER_SENTENCE * len(texts))

    assert lines <= _LINES_PER_SENTENCE * len(texts)
    scores = extractive.centrality_scores(texts)
    assert len(scores) == len(texts) and all(0.0 <= score <= 1.0 for score in scores)
