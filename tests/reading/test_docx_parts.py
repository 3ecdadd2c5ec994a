"""Word, the whole document: headers, footers, text boxes, footnotes and endnotes read as blocks with their places."""

from pathlib import Path

import pytest

from pipeline.reading import read_article
from pipeline.reading.docx_parts import note_references, notes_place, paragraph_text, parse_word_place, word_paragraphs, word_place
from tests.support.documents import MC_URI, RELEASE_PARTS, W_URI, W, release_with_parts_docx, text_box_run, vml_text_box_run


def _parsed(xml: str):
    from docx.oxml import parse_xml

    return parse_xml(xml)


def test_a_release_gives_its_header_body_text_boxes_note_and_footer_in_order(tmp_path: Path) -> None:
    article = read_article(release_with_parts_docx(tmp_path / "rilis.docx"))

    texts = RELEASE_PARTS
    assert [(block.kind, block.text, block.place) for block in article.blocks] == [
        ("header", texts["header"], "word/header1.xml#0"),
        ("title", texts["title"], ""),
        ("paragraph", texts["noted"], "notes=footnote:1"),  # the writer puts the reference back
        ("paragraph", texts["anchor"], ""),
        ("text_box", texts["hotline"][0], "word/document.xml#3"),  # right after the paragraph anchoring it
        ("text_box", texts["hotline"][1], "word/document.xml#4"),
        ("text_box", texts["posko"], "word/document.xml#6"),  # anchored in an empty paragraph (#5)
        ("paragraph", texts["closing"], ""),
        ("note", texts["footnote"], "word/footnotes.xml#2"),  # after Word's two separator notes
        ("footer", texts["footer"], "word/footer1.xml#0"),  # the page number (#1) has nothing to translate
    ]
    assert article.title == texts["title"]  # the header comes first, the title is still the title


def test_a_text_box_is_read_once_not_from_its_fallback_copy_nor_in_its_anchor(tmp_path: Path) -> None:
    article = read_article(release_with_parts_docx(tmp_path / "rilis.docx"))

    everything = " ".join(block.text for block in article.blocks)
    for text in (*RELEASE_PARTS["hotline"], RELEASE_PARTS["posko"]):
        assert everything.count(text) == 1
    anchor = next(block for block in article.blocks if block.text.startswith("Warga"))
    assert anchor.text == RELEASE_PARTS["anchor"]


def test_comments_are_left_out_and_said_so_and_nothing_else_is_warned(tmp_path: Path) -> None:
    article = read_article(release_with_parts_docx(tmp_path / "rilis.docx"))

    assert article.left_out == ["1 comment(s) (Word comments are not part of the release)"]
    assert RELEASE_PARTS["comment"] not in " ".join(block.text for block in article.blocks)
    assert article.warnings == []


def test_every_header_part_of_every_section_is_read_once(tmp_path: Path) -> None:
    import copy

    import docx

    document = docx.Document()
    document.add_paragraph("Wali kota membuka pekan imunisasi.")
    first = document.sections[0]
    first.different_first_page_header_footer = True
    first.header.paragraphs[0].text = "Siaran Pers Pemerintah Kota"
    first.first_page_header.paragraphs[0].text = "Kop Surat Halaman Pertama"
    first.first_page_footer.paragraphs[0].text = "Alamat Balai Kota Makassar"
    document.add_section()
    document.add_paragraph("Kegiatan berlangsung selama satu pekan.")
    # the second section names the very same default header part as the first
    first, second = (section._sectPr for section in document.sections)
    reference = next(element for element in first.iterchildren(f"{W}headerReference") if element.get(f"{W}type") == "default")
    assert second.find(f"{W}headerReference") is None
    second.insert(0, copy.deepcopy(reference))
    document.save(str(tmp_path / "dua-bagian.docx"))

    article = read_article(tmp_path / "dua-bagian.docx")

    assert [(block.kind, block.text) for block in article.blocks] == [
        ("header", "Siaran Pers Pemerintah Kota"),  # default first, then first-page, each part once
        ("header", "Kop Surat Halaman Pertama"),
        ("paragraph", "Wali kota membuka pekan imunisasi."),
        ("paragraph", "Kegiatan berlangsung selama satu pekan."),
        ("footer", "Alamat Balai Kota Makassar"),
    ]


