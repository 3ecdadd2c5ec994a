"""Word and web articles in, Word out; and the bad documents that must be refused quickly."""

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from models.tiny import REPO
from pipeline.errors import InputError
from pipeline.joining import join_pieces
from pipeline.orchestrator import Warta
from pipeline.reading import read_article
from pipeline.settings import Settings
from tests.support.cli import run_cli
from tests.support.documents import W, make_template_docx, word_element, word_run

NAV_ARTICLE_FOOTER = """<!DOCTYPE html>
<html lang="id"><head><meta charset="utf-8"><title>Rilis Pers</title>
<script>var tracking = "Kode pelacak yang tidak boleh diterjemahkan.";</script></head>
<body>
<nav><ul><li><a href="/">Beranda</a></li><li><a href="/berita">Berita Terkini Kota</a></li><li><a href="/kontak">Hubungi Kami Sekarang</a></li></ul></nav>
<div id="cookie-banner">Situs ini menggunakan cookie untuk meningkatkan pengalaman Anda. Dengan melanjutkan, Anda menyetujui kebijakan kami.</div>
<main><article>
<h1>Delegasi Makassar Kunjungi Guangzhou</h1>
<p>Pada tanggal 29 Mei 2025, sejumlah pakar di bidang onkologi dari Makassar membentuk Delegasi Persahabatan Internasional &amp; melakukan kunjungan ke Guangzhou.</p>
<h2>Upacara Penyambutan</h2>
<p>Dalam upacara penyambutan, Kepala RS menyampaikan sambutan <b>hangat</b> kepada para tamu dari Indonesia. Kunjungan ini bertujuan untuk memperdalam kerja sama medis.</p>
<ul><li>Kunjungan ke fasilitas medis modern di rumah sakit.</li><li>Kuliah tentang pengobatan presisi minimal invasif.</li></ul>
<p>Kedua belah pihak sepakat untuk membangun mekanisme diskusi reguler di masa depan&hellip;</p>
</article></main>
<footer><p>Hak cipta &copy; 2025 Humas Pemerintah Kota Makassar. Semua hak dilindungi undang-undang.</p></footer>
</body></html>
"""  # noqa: E501 - the page as a CMS writes it


def make_docx(path: Path) -> Path:
    """A press release as Word writes it: title, headings, lists, a table, bold and italic mid-sentence."""
    import docx

    document = docx.Document()
    document.add_paragraph("Delegasi Makassar Kunjungi Guangzhou", style="Title")
    document.add_heading("Upacara Penyambutan", level=1)
    paragraph = document.add_paragraph("Dalam upacara penyambutan, Kepala RS menyampaikan sambutan ")
    paragraph.add_run("sangat hangat").bold = True
    paragraph.add_run(" kepada para tamu dari ")
    paragraph.add_run("Indonesia").italic = True
    paragraph.add_run(". Acara berjalan dengan lancar dan penuh keakraban.")
    document.add_paragraph("Kunjungan ke fasilitas medis modern.", style="List Bullet")
    document.add_paragraph("Kuliah tentang pengobatan presisi.", style="List Bullet")
    document.add_heading("Jadwal Kegiatan", level=2)
    document.add_paragraph("Pertama, diskusi bersama para pakar.", style="List Number")
    document.add_paragraph("Kedua, penyerahan sertifikat penghargaan.", style="List Number")
    table = document.add_table(rows=2, cols=2)
    for (row, column), text in {(0, 0): "Nama", (0, 1): "Jabatan", (1, 0): "Tu Xiaoming", (1, 1): "Kepala rumah sakit"}.items():
        table.cell(row, column).text = text
    document.add_paragraph("Kedua belah pihak sepakat untuk membangun mekanisme diskusi reguler di masa depan.")
    document.sections[0].header.paragraphs[0].text = "Humas Pemerintah Kota Makassar"
    document.save(str(path))
    return path


def _structure(article) -> list[tuple[str, str, tuple[int, int, int] | None]]:
    return [(block.kind, block.marker, block.cell) for block in article.blocks]


