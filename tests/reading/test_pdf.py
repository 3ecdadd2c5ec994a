"""PDF releases in: the text layer read in order (columns, pages, hyphenation, tables), running heads once,
scans read by OCR, and broken, encrypted and hostile files refused in one line.

The PDFs are drawn here with reportlab (``tests/support/pdfs.py``), line by line, so every test
knows what each page holds and checks its own premise (a sentence really crosses the page break).
"""

import os
import re
from pathlib import Path

import pytest

from benchmarks.standin import use_stand_in
from pipeline.errors import InputError
from pipeline.orchestrator import Warta
from pipeline.reading import pdf_extract, read_article
from pipeline.reading.pdf import dehyphenate
from pipeline.reading.pdf_layout import Segment, mark_running_parts
from pipeline.settings import Settings
from tests.support.pdfs import (
    FOOTER,
    LETTERHEAD,
    Layout,
    encrypted_pdf,
    inflating_pdf,
    many_pages_pdf,
    nested_pdf,
    one_bad_page_pdf,
    raw_pdf,
    scanned_pdf,
    typeset_release,
)

TITLE = "Dinas Kesehatan Makassar Gelar Pekan Imunisasi Anak Serentak"
# Each paragraph is a list of sentences; "|" is where the typesetter breaks a word with a hyphen.
INTRO = [
    "Makassar, 3 Juni 2025 - Dinas Kesehatan Kota Makassar menggelar pekan imunisasi anak secara serentak di seluruh puskesmas mulai hari Senin.",
    "Kegiatan ini menyasar lebih dari 25.000 anak berusia di bawah lima tahun yang tersebar di lima belas kecamatan.",
    "Orang tua diminta membawa buku kesehatan ibu dan anak saat datang ke lokasi layanan.",
]
BACKGROUND = [
    "Menurut kepala dinas, cakupan imunisasi dasar lengkap di kota ini baru mencapai 78 persen pada tahun lalu.",
    "Angka tersebut masih berada di bawah target nasional sebesar 95 persen yang ditetapkan oleh pemerintah pusat.",
    "Pemerintah kota menargetkan peningkatan layanan kese|hatan dasar bagi masing-|masing kelurahan hingga akhir tahun.",
]
DATA = [
    "Pekan imunisasi juga menjadi kesempatan untuk memperbarui data sasaran yang selama ini belum tercatat dengan baik.",
    "Petugas akan mendatangi rumah warga yang anaknya belum pernah mendapatkan vaksin campak dan rubela.",
    "Data yang terkumpul akan dipadukan dengan sistem informasi puskesmas agar pemantauan dapat dilakukan setiap bulan.",
]
FIELD = [
    "Sebanyak 46 puskesmas dan 320 posyandu dilibatkan dalam kegiatan yang berlangsung selama tujuh hari tersebut.",
    "Setiap puskesmas menyiapkan tim yang terdiri atas dokter, bidan, perawat, dan kader dari kelurahan setempat.",
    "Jadwal layanan dibuka sejak pukul 08.00 hingga pukul 14.00 waktu setempat, termasuk pada hari Sabtu.",
    "Warga yang tidak sempat datang pada hari kerja dapat memanfaatkan layanan akhir pekan di pusat perbelanjaan yang telah ditunjuk.",
    "Dinas juga menyiapkan layanan jemput bola bagi anak penyandang disabilitas yang sulit dibawa ke fasilitas kesehatan.",
]
COLD_CHAIN = [
    "Untuk menjaga mutu vaksin, setiap lokasi dilengkapi dengan lemari pendingin dan pencatat suhu digital.",
    "Petugas gudang farmasi memeriksa rantai dingin dua kali sehari dan melaporkan hasilnya melalui aplikasi daring.",
    "Apabila ditemukan penyimpangan suhu, vaksin akan segera ditarik dan diganti dengan persediaan cadangan.",
]
EDUCATION = [
    "Tim promosi kesehatan menyiapkan materi edukasi dalam bahasa daerah agar pesan imunisasi mudah dipahami oleh warga.",
    "Materi tersebut disebarkan melalui radio komunitas, pengeras suara masjid, dan grup percakapan warga di setiap rukun tetangga.",
    "Relawan mahasiswa dari tiga perguruan tinggi ikut membantu pendataan dan pendampingan keluarga di lapangan.",
]
SAFETY = [
    "Kepala dinas menegaskan bahwa seluruh vaksin yang digunakan telah memperoleh izin edar dan dinyatakan aman.",
    "Efek samping yang mungkin muncul, seperti demam ringan atau nyeri di bekas suntikan, biasanya hilang dalam satu sampai dua hari.",
    "Orang tua diminta segera melapor ke puskesmas terdekat apabila anak mengalami keluhan yang tidak kunjung membaik.",
]
LEFT_COLUMN = [
    "Kepala bidang pencegahan penyakit menyampaikan bahwa kerja sama lintas sektor menjadi kunci keberhasilan program ini.",
    "Camat dan lurah diminta menggerakkan tokoh masyarakat serta tokoh agama untuk mengajak warga datang ke posyandu.",
    "Sekolah taman kanak-kanak juga dilibatkan untuk menjangkau anak usia empat dan lima tahun.",
]
RIGHT_COLUMN = [
    "Selain imunisasi, petugas memberikan penyuluhan tentang gizi seimbang dan pentingnya air susu ibu eksklusif.",
    "Para ibu dapat berkonsultasi langsung dengan ahli gizi mengenai tumbuh kembang anak mereka.",
    "Layanan pemeriksaan tinggi dan berat badan juga tersedia tanpa dipungut biaya.",
]
TABLE_INTRO = ["Berikut sasaran imunisasi di tiga kecamatan dengan jumlah balita terbanyak."]
TABLE = [["Kecamatan", "Sasaran", "Puskesmas"], ["Tamalate", "3.200 anak", "Barombong"],
         ["Biringkanaya", "2.900 anak", "Sudiang Raya"], ["Rappocini", "2.450 anak", "Kassi-Kassi"]]
