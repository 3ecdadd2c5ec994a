"""The office's glossary: terms whose English and Chinese are fixed, checked in every translation.

A glossary is a UTF-8 TSV file with the columns ``id``, ``en``, ``zh`` and optionally ``note``
(a header row with those names; an empty cell means no rule for that language; a line whose
first cell is ``#`` or starts with ``# `` is a comment, while ``#SulselSehat`` is a term), plain
or as a spreadsheet saves it, e.g. ``data/glossary.tsv``:

    id	en	zh
    Pemerintah Kota Makassar	Makassar City Government	望加锡市政府

The translation stage enforces the terms (``pipeline.terms``): a term the model
missed is put in by translating the sentence again with the term as a protected span whose
output is its rendering. This module then checks what came out: a sentence whose Indonesian
contains a term (whole words, any case) while a translation still lacks that term's prescribed
rendering gets the ``glossary`` flag, shown on the review page with the other QA flags.
"""

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.article import Article
from pipeline.errors import InputError, UsageError
from pipeline.files import read_limited
from pipeline.tsv import MAX_TSV_BYTES, parse_tsv


@dataclass(frozen=True)
class Term:
    """One glossary entry: the Indonesian term and its required renderings ("" for none)."""

    id: str
    en: str
    zh: str


@dataclass(frozen=True)
class Glossary:
    """The terms of a glossary file, and the file's sha256 (for reports and the batch manifest)."""

    path: Path
    sha256: str
    terms: tuple[Term, ...]


def load_glossary(path: Path) -> Glossary:
    """Read a glossary TSV (plain, or quoted as a spreadsheet saves it: ``pipeline.tsv``).

    The header names the columns ``id``, ``en``, ``zh`` and optionally ``note`` (for the people
    who keep the list; warta does not use it); comment lines (``# ...``) and blank lines are
    skipped. Every other line needs a tab-separated ``en`` or ``zh`` cell: a line without tabs
    is a mistake (a space typed for a tab), not a term without rules.

    Raises:
        UsageError: the file cannot be read, has no ``id`` column, a malformed line (named by
            its number: also a cell opened by a stray quote), or no terms.
    """
    try:
        data = read_limited(path, MAX_TSV_BYTES, "a glossary", "the glossary")  # a FIFO named as the glossary fails at once
        text = data.decode("utf-8-sig")
    except InputError as error:
        raise UsageError(str(error)) from error
    except UnicodeDecodeError as error:
        raise UsageError(f"{path}: cannot read the glossary ({error})") from error
    rows = [row for row in parse_tsv(text) if not _is_comment_or_blank(row.cells)]
    header = [cell.strip().lower() for cell in rows[0].cells] if rows else []
    if "id" not in header or not {"en", "zh"} & set(header):
        raise UsageError(f"{path}: a glossary needs a header row with the columns id, en, zh (tab-separated)")
    unknown = [name for name in header if name not in _COLUMNS]
    if unknown:
        raise UsageError(f"{path}, line {rows[0].line}: unknown column(s) {', '.join(unknown)} (columns: id, en, zh, note)")
    terms = []
    for row in rows[1:]:
        if len(row.cells) == 1:
            raise UsageError(f"{path}, line {row.line}: no tab: a glossary line is id<TAB>en<TAB>zh")
        if len(row.cells) > len(header):
            raise UsageError(f"{path}, line {row.line}: {len(row.cells)} cells for {len(header)} columns ({', '.join(header)})")
        cells = dict(zip(header, (cell.strip() for cell in row.cells)))
        for column in ("id", "en", "zh"):
            # ``pipeline.tsv`` reads a quote it cannot pair as text: ``"Makassar`` is a typo
            # (or a cut spreadsheet cell), not a term to look for
            if cells.get(column, "").startswith('"') and cells[column].count('"') % 2:
                raise UsageError(f"{path}, line {row.line}: a stray double quote opens the {column} cell {cells[column]}")
        if not cells.get("id"):
            raise UsageError(f"{path}, line {row.line}: the id cell (the Indonesian term) is empty")
        if not cells.get("en") and not cells.get("zh"):
            raise UsageError(f"{path}, line {row.line}: '{cells['id']}' has neither an en nor a zh translation")
        terms.append(Term(cells["id"], cells.get("en", ""), cells.get("zh", "")))
    if not terms:
        raise UsageError(f"{path}: the glossary has no terms")
    return Glossary(path, hashlib.sha256(data).hexdigest(), tuple(terms))


_COLUMNS = ("id", "en", "zh", "note")


# A comment: ``#`` (or ``##``...) alone or followed by a space, as in ``data/glossary.tsv``; a
# term may start with ``#`` itself (a hashtag to keep, ``#SulselSehat``).
_COMMENT = re.compile(r"#+(?:\s|$)")


def _is_comment_or_blank(cells: list[str]) -> bool:
    return bool(_COMMENT.match(cells[0].lstrip())) or not any(cell.strip() for cell in cells)


def missing_terms(source: str, target: str, language: str, glossary: Glossary) -> list[Term]:
    """Terms found in ``source`` whose ``language`` rendering is not in ``target`` (any case)."""
    missing = []
    for term in glossary.terms:
        required = getattr(term, language)
        if not required:
            continue
        if re.search(rf"(?<!\w){re.escape(term.id)}(?!\w)", source, re.IGNORECASE) and required.lower() not in target.lower():
            missing.append(term)
    return missing


def check_glossary(article: Article, glossary: Glossary, targets: tuple[str, ...]) -> Article:
    """Flag ``glossary`` on every sentence whose translation misses a prescribed term."""
    for sentence in article.sentences():
        sentence.flags = [flag for flag in sentence.flags if flag != "glossary"]
        sentence.qa.pop("glossary", None)
        for language in targets:
            if language == sentence.lang or not getattr(sentence, language):
                continue
            # a term inside a protected span (a city's name in a URL) stays as the span has it
            source = sentence.text
            for span in sentence.protected:
                source = source.replace(span["text"], " ")
            if missing_terms(source, getattr(sentence, language), language, glossary):
                sentence.add_flag("glossary")
                languages = sentence.qa.setdefault("glossary", [])
                if language not in languages:
                    languages.append(language)
    return article
