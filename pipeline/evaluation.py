"""``warta eval``: sacreBLEU and chrF of warta's translations against reference translations.

The hypothesis is an article's output folder (its ``aligned.tsv``), an ``aligned.tsv``, or a
text file with one segment per line; the reference is a text file with one reference per line
in the same order, or a TSV with ``en``/``zh`` columns (for example a reviewer's corrected
``aligned.tsv``). Chinese BLEU uses sacreBLEU's ``zh`` tokenizer, English its default ``13a``.
Every score is printed with its sacreBLEU signature, so it can be reproduced and compared.
"""

from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import InputError, UsageError


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


def read_segments(path: Path, language: str) -> list[str]:
    """The segments of ``language`` in ``path`` (folder, ``.tsv`` with a header, or plain text).

    Raises:
        InputError: the file is missing, unreadable, or a TSV without that language's column.
    """
    if path.is_dir():
        path = path / "aligned.tsv"
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot read the file ({error})") from error
    if path.suffix.lower() != ".tsv":
        return lines
    header = lines[0].split("\t") if lines else []
    if language not in header:
        raise InputError(f"{path}: the TSV has no '{language}' column (columns: {', '.join(header) or 'none'})")
    column = header.index(language)
    return [row.split("\t")[column] if len(row.split("\t")) > column else "" for row in lines[1:]]


def evaluate(hypothesis: Path, reference: Path, languages: tuple[str, ...]) -> list[Score]:
    """BLEU and chrF of ``hypothesis`` against ``reference`` for each of ``languages``.

    Raises:
        InputError: a file cannot be read, or the two have different numbers of segments.
        UsageError: a plain-text reference with more than one language asked for.
    """
    from sacrebleu.metrics import BLEU, CHRF

    if reference.suffix.lower() != ".tsv" and not reference.is_dir() and len(languages) != 1:
        raise UsageError("a plain-text reference holds one language: choose it with --lang en or --lang zh")
    scores = []
    for language in languages:
        hypotheses = read_segments(hypothesis, language)
        references = read_segments(reference, language)
        if len(hypotheses) != len(references):
            raise InputError(
                f"{reference}: {len(references)} reference segments for {len(hypotheses)} translated ones in {hypothesis}; "
                f"they must align one to one"
            )
        bleu = BLEU(tokenize="zh" if language == "zh" else "13a")
        chrf = CHRF()
        for metric, scorer in (("BLEU", bleu), ("chrF", chrf)):
            result = scorer.corpus_score(hypotheses, [references])
            scores.append(Score(language, metric, round(result.score, 2), len(hypotheses), str(scorer.get_signature())))
    return scores
