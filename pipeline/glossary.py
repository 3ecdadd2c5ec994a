"""The office's glossary: terms whose English and Chinese are fixed, checked in every translation.

A glossary is a UTF-8 TSV file with the columns ``id``, ``en`` and ``zh`` (a header row with
those names; an empty cell means no rule for that language), e.g. ``data/glossary.tsv``:

    id	en	zh
    Pemerintah Kota Makassar	Makassar City Government	望加锡市政府

The models cannot be forced to use a term without changing how they decode, so warta checks
instead of forcing: a sentence whose Indonesian contains a term (whole words, any case) while
a translation lacks that term's prescribed rendering gets the ``glossary`` flag, shown on the
review page with the other QA flags.
"""

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.article import Article
from pipeline.errors import InputError


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
    """Read a glossary TSV.

    Raises:
        InputError: the file cannot be read, has no ``id`` column, or no terms.
    """
    try:
        data = path.read_bytes()
        lines = data.decode("utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot read the glossary ({error})") from error
    header = [cell.strip().lower() for cell in lines[0].split("\t")] if lines else []
    if "id" not in header:
        raise InputError(f"{path}: a glossary needs a header row with the columns id, en, zh (tab-separated)")
    terms = []
    for line in lines[1:]:
        cells = dict(zip(header, (cell.strip() for cell in line.split("\t"))))
        if cells.get("id"):
            terms.append(Term(cells["id"], cells.get("en", ""), cells.get("zh", "")))
    if not terms:
        raise InputError(f"{path}: the glossary has no terms")
    return Glossary(path, hashlib.sha256(data).hexdigest(), tuple(terms))


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
            if missing_terms(sentence.text, getattr(sentence, language), language, glossary):
                sentence.add_flag("glossary")
                languages = sentence.qa.setdefault("glossary", [])
                if language not in languages:
                    languages.append(language)
    return article
