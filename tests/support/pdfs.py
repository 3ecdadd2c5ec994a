"""PDF releases built for tests with reportlab: laid out line by line, so a test knows every line.

A small typesetter (``typeset_release``) places a story (title, headings, paragraphs, lists, a
two-column section, a ruled table) on A4 pages under a letterhead, above a footer and a page
number, and breaks paragraphs across pages wherever the page ends. ``|`` in a paragraph's text
forces a line break there with a hyphen ("kese|hatan" is drawn "kese-" / "hatan"). The layout it
made is returned, so tests can check that their premise holds (a sentence really crosses a page).

Also here: a scanned page (an image of text, no text layer), an encrypted release, and the
broken files and bombs a reader must refuse.
"""

import io
import zlib
from dataclasses import dataclass, field
from pathlib import Path

PAGE_WIDTH, PAGE_HEIGHT = 595.0, 842.0
LEFT, RIGHT = 72.0, 523.0
BODY_TOP, BODY_BOTTOM = 728.0, 84.0
GUTTER = 22.0
BODY_FONT, BOLD_FONT = "Helvetica", "Helvetica-Bold"
BODY_SIZE, LEADING, PARAGRAPH_GAP = 11.0, 15.0, 9.0

LETTERHEAD = ("PEMERINTAH KOTA MAKASSAR", "DINAS KESEHATAN",
              "Jl. Teduh Bersinar No. 1, Makassar 90221, Telp. (0411) 881549")
FOOTER = "Dinas Kesehatan Kota Makassar - www.dinkes.makassarkota.go.id"


@dataclass
class Layout:
    """What ``typeset_release`` drew: per page, the body lines (text as drawn) and where it went."""

    pages: list[list[str]] = field(default_factory=list)
    page_numbers: list[str] = field(default_factory=list)
    column_breaks: list[tuple[str, str]] = field(default_factory=list)  # (the left column's last line, the right's first)


@dataclass
class _Line:
    text: str
    font: str
    size: float
    x: float
    advance: float  # the distance from the previous line's baseline


@dataclass
class _Page:
    lines: list[tuple[float, float, str, float, str]] = field(default_factory=list)  # x, y, font, size, text
    tables: list[tuple[float, float, list[float], float, list[list[str]]]] = field(default_factory=list)


