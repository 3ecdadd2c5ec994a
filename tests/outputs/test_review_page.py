"""The reviewer's outputs: review.html (also in a real headless browser), article.tmx, aligned.xlsx."""

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pipeline.orchestrator import Warta
from pipeline.outputs.report import RunInfo
from pipeline.settings import Settings

# Markup the reader keeps as text (ordinary HTML pasted into a .txt release is read as a browser
# shows it, pipeline/reading/text.py): what is left must be escaped in every output. <image> is
# what an HTML parser makes an <img> of; an unclosed <script> and <svg onload> run in a page
# that lets markup through.
XSS_ARTICLE = (
    "Rilis Pers <script>window.__xss = 1; alert(1) <svg onload=\"window.__xss = 4\">\n\n"
    "Pemerintah Kota Makassar meluncurkan program kesehatan baru senilai Rp500 miliar pada 29 Mei 2025. "
    "Program ini diikuti oleh 1.044.921 warga <image src=x onerror=\"window.__xss = 2; alert(2)\"> di seluruh kota.\n\n"
    "Dokumen lama memuat penanda ]]> dan tautan <form action=\"https://example.com/track\"><button>jahat</button> yang harus tampil apa adanya. "
    "Rumus =HYPERLINK(\"http://example.com\") juga hanya teks biasa.\n"
)


@pytest.fixture(scope="module")
def xss_outputs(tiny_models, tmp_path_factory) -> Path:
    """The outputs of translating the XSS article with the tiny models."""
    folder = tmp_path_factory.mktemp("review") / "xss"
    warta = Warta(Settings(models={pair: str(path) for pair, path in tiny_models.items()}, device="cpu", beams=1, source_lang="id"))
    article = warta.translate_text(XSS_ARTICLE, name="xss")
    warta.write(article, folder)
    return folder


@pytest.fixture(scope="module")
def sample_outputs(tiny_models, sample_article, tmp_path_factory) -> Path:
    """The outputs of translating the sample article with the tiny models."""
    folder = tmp_path_factory.mktemp("review") / "sample"
    warta = Warta(Settings(models={pair: str(path) for pair, path in tiny_models.items()}, device="cpu", beams=1))
    warta.write(warta.translate_file(sample_article), folder)
    return folder


@pytest.fixture(scope="module")
def mixed_outputs(tiny_models, tmp_path_factory) -> Path:
    """An article whose long sentences get flagged (the tiny models answer in a word) and short ones not."""
    text = (
        "Acara berjalan lancar. Semua tamu hadir. "
        "Pemerintah Kota Makassar meluncurkan program kesehatan baru untuk seluruh warga kota pada hari Senin.\n\n"
        "Wali kota hadir. Program ini akan menjangkau semua puskesmas di kota tersebut pada tahun depan.\n"
    )
    folder = tmp_path_factory.mktemp("review") / "mixed"
    warta = Warta(Settings(models={pair: str(path) for pair, path in tiny_models.items()}, device="cpu", beams=1))
    warta.write(warta.translate_text(text, name="mixed"), folder)
    return folder


def _tsv_rows(folder: Path) -> list[list[str]]:
    return [line.split("\t") for line in (folder / "aligned.tsv").read_text(encoding="utf-8").splitlines()[1:]]


def _all(element, tag: str, css_class: str, inside: str = "."):
    """The ``tag`` elements with class ``css_class`` below ``element`` (under ``inside``, an XPath)."""
    return element.xpath(f'{inside}//{tag}[contains(concat(" ", normalize-space(@class), " "), " {css_class} ")]')


def _section(page: str, css_class: str):
    """The page's ``<section>`` of class ``css_class``, parsed."""
    import lxml.html

    (section,) = _all(lxml.html.fromstring(page), "section", css_class)
    return section


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, str | None]] = []
        self.scripts = 0
        self.urls: list[str] = []
        self.images = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "tr" and "row" in (values.get("class") or "").split():
            self.rows.append(values)
        if tag == "script" and values.get("type") != "application/json":  # a JSON data block runs nothing
            self.scripts += 1
        if tag == "img":
            self.images += 1
        for name in ("src", "href"):
            if values.get(name):
                self.urls.append(values[name] or "")


def test_review_page_has_a_row_per_sentence_and_escapes_everything(xss_outputs):
    html = (xss_outputs / "review.html").read_text(encoding="utf-8")
    page = _Collector()
    page.feed(html)
    rows = _tsv_rows(xss_outputs)
    assert [row["id"] for row in page.rows] == [f"row-{n}" for n in range(1, len(rows) + 1)]
    assert page.scripts == 1 and page.images == 0  # only warta's own script; the article's <img> is text
    assert all(url.startswith("#row-") for url in page.urls)  # no link leaves the page
    assert "&lt;script&gt;window.__xss = 1; alert(1) &lt;svg onload=" in html
    assert "&lt;image src=x onerror=" in html and "]]&gt;" in html and "&lt;form action=" in html
    assert "Content-Security-Policy" in html and "default-src 'none'" in html


