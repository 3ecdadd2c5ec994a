"""Every word through: realistic releases read, split and 'translated' by a stand-in that upper-cases.

The stand-in sits at the Translator boundary (the real tokenizer still measures each sentence, so
long sentences are really cut into pieces and joined again); whatever is lost, glued, split or
reordered between the file and ``en.txt`` shows exactly.
"""

import re
from pathlib import Path

import pytest

from pipeline.orchestrator import Warta
from pipeline.settings import Settings
from tests.support.articles import RELEASES
from tests.support.documents import make_template_docx
from tests.support.standins import UpperCaser


@pytest.fixture(scope="module")
def translated(tiny_models, tmp_path_factory) -> dict[str, tuple[object, str, Path]]:
    folder = tmp_path_factory.mktemp("fidelity")
    for name, text in RELEASES.items():
        (folder / name).write_text(text, encoding="utf-8")
    make_template_docx(folder / "templat.docx")
    warta = Warta(Settings(models={pair: str(path) for pair, path in tiny_models.items()}, device="cpu", beams=1, source_lang="id"))
    fakes = {pair: UpperCaser(warta.pool.get(pair)) for pair in warta.pool.models}
    warta.pool.get = lambda pair: fakes[pair]  # type: ignore[method-assign]
    results = {}
    for path in sorted(folder.iterdir()):
        if path.is_file():
            article = warta.translate_file(path)
            out = folder / "out" / path.stem
            warta.write(article, out)
            results[path.name] = (article, (out / "en.txt").read_text(encoding="utf-8"), path)
    return results


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.upper())


@pytest.mark.parametrize("name", [*RELEASES, "templat.docx"])
def test_every_source_word_reaches_en_txt_in_order_and_unglued(translated, name: str) -> None:
    article, english, _ = translated[name]
    source_words = [word for block in article.blocks for sentence in block.sentences for word in _words(sentence.text)]
    block_words = [word for block in article.blocks for word in _words(block.text)]
    assert source_words == block_words  # the splitter lost or added nothing
    # en.txt holds exactly those words in that order (plus list numbers), none glued to the next
    english_words = _words(re.sub(r"(?m)^(#+|\d+[.)]|-) ", "", english))
    assert english_words == source_words


def test_source_words_from_the_files_are_all_there(translated) -> None:
    acara, english, _ = translated["acara.txt"]
    for phrase in ("MASING-MASING DAERAH", "PLT. KEPALA DINAS", "S.H., M.H. DARI POLDA", "PADA 3-5 JUNI 2025"):
        assert phrase in " ".join(english.split())
    assert "&utm_campaign=ictm2025 " in english  # the URL is protected: verbatim
    imunisasi, english_md, _ = translated["imunisasi.md"]
    assert "*" not in english_md and "](" not in english_md and "> " not in english_md
    assert re.findall(r"(?m)^\d+\.", english_md) == ["1.", "2.", "3."]
    _, english_acara, _ = translated["acara.txt"]
    assert re.findall(r"(?m)^\d+\.", english_acara) == ["1.", "2.", "3."]


@pytest.mark.parametrize(
    ("name", "starts"),
    [
        ("acara.txt", ["Plt. Kepala Dinas", "Prof. Dr. Budi Santoso, M.A. (Ketua Tim Peneliti)", "Ns. Rina Marlina, S.Kep."]),
        ("imunisasi.md", ["Pj. Wali Kota Makassar"]),
        ("rilis-web.html", ["PT Bank Pembangunan Daerah Sulawesi Selatan (Persero) Tbk. (Bank Sulselbar)",
                            "Penyaluran diresmikan oleh Pjs. Bupati Gowa bersama Letkol Inf. Ahmad Yani"]),
        ("templat.docx", ["Plt. Kepala Dinas Kesehatan"]),
    ],
)
def test_no_name_is_split_from_its_title(translated, name: str, starts: list[str]) -> None:
    article, _, _ = translated[name]
    sentences = [sentence.text for sentence in article.sentences()]
    for start in starts:
        holding = [sentence for sentence in sentences if start in sentence]
        assert holding, f"{start!r} was cut: {sentences}"
    assert not any(re.fullmatch(r"(\S+\.)+", sentence) for sentence in sentences), sentences  # no sentence of titles alone


def test_a_word_text_box_is_translated_and_not_warned_about(translated) -> None:
    article, english, _ = translated["templat.docx"]
    assert "BALAI KOTA MAKASSAR PADA HARI SENIN." in english
    assert "SELASA: VAKSIN POLIO" in english
    assert "TEKS DI KOTAK SAMPING." in english and not any("text box" in warning for warning in article.warnings)


def test_no_library_warning_on_stderr(tiny_models, tmp_path, capfd) -> None:
    # As a user runs it: transformers at its default verbosity (conftest quiets it for the suite).
    from transformers.utils import logging as transformers_logging

    before = transformers_logging.get_verbosity()
    transformers_logging.set_verbosity_warning()
    try:
        _translate_and_check_stderr(tiny_models, tmp_path, capfd)
    finally:
        transformers_logging.set_verbosity(before)


def _translate_and_check_stderr(tiny_models, tmp_path, capfd) -> None:
    path = tmp_path / "acara.txt"
    path.write_text(RELEASES["acara.txt"], encoding="utf-8")
    warta = Warta(Settings(models={pair: str(folder) for pair, folder in tiny_models.items()}, device="cpu", beams=1, source_lang="id"))
    fakes = {pair: UpperCaser(warta.pool.get(pair)) for pair in warta.pool.models}
    warta.pool.get = lambda pair: fakes[pair]  # type: ignore[method-assign]
    capfd.readouterr()
    warta.write(warta.translate_file(path), tmp_path / "out")
    assert capfd.readouterr().err == ""