def _width(text: str, font: str, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return float(stringWidth(text, font, size))


def wrap(text: str, width: float, font: str = BODY_FONT, size: float = BODY_SIZE) -> list[str]:
    """``text`` broken into lines of at most ``width`` points; ``|`` forces a hyphenated break."""
    lines: list[str] = []
    for piece_number, piece in enumerate(text.split("|")):
        words = piece.split(" ")
        if piece_number and lines and not lines[-1].endswith("-"):
            lines[-1] += "-"
        current = ""
        for word in words:
            if not word:
                continue
            candidate = f"{current} {word}" if current else word
            if current and _width(candidate, font, size) > width:
                lines.append(current)
                current = word
            else:
                current = candidate
        lines.append(current)
    return [line for line in lines if line]


def _lines_of(item: tuple, width: float) -> list[_Line]:
    kind = item[0]
    if kind == "title":
        return [_Line(line, BOLD_FONT, 17.0, 0.0, 24.0) for line in wrap(item[1], width, BOLD_FONT, 17.0)]
    if kind == "heading":
        return [_Line(item[1], BOLD_FONT, BODY_SIZE, 0.0, LEADING + PARAGRAPH_GAP + 4)]
    if kind == "paragraph":
        lines = wrap(item[1], width)
        return [_Line(line, BODY_FONT, BODY_SIZE, 0.0, LEADING + (PARAGRAPH_GAP if number == 0 else 0)) for number, line in enumerate(lines)]
    if kind == "list":
        out = []
        for number, text in enumerate(item[1], start=1):
            marker = f"{number}."
            for index, line in enumerate(wrap(text, width - 18)):
                out.append(_Line(f"{marker} {line}" if index == 0 else line, BODY_FONT, BODY_SIZE, 0.0 if index == 0 else 18.0,
                                 LEADING + (PARAGRAPH_GAP if number == 1 and index == 0 else 0)))
        return out
    raise ValueError(kind)


def typeset_release(path: Path, story: list[tuple], letterhead: tuple[str, ...] = LETTERHEAD, footer: str = FOOTER,
                    page_number: str = "Halaman {n} dari {total}") -> Layout:
    """Draw ``story`` into a PDF at ``path``; returns the body lines drawn on each page.

    Story items: ``("title", text)``, ``("heading", text)``, ``("paragraph", text)``, ``("list", [texts])``,
    ``("columns", [paragraph texts])`` (two columns, the left filled first), ``("table", rows)`` (a
    ruled grid of one-line cells), ``("page_break",)``.
    """
    pages: list[_Page] = [_Page()]
    column_breaks: list[tuple[str, str]] = []
    y = BODY_TOP + 10

    def new_page() -> None:
        nonlocal y
        if pages[-1].lines or pages[-1].tables:
            pages.append(_Page())
        y = BODY_TOP + 10

    def place(lines: list[_Line], x0: float) -> None:
        nonlocal y
        for line in lines:
            if y - line.advance < BODY_BOTTOM:
                pages.append(_Page())
                y = BODY_TOP + 10 - line.advance + LEADING  # a new page starts at the top, gap or not
            y -= line.advance
            pages[-1].lines.append((x0 + line.x, y, line.font, line.size, line.text))

    for item in story:
        kind = item[0]
        if kind == "page_break":
            new_page()
        elif kind == "columns":
            column_width = (RIGHT - LEFT - GUTTER) / 2
            lines = [line for text in item[1] for line in _lines_of(("paragraph", text), column_width)]
            total = sum(line.advance for line in lines)
            height, split = 0.0, len(lines)
            for number, line in enumerate(lines):
                height += line.advance
                if height >= total / 2:
                    split = number + 1
                    break
            if y - height - LEADING < BODY_BOTTOM:  # the columns start on a new page
                new_page()
            if y - height - LEADING < BODY_BOTTOM:
                raise ValueError("two columns longer than a page are not drawn here")
            top = y
            place(lines[:split], LEFT)
            left_bottom = y
            y = top
            right = lines[split:]
            if right:
                right[0] = _Line(right[0].text, right[0].font, right[0].size, right[0].x, lines[0].advance)
            place(right, LEFT + column_width + GUTTER)
            y = min(y, left_bottom)
            if right:
                column_breaks.append((lines[split - 1].text, right[0].text))
        elif kind == "table":
            rows: list[list[str]] = item[1]
            natural = [max(_width(row[column], BOLD_FONT, 10.0) for row in rows) + 16 for column in range(len(rows[0]))]
            widths = [width * (RIGHT - LEFT) / sum(natural) for width in natural]  # the table spans the text's width
            row_height = 20.0
            if y - PARAGRAPH_GAP - row_height * len(rows) < BODY_BOTTOM:
                new_page()
            y -= PARAGRAPH_GAP + 6
            pages[-1].tables.append((LEFT, y, widths, row_height, rows))
            y -= row_height * len(rows)
        else:
            place(_lines_of(item, RIGHT - LEFT), LEFT)
    layout = _draw(path, pages, letterhead, footer, page_number)
    layout.column_breaks = column_breaks
    return layout


def _draw(path: Path, pages: list[_Page], letterhead: tuple[str, ...], footer: str, page_number: str) -> Layout:
    from reportlab.pdfgen import canvas

    drawing = canvas.Canvas(str(path), pagesize=(PAGE_WIDTH, PAGE_HEIGHT))
    layout = Layout()
    for number, page in enumerate(pages, start=1):
        y = 804.0
        for index, line in enumerate(letterhead):
            font, size = (BOLD_FONT, 13.0) if index < 2 else (BODY_FONT, 9.0)
            drawing.setFont(font, size)
            drawing.drawCentredString(PAGE_WIDTH / 2, y, line)
            y -= size + 4
        if letterhead:
            drawing.setLineWidth(1.5)
            drawing.line(LEFT, y + 2, RIGHT, y + 2)
        for x, baseline, font, size, text in page.lines:
            drawing.setFont(font, size)
            drawing.drawString(x, baseline, text)
        for x, top, widths, row_height, rows in page.tables:
            xs = [x]
            for width in widths:
                xs.append(xs[-1] + width)
            ys = [top - row_height * index for index in range(len(rows) + 1)]
            drawing.setLineWidth(0.8)
            drawing.grid(xs, ys)
            for row_number, row in enumerate(rows):
                for column, cell in enumerate(row):
                    drawing.setFont(BOLD_FONT if row_number == 0 else BODY_FONT, 10.0)
                    drawing.drawString(xs[column] + 8, ys[row_number] - 14, cell)
        if footer:
            drawing.setFont(BODY_FONT, 8.0)
            drawing.drawString(LEFT, 52, footer)
        label = page_number.format(n=number, total=len(pages)) if page_number else ""
        if label:
            drawing.setFont(BODY_FONT, 9.0)
            drawing.drawCentredString(PAGE_WIDTH / 2, 34, label)
        layout.pages.append([line[4] for line in page.lines])
        layout.page_numbers.append(label)
        drawing.showPage()
    drawing.save()
    return layout


# --- scans, encryption, broken files and bombs ------------------------------------------------------------


def system_font() -> Path:
    """A TrueType font of this system (DejaVu Sans or Liberation Sans), for drawing a scan."""
    import shutil
    import subprocess

    if shutil.which("fc-match"):
        found = subprocess.run(["fc-match", "-f", "%{file}", "DejaVuSans"], capture_output=True, text=True, timeout=30).stdout.strip()
        if found.endswith(".ttf") and Path(found).is_file():
            return Path(found)
    for candidate in sorted(Path("/usr/share/fonts").rglob("*.ttf")):
        if "Sans" in candidate.name and "Bold" not in candidate.name and "Mono" not in candidate.name:
            return candidate
    raise FileNotFoundError("no TrueType sans-serif font on this system")


def _scan(paragraphs: list[str], dpi: int) -> object:
    """An A4 page image of ``paragraphs`` drawn with PIL in a TrueType font of this system (a reportlab ImageReader)."""
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.utils import ImageReader

    scale = dpi / 72
    image = Image.new("L", (int(PAGE_WIDTH * scale), int(PAGE_HEIGHT * scale)), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(system_font()), int(12 * scale))
    left, width, y = int(LEFT * scale), int((RIGHT - LEFT) * scale), int(90 * scale)
    for text in paragraphs:
        line = ""
        for word in text.split():
            candidate = f"{line} {word}".strip()
            if line and font.getlength(candidate) > width:
                draw.text((left, y), line, font=font, fill=0)
                y += int(17 * scale)
                line = word
            else:
                line = candidate
        draw.text((left, y), line, font=font, fill=0)
        y += int(30 * scale)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    return ImageReader(buffer)


def scanned_pdf(path: Path, paragraphs: list[str], typed: list[str] | None = None, dpi: int = 300) -> Path:
    """A 'scan': ``paragraphs`` drawn into an A4 image, the only thing on its page.

    With ``typed``, a page of real text (those paragraphs, one line each) comes first.
    """
    from reportlab.pdfgen import canvas

    drawing = canvas.Canvas(str(path), pagesize=(PAGE_WIDTH, PAGE_HEIGHT))
    if typed:
        drawing.setFont(BODY_FONT, BODY_SIZE)
        for number, text in enumerate(typed):
            drawing.drawString(LEFT, 740 - 2 * LEADING * number, text)
        drawing.showPage()
    drawing.drawImage(_scan(paragraphs, dpi), 0, 0, PAGE_WIDTH, PAGE_HEIGHT)
    drawing.showPage()
    drawing.save()
    return path


def encrypted_pdf(path: Path, user_password: str = "rahasia") -> Path:
    """A one-page release that opens only with ``user_password`` ("" : anyone may open it, the owner's password guards the rest)."""
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    drawing = canvas.Canvas(str(path), pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
                            encrypt=StandardEncryption(user_password, ownerPassword="pemilik", canPrint=1))
    drawing.setFont(BODY_FONT, BODY_SIZE)
    drawing.drawString(LEFT, 700, "Siaran pers ini dilindungi kata sandi.")
    drawing.showPage()
    drawing.save()
    return path


def raw_pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF file of ``objects`` (numbered from 1) with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    start = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, start)
    return bytes(out)


