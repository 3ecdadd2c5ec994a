"""Outputs: the files an article's folder holds (the contract in docs/design.md, "Outputs"), from one registry.

``OUTPUT_FORMATS`` maps each ``--formats`` name to the file it writes and the function that
renders it; ``write_article`` writes the chosen ones atomically and ``report.json`` last. The
batch asks ``output_files`` which names a format writes, so file names live here only.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipeline.article import Article
from pipeline.files import write_atomic
from pipeline.outputs.report import RunInfo, build_report, render_summary
from pipeline.outputs.rows import render_jsonl, render_tsv
from pipeline.outputs.text import render_translation

#: Written with every article, last: its presence says the other files are complete.
REPORT_NAME = "report.json"
#: The aligned rows as TSV (``rows.render_tsv``); ``warta eval`` reads it from an output folder.
TSV_NAME = "aligned.tsv"

#: article, run info, languages -> the content of one file.
Renderer = Callable[[Article, RunInfo, tuple[str, ...]], str | bytes]


@dataclass(frozen=True)
class OutputFormat:
    """One ``--formats`` choice.

    Attributes:
        name: the name on the command line.
        file: the name of the file it writes; ``{language}`` in it stands for each target
            language, and such a file is rendered once per target, with that one language.
        render: article, run info, languages (the run's targets, or the file's one language)
            -> the file's content.
    """

    name: str
    file: str
    render: Renderer

    def file_names(self, targets: tuple[str, ...]) -> list[str]:
        """The files this format writes for ``targets``."""
        return list(dict.fromkeys(self.file.format(language=language) for language in targets))

    def render_files(self, article: Article, run_info: RunInfo, targets: tuple[str, ...]) -> dict[str, str | bytes]:
        """File name -> content, for each file this format writes for ``targets``."""
        if "{language}" in self.file:
            return {self.file.format(language=language): self.render(article, run_info, (language,)) for language in targets}
        return {self.file: self.render(article, run_info, targets)}


def _docx(article: Article, run_info: RunInfo, languages: tuple[str, ...]) -> bytes:
    from pipeline.outputs.docx import render_docx  # python-docx is heavy; imported when chosen

    (language,) = languages
    return render_docx(article, language)


def _xlsx(article: Article, run_info: RunInfo, targets: tuple[str, ...]) -> bytes:
    from pipeline.outputs.xlsx import render_xlsx

    return render_xlsx(article)


def _tmx(article: Article, run_info: RunInfo, targets: tuple[str, ...]) -> str:
    from pipeline.outputs.tmx import render_tmx

    return render_tmx(article, targets)


def _review_page(article: Article, run_info: RunInfo, targets: tuple[str, ...]) -> str:
    from pipeline.outputs.review_page import render_review_page

    return render_review_page(article, run_info, targets)


def _bilingual(article: Article, run_info: RunInfo, targets: tuple[str, ...]) -> bytes:
    from pipeline.outputs.bilingual import render_bilingual

    return render_bilingual(article, run_info, targets)


def _text(article: Article, run_info: RunInfo, languages: tuple[str, ...]) -> str:
    (language,) = languages
    return render_translation(article, language)


_FORMATS = (
    OutputFormat("txt", "{language}.txt", _text),
    OutputFormat("docx", "{language}.docx", _docx),
    OutputFormat("tsv", TSV_NAME, lambda article, run_info, targets: render_tsv(article)),
    OutputFormat("jsonl", "aligned.jsonl", lambda article, run_info, targets: render_jsonl(article)),
    OutputFormat("xlsx", "aligned.xlsx", _xlsx),
    OutputFormat("tmx", "article.tmx", _tmx),
    OutputFormat("summary", "summary.json", lambda article, run_info, targets: render_summary(article)),
    OutputFormat("html", "review.html", _review_page),
    OutputFormat("bilingual", "bilingual.docx", _bilingual),
)

#: Output formats a run can choose (``--formats``), in the order they are written; ``report.json``
#: is always written.
OUTPUT_FORMATS: dict[str, OutputFormat] = {output.name: output for output in _FORMATS}

#: Every file warta may write in an article's folder; only these are ever removed from it.
ARTICLE_OUTPUTS: tuple[str, ...] = (
    *(name for output in _FORMATS for name in output.file_names(("en", "zh"))),
    REPORT_NAME,
)


def output_files(formats: tuple[str, ...], targets: tuple[str, ...]) -> set[str]:
    """The files that ``formats`` write for ``targets`` (``report.json`` not included)."""
    return {name for format_name in formats for name in OUTPUT_FORMATS[format_name].file_names(targets)}


def write_article(
    article: Article, folder: Path, run_info: RunInfo, targets: tuple[str, ...],
    formats: tuple[str, ...] = tuple(OUTPUT_FORMATS), remove_stale: bool = True,
) -> list[Path]:
    """Write the output files of ``article`` into ``folder``.

    Args:
        article: the translated article.
        folder: its output folder (created if needed).
        run_info: version, models and settings shared by the run, for the report and page.
        targets: the languages produced.
        formats: which of ``OUTPUT_FORMATS`` to write; ``report.json`` is always written.
        remove_stale: remove the outputs of formats not in ``formats``; False when adding
            formats to a folder whose other outputs are still current (the batch's views).

    Returns:
        The paths written, ``report.json`` last.

    Raises:
        OSError: the folder cannot be written.
    """
    # report.json is written last and removed first: while it is missing, the folder is not
    # a finished article (the batch state checks for it), whatever else is there.
    (folder / REPORT_NAME).unlink(missing_ok=True)
    written = []
    for output in _FORMATS:
        if output.name not in formats:
            continue
        for name, content in output.render_files(article, run_info, targets).items():
            write_atomic(folder / name, content)
            written.append(folder / name)
    if remove_stale:
        # Outputs of formats or languages not chosen this time would be stale next to the new report.
        for stale in set(ARTICLE_OUTPUTS) - {REPORT_NAME} - {path.name for path in written}:
            (folder / stale).unlink(missing_ok=True)
    report = build_report(article, run_info)
    write_atomic(folder / REPORT_NAME, json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    written.append(folder / REPORT_NAME)
    return written
