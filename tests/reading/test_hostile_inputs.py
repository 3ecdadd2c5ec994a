"""Hostile inputs: files that are not files, Word files built to be slow or to hide text, pages nested too deep.

Each must be read whole or refused with one clear line, promptly; never hang, never lose text silently.
"""

import json
import os
import re
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from models.tiny import REPO
from pipeline.errors import InputError
from pipeline.reading import read_article
from pipeline.reading.docx import MAX_UNPACKED_BYTES, MAX_XML_BYTES
from tests.support.documents import W_URI
from tests.support.documents import many_styles_docx as _many_styles_docx

# --- files that are not regular files -----------------------------------------------------------

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need a POSIX system")


def _in_child(code: str, timeout: float = 60) -> str:
    """What ``code`` prints, run in a child Python with 1 GiB of address space.

    A child, not a thread or an alarm: a reader stuck on a pipe, or filling memory from
    /dev/zero inside one C call, can be stopped from outside only, and a regression must fail
    this test, not hang or exhaust the machine running the suite.
    """
    prelude = "import resource\nresource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))\n"
    try:
        result = subprocess.run([sys.executable, "-c", prelude + textwrap.dedent(code)], cwd=REPO, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"reading did not finish in {timeout} s")
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def _special_files(folder: Path) -> dict[str, tuple[Path, str]]:
    """A named pipe and symbolic links to endless devices, each under every suffix warta reads."""
    found: dict[str, tuple[Path, str]] = {}
    for suffix in (".txt", ".md", ".docx", ".html"):
        if hasattr(os, "mkfifo"):
            pipe = folder / f"pipa{suffix}"
            os.mkfifo(pipe)
            found[f"fifo{suffix}"] = (pipe, "a named pipe (FIFO), not a regular file")
        for device in ("zero", "urandom"):
            if Path(f"/dev/{device}").exists():
                link = folder / f"{device}{suffix}"
                link.symlink_to(f"/dev/{device}")
                found[f"{device}{suffix}"] = (link, "a character device, not a regular file")
    return found


@needs_fifo
def test_a_named_pipe_or_a_device_is_refused_promptly_and_never_read(tmp_path: Path) -> None:
    special = _special_files(tmp_path)
    assert len(special) == 12
    code = f"""
        import json
        from pathlib import Path
        from pipeline.errors import InputError
        from pipeline.files import sha256_of_file
        from pipeline.reading import read_article
        answers = {{}}
        for label, path in {json.dumps({label: str(path) for label, (path, _) in special.items()})}.items():
            try:
                read_article(Path(path))
                message = "read"
            except InputError as error:
                message = str(error)
            answers[label] = [message, sha256_of_file(Path(path), 2**20)]
        print(json.dumps(answers))
    """
    answers = json.loads(_in_child(code))
    for label, (path, what) in special.items():
        message, digest = answers[label]
        assert message == f"{path}: this is {what}; warta reads only regular files", label
        assert digest is None, label


def test_a_file_longer_than_its_size_says_is_read_no_further_than_the_limit(tmp_path: Path) -> None:
    # Files under /proc are regular and say they are empty, yet hold text: the size from stat is
    # no bound, so the read itself must stop at the limit.
    proc = Path("/proc/self/maps")
    if not proc.is_file() or proc.stat().st_size != 0:
        pytest.skip("needs Linux's /proc")
    code = f"""
        from pathlib import Path
        from pipeline.errors import InputError
        from pipeline.files import read_limited, sha256_of_file
        try:
            print(len(read_limited(Path("{proc}"), 64, "a test file")))
        except InputError as error:
            print(error)
        print(sha256_of_file(Path("{proc}"), 64))
        print(len(read_limited(Path("{proc}"), 2**20, "a test file")) > 64)
    """
    assert _in_child(code).splitlines() == [f"{proc}: the file is larger than the 0 MiB a test file may be", "None", "True"]