def test_review_page_summary_links_to_its_sentences(sample_outputs):
    html = (sample_outputs / "review.html").read_text(encoding="utf-8")
    summary = json.loads((sample_outputs / "summary.json").read_text(encoding="utf-8"))["sentences"]
    rows = _tsv_rows(sample_outputs)
    for item in summary:
        source = item["sources"][0]
        number = next(i for i, row in enumerate(rows, 1) if row[0] == str(source["block"]) and row[1] == str(source["sentence"]))
        assert f'href="#row-{number}"' in html
    assert "Noto Sans CJK SC" in html and 'lang="zh-Hans"' in html and "@media print" in html


def test_tmx_is_valid_tmx_14b_with_a_unit_per_sentence(xss_outputs):
    from lxml import etree

    dtd = etree.DTD(str(Path(__file__).parents[1] / "data" / "tmx14.dtd"))
    document = etree.parse(str(xss_outputs / "article.tmx"))
    assert dtd.validate(document), dtd.error_log.filter_from_errors()
    units = document.findall(".//tu")
    rows = _tsv_rows(xss_outputs)
    assert len(units) == len(rows)
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    first = {variant.get(lang): variant.findtext("seg") for variant in units[0].findall("tuv")}
    assert set(first) == {"id", "en", "zh-CN"}
    assert first["id"] == rows[0][3] and "<script>" in first["id"]  # text, escaped by the XML writer
    assert any("]]>" in (unit.findtext("tuv/seg") or "") for unit in units)


def test_xlsx_has_the_rows_a_frozen_header_wrapping_and_coloured_flags(xss_outputs):
    from openpyxl import load_workbook

    from pipeline.outputs.xlsx import FLAGGED_FILL

    sheet = load_workbook(xss_outputs / "aligned.xlsx").active
    rows = _tsv_rows(xss_outputs)
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == ["block", "sentence", "kind", "id", "en", "zh", "flags"]
    assert [str(value[3]) for value in values[1:]] == [row[3] for row in rows]
    assert sheet.freeze_panes == "A2"
    assert sheet.cell(row=2, column=4).alignment.wrap_text
    for number, row in enumerate(rows, start=2):
        colour = sheet.cell(row=number, column=4).fill.start_color.rgb
        assert (colour.endswith(FLAGGED_FILL)) == bool(row[6])
    formula = next(cell for row in sheet.iter_rows() for cell in row if str(cell.value).startswith("Rumus"))
    assert formula.data_type == "s"
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


