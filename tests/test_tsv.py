"""pipeline/tsv.py: plain TSV as warta writes it, and the quoted form a spreadsheet saves."""

import csv
import io

import pytest

from pipeline.tsv import parse_tsv

CASES = [
    # (what, text, rows)
    ("plain", "id\ten\nKucing.\tCat.\n", [["id", "en"], ["Kucing.", "Cat."]]),
    ("plain keeps a quotation that is the whole sentence", 'id\ten\n"Kami siap."\t"We are ready."\n',
     [["id", "en"], ['"Kami siap."', '"We are ready."']]),
    ("plain keeps a quote that opens a sentence and closes the next", 'id\n"Kami siap,\nkata dia."\n',
     [["id"], ['"Kami siap,'], ['kata dia."']]),
    ("plain with CRLF and a BOM-free empty last cell", "id\ten\tflags\r\na\tb\t\r\n", [["id", "en", "flags"], ["a", "b", ""]]),
    ("quoted: doubled inner quotes", 'id\ten\n"""Kami siap,"" kata dia."\t"""We are ready,"" he said."\n',
     [["id", "en"], ['"Kami siap," kata dia.', '"We are ready," he said.']]),
    ("quoted: a quotation spanning two sentences stays two rows",
     'id\ten\n"""Kami siap,"\t"""We are ready,"\n"kata dia."""\t"he said."""\n',
     [["id", "en"], ['"Kami siap,', '"We are ready,'], ['kata dia."', 'he said."']]),
    ("quoted: every text cell quoted, header too", '"id"\t"en"\r\n"Kucing."\t"Cat."\r\n', [["id", "en"], ["Kucing.", "Cat."]]),
    ("quoted: a line break inside a cell", 'id\ten\n"Baris satu\nbaris dua"\tx\n', [["id", "en"], ["Baris satu\nbaris dua", "x"]]),
]


@pytest.mark.parametrize("what, text, rows", CASES, ids=[case[0] for case in CASES])
def test_plain_and_quoted_tsv_read_as_their_writer_meant(what: str, text: str, rows: list[list[str]]):
    assert [row.cells for row in parse_tsv(text)] == rows


def test_what_a_csv_writer_quotes_reads_back_exactly():
    # The quoted form is what Python's csv (and spreadsheets) write with minimal quoting.
    cells = [["id", "en", "zh"], ['"Kami siap," kata dia.', 'He said: "ready".', "他说：“准备好了”。"],
             ["Tanpa kutip.", "No quotes.", "没有引号。"], ['"Sebagian', 'kutipan"', '"']]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter="\t", lineterminator="\n").writerows(cells)
    assert [row.cells for row in parse_tsv(buffer.getvalue())] == cells


def test_rows_carry_the_line_they_start_on():
    rows = parse_tsv('id\ten\n"a\nb"\tx\nc\ty\n')
    assert [row.line for row in rows] == [1, 2, 4]
