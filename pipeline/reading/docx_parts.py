"""A Word document's parts outside the body text flow, and the places a writer finds them again.

Headers, footers, footnotes, endnotes and text boxes are read as blocks of their own (kinds
``header``, ``footer``, ``note`` and ``text_box``), one block per paragraph with text: a list or
heading style inside them is not kept. What Word shows as one paragraph's text is
``paragraph_text``; the paragraphs of a part, in the one order reader and writer agree on, are
``word_paragraphs``.

A block read from such a part carries its **place**: ``"<part name>#<ordinal>"``, for example
``"word/header1.xml#0"``, the part inside the .docx zip and the 0-based position of the paragraph
among ``word_paragraphs(<the part's root element>)``. A body paragraph that refers to footnotes
or endnotes carries ``"notes=footnote:1,endnote:2"`` instead: the kind and ``w:id`` of each
reference, in order, so a writer that rebuilds the body can put the reference marks back at the
end of the paragraph (``notes_place``, ``note_references``). The writer finds a placed paragraph
again in the same file: ``pipeline.outputs.docx_template`` reopens the source, checked by its hash.

Comments are not part of the release: they are counted, not read. Charts, SmartArt diagrams
and embedded objects hold text this reader cannot reach; they are counted too, and both counts
go to ``Article.left_out``.
"""

from collections.abc import Iterable
from typing import Any

from pipeline.article import Block
from pipeline.errors import InputError

WORD_NAMESPACE = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
#: Markup compatibility: ``mc:AlternateContent`` holds an ``mc:Choice`` (a DrawingML text box)
#: and an ``mc:Fallback`` (the same text box in VML, for older readers).
MC_NAMESPACE = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_W = WORD_NAMESPACE
#: Containers whose content is read as if they were not there: content controls (w:sdt, common
#: in office templates), tracked insertions and moves, custom XML, smart tags, simple fields,
#: hyperlinks. What Word shows as deleted (w:del, w:moveFrom) is left out, as Word leaves it out.
TRANSPARENT = frozenset(f"{_W}{tag}" for tag in ("sdt", "sdtContent", "ins", "moveTo", "customXml", "smartTag", "fldSimple", "hyperlink", "r", "dir", "bdo"))
# A paragraph under one of these is not walked: the VML copy of a text box, deleted content.
_NOT_WALKED = frozenset((f"{MC_NAMESPACE}Fallback", f"{_W}del", f"{_W}moveFrom"))
_NOTE_REFERENCES = {f"{_W}footnoteReference": "footnote", f"{_W}endnoteReference": "endnote"}
# Word's own "notes" that draw the line above the notes; they hold no text of the release.
_SEPARATOR_NOTES = ("separator", "continuationSeparator", "continuationNotice")
_HEADER_TYPES = ("default", "first", "even")
NOTES_PREFIX = "notes="
# relationship type suffix -> what a reviewer is told was not translated
_UNREAD_OBJECTS = {
    "/chart": "chart(s) (their text was not translated)",
    "/diagramData": "SmartArt diagram(s) (their text was not translated)",
    "/oleObject": "embedded object(s) (their content was not translated)",
    "/package": "embedded object(s) (their content was not translated)",
}


def paragraph_text(paragraph: Any, notes: list[tuple[str, str]] | None = None) -> str:
    """The text Word shows for a ``w:p``, inserted and content-control text included.

    The text of a text box anchored in the paragraph is not part of it (it is a paragraph of
    its own in ``word_paragraphs``), nor is deleted text.

    Args:
        paragraph: the ``w:p`` element.
        notes: when given, ``("footnote" | "endnote", id)`` of each note reference in the
            paragraph is appended to it, in order.

    Returns:
        The text with runs of white space as one space, stripped.
    """
    parts: list[str] = []

    def walk(node: Any) -> None:
        for child in node:
            tag = child.tag
            if tag == f"{_W}t":
                # all of its text, not only what comes before a comment or other node inside it
                parts.append("".join(child.itertext()))
            elif tag in (f"{_W}tab", f"{_W}br", f"{_W}cr"):
                parts.append(" ")
            elif tag == f"{_W}noBreakHyphen":
                parts.append("-")
            elif tag in _NOTE_REFERENCES:
                if notes is not None:
                    notes.append((_NOTE_REFERENCES[tag], child.get(f"{_W}id") or ""))
            elif tag in TRANSPARENT:
                walk(child)
            # anything else (deleted text, properties, a drawing or VML shape holding a text
            # box, an mc:AlternateContent) holds no text of this paragraph

    walk(paragraph)
    return " ".join("".join(parts).split())


