"""A web page's dateline and publication date.

A press release opens with its dateline ("Bandung, 12 Juni 2025"), which news pages often set
apart from the text (a ``<span>`` in the byline, ``<p class="dateline">``) and trafilatura then
leaves out as page furniture. ``place_dateline`` looks for a line that is exactly a dateline
between the headline and the first paragraph of the text, as the browser shows the page, and puts
it back as the first paragraph after the title, word for word. ``publication_date`` reads the
page's publication date from its markup only (``article:published_time`` and its kin, JSON-LD's
``datePublished``, a ``<time datetime>``), never guessed from dates in its text (htmldate, under
trafilatura, would take a footer's "Bandung, 1 Januari 2020"); ``pipeline.reading.html`` records
it when the dateline does not state it (``dateline_date``).
"""

import json
import re
from datetime import date
from typing import Any

from pipeline.article import Block

_MONTHS = {
    "januari": 1, "january": 1, "jan": 1, "februari": 2, "february": 2, "feb": 2, "pebruari": 2, "maret": 3,
    "march": 3, "mar": 3, "april": 4, "apr": 4, "mei": 5, "may": 5, "juni": 6, "june": 6, "jun": 6, "juli": 7,
    "july": 7, "jul": 7, "agustus": 8, "august": 8, "agu": 8, "agt": 8, "ags": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "oktober": 10, "october": 10, "okt": 10, "oct": 10, "november": 11, "nopember": 11,
    "nov": 11, "desember": 12, "december": 12, "des": 12, "dec": 12,
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_WEEKDAY = r"Senin|Selasa|Rabu|Kamis|Jum'?at|Sabtu|Minggu|Ahad|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_DATE = (
    rf"(?P<day>\d{{1,2}})\s+(?P<month>{_MONTH})\.?\s+(?P<year>\d{{4}})"  # 12 Juni 2025
    rf"|(?P<month2>{_MONTH})\.?\s+(?P<day2>\d{{1,2}}),?\s+(?P<year2>\d{{4}})"  # June 12, 2025
    r"|(?P<day3>\d{1,2})[/.-](?P<month3>\d{1,2})[/.-](?P<year3>\d{4}|\d{2})"  # 12/6/2025, 12-06-25
    r"|(?P<year4>\d{4})-(?P<month4>\d{2})-(?P<day4>\d{2})"  # 2025-06-12
)
#: A line that is a dateline and nothing else: a place of one to three words, a comma, an optional
#: weekday, a date (in brackets after a weekday, as in "Jakarta, Kamis (12/6/2025)"), and at most
#: the dash that would have run on into the first sentence.
DATELINE = re.compile(
    rf"(?P<place>[^\W\d_][\w.'’-]*(?:\s+[^\W\d_][\w.'’-]*){{0,2}})\s*,\s*(?:(?:{_WEEKDAY})\s*,?\s*)?"
    rf"\(?\s*(?:{_DATE})\s*\)?(?:\s*[-–—]+)?",
    re.IGNORECASE,
)
#: A dateline is a short line.
_DATELINE_CHARACTERS = 80

# Parts of a page that are never the article's dateline: the browser shows none of them, or they
# are the site's own (menus, footers, side columns, photo captions).
_NOT_ARTICLE = frozenset({"head", "script", "style", "noscript", "template", "nav", "footer", "aside", "form", "select",
                          "button", "iframe", "svg", "figure", "figcaption"})
# Elements a browser starts a new line at.
_LINE_BREAKING = frozenset({"address", "article", "blockquote", "br", "caption", "center", "dd", "div", "dl", "dt", "h1",
                            "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "ol", "p", "pre", "section",
                            "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"})
# Inline elements whose text alone may be the dateline, within a line that says more (a byline).
_INLINE_HTML = frozenset({"span", "time", "strong", "b", "em", "i", "small", "a", "font", "abbr", "u", "mark"})


def is_dateline(text: str) -> bool:
    """True when ``text`` is a dateline and nothing else ("Bandung, 12 Juni 2025", "Jakarta, 3/6/2025")."""
    found = DATELINE.fullmatch(text.strip()) if len(text) <= _DATELINE_CHARACTERS else None
    # a place name's words are capitalised ("Kota Bandung", "BANDUNG"): "Acara digelar, 12 Juni 2025" is a sentence
    return found is not None and all(word[0].isupper() for word in found.group("place").split())


def dateline_date(text: str) -> str | None:
    """The date a dateline states, as ``YYYY-MM-DD`` (a numeric date read day first), or None."""
    found = DATELINE.fullmatch(text.strip())
    if found is None:
        return None
    parts = found.groupdict()
    for suffix in ("", "2", "3", "4"):
        day, month, year = parts[f"day{suffix}"], parts[f"month{suffix}"], parts[f"year{suffix}"]
        if day is None:
            continue
        number = int(month) if month.isdigit() else _MONTHS[month.lower()]
        full_year = int(year) + 2000 if len(year) == 2 else int(year)
        try:
            return date(full_year, number, int(day)).isoformat()
        except ValueError:  # 31/2/2025
            return None
    return None


