"""Protected spans: text that must come out of translation character for character.

Web addresses, e-mail addresses, @handles, #hashtags, phone numbers, decree and letter numbers
(``HK.02.02/I/3305/2022``) and the glossary's do-not-translate names are found in a sentence
(``find_spans``), hidden from the model behind placeholders (``mask``), and put back verbatim
after translation (``unmask``). A glossary term that must be rendered a fixed way is a span
too, one whose ``output`` is its prescribed rendering instead of its own text.

Why numbers as placeholders. A placeholder must reach the output whole in every model family
warta runs, and it must survive a stand-in that changes every letter:

- Marian (opus-mt) and NLLB/M2M100 use SentencePiece vocabularies trained on ordinary text.
  Markup-like placeholders (``<x1>``, ``__URL_1__``, ``⟦1⟧``) are not pieces of those
  vocabularies: they are cut into rare fragments or become ``<unk>``, and the model, having
  never seen them copied, drops or rewrites them. Digits, by contrast, are pieces of every
  vocabulary trained on news and web text (SentencePiece cuts ``901`` into ``▁ 9 0 1`` with
  the tiny test models' tokenizers too), and copying numbers is something every MT model is
  trained to do, because parallel corpora are full of them. (A tiny model whose vocabulary
  lacks a digit, or any random model, simply fails the check below and takes the fallback.)
- A three-digit number gets no thousands separator in either English or Chinese, so the model
  has no reason to reformat it; one that already occurs in the sentence is never chosen, so a
  placeholder cannot be confused with the sentence's own numbers.
- To the model a number reads as a noun phrase ("kunjungi 901" -> "visit 901"), which keeps
  the sentence fluent, unlike cutting it up.

Nothing is trusted, though: ``unmask`` verifies that each placeholder came back exactly once
and gives ``None`` otherwise. The caller then translates the sentence another way, without
placeholders: ``split_around`` cuts it at its spans, the text between them is translated piece
by piece and ``join_around`` rejoins the pieces with the spans verbatim. That needs no
vocabulary support at all but costs fluency, which is why it is the fallback and not the rule.
A placeholder never reaches the output.

Chinese gets no spaces between a restored span and a Chinese character or punctuation mark.
"""

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pipeline.joining import SPACE_SEAM, WORD_SEAM, is_cjk, seam_separator

# Kinds of span, in the order they win when two overlap at the same start.
SPAN_KINDS = ("keep", "term", "url", "email", "phone", "document", "handle", "hashtag")

# Punctuation that ends a sentence or a clause rather than a URL or an address.
_TRAILING = ".,;:!?'\"”’»)]}"
# Punctuation that may open a sentence before its first word: a term after it still starts
# the sentence (``"Rumah sakit itu ...," kata dia.``).
_OPENING = "\"'“‘„«([{"

