"""Word's paragraph styles and list numbers, as the Word reader (``reading.docx``) needs them."""

from typing import Any

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_ROMAN = (("m", 1000), ("cm", 900), ("d", 500), ("cd", 400), ("c", 100), ("xc", 90), ("l", 50), ("xl", 40), ("x", 10), ("ix", 9), ("v", 5), ("iv", 4), ("i", 1))


class Styles:
    """The document's paragraph styles, indexed once: id -> ``w:style`` element, and the default.

    python-docx's ``Paragraph.style`` and ``base_style`` search the whole styles part on every
    call (an XPath over every ``w:style``, or a scan for the default), so a document with tens
    of thousands of styles cost paragraphs times styles; here each look-up is a dictionary's.
    As in python-docx, an id that names no paragraph style gives the default paragraph style
    (the last one marked default, as ECMA-376 says), and a style without ``w:type`` is a
    paragraph style, as the standard says.
    """

    def __init__(self, document: Any) -> None:
        self._by_id: dict[str, Any] = {}
        self._default: Any = None
        for style in document.styles.element.iterchildren(f"{_W}style"):
            if (style.get(f"{_W}type") or "paragraph") != "paragraph":
                continue
            style_id = style.get(f"{_W}styleId")
            if style_id is not None:
                self._by_id.setdefault(style_id, style)  # the first, as python-docx finds it
            if style.get(f"{_W}default") in ("1", "true", "on"):
                self._default = style

    def of(self, paragraph: Any) -> Any:
        """The ``w:style`` element of a ``w:p``: its ``w:pStyle``'s, else the default (None when none)."""
        reference = paragraph.find(f"{_W}pPr/{_W}pStyle")
        style_id = reference.get(f"{_W}val") if reference is not None else None
        return self._by_id.get(style_id, self._default) if style_id is not None else self._default

    def name(self, style: Any) -> str:
        """The style's name as Word shows it ("Heading 1" for the stored "heading 1"); "" when none."""
        from docx.styles import BabelFish

        found = style.find(f"{_W}name") if style is not None else None
        name = found.get(f"{_W}val") if found is not None else None
        return BabelFish.internal2ui(name) if name else ""

    def base(self, style: Any) -> Any:
        """The paragraph style ``style`` is based on, or None."""
        found = style.find(f"{_W}basedOn")
        return self._by_id.get(found.get(f"{_W}val")) if found is not None else None


