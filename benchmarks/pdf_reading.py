"""Reading a PDF release: how long ``read_pdf`` takes on a realistic ten-page release.

The release is drawn with reportlab (``tests/support/pdfs.py``): a letterhead, a footer and a
page number on every page, single-column pages, two pages set in two columns and a ruled table;
about 4,000 words. Prints the median wall time of ``read_pdf`` over a few runs, the part of it
spent in the sandboxed child (starting Python, parsing with pdfplumber, sending JSON back), and
pages per second.

    python -m benchmarks.pdf_reading [--runs 5]
"""

import argparse
import tempfile
import time
from pathlib import Path
from statistics import median
from typing import Any

from pipeline.reading import pdf
from tests.support.pdfs import typeset_release

_SENTENCES = [
    "Dinas Kesehatan Kota Makassar menggelar pekan imunisasi anak secara serentak di {n} puskesmas mulai hari Senin.",
    "Kegiatan ini menyasar lebih dari {n}.000 anak berusia di bawah lima tahun yang tersebar di lima belas kecamatan.",
    "Menurut kepala dinas, cakupan imunisasi dasar lengkap di kota ini baru mencapai {n} persen pada tahun lalu.",
    "Petugas akan mendatangi rumah warga yang anaknya belum pernah mendapatkan vaksin campak dan rubela di kelurahan {n}.",
    "Setiap puskesmas menyiapkan tim yang terdiri atas dokter, bidan, perawat, dan {n} kader dari kelurahan setempat.",
    "Untuk menjaga mutu vaksin, {n} lokasi dilengkapi dengan lemari pendingin dan pencatat suhu digital.",
]


def _paragraph(number: int) -> str:
    return " ".join(sentence.format(n=number * 7 + index) for index, sentence in enumerate(_SENTENCES))


def release_story() -> list[tuple]:
    """A ten-page release: single-column pages, two pages in two columns, a table and more text."""
    story: list[tuple] = [("title", "Dinas Kesehatan Makassar Gelar Pekan Imunisasi Anak Serentak")]
    number = 0
    for section in range(6):
        story.append(("heading", f"Bagian {section + 1}"))
        for _ in range(3):
            story.append(("paragraph", _paragraph(number)))
            number += 1
    for _ in range(2):
        story += [("page_break",), ("columns", [_paragraph(number + offset) for offset in range(4)])]
        number += 4
    story += [("page_break",), ("heading", "Sasaran per Kecamatan"),
              ("table", [["Kecamatan", "Sasaran", "Puskesmas"]] + [[f"Kecamatan {row}", f"{row * 150} anak", f"Puskesmas {row}"] for row in range(1, 9)])]
    for _ in range(15):
        story.append(("paragraph", _paragraph(number)))
        number += 1
    return story


def main() -> None:
    """Draw the release, read it ``--runs`` times, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    child_seconds: list[float] = []
    real_extractor = pdf.run_extractor  # the name read_pdf calls

    def timed_extractor(*positional: Any, **named: Any) -> dict[str, Any]:
        started = time.perf_counter()
        try:
            return real_extractor(*positional, **named)
        finally:
            child_seconds.append(time.perf_counter() - started)

    pdf.run_extractor = timed_extractor
    with tempfile.TemporaryDirectory(prefix="warta-pdf-") as folder:
        path = Path(folder) / "rilis.pdf"
        layout = typeset_release(path, release_story())
        pages = len(layout.pages)
        words = sum(len(line.split()) for page in layout.pages for line in page)
        kib = path.stat().st_size / 1024
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            article = pdf.read_pdf(path, "rilis")
            times.append(time.perf_counter() - started)
    seconds = median(times)
    print(f"release: {pages} pages, {words} body words, {kib:.0f} KiB; read into {len(article.blocks)} blocks")
    print(f"read_pdf: median {seconds:.2f} s over {args.runs} runs (min {min(times):.2f}, max {max(times):.2f}); "
          f"{pages / seconds:.1f} pages/s")
    print(f"  of which the sandboxed child (start, pdfplumber, JSON): median {median(child_seconds):.2f} s; "
          f"layout in the parent: {seconds - median(child_seconds):.2f} s")


if __name__ == "__main__":
    main()
