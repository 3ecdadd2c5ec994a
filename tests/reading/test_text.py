"""Reading articles from real files: layouts, encodings, and the files that must be refused."""

import codecs
import hashlib
import random
import shutil
from pathlib import Path

import pytest

from pipeline.article import Article
from pipeline.errors import InputError
from pipeline.reading import parse_article_text, read_article
from pipeline.reading.text import decode_text

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
SAMPLE = SAMPLES / "makassar-oncology-delegation-guangzhou.txt"


def kinds(article: Article) -> list[str]:
    return [block.kind for block in article.blocks]


def texts(article: Article) -> list[str]:
    return [block.text for block in article.blocks]


# --- layout 1: one paragraph per line, headings as short lines without final punctuation ----


def test_sample_has_one_block_per_line_and_marks_its_headings(tmp_path: Path) -> None:
    path = tmp_path / SAMPLE.name
    shutil.copyfile(SAMPLE, path)
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 13

    article = read_article(path)

    assert len(article.blocks) == 13
    assert texts(article) == lines
    heading_numbers = [number for number, block in enumerate(article.blocks) if block.kind == "heading"]
    assert heading_numbers == [1, 4, 7, 9, 11]
    assert article.blocks[1].text == "Upacara Penyambutan: Sambutan Hangat dan Pertukaran Persahabatan"
    # A heading ending in a closing quote is still a heading: the quote is not punctuation.
    assert article.blocks[11].text.endswith('Kerja Sama Medis "Belt and Road"')
    # The first line is a full paragraph (it ends with '".'), so the sample has no title.
    assert article.title is None
    assert kinds(article).count("paragraph") == 8
    assert article.name == "makassar-oncology-delegation-guangzhou"
    assert article.encoding == "utf-8"
    assert article.warnings == []
    assert article.sha256 == hashlib.sha256(SAMPLE.read_bytes()).hexdigest()
    assert all(block.sentences == [] for block in article.blocks)  # the splitter fills these


def test_one_paragraph_per_line_after_a_blank_line_under_the_title(tmp_path: Path) -> None:
    # Long lines are paragraphs, not hard wraps, even when a blank line follows the title.
    paragraph_1 = "MAKASSAR - " + "Pemerintah Provinsi Sulawesi Selatan meresmikan rumah sakit onkologi baru. " * 2
    paragraph_2 = "Rumah sakit ini memiliki 200 tempat tidur dan layanan kemoterapi serta radioterapi. " * 2
    path = tmp_path / "rs-baru.txt"
    path.write_text(f"Rumah Sakit Onkologi Baru Diresmikan\n\n{paragraph_1}\n{paragraph_2}\n", encoding="utf-8")

    article = read_article(path)

    assert kinds(article) == ["title", "paragraph", "paragraph"]
    assert texts(article) == ["Rumah Sakit Onkologi Baru Diresmikan", paragraph_1.strip(), paragraph_2.strip()]


# --- layout 2: blank lines between paragraphs, hard-wrapped, title on the first line ---------

HARD_WRAPPED = """\
Pemerintah Resmikan Rumah Sakit Baru

MAKASSAR - Pemerintah Provinsi Sulawesi Selatan meresmikan rumah sakit
baru pada Senin (19/12/2025). Rumah sakit ini memiliki 200 tempat tidur
dan layanan onkologi.

Gubernur mengatakan bahwa rumah sakit ini akan melayani warga dari
seluruh provinsi. "Kami berharap layanan semakin baik," katanya.

Layanan Unggulan

Rumah sakit menyediakan kemoterapi, radioterapi, dan bedah minimal
invasif bagi pasien kanker.
"""