def test_text_boxes_in_a_table_come_after_the_table_and_a_text_box_before_the_title_keeps_it_the_title(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph()._p.append(_parsed(vml_text_box_run("Logo Humas Kota")))
    document.add_paragraph("Jadwal Vaksinasi Kota", style="Title")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Senin"
    table.cell(0, 1).text = "Puskesmas Kassi-Kassi"
    table.cell(0, 0).paragraphs[0]._p.append(_parsed(text_box_run("Catatan jadwal")))
    document.add_paragraph("Warga diimbau datang tepat waktu.")
    document.save(str(tmp_path / "tabel.docx"))

    article = read_article(tmp_path / "tabel.docx")

    assert [(block.kind, block.text) for block in article.blocks] == [
        ("text_box", "Logo Humas Kota"),
        ("title", "Jadwal Vaksinasi Kota"),
        ("table_cell", "Senin"),
        ("table_cell", "Puskesmas Kassi-Kassi"),
        ("text_box", "Catatan jadwal"),
        ("paragraph", "Warga diimbau datang tepat waktu."),
    ]
    assert article.title == "Jadwal Vaksinasi Kota"


def test_footnotes_then_endnotes_without_separators_or_empty_notes(tmp_path: Path) -> None:
    import docx
    from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    def notes(kind: str, *texts: str) -> bytes:
        separator = f'<w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}>'
        empty = f'<w:{kind} w:id="1"><w:p/></w:{kind}>'
        written = "".join(f'<w:{kind} w:id="{number}"><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:{kind}>'
                          for number, text in enumerate(texts, start=2))
        return f'<w:{kind}s xmlns:w="{W_URI}">{separator}{empty}{written}</w:{kind}s>'.encode()

    document = docx.Document()
    paragraph = document.add_paragraph("Anggaran program naik tahun ini.")._p
    for kind, number in (("endnote", 2), ("footnote", 3)):
        paragraph.append(_parsed(f'<w:r xmlns:w="{W_URI}"><w:{kind}Reference w:id="{number}"/></w:r>'))
    for kind, texts, content_type, relationship in (
            ("endnote", ("Catatan akhir anggaran.",), CONTENT_TYPE.WML_ENDNOTES, RELATIONSHIP_TYPE.ENDNOTES),
            ("footnote", ("Sumber: APBD 2025.", "Angka sementara."), CONTENT_TYPE.WML_FOOTNOTES, RELATIONSHIP_TYPE.FOOTNOTES)):
        part = Part(PackURI(f"/word/{kind}s.xml"), content_type, notes(kind, *texts), document.part.package)
        document.part.relate_to(part, relationship)
    document.save(str(tmp_path / "catatan.docx"))

    article = read_article(tmp_path / "catatan.docx")

    assert [(block.kind, block.text, block.place) for block in article.blocks] == [
        ("paragraph", "Anggaran program naik tahun ini.", "notes=endnote:2,footnote:3"),
        ("note", "Sumber: APBD 2025.", "word/footnotes.xml#2"),
        ("note", "Angka sementara.", "word/footnotes.xml#3"),
        ("note", "Catatan akhir anggaran.", "word/endnotes.xml#2"),
    ]


def test_the_walk_numbers_choice_paragraphs_after_their_anchor_and_skips_the_fallback() -> None:
    paragraph = _parsed(f'<w:p xmlns:w="{W_URI}"><w:r><w:t>Jangkar</w:t></w:r>{text_box_run("Satu", "Dua")}</w:p>')

    walked = word_paragraphs(paragraph)

    assert [paragraph_text(element) for element in walked] == ["Jangkar", "Satu", "Dua"]
    for element in walked[1:]:
        ancestors = [ancestor.tag for ancestor in element.iterancestors()]
        assert f"{{{MC_URI}}}Choice" in ancestors and f"{{{MC_URI}}}Fallback" not in ancestors


@pytest.mark.parametrize(
    ("place", "parsed", "notes"),
    [
        ("word/header1.xml#0", ("word/header1.xml", 0), []),
        ("word/document.xml#12", ("word/document.xml", 12), []),
        ("notes=footnote:1", None, [("footnote", "1")]),
        ("notes=footnote:1,endnote:2", None, [("footnote", "1"), ("endnote", "2")]),
        ("", None, []),
        ("word/header1.xml", None, []),  # no paragraph: no place
        ("#3", None, []),
        ("word/header1.xml#x", None, []),
    ],
)
def test_places_are_read_back_as_written(place: str, parsed: tuple[str, int] | None, notes: list[tuple[str, str]]) -> None:
    assert parse_word_place(place) == parsed
    assert note_references(place) == notes
    if parsed is not None:
        assert word_place(*parsed) == place
    if notes:
        assert notes_place(notes) == place


def test_a_notes_part_hiding_a_doctype_from_the_byte_search_is_refused(tmp_path: Path) -> None:
    # UTF-7 spells "<!" as "+ADwAIQ-": the search before parsing misses it; python-docx does not
    # parse the notes part, so it is checked when it is read.
    import zipfile

    from pipeline.errors import InputError

    source = release_with_parts_docx(tmp_path / "rilis.docx")
    notes = (f'<?xml version="1.0" encoding="UTF-7"?>+ADwAIQ-DOCTYPE w:footnotes +AFsAPAAh-ENTITY x "kota"+AD4AXQA+-'
             f'<w:footnotes xmlns:w="{W_URI}"><w:footnote w:id="1"><w:p><w:r><w:t>Wali &x; hadir.</w:t></w:r></w:p></w:footnote></w:footnotes>')
    crafted = tmp_path / "utf7.docx"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(crafted, "w") as copy:
        for item in original.infolist():
            copy.writestr(item.filename, notes.encode("ascii") if item.filename == "word/footnotes.xml" else original.read(item.filename))

    with pytest.raises(InputError) as raised:
        read_article(crafted)

    assert str(raised.value) == f"{crafted}: word/footnotes.xml declares a DOCTYPE, which Word never writes (its entities could hide text); refused"
