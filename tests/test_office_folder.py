"""A folder as an office has it: every format warta reads comes out whole, and what was left out is named.

txt (hard-wrapped, with a sign-off), md, a Word release with a letterhead header, a footer, a text
box, a footnote and a comment, a web page with a dateline, a typeset PDF with a letterhead, footer
and page numbers, and a scanned PDF (read by OCR where tesseract with Indonesian data is installed,
as in CI). The upper-casing stand-in translates, so every word that reaches ``en.txt`` shows.
"""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from benchmarks.standin import use_stand_in
from pipeline.batch import run_translate
from pipeline.orchestrator import Warta
from pipeline.settings import Settings
from tests.support.documents import RELEASE_PARTS, release_with_parts_docx
from tests.support.pdfs import FOOTER, LETTERHEAD, scanned_pdf, typeset_release

TEXT_RELEASE = """\
Kemenkes Luncurkan Layanan Konsultasi Daring

Jakarta, 12 Juni 2025 - Kementerian Kesehatan meluncurkan layanan konsultasi
daring bagi warga di seluruh Indonesia. Layanan ini dapat diakses melalui
aplikasi resmi dan situs web kementerian mulai pekan depan.

Masyarakat dapat menghubungi hotline 1500-567 untuk informasi lebih lanjut
mengenai layanan tersebut (Rep. Andi Saputra/Ed. Nurul Hidayah).

Plt. Kepala Biro Komunikasi dan Pelayanan Publik
drg. Murti Utami, MPH.
"""

MARKDOWN_RELEASE = """\
# Pekan Imunisasi Nasional Dimulai di Makassar

Pj. Wali Kota Makassar membuka pekan imunisasi di Balai Kota pada hari Senin.

1. Datang ke puskesmas terdekat.
2. Bawa kartu keluarga.
"""

WEB_RELEASE = """\
<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><title>Rilis</title>
<meta property="article:published_time" content="2025-06-11T08:00:00+08:00"></head><body>
<nav><a href="/">Beranda</a></nav>
<main><article>
<h1>Bank Daerah Salurkan Kredit Usaha Rakyat</h1>
<div class="dateline">Bandung, 12 Juni 2025</div>
<p>PT Bank Pembangunan Daerah menyalurkan kredit usaha rakyat senilai Rp500 miliar pada tahun ini.</p>
<p>Penyaluran diresmikan oleh Pjs. Bupati di kantor cabang Sungguminasa pada hari Kamis.</p>
</article></main></body></html>
"""

PDF_STORY = [
    ("title", "Dinas Kesehatan Gelar Pelatihan Kader Posyandu"),
    ("paragraph", "Dinas Kesehatan Kota Makassar menggelar pelatihan bagi kader posyandu dari seluruh kecamatan pada hari Selasa."),
    ("paragraph", "Pelatihan ini bertujuan meningkatkan kemampuan kader dalam memantau tumbuh kembang anak di wilayah masing-masing."),
    ("page_break",),
    ("paragraph", "Kepala Dinas Kesehatan berharap para kader dapat menyampaikan informasi kese|hatan kepada warga dengan lebih baik."),
    ("paragraph", "Kegiatan serupa akan digelar kembali pada bulan depan di Kecamatan Tamalate dan Kecamatan Rappocini."),
]

SCANNED = ["Puskesmas Batua membuka layanan vaksinasi gratis bagi anak sekolah.",
           "Warga diminta membawa kartu keluarga saat datang ke puskesmas."]


def _has_ocr() -> bool:
    if shutil.which("tesseract") is None:
        return False
    listed = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, check=False)
    return "ind" in (listed.stdout + listed.stderr).split()


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.upper())


@pytest.fixture(scope="module")
def office_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, object]:
    folder = tmp_path_factory.mktemp("office")
    source = folder / "rilis"
    source.mkdir()
    (source / "layanan-daring.txt").write_text(TEXT_RELEASE, encoding="utf-8")
    (source / "imunisasi.md").write_text(MARKDOWN_RELEASE, encoding="utf-8")
    (source / "kredit-usaha.html").write_text(WEB_RELEASE, encoding="utf-8")
    release_with_parts_docx(source / "surat-humas.docx")
    typeset_release(source / "pelatihan-kader.pdf", PDF_STORY)
    if _has_ocr():
        scanned_pdf(source / "pindaian.pdf", SCANNED)
    warta = use_stand_in(Warta(Settings(device="cpu", beams=1)))
    result = run_translate([source], folder / "out", warta, quiet=True)
    return source, folder / "out", result


def test_every_release_of_the_folder_is_done(office_run) -> None:
    source, _, result = office_run
    assert result.failed == []
    assert sorted(result.done) == sorted(path.stem for path in source.iterdir())


