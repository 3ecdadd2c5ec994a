"""The web page of ``warta serve`` in a real browser: log in, submit, watch the queue, review on the server.

A real server (uvicorn on 127.0.0.1, stand-in translators that upper-case) and Debian's chromium
driven by Playwright, as a reviewer who never opens a terminal uses them: everything the page
shows must come back after a reload and after the server restarts, two reviewers on one row
must both keep their text, and no text of a release may ever run as markup.
"""

import re
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from pipeline.settings import Settings

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
#: Every output (the Word files too: the page offers them first), and no language check on short pasted texts.
SETTINGS = Settings(device="cpu", beams=1, source_lang="id")
ACCOUNTS = {"ana": "ana-password-1", "budi": "budi-password-1"}
SHOTS = Path("/tmp/warta-shots")

# The .txt release: a title, paragraphs and a numbered list; 24 sentences, so that its progress
# is seen moving (the stand-in takes two sentences a batch).
TXT_RELEASE = (
    "Pekan Imunisasi Kota Makassar Dimulai\n\n"
    "Pemerintah Kota Makassar meluncurkan program kesehatan baru pada hari Senin. "
    "Program ini gratis bagi 5.000 warga. Wali kota membuka acara di Balai Kota. "
    "Semua puskesmas ikut melayani warga.\n\n"
    + "".join(f"{number}. Langkah ke-{number} pendaftaran vaksin di puskesmas terdekat.\n" for number in range(1, 9))
    + "\n" + " ".join(f"Kalimat penutup nomor {number} tentang jadwal layanan." for number in range(1, 12)) + "\n"
)
TXT_SENTENCES = 24
EDITED = "The city launches a new health programme on Monday."


