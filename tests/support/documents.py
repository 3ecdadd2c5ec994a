"""Documents built for tests: Word files that stress the reader."""

from pathlib import Path

W_URI = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_URI}}}"


def _styled(paragraph, style_id: str) -> None:
    from lxml import etree

    properties = paragraph._p.get_or_add_pPr()
    properties.insert(0, etree.Element(f"{W}pStyle", {f"{W}val": style_id}))


def many_styles_docx(path: Path, styles: int, paragraphs: int) -> Path:
    """A Word release with ``styles`` paragraph styles and ``paragraphs`` paragraphs using them (headings, lists, unknown styles)."""
    import docx
    from lxml import etree

    document = docx.Document()
    element = document.styles.element
    for number in range(styles):
        style = etree.SubElement(element, f"{W}style", {f"{W}type": "paragraph", f"{W}styleId": f"Gaya{number}"})
        etree.SubElement(style, f"{W}name", {f"{W}val": f"Gaya {number}"})
    # a style of its own name, numbered through the style it is based on
    custom = etree.SubElement(element, f"{W}style", {f"{W}type": "paragraph", f"{W}styleId": "Langkah"})
    etree.SubElement(custom, f"{W}name", {f"{W}val": "Langkah Kegiatan"})
    etree.SubElement(custom, f"{W}basedOn", {f"{W}val": "ListNumber"})
    document.add_paragraph("Pekan Imunisasi Kota Makassar", style="Title")
    for number in range(paragraphs):
        if number % 50 == 0:
            document.add_heading(f"Bagian {number // 50 + 1}", level=2)
        if number % 10 == 3:
            document.add_paragraph(f"Butir {number} dari daftar kegiatan.", style="List Bullet")
        elif number % 10 == 6:
            _styled(document.add_paragraph(f"Langkah {number} pendaftaran."), "Langkah")
        elif number % 10 == 8:
            _styled(document.add_paragraph(f"Paragraf {number} bergaya tak dikenal."), "TidakAda")
        else:
            _styled(document.add_paragraph(f"Paragraf {number} berisi kalimat."), f"Gaya{number * 37 % styles}")
    document.save(str(path))
    return path


# --- a release with everything outside the body's text flow: headers, footers, text boxes, notes ---

MC_URI = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_NAMESPACES = (
    f'xmlns:w="{W_URI}" xmlns:mc="{MC_URI}" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:w10="urn:schemas-microsoft-com:office:word"'
)
#: What the release's parts hold, as ``release_with_parts_docx`` writes them.
RELEASE_PARTS = {
    "header": "Siaran Pers Nomor 045/HUMAS/VI/2025",
    "title": "Pemkot Makassar Buka Layanan Pengaduan Warga",
    "noted": "Layanan pengaduan dibuka setiap hari kerja mulai pukul 08.00.",
    "anchor": "Warga dapat menyampaikan keluhan melalui telepon.",
    "hotline": ("Hotline pengaduan 24 jam", "Telepon darurat 112"),
    "posko": "Posko pengaduan berada di Balai Kota.",
    "closing": "Layanan ini tidak dipungut biaya.",
    "footnote": "Sumber: Dinas Komunikasi dan Informatika Kota Makassar.",
    "footer": "Kontak media: Bagian Humas Pemerintah Kota Makassar, telepon 0411-123456.",
    "comment": "Nomor hotline sudah benar?",
}


def _paragraphs_xml(*texts: str) -> str:
    return "".join(f'<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>' for text in texts)


def text_box_run(*texts: str) -> str:
    """A run holding a text box as Word 2010 and later writes it: DrawingML in ``mc:Choice``, VML in ``mc:Fallback``."""
    content = f"<w:txbxContent>{_paragraphs_xml(*texts)}</w:txbxContent>"
    return (
        f'<w:r {_NAMESPACES}><w:rPr><w:noProof/></w:rPr><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
        '<wp:anchor distT="45720" distB="45720" distL="114300" distR="114300" simplePos="0" relativeHeight="251659264" '
        'behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
        '<wp:positionH relativeFrom="column"><wp:posOffset>3600450</wp:posOffset></wp:positionH>'
        '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
        '<wp:extent cx="2360930" cy="640080"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapSquare wrapText="bothSides"/>'
        '<wp:docPr id="217" name="Text Box 2"/><wp:cNvGraphicFramePr/>'
        '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp>'
        '<wps:cNvSpPr txBox="1"><a:spLocks noChangeArrowheads="1"/></wps:cNvSpPr>'
        '<wps:spPr bwMode="auto"><a:xfrm><a:off x="0" y="0"/><a:ext cx="2360930" cy="640080"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:solidFill><a:srgbClr val="FFFFFF"/></a:solidFill>'
        '<a:ln w="9525"><a:solidFill><a:srgbClr val="000000"/></a:solidFill><a:miter lim="800000"/></a:ln></wps:spPr>'
        f'<wps:txbx>{content}</wps:txbx>'
        '<wps:bodyPr rot="0" vert="horz" wrap="square" lIns="91440" tIns="45720" rIns="91440" bIns="45720" anchor="t" anchorCtr="0">'
        '<a:spAutoFit/></wps:bodyPr></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>'
        '<mc:Fallback><w:pict><v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe">'
        '<v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
        '<v:shape id="Text Box 2" o:spid="_x0000_s1026" type="#_x0000_t202" style="position:absolute;margin-left:283.5pt;'
        'margin-top:0;width:185.9pt;height:50.4pt;z-index:251659264;mso-wrap-style:square;v-text-anchor:top">'
        f'<v:textbox style="mso-fit-shape-to-text:t">{content}</v:textbox><w10:wrap type="square"/></v:shape></w:pict>'
        '</mc:Fallback></mc:AlternateContent></w:r>'
    )


