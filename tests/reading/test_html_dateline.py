"""Web pages keep their dateline, and their publication date is recorded (pipeline/reading/html_dateline.py)."""

import json
from pathlib import Path

import pytest

from pipeline.reading.html import read_html
from pipeline.reading.html_dateline import dateline_date, is_dateline

TITLE = "Pemkot Bandung Luncurkan Program Vaksinasi Gratis"
BODY = (
    "<p>Pemerintah Kota Bandung meluncurkan program vaksinasi gratis bagi seluruh warga pada hari Kamis. "
    "Program ini menargetkan 500.000 warga hingga akhir tahun.</p>\n"
    "<p>Wali Kota Bandung mengatakan program tersebut didanai dari anggaran daerah sebesar Rp25 miliar. "
    "Warga dapat mendaftar melalui puskesmas terdekat dengan membawa kartu keluarga.</p>\n"
    "<p>Pendaftaran dibuka mulai 15 Juni 2025 dan layanan tersedia setiap hari kerja pukul 08.00 hingga 15.00 WIB "
    "di seluruh kecamatan.</p>\n"
)
FIRST_SENTENCES = "Pemerintah Kota Bandung meluncurkan program vaksinasi gratis"


def page(head: str = "", above: str = "", below: str = "", body: str = BODY, after: str = "") -> str:
    """A news portal's article page: menu, breadcrumbs, article, side column, footer."""
    return f"""<!DOCTYPE html>
<html lang="id"><head><meta charset="utf-8">
<title>{TITLE} | Portal Berita Jabar</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
{head}
</head><body>
<header class="site"><a class="logo" href="/">Portal Berita Jabar</a>
<nav><ul><li><a href="/">Beranda</a></li><li><a href="/pemerintahan">Pemerintahan</a></li><li><a href="/kesehatan">Kesehatan</a></li></ul></nav>
</header>
<div class="breadcrumb"><a href="/">Beranda</a> › <a href="/kesehatan">Kesehatan</a></div>
<main><article class="post">
{above}
<h1 class="post-title">{TITLE}</h1>
{below}
<div class="post-content">
{body}
</div>
{after}
</article>
<aside class="sidebar"><h3>Berita Terpopuler</h3><ul><li><a href="/a">Jakarta, 11 Juni 2025</a></li>
<li><a href="/b">Harga beras naik</a> <time datetime="2025-05-01">1 Mei</time></li></ul></aside>
</main>
<footer><p>Bandung, 1 Januari 2020</p><p>© 2025 Portal Berita Jabar. Hak cipta dilindungi.</p></footer>
</body></html>
"""


def _read(tmp_path: Path, html: str):
    path = tmp_path / "rilis.html"
    path.write_text(html, encoding="utf-8")
    return read_html(path, "rilis")


PAGES = {
    "p-dateline-kept": dict(below='<p class="dateline">Bandung, 12 Juni 2025</p>'),
    "div-date-dropped": dict(below='<div class="date">Bandung, 12 Juni 2025</div>'),
    "span-between": dict(below='<span class="dateline">Bandung, 12 Juni 2025</span>'),
    "byline-span": dict(below='<div class="meta"><span class="author">Humas Kota Bandung</span> · '
                              '<span class="dateline">Bandung, Kamis (12/6/2025)</span></div>'),
    "above-headline": dict(above='<div class="kicker">Bandung, 12 Juni 2025</div>'),
    "inside-content": dict(body='<p class="date">BANDUNG, 12 JUNI 2025 –</p>\n' + BODY),
}
EXPECTED = {
    "byline-span": "Bandung, Kamis (12/6/2025)",
    "inside-content": "BANDUNG, 12 JUNI 2025 –",
}


@pytest.mark.parametrize("case", list(PAGES))
def test_the_dateline_is_the_first_block_after_the_title_word_for_word(tmp_path: Path, case: str) -> None:
    article = _read(tmp_path, page(**PAGES[case]))

    assert [block.kind for block in article.blocks[:3]] == ["title", "paragraph", "paragraph"]
    assert article.blocks[0].text == TITLE
    assert article.blocks[1].text == EXPECTED.get(case, "Bandung, 12 Juni 2025")
    assert article.blocks[2].text.startswith(FIRST_SENTENCES)
    assert sum(1 for block in article.blocks if is_dateline(block.text)) == 1  # once, not twice