def test_blank_line_layout_joins_hard_wrapped_lines(tmp_path: Path) -> None:
    path = tmp_path / "rumah-sakit.txt"
    path.write_text(HARD_WRAPPED, encoding="utf-8")

    article = read_article(path)

    assert kinds(article) == ["title", "paragraph", "paragraph", "heading", "paragraph"]
    assert article.title == "Pemerintah Resmikan Rumah Sakit Baru"
    assert texts(article)[1:] == [
        "MAKASSAR - Pemerintah Provinsi Sulawesi Selatan meresmikan rumah sakit baru pada Senin "
        "(19/12/2025). Rumah sakit ini memiliki 200 tempat tidur dan layanan onkologi.",
        'Gubernur mengatakan bahwa rumah sakit ini akan melayani warga dari seluruh provinsi. '
        '"Kami berharap layanan semakin baik," katanya.',
        "Layanan Unggulan",
        "Rumah sakit menyediakan kemoterapi, radioterapi, dan bedah minimal invasif bagi pasien kanker.",
    ]


def test_hard_wrapped_text_with_a_url_longer_than_the_wrap_width(tmp_path: Path) -> None:
    # A wrapper cannot break a long URL and puts it on a line of its own; that one long line
    # must not make the whole article read as one paragraph per line.
    url = "https://www.kemenkes.go.id/article/view/25061900001/rumah-sakit-onkologi-baru-resmi-dibuka-di-makassar.html"
    assert len(url) > 100
    path = tmp_path / "dengan-url.txt"
    path.write_text(
        "Rumah Sakit Baru\n\n"
        "Informasi lengkap tentang layanan rumah sakit dapat dibaca di situs\n"
        f"{url}\n"
        "yang dikelola Kementerian Kesehatan.\n\n"
        "Pendaftaran pasien dibuka mulai\nbulan depan.\n",
        encoding="utf-8",
    )

    article = read_article(path)

    assert kinds(article) == ["title", "paragraph", "paragraph"]
    assert texts(article)[1] == (
        f"Informasi lengkap tentang layanan rumah sakit dapat dibaca di situs {url} yang dikelola Kementerian Kesehatan."
    )
    assert texts(article)[2] == "Pendaftaran pasien dibuka mulai bulan depan."


# --- Markdown headings and list items --------------------------------------------------------

MARKDOWN = """\
# Layanan Kesehatan Gratis

Pemerintah kota membuka layanan **pemeriksaan gratis** bagi warga.

## Jenis Layanan

- Pemeriksaan tekanan darah
* Konsultasi dokter umum
1) Pemeriksaan gula darah
2. Vaksinasi influenza

Layanan tersedia setiap hari Sabtu.
"""


def test_markdown_headings_and_list_items(tmp_path: Path) -> None:
    path = tmp_path / "layanan.md"
    path.write_text(MARKDOWN, encoding="utf-8")

    article = read_article(path)

    assert [(block.kind, block.marker, block.text) for block in article.blocks] == [
        ("title", "#", "Layanan Kesehatan Gratis"),
        ("paragraph", "", "Pemerintah kota membuka layanan pemeriksaan gratis bagi warga."),
        ("heading", "##", "Jenis Layanan"),
        ("list_item", "-", "Pemeriksaan tekanan darah"),
        ("list_item", "*", "Konsultasi dokter umum"),
        ("list_item", "1)", "Pemeriksaan gula darah"),
        ("list_item", "2.", "Vaksinasi influenza"),
        ("paragraph", "", "Layanan tersedia setiap hari Sabtu."),
    ]


def test_list_items_in_a_plain_text_file_keep_emphasis_markers(tmp_path: Path) -> None:
    # Headings and lists are recognised in .txt too; only .md has its emphasis stripped.
    path = tmp_path / "layanan.txt"
    path.write_text(MARKDOWN, encoding="utf-8")

    article = read_article(path)

    assert kinds(article) == ["title", "paragraph", "heading"] + ["list_item"] * 4 + ["paragraph"]
    assert [block.marker for block in article.blocks[3:7]] == ["-", "*", "1)", "2."]
    assert "**pemeriksaan gratis**" in article.blocks[1].text


# --- encodings -------------------------------------------------------------------------------