# --- in a real browser -------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser():
    """Debian's headless chromium driven by Playwright (installed by .ci/run)."""
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (.ci/run installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


def _open(browser, path: Path):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    requests: list[str] = []
    dialogs: list[str] = []
    page.on("request", lambda request: requests.append(request.url))

    def dismiss(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.goto(path.resolve().as_uri())
    page.wait_for_load_state("load")
    return page, requests, dialogs


def test_page_in_a_browser_shows_every_row_and_filters_flagged_ones(browser, mixed_outputs, artifacts):
    page, requests, dialogs = _open(browser, mixed_outputs / "review.html")
    rows = _tsv_rows(mixed_outputs)
    assert page.locator("tr.row").count() == len(rows)
    assert page.locator("tr.row:visible").count() == len(rows)
    flagged = sum(1 for row in rows if row[6])
    assert 0 < flagged < len(rows)
    page.check("#only-flagged")
    assert page.locator("tr.row:visible").count() == flagged
    page.uncheck("#only-flagged")
    page.locator("tr.row").nth(2).click()
    assert "selected" in (page.locator("tr.row").nth(2).get_attribute("class") or "")
    page.screenshot(path=str(artifacts / "review-sample.png"), full_page=False)
    assert all(url.startswith("file://") for url in requests), requests
    assert dialogs == []
    page.close()


def test_xss_article_runs_nothing_in_a_browser(browser, xss_outputs, artifacts):
    page, requests, dialogs = _open(browser, xss_outputs / "review.html")
    assert dialogs == []
    assert page.evaluate("window.__xss") is None
    text = page.inner_text("table")
    assert '<script>window.__xss = 1; alert(1) <svg onload="window.__xss = 4">' in page.inner_text("h1") + text
    assert '<image src=x onerror="window.__xss = 2; alert(2)">' in text and "]]>" in text
    assert page.locator("img").count() == 0 and page.locator("svg").count() == 0 and page.locator("form").count() == 0
    assert all(url.startswith("file://") for url in requests), requests
    page.screenshot(path=str(artifacts / "review-xss.png"))
    page.close()


# --- list numbers and the article's title on the page ---------------------------------------


def _hand_translated(blocks: list[tuple[str, str, str]], name: str = "rilis-2025-06-03"):
    from pipeline.article import Article, Block
    from pipeline.sentences import split_article

    article = split_article(Article(source=None, name=name, blocks=[Block(kind, text, marker=marker) for kind, marker, text in blocks]))
    for sentence in article.sentences():
        sentence.en, sentence.zh = sentence.text.upper(), f"中文 {sentence.text.upper()}"
    return article


def test_review_page_shows_the_source_list_numbers_not_bullets() -> None:
    from pipeline.outputs.review_page import render_review_page

    article = _hand_translated([
        ("title", "", "Langkah Pendaftaran Vaksin"),
        ("list_item", "1.", "Datang ke puskesmas."),
        ("list_item", "2.", "Bawa kartu keluarga. Isi formulir."),
        ("list_item", "3)", "Tunggu panggilan."),
        ("list_item", "-", "Catatan tambahan."),
    ])

    page = render_review_page(article, RunInfo(warta_version="test"), ("en", "zh"))

    rows = re.findall(r'<tr class="row ([^"]*)".*?</tr>', page, flags=re.S)
    assert rows[1:] == ["list_item", "list_item", "list_item", "list_item", "list_item bullet"]
    cells = re.findall(r'<td class="text" lang="en">(.*?)</td>', page, flags=re.S)
    # the English is editable: the marker stays outside the editable text
    cells = [re.sub(r'<span class="edit" [^>]*>(.*?)</span>', r"\1", cell, flags=re.S) for cell in cells]
    assert cells[1:] == [
        '<span class="marker">1.</span>DATANG KE PUSKESMAS.',
        '<span class="marker">2.</span>BAWA KARTU KELUARGA.',
        "ISI FORMULIR.",  # the item's second sentence: its number is on the first
        '<span class="marker">3)</span>TUNGGU PANGGILAN.',
        "CATATAN TAMBAHAN.",
    ]


@pytest.mark.parametrize(
    ("first", "expected"),
    [
        pytest.param(("title", "", "Pekan Imunisasi Dimulai"), "Pekan Imunisasi Dimulai", id="title"),
        pytest.param(("heading", "##", "Pekan Imunisasi Dimulai"), "Pekan Imunisasi Dimulai", id="opening-heading"),
        pytest.param(("paragraph", "", "Pekan imunisasi dimulai hari ini."), "rilis-2025-06-03", id="no-title-falls-back-to-the-name"),
    ],
)
def test_review_page_heading_is_the_article_title(first: tuple[str, str, str], expected: str) -> None:
    from pipeline.outputs.review_page import render_review_page

    article = _hand_translated([first, ("paragraph", "", "Warga diminta datang ke puskesmas.")])

    page = render_review_page(article, RunInfo(warta_version="test"), ("en", "zh"))

    assert re.search(r"<h1>(.*?)</h1>", page).group(1) == expected


def test_review_page_links_every_source_of_a_written_summary_sentence_and_shows_unsupported() -> None:
    from pipeline.article import SummarySentence
    from pipeline.outputs.review_page import render_review_page

    article = _hand_translated([
        ("title", "", "Langkah Pendaftaran Vaksin"),
        ("paragraph", "", "Datang ke puskesmas. Bawa kartu keluarga."),
        ("paragraph", "", "Tunggu panggilan."),
    ])
    article.summary = [
        SummarySentence(2, 2, "Bawa kartu keluarga dan tunggu panggilan.", "BRING", "带", [(2, 2), (3, 1)]),
        SummarySentence(0, 0, "Vaksin gratis bagi 5 juta warga.", "FREE", "免费", [], ["unsupported"]),
    ]

    article.summary_model = {"name": "Qwen/Qwen2.5-1.5B-Instruct"}
    page = render_review_page(article, RunInfo(warta_version="test"), ("en", "zh"))

    summary = _section(page, "summary")
    assert "Written by Qwen/Qwen2.5-1.5B-Instruct" in summary.text_content()
    (english,) = _all(summary, "p", "summary-text", './/div[@lang="en"]')
    # readable text: the sentences one after the other, each followed by small links to its rows
    assert english.text_content() == "BRING↗3↗4 FREE not in the release"
    assert [(link.get("href"), link.text) for link in _all(english, "a", "source")] == [("#row-3", "↗3"), ("#row-4", "↗4")]
    assert all(link.getparent().tag == "sup" for link in english.iter("a"))  # no sentence is a link
    (mark,) = _all(english, "span", "flag")
    assert mark.get("data-flag") == "unsupported" and mark.get("title").startswith("a summary sentence states")


# --- the reviewer edits, approves and exports corrections -------------------------------------


def test_reviewer_edits_approve_survive_a_reload_and_export_as_corrections(browser, xss_outputs, artifacts):
    from pipeline.tsv import parse_tsv

    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 900})
    page = context.new_page()
    dialogs: list[str] = []
    errors: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto((xss_outputs / "review.html").resolve().as_uri())
    markup = '<img src=x onerror="window.__xss = 3; alert(3)">'
    assert page.locator("#row-2 .edit[data-lang=en]").get_attribute("contenteditable") == "plaintext-only"  # left as it is where supported
    page.locator("#row-2 .edit[data-lang=en]").fill("The edited English.")
    page.locator("#row-3 .edit[data-lang=zh]").fill(markup)
    page.locator("#row-1 input.approve").check()
    page.locator("#row-5 .edit[data-lang=en]").fill("a\tb\nc")  # aligned.tsv's cells hold neither
    page.reload()
    page.wait_for_load_state("load")
    assert page.locator("#row-2 .edit[data-lang=en]").inner_text() == "The edited English."
    assert page.locator("#row-3 .edit[data-lang=zh]").inner_text() == markup  # text, not an element
    assert page.locator("#row-5 .edit[data-lang=en]").evaluate("cell => cell.textContent") == "a\tb\nc"
    assert page.locator("#row-1 input.approve").is_checked() and not page.locator("#row-2 input.approve").is_checked()
    assert page.locator("img").count() == 0 and page.evaluate("window.__xss") is None and dialogs == []
    # the approved style marks approved rows only, not edited ones
    classes = page.locator("tr.row").evaluate_all("rows => rows.slice(0, 4).map(r => [r.classList.contains('approved'), r.classList.contains('edited')])")
    assert classes == [[True, False], [False, True], [False, True], [False, False]]
    with page.expect_download() as download:
        page.click("#export")
    # named after the article, with its name and sha256 on every row
    assert download.value.suggested_filename == "corrections-xss.tsv"
    exported = parse_tsv(Path(download.value.path()).read_text(encoding="utf-8"))
    header, rows = exported[0].cells, [dict(zip(exported[0].cells, row.cells)) for row in exported[1:]]
    assert header == ["block", "sentence", "kind", "id", "en", "zh", "flags", "status", "article", "sha256"]
    sha256 = json.loads((xss_outputs / "report.json").read_text(encoding="utf-8"))["input"]["sha256"]
    assert re.fullmatch("[0-9a-f]{64}", sha256) and {(row["article"], row["sha256"]) for row in rows} == {("xss", sha256)}
    machine = _tsv_rows(xss_outputs)
    assert len(rows) == len(machine) and [row["id"] for row in rows] == [row[3] for row in machine]
    assert [row["status"] for row in rows][:4] == ["approved", "edited", "edited", ""]
    assert rows[1]["en"] == "The edited English." and rows[1]["zh"] == machine[1][5]
    assert rows[2]["zh"] == markup and rows[3]["en"] == machine[3][4]
    assert rows[4]["en"] == "a b c" and rows[4]["status"] == "edited"  # tab and line break: spaces, as in aligned.tsv
    # least confident first: the rows' scores read in ascending order once sorted
    page.click("#sort-score")
    scores = [float(value) for value in page.locator("#sorted .row").evaluate_all("rows => rows.map(r => r.dataset.score)") if value]
    assert len(scores) == len(machine) and scores == sorted(scores)
    page.screenshot(path=str(artifacts / "review-edited.png"))
    assert not [error for error in errors if "Content Security Policy" in error], errors
    context.close()