AFTER_TABLE = ["Kecamatan lain akan menerima jadwal rinci melalui surat edaran yang dikirimkan pada pekan ini."]
LIST_INTRO = ["Orang tua atau wali yang membawa anak diminta menyiapkan dokumen berikut:"]
ITEMS = ["Buku kesehatan ibu dan anak atau kartu imunisasi.", "Fotokopi kartu keluarga yang masih berlaku.",
         "Surat keterangan sehat bagi anak yang baru sembuh dari sakit."]
CLOSING = [
    "Informasi lebih lanjut dapat diperoleh melalui pusat panggilan dinas di nomor 112 atau kanal media sosial resmi pemerintah kota.",
    "Dinas Kesehatan mengimbau seluruh warga untuk tidak melewatkan kesempatan ini demi melindungi generasi mendatang.",
]
STORY = [
    ("title", TITLE), ("paragraph", " ".join(INTRO)), ("heading", "Latar Belakang"), ("paragraph", " ".join(BACKGROUND)),
    ("paragraph", " ".join(DATA)), ("heading", "Pelaksanaan di Lapangan"), ("paragraph", " ".join(FIELD)),
    ("paragraph", " ".join(COLD_CHAIN)), ("paragraph", " ".join(EDUCATION)), ("paragraph", " ".join(SAFETY)),
    ("columns", [" ".join(LEFT_COLUMN), " ".join(RIGHT_COLUMN)]),
    ("page_break",), ("heading", "Sasaran per Kecamatan"), ("paragraph", " ".join(TABLE_INTRO)), ("table", TABLE), ("paragraph", " ".join(AFTER_TABLE)),
    ("heading", "Persyaratan"), ("paragraph", " ".join(LIST_INTRO)), ("list", ITEMS), ("paragraph", " ".join(CLOSING)),
]


def _plain(text: str) -> str:
    return text.replace("|", "")


def _story_sentences() -> list[str]:
    sentences: list[str] = []
    for kind, *content in STORY:
        if kind == "paragraph":
            sentences += re.findall(r".+?[.:](?= |$)", _plain(content[0]))
        elif kind == "columns":
            sentences += [sentence for text in content[0] for sentence in re.findall(r".+?[.:](?= |$)", text)]
        elif kind == "list":
            sentences += content[0]
    return sentences


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Layout, object]:
    """The three-page release (letterhead, footer and page number on each page), read once."""
    path = tmp_path_factory.mktemp("pdf") / "rilis.pdf"
    layout = typeset_release(path, STORY)
    return path, layout, read_article(path)


def _body(article) -> list:
    return [block for block in article.blocks if block.kind not in ("header", "footer")]


def _squeeze(text: str) -> str:
    return " ".join(text.split())