def word_paragraphs(root: Any) -> list[Any]:
    """Every ``w:p`` at or under ``root`` in document order: the walk that numbers places.

    Paragraphs inside text boxes are included, after the paragraph that anchors them; those
    in an ``mc:Fallback`` (the VML copy of the ``mc:Choice`` text box) and in deleted content are
    not. ``root`` may itself be inside a fallback: only what lies between it and a paragraph counts.
    """
    found = [root] if root.tag == f"{_W}p" else []
    for paragraph in root.iter(f"{_W}p"):
        if paragraph is root:
            continue
        node = paragraph.getparent()
        while node is not None and node is not root and node.tag not in _NOT_WALKED:
            node = node.getparent()
        if node is None or node is root:
            found.append(paragraph)
    return found


def has_field(paragraph: Any) -> bool:
    """Whether the paragraph holds a field of its own (a page number, a date), simple or complex."""
    return any(_owned_by(paragraph, element) for tag in ("fldChar", "fldSimple") for element in paragraph.iter(f"{_W}{tag}"))


def _owned_by(paragraph: Any, element: Any) -> bool:
    node = element.getparent()
    while node is not None and node is not paragraph:
        if node.tag == f"{_W}p" or node.tag in _NOT_WALKED:
            return False
        node = node.getparent()
    return node is paragraph


def owned_elements(paragraph: Any, tag: str) -> list[Any]:
    """The paragraph's own ``tag`` elements: not those of a text box in it, of a fallback copy, or deleted."""
    return [element for element in paragraph.iter(tag) if _owned_by(paragraph, element)]


def word_place(part_name: str, ordinal: int) -> str:
    """The place of paragraph ``ordinal`` of ``word_paragraphs`` in part ``part_name`` (``"word/footer1.xml#2"``)."""
    return f"{part_name}#{ordinal}"


def parse_word_place(place: str) -> tuple[str, int] | None:
    """``(part name, ordinal)`` of a place written by ``word_place``; None for any other place."""
    name, sign, number = place.rpartition("#")
    if not sign or not name or name.startswith(NOTES_PREFIX) or not number.isdigit():
        return None
    return name, int(number)


def notes_place(references: Iterable[tuple[str, str]]) -> str:
    """The place of a body paragraph referring to notes: ``"notes=footnote:1,endnote:2"``; "" for none."""
    listed = ",".join(f"{kind}:{note_id}" for kind, note_id in dict.fromkeys(references))
    return f"{NOTES_PREFIX}{listed}" if listed else ""


def note_references(place: str) -> list[tuple[str, str]]:
    """The ``(kind, id)`` note references of a ``notes_place``; [] for any other place."""
    if not place.startswith(NOTES_PREFIX):
        return []
    found = []
    for item in place[len(NOTES_PREFIX):].split(","):
        kind, colon, note_id = item.partition(":")
        if colon and kind in ("footnote", "endnote"):
            found.append((kind, note_id))
    return found


def parse_word_xml(data: bytes) -> Any:
    """A part's XML parsed without entities, DTDs or the network (the reader refused DOCTYPEs before)."""
    from lxml import etree

    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True))