def test_without_plaintext_only_cells_are_still_editable_and_read_as_text(browser, xss_outputs):
    # Firefox ESR 128 knows contenteditable="true" but not "plaintext-only": the attribute reads
    # back as "inherit" (not editable) and setting it throws. Played here by hiding the value.
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.add_init_script("""
      var native = Object.getOwnPropertyDescriptor(HTMLElement.prototype, "contentEditable");
      Object.defineProperty(HTMLElement.prototype, "contentEditable", {
        configurable: true,
        get: function () { var value = native.get.call(this); return value === "plaintext-only" ? "inherit" : value; },
        set: function (value) {
          if (value === "plaintext-only") { throw new DOMException("unsupported", "SyntaxError"); }
          native.set.call(this, value);
        },
      });
    """)
    page = context.new_page()
    page.goto((xss_outputs / "review.html").resolve().as_uri())
    cells = page.locator(".edit")
    assert cells.count() > 0
    assert set(cells.evaluate_all("cells => cells.map(c => c.getAttribute('contenteditable'))")) == {"true"}
    markup = "<b>bold</b> & more"
    page.locator("#row-2 .edit[data-lang=en]").fill(markup)
    page.reload()
    page.wait_for_load_state("load")
    assert page.locator("#row-2 .edit[data-lang=en]").inner_text() == markup and page.locator("b").count() == 0
    context.close()


def test_two_articles_with_the_same_bytes_keep_their_review_work_apart(browser, xss_outputs, tmp_path):
    # Every file:// page shares one origin, so one localStorage: the work is keyed by the page's
    # folder as well as by the article's content, which two copies of one release share.
    first, second = tmp_path / "a", tmp_path / "b"
    shutil.copytree(xss_outputs, first)
    shutil.copytree(xss_outputs, second)
    context = browser.new_context()
    page = context.new_page()
    page.goto((first / "review.html").resolve().as_uri())
    page.locator("#row-2 .edit[data-lang=en]").fill("Edited in the first copy.")
    page.locator("#row-1 input.approve").check()
    page.goto((second / "review.html").resolve().as_uri())
    page.wait_for_load_state("load")
    assert page.locator("#row-2 .edit[data-lang=en]").inner_text() != "Edited in the first copy."
    assert not page.locator("#row-1 input.approve").is_checked()
    page.goto((first / "review.html").resolve().as_uri())
    page.wait_for_load_state("load")
    assert page.locator("#row-2 .edit[data-lang=en]").inner_text() == "Edited in the first copy."
    context.close()


def test_review_work_belongs_to_the_translation_it_was_done_on(browser, xss_outputs, tmp_path):
    # Translated again (--force, another model, a grown memory) into the same folder, the rows
    # start unreviewed: an approval was of the text the reviewer saw.
    folder = tmp_path / "a"
    shutil.copytree(xss_outputs, folder)
    page_path = folder / "review.html"
    context = browser.new_context()
    page = context.new_page()
    page.goto(page_path.resolve().as_uri())
    page.locator("#row-1 input.approve").check()
    page.goto(page_path.resolve().as_uri())
    assert page.locator("#row-1 input.approve").is_checked()  # the same translation: the work is still there
    html = page_path.read_text(encoding="utf-8")
    digest = re.search(r'data-translation="([0-9a-f]{16})"', html).group(1)
    page_path.write_text(html.replace(f'data-translation="{digest}"', 'data-translation="0123456789abcdef"'), encoding="utf-8")
    page.goto(page_path.resolve().as_uri())
    assert not page.locator("#row-1 input.approve").is_checked()
    context.close()