# --- the text layer ---------------------------------------------------------------------------------------


def test_the_release_spans_three_pages_with_a_sentence_across_the_break(release) -> None:
    _, layout, _ = release
    assert len(layout.pages) == 3
    assert not layout.pages[0][-1].endswith((".", ":")), "premise: page 1 ends inside a sentence"


def test_every_body_sentence_appears_once_in_order(release) -> None:
    _, _, article = release
    text = "\n".join(block.text for block in _body(article) if block.kind != "table_cell")
    position = 0
    for sentence in _story_sentences():
        found = text.find(sentence, position)
        assert found >= 0, f"missing or out of order: {sentence!r}"
        position = found + len(sentence)
    for sentence in set(_story_sentences()):
        assert text.count(sentence) == _story_sentences().count(sentence), sentence


def test_letterhead_and_footer_are_one_block_each_and_page_numbers_are_dropped(release) -> None:
    _, _, article = release
    kinds = [block.kind for block in article.blocks]
    assert kinds[0] == "header" and kinds.count("header") == 1
    assert kinds[-1] == "footer" and kinds.count("footer") == 1
    assert article.blocks[0].text == " / ".join(LETTERHEAD)
    assert article.blocks[-1].text == FOOTER
    for block in _body(article):
        for running in (*LETTERHEAD, FOOTER, "PEMERINTAH", "Halaman", "Telp."):
            assert running not in block.text
    assert "3 page number(s)" in article.left_out
    assert any("letterhead repeated on 3 pages was read once" in warning for warning in article.warnings)
    assert any("footer repeated on 3 pages was read once" in warning for warning in article.warnings)


def test_title_headings_and_list_items_as_in_a_text_file(release) -> None:
    _, _, article = release
    body = _body(article)
    assert article.title == TITLE and body[0].kind == "title"
    assert [block.text for block in body if block.kind == "heading"] == [
        "Latar Belakang", "Pelaksanaan di Lapangan", "Sasaran per Kecamatan", "Persyaratan"]
    items = [block for block in body if block.kind == "list_item"]
    assert [(block.marker, block.text) for block in items] == [(f"{number}.", text) for number, text in enumerate(ITEMS, start=1)]


def test_a_sentence_across_the_page_break_and_across_the_columns_is_one_paragraph(release) -> None:
    _, layout, article = release
    body = [_squeeze(block.text) for block in _body(article)]
    page_break = f"{layout.pages[0][-1]} {layout.pages[1][0]}"
    assert sum(page_break in text for text in body) == 1
    # The columns: the left one is read before the right one, each paragraph whole.
    left, right = " ".join(LEFT_COLUMN), " ".join(RIGHT_COLUMN)
    assert left in body and right in body and body.index(left) + 1 == body.index(right)


def test_a_word_hyphenated_across_lines_is_joined_and_reduplication_keeps_its_hyphen(release) -> None:
    _, layout, article = release
    drawn = [line for page in layout.pages for line in page]
    assert any(line.endswith("kese-") for line in drawn) and any(line.endswith("masing-") for line in drawn)  # premise
    text = " ".join(block.text for block in article.blocks)
    assert "layanan kesehatan dasar bagi masing-masing kelurahan" in text
    assert "kese-" not in text and "kese hatan" not in text


@pytest.mark.parametrize(("lines", "joined"), [
    (["layanan kese-", "hatan dasar"], ["layanan kesehatan dasar"]),            # the typesetter's hyphen
    (["bagi masing-", "masing kelurahan"], ["bagi masing-", "masing kelurahan"]),  # reduplication: kept for join_wrapped_lines
    (["para anak-", "anaknya"], ["para anak-", "anaknya"]),
    (["sayur-", "mayur segar"], ["sayur-", "mayur segar"]),                     # rhyming reduplication
    (["bolak-", "balik ke kantor"], ["bolak-", "balik ke kantor"]),             # vowels change, consonants stay
    (["kartu e-", "mail baru"], ["kartu e-", "mail baru"]),                     # a one-letter prefix is no syllable
    (["Sulawesi-", "Selatan"], ["Sulawesi-", "Selatan"]),                       # not a lower-case continuation
    (["pada 2025-", "2026"], ["pada 2025-", "2026"]),
    (["menjadi pemba\u00ad", "ngunan"], ["menjadi pembangunan"]),               # a soft hyphen is always the typesetter's
])
def test_dehyphenate(lines: list[str], joined: list[str]) -> None:
    assert dehyphenate(lines, set()) == joined


