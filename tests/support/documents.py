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