def test_utf8_with_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    text = "Judul Berita\r\n\r\nParagraf pertama berakhir di sini.\r\n\r\nParagraf kedua juga.\r\n"
    path.write_bytes(codecs.BOM_UTF8 + text.encode("utf-8"))

    article = read_article(path)

    assert article.encoding == "utf-8-sig"
    assert texts(article) == ["Judul Berita", "Paragraf pertama berakhir di sini.", "Paragraf kedua juga."]
    assert kinds(article) == ["title", "paragraph", "paragraph"]
    assert article.warnings == []


def test_decode_text_normalises_newlines_and_drops_the_bom() -> None:
    text, encoding = decode_text(codecs.BOM_UTF8 + b"Satu.\r\nDua.\rTiga.\n", "contoh.txt")
    assert (text, encoding) == ("Satu.\nDua.\nTiga.\n", "utf-8-sig")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(tmp_path: Path, codec: str) -> None:
    bom = codecs.BOM_UTF16_LE if codec == "utf-16-le" else codecs.BOM_UTF16_BE
    path = tmp_path / "utf16.txt"
    path.write_bytes(bom + "Judul Berita\r\n\r\nKafe “Café” dibuka hari ini.\r\n".encode(codec))

    article = read_article(path)

    assert article.encoding == "utf-16"
    assert texts(article) == ["Judul Berita", "Kafe “Café” dibuka hari ini."]


def test_utf16_without_bom_is_refused_as_utf16_not_as_binary(tmp_path: Path) -> None:
    path = tmp_path / "utf16-tanpa-bom.txt"
    path.write_bytes("Judul Berita\n\nParagraf pertama.\n".encode("utf-16-le"))

    with pytest.raises(InputError) as caught:
        read_article(path)

    message = str(caught.value)
    assert str(path) in message
    assert "UTF-16" in message and "byte-order mark" in message and "UTF-8" in message


def test_cp1252_with_curly_quotes_and_accents_is_decoded_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "windows.txt"
    source = "Kafe Baru di Makassar\n\nPemilik kafe berkata, “Café kami buka setiap hari.” Semua tamu senang.\n"
    path.write_bytes(source.encode("cp1252"))
    assert b"\x93" in path.read_bytes()  # really cp1252, not UTF-8

    article = read_article(path)

    assert article.encoding == "cp1252"
    assert texts(article) == [
        "Kafe Baru di Makassar",
        "Pemilik kafe berkata, “Café kami buka setiap hari.” Semua tamu senang.",
    ]
    assert len(article.warnings) == 1
    assert "Windows-1252" in article.warnings[0] and "not UTF-8" in article.warnings[0]


def test_gbk_chinese_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "zh.txt"
    path.write_bytes("广州现代肿瘤医院欢迎印度尼西亚代表团。\n\n代表团参观了医院的病房和实验室。\n".encode("gbk"))

    with pytest.raises(InputError) as caught:
        read_article(path)

    message = str(caught.value)
    assert str(path) in message
    assert "not UTF-8" in message and "save it as UTF-8" in message


@pytest.mark.parametrize("codec", ["gbk", "shift_jis", "euc_kr"])
def test_mostly_latin_text_with_a_few_cjk_characters_is_refused_not_mojibake(tmp_path: Path, codec: str) -> None:
    # An Indonesian release that names the hospital in Chinese, saved by a Chinese office's
    # Windows: decoding it as Windows-1252 would turn 北京 into "±±¾©" without a word.
    text = (
        "Delegasi dari Makassar mengunjungi rumah sakit di Beijing (北京) pada tanggal 29 Mei 2025. "
        "Para pakar onkologi bertukar pikiran tentang pengobatan minimal invasif dan menerima "
        "sertifikat kehormatan dari rumah sakit tersebut.\n"
    )
    path = tmp_path / f"campuran-{codec}.txt"
    path.write_bytes(text.encode(codec))

    with pytest.raises(InputError) as caught:
        read_article(path)

    assert str(path) in str(caught.value)
    assert "not UTF-8" in str(caught.value)


