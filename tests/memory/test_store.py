"""The translation memory: normalisation, the store, imports of TSV and TMX, export."""

import xml.etree.ElementTree as ElementTree
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipeline.errors import InputError
from pipeline.memory import MemoryEntry, TranslationMemory, normalise_source, read_pairs, render_memory_tmx

SENTENCE = "Kementerian Kesehatan membuka 12 layanan baru pada 5 Mei 2025."


@pytest.mark.parametrize(
    ("written", "same"),
    [
        ("Kementerian  Kesehatan\tmembuka 12 layanan baru pada 5 Mei 2025. ", True),  # white space
        ("Kementerian\u00a0Kesehatan membuka 12 layanan baru pada 5 Mei 2025.", True),  # no-break space (NFKC)
        ("Kementerian Kesehatan membuka \uff11\uff12 layanan baru pada 5 Mei 2025.", True),  # full-width digits
        ("Kementerian Kesehatan membuka 13 layanan baru pada 5 Mei 2025.", False),  # another number
        ("kementerian kesehatan membuka 12 layanan baru pada 5 Mei 2025.", False),  # case is kept
    ],
)
def test_normalisation_forgives_spacing_and_unicode_form_but_not_numbers(written: str, same: bool) -> None:
    assert (normalise_source(written) == normalise_source(SENTENCE)) is same


def test_quote_styles_and_composed_forms_are_one_key() -> None:
    assert normalise_source("Ia berkata \u201cSiap\u201d dan \u2018ya\u2019 di caf\u00e9.") == normalise_source(
        "Ia berkata \"Siap\" dan 'ya' di cafe\u0301."
    )


def test_exact_match_near_match_and_a_later_import_replaces(tmp_path: Path) -> None:
    path = tmp_path / "tm.sqlite"
    with TranslationMemory(path, create=True) as memory:
        memory.add([MemoryEntry(SENTENCE, "old English", "旧", "a.tsv")], now=datetime(2025, 1, 1, tzinfo=UTC))
        memory.add([MemoryEntry(SENTENCE.replace("  ", " "), "New English.", "新的。", "b.tsv")], now=datetime(2025, 2, 1, tzinfo=UTC))
        assert len(memory) == 1
        exact = memory.lookup("  " + SENTENCE.replace(" ", "  "))
        assert exact is not None and exact.exact
        assert (exact.entry.en, exact.entry.zh, exact.entry.origin, exact.entry.added) == (
            "New English.", "新的。", "b.tsv", "2025-02-01T00:00:00Z"
        )
        near = memory.lookup(SENTENCE.replace("membuka", "meresmikan"))
        assert near is not None and not near.exact and 85 <= near.similarity < 100 and near.numbers_match
        other_number = memory.lookup(SENTENCE.replace("12", "13"))
        assert other_number is not None and not other_number.exact and not other_number.numbers_match
        assert memory.lookup("Cuaca hari ini cerah dan tidak ada hujan sama sekali.") is None
        stats = memory.stats()
        assert (stats.entries, stats.with_en, stats.with_zh, stats.origins) == (1, 1, 1, {"b.tsv": 1})


def test_missing_memory_is_an_error_not_an_empty_memory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such translation memory"):
        TranslationMemory(tmp_path / "missing.sqlite")


def test_corrections_take_only_reviewed_rows_and_plain_tsv_needs_all(tmp_path: Path) -> None:
    corrections = tmp_path / "corrections.tsv"
    corrections.write_text(
        "block\tsentence\tkind\tid\ten\tzh\tflags\tstatus\n"
        "1\t1\tparagraph\tSatu.\tOne.\t一。\t\tapproved\n"
        "1\t2\tparagraph\tDua.\tTwo!\t二！\t\tedited\n"
        "1\t3\tparagraph\tTiga.\tthree machine\t三\t\t\n",
        encoding="utf-8",
    )
    assert [(e.source, e.en, e.zh) for e in read_pairs(corrections)] == [("Satu.", "One.", "一。"), ("Dua.", "Two!", "二！")]
    assert len(read_pairs(corrections, trust_all=True)) == 3
    plain = tmp_path / "list.tsv"
    plain.write_text("id\ten\nEmpat.\tFour.\n", encoding="utf-8")
    with pytest.raises(InputError, match="--all"):
        read_pairs(plain)
    assert [(e.source, e.en, e.zh) for e in read_pairs(plain, trust_all=True)] == [("Empat.", "Four.", "")]


def test_tmx_import_reads_id_with_en_and_zh_and_skips_inline_codes(tmp_path: Path) -> None:
    tmx = tmp_path / "cat.tmx"
    tmx.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header srclang="id-ID" adminlang="en" segtype="sentence" '
        'datatype="plaintext" o-tmf="x" creationtool="x" creationtoolversion="1"/><body>'
        '<tu><tuv xml:lang="id-ID"><seg>Program <bpt i="1">&lt;b&gt;</bpt>baru<ept i="1">&lt;/b&gt;</ept>.</seg></tuv>'
        '<tuv xml:lang="zh-CN"><seg>新计划。</seg></tuv></tu>'
        '<tu><tuv xml:lang="en"><seg>English only</seg></tuv></tu>'
        "</body></tmx>",
        encoding="utf-8",
    )
    assert [(e.source, e.en, e.zh) for e in read_pairs(tmx)] == [("Program baru.", "", "新计划。")]


def test_export_is_tmx_that_imports_back_the_same(tmp_path: Path) -> None:
    entries = [MemoryEntry("Satu <b> & ]]>.", "One <b> & ]]>.", "一。", "a.tsv", "2025-01-01T00:00:00Z"),
               MemoryEntry("Dua.", "", "二。", "b.tmx", "2025-01-02T00:00:00Z")]
    exported = tmp_path / "out.tmx"
    exported.write_text(render_memory_tmx(entries), encoding="utf-8")
    ElementTree.parse(exported)  # well-formed
    assert [(e.source, e.en, e.zh) for e in read_pairs(exported)] == [(e.source, e.en, e.zh) for e in entries]


def test_unknown_file_kind_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot import"):
        read_pairs(tmp_path / "notes.docx")