def test_dehyphenate_asks_the_document_first() -> None:
    assert dehyphenate(["pasca-", "panen"], {"pasca-panen"}) == ["pasca-", "panen"]  # written with a hyphen elsewhere
    assert dehyphenate(["masing-", "masing"], {"masingmasing"}) == ["masingmasing"]   # written whole elsewhere


def test_a_ruled_table_comes_out_as_cells_in_place_and_not_as_text(release) -> None:
    _, _, article = release
    body = _body(article)
    cells = [block for block in body if block.kind == "table_cell"]
    assert [(block.cell, block.text) for block in cells] == [
        ((0, row, column), text) for row, cells_of_row in enumerate(TABLE) for column, text in enumerate(cells_of_row)]
    first = body.index(cells[0])
    assert body[first - 1].text == TABLE_INTRO[0] and body[first + len(cells)].text == AFTER_TABLE[0]
    paragraphs = " ".join(block.text for block in body if block.kind != "table_cell")
    assert "Biringkanaya" not in paragraphs and "Kassi-Kassi" not in paragraphs


def test_article_records_the_pdf(release) -> None:
    import hashlib

    path, _, article = release
    assert article.encoding == "pdf" and article.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert article.source == path and article.name == "rilis"


def test_one_column_without_running_parts(tmp_path: Path) -> None:
    path = tmp_path / "satu.pdf"
    typeset_release(path, [("title", "Taman Baca Baru"), ("paragraph", " ".join(INTRO)), ("paragraph", " ".join(DATA))],
                    letterhead=(), footer="", page_number="")
    article = read_article(path)
    assert [(block.kind, block.text) for block in article.blocks] == [
        ("title", "Taman Baca Baru"), ("paragraph", " ".join(INTRO)), ("paragraph", " ".join(DATA))]
    assert article.warnings == [] and article.left_out == []


def test_two_columns_under_a_full_width_title_read_left_then_right(tmp_path: Path) -> None:
    path = tmp_path / "kolom.pdf"
    left = " ".join(LEFT_COLUMN + FIELD)  # long enough that a sentence crosses into the right column
    layout = typeset_release(path, [("title", "Kolaborasi Lintas Sektor"), ("columns", [left, " ".join(RIGHT_COLUMN)])],
                             letterhead=(), footer="", page_number="")
    (left_last, right_first), = layout.column_breaks
    assert len(layout.pages) == 1 and not left_last.endswith(".")  # premise: a sentence crosses the gutter
    article = read_article(path)
    assert [(block.kind, _squeeze(block.text)) for block in article.blocks] == [
        ("title", "Kolaborasi Lintas Sektor"), ("paragraph", left), ("paragraph", " ".join(RIGHT_COLUMN))]
    assert f"{left_last} {right_first}" in left


@pytest.mark.parametrize(("text", "is_page_number"), [
    ("1", True), ("- 2 -", True), ("— 12 —", True), ("(7)", True), ("Halaman 3 dari 10", True), ("Hal. 4", True),
    ("Page 2 of 5", True), ("2/10", True), ("| 9 |", True),
    ("2025", False), ("Bab 2", False), ("1. Pendahuluan", False), ("Makassar, 3 Juni 2025", False),
])
def test_page_numbers_in_the_bands(text: str, is_page_number: bool) -> None:
    segment = Segment(text, "bottom", 0)
    parts = mark_running_parts([segment], pages=1)
    assert (segment.role == "page_number") == is_page_number and parts.page_numbers == int(is_page_number)


def test_running_parts_recur_on_most_pages_with_their_numbers_taken_out() -> None:
    segments = []
    for page in range(5):
        segments.append(Segment("PEMERINTAH KOTA MAKASSAR", "top", page))
        if page != 2:  # most pages, not all
            segments.append(Segment(f"Dinas Kesehatan | Halaman {page + 1} dari 5", "bottom", page))
        segments.append(Segment(f"Paragraf {['satu', 'dua', 'tiga', 'empat', 'lima'][page]} dimulai di sini.", "top", page))
    segments.append(Segment("Lampiran", "bottom", 4))  # once only: body
    parts = mark_running_parts(segments, pages=5)
    assert parts.header == ["PEMERINTAH KOTA MAKASSAR"] and parts.footer == ["Dinas Kesehatan"]
    assert (parts.header_pages, parts.footer_pages, parts.page_numbers) == (5, 4, 4)
    assert [segment.role for segment in segments if segment.role == "body"] == ["body"] * 6