# --- files that are not articles --------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "label"),
    [(b"", "empty"), (b"  \n\t\r\n   \n", "white-space-only"), (codecs.BOM_UTF8, "bom-only")],
)
def test_empty_files_are_refused(tmp_path: Path, content: bytes, label: str) -> None:
    path = tmp_path / f"{label}.txt"
    path.write_bytes(content)

    with pytest.raises(InputError) as caught:
        read_article(path)

    assert str(caught.value) == f"{path}: the file is empty"


def test_binary_file_is_refused(tmp_path: Path) -> None:
    noise = random.Random(7)
    path = tmp_path / "gambar.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(noise.randrange(256) for _ in range(2048)))

    with pytest.raises(InputError) as caught:
        read_article(path)

    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert "binary file" in message


@pytest.mark.parametrize(("suffix", "said"), [
    (".png", "unsupported file type '.png'"),
    ("", "a file without a suffix"),
    (".odt", "save it as .docx"),
    (".rtf", "save it as .docx"),
    (".doc", "old binary Word document"),
])
def test_unsupported_suffix_is_refused_before_reading(tmp_path: Path, suffix: str, said: str) -> None:
    path = tmp_path / f"siaran-pers{suffix}"
    path.write_text("Paragraf yang sah.\n", encoding="utf-8")

    with pytest.raises(InputError) as caught:
        read_article(path)

    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert said in message
    if "unsupported" in said or "suffix" in said:  # an unknown type hears every type warta reads
        assert all(suffix in message for suffix in (".txt", ".md", ".docx", ".html", ".pdf"))


def test_suffix_is_matched_case_insensitively(tmp_path: Path) -> None:
    path = tmp_path / "SIARAN.TXT"
    path.write_text("Satu paragraf saja.\n", encoding="utf-8")
    assert texts(read_article(path)) == ["Satu paragraf saja."]


def test_missing_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "tidak-ada.txt"

    with pytest.raises(InputError) as caught:
        read_article(path)

    message = str(caught.value)
    assert str(path) in message
    assert "cannot read the file" in message


# --- parse_article_text directly --------------------------------------------------------------


def test_parse_article_text_names_the_article_and_keeps_source() -> None:
    article = parse_article_text("Judul\n\nIsi berita.\n", name="contoh", source=Path("contoh.txt"))
    assert article.name == "contoh"
    assert article.source == Path("contoh.txt")
    assert [(block.kind, block.text) for block in article.blocks] == [("title", "Judul"), ("paragraph", "Isi berita.")]


def test_parse_article_text_refuses_text_without_content() -> None:
    with pytest.raises(InputError, match=r"^contoh: the file is empty$"):
        parse_article_text("\n \n\t\n", name="contoh")


def test_a_first_line_with_final_punctuation_is_not_a_title() -> None:
    article = parse_article_text("Ini kalimat pertama.\nIni kalimat kedua.\n", name="x")
    assert kinds(article) == ["paragraph", "paragraph"]
    assert article.title is None


# --- hard-wrapped hyphens, Markdown read by a Markdown parser --------------------------------


@pytest.mark.parametrize(
    ("wrapped", "expected"),
    [
        pytest.param("program masing-\nmasing dinas", "program masing-masing dinas", id="reduplication-split-at-its-hyphen"),
        pytest.param("kerja sama Indonesia-\nTiongkok diperluas", "kerja sama Indonesia- Tiongkok diperluas", id="capital-after-hyphen-keeps-the-space"),
        pytest.param("tanggal 3 -\nmulai hari ini", "tanggal 3 - mulai hari ini", id="a-spaced-dash-is-not-a-hyphen"),
    ],
)
def test_a_wrapped_line_ending_in_a_hyphen_joins_a_lower_case_line_without_a_space(tmp_path: Path, wrapped: str, expected: str) -> None:
    path = tmp_path / "bungkus.txt"
    path.write_text(f"Judul Rilis\n\nSetiap pagi ada {wrapped} lagi\nsampai sore.\n\nParagraf kedua di sini.\n", encoding="utf-8")

    article = read_article(path)

    assert texts(article)[1] == f"Setiap pagi ada {expected} lagi sampai sore."