def many_pages_pdf(path: Path, pages: int, claimed: int | None = None) -> Path:
    """A PDF of ``pages`` empty pages whose page tree says it has ``claimed`` (default: the truth)."""
    kids = b" ".join(b"%d 0 R" % (3 + number) for number in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Count %d /Kids [%s] >>" % (pages if claimed is None else claimed, kids)]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * pages
    path.write_bytes(raw_pdf(objects))
    return path


def nested_pdf(path: Path, depth: int) -> Path:
    """A one-page PDF saying "Halo dunia." whose page also carries an array nested ``depth`` deep."""
    nested = b"[" * depth + b"]" * depth
    content = b"BT /F1 12 Tf 72 700 Td (Halo dunia.) Tj ET"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R"
               b" /Nested " + nested + b" >>",
               b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    path.write_bytes(raw_pdf(objects))
    return path


def one_bad_page_pdf(path: Path, text: str) -> Path:
    """A two-page PDF: page 1 says ``text``, page 2's content stream is damaged (invalid LZW data)."""
    content = b"BT /F1 12 Tf 72 700 Td (" + text.encode("latin-1") + b") Tj ET"
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 7 0 R >> >> /Contents %d 0 R >>"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Count 2 /Kids [3 0 R 4 0 R] >>", page % 5, page % 6,
               b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
               b"<< /Length 10 /Filter /LZWDecode >>\nstream\n" + b"\xff" * 10 + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    path.write_bytes(raw_pdf(objects))
    return path


def inflating_pdf(path: Path, unpacked_mib: int) -> Path:
    """A one-page PDF whose content stream is a few KB that inflate to ``unpacked_mib`` MiB of spaces.

    Built without ever holding the inflated bytes: after a full flush, deflate forgets what came
    before, so the compressed form of each further MiB of spaces is the same bytes, repeated.
    (The stream's checksum is left wrong: a reader runs out of memory or time long before it.)
    """
    chunk = b" " * 2**20
    compressor = zlib.compressobj(9)
    head = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    repeated = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    stream = head + repeated * (unpacked_mib - 1) + compressor.flush()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"]
    path.write_bytes(raw_pdf(objects))
    return path