# --- scans ------------------------------------------------------------------------------------------------

SCANNED = [
    "Pemerintah Kota Makassar Resmikan Taman Baca",
    "Makassar, 5 Juni 2025 - Pemerintah Kota Makassar meresmikan taman baca masyarakat di Kecamatan Tamalate pada hari Kamis. "
    "Taman baca tersebut menyediakan lebih dari dua ribu buku bacaan untuk anak dan remaja.",
    "Wali Kota berharap fasilitas ini dapat meningkatkan minat baca warga. Pengelola akan membuka layanan setiap hari kecuali "
    "hari libur nasional.",
]


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


@pytest.mark.skipif(pdf_extract.tesseract_command() is None, reason="tesseract with Indonesian data (tesseract-ocr-ind) is not installed")
def test_a_scan_is_read_by_ocr(tmp_path: Path) -> None:
    article = read_article(scanned_pdf(tmp_path / "pindaian.pdf", SCANNED))
    read = set(_words(" ".join(block.text for block in article.blocks)))
    drawn = _words(" ".join(SCANNED))
    assert sum(word in read for word in drawn) >= 0.9 * len(drawn)
    assert article.blocks[0].kind == "title"
    assert any("OCR" in warning for warning in article.warnings)
    assert article.encoding == "pdf"


def test_a_scan_without_tesseract_is_refused_with_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(pdf_extract.TESSERACT_VARIABLE, "")
    path = scanned_pdf(tmp_path / "pindaian.pdf", SCANNED[:1])
    with pytest.raises(InputError) as raised:
        read_article(path)
    assert str(raised.value) == (
        f"{path}: a scanned PDF (its pages are images, with no text layer); to read it by OCR install tesseract with its "
        "Indonesian data (Debian/Ubuntu: apt-get install tesseract-ocr tesseract-ocr-ind)")


def test_a_tesseract_without_indonesian_counts_as_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "tesseract"
    fake.write_text("#!/bin/sh\necho 'List of available languages (2):'\necho eng\necho osd\n")
    fake.chmod(0o755)
    monkeypatch.setenv(pdf_extract.TESSERACT_VARIABLE, str(fake))
    assert pdf_extract.tesseract_command() is None


@pytest.mark.skipif(pdf_extract.tesseract_command() is None, reason="tesseract with Indonesian data (tesseract-ocr-ind) is not installed")
def test_a_scanned_page_among_text_pages_is_read_by_ocr_in_its_place(tmp_path: Path) -> None:
    article = read_article(scanned_pdf(tmp_path / "campuran.pdf", SCANNED[1:], typed=["Taman Baca Baru", INTRO[1]]))
    texts = [block.text for block in article.blocks]
    assert texts[:2] == ["Taman Baca Baru", INTRO[1]]
    read = set(_words(" ".join(texts[2:])))
    drawn = _words(" ".join(SCANNED[1:]))
    assert sum(word in read for word in drawn) >= 0.9 * len(drawn)
    assert any("1 page(s) was read from page images by OCR" in warning for warning in article.warnings)


def test_a_scanned_page_among_text_pages_without_tesseract_is_listed_as_left_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(pdf_extract.TESSERACT_VARIABLE, "")
    article = read_article(scanned_pdf(tmp_path / "campuran.pdf", SCANNED[1:], typed=["Taman Baca Baru", INTRO[1]]))
    assert [block.text for block in article.blocks] == ["Taman Baca Baru", INTRO[1]]
    assert any(entry.startswith("1 scanned page(s) without a text layer (page 2); install tesseract") for entry in article.left_out)


# --- files refused --------------------------------------------------------------------------------------