PASTED_MARKDOWN = """\
# Rilis **Dinas** Kesehatan

Wali kota membuka *pekan imunisasi* dan [laman pendaftaran](https://dinkes.makassarkota.go.id/daftar?utm_source=rilis)
kepada _warga_ masing-
masing kelurahan, dengan kode `IMN-2025`.

> Kami ingin semua anak terlindungi, kata wali kota.

1. Datang ke puskesmas
1. Bawa kartu keluarga
   - fotokopi juga boleh
1. Tunggu panggilan

3) Lapor ke kelurahan

| Jenis | Jumlah |
|---|---|
| Vaksin campak | 5.000 dosis |

<p>Info: <b>hubungi</b> 112 &amp; 119.</p>
"""


def test_markdown_keeps_only_the_text_a_reader_sees(tmp_path: Path) -> None:
    path = tmp_path / "imunisasi.md"
    path.write_text(PASTED_MARKDOWN, encoding="utf-8")

    article = read_article(path)

    assert [(block.kind, block.marker, block.text) for block in article.blocks] == [
        ("title", "#", "Rilis Dinas Kesehatan"),
        ("paragraph", "", "Wali kota membuka pekan imunisasi dan laman pendaftaran kepada warga masing-masing kelurahan, dengan kode IMN-2025."),
        ("paragraph", "", "Kami ingin semua anak terlindungi, kata wali kota."),
        ("list_item", "1.", "Datang ke puskesmas"),
        ("list_item", "2.", "Bawa kartu keluarga"),
        ("list_item", "-", "fotokopi juga boleh"),
        ("list_item", "3.", "Tunggu panggilan"),
        ("list_item", "3)", "Lapor ke kelurahan"),
        ("table_cell", "", "Jenis"),
        ("table_cell", "", "Jumlah"),
        ("table_cell", "", "Vaksin campak"),
        ("table_cell", "", "5.000 dosis"),
        ("paragraph", "", "Info: hubungi 112 & 119."),
    ]
    assert article.blocks[11].cell == (0, 1, 1)
    assert not any(mark in block.text for block in article.blocks for mark in ("*", "_", "[", "](", "> ", "`", "<"))


def test_plain_text_is_not_read_as_markdown(tmp_path: Path) -> None:
    path = tmp_path / "imunisasi.txt"
    path.write_text(PASTED_MARKDOWN, encoding="utf-8")

    article = read_article(path)

    assert "*pekan imunisasi*" in article.blocks[1].text
    assert any(block.text.startswith("> Kami") for block in article.blocks)


@pytest.mark.parametrize(
    ("pasted", "expected"),
    [
        # A CMS's paragraphs on one line: each a block, as the browser shows them.
        ('<div class="isi"><p>Rapat dimulai pukul 09.00.</p> <p>Wali Kota hadir.</p></div>', ["Rapat dimulai pukul 09.00.", "Wali Kota hadir."]),
        # Inline tags join with nothing (they sit inside a run of text); entities are decoded.
        ("Dibuka oleh <b>Wakil</b> Gubernur &amp; <i>Sekda</i>, kata<strong>nya</strong>.", ["Dibuka oleh Wakil Gubernur & Sekda, katanya."]),
        ('Lihat <a href="https://contoh.go.id">laman resmi</a>.<br>Terima kasih.', ["Lihat laman resmi.", "Terima kasih."]),
        ("Teks<!-- komentar CMS --> bersih.<script>var x = 1;</script>", ["Teks bersih."]),
        # Angle brackets that are not HTML tags are text.
        ("Inflasi <5% dan nilai a < b > c tetap ditulis.", ["Inflasi <5% dan nilai a < b > c tetap ditulis."]),
    ],
)
def test_html_pasted_into_plain_text_keeps_only_what_a_browser_shows(pasted: str, expected: list[str]) -> None:
    article = parse_article_text(f"Judul Siaran Pers\n\n{pasted}\n", name="rilis")

    assert [block.text for block in article.blocks[1:]] == expected
    assert all(block.kind == "paragraph" for block in article.blocks[1:])
    removed = [warning for warning in article.warnings if "HTML tag(s)" in warning]
    assert len(removed) == (0 if expected == [pasted] else 1)