def test_docx_blocks_keep_structure_and_runs_do_not_split_sentences(tmp_path: Path):
    article = read_article(make_docx(tmp_path / "rilis.docx"))
    kinds = [block.kind for block in article.blocks]
    assert kinds == ["header", "title", "heading", "paragraph", "list_item", "list_item", "heading", "list_item", "list_item",
                     "table_cell", "table_cell", "table_cell", "table_cell", "paragraph"]
    assert [block.marker for block in article.blocks if block.kind == "list_item"] == ["-", "-", "1.", "2."]  # Word numbers them 1, 2
    assert [block.cell for block in article.blocks if block.kind == "table_cell"] == [(0, 0, 0), (0, 0, 1), (0, 1, 0), (0, 1, 1)]
    assert article.blocks[3].text == (
        "Dalam upacara penyambutan, Kepala RS menyampaikan sambutan sangat hangat kepada para tamu dari Indonesia. "
        "Acara berjalan dengan lancar dan penuh keakraban."
    )
    # the header is read and translated like the rest, before the title, and written back in its place
    assert (article.blocks[0].text, article.blocks[0].place) == ("Humas Pemerintah Kota Makassar", "word/header1.xml#0")
    assert article.title == "Delegasi Makassar Kunjungi Guangzhou"
    assert article.warnings == [] and article.left_out == []


def test_translated_docx_has_the_source_structure(tiny_models, tmp_path: Path):
    source = make_docx(tmp_path / "rilis.docx")
    warta = Warta(Settings(models={pair: str(path) for pair, path in tiny_models.items()}, device="cpu", beams=1))
    article = warta.translate_file(source)
    warta.write(article, tmp_path / "out")
    for language in ("en", "zh"):
        translated = read_article(tmp_path / "out" / f"{language}.docx")
        assert _structure(translated) == _structure(article), language
        expected = [join_pieces([getattr(s, language) for s in block.sentences]) for block in article.blocks]  # joined by the joining rule
        assert [block.text for block in translated.blocks] == [" ".join(text.split()) for text in expected]


def test_chinese_docx_sets_an_east_asian_font(tiny_models, tmp_path: Path, sample_article):
    import docx
    from docx.oxml.ns import qn

    from pipeline.outputs.docx_fonts import CHINESE_FONT

    warta = Warta(Settings(models={pair: str(path) for pair, path in tiny_models.items()}, device="cpu", beams=1))
    warta.write(warta.translate_file(sample_article), tmp_path)
    normal = docx.Document(str(tmp_path / "zh.docx")).styles["Normal"].element.rPr
    assert normal.find(qn("w:rFonts")).get(qn("w:eastAsia")) == CHINESE_FONT
    assert normal.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    english = docx.Document(str(tmp_path / "en.docx")).styles["Normal"].element.rPr
    assert english is None or english.find(qn("w:lang")) is None


def test_html_page_gives_only_the_article(tmp_path: Path):
    page = tmp_path / "rilis.html"
    page.write_text(NAV_ARTICLE_FOOTER, encoding="utf-8")
    article = read_article(page)
    text = " ".join(block.text for block in article.blocks)
    assert article.blocks[0].kind == "title" and article.blocks[0].text == "Delegasi Makassar Kunjungi Guangzhou"
    assert [block.kind for block in article.blocks].count("list_item") == 2
    assert "heading" in [block.kind for block in article.blocks]
    assert "& melakukan" in text and "masa depan…" in text  # entities decoded
    for boilerplate in ("Beranda", "cookie", "Hak cipta", "Kode pelacak"):
        assert boilerplate not in text