_URL = re.compile(
    r"(?<![\w@/.])(?:(?:https?|ftp)://|www\.)[^\s<>\"“”‘’]+"
    # a bare domain needs a lower-case label and top-level domain: ``kemarin.Info`` is two
    # words whose space after the full stop was lost, not an address
    r"|(?<![\w@/.-])(?:[A-Za-z0-9-]+\.)*(?-i:[a-z0-9-]+\.(?:com|org|net|id|cn|info|gov|edu))(?:/[^\s<>\"“”]*)?(?![\w@-])",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A handle starts a word (after a space or an opening bracket or quote) with a letter or an
# underscore, and is not a price: ``2 kg @Rp15.000`` is "at Rp15,000 each".
_HANDLE = re.compile(r"(?<![^\s(\[{\"'“‘])@(?!Rp\s?\d)[A-Za-z_](?:[A-Za-z0-9_.]*[A-Za-z0-9_])?", re.IGNORECASE)
_HASHTAG = re.compile(r"(?<![\w&#])#\w*[^\W\d_]\w*")
# A phone number: international (+62 ...) or with a leading 0 (area or mobile prefix), at least
# eight digits in all, so that years, amounts and counts are never taken for one.
_PHONE = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[\s.-]?(?:\(0?\d{1,4}\)[\s.-]?)?|\(\+\d{1,3}\)[\s.-]?|\(0\d{1,4}\)[\s.-]?|0)\d[\d\s.-]{4,}\d(?![\w])"
)
# A number given as a contact: a hotline, call centre or short service number (``1500-567``,
# ``119 ext 9``, ``14045``) has too few digits for ``_PHONE`` and no leading 0, so it is known by
# the word that introduces it ("hotline", "call center", "telepon", "hubungi", "WA" ...). Only the
# number is the span; it needs three digits, so "hubungi 2 petugas" is text.
_CONTACT_NUMBER = re.compile(
    r"(?i:\b(?:hotline|call[\s-]?cent(?:er|re)|contact[\s-]?cent(?:er|re)|pusat\s+panggilan|layanan\s+(?:pengaduan|darurat|informasi)"
    r"|nomor\s+(?:telepon|darurat|pengaduan|layanan)|telp|telepon|tel|phone|hubungi|kontak|whatsapp|wa|sms|fax|faks|ext)\b"
    r"\.?\s*:?\s*(?:di\s+|ke\s+)?(?:nomor\s+|no\.\s*)?)"
    r"(?P<number>(?<![\w+])\+?\d[\d.-]*\d(?:\s(?:ext\.?|ext)\s?\d+)?)(?![\w])"
)
# Dates, date ranges and times of day that the phone pattern would take: ``01-06-2025``,
# ``01.06.2025-05.06.2025``, ``08.00-16.00``.
_DATE = r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}"
_NOT_PHONE = re.compile(rf"{_DATE}(?:\s*-\s*{_DATE})?|\d{{1,2}}[.:]\d{{2}}\s*-\s*\d{{1,2}}[.:]\d{{2}}")
# A document number: letters and digits in parts joined by dots, dashes and at least one slash,
# with a digit somewhere (``HK.02.02/I/3305/2022``, ``440/Kep/2023``; not ``dan/atau``).
_DOCUMENT = re.compile(r"(?<![\w./-])(?=[\w./-]*\d)[A-Za-z0-9]+(?:[./-][A-Za-z0-9]+)*/[A-Za-z0-9]+(?:[./-][A-Za-z0-9]+)*(?![\w/])")
# ...that looks like one (``_is_document``): two slashes or more, a code with a dot
# (``HK.02.02``, ``SE.01``) or a number of a year (``UU No. 11/2020``), where a rate (``60km/jam``, ``Rp10.000/hari``, ``5mg/kg/hari``), an
# amount or a date (``29/5``, ``19/12/2025``) is ordinary text the model must translate.
_DOCUMENT_CODE = re.compile(r"(?:^|[/-])[A-Za-z]+\.\d|^\d{1,3}/(?:19|20)\d{2}$")
_NOT_DOCUMENT = re.compile(r"(?i:rp)\d.*|\d[\d.,]*[a-z]*(?:/[a-z]+)+|\d{1,2}/\d{1,2}(?:/\d{2,4})?")


@dataclass(frozen=True)
class Span:
    """A part of a sentence that the model must not translate.

    Attributes:
        start, end: its place in the sentence (``text[start:end]``).
        kind: one of ``SPAN_KINDS``: ``url``, ``email``, ``handle``, ``hashtag``, ``phone``,
            ``document``, ``keep`` (a do-not-translate glossary entry) or ``term`` (a glossary
            term with a prescribed rendering).
        text: the span as it stands in the sentence.
        output: what the translation must show in its place: ``text`` itself, or for a
            ``term`` its rendering in the target language.
        term: for a ``term`` or ``keep`` span, the glossary entry's id; else "".
    """

    start: int
    end: int
    kind: str
    text: str
    output: str
    term: str = ""


@dataclass(frozen=True)
class Masked:
    """A sentence with its spans replaced by placeholders.

    Attributes:
        text: what goes to the model.
        placeholders: (placeholder, span) pairs, in the order of the sentence.
    """

    text: str
    placeholders: tuple[tuple[str, Span], ...]


@dataclass(frozen=True)
class Segment:
    """A part of a sentence cut at its spans (``split_around``).

    Attributes:
        text: the part as it stands in the sentence.
        span: the span it is, or None for text between spans.
        space_before: the sentence had white space right before this part.
    """

    text: str
    span: Span | None
    space_before: bool

    @property
    def translatable(self) -> bool:
        """Text between spans with a letter in it (punctuation alone is kept as it is)."""
        return self.span is None and any(character.isalpha() for character in self.text)


