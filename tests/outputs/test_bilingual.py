"""bilingual.docx: the sign-off table, one row per source sentence with its translations."""

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from benchmarks.standin import use_stand_in
from pipeline.orchestrator import Warta
from pipeline.outputs.docx_fonts import CHINESE_FONT
from pipeline.settings import Settings

RELEASE = """# Pemkot Bandung Luncurkan Program Vaksinasi

Bandung, 12 Juni 2025

Pemerintah Kota Bandung meluncurkan program vaksinasi gratis bagi seluruh warga. Program ini menargetkan 500.000 warga hingga akhir tahun.

## Cara Mendaftar

1. Datang ke puskesmas terdekat.
2. Bawa kartu keluarga dan isi formulir.

Wali Kota Bandung mengatakan program tersebut didanai dari anggaran daerah sebesar Rp25 miliar.
"""

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
_MARKER = re.compile(r"^(?:\d+[.)]|•) ")


def _translate(tmp_path: Path, **settings):
    source = tmp_path / "rilis.md"
    source.write_text(RELEASE, encoding="utf-8")
    warta = use_stand_in(Warta(Settings(device="cpu", beams=1, source_lang="id", **settings)))
    article = warta.translate_file(source)
    folder = tmp_path / "out"
    warta.write(article, folder)
    return article, folder / "bilingual.docx"


def _rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_every_source_sentence_is_a_row_in_order_beside_its_translations(tmp_path: Path) -> None:
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn

    article, path = _translate(tmp_path)

    document = docx.Document(str(path))
    release = document.tables[0]
    rows = _rows(release)
    assert rows[0] == ["#", "Indonesian", "English", "Chinese"]
    sentences = article.sentences()
    assert len(rows) - 1 == len(sentences) == 8
    for number, (row, sentence) in enumerate(zip(rows[1:], sentences, strict=True), start=1):
        assert row[0].split("\n")[0] == str(number)
        assert [_MARKER.sub("", text) for text in row[1:]] == [sentence.text, sentence.en, sentence.zh]
        assert sentence.en == sentence.text.upper()  # the stand-in's translation, so the columns are not swapped
    # the dateline and the list keep their place and their numbers
    assert rows[2][1] == "Bandung, 12 Juni 2025"
    assert rows[6][1] == "1. Datang ke puskesmas terdekat." and rows[6][2] == "1. DATANG KE PUSKESMAS TERDEKAT."
    # the header row repeats on every page, and a row is never split across pages
    assert release.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in release.rows[1:])
    # the title and the heading stand out as headings; the title is also the document's heading
    assert document.paragraphs[0].style.name == "Title" and document.paragraphs[0].text == article.title
    assert all(run.bold for run in release.rows[1].cells[1].paragraphs[0].runs)
    assert all(run.bold for run in release.rows[5].cells[1].paragraphs[0].runs)
    assert not any(run.bold for run in release.rows[3].cells[1].paragraphs[0].runs)
    # landscape A4, so three columns fit
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE and section.page_width.mm == pytest.approx(297, abs=0.5)
    # Chinese cells in the East Asian font, proofed as Simplified Chinese
    chinese = release.rows[3].cells[3].paragraphs[0].runs[0]._r.rPr
    assert chinese.find(qn("w:rFonts")).get(qn("w:eastAsia")) == CHINESE_FONT
    assert chinese.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    # the caption names warta and the models
    caption = document.paragraphs[1].text
    assert "warta" in caption and "id-en: Helsinki-NLP/opus-mt-id-en @ stand-in-1" in caption
    # the summary follows, its sentences pointing at their rows
    assert any(paragraph.text == "Summary" for paragraph in document.paragraphs)
    summary = _rows(document.tables[1])
    assert summary[0] == rows[0] and [row[1] for row in summary[1:]] == [item.id for item in article.summary]


def test_flags_and_left_out_parts_are_shown(tmp_path: Path) -> None:
    import docx

    from pipeline.outputs.bilingual import render_bilingual
    from pipeline.outputs.report import RunInfo

    article, _ = _translate(tmp_path)
    sentence = article.sentences()[2]
    sentence.flags, sentence.qa = ["number", "split"], {"number": ["zh"]}  # the stand-in's own flags replaced
    article.left_out = ["2 comments (Word comments are not part of the release)"]

    document = docx.Document(io.BytesIO(render_bilingual(article, RunInfo(warta_version="test"), ("en", "zh"))))

    number_cell = document.tables[0].rows[3].cells[0]
    assert number_cell.text.split("\n") == ["3", "number (zh)", "split"]
    assert number_cell.paragraphs[1].runs[0].font.size.pt == 7
    assert "Not translated: 2 comments (Word comments are not part of the release)." in [p.text for p in document.paragraphs]


def test_with_one_target_there_are_two_text_columns(tmp_path: Path) -> None:
    import docx

    article, path = _translate(tmp_path, targets=("en",))

    rows = _rows(docx.Document(str(path)).tables[0])
    assert rows[0] == ["#", "Indonesian", "English"]
    assert [[_MARKER.sub("", text) for text in row[1:]] for row in rows[1:]] == [[s.text, s.en] for s in article.sentences()]


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (.ci/run installs it)")
def test_libreoffice_converts_it_to_a_landscape_pdf(tmp_path: Path) -> None:
    import pdfplumber

    _, path = _translate(tmp_path)
    profile = tmp_path / "lo-profile"
    environment = {**os.environ, "HOME": str(tmp_path / "home")}
    result = subprocess.run(
        [SOFFICE, "--headless", f"-env:UserInstallation={profile.as_uri()}", "--convert-to", "pdf", "--outdir",
         str(tmp_path / "pdf"), str(path)],
        capture_output=True, text=True, timeout=180, env=environment,
    )
    assert result.returncode == 0, result.stderr
    with pdfplumber.open(tmp_path / "pdf" / "bilingual.pdf") as pdf:
        first = pdf.pages[0]
        assert first.width > first.height  # landscape
        text = " ".join(page.extract_text() or "" for page in pdf.pages)
    assert "Indonesian" in text and "English" in text and "Chinese" in text
    assert "CARA MENDAFTAR" in text and "Cara Mendaftar" in text
