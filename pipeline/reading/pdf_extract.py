"""Getting the text out of a PDF outside warta's own process: pdfplumber in a child, tesseract for scans.

A PDF is a small program for a page-description machine, and a hostile or damaged one can make
a parser run for hours or fill all memory (a page tree of millions of pages, arrays nested a
million deep, a few KB that inflate to gigabytes). ``run_extractor`` therefore runs this module
as ``python -m pipeline.reading.pdf_extract`` with a wall-clock timeout (``BASE_SECONDS`` plus
``SECONDS_PER_PAGE`` a page, at most ``MAX_SECONDS``), and the child caps its own address space
at ``MEMORY_LIMIT`` before it reads a byte. The PDF goes in on standard input; the answer comes
back on standard output as plain JSON, and all layout work is done by the parent on that data
(``pdf_layout``). Whatever goes wrong in the child becomes one ``InputError`` line naming the
file and the reason.

The child's two commands:

``text``: the text layer, read with pdfplumber (over pdfminer.six)::

    {"pages": [{"width": 595.0, "height": 842.0,
                "words": [["kata", x0, x1, top, bottom, size, bold], ...],   # top-down points
                "tables": [{"bbox": [x0, top, x1, bottom], "rows": [["cell", null], ...]}],
                "images": 1, "rotated": 0, "error": ""}, ...]}

    Words inside a ruled table are given with the table only. A page that fails alone has its
    ``error`` set and no words. A file that cannot be read at all gives ``{"error": KIND,
    "detail": ...}`` (KIND: ``encrypted``, ``encryption``, ``not_a_pdf``, ``too_many_pages``,
    ``too_much_text``, ``memory``, ``nested``, ``no_pages``).

``render``: pages drawn as grey-scale PNG images with pypdfium2 for OCR,
``{"images": {"3": "/folder/page-0003.png", ...}}``; ``read_by_ocr`` then runs
``tesseract IMAGE stdout -l ind`` on each (``tesseract_command`` finds the program).
"""

import argparse
import io
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from pipeline.errors import InputError

try:
    import resource
except ImportError:  # Windows
    resource = None  # type: ignore[assignment]

#: A press release has a few pages, a report with annexes a few dozen; more is a bomb.
MAX_PAGES = 500
#: Words in the text layer at most: a dense page holds about 800, a long release a few thousand
#: in all. The parent holds every word's box, some 300 bytes each.
MAX_WORDS = 400_000
#: The child's address space: ample for pdfplumber on any real release, and an inflating
#: stream stops here instead of taking the machine's memory.
MEMORY_LIMIT = 2 * 2**30
BASE_SECONDS, SECONDS_PER_PAGE, MAX_SECONDS = 60.0, 2.0, 600.0
#: tesseract reads a 300 dpi page in a few seconds; two minutes means it is stuck.
OCR_SECONDS_PER_PAGE = 120.0
#: The variable naming the tesseract program to use; set to "" for none (OCR off).
TESSERACT_VARIABLE = "WARTA_TESSERACT"
#: The longest side of a rendered page, in pixels: an A4 page at 300 dpi is 3,508; a page
#: declared 200 inches tall must not become a bitmap of gigabytes.
MAX_RENDER_SIDE = 5000
_ROOT = Path(__file__).resolve().parents[2]  # the folder holding the pipeline package
_BOLD = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
# Typographic ligatures a font may map its glyphs to: "ﬁ" is "fi" to every later stage.
_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"})