def part_root(part: Any) -> Any:
    """The root element of a package part: python-docx's own for the parts it knows, else parsed.

    Raises:
        InputError: the part declares a DOCTYPE in an encoding the byte search before parsing
            did not look for (its entities, left unexpanded, would drop text silently).
    """
    element = getattr(part, "element", None)
    if element is not None:
        return element
    root = parse_word_xml(part.blob)
    if root.getroottree().docinfo.doctype:
        raise InputError(f"{part_name(part)} declares a DOCTYPE, which Word never writes (its entities could hide text); refused")
    return root


def part_name(part: Any) -> str:
    """The part's name inside the zip, without the leading slash (``"word/header1.xml"``)."""
    return str(part.partname).lstrip("/")


def outside_parts(document: Any) -> list[tuple[str, Any]]:
    """``(kind, part)`` for each part outside the body, each once, in reading order.

    Headers first (each section's in document order, its default, first-page and even-page
    header; a part shared by sections once), then the footnotes and the endnotes (kind
    ``note``), then the footers as the headers.
    """
    from docx.oxml.ns import qn

    related = document.part.related_parts
    sections = list(document.element.body.iter(f"{_W}sectPr"))
    found: list[tuple[str, Any]] = []
    seen: set[int] = set()

    def add(kind: str, part: Any) -> None:
        if id(part) not in seen:
            seen.add(id(part))
            found.append((kind, part))

    def add_references(kind: str) -> None:
        for section in sections:
            references = {reference.get(f"{_W}type") or "default": reference.get(qn("r:id"))
                          for reference in section.iterchildren(f"{_W}{kind}Reference")}
            for header_type in _HEADER_TYPES:
                part = related.get(references.get(header_type) or "")
                if part is not None:
                    add(kind, part)

    add_references("header")
    for suffix in ("/footnotes", "/endnotes"):
        for relationship in document.part.rels.values():
            if not relationship.is_external and relationship.reltype.endswith(suffix):
                add("note", relationship.target_part)
    add_references("footer")
    return found


def read_outside_blocks(document: Any) -> tuple[list[Block], list[Block], list[Block]]:
    """The header, note and footer blocks of a document (``outside_parts``), each with its place.

    A text box inside a header or footer is read as part of it (kind ``header`` or ``footer``):
    it is filled in again in the same part. Word's separator notes and paragraphs without
    text are skipped, and so is a paragraph holding only a field and no letter (a page number):
    there is nothing to translate in it, and it is left to Word to fill in.
    """
    read: dict[str, list[Block]] = {"header": [], "note": [], "footer": []}
    for kind, part in outside_parts(document):
        name = part_name(part)
        for ordinal, paragraph in enumerate(word_paragraphs(part_root(part))):
            if kind == "note" and _in_separator_note(paragraph):
                continue
            text = paragraph_text(paragraph)
            if text and (any(ch.isalpha() for ch in text) or not has_field(paragraph)):
                read[kind].append(Block(kind, text, place=word_place(name, ordinal)))
    return read["header"], read["note"], read["footer"]


def _in_separator_note(paragraph: Any) -> bool:
    note = next(paragraph.iterancestors(f"{_W}footnote", f"{_W}endnote"), None)
    return note is not None and note.get(f"{_W}type") in _SEPARATOR_NOTES


def not_read(document: Any) -> list[str]:
    """What of the document is not translated, in a reviewer's words, for ``Article.left_out``."""
    left_out = []
    comments = 0
    for relationship in document.part.rels.values():
        if not relationship.is_external and relationship.reltype.endswith("/comments"):
            root = part_root(relationship.target_part)
            comments += sum(1 for comment in root.iter(f"{_W}comment") if "".join(comment.itertext()).strip())
    if comments:
        left_out.append(f"{comments} comment(s) (Word comments are not part of the release)")
    counts: dict[str, int] = {}
    for part in [document.part, *(part for _, part in outside_parts(document))]:
        for relationship in part.rels.values():
            for suffix, what in _UNREAD_OBJECTS.items():
                if relationship.reltype.endswith(suffix):
                    counts[what] = counts.get(what, 0) + 1
    left_out.extend(f"{count} {what}" for what, count in counts.items())
    return left_out