@pytest.mark.parametrize(
    ("extra", "second"),
    [
        pytest.param({}, FIRST_SENTENCES, id="no-dateline"),
        pytest.param({"after": '<figure><img src="foto.jpg"><figcaption>Bandung, 12 Juni 2025</figcaption></figure>'},
                     FIRST_SENTENCES, id="photo-caption-after-the-text"),
        pytest.param({"below": '<figure><img src="foto.jpg"><figcaption>Bandung, 12 Juni 2025</figcaption></figure>'},
                     FIRST_SENTENCES, id="photo-caption-under-the-headline"),
        # a signature line at the end stays there, as in the page
        pytest.param({"after": '<p class="date">Bandung, 12 Juni 2025</p>'}, FIRST_SENTENCES, id="date-line-after-the-text"),
        pytest.param({"below": '<p class="lead">Acara digelar, 12 Juni 2025</p>'}, "Acara digelar, 12 Juni 2025",
                     id="a-sentence-not-a-place"),
    ],
)
def test_no_dateline_is_made_up_or_moved(tmp_path: Path, extra: dict[str, str], second: str) -> None:
    article = _read(tmp_path, page(**extra))

    assert article.blocks[0].text == TITLE
    assert article.blocks[1].text.startswith(second)
    assert "Bandung, 12 Juni 2025" not in [block.text for block in article.blocks[:3]]
    # the side column's and the footer's dates are not the article's
    assert not any(block.text in ("Jakarta, 11 Juni 2025", "Bandung, 1 Januari 2020") for block in article.blocks)


PUBLISHED_META = '<meta property="article:published_time" content="2025-06-12T09:30:00+07:00">'
TIME_ELEMENT = '<div class="meta"><span class="author">Humas Kota Bandung</span> <time datetime="2025-06-11T16:00:00+07:00">11 Juni 2025</time></div>'


@pytest.mark.parametrize(
    ("parts", "published"),
    [
        pytest.param({"head": PUBLISHED_META}, "2025-06-12", id="article-published-time"),
        pytest.param({"below": TIME_ELEMENT}, "2025-06-11", id="time-datetime"),
        pytest.param({"head": PUBLISHED_META, "below": '<p class="dateline">Bandung, 12 Juni 2025</p>'}, None,
                     id="the-dateline-states-it"),
        pytest.param({"head": PUBLISHED_META, "below": '<p class="dateline">Bandung, 11 Juni 2025</p>'}, "2025-06-12",
                     id="the-dateline-states-another-day"),
        pytest.param({"head": '<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [{"@type": '
                              '"WebPage"}, {"@type": "NewsArticle", "datePublished": "2025-06-10T08:00:00+07:00"}]}</script>'},
                     "2025-06-10", id="json-ld"),
        # the text's own dates (15 Juni 2025 in the body, 1 Januari 2020 in the footer) are not the
        # publication date, nor is a related article's time in the side column
        pytest.param({}, None, id="none-in-the-markup"),
    ],
)
def test_report_records_the_publication_date_the_dateline_does_not_state(tmp_path: Path, parts: dict[str, str],
                                                                          published: str | None) -> None:
    from benchmarks.standin import use_stand_in
    from pipeline.orchestrator import Warta
    from pipeline.settings import Settings

    path = tmp_path / "rilis.html"
    path.write_text(page(**parts), encoding="utf-8")
    warta = use_stand_in(Warta(Settings(device="cpu", beams=1, source_lang="id", formats=("tsv",))))
    article = warta.translate_file(path)
    warta.write(article, tmp_path / "out")

    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["document"] == {"published": published}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bandung, 12 Juni 2025", "2025-06-12"),
        ("BANDUNG, 12 JUNI 2025", "2025-06-12"),
        ("Jakarta, Kamis (12/6/2025)", "2025-06-12"),
        ("Jakarta, 3/6/2025", "2025-06-03"),
        ("Daerah Istimewa Yogyakarta, 1 Mei 2025 -", "2025-05-01"),
        ("Jakarta, June 12, 2025", "2025-06-12"),
        ("Makassar, 2025-06-12", "2025-06-12"),
        ("Kota Baru, 31/2/2025", None),  # a dateline, but no such day
    ],
)
def test_datelines_and_their_dates(text: str, expected: str | None) -> None:
    assert is_dateline(text)
    assert dateline_date(text) == expected


@pytest.mark.parametrize(
    "text",
    ["Acara digelar, 12 Juni 2025", "Humas Kota Bandung Jakarta, 3/6/2025", "12 Juni 2025", "Bandung, Juni 2025",
     "Bandung, 12 Juni 2025 - Pemerintah Kota Bandung meluncurkan program vaksinasi gratis."],
)
def test_not_datelines(text: str) -> None:
    assert not is_dateline(text)
