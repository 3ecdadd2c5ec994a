"""The source ``.docx`` reopened as the translation's template, and its parts filled in place.

When the article came from a ``.docx`` whose bytes are still those that were read
(``Article.sha256``: a place names a paragraph of that very file), ``open_template`` reopens it,
drops its comments and clears its body (keeping the section: page size, margins, header links).
Every block read from outside the body is then written back at its place (``Block.place``, see
``pipeline.reading.docx_parts``):

- a header, footer or note paragraph keeps its runs: the first run with text gets the
  translation, with its formatting, and the other runs' text is emptied (``fill_paragraph``);
  the ``mc:Fallback`` (VML) copy of a text box in such a part gets the same texts as its
  ``mc:Choice``;
- a text box of the body is copied (its drawing run) before the body is cleared, for
  ``pipeline.outputs.docx`` to put into the paragraph rebuilt from its anchor paragraph;
- the run of a footnote or endnote reference is kept, for the paragraph that had it.

A source that cannot be reused adds a warning to the article, and the caller uses Word's
default template.
"""

import copy
import hashlib
import io
from pathlib import Path
from typing import Any

from pipeline.article import Article, Block
from pipeline.errors import InputError
from pipeline.files import read_limited
from pipeline.reading.docx import MAX_DOCX_BYTES
from pipeline.reading.docx_parts import (
    MC_NAMESPACE,
    WORD_NAMESPACE,
    owned_elements,
    parse_word_place,
    parse_word_xml,
    part_name,
    word_paragraphs,
)

_W = WORD_NAMESPACE
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
# The parts whose paragraphs are filled in place and whose runs may hold Chinese.
_STORY_RELATIONSHIPS = ("/header", "/footer", "/footnotes", "/endnotes")
_COMMENT_RELATIONSHIPS = ("/comments", "/commentsExtended", "/commentsIds", "/commentsExtensible")
_COMMENT_MARKS = (f"{_W}commentRangeStart", f"{_W}commentRangeEnd")
# What a paragraph's text was read from besides w:t; the translation replaces it too.
_TEXT_MARKS = (f"{_W}br", f"{_W}cr", f"{_W}noBreakHyphen", f"{_W}softHyphen")


class PartTree:
    """The XML of one package part, to change and save: python-docx's element, or a parsed blob."""

    def __init__(self, part: Any) -> None:
        self.part = part
        self.name = part_name(part)
        element = getattr(part, "element", None)
        self._parsed = element is None
        self.root = parse_word_xml(part.blob) if element is None else element
        self._paragraphs: list[Any] | None = None
        self.filled: dict[Any, str] = {}  # paragraph -> the text it was given

    def paragraph(self, ordinal: int) -> Any:
        """Paragraph ``ordinal`` of ``word_paragraphs`` (as at the first call), or None."""
        if self._paragraphs is None:
            self._paragraphs = word_paragraphs(self.root)
        return self._paragraphs[ordinal] if ordinal < len(self._paragraphs) else None

    def save(self) -> None:
        """Write a parsed blob back into its part (python-docx serializes its own elements)."""
        if self._parsed:
            from lxml import etree

            # python-docx keeps a part it does not model as bytes, with no setter for them
            self.part._blob = etree.tostring(self.root, xml_declaration=True, encoding="UTF-8", standalone=True)


def story_trees(document: Any) -> list[PartTree]:
    """The headers, footers, footnotes and endnotes of ``document``, each once."""
    trees = []
    seen: set[int] = set()
    for relationship in document.part.rels.values():
        if relationship.is_external or not relationship.reltype.endswith(_STORY_RELATIONSHIPS):
            continue
        if id(relationship.target_part) not in seen:
            seen.add(id(relationship.target_part))
            trees.append(PartTree(relationship.target_part))
    return trees