def main(argv: list[str] | None = None) -> int:
    """Read a PDF from standard input and print what ``command`` asks for as JSON (see the module doc)."""
    parser = argparse.ArgumentParser(prog="python -m pipeline.reading.pdf_extract")
    parser.add_argument("command", choices=("text", "render"))
    parser.add_argument("--memory", type=int, required=True, help="the most bytes of address space this process may use")
    parser.add_argument("--max-pages", type=int, default=MAX_PAGES)
    parser.add_argument("--max-words", type=int, default=MAX_WORDS)
    parser.add_argument("--pages", default="", help="render: the 1-based page numbers, comma-separated")
    parser.add_argument("--dpi", type=int, default=300)
    parser.add_argument("--folder", default="", help="render: where the images go")
    args = parser.parse_args(argv)
    # Before anything is read or parsed: past this, a bomb ends in MemoryError, not in the
    # machine's out-of-memory killer choosing a victim. (Windows has no such limit; there only
    # the parent's timeout bounds the child.)
    if resource is not None:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = args.memory if hard == resource.RLIM_INFINITY else min(args.memory, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    # pdfminer logs a warning for every damaged object; the parent reports what matters.
    logging.disable(logging.CRITICAL)
    data = sys.stdin.buffer.read()
    try:
        if args.command == "text":
            result = extract_text(data, args.max_pages, args.max_words)
        else:
            numbers = [int(number) for number in args.pages.split(",") if number]
            result = render_pages(data, numbers, args.dpi, Path(args.folder))
    except MemoryError:
        result = {"error": "memory"}
    except RecursionError:
        result = {"error": "nested"}
    sys.stdout.write(json.dumps(result))
    return 0


def extract_text(data: bytes, max_pages: int, max_words: int) -> dict[str, Any]:
    """The words, ruled tables and image counts of every page of the PDF ``data`` (see the module doc)."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfpage import PDFPage
    from pdfplumber.page import Page
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        pdf = pdfplumber.PDF(io.BytesIO(data))
    except PdfminerException as error:
        cause = error.args[0] if error.args else error
        if isinstance(cause, PDFPasswordIncorrect):
            return {"error": "encrypted"}
        if isinstance(cause, PDFEncryptionError):
            return {"error": "encryption", "detail": _describe(cause)}
        if isinstance(cause, (MemoryError, RecursionError)):
            raise cause from None
        return {"error": "not_a_pdf", "detail": _describe(cause)}
    claimed = _claimed_pages(pdf)
    if claimed > max_pages:
        return {"error": "too_many_pages", "pages": claimed}
    pages: list[dict[str, Any]] = []
    words = 0
    doctop = 0.0
    try:
        # Pages one at a time, not pdfplumber's ``pdf.pages``: that list is built whole, and a
        # page tree that understates its /Count must be stopped at the limit, not walked to its end.
        for number, page_object in enumerate(PDFPage.create_pages(pdf.doc), start=1):
            if number > max_pages:
                return {"error": "too_many_pages", "pages": number, "at_least": True}
            page = Page(pdf, page_object, page_number=number, initial_doctop=doctop)
            doctop += float(page.height)
            pages.append(_read_page(page))
            words += len(pages[-1]["words"])
            if words > max_words:
                return {"error": "too_much_text", "words": words}
    except (MemoryError, RecursionError):
        raise
    except Exception as error:  # noqa: BLE001 - pdfminer raises many kinds of error on a broken page tree
        _raise_if_exhausted(error)
        if not pages:
            return {"error": "not_a_pdf", "detail": _describe(error)}
        pages.append({"width": 0.0, "height": 0.0, "words": [], "tables": [], "images": 0, "rotated": 0,
                      "error": f"the pages after this one could not be found ({_describe(error)})"})
    if not pages:
        return {"error": "no_pages"}
    return {"pages": pages}


def _claimed_pages(pdf: Any) -> int:
    # The page tree's own count, read before any page is: a bomb says how big it is.
    from pdfminer.pdftypes import resolve1

    try:
        count = resolve1(resolve1(pdf.doc.catalog.get("Pages")).get("Count"))
    except (MemoryError, RecursionError):
        raise
    except Exception:  # noqa: BLE001 - a broken tree is found again when its pages are walked
        return 0
    return count if isinstance(count, int) else 0


def _read_page(page: Any) -> dict[str, Any]:
    width, height = float(page.width), float(page.height)
    try:
        tables = [table for table in page.find_tables() if len(table.columns) >= 2]  # a lone box is a frame, not a table
        boxes = [table.bbox for table in tables]
        words, rotated = [], 0
        for word in page.extract_words(extra_attrs=["size", "fontname"], x_tolerance_ratio=0.15):
            if not word.get("upright", True):
                rotated += 1  # a watermark or a side note set at an angle
                continue
            middle_x, middle_y = (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2
            if any(x0 <= middle_x <= x1 and top <= middle_y <= bottom for x0, top, x1, bottom in boxes):
                continue
            words.append([word["text"].translate(_LIGATURES), _round(word["x0"]), _round(word["x1"]), _round(word["top"]), _round(word["bottom"]),
                          _round(word["size"]), int(bool(_BOLD.search(word.get("fontname") or "")))])
        return {"width": width, "height": height, "words": words,
                "tables": [{"bbox": [_round(value) for value in table.bbox], "rows": table.extract()} for table in tables],
                "images": len(page.images), "rotated": rotated, "error": ""}
    except (MemoryError, RecursionError):
        raise
    except Exception as error:  # noqa: BLE001 - one damaged page must not lose the others
        _raise_if_exhausted(error)
        return {"width": width, "height": height, "words": [], "tables": [], "images": 0, "rotated": 0, "error": _describe(error)}
    finally:
        page.close()


def render_pages(data: bytes, numbers: list[int], dpi: int, folder: Path) -> dict[str, Any]:
    """Pages ``numbers`` (1-based) of the PDF ``data`` drawn as grey-scale PNG files in ``folder``, for OCR.

    Returns:
        ``{"images": {page: file}, "failed": {page: why}}``, pages as strings.
    """
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    images: dict[str, str] = {}
    failed: dict[str, str] = {}
    try:
        for number in numbers:
            try:
                page = document[number - 1]
                try:
                    width, height = page.get_size()
                    scale = min(dpi / 72, MAX_RENDER_SIDE / max(width, height, 1.0))
                    image = page.render(scale=scale, grayscale=True).to_pil()
                    target = folder / f"page-{number:04d}.png"
                    image.save(target, dpi=(round(scale * 72), round(scale * 72)))
                    images[str(number)] = str(target)
                finally:
                    page.close()
            except (MemoryError, RecursionError):
                raise
            except Exception as error:  # noqa: BLE001 - one page pdfium cannot draw must not lose the others
                failed[str(number)] = _describe(error)
    finally:
        document.close()
    return {"images": images, "failed": failed}


def _raise_if_exhausted(error: BaseException) -> None:
    # pdfplumber wraps what pdfminer raises, a MemoryError from inflating a stream included; that
    # is a bomb, not a damaged page, and the whole file is refused for it.
    cause = error.args[0] if error.args else None
    if isinstance(cause, (MemoryError, RecursionError)):
        raise cause from None


def _round(value: float) -> float:
    return round(float(value), 2)


def _describe(error: BaseException) -> str:
    if type(error).__name__ == "PdfminerException" and error.args and isinstance(error.args[0], BaseException):
        error = error.args[0]  # pdfplumber's wrapper says nothing; what it wraps does
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {text[:200]}" if text else type(error).__name__



# --- the parent's side: running this module, and tesseract -------------------------------------------------


def run_extractor(path: Path, data: bytes, command: str, arguments: list[str], pages: int) -> dict[str, Any]:
    """Run this module's ``command`` on the PDF ``data`` in a child process and return its answer.

    Args:
        path: the PDF file, for messages.
        data: its bytes.
        command: ``text`` or ``render`` (see the module doc), with its ``arguments``.
        pages: how many pages the child will read, for the time it is allowed.

    Raises:
        InputError: the child refused the file, failed, or ran out of time; one line, naming
            ``path`` and the reason.
    """
    timeout = min(BASE_SECONDS + SECONDS_PER_PAGE * pages, MAX_SECONDS)
    # Run from the folder that holds this very pipeline package: ``-m`` puts the working folder
    # first on the child's path, and the user's (which may hold a json.py) must not be there.
    try:
        done = subprocess.run([sys.executable, "-m", "pipeline.reading.pdf_extract", command, "--memory", str(MEMORY_LIMIT), *arguments],
                              input=data, capture_output=True, timeout=timeout, cwd=_ROOT)
    except subprocess.TimeoutExpired:
        raise InputError(f"{path}: reading the PDF took longer than {timeout:g} s (a PDF bomb or a damaged file?); refused") from None
    if done.returncode != 0:
        detail = _last_line(done.stderr)
        if "MemoryError" in detail:
            raise InputError(f"{path}: {_REFUSALS['memory'].format(gib=MEMORY_LIMIT / 2**30)}")
        reason = f"signal {-done.returncode}" if done.returncode < 0 else detail or f"exit status {done.returncode}"
        raise InputError(f"{path}: the PDF reader failed ({reason})")
    try:
        answer: dict[str, Any] = json.loads(done.stdout)
    except ValueError:
        raise InputError(f"{path}: the PDF reader gave no answer ({_last_line(done.stderr) or 'no output'})") from None
    if "error" in answer:
        found = f"at least {answer.get('pages')}" if answer.get("at_least") else answer.get("pages")
        refusal = _REFUSALS.get(answer["error"], "cannot read the PDF ({detail})")
        raise InputError(f"{path}: " + refusal.format(detail=answer.get("detail", answer["error"]), pages=found, max_pages=MAX_PAGES,
                                                      words=answer.get("words"), max_words=MAX_WORDS, gib=MEMORY_LIMIT / 2**30))
    return answer


_REFUSALS = {
    "encrypted": "the PDF is password-protected; remove the password (save or print it to a new PDF) and try again",
    "encryption": "the PDF is encrypted in a way that cannot be read ({detail}); save an unencrypted copy and try again",
    "not_a_pdf": "not a valid PDF file, damaged or truncated ({detail})",
    "too_many_pages": "the PDF has {pages} pages, more than the {max_pages} a press release may have (a PDF bomb?); refused",
    "too_much_text": "the PDF holds more than {max_words} words, more than any press release (a PDF bomb?); refused",
    "memory": "reading the PDF needs more than {gib:g} GiB of memory (a PDF bomb or a damaged file?); refused",
    "nested": "the PDF's objects are nested too deep to read (a PDF bomb or a damaged file?); refused",
    "no_pages": "the PDF has no pages",
}


def _last_line(output: bytes) -> str:
    lines = output.decode("utf-8", errors="replace").strip().splitlines()
    return lines[-1].strip()[:300] if lines else ""


def tesseract_command() -> str | None:
    """The tesseract program to read scans with, or None when there is none with Indonesian data.

    ``WARTA_TESSERACT`` names the program (a name on PATH or a path); set to "" it turns OCR off.
    Without it, ``tesseract`` on PATH is used. Either way the program must list ``ind`` in
    ``tesseract --list-langs``.
    """
    named = os.environ.get(TESSERACT_VARIABLE)
    if named == "":
        return None
    program = shutil.which(named or "tesseract")
    return program if program and _reads_indonesian(program) else None


def read_by_ocr(path: Path, data: bytes, numbers: list[int], program: str) -> tuple[dict[int, str], dict[int, str]]:
    """The text tesseract reads on pages ``numbers`` (0-based) of the PDF ``data``, drawn at 300 dpi.

    Returns:
        Page -> its text, and page -> why OCR failed on it (a page that fails does not stop the others).

    Raises:
        InputError: the pages could not be drawn (see ``run_extractor``).
    """
    texts: dict[int, str] = {}
    failures: dict[int, str] = {}
    with tempfile.TemporaryDirectory(prefix="warta-ocr-") as folder:
        # drawing a page takes longer than reading its text: five pages' time each
        rendered = run_extractor(path, data, "render", ["--pages", ",".join(str(number + 1) for number in numbers), "--folder", folder],
                                 5 * len(numbers))
        images: dict[str, str] = rendered["images"]
        for number in numbers:
            if str(number + 1) not in images:
                failures[number] = f"the page could not be drawn: {rendered['failed'].get(str(number + 1), 'no image')}"
                continue
            try:
                done = subprocess.run([program, images[str(number + 1)], "stdout", "-l", "ind"], capture_output=True, timeout=OCR_SECONDS_PER_PAGE)
            except subprocess.TimeoutExpired:
                failures[number] = f"it took longer than {OCR_SECONDS_PER_PAGE:g} s"
                continue
            if done.returncode == 0:
                texts[number] = done.stdout.decode("utf-8", errors="replace")
            else:
                failures[number] = _last_line(done.stderr) or f"exit status {done.returncode}"
    return texts, failures


@cache
def _reads_indonesian(program: str) -> bool:
    try:
        done = subprocess.run([program, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    # tesseract 3 listed its languages on standard error, later versions on standard output
    return "ind" in (done.stdout + "\n" + done.stderr).split()


if __name__ == "__main__":
    sys.exit(main())
