"""One East Asian font for the Chinese Word documents (``zh.docx``, ``bilingual.docx``).

``set_chinese_fonts`` gives every style, and every run holding Chinese, ``CHINESE_FONT`` as
its East Asian font and zh-CN as its East Asian language, and removes the theme-font choices
that would win over it.
"""

import re
from typing import Any

from pipeline.outputs.docx_template import PartTree, child_element, story_trees
from pipeline.reading.docx_parts import WORD_NAMESPACE

#: Fonts Word uses for the Chinese document's East Asian text (Windows, then macOS fallbacks
#: are Word's own business).
CHINESE_FONT = "Microsoft YaHei"

_W = WORD_NAMESPACE
_CHINESE = re.compile("[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
# The children of a w:style that come after its w:rPr (ECMA-376 CT_Style order).
_AFTER_STYLE_RPR = frozenset(f"{_W}{tag}" for tag in ("tblPr", "trPr", "tcPr", "tblStylePr"))
# The children of a w:rPr that come after w:lang (ECMA-376 CT_RPr order).
_AFTER_LANG = frozenset(f"{_W}{tag}" for tag in ("eastAsianLayout", "specVanish", "oMath", "rPrChange"))


def _chinese_fonts(properties: Any, hint: bool = False) -> None:
    """Set a ``w:rPr``'s East Asian font to ``CHINESE_FONT``; no theme font wins over it."""
    fonts = child_element(properties, f"{_W}rFonts", after=(f"{_W}rStyle",))
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
    default_properties = child_element(child_element(defaults, f"{_W}rPrDefault"), f"{_W}rPr")
    holders = [default_properties]
    for style in styles.iterchildren(f"{_W}style"):
        if (style.get(f"{_W}type") or "paragraph") in ("paragraph", "character", "table"):
            holders.append(child_element(style, f"{_W}rPr", before=_AFTER_STYLE_RPR))
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
            _chinese_fonts(child_element(run, f"{_W}rPr"), hint=True)
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
            tree = PartTree(relationship.target_part)  # what Word 2010 reads in place of styles.xml
            _chinese_style_fonts(tree.root)
            tree.save()
    _chinese_run_fonts(document.element)
    for tree in story_trees(document):
        _chinese_run_fonts(tree.root)
        tree.save()