def test_the_translation_digest_changes_with_any_row_s_translation():
    from pipeline.article import Article, Block, Sentence
    from pipeline.outputs.review_page import _translation_digest

    article = Article(None, "a", blocks=[Block("paragraph", "Satu. Dua.", sentences=[Sentence("Satu.", en="One."), Sentence("Dua.", en="Two.")])])
    before = _translation_digest(article)
    article.blocks[0].sentences[1].zh = "二。"
    assert _translation_digest(article) != before


# --- what was not translated is the first thing the reviewer sees ------------------------------


def test_review_page_notice_lists_the_parts_left_out_and_the_warnings(browser, tmp_path, artifacts):
    from pipeline.outputs.review_page import render_review_page

    article = _hand_translated([
        ("title", "", "Langkah Pendaftaran Vaksin"),
        ("paragraph", "", "Datang ke puskesmas. Bawa kartu keluarga."),
    ])
    article.left_out = ["2 comments (Word comments are not part of the release)", "an image <img src=x onerror=alert(1)>"]
    article.warnings = ["could not reuse the source's styles (BadZipFile); default Word styles used"]
    path = tmp_path / "review.html"
    path.write_text(render_review_page(article, RunInfo(warta_version="test"), ("en", "zh")), encoding="utf-8")

    page, requests, dialogs = _open(browser, path)
    notice = page.locator("section.notice")
    assert notice.is_visible()
    text = notice.inner_text()
    assert "Not translated:" in text and "2 comments (Word comments are not part of the release)" in text
    assert "an image <img src=x onerror=alert(1)>" in text and page.locator("img").count() == 0 and dialogs == []
    assert "could not reuse the source's styles (BadZipFile); default Word styles used" in text
    # at the top: above the summary's and the rows' table, inside the first screen
    box, table = notice.bounding_box(), page.locator("table").bounding_box()
    assert box is not None and table is not None and box["y"] + box["height"] <= table["y"] and box["y"] < 900
    page.screenshot(path=str(artifacts / "review-left-out.png"))
    page.close()


def test_review_page_without_left_out_parts_has_no_notice() -> None:
    from pipeline.outputs.review_page import render_review_page

    article = _hand_translated([("title", "", "Langkah Pendaftaran Vaksin"), ("paragraph", "", "Datang ke puskesmas.")])

    assert 'class="notice"' not in render_review_page(article, RunInfo(warta_version="test"), ("en", "zh"))


# --- a page a reviewer reads without a manual: flags in words, tables as tables -----------------

SHA256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
# source -> (English, Chinese), as a model might have written them
TRANSLATIONS = {
    "Jadwal Vaksinasi Kota Makassar": ("Makassar City Vaccination Schedule", "望加锡市疫苗接种时间表"),
    "Dinas Kesehatan Kota Makassar membuka vaksinasi gratis di dua puskesmas.": (
        "The Makassar City Health Office is opening free vaccinations at two community health centres.",
        "望加锡市卫生局在两家社区卫生中心开放免费疫苗接种。"),
    "Warga diminta membawa KTP dan kartu keluarga.": ("Residents are asked bring KTP and family card.", "请居民携带身份证和家庭卡。"),
    "Puskesmas": ("Puskesmas", "卫生中心"),
    "Hari": ("Day", "日期"),
    "Kuota": ("Quota", "名额"),
    "Puskesmas Kassi-Kassi": ("Kassi-Kassi Health Centre", "卡西卡西卫生中心"),
    "Senin, 2 Juni 2025": ("Monday, 2 June 2025", "2025年6月2日，星期一"),
    "150 orang per hari.": ("150 people per day.", "每天一百人。"),
    "Pendaftaran di loket.": ("Registration at the counter.", "在柜台登记。"),
    "Puskesmas Tamalate": ("Tamalate Health Centre", "塔马拉特卫生中心"),
    "Selasa, 3 Juni 2025": ("Tuesday, 3 June 2025", "2025年6月3日，星期二"),
    "Pendaftaran dibuka mulai pukul 08.00 WITA.": ("Registration opens at 08.00 WITA.", "登记于中部时间08:00开始。"),
    "Informasi lebih lanjut dapat diperoleh melalui nomor 0411-123456.": (
        "More information can be obtained through number 0411-123456.", "更多信息可通过0411-123456获得。"),
}
SUGGESTION = ("Further information is available on 0411-654321.", "更多信息请致电0411-654321。")