@pytest.mark.slow
def test_html_only_the_article_is_translated(tiny_models, tmp_path: Path):
    page = tmp_path / "rilis.html"
    page.write_text(NAV_ARTICLE_FOOTER, encoding="utf-8")
    result = run_cli("translate", page, "-o", tmp_path / "out", "--beams", "1", "--source-lang", "id",
                     "--model", f"id-en={tiny_models['id-en']}", "--model", f"en-zh={tiny_models['en-zh']}")
    assert result.returncode == 0, result.stderr
    rows = (tmp_path / "out" / "rilis" / "aligned.tsv").read_text(encoding="utf-8")
    assert "Pada tanggal 29 Mei 2025" in rows and "Beranda" not in rows and "cookie" not in rows and "Hak cipta" not in rows


def test_page_without_article_text_is_refused(tmp_path: Path):
    page = tmp_path / "kosong.html"
    page.write_text("<html><body><nav><a href='/'>Beranda</a></nav><script>var x = 1;</script></body></html>")
    with pytest.raises(InputError, match="no article text"):
        read_article(page)


def _zip_bomb(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * (16 * 1024 * 1024)
            for _ in range(20):  # 320 MB of zeros, about 300 KB compressed
                member.write(chunk)
    return path


def _bad_inputs(folder: Path) -> dict[str, tuple[Path, str]]:
    corrupt = folder / "rusak.docx"
    corrupt.write_bytes(b"PK\x03\x04" + b"this is not really a zip archive" * 10)
    truncated = folder / "terpotong.docx"
    make_docx(folder / "_whole.docx")
    truncated.write_bytes((folder / "_whole.docx").read_bytes()[:2000])
    (folder / "_whole.docx").unlink()
    encrypted = folder / "rahasia.docx"
    encrypted.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 2048)
    old_word = folder / "lama.doc"
    old_word.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096)
    huge_page = folder / "besar.html"
    with huge_page.open("wb") as stream:
        stream.write(b"<html><body><p>" + b"Kalimat panjang sekali. " * (50 * 1024 * 1024 // 24) + b"</p></body></html>")
    return {
        "corrupt": (corrupt, "not a valid .docx"),
        "truncated": (truncated, "not a valid .docx"),
        "encrypted": (encrypted, "password-protected"),
        "bomb": (_zip_bomb(folder / "bom.docx"), "zip bomb"),
        "old word": (old_word, "old binary Word document (.doc)"),
        "50 MB page": (huge_page, "larger than the 10 MiB a web page may be"),
    }


def test_bad_documents_are_refused_with_a_clear_message(tmp_path: Path):
    for label, (path, message) in _bad_inputs(tmp_path).items():
        with pytest.raises(InputError) as raised:
            read_article(path)
        assert message in str(raised.value) and str(path) in str(raised.value), label


@pytest.mark.slow
def test_bad_documents_in_a_batch_fail_quickly_and_the_rest_goes_on(tiny_models, tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    bad = _bad_inputs(folder)
    make_docx(folder / "baik.docx")
    command = [sys.executable, str(REPO / "run.py"), "translate", str(folder), "-o", str(tmp_path / "out"), "--beams", "1",
               "--source-lang", "id", "--model", f"id-en={tiny_models['id-en']}", "--model", f"en-zh={tiny_models['en-zh']}"]
    # A hang or a runaway decompression would hit this guard; the refusals themselves are instant.
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    for path, message in bad.values():
        line = next((line for line in result.stderr.splitlines() if line.startswith(f"warta: {path}: ")), "")
        assert message in line, (path, result.stderr)
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))["articles"]
    assert manifest["baik"]["status"] == "done"
    assert (tmp_path / "out" / "baik" / "en.docx").is_file()


@pytest.mark.slow
def test_formats_chooses_the_outputs(tiny_models, sample_article, tmp_path: Path):
    result = run_cli("translate", sample_article, "-o", tmp_path, "--beams", "1", "--formats", "tsv,docx",
                     "--model", f"id-en={tiny_models['id-en']}", "--model", f"en-zh={tiny_models['en-zh']}")
    assert result.returncode == 0, result.stderr
    # hidden: the .warta-output marker every output folder holds
    names = sorted(path.name for path in (tmp_path / sample_article.stem).iterdir() if not path.name.startswith("."))
    assert names == ["aligned.tsv", "en.docx", "report.json", "zh.docx"]
    assert run_cli("translate", sample_article, "--formats", "pdf").returncode == 2


def test_html_line_breaks_separate_and_nested_lists_are_read_once(tmp_path: Path):
    page = tmp_path / "daftar.html"
    page.write_text(
        "<html><body><article><h1>Pengumuman Resmi Pemerintah Kota</h1>"
        "<p>Acara dibuka di balai kota pada pagi hari.<br>Wali kota memberikan sambutan kepada seluruh warga.</p>"
        "<ul><li>Butir pertama yang dibacakan oleh panitia acara<ul><li>Anak butir yang menjelaskan rincian kegiatan</li></ul></li>"
        "<li>Butir kedua tentang jadwal kegiatan berikutnya</li></ul>"
        "<p>Kegiatan ditutup dengan doa bersama seluruh peserta yang hadir.</p></article></body></html>",
        encoding="utf-8",
    )
    article = read_article(page)
    texts = [block.text for block in article.blocks]
    assert "Acara dibuka di balai kota pada pagi hari. Wali kota memberikan sambutan kepada seluruh warga." in texts
    items = [block.text for block in article.blocks if block.kind == "list_item"]
    assert items == ["Butir pertama yang dibacakan oleh panitia acara", "Anak butir yang menjelaskan rincian kegiatan",
                     "Butir kedua tentang jadwal kegiatan berikutnya"]


def test_docx_with_broken_xml_inside_a_valid_zip_is_refused(tmp_path: Path):
    source = make_docx(tmp_path / "baik.docx")
    broken = tmp_path / "rusak.docx"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(broken, "w") as copy:
        for item in original.infolist():
            data = original.read(item.filename)
            copy.writestr(item, data[:200] if item.filename == "word/document.xml" else data)
    with pytest.raises(InputError, match="cannot read the document"):
        read_article(broken)


def test_markup_without_text_is_refused(tmp_path: Path):
    page = tmp_path / "kosong.md"
    page.write_text("# #\n\n---\n")
    with pytest.raises(InputError, match="no text"):
        read_article(page)


def test_fewer_formats_on_a_rerun_remove_the_stale_outputs(tiny_models, sample_article, tmp_path: Path):
    warta = Warta(Settings(models={pair: str(path) for pair, path in tiny_models.items()}, device="cpu", beams=1))
    article = warta.translate_file(sample_article)
    warta.write(article, tmp_path)
    narrow = Warta(Settings(models={pair: str(path) for pair, path in tiny_models.items()}, device="cpu", beams=1, formats=("tsv",)))
    narrow.write(article, tmp_path)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["aligned.tsv", "report.json"]


# --- Word text in content controls, tracked changes and nested tables; list numbers ---


def test_docx_reads_content_controls_insertions_nested_tables_and_text_boxes(tmp_path: Path) -> None:
    article = read_article(make_template_docx(tmp_path / "templat.docx"))

    assert [(block.kind, block.text, block.cell) for block in article.blocks] == [
        ("title", "Rilis Dinas Kesehatan", None),
        ("paragraph", "Plt. Kepala Dinas Kesehatan membuka pekan imunisasi.", None),
        ("paragraph", "Kegiatan berlangsung di Balai Kota Makassar pada hari Senin.", None),
        ("table_cell", "Jadwal", (0, 0, 0)),
        ("table_cell", "Senin: vaksin campak", (1, 0, 0)),
        ("table_cell", "Selasa: vaksin polio", (1, 1, 0)),
        ("paragraph", "Hubungi kami.", None),
        ("text_box", "Teks di kotak samping.", None),  # read after its anchor, not into its text
    ]
    assert "Minggu" not in " ".join(block.text for block in article.blocks)
    assert article.blocks[-1].place == "word/document.xml#9"  # where the writer puts its translation back
    assert article.warnings == [] and article.left_out == []


def test_docx_reads_table_rows_and_cells_inside_content_controls_with_merged_cells(tmp_path: Path) -> None:
    # Office templates wrap repeating table rows (and sometimes single cells) in content
    # controls: w:tbl/w:sdt/w:sdtContent/w:tr. python-docx's rows and cells skip them.
    import docx

    document = docx.Document()
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).text = "Kegiatan"
    table.cell(0, 1).merge(table.cell(0, 2)).text = "Waktu dan tempat"  # gridSpan 2
    table.cell(1, 0).merge(table.cell(2, 0)).text = "Vaksinasi"  # vMerge over two rows
    table.cell(1, 1).text = "Senin"
    table.cell(1, 2).text = "Makassar"
    table.cell(2, 1).text = "Selasa"
    rows = table._tbl.tr_lst
    # Row 2 inside a repeating-section content control, its last cell inside a cell-level one.
    row_sdt, row_content = word_element("sdt"), word_element("sdtContent")
    row_sdt.append(word_element("sdtPr"))
    table._tbl.replace(rows[2], row_sdt)
    row_content.append(rows[2])
    row_sdt.append(row_content)
    last_cell = rows[2].tc_lst[-1]
    cell_sdt, cell_content = word_element("sdt"), word_element("sdtContent")
    rows[2].replace(last_cell, cell_sdt)
    cell_paragraph = word_element("p")
    cell_paragraph.append(word_run("Maros"))
    last_cell.remove(last_cell.p_lst[0])
    last_cell.append(cell_paragraph)
    cell_content.append(last_cell)
    cell_sdt.append(cell_content)
    document.save(str(tmp_path / "jadwal.docx"))

    article = read_article(tmp_path / "jadwal.docx")

    assert [(block.text, block.cell) for block in article.blocks] == [
        ("Kegiatan", (0, 0, 0)),
        ("Waktu dan tempat", (0, 0, 1)),
        ("Vaksinasi", (0, 1, 0)),
        ("Senin", (0, 1, 1)),
        ("Makassar", (0, 1, 2)),
        ("Selasa", (0, 2, 1)),
        ("Maros", (0, 2, 2)),
    ]