def vml_text_box_run(*texts: str) -> str:
    """A run holding a text box as older Word writes it: VML only."""
    return (f'<w:r {_NAMESPACES}><w:pict><v:shape id="Posko" type="#_x0000_t202" style="position:absolute;width:150pt;height:30pt">'
            f'<v:textbox><w:txbxContent>{_paragraphs_xml(*texts)}</w:txbxContent></v:textbox></v:shape></w:pict></w:r>')


def _footnotes_xml(text: str) -> bytes:
    separators = "".join(
        f'<w:footnote w:type="{kind}" w:id="{number}"><w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
        f'<w:r><w:{kind}/></w:r></w:p></w:footnote>'
        for number, kind in ((-1, "separator"), (0, "continuationSeparator")))
    note = ('<w:footnote w:id="1"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>'
            f'<w:r><w:t xml:space="preserve"> {text}</w:t></w:r></w:p></w:footnote>')
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes xmlns:w="{W_URI}">{separators}{note}</w:footnotes>'.encode()


def release_with_parts_docx(path: Path) -> Path:
    """A Word release with a header (the release number), a footer (contact details and a page
    number), a text box holding a hotline (DrawingML with its VML fallback), an older VML text
    box alone in a paragraph, a footnote and a comment: ``RELEASE_PARTS`` says what each holds.
    """
    import docx
    from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import parse_xml

    texts = RELEASE_PARTS
    document = docx.Document()
    document.add_paragraph(texts["title"], style="Title")
    noted = document.add_paragraph(texts["noted"])._p
    noted.append(parse_xml(f'<w:r xmlns:w="{W_URI}"><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteReference w:id="1"/></w:r>'))
    anchor = document.add_paragraph(texts["anchor"])
    anchor._p.append(parse_xml(text_box_run(*texts["hotline"])))
    document.add_comment(anchor.runs[0], text=texts["comment"], author="Humas", initials="HM")
    document.add_paragraph()._p.append(parse_xml(vml_text_box_run(texts["posko"])))
    document.add_paragraph(texts["closing"])
    section = document.sections[0]
    section.header.paragraphs[0].text = texts["header"]
    section.footer.paragraphs[0].text = texts["footer"]
    page = section.footer.add_paragraph()._p
    page.append(parse_xml(f'<w:fldSimple xmlns:w="{W_URI}" w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'))
    footnotes = Part(PackURI("/word/footnotes.xml"), CONTENT_TYPE.WML_FOOTNOTES, _footnotes_xml(texts["footnote"]), document.part.package)
    document.part.relate_to(footnotes, RELATIONSHIP_TYPE.FOOTNOTES)
    document.save(str(path))
    return path


def word_element(tag: str, text: str | None = None, **attributes: str):
    """A ``w:`` element of WordprocessingML with ``w:``-qualified attributes, holding ``text`` if given."""
    from lxml import etree

    element = etree.Element(f"{W}{tag}", {f"{W}{key}": value for key, value in attributes.items()})
    if text is not None:
        element.text = text
    return element


def word_run(text: str):
    """A ``w:r`` run holding ``text`` (spaces kept)."""
    run = word_element("r")
    run.append(word_element("t", text))
    run[0].set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return run


def make_template_docx(path: Path) -> Path:
    """A release from an office template: content controls, tracked changes, a nested table, a text box."""
    import docx

    document = docx.Document()
    document.add_paragraph("Rilis Dinas Kesehatan", style="Title")
    body = document.element.body
    # A block-level content control holding a whole paragraph (template "Isi rilis" field).
    sdt, content = word_element("sdt"), word_element("sdtContent")
    sdt.append(word_element("sdtPr"))
    paragraph = word_element("p")
    paragraph.append(word_run("Plt. Kepala Dinas Kesehatan membuka pekan imunisasi."))
    content.append(paragraph)
    sdt.append(content)
    # A run-level content control and a tracked insertion and deletion inside one paragraph.
    mixed = document.add_paragraph("Kegiatan berlangsung di ")._p
    inline_sdt, inline_content = word_element("sdt"), word_element("sdtContent")
    inline_content.append(word_run("Balai Kota Makassar"))
    inline_sdt.append(inline_content)
    mixed.append(inline_sdt)
    insertion = word_element("ins", id="1", author="Humas")
    insertion.append(word_run(" pada hari Senin"))
    mixed.append(insertion)
    deletion = word_element("del", id="2", author="Humas")
    deleted_run = word_element("r")
    deleted_run.append(word_element("delText", " pada hari Minggu"))
    deletion.append(deleted_run)
    mixed.append(deletion)
    mixed.append(word_run("."))
    body.insert(list(body).index(mixed), sdt)
    # A table with a table nested in a cell.
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Jadwal"
    inner = table.cell(0, 1).add_table(rows=2, cols=1)
    inner.cell(0, 0).text = "Senin: vaksin campak"
    inner.cell(1, 0).text = "Selasa: vaksin polio"
    # A text box (VML), which floats outside the text flow.
    boxed = document.add_paragraph("Hubungi kami.")._p
    box_run, pict, shape, textbox, box_content = word_element("r"), word_element("pict"), word_element("shape"), word_element("textbox"), word_element("txbxContent")
    box_paragraph = word_element("p")
    box_paragraph.append(word_run("Teks di kotak samping."))
    box_content.append(box_paragraph)
    textbox.append(box_content)
    shape.append(textbox)
    pict.append(shape)
    box_run.append(pict)
    boxed.append(box_run)
    document.save(str(path))
    return path