def _article_with_a_word_table():
    """A release as the Word reader gives it: a 3 x 3 table (one cell empty) between paragraphs;
    with flags, scores, a memory suggestion, and the extractive summary an abstractive one fell back to."""
    from pipeline.article import Article, Block, MemorySuggestion, SummarySentence
    from pipeline.sentences import split_article

    cells = [["Puskesmas", "Hari", "Kuota"], ["Puskesmas Kassi-Kassi", "Senin, 2 Juni 2025", "150 orang per hari. Pendaftaran di loket."],
             ["Puskesmas Tamalate", "Selasa, 3 Juni 2025", ""]]
    blocks = [
        Block("title", "Jadwal Vaksinasi Kota Makassar"),
        Block("paragraph", "Dinas Kesehatan Kota Makassar membuka vaksinasi gratis di dua puskesmas. Warga diminta membawa KTP dan kartu keluarga."),
        *[Block("table_cell", text, cell=(0, row, column)) for row, line in enumerate(cells) for column, text in enumerate(line) if text],
        Block("paragraph", "Pendaftaran dibuka mulai pukul 08.00 WITA. Informasi lebih lanjut dapat diperoleh melalui nomor 0411-123456."),
    ]
    article = split_article(Article(source=None, name="2025/06/jadwal-vaksinasi", blocks=blocks, sha256=SHA256))
    sentences = article.sentences()
    for number, sentence in enumerate(sentences, start=1):
        sentence.en, sentence.zh = TRANSLATIONS[sentence.text]
        sentence.scores = {"en": -0.1 - number / 100, "zh": -0.2 - number / 100}
    for number, flag, languages in ((3, "low_confidence", ["en"]), (4, "untranslated", ["en"]), (9, "number", ["zh"])):
        sentences[number - 1].add_flag(flag)
        sentences[number - 1].qa[flag] = languages
    sentences[2].scores["en"] = -1.9
    sentences[13].suggestion = MemorySuggestion(
        "Informasi lebih lanjut dapat diperoleh melalui nomor 0411-654321.", *SUGGESTION, 93.4, False,
        f"corrections-rilis-mei.tsv (article rilis-mei, sha256 {SHA256})")
    sentences[13].protected = [{"kind": "phone", "text": "0411-123456"}]
    article.summary = [SummarySentence(2, 1, sentences[1].text, sentences[1].en, sentences[1].zh, [(2, 1)]),
                       SummarySentence(11, 1, sentences[12].text, sentences[12].en, sentences[12].zh, [(11, 1), (7, 1)])]
    article.summary_fallback = "the summarizer wrote nothing"
    article.warnings = ["summary: the summarizer wrote nothing; the extractive summary is given instead"]
    return article


def _render(article) -> str:
    from pipeline.outputs.review_page import render_review_page

    return render_review_page(article, RunInfo(warta_version="test"), ("en", "zh"))


def test_every_registered_flag_has_words_for_a_reviewer():
    from pipeline.outputs.flag_words import FLAG_WORDS
    from pipeline.qa.flags import FLAG_MEANINGS

    assert set(FLAG_WORDS) == set(FLAG_MEANINGS)
    assert len({words.name for words in FLAG_WORDS.values()}) == len(FLAG_WORDS)  # no two read alike
    for flag, words in FLAG_WORDS.items():
        assert "_" not in f"{words.name} {words.legend}", flag  # no code names such as low_confidence
        assert words.legend.endswith(".") and words.legend[0].isupper(), flag


@pytest.mark.parametrize(
    ("raised", "legend", "marks"),
    [
        pytest.param({}, [], [], id="no-flags-no-legend"),
        pytest.param({"number": ["zh"]}, ["number"], ["numbers to check (Chinese)"], id="number-in-the-chinese"),
        pytest.param({"low_confidence": ["en", "zh"]}, ["low_confidence"], ["model unsure (English, Chinese)"], id="low-confidence"),
        pytest.param({"split": [], "untranslated": ["en"]}, ["untranslated", "split"], ["translated in pieces", "not translated (English)"],
                     id="registry-order-in-the-legend-raised-order-on-the-row"),
        pytest.param({"memory": []}, ["memory"], ["from the memory"], id="memory"),
    ],
)
def test_the_legend_explains_each_flag_on_the_page_in_plain_words(raised: dict[str, list[str]], legend: list[str], marks: list[str]):
    from pipeline.outputs.flag_words import FLAG_WORDS

    article = _hand_translated([("paragraph", "", "Datang ke puskesmas. Bawa kartu keluarga.")])
    first = article.sentences()[0]
    for flag, languages in raised.items():
        first.add_flag(flag)
        if languages:
            first.qa[flag] = languages
    page = _render(article)

    if not legend:
        assert 'class="legend"' not in page
        return
    lines = _all(_section(page, "legend"), "li", "")
    assert [line.get("data-flag") for line in lines] == legend
    for line in lines:
        words = FLAG_WORDS[line.get("data-flag")]
        assert line.text_content().startswith(f"{words.name} {words.legend} (1 row;")
    import lxml.html

    row = lxml.html.fromstring(page).get_element_by_id("row-1")
    assert [mark.text for mark in _all(row, "span", "flag")] == marks


def test_scores_are_words_on_the_rows_the_model_was_least_sure_of_not_numbers():
    import lxml.html

    page = _render(_article_with_a_word_table())
    document = lxml.html.fromstring(page)

    assert not re.search(r"\b(en|zh) -?\d+\.\d\d\b", document.text_content())  # no raw log-probabilities
    assert 'class="score"' not in page
    (mark,) = _all(document.get_element_by_id("row-3"), "span", "flag")
    assert mark.text == "model unsure (English)" and "least confident" in mark.get("title")
    assert document.get_element_by_id("row-3").get("data-score") == "-1.9"  # still sorts the rows