def test_docx_list_numbers_follow_the_numbering_definitions(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("Langkah pendaftaran", style="Title")
    for text in ("Datang ke puskesmas.", "Bawa kartu keluarga.", "Tunggu panggilan."):
        document.add_paragraph(text, style="List Number")
    document.add_paragraph("Isi formulir.", style="List Number 2")
    document.add_paragraph("Pulang ke rumah.", style="List Number")
    # A second list that Word restarts at 5 (a w:num with a startOverride on level 0).
    numbering = document.part.numbering_part.element
    style_num = document.styles["List Number"].element.pPr.numPr.numId.val
    abstract = next(num for num in numbering.findall(f"{W}num") if num.get(f"{W}numId") == str(style_num)).find(f"{W}abstractNumId").get(f"{W}val")
    restart = word_element("num", numId="99")
    restart.append(word_element("abstractNumId", val=abstract))
    override = word_element("lvlOverride", ilvl="0")
    override.append(word_element("startOverride", val="5"))
    restart.append(override)
    numbering.append(restart)
    later = document.add_paragraph("Langkah lanjutan.", style="List Number")
    properties = later._p.get_or_add_pPr()
    num_pr = word_element("numPr")
    num_pr.append(word_element("ilvl", val="0"))
    num_pr.append(word_element("numId", val="99"))
    properties.append(num_pr)
    path = tmp_path / "daftar.docx"
    document.save(str(path))

    article = read_article(path)

    assert [(block.marker, block.text) for block in article.blocks if block.kind == "list_item"] == [
        ("1.", "Datang ke puskesmas."),
        ("2.", "Bawa kartu keluarga."),
        ("3.", "Tunggu panggilan."),
        ("1.", "Isi formulir."),  # the template's "List Number 2" is a list of its own (numId 6)
        ("4.", "Pulang ke rumah."),
        ("5.", "Langkah lanjutan."),
    ]
