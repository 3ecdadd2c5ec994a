"""``en.docx`` and ``zh.docx``: the translations as Word documents with the source's structure.

Title, headings, paragraphs, bulleted and numbered list items and tables are rebuilt with
Word's own styles. When the article came from a ``.docx``, that document is the template: its
styles, page setup, numbering, headers, footers and notes are kept, the body is rebuilt from
the blocks, and every block read from outside the body is written back at its place
(``Block.place``, see ``pipeline.reading.docx_parts``):

- a header, footer or note paragraph keeps its runs: the first run with text gets the
  translation, with its formatting, and the other runs' text is emptied; the ``mc:Fallback``
  (VML) copy of a text box in such a part gets the same texts as its ``mc:Choice``;
- a text box of the body is carried over from the source (its drawing run, copied before the
  body is cleared) into the paragraph rebuilt from its anchor paragraph, or into a paragraph of
  its own where the anchor had no text, with its paragraphs filled in the same way;
- a footnote or endnote reference goes back at the end of the paragraph that had it.

Comments are not carried over (the reader leaves them out). The source is reopened only when
its bytes are still those that were read (``Article.sha256``), since a place names a paragraph
of that very file; otherwise, or for a source of another type, Word's default template is
used: header blocks go into the section's header, footer blocks into its footer, text boxes
become paragraphs where they stand and notes paragraphs at the end, under a rule.

The Chinese document uses one East Asian font, ``CHINESE_FONT``, everywhere (``set_chinese_fonts``).
Both documents take the translated title as their title property.
"""

import copy
import hashlib
import io
import re
from pathlib import Path
from typing import Any

from pipeline.article import OUTSIDE_FLOW_KINDS, Article, Block
from pipeline.errors import InputError
from pipeline.files import read_limited
from pipeline.joining import join_pieces
from pipeline.reading.docx import MAX_DOCX_BYTES
from pipeline.reading.docx_parts import (
    MC_NAMESPACE,
    WORD_NAMESPACE,
    note_references,
    owned_elements,
    paragraph_text,
    parse_word_place,
    parse_word_xml,
    part_name,
    word_paragraphs,
)

#: Fonts Word uses for the Chinese document's East Asian text (Windows, then macOS fallbacks
#: are Word's own business).
CHINESE_FONT = "Microsoft YaHei"

