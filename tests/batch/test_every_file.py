"""Every file a folder holds is heard of: one warta reads, or one line and an index row saying why not."""

import json
from pathlib import Path

import pytest

from pipeline.batch import run_translate
from pipeline.orchestrator import Warta
from pipeline.settings import Settings
from tests.support.cli import run_cli


def _office_folder(root: Path) -> None:
    root.mkdir()
    (root / "rilis.txt").write_text(
        "Wali Kota Makassar meresmikan puskesmas baru di Kecamatan Tamalate.\n\n"
        "Puskesmas tersebut melayani lebih dari dua puluh ribu warga setiap tahun.\n", encoding="utf-8")
    (root / "rusak.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog")  # cut off: no pages, no trailer
    (root / "rilis-lama.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    (root / "rilis.odt").write_bytes(b"PK\x03\x04" + bytes(64))
    (root / "rilis.rtf").write_text("{\\rtf1\\ansi Wali Kota Makassar meresmikan puskesmas.}", encoding="ascii")
    (root / "foto.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(64))
    (root / ".DS_Store").write_bytes(bytes(16))  # hidden: the one kind of file passed over


def test_each_file_of_another_type_gets_a_reason_a_manifest_entry_and_an_index_row(tiny_models, tmp_path: Path) -> None:
    _office_folder(tmp_path / "in")
    warta = Warta(Settings(models={pair: str(path) for pair, path in tiny_models.items()}, device="cpu", beams=1))
    result = run_translate([tmp_path / "in"], tmp_path / "out", warta, quiet=True)

    failed = {Path(path).name: reason for path, reason in result.failed}
    assert result.done == ["rilis"]
    assert set(failed) == {"rusak.pdf", "rilis-lama.doc", "rilis.odt", "rilis.rtf", "foto.jpg"}
    assert "PDF" in failed["rusak.pdf"]
    assert "old binary Word document" in failed["rilis-lama.doc"]
    assert "OpenDocument" in failed["rilis.odt"] and "save it as .docx" in failed["rilis.odt"]
    assert "Rich Text Format" in failed["rilis.rtf"]
    assert "unsupported file type '.jpg'" in failed["foto.jpg"] and ".pdf" in failed["foto.jpg"]
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))["articles"]
    assert {entry["input"].rsplit("/", 1)[-1] for entry in manifest.values() if entry["status"] == "failed"} == set(failed)
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    for name in failed:
        assert name.rsplit(".", 1)[0] in index
    assert ".DS_Store" not in json.dumps(manifest) and "DS_Store" not in index


@pytest.mark.slow
def test_the_command_line_prints_one_line_per_file_it_cannot_read(tiny_models, tmp_path: Path) -> None:
    _office_folder(tmp_path / "in")
    result = run_cli("translate", tmp_path / "in", "-o", tmp_path / "out", "--beams", "1",
                     "--model", f"id-en={tiny_models['id-en']}", "--model", f"en-zh={tiny_models['en-zh']}")
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith("warta: ")]
    for name in ("rusak.pdf", "rilis-lama.doc", "rilis.odt", "rilis.rtf", "foto.jpg"):
        assert sum(1 for line in lines if line.startswith(f"warta: {tmp_path / 'in' / name}: ")) == 1, (name, lines)