def _page_lines(tree: Any) -> tuple[list[str], list[tuple[int, str]]]:
    """The page's text as a browser lays it out: its lines, and the text of each small inline element
    with the number of the line it is in (a dateline inside a byline)."""
    from lxml import etree

    lines: list[str] = []
    parts: list[str] = []
    inline: list[tuple[int, str]] = []
    opened: list[int] = []  # where each open inline element's text starts in ``parts``

    def end_line() -> None:
        text = " ".join("".join(parts).split())
        if text:
            lines.append(text)
        parts.clear()
        opened.clear()  # an inline element across a line break is not one line's

    walker = etree.iterwalk(tree, events=("start", "end"))
    for event, element in walker:
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            if tag in _NOT_ARTICLE:
                walker.skip_subtree()
                continue
            if tag in _LINE_BREAKING:
                end_line()
            if tag in _INLINE_HTML:
                opened.append(len(parts))
            parts.append(element.text or "")
            continue
        if tag in _LINE_BREAKING:
            end_line()
        elif tag in _INLINE_HTML and opened:
            start = opened.pop()
            if len(parts) - start <= 20:  # a small element; a span around a whole page is no dateline
                text = " ".join("".join(parts[start:]).split())
                if text:
                    inline.append((len(lines), text))
        parts.append(element.tail or "")
    end_line()
    return lines, inline


def _dateline_in_page(tree: Any, blocks: list[Block]) -> str | None:
    """The dateline the page shows just above or below its headline, before the first paragraph of
    the text, when trafilatura left it out of ``blocks``; None when there is none, or the page's
    layout does not say clearly where the text starts."""
    title = blocks[0].text if blocks and blocks[0].kind == "title" else None
    body = next((block.text for block in blocks if block.kind != "title"), None)
    if body is None:
        return None
    lines, inline = _page_lines(tree)
    title_line = next((number for number, line in enumerate(lines) if line == title), None) if title else None
    after = title_line + 1 if title_line is not None else 0
    body_line = next(
        (number for number, line in enumerate(lines[after:], start=after)
         if line.startswith(body[:30]) or (len(line) >= 15 and body.startswith(line))),
        None,
    )
    if body_line is None:
        return None
    # the line above the headline (a kicker) to the one before the text; without a headline, the
    # three lines before the text
    first = title_line - 1 if title_line is not None else body_line - 3
    candidates = [(number, line) for number, line in enumerate(lines)] + inline
    found = [(number, text) for number, text in candidates if max(first, 0) <= number < body_line and number != title_line
             and is_dateline(text)]
    # the one nearest the text; in a byline, the element that is only the dateline
    return max(found, key=lambda item: (item[0], -len(item[1])))[1] if found else None


#: ``<meta>`` names and properties that give a page's publication date (lower case).
_PUBLISHED_META = ("article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate",
                   "publish-date", "publish_date", "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.created",
                   "date", "sailthru.date", "parsely-pub-date", "citation_publication_date")
_ISO_DATE = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})")


def _iso_date(value: object) -> str | None:
    found = _ISO_DATE.match(value) if isinstance(value, str) else None
    try:
        return date(int(found[1]), int(found[2]), int(found[3])).isoformat() if found else None
    except ValueError:
        return None


def _json_ld_published(data: object) -> str | None:
    if isinstance(data, list):
        return next((found for item in data if (found := _json_ld_published(item))), None)
    if isinstance(data, dict):
        return _iso_date(data.get("datePublished")) or _json_ld_published(data.get("@graph"))
    return None


def publication_date(tree: Any) -> str | None:
    """The publication date the page's markup gives, as ``YYYY-MM-DD``, or None.

    In order: a ``<meta>`` (``article:published_time``, ``datePublished``, Dublin Core...), JSON-LD's
    ``datePublished``, a ``<time>`` marked as the publication (``itemprop="datePublished"``,
    ``pubdate``), the first ``<time datetime>`` outside menus, side columns and footers. A value
    that does not start with an ISO date is not read.
    """
    if tree is None:
        return None
    found: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        if key in _PUBLISHED_META and key not in found and (value := _iso_date(meta.get("content"))):
            found[key] = value
    if found:
        return next(found[key] for key in _PUBLISHED_META if key in found)
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() == "application/ld+json" and script.text:
            try:
                value = _json_ld_published(json.loads(script.text))
            except (ValueError, RecursionError):  # not JSON, or nested past Python's limit
                continue
            if value:
                return value
    times = [element for element in tree.iter("time")
             if not any(ancestor.tag in _NOT_ARTICLE for ancestor in element.iterancestors())]
    marked = [element for element in times if element.get("itemprop") == "datePublished" or element.get("pubdate") is not None]
    return next((value for element in [*marked, *times] if (value := _iso_date(element.get("datetime")))), None)


def place_dateline(blocks: list[Block], tree: Any) -> None:
    """Make the dateline the first block after the title: moved there when trafilatura kept it
    above the headline, put back from the page when it left it out."""
    if len(blocks) >= 2 and blocks[0].kind == "paragraph" and is_dateline(blocks[0].text) and blocks[1].marker == "#":
        kicker, headline = blocks[0], blocks[1]  # "Bandung, 12 Juni 2025" set above the headline
        blocks[0:2] = [Block("title", headline.text, marker="#"), kicker]
        return
    if any(block.kind == "paragraph" and is_dateline(block.text) for block in blocks[:3]):
        return
    found = _dateline_in_page(tree, blocks)
    if found is not None:
        at = 1 if blocks and blocks[0].kind == "title" else 0
        blocks.insert(at, Block("paragraph", found))

