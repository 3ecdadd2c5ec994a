"""Articles built for tests: release texts, folders of release files, and Article records."""

from pathlib import Path

from models.tiny import sample_sentences
from pipeline.article import Article, Block, Sentence

#: An English news text (refused as an article: not Indonesian).
ENGLISH = (
    "The Ministry of Health announced on Monday that a new vaccination programme will begin next month. "
    "The programme aims to reach every district in the country within two years, officials said.\n"
)
#: A Chinese news text (refused as an article).
CHINESE = "卫生部周一宣布，一项新的疫苗接种计划将于下个月开始。该计划旨在两年内覆盖全国所有地区。\n"
#: An Indonesian line with curly quotes and an accent, to be written in cp1252.
CP1252_ARTICLE = "Direktur “RS Harapan” menyampaikan sambutan di kafé rumah sakit. Acara berlangsung dengan lancar dan penuh semangat.\n"

#: Realistic releases by file name (text, Markdown, a web page): officials' titles and degrees,
#: hard-wrapped hyphens, numbered lists, a long URL, emphasis and links, English inside Indonesian.
RELEASES = {
    "acara.txt": """\
Konferensi Internasional Kedokteran Tropis Digelar di Makassar

The 2nd International Conference on Tropical Medicine (ICTM) and Expo digelar di Makassar, pada
3-5 Juni 2025. Kegiatan ini dibuka oleh Plt. Kepala Dinas Kesehatan Provinsi Sulawesi Selatan,
dr. Andi Rahman, Sp.PD. yang didampingi Plh. Sekretaris Daerah Kota Makassar.

Prof. Dr. Budi Santoso, M.A. (Ketua Tim Peneliti) memaparkan hasil kajian masing-
masing daerah. Ns. Rina Marlina, S.Kep. memandu sesi tanya jawab bersama Kombes Pol. Hendra
Wijaya, S.H., M.H. dari Polda Sulawesi Selatan.

Peserta wajib menyiapkan dokumen berikut:

1. Surat tugas dari instansi asal.
2. Fotokopi kartu tanda penduduk.
3. Bukti pendaftaran daring.

Pendaftaran dibuka di https://ictm.unhas.ac.id/pendaftaran/formulir-peserta-konferensi-internasional-2025?utm_source=rilis&utm_medium=email&utm_campaign=ictm2025 sampai akhir Mei.
""",  # noqa: E501 - the URL as a release gives it
    "imunisasi.md": """\
# Pekan **Imunisasi** Nasional Dimulai

Pj. Wali Kota Makassar membuka *pekan imunisasi* di [Balai Kota](https://makassarkota.go.id/berita/2025/06/pekan-imunisasi-nasional-resmi-dimulai-di-balai-kota)
pada hari Senin.

> Kami ingin semua anak terlindungi, kata Pj. Wali Kota.

1. Datang ke puskesmas terdekat.
1. Bawa kartu keluarga.
1. Tunggu panggilan petugas.
""",
    "rilis-web.html": """\
<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><title>Rilis</title></head><body>
<nav><a href="/">Beranda</a></nav>
<main><article>
<h1>Bank Daerah Salurkan Kredit Usaha</h1>
<p>PT Bank Pembangunan Daerah Sulawesi Selatan (Persero) Tbk. (Bank Sulselbar) menyalurkan kredit usaha rakyat senilai Rp500 miliar pada 2025.</p>
<p>Penyaluran diresmikan oleh Pjs. Bupati Gowa bersama Letkol Inf. Ahmad Yani di kantor cabang <b>Sungguminasa</b>.</p>
<ol><li>Pelaku usaha mikro.</li><li>Koperasi desa.</li></ol>
</article></main></body></html>
""",
}


def indonesian_article(number: int) -> str:
    """Release number ``number``: a title and two lines of the sample article, from line ``number`` on."""
    lines = sample_sentences()
    body = [lines[(number + offset) % len(lines)] for offset in range(2)]
    return f"Rilis Nomor {number}\n\n" + "\n\n".join(body) + "\n"


def make_article_folder(root: Path, good: int = 23) -> dict[str, Path]:
    """About 30 articles: good ones in nested folders, four bad ones, a cp1252 one, two same names."""
    files: dict[str, Path] = {}
    for number in range(good):
        path = root / f"2025/{number % 3 + 1:02d}/rilis-{number:02d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(indonesian_article(number), encoding="utf-8")
        files[f"2025/{number % 3 + 1:02d}/rilis-{number:02d}"] = path
    for month in ("05", "06"):
        path = root / f"2024/{month}/rilis.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(indonesian_article(int(month)), encoding="utf-8")
        files[f"2024/{month}/rilis"] = path
    bad = root / "bad"
    bad.mkdir()
    (bad / "kosong.txt").write_bytes(b"")
    (bad / "gambar.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    (bad / "english.txt").write_text(ENGLISH, encoding="utf-8")
    (bad / "chinese.txt").write_text(CHINESE, encoding="utf-8")
    (root / "windows.txt").write_bytes(CP1252_ARTICLE.encode("cp1252"))
    files["windows"] = root / "windows.txt"
    (root / ".hidden.txt").write_text(indonesian_article(1), encoding="utf-8")
    (root / "notes.pdf").write_bytes(b"%PDF-1.4")
    return files


def twelve_articles(source: Path) -> Path:
    """The folder ``source``, created, holding twelve releases ``rilis-00.txt``...``rilis-11.txt``."""
    source.mkdir()
    for number in range(12):
        (source / f"rilis-{number:02d}.txt").write_text(indonesian_article(number), encoding="utf-8")
    return source


def article_of(*texts: str) -> Article:
    """An Article of one paragraph whose sentences are ``texts``, as the splitter would have made them."""
    return Article(source=None, name="a", blocks=[Block("paragraph", " ".join(texts), sentences=[Sentence(t) for t in texts])])