def fill_paragraph(paragraph: Any, text: str) -> None:
    """Put ``text`` into a ``w:p`` in place of its own text (not that of a text box in it).

    The first run with text keeps its formatting and gets ``text``; the other runs' text is
    emptied, and what was read as part of the text (line breaks, hyphens) is removed. A field
    (a page number, a date) becomes its current result: its code is removed, so that Word does
    not add the field's result to a translation that already holds it.
    """
    for simple in owned_elements(paragraph, f"{_W}fldSimple"):
        parent = simple.getparent()
        position = parent.index(simple)
        for child in [child for child in simple if child.tag != f"{_W}fldData"]:
            parent.insert(position, child)
            position += 1
        parent.remove(simple)
    for tag in (f"{_W}fldChar", f"{_W}instrText"):
        for element in owned_elements(paragraph, tag):
            run = element.getparent()
            if run is not None and run.getparent() is not None:
                run.getparent().remove(run)
    for tag in _TEXT_MARKS:
        for element in owned_elements(paragraph, tag):
            if element.tag != f"{_W}br" or element.get(f"{_W}type") in (None, "textWrapping"):
                element.getparent().remove(element)
    texts = owned_elements(paragraph, f"{_W}t")
    if not texts:
        run = paragraph.makeelement(f"{_W}r", {})
        texts = [run.makeelement(f"{_W}t", {})]
        run.append(texts[0])
        paragraph.append(run)
    texts[0].text = text
    texts[0].set(_XML_SPACE, "preserve")
    for other in texts[1:]:
        for child in list(other):
            other.remove(child)
        other.text = ""


def _copy_fallbacks(root: Any, filled: dict[Any, str]) -> None:
    """Give each ``mc:Fallback`` paragraph the text its ``mc:Choice`` counterpart was given."""
    for alternate in root.iter(f"{MC_NAMESPACE}AlternateContent"):
        choice = alternate.find(f"{MC_NAMESPACE}Choice")
        fallback = alternate.find(f"{MC_NAMESPACE}Fallback")
        if choice is None or fallback is None:
            continue
        for chosen, copied in zip(word_paragraphs(choice), word_paragraphs(fallback)):
            if chosen in filled:
                fill_paragraph(copied, filled[chosen])


def _remove_comment_marks(root: Any) -> None:
    # The comments are not carried over; a mark left pointing at none makes Word report damage.
    for element in list(root.iter(*_COMMENT_MARKS, f"{_W}commentReference")):
        parent = element.getparent()
        if element.tag == f"{_W}commentReference" and parent is not None and parent.tag == f"{_W}r":
            element, parent = parent, parent.getparent()
        if parent is not None:
            parent.remove(element)


class SourceTemplate:
    """The source ``.docx`` reopened as the translation's template, its body cleared.

    Knows where each placed block goes: the paragraphs of headers, footers and notes by part
    and ordinal, the body's text boxes (copied before the body was cleared) and the runs of
    the body's note references.
    """

    def __init__(self, document: Any, blocks: list[Block]) -> None:
        self.document = document
        self.trees = {tree.name: tree for tree in story_trees(document)}
        for relationship_id, relationship in list(document.part.rels.items()):
            if relationship.reltype.endswith(_COMMENT_RELATIONSHIPS):
                document.part.drop_rel(relationship_id)
        for tree in self.trees.values():
            _remove_comment_marks(tree.root)
        body = document.element.body
        _remove_comment_marks(body)
        self._references = self._reference_runs(body)
        self._boxes = self._text_boxes(document, blocks)
        self.copies: list[Any] = []  # the text box runs placed in the new body
        for child in list(body.iterchildren()):
            if not child.tag.endswith("}sectPr"):  # keep page size, margins, header links
                body.remove(child)

    @staticmethod
    def _reference_runs(body: Any) -> dict[tuple[str, str], Any]:
        runs: dict[tuple[str, str], Any] = {}
        for kind in ("footnote", "endnote"):
            for reference in body.iter(f"{_W}{kind}Reference"):
                key = (kind, reference.get(f"{_W}id") or "")
                run = reference.getparent()
                if key in runs or run is None or run.tag != f"{_W}r":
                    continue
                # the run's formatting (superscript, the reference style) and the reference alone
                mark = run.makeelement(f"{_W}r", {})
                properties = run.find(f"{_W}rPr")
                if properties is not None:
                    mark.append(copy.deepcopy(properties))
                mark.append(copy.deepcopy(reference))
                runs[key] = mark
        return runs

    @staticmethod
    def _text_boxes(document: Any, blocks: list[Block]) -> dict[str, tuple[Any, Any, Any, Any]]:
        """place -> (its paragraph in the copy, the copied run, the source anchor run, the source anchor paragraph)."""
        name = part_name(document.part)
        paragraphs: list[Any] | None = None
        copies: dict[Any, tuple[Any, dict[Any, Any]]] = {}  # source anchor run -> (copy, source paragraph -> copied)
        found = {}
        for block in blocks:
            place = parse_word_place(block.place) if block.kind == "text_box" else None
            if place is None or place[0] != name:
                continue
            if paragraphs is None:
                paragraphs = word_paragraphs(document.element)
            source = paragraphs[place[1]] if place[1] < len(paragraphs) else None
            anchor = _anchor(source) if source is not None else None
            if anchor is None:
                continue
            run, top = anchor
            if run not in copies:
                copied = copy.deepcopy(run)
                copies[run] = (copied, dict(zip(word_paragraphs(run), word_paragraphs(copied))))
            copied_run, mapping = copies[run]
            if source in mapping:
                found[block.place] = (mapping[source], copied_run, run, top)
        return found

    def fill(self, place: str, text: str) -> bool:
        """Fill the header, footer or note paragraph at ``place`` with ``text``; False when there is none."""
        parsed = parse_word_place(place)
        tree = self.trees.get(parsed[0]) if parsed else None
        paragraph = tree.paragraph(parsed[1]) if tree is not None and parsed is not None else None
        if tree is None or paragraph is None:
            return False
        fill_paragraph(paragraph, text)
        tree.filled[paragraph] = text
        return True

    def text_box(self, place: str) -> tuple[Any, Any, Any, Any] | None:
        """(paragraph to fill, the copied run, the source anchor run, the source anchor paragraph) of a body text box."""
        return self._boxes.get(place)

    def reference(self, kind: str, note_id: str) -> Any:
        """A new run holding the body's reference to note ``note_id``, or None when the body had none."""
        run = self._references.get((kind, note_id))
        return copy.deepcopy(run) if run is not None else None

    def finish(self, filled_boxes: dict[Any, str]) -> None:
        """Give the fallback copies their texts and save the parts changed."""
        for tree in self.trees.values():
            if tree.filled:
                _copy_fallbacks(tree.root, tree.filled)
            tree.save()
        for run in self.copies:
            _copy_fallbacks(run, filled_boxes)


