"""``OUT/index.html``: statuses in words, the run's time, reasons in their own column, flags in words."""

import re
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from pipeline.article import ArticleRecord
from pipeline.outputs.index_page import render_index, write_index

WHEN = datetime(2025, 6, 3, 14, 5, 9, tzinfo=timezone(timedelta(hours=8)))
OUTPUTS = ("aligned.tsv", "en.docx", "en.txt", "report.json", "review.html", "zh.txt")
PENDING = "not translated yet: the run was stopped; run the same command again"


def _record(status: str, reason: str = "", **fields) -> ArticleRecord:
    translated = {"title": "Pekan Imunisasi Dimulai", "sentences": 12, "flags": {}, "outputs": OUTPUTS} if status in ("done", "skipped") else {}
    return ArticleRecord(f"in/{status}.txt", None if status == "pending" else "ab" * 32, "f" * 16, status, reason, **{**translated, **fields})


BATCH = {
    "2025/06/rilis-a": _record("done", flags={"number": 3, "low_confidence": 1, "split": 0}),
    "2025/06/rilis-b": _record("skipped", flags={"untranslated": 1}, left_out=["2 comments (Word comments are not part of the release)"],
                               warnings=["the letterhead <b>image</b> has text in it"]),
    "2025/06/rusak": _record("failed", "the file is empty; its earlier outputs were removed"),
    "2025/06/rilis-c": _record("pending", PENDING),
    "2025/06/rilis-d": _record("pending", PENDING),
}


def _rows(page: str) -> dict[str, str]:
    """article name -> its line of the table (each article's row is one line)."""
    return {match.group(1): line for line in page.splitlines() if (match := re.search(r"<tr class=\"\w+\"><td>([^<]*)</td>", line))}


def _cells(line: str) -> list[str]:
    return re.findall(r"<td[^>]*>(.*?)</td>", line)


@pytest.mark.parametrize(
    ("name", "shown", "why"),
    [
        ("2025/06/rilis-a", "done", ""),
        ("2025/06/rilis-b", "done earlier (unchanged)", ""),  # skipped: its outputs are current, not "not done"
        ("2025/06/rusak", "failed", "the file is empty; its earlier outputs were removed"),
        ("2025/06/rilis-c", "pending", PENDING),
    ],
)
def test_each_status_is_said_in_words_with_its_reason_in_a_column_of_its_own(name: str, shown: str, why: str):
    line = _rows(render_index(BATCH, WHEN))[name]
    status, reason, files = _cells(line)[1], _cells(line)[2], _cells(line)[-1]

    assert re.sub("<[^>]+>", "", status) == shown
    assert reason == why
    assert why == "" or why not in files  # not appended to the files any more
    assert line.startswith(f'<tr class="{BATCH[name].status}">')  # the row's colour is its status's


def test_the_top_says_when_the_run_was_and_counts_each_status():
    page = render_index(BATCH, WHEN)
    heading = page[page.index("<h1>"):page.index("<table>")]

    assert "Run ended 2025-06-03 14:05 (UTC+08:00)" in heading
    assert re.findall(r'<span class="(\w+)">([^<]*)</span>', heading) == [
        ("done", "1 done"), ("skipped", "1 done earlier (unchanged)"), ("failed", "1 failed"), ("pending", "2 pending")]


def test_review_html_leads_each_article_s_links():
    rows = _rows(render_index(BATCH, WHEN))
    files = _cells(rows["2025/06/rilis-a"])[-1]

    names = re.findall(r">([^<]+)</a>", files)
    assert names == ["review.html", "aligned.tsv", "en.docx", "en.txt", "report.json", "zh.txt"]
    assert 'href="2025/06/rilis-a/review.html"' in files


def test_flag_counts_are_in_words_with_a_legend_of_the_flags_listed():
    from pipeline.outputs.flag_words import FLAG_WORDS

    page = render_index(BATCH, WHEN)
    flags = _cells(_rows(page)["2025/06/rilis-a"])[5]

    assert re.findall(r"<li[^>]*>(.*?)</li>", flags) == ["numbers to check: 3 rows", "model unsure: 1 row"]  # none of split
    assert "low_confidence: 1" not in page
    legend = page[page.index('<section class="legend"'):]
    assert re.findall(r'<li data-flag="(\w+)">', legend) == ["untranslated", "number", "low_confidence"]  # the registry's order
    assert FLAG_WORDS["number"].legend in legend


def test_what_other_parts_of_warta_read_in_the_index_stays():
    page = render_index(BATCH, WHEN)
    rows = _rows(page)

    assert page.count(">pending<") == 2  # one per pending article, nothing else
    skipped = rows["2025/06/rilis-b"]
    assert "<td>2025/06/rilis-b</td>" in skipped and "Not translated: 2 comments (Word comments are not part of the release)" in skipped
    assert "the letterhead &lt;b&gt;image&lt;/b&gt; has text in it" in skipped  # text, never markup
    assert "Not translated" not in rows["2025/06/rilis-a"]
    assert "<table>" in page and "<b>image</b>" not in page


def test_write_index_uses_the_time_it_is_written(tmp_path: Path):
    before = datetime.now().astimezone().replace(second=0, microsecond=0)
    page = write_index(tmp_path, BATCH).read_text(encoding="utf-8")
    found = re.search(r"Run ended (\d{4}-\d\d-\d\d \d\d:\d\d) \(UTC([+-]\d\d):(\d\d)\)", page)
    assert found is not None
    offset = timedelta(hours=int(found.group(2)), minutes=int(found.group(3)) * (1 if found.group(2)[0] == "+" else -1))
    written = datetime.strptime(found.group(1), "%Y-%m-%d %H:%M").replace(tzinfo=timezone(offset))
    assert abs(written - before) < timedelta(minutes=2)


# --- in a real browser -------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.browser
def test_index_in_a_browser_sets_pending_and_failed_rows_apart(tmp_path: Path, artifacts: Path):
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (.ci/run installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    path = write_index(tmp_path, BATCH, WHEN)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1300, "height": 700})
        page.goto(path.resolve().as_uri())

        def background(name: str) -> str:
            return page.locator("tr", has=page.locator(f"td:text-is('{name}')")).locator("td").first.evaluate(
                "cell => getComputedStyle(cell).backgroundColor")

        done, skipped, failed, pending = (background(name) for name in ("2025/06/rilis-a", "2025/06/rilis-b", "2025/06/rusak", "2025/06/rilis-c"))
        assert done == skipped and len({done, failed, pending}) == 3
        assert page.locator("tr.skipped td.status").inner_text() == "done earlier (unchanged)"
        assert page.locator("p.when").is_visible() and page.locator("p.when").bounding_box()["y"] < page.locator("table").bounding_box()["y"]
        page.screenshot(path=str(artifacts / "index.png"), full_page=True)
        browser.close()