def find_spans(text: str, keep: Iterable[str] = ()) -> list[Span]:
    """Find the spans of ``text`` to protect, in order, none overlapping.

    Args:
        text: a sentence.
        keep: names to keep verbatim (the glossary's do-not-translate entries), matched as
            glossary terms are (``pipeline.terms``): whole words in any case, with ``-nya`` or
            ``-lah`` attached; the span keeps the sentence's own text.

    Returns:
        The spans; where two overlap, the one starting first wins, then the longer, then the
        earlier kind in ``SPAN_KINDS``. Punctuation closing the sentence is never part of a
        URL or an e-mail address (``https://x.id.`` protects ``https://x.id``), and a closing
        bracket only when the URL opened one.
    """
    found: list[Span] = []
    for name in keep:
        if name.strip():
            # as a term is matched: a name that starts a sentence, or is written in capitals or
            # with a clitic, is still the name, and a term inside it must not be enforced
            words = re.escape(name.strip()).replace(r"\ ", r"\s+")
            for match in re.finditer(rf"(?<!\w){words}(?:-?(?:nya|lah))?(?!\w)", text, re.IGNORECASE):
                found.append(Span(match.start(), match.end(), "keep", match.group(), match.group(), name.strip()))
    for kind, pattern in (("url", _URL), ("email", _EMAIL), ("phone", _PHONE), ("document", _DOCUMENT),
                          ("handle", _HANDLE), ("hashtag", _HASHTAG)):
        for match in pattern.finditer(text):
            value = _trim(match.group()) if kind in ("url", "email", "handle") else match.group().rstrip(" .-")
            if kind == "phone" and (sum(character.isdigit() for character in value) < 8 or _NOT_PHONE.fullmatch(value)):
                continue
            if kind == "document" and not _is_document(value):
                continue
            if value:
                found.append(Span(match.start(), match.start() + len(value), kind, value, value))
    for match in _CONTACT_NUMBER.finditer(text):
        value = match.group("number").rstrip(".-")
        if sum(character.isdigit() for character in value) >= 3 and not _NOT_PHONE.fullmatch(value):
            found.append(Span(match.start("number"), match.start("number") + len(value), "phone", value, value))
    return resolve_overlaps(found)


def _is_document(value: str) -> bool:
    """A ``_DOCUMENT`` match that is a decree or letter number, not a rate, an amount or a date."""
    return (value.count("/") >= 2 or bool(_DOCUMENT_CODE.search(value))) and not _NOT_DOCUMENT.fullmatch(value)


def resolve_overlaps(spans: Iterable[Span]) -> list[Span]:
    """Keep non-overlapping spans: earliest start first, then the longest, then by ``SPAN_KINDS``."""
    chosen: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start), SPAN_KINDS.index(s.kind))):
        if not chosen or span.start >= chosen[-1].end:
            chosen.append(span)
    return chosen


def _trim(value: str) -> str:
    # Trailing punctuation belongs to the sentence, except a bracket the URL itself opened
    # (Wikipedia's ``..._(disambiguation)``).
    while value and value[-1] in _TRAILING:
        if value[-1] in ")]}" and value.count({")": "(", "]": "[", "}": "{"}[value[-1]]) >= value.count(value[-1]):
            break
        value = value[:-1]
    return value


def placeholder_numbers(text: str, count: int) -> list[str]:
    """``count`` distinct numbers that do not occur in ``text``, to stand for its spans.

    Three-digit numbers first (901..999, then 801..900, 701..800 and so on down to 101..200);
    only a sentence that holds all of those gets four-digit ones (1001, 1002, ...), which a
    model may reformat (``unmask`` then refuses and the sentence takes the fallback), but the
    search always ends.
    """
    present = set(re.findall(r"\d+", text))
    numbers: list[str] = []
    lower = (range(start, start + 100) for start in range(801, 100, -100))  # 801..900, ..., 101..200
    for candidate in itertools.chain(range(901, 1000), *lower, itertools.count(1001)):
        if len(numbers) == count:
            break
        if not any(str(candidate) in digits for digits in present):
            numbers.append(str(candidate))
    return numbers