def _refusal(path: Path) -> str:
    with pytest.raises(InputError) as raised:
        read_article(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: ") and "\n" not in message
    return message


def test_an_encrypted_pdf_is_refused(tmp_path: Path) -> None:
    assert "password-protected" in _refusal(encrypted_pdf(tmp_path / "sandi.pdf"))


def test_a_pdf_that_only_an_owner_password_guards_is_read(tmp_path: Path) -> None:
    article = read_article(encrypted_pdf(tmp_path / "pemilik.pdf", user_password=""))
    assert [block.text for block in article.blocks] == ["Siaran pers ini dilindungi kata sandi."]


@pytest.mark.parametrize(("content", "says"), [
    (b"Ini bukan PDF, hanya teks biasa.\n", "not a PDF file"),
    (b"%PDF-1.4", "not a valid PDF file"),
    (b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pa", "not a valid PDF file"),
])
def test_broken_pdfs_are_refused(tmp_path: Path, content: bytes, says: str) -> None:
    path = tmp_path / "rusak.pdf"
    path.write_bytes(content)
    assert says in _refusal(path)


def test_a_truncated_release_is_refused_or_read_honestly(tmp_path: Path, release) -> None:
    source, _, _ = release
    path = tmp_path / "terpotong.pdf"
    path.write_bytes(source.read_bytes()[: len(source.read_bytes()) // 3])
    assert "not a valid PDF file" in _refusal(path)


def test_a_bomb_of_many_pages_is_refused(tmp_path: Path) -> None:
    assert "5000 pages, more than the 500" in _refusal(many_pages_pdf(tmp_path / "bom.pdf", 5000))
    # a page tree that understates its size is stopped at the limit all the same
    assert "at least 501 pages" in _refusal(many_pages_pdf(tmp_path / "bohong.pdf", 600, claimed=1))


def test_a_stream_that_inflates_past_the_memory_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_extract, "MEMORY_LIMIT", 512 * 2**20)
    assert "needs more than 0.5 GiB of memory" in _refusal(inflating_pdf(tmp_path / "kembang.pdf", 1024))


def test_deeply_nested_objects_are_read_within_limits(tmp_path: Path) -> None:
    article = read_article(nested_pdf(tmp_path / "sarang.pdf", 100_000))
    assert [block.text for block in article.blocks] == ["Halo dunia."]


def test_a_pdf_that_takes_too_long_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, release) -> None:
    monkeypatch.setattr(pdf_extract, "BASE_SECONDS", 0.05)
    monkeypatch.setattr(pdf_extract, "SECONDS_PER_PAGE", 0.0)
    assert "took longer than 0.05 s" in _refusal(release[0])


def test_a_pdf_without_pages_or_text_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "kosong.pdf"
    empty.write_bytes(raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Count 0 /Kids [] >>"]))
    assert "has no pages" in _refusal(empty)
    blank = tmp_path / "putih.pdf"
    typeset_release(blank, [], letterhead=(), footer="", page_number="")
    assert "has no text to translate" in _refusal(blank)


def test_a_page_that_fails_alone_is_named_and_the_others_are_read(tmp_path: Path) -> None:
    article = read_article(one_bad_page_pdf(tmp_path / "separuh.pdf", "Halaman pertama dibaca dengan baik."))
    assert [block.text for block in article.blocks] == ["Halaman pertama dibaca dengan baik."]
    assert any(warning.startswith("page 2 could not be read (") and warning.endswith("its text is missing") for warning in article.warnings)
    assert "page 2 (unreadable)" in article.left_out


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need a POSIX system")
def test_a_named_pipe_is_refused_without_blocking(tmp_path: Path) -> None:
    pipe = tmp_path / "pipa.pdf"
    os.mkfifo(pipe)
    assert "named pipe" in _refusal(pipe)


# --- end to end -------------------------------------------------------------------------------------------


def test_every_body_sentence_comes_back_upper_cased_in_en_txt(release, tmp_path: Path) -> None:
    path, _, _ = release
    warta = use_stand_in(Warta(Settings(device="cpu", beams=1, source_lang="id")))
    article = warta.translate_file(path)
    warta.write(article, tmp_path / "out")
    english = _squeeze((tmp_path / "out" / "en.txt").read_text(encoding="utf-8"))
    for sentence in set(_story_sentences()):
        assert english.count(sentence.upper()) == _story_sentences().count(sentence), sentence
    # the letterhead first and the footer last, once each; the footer's web address is a protected span: verbatim
    footer = FOOTER.upper().replace("WWW.DINKES.MAKASSARKOTA.GO.ID", "www.dinkes.makassarkota.go.id")
    assert english.count(" / ".join(LETTERHEAD).upper()) == 1 and english.count(footer) == 1
    assert english.startswith(" / ".join(LETTERHEAD).upper()) and english.endswith(footer)
    assert "HALAMAN" not in english
