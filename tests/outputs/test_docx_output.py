"""en.docx and zh.docx of a whole Word release: headers, footers, text boxes and notes written back in place; one Chinese font."""

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from pipeline.article import Article, Block, Sentence
from pipeline.joining import join_pieces
from pipeline.orchestrator import Warta
from pipeline.outputs.docx import render_docx
from pipeline.outputs.docx_fonts import CHINESE_FONT
from pipeline.reading import read_article
from pipeline.sentences import split_article
from pipeline.settings import Settings
from tests.support.documents import MC_URI, RELEASE_PARTS, W, release_with_parts_docx
from tests.support.standins import UpperCaser

CORE = "{http://purl.org/dc/elements/1.1/}"


def _parts(path: Path) -> dict[str, object]:
    """The XML parts of a .docx, parsed."""
    from lxml import etree

    with zipfile.ZipFile(path) as archive:
        return {name: etree.fromstring(archive.read(name)) for name in archive.namelist() if name.endswith((".xml", ".rels"))}


def _text(paragraph) -> str:
    """A paragraph's own text (not that of a text box in it)."""
    from pipeline.reading.docx_parts import paragraph_text

    return paragraph_text(paragraph)


def _translated(article: Article, block: Block, language: str = "en") -> str:
    return join_pieces([getattr(sentence, language) for sentence in block.sentences])


@pytest.fixture(scope="module")
def written(tiny_models, tmp_path_factory) -> tuple[Article, Path]:
    """The release through warta with the upper-casing stand-in, en.docx and zh.docx written."""
    folder = tmp_path_factory.mktemp("word-parts")
    source = release_with_parts_docx(folder / "rilis.docx")
    warta = Warta(Settings(models={pair: str(path) for pair, path in tiny_models.items()}, device="cpu", beams=1, source_lang="id"))
    fakes = {pair: UpperCaser(warta.pool.get(pair)) for pair in warta.pool.models}
    warta.pool.get = lambda pair: fakes[pair]  # type: ignore[method-assign]
    article = warta.translate_file(source)
    warta.write(article, folder / "out")
    return article, folder / "out"


def test_en_docx_has_header_footer_text_box_and_footnote_translated_in_place(written) -> None:
    article, folder = written
    parts = _parts(folder / "en.docx")
    by_kind = {block.kind: block for block in reversed(article.blocks)}  # the first of each kind
    english = {kind: _translated(article, block) for kind, block in by_kind.items()}
    assert english["header"] == RELEASE_PARTS["header"].upper()  # the stand-in really translated it

    header = [_text(p) for p in parts["word/header1.xml"].iter(f"{W}p")]
    footer = [_text(p) for p in parts["word/footer1.xml"].iter(f"{W}p")]
    assert header == [english["header"]]
    assert footer == [english["footer"], "1"]  # the page number field is still there
    assert parts["word/footer1.xml"].find(f".//{W}fldSimple").get(f"{W}instr") == " PAGE "

    footnotes = parts["word/footnotes.xml"]
    notes = {note.get(f"{W}id"): [_text(p) for p in note.iter(f"{W}p")] for note in footnotes.iter(f"{W}footnote")}
    assert notes == {"-1": [""], "0": [""], "1": [english["note"]]}  # Word's separators kept as they were
    assert footnotes.find(f".//{W}footnote[@{W}id='1']//{W}footnoteRef") is not None

    body = parts["word/document.xml"].find(f"{W}body")
    paragraphs = body.findall(f"{W}p")
    noted = next(p for p in paragraphs if _text(p) == _translated(article, article.blocks[2]))
    assert noted[-1].find(f"{W}footnoteReference").get(f"{W}id") == "1"  # at the end of its paragraph
    hotline = [_translated(article, block) for block in article.blocks if block.kind == "text_box"]
    anchor = next(p for p in paragraphs if _text(p) == _translated(article, article.blocks[3]))
    choice = [_text(p) for p in anchor.iterfind(f".//{{{MC_URI}}}Choice//{W}txbxContent/{W}p")]
    fallback = [_text(p) for p in anchor.iterfind(f".//{{{MC_URI}}}Fallback//{W}txbxContent/{W}p")]
    assert choice == fallback == hotline[:2] == [text.upper() for text in RELEASE_PARTS["hotline"]]
    alone = paragraphs[paragraphs.index(anchor) + 1]
    assert _text(alone) == "" and [_text(p) for p in alone.iterfind(f".//{W}txbxContent/{W}p")] == [hotline[2]]
    assert "Warga" not in "".join(body.itertext()) and "Hotline" not in "".join(body.itertext())