def _anchor(paragraph: Any) -> tuple[Any, Any] | None:
    """The body run holding the text box ``paragraph`` is in, and the body paragraph holding that run.

    Both are the outermost: a text box inside a text box moves with the outer one.
    """
    run = found = None
    for ancestor in paragraph.iterancestors():
        if ancestor.tag == f"{_W}r":
            run = ancestor
        elif ancestor.tag == f"{_W}p" and run is not None:
            found = (run, ancestor)
    return found


def open_template(article: Article) -> SourceTemplate | None:
    """The article's ``.docx`` source reopened as its translation's template, or None.

    None for a source of another type, and for a ``.docx`` that changed since it was read or
    cannot be read or opened again: then a warning saying so is added to ``article.warnings``
    (once), and the caller uses Word's default template.
    """
    import docx

    source = article.source
    if source is None or Path(source).suffix.lower() != ".docx":
        return None
    try:
        data = read_limited(Path(source), MAX_DOCX_BYTES, "a Word article")
        if article.sha256 and hashlib.sha256(data).hexdigest() != article.sha256:
            reason = "it changed after it was read"
        else:
            return SourceTemplate(docx.Document(io.BytesIO(data)), article.blocks)
    except (InputError, OSError) as error:
        reason = f"it cannot be read again ({error})"
    except Exception as error:  # noqa: BLE001 - any parser failure: fall back to Word's default template
        reason = f"it cannot be opened again ({type(error).__name__})"
    warning = f"en.docx/zh.docx do not reuse the source document, since {reason}: default Word styles used, headers and footers rebuilt"
    if warning not in article.warnings:
        article.warnings.append(warning)
    return None


def child_element(parent: Any, tag: str, after: tuple[str, ...] = (), before: frozenset[str] | None = None) -> Any:
    """``parent``'s ``tag`` child, added when missing where the schema wants it.

    Added after the leading children tagged ``after`` (first when none), or, given ``before``,
    before the first child tagged one of those (last when none).
    """
    found = parent.find(tag)
    if found is not None:
        return found
    found = parent.makeelement(tag, {})
    if before is not None:
        position = next((index for index, child in enumerate(parent) if child.tag in before), len(parent))
    else:
        position = 0
        while position < len(parent) and parent[position].tag in after:
            position += 1
    parent.insert(position, found)
    return found
