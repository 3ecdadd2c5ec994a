"""``article.tmx``: the aligned sentences as a TMX 1.4b translation memory for CAT tools.

One translation unit per source sentence with ``id``, ``en`` and ``zh-CN`` variants (a variant
is left out when its text is empty, as TMX requires a segment to carry text). A sentence that
passed through as English has an ``en`` source variant (and ``srclang="en"`` on its unit)
instead of an ``id`` one. Written with
ElementTree, which escapes ``<``, ``&`` and ``]]>`` in article text; characters XML 1.0 cannot
hold at all (most ASCII control characters) become spaces.
"""

import re
import xml.etree.ElementTree as ElementTree
from datetime import UTC, datetime

from pipeline.article import Article
from pipeline.version import __version__

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
TMX_LANGUAGES = {"id": "id", "en": "en", "zh": "zh-CN"}
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _NOT_IN_XML.sub(" ", text)


def render_tmx(article: Article, targets: tuple[str, ...]) -> str:
    """The TMX 1.4b document for ``article`` (source ``id``, the ``targets`` as variants)."""
    root = ElementTree.Element("tmx", version="1.4")
    ElementTree.SubElement(
        root, "header",
        {
            "creationtool": "warta", "creationtoolversion": __version__, "segtype": "sentence", "datatype": "plaintext",
            "adminlang": "en", "srclang": "id", "o-tmf": "warta",
            "creationdate": datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"),
        },
    )
    body = ElementTree.SubElement(root, "body")
    for number, (block_number, sentence_number, block, sentence) in enumerate(article.numbered_sentences(), start=1):
        unit = ElementTree.SubElement(body, "tu", tuid=str(number))
        for name, value in (("x-block", block_number), ("x-sentence", sentence_number), ("x-kind", block.kind)):
            prop = ElementTree.SubElement(unit, "prop", type=name)
            prop.text = str(value)
        if sentence.flags:
            note = ElementTree.SubElement(unit, "note")
            note.text = "flags: " + ", ".join(sentence.flags)
        # A sentence passed through as English is English source (docs/design.md, "Language"): its source
        # variant is labelled en, the unit says so, and its English (the same text) is not
        # repeated as a second en variant.
        source = "en" if sentence.lang == "en" else "id"
        if source != "id":
            unit.set("srclang", TMX_LANGUAGES[source])
        variants = [(source, sentence.text), *((target, getattr(sentence, target)) for target in targets if target != source)]
        for language, text in variants:
            if not text:
                continue
            variant = ElementTree.SubElement(unit, "tuv", {_XML_LANG: TMX_LANGUAGES[language]})
            segment = ElementTree.SubElement(variant, "seg")
            segment.text = _clean(text)
    ElementTree.indent(root)
    document = ElementTree.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n{document}\n'