@pytest.mark.slow
@needs_fifo
def test_a_named_pipe_in_an_input_folder_fails_alone(tiny_models, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    os.mkfifo(folder / "pipa.txt")
    (folder / "baik.txt").write_text("Delegasi Makassar Kunjungi Guangzhou\n\nPara pakar onkologi berkunjung ke rumah sakit.\n", encoding="utf-8")
    command = [sys.executable, str(REPO / "run.py"), "translate", str(folder), "-o", str(tmp_path / "out"), "--beams", "1", "--formats", "tsv",
               "--source-lang", "id", "--model", f"id-en={tiny_models['id-en']}", "--model", f"en-zh={tiny_models['en-zh']}"]
    try:
        result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        pytest.fail("the batch hung on the named pipe")
    assert result.returncode == 1, result.stderr
    assert f"warta: {folder / 'pipa.txt'}: this is a named pipe (FIFO), not a regular file; warta reads only regular files" in result.stderr.splitlines()
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))["articles"]
    assert manifest["baik"]["status"] == "done"


# --- Word files -----------------------------------------------------------------------------------

def test_a_docx_with_many_styles_looks_each_style_up_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from docx.oxml.styles import CT_Styles

    path = _many_styles_docx(tmp_path / "gaya.docx", styles=20_000, paragraphs=300)
    calls = {"get_by_id": 0, "default_for": 0}
    for name in calls:
        original = getattr(CT_Styles, name)

        def counted(self, *args, _name=name, _original=original):
            calls[_name] += 1
            return _original(self, *args)

        monkeypatch.setattr(CT_Styles, name, counted)

    article = read_article(path)

    # Each of these searches every style; per paragraph, they made the read cost paragraphs x styles.
    assert calls == {"get_by_id": 0, "default_for": 0}
    assert article.blocks[0].kind == "title"
    assert [block.text for block in article.blocks if block.kind == "heading"] == [f"Bagian {number}" for number in range(1, 7)]
    assert all(block.marker == "##" for block in article.blocks if block.kind == "heading")
    items = [(block.marker, block.text) for block in article.blocks if block.kind == "list_item"]
    assert items[:3] == [("-", "Butir 3 dari daftar kegiatan."), ("1.", "Langkah 6 pendaftaran."), ("-", "Butir 13 dari daftar kegiatan.")]
    assert items[3] == ("2.", "Langkah 16 pendaftaran.")
    assert len(items) == 60
    paragraphs = [block.text for block in article.blocks if block.kind == "paragraph"]
    assert len(paragraphs) == 240 and "Paragraf 8 bergaya tak dikenal." in paragraphs


def _rewritten(source: Path, target: Path, parts: dict[str, bytes], stored: bool = False) -> Path:
    """``source`` with the members in ``parts`` replaced or added."""
    compression = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", compression) as copy:
        for item in original.infolist():
            if item.filename not in parts:
                copy.writestr(item.filename, original.read(item.filename))
        for name, data in parts.items():
            copy.writestr(name, data)
    return target


def _plain_docx(path: Path, *texts: str) -> Path:
    import docx

    document = docx.Document()
    for text in texts:
        document.add_paragraph(text)
    document.save(str(path))
    return path


def _document_xml(body: str, prolog: str = "") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}'
            f'<w:document xmlns:w="{W_URI}"><w:body>{body}<w:sectPr/></w:body></w:document>')


def test_a_docx_whose_xml_unpacks_past_the_limit_is_refused(tmp_path: Path) -> None:
    paragraph = "<w:p><w:r><w:t>Paragraf {} berisi kalimat yang cukup panjang tentang kunjungan delegasi.</w:t></w:r></w:p>"
    count = MAX_XML_BYTES // len(paragraph.format(0)) + 1000
    body = _document_xml("".join(paragraph.format(number) for number in range(count))).encode()
    path = _rewritten(_plain_docx(tmp_path / "asal.docx", "x"), tmp_path / "besar.docx", {"word/document.xml": body})
    assert path.stat().st_size < 5 * 2**20  # small on disk; expands only some tens of times

    with pytest.raises(InputError) as raised:
        read_article(path)

    message = str(raised.value)
    assert message.startswith(f"{path}: the document's XML would unpack to {len(body) / 1e6:.0f} MB, ") or message.startswith(
        f"{path}: the document's XML would unpack to {len(body) / 1e6 + 1:.0f} MB, ")  # with the small parts besides
    assert message.endswith(f"more than the {MAX_XML_BYTES // 2**20} MiB a Word article may have; refused")


