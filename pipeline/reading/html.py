"""Reading web pages (a saved press release, a CMS export) with trafilatura.

trafilatura finds the article's main text and drops navigation, cookie banners, sidebars and
footers; it is actively maintained and scores at the top of the published main-text extraction
benchmarks, and its XML output keeps headings, lists and tables, which warta needs for the
block structure (readability-lxml returns an HTML fragment that would still need all of that
worked out). Entities are decoded by the parser. A page without article text, or larger than
``MAX_HTML_BYTES``, is refused with a clear message.

The page is parsed here, as trafilatura would parse it but with libxml2's huge-tree option, and
the tree is handed to trafilatura. libxml2 otherwise stops at 256 levels of nesting, and a page
nested deeper (tag soup with unclosed ``<div>`` or ``<font>`` does it) lost everything from
there on without a word. With the option it reads 2,048 levels; a page nested deeper still, or
that hits any other of libxml2's limits, is refused, never read in part.

A press release's dateline, which trafilatura may leave out as page furniture, is put back as
the first paragraph after the title, and the page's publication date is read from its markup
(``pipeline.reading.html_dateline``).
"""

import hashlib
from pathlib import Path
from typing import Any

from pipeline.article import Article, Block
from pipeline.errors import InputError
from pipeline.files import read_limited
from pipeline.reading.formats import size_limit
from pipeline.reading.html_dateline import dateline_date, place_dateline, publication_date

#: No press-release page is this large; a bigger file is refused before it is parsed.
MAX_HTML_BYTES = size_limit(".html")


def _text(element: Any, skip: tuple[str, ...] = ()) -> str:
    # A <lb/> (an HTML <br>) separates words and sentences: give it a space. Nested lists are
    # read as items of their own, so a parent item leaves them out (``skip``).
    parts: list[str] = []

    def walk(node: Any) -> None:
        if node.tag in skip and node is not element:
            parts.append(" ")
        else:
            parts.append(node.text or "")
            for child in node:
                walk(child)
        if node.tag == "lb":
            parts.append(" ")
        if node is not element:
            parts.append(node.tail or "")

    walk(element)
    return " ".join("".join(parts).split())


def _list_items(element: Any, blocks: list[Block]) -> None:
    numbered = element.get("rend") == "ol"
    number = 0
    for item in element.findall("item"):
        text = _text(item, skip=("list",))
        if text:
            number += 1
            blocks.append(Block("list_item", text, marker=f"{number}." if numbered else "-"))
        for nested in item.findall("list"):
            _list_items(nested, blocks)


def _parse_page(path: Path, data: bytes) -> Any:
    """The page's lxml tree, loaded as ``trafilatura.utils.load_html`` loads it, but whole or not at all.

    Returns None when the bytes are not HTML (trafilatura's own test) or hold no element.

    Raises:
        InputError: libxml2 stopped before the end of the page (nesting too deep, or another
            of its limits).
    """
    from trafilatura.utils import decode_file, is_dubious_html, repair_faulty_html

    text = decode_file(data)
    beginning = text[:50].lower()
    text = repair_faulty_html(text, beginning)
    try:
        tree = _parse_whole(path, text)
    except ValueError:  # "Unicode strings with encoding declaration are not supported"
        tree = None
    if tree is None or len(tree) < 1:
        tree = _parse_whole(path, text.encode("utf-8", "surrogatepass"))
    if tree is not None and is_dubious_html(beginning) and len(tree) < 2:
        return None
    return tree


#: Elements a web page may have; a news page has a few thousand.
MAX_HTML_ELEMENTS = 50_000


def _first_line(error: BaseException) -> str:
    return " ".join(str(error).split())[:200] or type(error).__name__


def _parse_whole(path: Path, markup: str | bytes) -> Any:
    from lxml import etree
    from lxml.html import HTMLParser, fromstring

    # trafilatura's HTML_PARSER with huge_tree; a new one for each parse, for its own error log
    parser = HTMLParser(collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True, remove_pis=True, huge_tree=True)
    try:
        tree = fromstring(markup, parser=parser)
    except etree.ParserError:  # "Document is empty"
        tree = None
    # libxml2 reports a resource limit whatever else it has reported (it is not among the
    # errors it stops reporting after the first hundred), and past one it reads no further.
    limits = [error for error in parser.error_log if error.type == etree.ErrorTypes.ERR_RESOURCE_LIMIT]
    if limits:
        detail = limits[0].message.split(",")[0]
        raise InputError(f"{path}: the page cannot be read whole (libxml2: {detail}, at line {limits[0].line}); refused rather than read in part")
    return tree


