"""``warta eval``: sacreBLEU and chrF of warta's translations against reference translations.

The hypothesis is an article's output folder (its ``aligned.tsv``), an ``aligned.tsv``, or a
text file with one segment per line; the reference is a text file with one reference per line
in the same order, or a TSV with ``en``/``zh`` columns (for example a reviewer's corrected
``aligned.tsv``, plain or as a spreadsheet saves it). Without ``--lang``, every language the
hypothesis has translations of is scored (an English-only run is scored in English only); a
plain-text file holds one language, chosen with ``--lang``. Chinese BLEU uses sacreBLEU's ``zh``
tokenizer, English its default ``13a``.
Every score is printed with its sacreBLEU signature, so it can be reproduced and compared.
"""

from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import InputError, UsageError
from pipeline.files import read_limited
from pipeline.outputs import TSV_NAME
from pipeline.tsv import MAX_TSV_BYTES, read_tsv


@dataclass(frozen=True)
class Score:
    """One metric for one language.

    Attributes:
        language: ``en`` or ``zh``.
        metric: ``BLEU`` or ``chrF``.
        score: the corpus score (0-100).
        segments: how many segment pairs were scored.
        signature: sacreBLEU's signature of the settings.
    """

    language: str
    metric: str
    score: float
    segments: int
    signature: str


LANGUAGES = ("en", "zh")
_LANGUAGE_NAMES = {"en": "English", "zh": "Chinese"}


def _is_tsv(path: Path) -> bool:
    return path.is_dir() or path.suffix.lower() == ".tsv"


def _tsv_columns(path: Path) -> dict[str, list[str]]:
    """Column name -> the column's cells, of a TSV with a header (an output folder: its aligned.tsv)."""
    if path.is_dir():
        path = path / TSV_NAME
    rows = read_tsv(path)
    if not rows:
        raise InputError(f"{path}: the file is empty")
    header = [cell.strip() for cell in rows[0].cells]
    # A reviewer's spreadsheet may have turned a line break inside a cell into a real one; a
    # segment is one line for sacreBLEU, so it is read as a space.
    return {name: [" ".join(row.cells[column].split("\n")) if column < len(row.cells) else "" for row in rows[1:]]
            for column, name in enumerate(header)}


def read_segments(path: Path, language: str) -> list[str]:
    """The segments of ``language`` in ``path`` (folder, ``.tsv`` with a header, or plain text).

    A TSV may be plain or quoted as a spreadsheet saves it (``pipeline.tsv``).

    Raises:
        InputError: the file is missing, unreadable, empty, or a TSV without that language's column.
    """
    if _is_tsv(path):
        columns = _tsv_columns(path)
        if language not in columns:
            shown = path / TSV_NAME if path.is_dir() else path
            raise InputError(f"{shown}: the TSV has no '{language}' column (columns: {', '.join(columns) or 'none'})")
        return columns[language]
    try:
        lines = read_limited(path, MAX_TSV_BYTES, "a text file").decode("utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise InputError(f"{path}: cannot read the file ({reason})") from error
    return lines


def _languages_to_score(hypothesis: Path, reference: Path, asked: tuple[str, ...] | None) -> list[str]:
    if not _is_tsv(hypothesis) and (asked is None or len(asked) != 1):
        raise UsageError(f"{hypothesis}: a plain-text hypothesis holds one language: choose it with --lang en or --lang zh")
    if not _is_tsv(reference) and (asked is None or len(asked) != 1):
        raise UsageError(f"{reference}: a plain-text reference holds one language: choose it with --lang en or --lang zh")
    if asked is not None:
        return list(dict.fromkeys(asked))
    # Default: every language the hypothesis has translations for (an English-only run has an
    # empty zh column, which would score 0 rather than be skipped).
    columns = _tsv_columns(hypothesis)
    found = [language for language in LANGUAGES if any(cell.strip() for cell in columns.get(language, []))]
    if not found:
        raise InputError(f"{hypothesis}: no English or Chinese translations to score")
    return found


def evaluate(hypothesis: Path, reference: Path, languages: tuple[str, ...] | None = None) -> list[Score]:
    """BLEU and chrF of ``hypothesis`` against ``reference`` for each of ``languages``.

    Args:
        hypothesis: an output folder, an ``aligned.tsv`` or a plain-text file.
        reference: a TSV with ``en``/``zh`` columns or a plain-text file.
        languages: the languages to score; None for every language the hypothesis has
            translations of (a TSV hypothesis only: plain text needs exactly one).

    Raises:
        InputError: a file cannot be read or is empty.
        UsageError: a plain-text file with no single language chosen, or the two files have
            different numbers of segments.
    """
    from sacrebleu.metrics import BLEU, CHRF

    scores = []
    for language in _languages_to_score(hypothesis, reference, languages):
        hypotheses = read_segments(hypothesis, language)
        references = read_segments(reference, language)
        if not hypotheses or not references:
            empty = hypothesis if not hypotheses else reference
            raise InputError(f"{empty}: no {_LANGUAGE_NAMES[language]} segments to score (the file is empty)")
        if not any(segment.strip() for segment in hypotheses):
            raise InputError(f"{hypothesis}: every {_LANGUAGE_NAMES[language]} segment is empty: nothing to score")
        if len(hypotheses) != len(references):
            raise UsageError(
                f"{reference}: {len(references)} reference segments for {len(hypotheses)} translated ones in {hypothesis}; "
                f"they must align one to one"
            )
        bleu = BLEU(tokenize="zh" if language == "zh" else "13a")
        chrf = CHRF()
        for metric, scorer in (("BLEU", bleu), ("chrF", chrf)):
            result = scorer.corpus_score(hypotheses, [references])
            scores.append(Score(language, metric, round(result.score, 2), len(hypotheses), str(scorer.get_signature())))
    return scores