class ListNumbers:
    """Works out the marker Word shows before a list paragraph ("-", "3.", "b)", "2.1.").

    Word numbers a paragraph through its numbering properties (its own ``w:numPr``, or its
    style's): a ``w:num`` instance points to an abstract definition whose level ``ilvl`` gives
    the format (``decimal``, ``lowerLetter``, ``upperRoman``, ``bullet``...), the text around
    the number (``%1.``, ``(%1)``, ``%1.%2.``) and the start value; items of one instance are
    counted in document order, and an item resets the counts of the levels below it. A list
    style without numbering definitions ("List Number" in a bare template) is counted by its
    run of consecutive paragraphs instead.
    """

    def __init__(self, document: Any, styles: Styles) -> None:
        self._styles = styles
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            numbering = None
        abstracts: dict[str, Any] = {}
        self._num: dict[str, tuple[str, dict[int, int]]] = {}  # numId -> (abstractNumId, start overrides)
        if numbering is not None:
            for abstract in numbering.findall(f"{_W}abstractNum"):
                abstracts[abstract.get(f"{_W}abstractNumId")] = abstract
            for num in numbering.findall(f"{_W}num"):
                abstract_id = num.find(f"{_W}abstractNumId")
                overrides = {}
                for override in num.findall(f"{_W}lvlOverride"):
                    start = override.find(f"{_W}startOverride")
                    if start is not None:
                        overrides[int(override.get(f"{_W}ilvl", "0"))] = int(start.get(f"{_W}val", "1"))
                if abstract_id is not None:
                    self._num[num.get(f"{_W}numId")] = (abstract_id.get(f"{_W}val"), overrides)
        # (abstractNumId, ilvl) -> the level's definition, the first of that level, built once
        # so that each paragraph looks its level up instead of scanning the definitions
        self._levels: dict[tuple[str, str], Any] = {}
        for abstract_id, abstract in abstracts.items():
            for definition in abstract.findall(f"{_W}lvl"):
                self._levels.setdefault((abstract_id, definition.get(f"{_W}ilvl")), definition)
        self._counts: dict[str, list[int | None]] = {}
        self._run_style, self._run_count = "", 0

    def marker(self, paragraph: Any, style: Any) -> str | None:
        """The paragraph's list marker, or None when it is not a list item (call in order).

        ``style`` is the paragraph's ``w:style`` element (``Styles.of``), or None.
        """
        style_name = self._styles.name(style)
        num_id, level = self._numbering_of(paragraph, style)
        if num_id is None and not style_name.startswith("List"):
            self._run_style, self._run_count = "", 0
            return None
        definition = self._level(num_id, level) if num_id is not None else None
        if definition is None:  # a list style whose numbering Word would take from elsewhere
            if "Bullet" in style_name or "Number" not in style_name:
                return "-"
            self._run_count = self._run_count + 1 if self._run_style == style_name else 1
            self._run_style = style_name
            return f"{self._run_count}."
        assert num_id is not None  # the definition was found through it
        fmt = _attribute(definition, "numFmt") or "decimal"
        if fmt in ("bullet", "none"):
            return "-"
        counts = self._counts.setdefault(num_id, [None] * 9)
        level = min(level, 8)
        previous = counts[level]
        counts[level] = previous + 1 if previous is not None else self._start(num_id, level)
        for deeper in range(level + 1, 9):
            counts[deeper] = None
        text = _attribute(definition, "lvlText") or f"%{level + 1}."

        def number(match_level: int) -> str:
            counted = counts[match_level]
            value = counted if counted is not None else self._start(num_id, match_level)
            level_definition = self._level(num_id, match_level)
            return _format_number(value, (_attribute(level_definition, "numFmt") if level_definition is not None else None) or "decimal")

        for index in range(9, 0, -1):
            text = text.replace(f"%{index}", number(index - 1))
        return text.strip() or "-"

    def _numbering_of(self, paragraph: Any, style: Any) -> tuple[str | None, int]:
        # The paragraph's own numPr wins; otherwise the style's, or the style it is based on.
        holders = [paragraph]
        while style is not None and len(holders) < 10:
            holders.append(style)
            style = self._styles.base(style)
        for holder in holders:
            properties = holder.find(f"{_W}pPr")
            num_pr = properties.find(f"{_W}numPr") if properties is not None else None
            if num_pr is None:
                continue
            num_id = _attribute(num_pr, "numId")
            level = _attribute(num_pr, "ilvl")
            if num_id in (None, "0"):  # numId 0 switches numbering off
                return None, 0
            return num_id, int(level or 0)
        return None, 0

    def _level(self, num_id: str, level: int) -> Any:
        abstract_id, _ = self._num.get(num_id, (None, {}))
        return self._levels.get((abstract_id, str(level))) if abstract_id is not None else None

    def _start(self, num_id: str, level: int) -> int:
        # Word keeps start values within 0..32767; a crafted 10**10 would make a roman numeral or
        # a run of letters of billions of characters, so a value outside is held to that range.
        _, overrides = self._num.get(num_id, (None, {}))
        if level in overrides:
            return min(max(overrides[level], 0), MAX_LIST_START)
        definition = self._level(num_id, level)
        start = _attribute(definition, "start") if definition is not None else None
        return min(max(int(start), 0), MAX_LIST_START) if start and start.lstrip("-").isdigit() else 1


#: The largest list start value Word offers.
MAX_LIST_START = 32767


def _attribute(element: Any, child: str) -> str | None:
    found = element.find(f"{_W}{child}")
    return found.get(f"{_W}val") if found is not None else None


def _format_number(value: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter") and value > 0:
        letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)  # Word: a..z, aa..zz
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman") and value > 0:
        roman, rest = "", value
        for numeral, amount in _ROMAN:
            while rest >= amount:
                roman, rest = roman + numeral, rest - amount
        return roman.upper() if fmt == "upperRoman" else roman
    if fmt == "decimalZero":
        return f"{value:02d}"
    return str(value)


__all__ = ["MAX_LIST_START", "ListNumbers", "Styles"]