def test_pictures_do_not_count_as_xml_but_a_body_named_like_one_does(tmp_path: Path) -> None:
    source = _plain_docx(tmp_path / "asal.docx", "Foto kegiatan terlampir di bawah ini.")
    with zipfile.ZipFile(source) as original:
        types = original.read("[Content_Types].xml").decode()
    picture_types = types.replace("<Default ", '<Default Extension="png" ContentType="image/png"/><Default ', 1)
    picture = os.urandom(MAX_XML_BYTES + 2**20)  # incompressible, like a real photograph
    with_picture = _rewritten(source, tmp_path / "foto.docx", {"[Content_Types].xml": picture_types.encode(), "word/media/image1.png": picture},
                              stored=True)
    assert [block.text for block in read_article(with_picture).blocks] == ["Foto kegiatan terlampir di bawah ini."]

    # A member declared XML in [Content_Types].xml counts as XML whatever its name says.
    disguised_types = picture_types.replace("</Types>", '<Override PartName="/word/media/image2.png" ContentType="application/xml"/></Types>')
    filler = _document_xml("<w:p/>" * ((MAX_XML_BYTES + 2**20) // 6)).encode()
    disguised = _rewritten(source, tmp_path / "samaran.docx", {"[Content_Types].xml": disguised_types.encode(), "word/media/image2.png": filler},
                           stored=True)
    with pytest.raises(InputError, match=r"the document's XML would unpack to \d+ MB, more than the 32 MiB"):
        read_article(disguised)
    assert MAX_XML_BYTES < MAX_UNPACKED_BYTES


@pytest.mark.parametrize("codec", ["utf-8", "utf-16"])
@pytest.mark.parametrize("member", ["word/document.xml", "word/styles.xml"])
def test_a_docx_part_with_a_doctype_is_refused_not_read_in_part(tmp_path: Path, member: str, codec: str) -> None:
    source = _plain_docx(tmp_path / "asal.docx", "Paragraf biasa.")
    prolog = '<!DOCTYPE w:document [<!ENTITY x "Kota Makassar">]>'
    if member == "word/document.xml":
        xml = _document_xml("<w:p><w:r><w:t>Wali &x; membuka acara pada hari Senin.</w:t></w:r></w:p>", prolog)
    else:
        with zipfile.ZipFile(source) as original:
            xml = original.read(member).decode()
        xml = xml.replace("?>", "?>" + prolog.replace("w:document", "w:styles"), 1)
    if codec != "utf-8":
        xml = xml.replace('encoding="UTF-8"', 'encoding="UTF-16"').replace("encoding='UTF-8'", "encoding='UTF-16'")
    path = _rewritten(source, tmp_path / "entitas.docx", {member: xml.encode(codec)})

    with pytest.raises(InputError) as raised:
        read_article(path)

    assert str(raised.value) == f"{path}: {member} declares a DOCTYPE, which Word never writes (its entities could hide text); refused"


def test_a_doctype_hidden_from_a_byte_search_is_refused_after_parsing(tmp_path: Path) -> None:
    # UTF-7, which libxml2 decodes, can spell "<!" as "+ADwAIQ-": no byte search for the
    # usual encodings sees it, the parsed tree still has it.
    body = _document_xml("<w:p><w:r><w:t>Wali &x; membuka acara.</w:t></w:r></w:p>",
                         '+ADwAIQ-DOCTYPE w:document +AFsAPAAh-ENTITY x "kota"+AD4AXQA+-').replace('encoding="UTF-8"', 'encoding="UTF-7"')
    path = _rewritten(_plain_docx(tmp_path / "asal.docx", "x"), tmp_path / "utf7.docx", {"word/document.xml": body.encode("ascii")})

    with pytest.raises(InputError) as raised:
        read_article(path)

    assert str(raised.value) == f"{path}: word/document.xml declares a DOCTYPE, which Word never writes (its entities could hide text); refused"


def test_text_after_a_comment_inside_a_docx_text_run_is_kept(tmp_path: Path) -> None:
    body = _document_xml("<w:p><w:r><w:t>Wali kota membuka <!-- catatan -->acara pada hari Senin.</w:t></w:r></w:p>")
    path = _rewritten(_plain_docx(tmp_path / "asal.docx", "x"), tmp_path / "komentar.docx", {"word/document.xml": body.encode()})
    assert [block.text for block in read_article(path).blocks] == ["Wali kota membuka acara pada hari Senin."]


def test_a_docx_is_parsed_from_the_bytes_that_were_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pipeline.reading.docx as word

    path = _plain_docx(tmp_path / "rilis.docx", "Teks yang diperiksa dan dibaca.")
    swapped = _plain_docx(tmp_path / "lain.docx", "Teks yang ditukar sesudah pemeriksaan.")
    original = word.read_limited

    def read_then_swap(*args, **kwargs):
        data = original(*args, **kwargs)
        os.replace(swapped, path)  # the file changes on disk between the check and the parse
        return data

    monkeypatch.setattr(word, "read_limited", read_then_swap)

    assert [block.text for block in read_article(path).blocks] == ["Teks yang diperiksa dan dibaca."]


# --- web pages ------------------------------------------------------------------------------------

_PARAGRAPH = "<p>Paragraf {} menjelaskan kegiatan delegasi onkologi dari Makassar di Guangzhou dengan rinci.</p>"


def _nested_page(depth: int, noise: str = "") -> str:
    return ("<html><body><article><h1>Delegasi Makassar Kunjungi Guangzhou</h1>" + noise + _PARAGRAPH.format("pembuka")
            + "<div>" * depth + _PARAGRAPH.format("terdalam") + "</div>" * depth
            + "".join(_PARAGRAPH.format(f"sesudah {number}") for number in range(1, 4)) + "</article></body></html>")


def test_a_page_nested_deeper_than_libxml2s_default_limit_is_read_whole(tmp_path: Path) -> None:
    page = tmp_path / "dalam.html"
    page.write_text(_nested_page(300), encoding="utf-8")

    article = read_article(page)

    assert [block.text for block in article.blocks] == ["Delegasi Makassar Kunjungi Guangzhou"] + [
        _PARAGRAPH.format(label)[3:-4] for label in ("pembuka", "terdalam", "sesudah 1", "sesudah 2", "sesudah 3")]


@pytest.mark.parametrize("noise", ["", "<p>&tidakada; </x> <y:z> </q></p>" * 300], ids=["clean", "after 1,200 parse errors"])
def test_a_page_nested_too_deep_to_read_whole_is_refused(tmp_path: Path, noise: str) -> None:
    page = tmp_path / "terlalu-dalam.html"
    page.write_text(_nested_page(3000, noise), encoding="utf-8")

    with pytest.raises(InputError) as raised:
        read_article(page)

    assert str(raised.value).startswith(f"{page}: the page cannot be read whole (libxml2: Excessive depth in document: 2048")
    assert str(raised.value).endswith("refused rather than read in part")


def test_a_list_start_beyond_words_range_is_held_to_it(tmp_path: Path) -> None:
    # A start of 10**10 in upperRoman or lowerLetter once built a numeral of billions of characters.
    import docx

    path = tmp_path / "daftar.docx"
    document = docx.Document()
    for number in range(2):
        document.add_paragraph(f"Pemerintah Kota Makassar meluncurkan program kesehatan baru nomor {number}.", style="List Number")
    document.save(str(path))
    numbering = zipfile.ZipFile(path).read("word/numbering.xml").decode("utf-8")
    crafted = re.sub(r'<w:start w:val="\d+"/>', '<w:start w:val="10000000000"/>', numbering)
    crafted = re.sub(r'<w:numFmt w:val="decimal"/>', '<w:numFmt w:val="upperRoman"/>', crafted)
    rewritten = tmp_path / "bom.docx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(rewritten, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, crafted if item.filename == "word/numbering.xml" else source.read(item.filename))
    article = read_article(rewritten)
    markers = [block.marker for block in article.blocks if block.kind == "list_item"]
    assert markers == ["M" * 32 + "DCCLXVII.", "M" * 32 + "DCCLXVIII."]  # 32767 and 32768, Word's largest start


def test_a_heading_style_of_an_absurd_level_is_a_heading_of_level_nine(tmp_path: Path) -> None:
    import docx

    path = tmp_path / "judul.docx"
    document = docx.Document()
    document.add_paragraph("Pemerintah Kota Makassar meluncurkan program kesehatan baru.")
    heading = document.add_paragraph("Bagian yang sangat dalam")
    document.save(str(path))
    styles = zipfile.ZipFile(path).read("word/styles.xml").decode("utf-8")
    styles = styles.replace("</w:styles>", '<w:style w:type="paragraph" w:styleId="Dalam"><w:name w:val="Heading 99999999999999"/></w:style></w:styles>')
    body = zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")
    body = body.replace("<w:p><w:r><w:t>Bagian", '<w:p><w:pPr><w:pStyle w:val="Dalam"/></w:pPr><w:r><w:t>Bagian')
    crafted = tmp_path / "dalam.docx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(crafted, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            parts = {"word/styles.xml": styles, "word/document.xml": body}
            target.writestr(item.filename, parts.get(item.filename, source.read(item.filename)))
    assert heading.text in body
    headings = [block for block in read_article(crafted).blocks if block.text == "Bagian yang sangat dalam"]
    assert [(block.kind, block.marker) for block in headings] == [("heading", "#########")]


def test_a_docx_with_a_part_named_twice_is_refused(tmp_path: Path) -> None:
    path = _plain_docx(tmp_path / "dua.docx", "Pemerintah Kota Makassar meluncurkan program kesehatan baru.")
    with zipfile.ZipFile(path) as source:
        types = source.read("[Content_Types].xml")
    with zipfile.ZipFile(path, "a") as archive, pytest.warns(UserWarning, match="Duplicate name"):
        archive.writestr("[Content_Types].xml", types)
    with pytest.raises(InputError, match=r"parts named twice: \[Content_Types\].xml"):
        read_article(path)


def test_lists_nested_past_the_parsers_depth_are_read_whole_or_refused_in_one_line(tmp_path: Path) -> None:
    items = "".join("<ul><li>Butir kegiatan nomor satu di kota.</li>" for _ in range(140)) + "</ul>" * 140
    page = f"<html><body><article><h1>Rilis</h1><p>{_PARAGRAPH.format(1)[3:-4]}</p>{items}</article></body></html>"
    path = tmp_path / "daftar.html"
    path.write_text(page, encoding="utf-8")
    try:
        article = read_article(path)
    except InputError as error:
        assert "nested too deep" in str(error) and "\n" not in str(error)
    else:
        assert sum(1 for block in article.blocks if block.kind == "list_item") == 140


def test_a_page_of_too_many_elements_is_refused_before_extraction(tmp_path: Path) -> None:
    from pipeline.reading.html import MAX_HTML_ELEMENTS

    path = tmp_path / "besar.html"
    path.write_text("<html><body><p>" + "<span>kata</span> " * (MAX_HTML_ELEMENTS + 10) + "</p></body></html>", encoding="utf-8")
    with pytest.raises(InputError, match="elements, more than"):
        read_article(path)