def test_a_sign_off_in_a_hard_wrapped_release_keeps_its_lines() -> None:
    text = (
        "Kemenkes Luncurkan Layanan Konsultasi Daring\n\n"
        "Jakarta, 12 Juni 2025 - Kementerian Kesehatan meluncurkan layanan konsultasi\n"
        "daring bagi warga di seluruh Indonesia. Layanan ini dapat diakses melalui\n"
        "aplikasi resmi dan situs web kementerian mulai pekan depan.\n\n"
        "Plt. Kepala Biro Komunikasi dan Pelayanan Publik\n"
        "drg. Murti Utami, MPH.\n"
    )
    blocks = [block.text for block in parse_article_text(text, "rilis").blocks]
    assert blocks[-2:] == ["Plt. Kepala Biro Komunikasi dan Pelayanan Publik", "drg. Murti Utami, MPH."]
    # the wrapped paragraph is still one block
    assert blocks[1].startswith("Jakarta, 12 Juni 2025") and blocks[1].endswith("mulai pekan depan.")


def test_a_wrapped_paragraph_with_a_short_line_before_a_long_word_is_still_one_block() -> None:
    text = (
        "Judul Rilis\n\n"
        "Pemerintah Kota Makassar menyampaikan bahwa pendaftaran peserta dibuka\n"
        "hingga akhir bulan ini bagi seluruh warga yang memenuhi syarat.\n\n"
        "Informasi:\n"
        "https://makassarkota.go.id/berita/2025/06/pendaftaran-peserta-program-kesehatan-gratis\n"
    )
    blocks = [block.text for block in parse_article_text(text, "rilis").blocks]
    assert blocks[1] == ("Pemerintah Kota Makassar menyampaikan bahwa pendaftaran peserta dibuka hingga akhir bulan ini "
                         "bagi seluruh warga yang memenuhi syarat.")
    assert blocks[2] == "Informasi: https://makassarkota.go.id/berita/2025/06/pendaftaran-peserta-program-kesehatan-gratis"


def test_a_few_control_characters_become_spaces_and_are_counted(tmp_path: Path) -> None:
    path = tmp_path / "rilis.txt"
    path.write_text("Judul Rilis\n\nPemerintah\x01meluncurkan program\x0b baru hari ini.\x7f\n", encoding="utf-8")
    article = read_article(path)
    assert article.blocks[1].text == "Pemerintah meluncurkan program baru hari ini."
    assert any("3 control character(s)" in warning for warning in article.warnings)
    direct = parse_article_text("Judul\n\nSatu\x02dua tiga.\n", "langsung")
    assert direct.blocks[1].text == "Satu dua tiga." and any("control character" in w for w in direct.warnings)


def test_an_article_with_a_control_character_is_written_as_word(tmp_path: Path) -> None:
    from benchmarks.standin import use_stand_in
    from pipeline.orchestrator import Warta
    from pipeline.settings import Settings

    path = tmp_path / "rilis.txt"
    path.write_text("Judul Rilis\n\nPemerintah\x01meluncurkan program baru hari ini.\n", encoding="utf-8")
    warta = use_stand_in(Warta(Settings(device="cpu", beams=1, source_lang="id")))
    written = warta.write(warta.translate_file(path), tmp_path / "out")
    assert (tmp_path / "out" / "en.docx") in written and (tmp_path / "out" / "zh.docx") in written