#: trafilatura's inline elements: text that runs on within a line.
_INLINE = ("hi", "ref", "del")


def _blocks(main: Any) -> list[Block]:
    """The blocks of trafilatura's ``main`` element: headings, list items, table cells, paragraphs.

    Text directly in ``main`` (a dateline trafilatura kept from a ``<span>``, between two of its
    elements) is a paragraph of its own, up to the next element or line break; ``main`` with no
    element that holds text (only a menu's words, trafilatura's last resort) gives no blocks.
    """
    blocks: list[Block] = []
    tables = 0
    read_elements = False
    loose: list[str] = [main.text or ""] if main is not None else []

    def flush() -> None:
        text = " ".join("".join(loose).split())
        if text:
            blocks.append(Block("paragraph", text))
        loose.clear()

    for element in main if main is not None else []:
        if element.tag in _INLINE:
            text = _text(element)
            read_elements = read_elements or bool(text)
            loose.extend((text, element.tail or ""))
            continue
        flush()
        before = len(blocks)
        if element.tag == "lb":
            pass
        elif element.tag == "head":
            level = (element.get("rend") or "h2").lstrip("h")
            text = _text(element)
            if text:
                kind = "title" if not blocks and level == "1" else "heading"
                blocks.append(Block(kind, text, marker="#" * (int(level) if level.isdigit() else 2)))  # Markdown levels
        elif element.tag == "list":
            _list_items(element, blocks)
        elif element.tag == "table":
            for row_number, row in enumerate(element.iter("row")):
                for column_number, cell in enumerate(row.iter("cell")):
                    text = _text(cell)
                    if text:
                        blocks.append(Block("table_cell", text, cell=(tables, row_number, column_number)))
            tables += 1
        else:  # p, quote, and anything else with text
            text = _text(element)
            if text:
                blocks.append(Block("paragraph", text))
        read_elements = read_elements or len(blocks) > before
        loose.append(element.tail or "")
    flush()
    return blocks if read_elements else []



def read_html(path: Path, name: str) -> Article:
    """Read the main article of an ``.html`` page into an Article.

    Raises:
        InputError: unreadable, too large, nested too deep to be read whole, or without
            article text.
    """
    import trafilatura
    from lxml import etree

    data = read_limited(path, MAX_HTML_BYTES, "a web page")
    if not data.strip():
        raise InputError(f"{path}: the file is empty")
    tree = _parse_page(path, data)
    elements = sum(1 for _ in tree.iter()) if tree is not None else 0
    if elements > MAX_HTML_ELEMENTS:
        # trafilatura's cost grows faster than the page's elements (100,000 spans in one
        # paragraph: a minute); a press release page has a few thousand.
        raise InputError(f"{path}: the page has {elements:,} elements, more than the {MAX_HTML_ELEMENTS:,} a press release "
                         f"page may have; refused")
    try:
        extracted = trafilatura.extract(
            tree, output_format="xml", include_formatting=True, include_tables=True, include_links=False,
            include_images=False, include_comments=False, favor_precision=True,
        ) if tree is not None else None
        if not extracted:
            raise InputError(f"{path}: no article text found in the page (only navigation, scripts or boilerplate)")
        # the article as trafilatura gives it back keeps the page's nesting: read it whole too
        main = etree.fromstring(extracted.encode("utf-8"), parser=etree.XMLParser(huge_tree=True)).find("main")
    except (RecursionError, etree.XMLSyntaxError) as error:
        raise InputError(f"{path}: the page is nested too deep to be read whole ({_first_line(error)}); refused rather than read in part") from error
    try:
        blocks = _blocks(main)
    except RecursionError as error:  # lists nested hundreds deep
        raise InputError(f"{path}: the page is nested too deep to be read whole ({_first_line(error)}); refused rather than read in part") from error
    if not blocks:
        raise InputError(f"{path}: no article text found in the page (only navigation, scripts or boilerplate)")
    place_dateline(blocks, tree)
    article = Article(source=path, name=name, blocks=blocks, sha256=hashlib.sha256(data).hexdigest(), encoding="html")
    published = publication_date(tree)
    if published and not any(dateline_date(block.text) == published for block in blocks[:3] if block.kind == "paragraph"):
        article.published = published
    return article