_W = WORD_NAMESPACE
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_CHINESE = re.compile("[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
# The parts whose paragraphs are filled in place and whose runs may hold Chinese.
_STORY_RELATIONSHIPS = ("/header", "/footer", "/footnotes", "/endnotes")
_COMMENT_RELATIONSHIPS = ("/comments", "/commentsExtended", "/commentsIds", "/commentsExtensible")
_COMMENT_MARKS = (f"{_W}commentRangeStart", f"{_W}commentRangeEnd")
# What a paragraph's text was read from besides w:t; the translation replaces it too.
_TEXT_MARKS = (f"{_W}br", f"{_W}cr", f"{_W}noBreakHyphen", f"{_W}softHyphen")
# The children of a w:style that come after its w:rPr (ECMA-376 CT_Style order).
_AFTER_STYLE_RPR = frozenset(f"{_W}{tag}" for tag in ("tblPr", "trPr", "tcPr", "tblStylePr"))
# The children of a w:rPr that come after w:lang (ECMA-376 CT_RPr order).
_AFTER_LANG = frozenset(f"{_W}{tag}" for tag in ("eastAsianLayout", "specVanish", "oMath", "rPrChange"))


class _PartTree:
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


def _story_trees(document: Any) -> list[_PartTree]:
    """The headers, footers, footnotes and endnotes of ``document``, each once."""
    trees = []
    seen: set[int] = set()
    for relationship in document.part.rels.values():
        if relationship.is_external or not relationship.reltype.endswith(_STORY_RELATIONSHIPS):
            continue
        if id(relationship.target_part) not in seen:
            seen.add(id(relationship.target_part))
            trees.append(_PartTree(relationship.target_part))
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


class _Template:
    """The source ``.docx`` reopened as the translation's template, its body cleared.

    Knows where each placed block goes: the paragraphs of headers, footers and notes by part
    and ordinal, the body's text boxes (copied before the body was cleared) and the runs of
    the body's note references.
    """

    def __init__(self, document: Any, blocks: list[Block]) -> None:
        self.document = document
        self.trees = {tree.name: tree for tree in _story_trees(document)}
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


def _open_template(article: Article) -> _Template | None:
    import docx

    source = article.source
    if source is None or Path(source).suffix.lower() != ".docx":
        return None
    try:
        data = read_limited(Path(source), MAX_DOCX_BYTES, "a Word article")
        if article.sha256 and hashlib.sha256(data).hexdigest() != article.sha256:
            reason = "it changed after it was read"
        else:
            return _Template(docx.Document(io.BytesIO(data)), article.blocks)
    except (InputError, OSError) as error:
        reason = f"it cannot be read again ({error})"
    except Exception as error:  # noqa: BLE001 - any parser failure: fall back to Word's default template
        reason = f"it cannot be opened again ({type(error).__name__})"
    warning = f"en.docx/zh.docx do not reuse the source document, since {reason}: default Word styles used, headers and footers rebuilt"
    if warning not in article.warnings:
        article.warnings.append(warning)
    return None


def _style(document: Any, *names: str) -> str | None:
    available = {style.name for style in document.styles}
    return next((name for name in names if name in available), None)


def _child(parent: Any, tag: str, after: tuple[str, ...] = (), before: frozenset[str] | None = None) -> Any:
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


def _chinese_fonts(properties: Any, hint: bool = False) -> None:
    """Set a ``w:rPr``'s East Asian font to ``CHINESE_FONT``; no theme font wins over it."""
    fonts = _child(properties, f"{_W}rFonts", after=(f"{_W}rStyle",))
    fonts.attrib.pop(f"{_W}eastAsiaTheme", None)  # a theme font wins over w:eastAsia (ECMA-376 17.3.2.26)
    fonts.set(f"{_W}eastAsia", CHINESE_FONT)
    if hint:
        # punctuation shared with Latin text (quotes, dashes) then takes the East Asian font too
        fonts.set(f"{_W}hint", "eastAsia")


def _chinese_style_fonts(styles: Any) -> None:
    defaults = styles.find(f"{_W}docDefaults")
    if defaults is None:
        defaults = styles.makeelement(f"{_W}docDefaults", {})
        styles.insert(0, defaults)
    default_properties = _child(_child(defaults, f"{_W}rPrDefault"), f"{_W}rPr")
    holders = [default_properties]
    for style in styles.iterchildren(f"{_W}style"):
        if (style.get(f"{_W}type") or "paragraph") in ("paragraph", "character", "table"):
            holders.append(_child(style, f"{_W}rPr", before=_AFTER_STYLE_RPR))
    for properties in holders:
        _chinese_fonts(properties)
        language = properties.find(f"{_W}lang")
        if language is None:
            language = properties.makeelement(f"{_W}lang", {})
            position = next((index for index, child in enumerate(properties) if child.tag in _AFTER_LANG), len(properties))
            properties.insert(position, language)
        language.set(f"{_W}eastAsia", "zh-CN")
    _no_theme_fonts(styles)


def _no_theme_fonts(root: Any) -> None:
    # Any other font choice that names the East Asian theme font (a table style's conditional
    # formatting, a paragraph mark): the same font instead.
    for fonts in root.iter(f"{_W}rFonts"):
        if fonts.get(f"{_W}eastAsiaTheme") is not None:
            del fonts.attrib[f"{_W}eastAsiaTheme"]
            fonts.set(f"{_W}eastAsia", CHINESE_FONT)


def _chinese_run_fonts(root: Any) -> None:
    for run in root.iter(f"{_W}r"):
        if any(_CHINESE.search(text.text or "") for text in run.iterchildren(f"{_W}t")):
            _chinese_fonts(_child(run, f"{_W}rPr"), hint=True)
    _no_theme_fonts(root)


def set_chinese_fonts(document: Any) -> None:
    """Make ``document`` write its East Asian text in ``CHINESE_FONT`` alone, proofed as zh-CN.

    The document defaults and every paragraph, character and table style get ``CHINESE_FONT``
    as their East Asian font and zh-CN as their East Asian language; every run holding Chinese
    in the body, headers, footers and notes gets the font itself (and the ``eastAsia`` hint,
    so that quotes and dashes between Chinese characters take it too). The theme-font attribute
    ``w:eastAsiaTheme``, which wins over ``w:eastAsia``, is removed wherever it appears: left on
    the headings, it made them fall back to the theme's font while the body used this one.
    ``w:hint`` only chooses between a run's fonts for characters several scripts share, so it
    never overrides the East Asian font and is kept.
    """
    _chinese_style_fonts(document.styles.element)
    for relationship in document.part.rels.values():
        if not relationship.is_external and relationship.reltype.endswith("/stylesWithEffects"):
            tree = _PartTree(relationship.target_part)  # what Word 2010 reads in place of styles.xml
            _chinese_style_fonts(tree.root)
            tree.save()
    _chinese_run_fonts(document.element)
    for tree in _story_trees(document):
        _chinese_run_fonts(tree.root)
        tree.save()


def _add_block(document: Any, block: Block, text: str) -> Any:
    if block.kind == "title":
        style = _style(document, "Title", "Heading 1")
        return document.add_paragraph(text, style=style)
    if block.kind == "heading":
        level = max(1, min(9, len(block.marker) if block.marker.startswith("#") else 1))  # "#" is Heading 1
        style = _style(document, f"Heading {level}", "Heading 1")
        return document.add_paragraph(text, style=style)
    if block.kind == "list_item":
        numbered = block.marker[:1].isdigit()
        style = _style(document, "List Number" if numbered else "List Bullet", "List Paragraph")
        if style is None:  # a template without list styles: keep the marker in the text
            return document.add_paragraph(f"{block.marker} {text}")
        return document.add_paragraph(text, style=style)
    return document.add_paragraph(text)


class _BodyWriter:
    """Writes the blocks into the document in order; keeps what goes elsewhere for the end."""

    def __init__(self, document: Any, template: _Template | None) -> None:
        self.document = document
        self.template = template
        self.outside: dict[str, list[str]] = {kind: [] for kind in OUTSIDE_FLOW_KINDS}
        self.filled_boxes: dict[Any, str] = {}
        self._table: list[tuple[Block, str]] = []  # cells of the table being collected
        self._last: tuple[str, Any] | None = None  # (source text, paragraph) of the last body paragraph
        self._box_host: tuple[Any, Any] | None = None  # (source anchor paragraph, paragraph) of the last text box

    def add(self, block: Block, text: str) -> None:
        """Write one block (or keep it: a table's cells until the table ends, loose notes)."""
        if block.kind in ("header", "footer", "note"):
            if not (self.template and self.template.fill(block.place, text)):
                self.outside[block.kind].append(text)
            return
        if block.kind == "table_cell" and block.cell is not None:
            if self._table and self._table[0][0].cell and self._table[0][0].cell[0] != block.cell[0]:
                self.flush_table()
            self._table.append((block, text))
            return
        self.flush_table()
        if block.kind == "text_box":
            self._text_box(block, text)
            return
        paragraph = _add_block(self.document, block, text)
        self._add_references(paragraph, block)
        self._last, self._box_host = (block.text, paragraph), None

    def _text_box(self, block: Block, text: str) -> None:
        found = self.template.text_box(block.place) if self.template else None
        if found is None:
            self.document.add_paragraph(text)
            self._last = self._box_host = None
            return
        paragraph, run, source_run, anchor = found
        fill_paragraph(paragraph, text)
        self.filled_boxes[paragraph] = text
        if run.getparent() is not None:  # placed with an earlier paragraph of the same text box
            return
        if self._box_host is not None and self._box_host[0] is anchor:
            host = self._box_host[1]
        elif self._last is not None and self._last[0] == paragraph_text(anchor):
            host = self._last[1]  # the paragraph rebuilt from the anchor: the box stays with its text
        else:
            host = self.document.add_paragraph()
        host._p.append(run)
        assert self.template is not None  # found through it
        self.template.copies.append(run)
        self._box_host, self._last = (anchor, host), None

    def _add_references(self, paragraph: Any, block: Block) -> None:
        if self.template is None:
            return
        for kind, note_id in note_references(block.place):
            run = self.template.reference(kind, note_id)
            if run is not None:
                paragraph._p.append(run)

    def flush_table(self) -> None:
        """Write the table collected so far."""
        cells, self._table = self._table, []
        if not cells:
            return
        rows = max(block.cell[1] for block, _ in cells if block.cell) + 1
        columns = max(block.cell[2] for block, _ in cells if block.cell) + 1
        table = self.document.add_table(rows=rows, cols=columns)
        style = _style(self.document, "Table Grid")
        if style:
            table.style = style
        for block, text in cells:
            if block.cell:
                cell = table.cell(block.cell[1], block.cell[2])
                cell.text = text
                self._add_references(cell.paragraphs[-1], block)
        self._last = self._box_host = None

    def finish(self) -> None:
        """Write what found no place: headers and footers into the section, notes at the end."""
        self.flush_table()
        section = self.document.sections[-1]
        for kind, story in (("header", section.header), ("footer", section.footer)):
            for number, text in enumerate(self.outside[kind]):
                if number == 0 and story.paragraphs and not story.paragraphs[0].text:
                    story.paragraphs[0].text = text
                else:
                    story.add_paragraph(text)
        notes = self.outside["note"]
        if notes:
            self._rule()
            for text in notes:
                self.document.add_paragraph(text, style=_style(self.document, "footnote text", "Footnote Text"))
        if self.template is not None:
            self.template.finish(self.filled_boxes)

    def _rule(self) -> None:
        # a line above the notes, as Word draws above footnotes: a border, not a heading or text
        paragraph = self.document.add_paragraph()._p
        borders = _child(paragraph.get_or_add_pPr(), f"{_W}pBdr")
        borders.append(borders.makeelement(f"{_W}bottom", {f"{_W}val": "single", f"{_W}sz": "6", f"{_W}space": "1", f"{_W}color": "auto"}))


def _translated_title(article: Article, language: str) -> str:
    for block in article.blocks:
        if block.kind == "title":
            return join_pieces([getattr(sentence, language) for sentence in block.sentences])
        if block.kind not in OUTSIDE_FLOW_KINDS:
            break
    return ""


def render_docx(article: Article, language: str) -> bytes:
    """The bytes of ``<language>.docx`` for a translated article (``en`` or ``zh``).

    See the module docstring for what is kept of a ``.docx`` source. A source that cannot be
    reused adds a warning to ``article.warnings``.
    """
    import docx

    template = _open_template(article)
    document = template.document if template is not None else docx.Document()
    writer = _BodyWriter(document, template)
    for block in article.blocks:
        writer.add(block, join_pieces([getattr(sentence, language) for sentence in block.sentences]))
    writer.finish()
    if language == "zh":
        set_chinese_fonts(document)
    document.core_properties.title = _translated_title(article, language)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


__all__ = ["CHINESE_FONT", "fill_paragraph", "render_docx", "set_chinese_fonts"]