def test_en_docx_reads_back_as_the_source_did(written) -> None:
    article, folder = written

    again = read_article(folder / "en.docx")

    assert [(block.kind, block.place) for block in again.blocks] == [(block.kind, block.place) for block in article.blocks]
    assert [block.text for block in again.blocks] == [" ".join(_translated(article, block).split()) for block in article.blocks]


def test_comments_are_said_to_be_left_out_and_not_carried_into_the_translation(written) -> None:
    article, folder = written

    assert "1 comment(s) (Word comments are not part of the release)" in article.left_out
    names = zipfile.ZipFile(folder / "en.docx").namelist()
    assert not any("comments" in name for name in names)
    assert b"comment" not in zipfile.ZipFile(folder / "en.docx").read("word/document.xml")
    assert b"comments" not in zipfile.ZipFile(folder / "en.docx").read("word/_rels/document.xml.rels")


def test_zh_docx_has_one_east_asian_font_and_both_have_the_translated_title(written) -> None:
    article, folder = written
    title = next(block for block in article.blocks if block.kind == "title")

    parts = _parts(folder / "zh.docx")

    theme_fonts = [name for name, root in parts.items() if root.find(f".//{W}rFonts[@{W}eastAsiaTheme]") is not None]
    assert theme_fonts == []  # a theme font would win over w:eastAsia (the headings fell back to SimSun)
    for name in ("word/styles.xml", "word/stylesWithEffects.xml"):
        styles = parts[name]
        defaults = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
        assert defaults.get(f"{W}eastAsia") == CHINESE_FONT
        for style in styles.iter(f"{W}style"):
            if style.get(f"{W}type") in ("paragraph", "character", "table"):
                assert style.find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsia") == CHINESE_FONT, style.get(f"{W}styleId")
                assert style.find(f"{W}rPr/{W}lang").get(f"{W}eastAsia") == "zh-CN"
    for language in ("en", "zh"):
        core = _parts(folder / f"{language}.docx")["docProps/core.xml"]
        assert core.findtext(f"{CORE}title") == _translated(article, title, language)


def test_every_chinese_run_in_body_header_footer_note_and_text_box_uses_the_chinese_font(tmp_path: Path) -> None:
    import docx

    article = split_article(read_article(release_with_parts_docx(tmp_path / "rilis.docx")))
    for number, sentence in enumerate(article.sentences(), start=1):
        sentence.en, sentence.zh = f"Sentence {number}.", f"第{number}句“引文”。"
    output = tmp_path / "zh.docx"
    output.write_bytes(render_docx(article, "zh"))

    parts = _parts(output)
    runs = [(name, run) for name in ("word/document.xml", "word/header1.xml", "word/footer1.xml", "word/footnotes.xml")
            for run in parts[name].iter(f"{W}r") if "句" in "".join(text.text or "" for text in run.iterchildren(f"{W}t"))]
    assert {name for name, _ in runs} == {"word/document.xml", "word/header1.xml", "word/footer1.xml", "word/footnotes.xml"}
    assert len(runs) == len(article.blocks) + 2  # each text box's VML copy too
    for name, run in runs:
        fonts = run.find(f"{W}rPr/{W}rFonts")
        assert fonts.get(f"{W}eastAsia") == CHINESE_FONT and fonts.get(f"{W}eastAsiaTheme") is None, name
        assert fonts.get(f"{W}hint") == "eastAsia"
    heading = docx.Document(io.BytesIO(output.read_bytes())).styles["Title"].element.rPr.rFonts
    assert heading.get(f"{W}eastAsia") == CHINESE_FONT and heading.get(f"{W}eastAsiaTheme") is None


def _article_from(source: Path, blocks: list[Block]) -> Article:
    for block in blocks:
        block.sentences = [Sentence(block.text, en=block.text.upper(), zh=block.text)]
    return Article(source=source, name=source.stem, blocks=blocks)