def mask(text: str, spans: Sequence[Span]) -> Masked:
    """Replace each span of ``text`` by a placeholder number (the module docstring says why)."""
    numbers = placeholder_numbers(text, len(spans))
    parts: list[str] = []
    placeholders: list[tuple[str, Span]] = []
    position = 0
    for number, span in zip(numbers, spans, strict=True):
        parts.append(text[position : span.start])
        parts.append(number)
        placeholders.append((number, span))
        position = span.end
    parts.append(text[position:])
    return Masked("".join(parts), tuple(placeholders))


def unmask(output: str, masked: Masked, target: str) -> str | None:
    """Put the spans back into a translation of ``masked.text``.

    Args:
        output: the model's translation.
        masked: what was sent to the model.
        target: the target language (``zh`` drops spaces between a span and Chinese).

    Returns:
        The translation with every placeholder replaced by its span's ``output``, or None when
        some placeholder is missing or repeated (the caller translates the sentence another way).
    """
    located = []
    for number, span in masked.placeholders:
        matches = list(re.finditer(rf"(?<![\d.,]){number}(?![\d]|[.,]\d)", output))
        if len(matches) != 1:
            return None
        located.append((matches[0], span))
    result, position = [], 0
    for match, span in sorted(located, key=lambda pair: pair[0].start()):
        result.append(output[position : match.start()])
        before = "".join(result)
        result.append(_cased(span, first=_at_start(before), target=target))
        position = match.end()
    result.append(output[position:])
    text = "".join(result)
    return tighten_chinese(text, [span.output for _, span in masked.placeholders]) if target == "zh" else text


def _at_start(before: str) -> bool:
    """Nothing but white space and opening quotes or brackets comes before: the sentence starts here."""
    return not before.strip(_OPENING + " \t\n")


def _cased(span: Span, first: bool, target: str) -> str:
    # A glossary rendering written in lower case ("vaksin") still starts a sentence with a capital,
    # as any first word does; a span kept verbatim is never changed.
    if span.kind == "term" and first and target != "zh" and span.output[:1].islower():
        return span.output[:1].upper() + span.output[1:]
    return span.output


def tighten_chinese(text: str, spans: Iterable[str]) -> str:
    """Drop the spaces between each of ``spans`` and a CJK character next to it in ``text`` (``joining.is_cjk``)."""
    for value in set(spans):
        if not value:
            continue
        escaped = re.escape(value)
        # the character on the other side of the spaces is captured and judged by is_cjk
        text = re.sub(rf"(?<=(.))[ \t]+(?={escaped})", lambda match: "" if is_cjk(match[1]) else match[0], text, flags=re.S)
        text = re.sub(rf"(?<={escaped})[ \t]+(?=(.))", lambda match: "" if is_cjk(match[1]) else match[0], text, flags=re.S)
    return text


def split_around(text: str, spans: Sequence[Span]) -> list[Segment]:
    """Cut ``text`` at its spans: text between spans (stripped) and the spans, in order.

    Joined back with ``join_around`` using each part's own text, it gives ``text`` with its
    white space normalised; nothing is dropped.
    """
    segments: list[Segment] = []
    position = 0
    for span in [*spans, None]:
        end = span.start if span is not None else len(text)
        between = text[position:end]
        if between.strip():
            segments.append(Segment(between.strip(), None, between[:1].isspace()))
        if span is not None:
            segments.append(Segment(span.text, span, text[:span.start][-1:].isspace()))
            position = span.end
    return segments


def join_around(segments: Sequence[Segment], outputs: Sequence[str], target: str) -> str:
    """Rejoin ``segments`` after translation: each text part by its output, each span by its ``output``.

    Args:
        segments: from ``split_around``.
        outputs: one per segment; what a text part became (its own text where it was not
            translated); ignored for spans.
        target: the target language (a ``term`` span that starts an English sentence is
            capitalised). The seams follow ``joining.seam_separator``: a space where the
            source had one or where two Latin words meet, none next to a CJK character or
            before closing punctuation.

    Returns:
        The translation.
    """
    text = ""
    for segment, output in zip(segments, outputs, strict=True):
        piece = _cased(segment.span, first=_at_start(text), target=target) if segment.span is not None else output.strip()
        if not piece:
            continue
        # a model may drop the punctuation that stood between a span and the words after it:
        # two Latin words never meet without a space
        at_space = segment.space_before or (text[-1:].isalnum() and piece[0].isalnum())
        text += seam_separator(text, piece, SPACE_SEAM if at_space else WORD_SEAM) + piece
    return text