def test_cells_of_a_word_table_are_laid_out_as_the_table_each_sentence_a_row():
    import lxml.html

    document = lxml.html.fromstring(_render(_article_with_a_word_table()))
    (table,) = _all(document, "table", "source-table")
    grid = [[[row.get("id") for row in _all(cell, "div", "row")] if "empty" not in (cell.get("class") or "") else None
             for cell in line.iterchildren("td")] for line in table.iter("tr")]
    assert grid == [[["row-4"], ["row-5"], ["row-6"]], [["row-7"], ["row-8"], ["row-9", "row-10"]], [["row-11"], ["row-12"], None]]
    for row in _all(table, "div", "row"):
        assert [cell.get("data-lang") for cell in _all(row, "span", "edit")] == ["en", "zh"]
        assert len(row.xpath('.//input[@class="approve"]')) == 1
    # one row per sentence, numbered as aligned.tsv, whether in a table or not
    assert [row.get("id") for row in _all(document, "*", "row")] == [f"row-{n}" for n in range(1, 15)]
    assert "Table 1, laid out as in the source (3 rows, 3 columns)" in table.getparent().text_content()


@pytest.mark.parametrize(
    ("fallback", "model", "note"),
    [
        pytest.param("the summarizer wrote nothing", None,
                     "An abstractive summary was asked for, but the summarizer wrote nothing; so these are the release's most "
                     "central sentences, as the release states them.", id="fell-back"),
        pytest.param("", None, "The release's most central sentences, as the release states them; each ↗ links to its row.", id="extractive"),
        pytest.param("", {"name": "Qwen/Qwen2.5-1.5B-Instruct"}, "Written by Qwen/Qwen2.5-1.5B-Instruct: each ↗ links", id="written"),
    ],
)
def test_the_summary_is_readable_text_that_says_how_it_was_made(fallback: str, model: dict[str, str] | None, note: str):
    article = _article_with_a_word_table()
    article.summary_fallback, article.summary_model = fallback, model
    summary = _section(_render(article), "summary")

    (said,) = _all(summary, "p", "meta")
    assert said.text_content().startswith(note) and ("fallback" in said.get("class")) == bool(fallback)
    (english,) = _all(summary, "p", "summary-text", './/div[@lang="en"]')
    assert english.text_content() == (f"{TRANSLATIONS['Dinas Kesehatan Kota Makassar membuka vaksinasi gratis di dua puskesmas.'][0]}↗2 "
                                      f"{TRANSLATIONS['Pendaftaran dibuka mulai pukul 08.00 WITA.'][0]}↗13↗8")
    (chinese,) = _all(summary, "p", "summary-text", './/div[@lang="zh-Hans"]')
    assert chinese.text_content().startswith("望加锡市卫生局在两家社区卫生中心开放免费疫苗接种。↗2登记")  # no space between Chinese sentences


@pytest.mark.parametrize(
    ("name", "file"),
    [
        ("rilis-2025-06-03", "corrections-rilis-2025-06-03.tsv"),
        ("2025/06/jadwal vaksinasi", "corrections-2025-06-jadwal-vaksinasi.tsv"),
        ('a:b*c?"d"<e>|f\\g', "corrections-a-b-c-d-e-f-g.tsv"),
        (".hidden", "corrections-hidden.tsv"),
        ("rilis-caf%E9", "corrections-rilis-caf%E9.tsv"),
        ("///", "corrections-article.tsv"),
    ],
)
def test_the_export_is_named_after_the_article(name: str, file: str):
    from pipeline.outputs.review_page import corrections_file_name

    assert corrections_file_name(name) == file


# --- the reviewer's work in a browser ------------------------------------------------------------


def _counter(page) -> str:
    return page.locator("#approved-count").inner_text()


def test_approving_the_rows_shown_respects_the_filter_and_the_counter_follows(browser, mixed_outputs):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto((mixed_outputs / "review.html").resolve().as_uri())
    rows = _tsv_rows(mixed_outputs)
    flagged = [number for number, row in enumerate(rows, 1) if row[6]]
    assert _counter(page) == f"0 of {len(rows)} approved"
    assert page.locator("#approve-shown").inner_text() == f"Approve the {len(rows)} rows shown"

    page.check("#only-flagged")
    assert page.locator("#approve-shown").inner_text() == f"Approve the {len(flagged)} rows shown"
    page.click("#approve-shown")
    approved = page.locator(".row").evaluate_all("rows => rows.filter(r => r.querySelector('input.approve').checked).map(r => Number(r.dataset.row))")
    assert approved == flagged  # the hidden rows are not approved
    assert _counter(page) == f"{len(flagged)} of {len(rows)} approved"

    page.uncheck("#only-flagged")
    unflagged = next(number for number in range(1, len(rows) + 1) if number not in flagged)
    page.locator(f"#row-{unflagged} input.approve").check()
    assert _counter(page) == f"{len(flagged) + 1} of {len(rows)} approved"
    page.locator(f"#row-{flagged[0]} input.approve").uncheck()
    page.locator(f"#row-{unflagged} .edit[data-lang=en]").fill("Edited.")
    assert _counter(page) == f"{len(flagged)} of {len(rows)} approved, 1 edited"
    page.reload()
    assert _counter(page) == f"{len(flagged)} of {len(rows)} approved, 1 edited"  # kept with the work
    context.close()