def test_a_non_word_source_puts_headers_and_footers_in_the_section_and_notes_at_the_end() -> None:
    import docx

    article = _article_from(Path("in/rilis.pdf"), [
        Block("header", "Siaran Pers Nomor 7"),
        Block("title", "Kota Buka Posko"),
        Block("paragraph", "Posko dibuka hari ini."),
        Block("text_box", "Hotline 112"),
        Block("paragraph", "Warga dapat datang langsung."),
        Block("note", "Data per Juni 2025."),
        Block("footer", "Humas Kota Makassar"),
        Block("footer", "Halaman satu"),
    ])

    document = docx.Document(io.BytesIO(render_docx(article, "en")))

    section = document.sections[0]
    assert [p.text for p in section.header.paragraphs] == ["SIARAN PERS NOMOR 7"]
    assert [p.text for p in section.footer.paragraphs] == ["HUMAS KOTA MAKASSAR", "HALAMAN SATU"]
    body = [p.text for p in document.paragraphs]
    assert body == ["KOTA BUKA POSKO", "POSKO DIBUKA HARI INI.", "HOTLINE 112", "WARGA DAPAT DATANG LANGSUNG.", "", "DATA PER JUNI 2025."]
    rule = document.paragraphs[4]._p.find(f"{W}pPr/{W}pBdr/{W}bottom")
    assert rule is not None  # the notes sit under a rule, not under a heading
    assert document.core_properties.title == "KOTA BUKA POSKO"


def test_a_source_changed_after_reading_is_not_reused_and_its_header_still_comes_out(tmp_path: Path) -> None:
    import docx

    source = release_with_parts_docx(tmp_path / "rilis.docx")
    article = split_article(read_article(source))
    for sentence in article.sentences():
        sentence.en = sentence.text.upper()
    source.write_bytes(source.read_bytes() + b"\0")  # another file now: its places may name other paragraphs

    document = docx.Document(io.BytesIO(render_docx(article, "en")))

    assert any("do not reuse the source document, since it changed after it was read" in warning for warning in article.warnings)
    assert [p.text for p in document.sections[0].header.paragraphs] == [RELEASE_PARTS["header"].upper()]
    assert RELEASE_PARTS["posko"].upper() in [p.text for p in document.paragraphs]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed; CI installs it")
def test_libreoffice_opens_en_and_zh_docx(written, tmp_path: Path) -> None:
    _, folder = written
    profile = tmp_path / "profile"  # its own profile: a LibreOffice already running elsewhere does not interfere
    result = subprocess.run(
        ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
         str(folder / "en.docx"), str(folder / "zh.docx")],
        capture_output=True, text=True, timeout=300)

    assert result.returncode == 0, result.stderr
    for language in ("en", "zh"):
        pdf = tmp_path / f"{language}.pdf"
        assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 1000, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("runs", "kept"),
    [
        pytest.param('<w:r><w:rPr><w:b/></w:rPr><w:t>Kontak </w:t></w:r><w:r><w:t>Humas</w:t></w:r>', "b", id="first-run-keeps-its-formatting"),
        pytest.param('<w:r><w:t>Jl. Ahmad Yani</w:t><w:br/><w:t>Makassar</w:t></w:r>', None, id="line-break-read-as-a-space"),
        pytest.param('<w:r><w:t xml:space="preserve">Halaman </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
                     '<w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
                     '<w:r><w:t>2</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>', None, id="a-field-becomes-its-result"),
        pytest.param('<w:hyperlink><w:r><w:t>humas@makassarkota.go.id</w:t></w:r></w:hyperlink>', None, id="text-in-a-hyperlink"),
    ],
)
def test_a_paragraph_filled_in_place_shows_the_translation_alone(runs: str, kept: str | None) -> None:
    from docx.oxml import parse_xml

    from pipeline.outputs.docx_template import fill_paragraph
    from pipeline.reading.docx_parts import paragraph_text
    from tests.support.documents import W_URI, text_box_run

    paragraph = parse_xml(f'<w:p xmlns:w="{W_URI}">{runs}{text_box_run("Kotak")}</w:p>')

    fill_paragraph(paragraph, "TRANSLATED TEXT")

    assert paragraph_text(paragraph) == "TRANSLATED TEXT"
    assert paragraph.find(f".//{W}fldChar") is None and paragraph.find(f".//{W}instrText") is None
    first = next(text for text in paragraph.iter(f"{W}t") if text.text)
    assert first.text == "TRANSLATED TEXT"
    if kept:
        assert first.getparent().find(f"{W}rPr/{W}{kept}") is not None
    # the text box in the paragraph (its DrawingML and its VML copy) is not its text: untouched
    assert [paragraph_text(p) for p in paragraph.iterfind(f".//{W}txbxContent/{W}p")] == ["Kotak", "Kotak"]