@pytest.mark.parametrize("name", ["layanan-daring", "imunisasi", "kredit-usaha", "surat-humas", "pelatihan-kader"])
def test_every_source_word_reaches_en_txt_and_every_row_is_translated(office_run, name: str) -> None:
    _, out, _ = office_run
    rows = [json.loads(line) for line in (out / name / "aligned.jsonl").read_text(encoding="utf-8").splitlines()]
    english = (out / name / "en.txt").read_text(encoding="utf-8")
    source_words = [word for row in rows for word in _words(row["id"])]
    assert _words(re.sub(r"(?m)^(#+|\d+[.)]|-) ", "", english)) == source_words  # nothing lost, glued or reordered
    for row in rows:
        assert _words(row["en"]) == _words(row["id"]), row  # each row exactly its own sentence, upper-cased


def test_the_word_release_comes_out_whole_and_its_comment_is_named_where_a_reviewer_looks(office_run) -> None:
    _, out, _ = office_run
    rows = [json.loads(line) for line in (out / "surat-humas" / "aligned.jsonl").read_text(encoding="utf-8").splitlines()]
    kinds = {row["kind"] for row in rows}
    assert {"header", "footer", "text_box", "note"} <= kinds
    english = " ".join(row["en"] for row in rows)
    for part in ("header", "footer", "footnote"):
        assert RELEASE_PARTS[part].upper() in english
    report = json.loads((out / "surat-humas" / "report.json").read_text(encoding="utf-8"))
    comment = next(item for item in report["left_out"] if "comment" in item)
    assert comment in (out / "surat-humas" / "review.html").read_text(encoding="utf-8")
    assert comment in (out / "index.html").read_text(encoding="utf-8")
    assert (out / "surat-humas" / "bilingual.docx").is_file()


def test_the_pdf_keeps_its_letterhead_once_and_no_page_number_in_a_sentence(office_run) -> None:
    _, out, _ = office_run
    rows = [json.loads(line) for line in (out / "pelatihan-kader" / "aligned.jsonl").read_text(encoding="utf-8").splitlines()]
    body = [row["id"] for row in rows if row["kind"] not in ("header", "footer")]
    assert [row["kind"] for row in rows].count("header") >= 1 and rows[0]["kind"] == "header"
    assert not any(re.search(r"Halaman \d|PEMERINTAH KOTA|www\.dinkes", text) for text in body), body
    assert any("informasi kesehatan kepada warga" in text for text in body)  # the hyphenated word joined
    letterhead = " ".join(row["id"] for row in rows if row["kind"] == "header")
    assert LETTERHEAD[0] in letterhead and letterhead.count(LETTERHEAD[0]) == 1
    assert FOOTER in " ".join(row["id"] for row in rows if row["kind"] == "footer")
    report = json.loads((out / "pelatihan-kader" / "report.json").read_text(encoding="utf-8"))
    named = " ".join(report["left_out"])
    assert "page number" in named
    assert named.split(";")[0] in (out / "index.html").read_text(encoding="utf-8")


def test_the_web_page_keeps_its_dateline(office_run) -> None:
    _, out, _ = office_run
    rows = [json.loads(line) for line in (out / "kredit-usaha" / "aligned.jsonl").read_text(encoding="utf-8").splitlines()]
    assert rows[0]["kind"] == "title" and rows[1]["id"] == "Bandung, 12 Juni 2025"


def test_the_text_release_keeps_its_sign_off_lines_and_its_credit_line(office_run) -> None:
    _, out, _ = office_run
    rows = [json.loads(line) for line in (out / "layanan-daring" / "aligned.jsonl").read_text(encoding="utf-8").splitlines()]
    texts = [row["id"] for row in rows]
    assert texts[-2:] == ["Plt. Kepala Biro Komunikasi dan Pelayanan Publik", "drg. Murti Utami, MPH."]
    assert any(text.endswith("(Rep. Andi Saputra/Ed. Nurul Hidayah).") for text in texts)
    hotline = next(row for row in rows if "1500-567" in row["id"])
    assert {"kind": "phone", "text": "1500-567"} in hotline["protected"]


@pytest.mark.skipif(not _has_ocr(), reason="tesseract with Indonesian data is not installed (apt-get install tesseract-ocr tesseract-ocr-ind)")
def test_the_scanned_pdf_is_read_by_ocr_and_says_so(office_run) -> None:
    _, out, _ = office_run
    rows = [json.loads(line) for line in (out / "pindaian" / "aligned.jsonl").read_text(encoding="utf-8").splitlines()]
    read = set(_words(" ".join(row["id"] for row in rows)))
    expected = [word for text in SCANNED for word in _words(text)]
    assert sum(word in read for word in expected) >= 0.9 * len(expected)
    report = json.loads((out / "pindaian" / "report.json").read_text(encoding="utf-8"))
    assert any("OCR" in warning for warning in report["warnings"])