def _docx_release(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph("Jadwal Vaksinasi Kecamatan", style="Title")
    document.add_paragraph("Vaksinasi dilakukan di empat kecamatan. Warga membawa kartu keluarga.")
    document.add_paragraph("Datang ke puskesmas terdekat. Bawa kartu keluarga.", style="List Number")
    document.add_paragraph("Isi formulir pendaftaran di loket.", style="List Number")
    table = document.add_table(rows=2, cols=2)
    for row, cells in enumerate((("Kecamatan", "Tanggal"), ("Tamalate", "3 Juni 2025"))):
        for column, text in enumerate(cells):
            table.cell(row, column).text = text
    document.add_paragraph("Informasi lebih lanjut di kantor kelurahan.")
    document.save(str(path))
    return path


class Office:
    """The server of ``tests/serve/conftest.py``'s ``serve`` with two reviewers, restartable on its data folder.

    Attributes:
        server: the running server (a new one after ``restart``, on another port: the browser's
            cookies for 127.0.0.1 go to every port, as they go to one host).
        keys: name -> API key.
    """

    def __init__(self, serve: Any, delay: float):
        self.serve, self.delay = serve, delay
        self.server = serve(settings=SETTINGS, delay=delay)
        self.keys = {name: self.server.account(name, password=password) for name, password in ACCOUNTS.items()}

    @property
    def url(self) -> str:
        return str(self.server.url)

    def restart(self) -> None:
        """Stop the server, then start one on the same data folder."""
        self.server.stop()
        self.server = self.serve(settings=SETTINGS, delay=self.delay, data=self.server.data)


@pytest.fixture(scope="module")
def browser():
    """Debian's headless chromium driven by Playwright."""
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (.ci/run installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield launched
        launched.close()


class Reviewer:
    """A browser context logged in as one reviewer, recording what could go wrong on its pages."""

    def __init__(self, browser: Any, server: Office, name: str, log_in: bool = True):
        self.server, self.name = server, name
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        if log_in:
            self.page.goto(server.url + "/")
            self.log_in(ACCOUNTS[name])

    def log_in(self, password: str) -> None:
        self.page.fill("input[name=name]", self.name)
        self.page.fill("input[name=password]", password)
        self.page.click("form button[type=submit]")

    def clean(self) -> None:
        """Nothing ran that should not, nothing went elsewhere."""
        assert self.dialogs == [] and self.errors == []
        assert all(url.startswith("http://127.0.0.1:") for url in self.requests), self.requests

    def close(self) -> None:
        self.context.close()


def _shot(page: Any, artifacts: Path, name: str, full_page: bool = False) -> None:
    path = artifacts / f"serve-{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SHOTS / path.name)


def _centre(page: Any, number: int) -> None:
    """Scroll row ``number`` to the middle of the window (for a screenshot)."""
    page.evaluate("number => document.getElementById('row-' + number).scrollIntoView({block: 'center'})", number)


def _row(page: Any, number: int) -> Any:
    return page.locator(f"#row-{number}")


def _cell(page: Any, number: int, target: str) -> Any:
    return page.locator(f"#row-{number} .target[data-lang={target}]")


def _edit(page: Any, number: int, target: str, text: str) -> None:
    edit = _cell(page, number, target).locator(".edit")
    edit.fill(text)
    edit.press("Enter")  # Enter leaves the cell, which saves it


def _submit_by_key(server: Office, name: str, text: str) -> str:
    import httpx

    headers = {"Authorization": f"Bearer {server.keys[name]}"}
    job = httpx.post(server.url + "/api/jobs", headers=headers, data={"text": text}).json()
    deadline = time.monotonic() + 30
    while job["status"] not in ("done", "failed") and time.monotonic() < deadline:
        time.sleep(0.05)
        job = httpx.get(f"{server.url}/api/jobs/{job['id']}", headers=headers).json()
    assert job["status"] == "done", job
    return str(job["id"])


def _expect() -> Any:
    from playwright.sync_api import expect

    return expect


@pytest.mark.browser
def test_a_reviewer_translates_reviews_and_finds_it_all_after_a_reload_and_a_restart(browser, serve, tmp_path, artifacts):
    expect = _expect()
    # each batch of two sentences takes 0.15 s: the 24 sentences' progress is seen moving
    server = Office(serve, delay=0.15)
    txt = tmp_path / "rilis-imunisasi.txt"
    txt.write_text(TXT_RELEASE, encoding="utf-8")
    docx_file = _docx_release(tmp_path / "jadwal-vaksinasi.docx")

    # logging in: a wrong password is said in plain words
    ana = Reviewer(browser, server, "ana", log_in=False)
    page = ana.page
    page.goto(server.url + "/")
    assert "/login" in page.url
    ana.log_in("not-the-password")
    expect(page.locator(".error")).to_contain_text("do not match an account")
    _shot(page, artifacts, "login-error")
    ana.log_in(ACCOUNTS["ana"])
    expect(page.locator("header .who")).to_have_text("Signed in as ana")

    # two files, one job each; the queue shows the first one's progress move and the second waiting
    page.set_input_files("#files", [str(txt), str(docx_file)])
    page.click("#submit")
    expect(page.locator("#submit-message")).to_contain_text("2 releases sent: rilis-imunisasi.txt, jadwal-vaksinasi.docx")
    running = page.locator("tr.job.running")
    expect(running).to_contain_text(re.compile(rf"(?<!\d)([1-9]|1\d|2[0-3]) of {TXT_SENTENCES} sentences"), timeout=20_000)
    expect(page.locator("tr.job.queued")).to_contain_text("Waiting")
    _shot(page, artifacts, "home-queue")
    expect(page.locator("tr.job.done")).to_have_count(2, timeout=30_000)
    first = page.locator("tr.job", has_text="rilis-imunisasi.txt")
    expect(first).to_contain_text(f"{TXT_SENTENCES} of {TXT_SENTENCES} sentences")
    expect(first).to_contain_text(f"0 of {TXT_SENTENCES} approved")
    expect(page.locator("tr.job", has_text="jadwal-vaksinasi.docx")).to_contain_text("Jadwal Vaksinasi Kecamatan")
    _shot(page, artifacts, "home-done")

    # the Word release: its title a heading, its list numbered as in Word, its table laid out as a table
    page.locator("tr.job", has_text="jadwal-vaksinasi.docx").get_by_role("link", name="Review").click()
    expect(page.locator("#row-1")).to_have_class(re.compile(r"\btitle\b"))
    expect(page.locator(".row.list_item")).to_have_count(3)
    expect(page.locator(".row.list_item .marker")).to_have_text(["1.", "2."])  # on each item's first sentence
    expect(page.locator(".row.list_item").nth(0).locator(".said")).to_have_text("1.Datang ke puskesmas terdekat.")
    expect(page.locator(".row.list_item").nth(2).locator(".said")).to_have_text("2.Isi formulir pendaftaran di loket.")
    grid = page.locator(".table-group .source-table.columns-2")
    expect(grid.locator(".table-cell")).to_have_count(4)
    expect(grid.locator(".table-cell .row.table_cell")).to_have_count(4)
    expect(grid.locator(".table-cell").nth(1).locator(".source")).to_have_text(re.compile(r"^Tanggal"))
    expect(grid.locator(".table-cell").nth(2).locator(".source")).to_have_text(re.compile(r"^Tamalate"))
    expect(page.locator(".table-group .table-caption")).to_contain_text("2 rows, 2 columns")
    expect(page.locator(".kind-tag")).to_have_count(0)  # a cell with its place needs no "table cell" tag
    _shot(page, artifacts, "review-docx", full_page=True)
    page.go_back()

    # the review view: the rows side by side, the title as a heading, the state of each translation
    first.get_by_role("link", name="Review").click()
    expect(page.locator(".row[data-row]")).to_have_count(TXT_SENTENCES)
    expect(page.locator("#row-1")).to_have_class(re.compile(r"\btitle\b"))
    expect(_cell(page, 2, "en").locator(".edit")).to_have_text("PEMERINTAH KOTA MAKASSAR MELUNCURKAN PROGRAM KESEHATAN BARU PADA HARI SENIN.")
    expect(_cell(page, 2, "en").locator(".state")).to_have_text("machine translation")
    expect(page.locator("#approved-count")).to_have_text(f"0 of {TXT_SENTENCES} approved")
    _shot(page, artifacts, "review-top")
    expect(page.locator("#legend")).to_contain_text("not translated")
    english = page.locator("#download-list li", has_text="English:")
    expect(english.get_by_role("link", name="Word")).to_have_attribute("href", re.compile(r"/api/jobs/[\w-]+/outputs/en\.docx$"))
    expect(page.locator("#downloads details.more-files a[title='aligned.xlsx']")).to_have_count(1)
    with page.expect_download() as download:
        page.click("#download-list a:text('All as zip')")
    assert download.value.suggested_filename.endswith(".zip")

    # edit, approve, comment: each saved as it is made, with who and when
    # typed, then approved straight away: leaving the cell saves the edit, then the approval
    _cell(page, 2, "en").locator(".edit").fill(EDITED)
    _cell(page, 2, "en").locator("button.approve").click()
    expect(_cell(page, 2, "en").locator(".state")).to_contain_text("approved by ana")
    _cell(page, 2, "zh").locator("button.approve").click()
    expect(_cell(page, 2, "zh").locator(".state")).to_contain_text("approved by ana")
    for target in ("en", "zh"):
        _cell(page, 3, target).locator("button.approve").click()
        expect(_cell(page, 3, target).locator(".state")).to_contain_text("approved by ana")
    _edit(page, 5, "zh", "城市为五千名居民提供免费疫苗。")
    expect(_cell(page, 5, "zh").locator(".state")).to_contain_text("edited by ana")
    _row(page, 4).locator("button.comment-open").click()
    _row(page, 4).locator("textarea.comment-box").fill("Is the mayor's name needed here? <b>ask</b>")
    _row(page, 4).locator("button.comment-send").click()
    expect(_row(page, 4).locator(".comments li")).to_contain_text("ana")
    expect(_row(page, 4).locator(".comments li")).to_contain_text("Is the mayor's name needed here? <b>ask</b>")
    expect(page.locator("#approved-count")).to_have_text(f"2 of {TXT_SENTENCES} approved · 1 edited")
    _row(page, 2).locator("button.history-toggle").click()
    history = _row(page, 2).locator(".history li")
    expect(history).to_have_count(3)
    expect(history.nth(0)).to_contain_text("machine translation → edited")
    expect(history.nth(0).locator(".old")).to_have_text("PEMERINTAH KOTA MAKASSAR MELUNCURKAN PROGRAM KESEHATAN BARU PADA HARI SENIN.")
    expect(history.nth(0).locator(".new")).to_have_text(EDITED)
    page.locator("#controls").scroll_into_view_if_needed()
    _shot(page, artifacts, "review-states")
    _centre(page, 3)
    _shot(page, artifacts, "history-comment")

    # approve every row still open: the filter shows them, one click approves them all
    page.check("#only-open")
    expect(page.locator(".row[data-row]:visible")).to_have_count(TXT_SENTENCES - 2)
    page.click("#approve-shown")
    expect(page.locator("#approved-count")).to_have_text(f"{TXT_SENTENCES} of {TXT_SENTENCES} approved", timeout=20_000)
    assert sum(url.endswith("/segments/approve") for url in ana.requests) == 1  # one request, not one a row and language
    expect(page.locator(".row[data-row]:visible")).to_have_count(0)
    page.uncheck("#only-open")
    expect(page.locator("#approve-shown")).to_have_text("Every visible row is approved")
    expect(page.locator("#approve-shown")).to_be_disabled()
    review_path = page.url.removeprefix(server.url)
    # a download is the review as it stands: the edited English, not the machine's
    expect(page.locator("#downloads-note")).to_contain_text("written with this review as it stands when you download it")
    with page.expect_download() as download:
        page.click("#download-list a[title='en.txt']")
    assert EDITED in Path(download.value.path()).read_text(encoding="utf-8")

    # a new release repeating approved sentences: the memory suggests, or fills in an exact one
    page.goto(server.url + "/")
    page.fill("#text", "Pemerintah Kota Makassar meluncurkan program kesehatan baru pada hari Selasa.\n\n"
                       "Program ini gratis bagi 5.000 warga.")
    page.click("#submit")
    expect(page.locator("tr.job.done")).to_have_count(3, timeout=20_000)
    page.locator("tr.job").first.get_by_role("link", name="Review").click()
    suggestion = _row(page, 1).locator(".suggestion")
    expect(suggestion).to_contain_text(EDITED)
    expect(_row(page, 2).locator(".flag[data-flag=memory]")).to_have_text("from the memory")
    expect(_cell(page, 2, "en").locator(".edit")).to_have_text("PROGRAM INI GRATIS BAGI 5.000 WARGA.")
    suggestion.locator("button.take").click()
    expect(_cell(page, 1, "en").locator(".state")).to_contain_text("edited by ana")
    expect(_cell(page, 1, "en").locator(".edit")).to_have_text(EDITED)
    expect(_cell(page, 1, "zh").locator(".state")).to_contain_text("edited by ana")
    expect(suggestion.locator(".taken")).to_contain_text("check the words where this sentence differs")
    expect(page.locator("#saving")).to_have_text("All changes saved")
    _shot(page, artifacts, "suggestion-taken")
    page.reload()
    expect(_cell(page, 1, "en").locator(".edit")).to_have_text(EDITED)
    expect(_cell(page, 1, "en").locator(".state")).to_contain_text("edited by ana")

    # the first release after a reload, and after the server restarts: all still there
    for when in ("reload", "restart"):
        if when == "restart":
            server.restart()
        page.goto(server.url + review_path)  # after a restart, the new server's port
        expect(page.locator("#approved-count")).to_have_text(f"{TXT_SENTENCES} of {TXT_SENTENCES} approved")
        expect(_cell(page, 2, "en").locator(".edit")).to_have_text(EDITED)
        expect(_cell(page, 5, "zh").locator(".edit")).to_have_text("城市为五千名居民提供免费疫苗。")
        expect(_cell(page, 5, "zh").locator(".state")).to_contain_text("approved by ana")
        expect(_row(page, 4).locator(".comments li")).to_contain_text("Is the mayor's name needed here? <b>ask</b>")
        _row(page, 2).locator("button.history-toggle").click()
        expect(_row(page, 2).locator(".history li")).to_have_count(3)
    _shot(page, artifacts, "review-after-restart")
    ana.clean()
    ana.close()


@pytest.mark.browser
def test_two_reviewers_on_one_row_both_texts_survive_and_the_history_shows_both(browser, serve, artifacts):
    expect = _expect()
    server = Office(serve, delay=0.0)
    job = _submit_by_key(server, "ana", "Dinas Kesehatan membuka posko vaksin di Pantai Losari.\n\nPosko buka setiap hari.")
    ana, budi = Reviewer(browser, server, "ana"), Reviewer(browser, server, "budi")
    for reviewer in (ana, budi):
        reviewer.page.goto(f"{server.url}/jobs/{job}")
        expect(_cell(reviewer.page, 1, "en").locator(".edit")).to_have_text("DINAS KESEHATAN MEMBUKA POSKO VAKSIN DI PANTAI LOSARI.")

    # Ana saves first; Budi, still looking at the machine text, saves over it: the server says 409
    _edit(ana.page, 1, "en", "The health office opens a vaccine post at Losari Beach.")
    expect(_cell(ana.page, 1, "en").locator(".state")).to_contain_text("edited by ana")
    _edit(budi.page, 1, "en", "The Health Agency opens a vaccination post on Losari Beach.")
    conflict = _cell(budi.page, 1, "en").locator(".conflict")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text("ana changed this English")
    expect(conflict.locator(".theirs .version-text")).to_have_text("The health office opens a vaccine post at Losari Beach.")
    expect(conflict.locator(".mine .version-text")).to_have_text("The Health Agency opens a vaccination post on Losari Beach.")
    _centre(budi.page, 1)
    _shot(budi.page, artifacts, "conflict")

    # Budi keeps his: saved over Ana's, whose text stays in the history
    conflict.locator("button.keep-mine").click()
    expect(conflict).to_be_hidden()
    expect(_cell(budi.page, 1, "en").locator(".state")).to_contain_text("edited by budi")
    ana.page.reload()
    expect(_cell(ana.page, 1, "en").locator(".edit")).to_have_text("The Health Agency opens a vaccination post on Losari Beach.")
    _row(ana.page, 1).locator("button.history-toggle").click()
    history = _row(ana.page, 1).locator(".history li")
    expect(history).to_have_count(2)
    expect(history.nth(0)).to_contain_text("ana")
    expect(history.nth(0).locator(".new")).to_have_text("The health office opens a vaccine post at Losari Beach.")
    expect(history.nth(1)).to_contain_text("budi")
    expect(history.nth(1).locator(".old")).to_have_text("The health office opens a vaccine post at Losari Beach.")
    expect(history.nth(1).locator(".new")).to_have_text("The Health Agency opens a vaccination post on Losari Beach.")
    _centre(ana.page, 1)
    _shot(ana.page, artifacts, "conflict-history")

    # the other way: Budi takes Ana's Chinese, and his own stays on show to copy from
    _edit(ana.page, 2, "zh", "哨所每天开放。")
    expect(_cell(ana.page, 2, "zh").locator(".state")).to_contain_text("edited by ana")
    _edit(budi.page, 2, "zh", "服务站每天开放。")
    conflict = _cell(budi.page, 2, "zh").locator(".conflict")
    conflict.locator("button.keep-theirs").click()
    expect(_cell(budi.page, 2, "zh").locator(".edit")).to_have_text("哨所每天开放。")
    expect(conflict.locator(".mine .version-text")).to_have_text("服务站每天开放。")
    for reviewer in (ana, budi):
        reviewer.clean()
        reviewer.close()


@pytest.mark.browser
def test_release_text_and_comments_stay_text_and_logging_out_ends_the_session(browser, serve, artifacts):
    expect = _expect()
    server = Office(serve, delay=0.0)
    # markup the reader keeps as text (a .txt release is read as a browser shows it, so an
    # unclosed <script> and an <image> stay): on the page it must be shown, never run
    title = 'Rilis Pers <script>window.__xss = 1; alert(1) <svg onload="window.__xss = 4">'
    image = '<image src=x onerror="window.__xss = 2; alert(2)">'
    job = _submit_by_key(server, "ana", f"{title}\n\nProgram ini diikuti oleh 1.044 warga {image} di seluruh kota. Penanda ]]> tetap.\n")
    ana = Reviewer(browser, server, "ana")
    page = ana.page
    page.goto(f"{server.url}/jobs/{job}")
    expect(_row(page, 1).locator(".source .said")).to_have_text(title)
    expect(_cell(page, 1, "en").locator(".edit")).to_have_text(title.upper())
    expect(page.locator(".rows")).to_contain_text(image)
    expect(page.locator(".rows")).to_contain_text("]]>")
    _row(page, 2).locator("button.comment-open").click()
    _row(page, 2).locator("textarea.comment-box").fill('<svg onload="window.__xss = 3">')
    _row(page, 2).locator("button.comment-send").click()
    expect(_row(page, 2).locator(".comments li")).to_contain_text('<svg onload="window.__xss = 3">')
    page.reload()
    expect(_row(page, 2).locator(".comments li")).to_contain_text('<svg onload="window.__xss = 3">')
    assert page.evaluate("window.__xss") is None
    assert page.locator("img, svg").count() == 0
    assert page.locator('script:not([type="application/json"])').count() == 1  # warta's own, from /static/
    # a file warta cannot read is refused with what to do, in words
    page.goto(server.url + "/")
    page.set_input_files("#files", files=[{"name": "rilis-lama.doc", "mimeType": "application/msword", "buffer": b"\xd0\xcf\x11\xe0"}])
    page.click("#submit")
    expect(page.locator("#submit-message")).to_contain_text("Refused: rilis-lama.doc: this is an old binary Word document (.doc); open it in Word")
    expect(page.locator("tr.job.failed")).to_contain_text("Failed")
    page.goto(f"{server.url}/jobs/AAAAAAAAAAAAAAAA")
    expect(page.locator("h1")).to_have_text("There is no release at this address")
    page.click("header form.logout button")
    expect(page.locator("h1")).to_have_text("Log in")
    page.goto(server.url + "/")
    assert "/login" in page.url
    ana.clean()
    ana.close()


@pytest.mark.browser
def test_approving_all_rows_is_one_request_and_a_row_changed_meanwhile_is_shown_not_approved(browser, serve):
    import httpx

    expect = _expect()
    server = Office(serve, delay=0.0)
    job = _submit_by_key(server, "ana", "Dinas Kesehatan membuka posko vaksin di Pantai Losari.\n\nPosko buka setiap hari.")
    ana = Reviewer(browser, server, "ana")
    page = ana.page
    page.goto(f"{server.url}/jobs/{job}")
    expect(page.locator("#approve-shown")).to_have_text("Approve all 2 visible rows")
    # Budi's script changes row 2's English after Ana's page loaded it
    httpx.patch(f"{server.url}/api/jobs/{job}/segments/2", headers={"Authorization": f"Bearer {server.keys['budi']}"},
                json={"target": "en", "text": "The post opens every day.", "base": "POSKO BUKA SETIAP HARI."}).raise_for_status()
    page.click("#approve-shown")
    expect(page.locator("#saving")).to_contain_text("Approved 3 of 4 translations")
    conflict = _cell(page, 2, "en").locator(".conflict")
    expect(conflict).to_contain_text("budi changed this English")
    expect(_cell(page, 2, "en").locator(".edit")).to_have_text("The post opens every day.")
    for number, target in ((1, "en"), (1, "zh"), (2, "zh")):
        expect(_cell(page, number, target).locator(".state")).to_contain_text("approved by ana")
    expect(_cell(page, 2, "en").locator(".state")).to_contain_text("edited by budi")
    assert sum(url.endswith("/segments/approve") for url in ana.requests) == 1
    assert not [url for url in ana.requests if re.search(r"/segments/\d+$", url)]  # no request a row
    # Ana keeps what she saw: the machine's English, approved over Budi's (his stays in the history)
    conflict.locator("button.keep-mine").click()
    expect(_cell(page, 2, "en").locator(".state")).to_contain_text("approved by ana")
    expect(_cell(page, 2, "en").locator(".edit")).to_have_text("POSKO BUKA SETIAP HARI.")
    expect(page.locator("#approved-count")).to_have_text("2 of 2 approved")
    ana.clean()
    ana.close()


@pytest.mark.browser
def test_a_review_link_opened_from_another_site_arrives_logged_in(browser, serve):
    expect = _expect()
    server = Office(serve, delay=0.0)
    job = _submit_by_key(server, "ana", "Dinas Kesehatan membuka posko vaksin di Pantai Losari.\n")
    ana = Reviewer(browser, server, "ana")
    expect(ana.page.locator("header .who")).to_have_text("Signed in as ana")
    # the link in an e-mail: a top-level GET from another site (SameSite=Strict would drop the
    # session here, and the login page's new CSRF value would then log the reviewer out)
    link = f"{server.url}/jobs/{job}"
    ana.page.route("http://mail.example/**", lambda route: route.fulfill(
        content_type="text/html", body=f'<!DOCTYPE html><title>Inbox</title><a id="review" href="{link}">Please review</a>'))
    ana.page.goto("http://mail.example/inbox")
    ana.page.click("#review")
    expect(_cell(ana.page, 1, "en").locator(".edit")).to_have_text("DINAS KESEHATAN MEMBUKA POSKO VAKSIN DI PANTAI LOSARI.")
    assert ana.page.url == link
    _edit(ana.page, 1, "en", "The health office opens a vaccine post at Losari Beach.")
    expect(_cell(ana.page, 1, "en").locator(".state")).to_contain_text("edited by ana")
    ana.page.goto(server.url + "/")
    expect(ana.page.locator("header .who")).to_have_text("Signed in as ana")
    assert ana.dialogs == [] and ana.errors == []
    ana.close()


# --- the pages' HTTP, without a browser ------------------------------------------------------------


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def test_pages_ask_for_a_login_refuse_other_sites_and_serve_only_their_own_files(serve):
    server = Office(serve, delay=0.0)
    with server.server.client(follow_redirects=False) as client:
        for path in ("/", "/jobs/AAAAAAAAAAAAAAAA"):
            answer = client.get(path)
            assert answer.status_code == 303 and answer.headers["location"] == f"/login?next={path}"
        login = client.get("/login")
        assert login.status_code == 200
        assert login.headers["content-security-policy"].startswith("default-src 'none'; script-src 'self'; style-src 'self'")
        assert "<script>" not in login.text and "style=" not in login.text  # nothing inline: the CSP would refuse it
        token = _csrf(login.text)

        # a form without the page's token (another site's) is refused in words
        refused = client.post("/login", data={"name": "ana", "password": ACCOUNTS["ana"]})
        assert refused.status_code == 400 and "open too long" in refused.text
        # a login never sends the browser to another site
        answer = client.post("/login", data={"name": "ana", "password": ACCOUNTS["ana"], "csrf_token": token, "next": "//evil.example/"})
        assert answer.status_code == 303 and answer.headers["location"] == "/"
        home = client.get("/")
        assert home.status_code == 200
        # the one profile the server runs is named, and no other is offered
        assert 'data-profile="fast"' in home.text and "<strong>Fast</strong>" in home.text
        assert 'name="profile"' not in home.text and "Quality" not in home.text

        script = client.get("/static/serve.js")
        assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
        assert client.get("/static/serve.css").headers["content-type"].startswith("text/css")
        for path in ("/static/pages.py", "/static/..%2Fpages.py", "/static/../templates/base.html.j2", "/static/nothing.js"):
            assert client.get(path).status_code == 404, path
