"""The translation memory: normalisation, the store, imports of TSV and TMX, export."""

import sqlite3
import xml.etree.ElementTree as ElementTree
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipeline.errors import UsageError
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
        ("Kementerian Kesehatan\u200b membuka 12 layanan baru pada 5 Mei 2025.", True),  # zero-width space
        ("Kementerian Kesehatan membuka 1\u00b2 layanan baru pada 5 Mei 2025.", False),  # superscript: not "12"
        ("Kementerian Kesehatan membuka \u2460\u2461 layanan baru pada 5 Mei 2025.", False),  # circled digits
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
    with pytest.raises(UsageError, match="no such translation memory"):
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
    with pytest.raises(UsageError, match="--all"):
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


def test_unknown_file_kind_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot import"):
        read_pairs(tmp_path / "notes.docx")


def test_a_superscript_is_never_an_exact_match_for_digits(tmp_path: Path) -> None:
    with TranslationMemory(tmp_path / "tm.sqlite", create=True) as memory:
        memory.add([MemoryEntry("Luasnya 12 hektare.", "It covers 12 hectares.", "", "a.tsv")])
        match = memory.lookup("Luasnya 1\u00b2 hektare.")
        assert match is None or not match.exact


def _tmx(path: Path, units: str) -> Path:
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header srclang="id" adminlang="en" segtype="sentence" '
        f'datatype="plaintext" o-tmf="x" creationtool="x" creationtoolversion="1"/><body>{units}</body></tmx>',
        encoding="utf-8",
    )
    return path


def test_tmx_import_takes_simplified_chinese_whatever_the_order(tmp_path: Path) -> None:
    tmx = _tmx(tmp_path / "cat.tmx",
               '<tu><tuv xml:lang="id"><seg>Satu.</seg></tuv><tuv xml:lang="zh-TW"><seg>壹號。</seg></tuv>'
               '<tuv xml:lang="zh-CN"><seg>一号。</seg></tuv></tu>'
               '<tu><tuv xml:lang="id"><seg>Dua.</seg></tuv><tuv xml:lang="zh-Hant-TW"><seg>貳號。</seg></tuv>'
               '<tuv xml:lang="zh-HK"><seg>貳號。</seg></tuv><tuv xml:lang="zh-Hans-SG"><seg>二号。</seg></tuv></tu>'
               '<tu><tuv xml:lang="id"><seg>Tiga.</seg></tuv><tuv xml:lang="zh-Hant"><seg>參號。</seg></tuv></tu>')
    assert [(e.source, e.en, e.zh) for e in read_pairs(tmx)] == [("Satu.", "", "一号。"), ("Dua.", "", "二号。")]