def test_use_this_takes_the_memory_suggestion_into_the_cells_and_marks_the_row_edited(browser, tmp_path, artifacts):
    from pipeline.tsv import parse_tsv

    path = tmp_path / "review.html"
    path.write_text(_render(_article_with_a_word_table()), encoding="utf-8")
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(path.resolve().as_uri())
    row = page.locator("#row-14")
    assert "its numbers differ" in row.locator(".suggestion").inner_text()
    assert "edited" not in (row.get_attribute("class") or "")

    row.locator("button.take").click()

    assert row.locator(".edit[data-lang=en]").inner_text() == SUGGESTION[0]
    assert row.locator(".edit[data-lang=zh]").inner_text() == SUGGESTION[1]
    assert "edited" in (row.get_attribute("class") or "") and _counter(page) == "0 of 14 approved, 1 edited"
    page.check("#only-flagged")  # the flagged rows and the table, approved at once; the edited row stays edited
    page.click("#approve-shown")
    page.uncheck("#only-flagged")
    assert _counter(page) == "3 of 14 approved, 1 edited"
    row.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "review-suggestion-taken.png"))
    page.reload()
    assert page.locator("#row-14 .edit[data-lang=en]").inner_text() == SUGGESTION[0]
    with page.expect_download() as download:
        page.click("#export")
    assert download.value.suggested_filename == "corrections-2025-06-jadwal-vaksinasi.tsv"
    exported = parse_tsv(Path(download.value.path()).read_text(encoding="utf-8"))
    last = dict(zip(exported[0].cells, exported[-1].cells))
    assert (last["en"], last["zh"], last["status"], last["article"], last["sha256"]) == (*SUGGESTION, "edited", "2025/06/jadwal-vaksinasi", SHA256)
    context.close()


def test_a_word_table_shows_as_a_table_whose_cells_are_reviewed_as_rows(browser, tmp_path, artifacts):
    path = tmp_path / "review.html"
    path.write_text(_render(_article_with_a_word_table()), encoding="utf-8")
    page, requests, dialogs = _open(browser, path)

    def box(number: int) -> dict[str, float]:
        found = page.locator(f"#row-{number}").bounding_box()
        assert found is not None
        return found

    header, first_line = [box(n) for n in (4, 5, 6)], [box(n) for n in (7, 8, 9)]
    assert abs(header[0]["y"] - header[1]["y"]) < 2 and abs(header[1]["y"] - header[2]["y"]) < 2  # one source row
    assert header[0]["x"] < header[1]["x"] < header[2]["x"]  # its columns side by side
    assert all(below["y"] >= above["y"] + above["height"] - 1 for above, below in zip(header, first_line))
    assert abs(box(10)["x"] - box(9)["x"]) < 2 and box(10)["y"] > box(9)["y"]  # two sentences of one cell
    page.locator("#row-9 input.approve").check()
    assert "approved" in (page.locator("#row-9").get_attribute("class") or "")
    page.evaluate("window.scrollTo(0, 0)")  # the sticky controls at the top, where a reviewer first sees them
    page.screenshot(path=str(artifacts / "review-word-table.png"), full_page=True)

    page.check("#only-flagged")
    assert page.locator("#row-9").is_visible() and page.locator("#row-4").is_visible() and not page.locator("#row-5").is_visible()
    page.uncheck("#only-flagged")
    page.click("#sort-score")  # least sure first: the table's rows join the sorted list, and go back
    order = page.locator("#sorted .row").evaluate_all("rows => rows.map(r => Number(r.dataset.row))")
    assert sorted(order) == list(range(1, 15)) and order[0] == 3
    assert page.locator("table.source-table .row").count() == 0
    page.click("#sort-score")
    assert page.locator("table.source-table .row").count() == 9 and page.locator("#sorted tr").count() == 0
    assert box(5)["x"] > box(4)["x"] and abs(box(5)["y"] - box(4)["y"]) < 2
    assert all(url.startswith("file://") for url in requests) and dialogs == []
    page.close()


def test_exports_of_two_articles_go_into_one_memory_that_names_both(browser, xss_outputs, mixed_outputs, tmp_path, capsys):
    import run

    context = browser.new_context(accept_downloads=True)
    saved = []
    # saved as the browser would a second time in one folder, or renamed: the file's name says nothing
    for folder, name in ((xss_outputs, "corrections.tsv"), (mixed_outputs, "corrections (3).tsv")):
        page = context.new_page()
        page.goto((folder / "review.html").resolve().as_uri())
        page.locator("#row-2 input.approve").check()
        with page.expect_download() as download:
            page.click("#export")
        assert download.value.suggested_filename == f"corrections-{folder.name}.tsv"
        target = tmp_path / folder.name / name
        target.parent.mkdir()
        download.value.save_as(target)
        saved.append(target)
    context.close()
    memory = tmp_path / "tm.sqlite"

    assert run.main(["memory", "add", *map(str, saved), "--memory", str(memory)]) == 0
    assert run.main(["memory", "stats", "--memory", str(memory)]) == 0

    out = capsys.readouterr().out
    for folder, target in zip((xss_outputs, mixed_outputs), saved):
        sha256 = json.loads((folder / "report.json").read_text(encoding="utf-8"))["input"]["sha256"]
        assert f"from\t{target} (article {folder.name}, sha256 {sha256})\t1\n" in out