def test_a_missing_tmx_is_named_once(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as raised:
        read_pairs(tmp_path / "gone.tmx")
    assert str(raised.value) == f"{tmp_path / 'gone.tmx'}: cannot read the TMX file (No such file or directory)"


def test_imported_text_is_one_line_without_control_characters(tmp_path: Path) -> None:
    listing = tmp_path / "list.tsv"
    # a spreadsheet's quoted cells with line breaks, a vertical tab, a control character, a zero-width space
    listing.write_text('id\ten\tzh\n"Satu\nbaris."\t"One\r\nline\x0b."\t"一\n行\x01。"\nDua\u200b  kata.\tTwo\x01words.\t\n',
                       encoding="utf-8")
    pairs = read_pairs(listing, trust_all=True)
    assert [(e.source, e.en, e.zh) for e in pairs] == [("Satu baris.", "One line .", "一 行 。"), ("Dua kata.", "Two words.", "")]
    with TranslationMemory(tmp_path / "tm.sqlite", create=True) as memory:
        memory.add(pairs)
        memory.add([MemoryEntry("Tiga\n\nbaris.", "Three\u2028lines.", "", "api")])
        assert [(e.source, e.en) for e in memory.entries()] == [("Dua kata.", "Two words."), ("Satu baris.", "One line ."),
                                                             ("Tiga baris.", "Three lines.")]


def test_export_never_writes_characters_xml_forbids(tmp_path: Path) -> None:
    # a memory filled before imports were cleaned may hold control characters
    exported = tmp_path / "out.tmx"
    exported.write_text(render_memory_tmx([MemoryEntry("Sa\x0btu.", "O\x01ne\x1f.", "一\ufffe。", "a\x02.tsv", "2025-01-01T00:00:00Z")]),
                        encoding="utf-8")
    assert [(e.source, e.en, e.zh) for e in read_pairs(exported)] == [("Sa tu.", "O ne .", "一 。")]


def test_corrections_an_edited_row_beats_a_later_approved_one(tmp_path: Path) -> None:
    corrections = tmp_path / "corrections.tsv"
    corrections.write_text(
        "id\ten\tzh\tstatus\n"
        "Satu.\tOne (first edit).\t\tedited\n"
        "Satu.\tOne (last edit).\t\tedited\n"
        "Satu.\tone machine\t\tapproved\n"
        "Dua.\ttwo machine\t\tapproved\n"
        "Dua.\tTwo (approved again).\t\tapproved\n",
        encoding="utf-8",
    )
    pairs = read_pairs(corrections)
    assert [(e.source, e.en) for e in pairs] == [("Satu.", "One (last edit)."), ("Dua.", "Two (approved again).")]
    with TranslationMemory(tmp_path / "tm.sqlite", create=True) as memory:
        assert memory.add(pairs + [MemoryEntry("Dua. ", "Two.", "", "api")]) == 2  # sentences stored, not rows


# The table of a memory made before memory files were marked.
OLD_MEMORY = ("CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, source TEXT NOT NULL, en TEXT NOT NULL, zh TEXT NOT NULL, "
              "origin TEXT NOT NULL, added TEXT NOT NULL);")


def _foreign(path: Path, schema: str) -> bytes:
    with sqlite3.connect(path) as db:
        db.executescript(schema)
    db.close()
    return path.read_bytes()


@pytest.mark.parametrize(
    "schema",
    [
        "CREATE TABLE articles (name TEXT PRIMARY KEY, status TEXT); INSERT INTO articles VALUES ('a', 'done');",  # a batch's state
        "CREATE TABLE entries (id INTEGER PRIMARY KEY, word TEXT); INSERT INTO entries VALUES (1, 'kata');",  # another entries
        "PRAGMA application_id = 7; " + OLD_MEMORY,  # a memory's table in another program's file
        OLD_MEMORY + "CREATE TABLE notes (text TEXT);",  # ... or beside other tables
    ],
)
@pytest.mark.parametrize("create", [False, True])
def test_another_sqlite_file_is_refused_untouched(tmp_path: Path, schema: str, create: bool) -> None:
    path = tmp_path / "other.sqlite"
    before = _foreign(path, schema)
    with pytest.raises(UsageError, match="not a warta translation memory"):
        TranslationMemory(path, create=create)
    assert path.read_bytes() == before


def test_a_memory_made_before_files_were_marked_still_opens_and_is_marked_on_add(tmp_path: Path) -> None:
    path = tmp_path / "old.tm"
    _foreign(path, OLD_MEMORY + "INSERT INTO entries VALUES ('Satu.', 'Satu.', 'One.', '', 'a.tsv', '2025-01-01T00:00:00Z');")
    before = path.read_bytes()
    with TranslationMemory(path) as memory:
        assert [(e.source, e.en) for e in memory.entries()] == [("Satu.", "One.")]
    assert path.read_bytes() == before  # reading writes nothing
    with TranslationMemory(path, create=True) as memory:
        memory.add([MemoryEntry("Dua.", "Two.", "", "b.tsv")])
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA application_id").fetchone()[0] != 0 and db.execute("SELECT COUNT(*) FROM entries").fetchone()[0] == 2
    db.close()


# SQLite's page size for a new file (the default) and the size of its file header.
_PAGE, _HEADER = 4096, 100


def _many_entries(path: Path) -> bytes:
    """A real memory of several pages (entries table and key index beyond the first page)."""
    with TranslationMemory(path, create=True) as memory:
        memory.add([MemoryEntry(f"Kalimat nomor {n} tentang program beasiswa kota.", f"Sentence {n}.", "", "a.tsv")
                    for n in range(400)])
    data = path.read_bytes()
    assert len(data) > 10 * _PAGE
    return data


def _damage(path: Path, start: int, end: int | None = None) -> None:
    """Overwrite ``path`` from ``start`` (past the header) to ``end`` with bytes no page can hold."""
    data = bytearray(path.read_bytes())
    end = len(data) if end is None else end
    data[start:end] = b"\xa5" * (end - start)
    path.write_bytes(bytes(data))
    assert path.read_bytes()[:16] == b"SQLite format 3\x00"  # still an SQLite file by its header


def test_a_damaged_first_page_is_refused_at_opening(tmp_path: Path) -> None:
    path = tmp_path / "tm.sqlite"
    _many_entries(path)
    _damage(path, _HEADER, _PAGE)  # the schema, after the header

    for create in (False, True):
        with pytest.raises(UsageError, match=r"tm\.sqlite: the translation memory is damaged \(.*malformed.*\); restore it"):
            TranslationMemory(path, create=create)


def test_damaged_entry_pages_are_a_usage_error_at_every_query(tmp_path: Path) -> None:
    path = tmp_path / "tm.sqlite"
    _many_entries(path)
    _damage(path, _PAGE)  # every page but the first: opening reads only the header and the schema

    with TranslationMemory(path) as memory:
        for query in (len, TranslationMemory.entries, TranslationMemory.stats, TranslationMemory.digest,
                      lambda m: m.lookup("Kalimat nomor 7 tentang program beasiswa kota."),
                      lambda m: m.add([MemoryEntry("Baru.", "New.", "", "b.tsv")])):
            with pytest.raises(UsageError, match=r"tm\.sqlite: the translation memory is damaged") as raised:
                query(memory)
            assert isinstance(raised.value.__cause__, sqlite3.DatabaseError)


_BUSY = r"tm\.sqlite: the translation memory is busy: another warta is writing to it; try again when it has finished"


@pytest.fixture
def held_memory(tmp_path: Path, monkeypatch) -> Path:
    """A memory of one entry; the test holds a lock on it through ``_writer`` (waits cut to 0.1 s)."""
    from pipeline.memory import store

    monkeypatch.setattr(store, "BUSY_TIMEOUT_S", 0.1)
    path = tmp_path / "tm.sqlite"
    with TranslationMemory(path, create=True) as memory:
        memory.add([MemoryEntry("Satu.", "One.", "", "a.tsv")])
    return path


def _writer(path: Path, lock: str) -> sqlite3.Connection:
    # another warta's import: IMMEDIATE while it inserts, EXCLUSIVE as it commits
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute(f"BEGIN {lock}")
    return writer


def test_a_memory_being_committed_is_busy_for_readers_and_writers_not_foreign(held_memory: Path) -> None:
    writer = _writer(held_memory, "EXCLUSIVE")
    try:
        for create in (False, True):  # translate --memory and memory stats; memory add
            with pytest.raises(UsageError, match=_BUSY) as raised:
                TranslationMemory(held_memory, create=create)
            assert "not a" not in str(raised.value)
    finally:
        writer.rollback()
        writer.close()
    with TranslationMemory(held_memory, create=True) as memory:  # free again: the add goes through
        assert memory.add([MemoryEntry("Dua.", "Two.", "", "b.tsv")]) == 1 and len(memory) == 2


def test_adding_while_another_import_writes_is_busy_and_reading_goes_on(held_memory: Path) -> None:
    writer = _writer(held_memory, "IMMEDIATE")
    try:
        with TranslationMemory(held_memory) as memory:
            assert len(memory) == 1 and memory.lookup("Satu.") is not None
        with TranslationMemory(held_memory, create=True) as memory:
            with pytest.raises(UsageError, match=_BUSY):
                memory.add([MemoryEntry("Dua.", "Two.", "", "b.tsv")])
    finally:
        writer.rollback()
        writer.close()
    with TranslationMemory(held_memory) as memory:
        assert [entry.source for entry in memory.entries()] == ["Satu."]
