"""Writing an article's outputs: texts, aligned tables, summary and report (DESIGN.md's contract).

Every file is written atomically: to a temporary name in the same folder, flushed, then
renamed over the target, so a crash leaves the old file or the new one, never half of one.
"""

import json
import os
import re
import secrets
from collections import Counter
from pathlib import Path

from pipeline.article import Article, Block, Sentence
from pipeline.joining import join_pieces

TSV_COLUMNS = ("block", "sentence", "kind", "id", "en", "zh", "flags")

#: Output formats a run can choose (``--formats``); ``report.json`` is always written.
OUTPUT_FORMATS = {
    "txt": "en.txt, zh.txt",
    "docx": "en.docx, zh.docx",
    "tsv": "aligned.tsv",
    "jsonl": "aligned.jsonl",
    "xlsx": "aligned.xlsx",
    "tmx": "article.tmx",
    "summary": "summary.json",
    "html": "review.html",
}


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write ``content`` to ``path`` so that readers see the old file or the new one, never a part.

    The new file gets the permissions any new file in that folder gets (``0o666`` less the
    umask), as if written directly: outputs are meant to be read by reviewers and web servers.

    Raises:
        OSError: the folder cannot be written.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    handle, temporary = _create_temporary(path)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _create_temporary(path: Path) -> tuple[int, str]:
    # Not tempfile.mkstemp: it creates the file with mode 0o600, which os.replace would carry
    # over to the output, leaving it unreadable to everyone but its writer. os.open with
    # 0o666 lets the umask decide, as for any other new file.
    while True:
        temporary = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
        try:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
            return os.open(temporary, flags, 0o666), str(temporary)
        except FileExistsError:
            continue


def _block_line(block: Block, text: str) -> str:
    # The reader keeps a marker only where the source had one: Markdown heading markers (also on
    # a "# title"), list markers. A title's "#" is kept too, so the output stays valid Markdown.
    if block.marker:
        return f"{block.marker} {text}"
    return text


def render_translation(article: Article, language: str) -> str:
    """The article in ``language`` (``en`` or ``zh``) with the source's block structure.

    One block per line group, a blank line between blocks; headings (a Markdown title too)
    and list items keep their markers. A block's sentences are joined by what meets between
    them (``pipeline.joining``): nothing between Chinese, a space between Latin words.
    """
    lines = []
    for block in article.blocks:
        text = join_pieces([getattr(sentence, language) for sentence in block.sentences])
        lines.append(_block_line(block, text))
    return "\n\n".join(lines) + "\n"


# Everything str.splitlines() breaks a line at (readers of corpora use it), and the tab.
_LINE_BREAKS_AND_TABS = re.compile("\r\n|[\t\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


def _tsv_cell(value: object) -> str:
    # Plain TSV as parallel corpora use it: no quoting, so a tab or line break would break the row.
    return _LINE_BREAKS_AND_TABS.sub(" ", str(value))


#: The flag of a row whose source sentence is English, passed through unchanged (its ``id``
#: column holds English). aligned.tsv's columns are fixed (DESIGN.md), so the flags say it.
SOURCE_ENGLISH_FLAG = "source_en"


def row_flags(sentence: Sentence) -> list[str]:
    """The flags of ``sentence``'s row: its own, and ``source_en`` when it passed through as English."""
    return [*sentence.flags, SOURCE_ENGLISH_FLAG] if sentence.lang == "en" else list(sentence.flags)


def aligned_rows(article: Article) -> list[dict[str, object]]:
    """One row per source sentence, in order, with the columns of ``aligned.tsv``."""
    return [
        {
            "block": block_number,
            "sentence": sentence_number,
            "kind": block.kind,
            "id": sentence.text,
            "en": sentence.en,
            "zh": sentence.zh,
            "flags": ",".join(row_flags(sentence)),
            "source_lang": sentence.lang,
            "qa": sentence.qa,
        }
        for block_number, sentence_number, block, sentence in article.numbered_sentences()
    ]


def render_tsv(article: Article) -> str:
    """``aligned.tsv``: a header and one row per source sentence."""
    lines = ["\t".join(TSV_COLUMNS)]
    for row in aligned_rows(article):
        lines.append("\t".join(_tsv_cell(row[column]) for column in TSV_COLUMNS))
    return "\n".join(lines) + "\n"


def render_jsonl(article: Article) -> str:
    """``aligned.jsonl``: the rows of ``aligned.tsv`` as JSON objects (plus ``source_lang``)."""
    return "".join(_json_line(row) + "\n" for row in aligned_rows(article))


def _json_line(row: dict[str, object]) -> str:
    # json.dumps escapes only U+0000-U+001F; with ensure_ascii=False it writes NEL, LINE
    # SEPARATOR and PARAGRAPH SEPARATOR raw, and str.splitlines() would cut the row there.
    line = json.dumps(row, ensure_ascii=False)
    return line.replace("\x85", "\\u0085").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def render_summary(article: Article) -> str:
    """``summary.json``: the summary in id, en and zh, each sentence with its source position."""
    summary = {
        "method": "extractive",
        "sentences": [
            {"id": s.id, "en": s.en, "zh": s.zh, "source": [{"block": s.block, "sentence": s.sentence}]}
            for s in article.summary
        ],
    }
    return json.dumps(summary, ensure_ascii=False, indent=2) + "\n"


def flag_counts(article: Article) -> dict[str, int]:
    """How many sentences carry each flag."""
    return dict(Counter(flag for sentence in article.sentences() for flag in sentence.flags))


def build_report(article: Article, run_info: dict[str, object]) -> dict[str, object]:
    """``report.json``'s content: how this article's outputs were made.

    Args:
        article: the finished article.
        run_info: version, models, settings and anything else shared by the run.
    """
    sentences = article.sentences()
    return {
        **run_info,
        "input": {
            "path": str(article.source) if article.source else None,
            "name": article.name,
            "sha256": article.sha256,
            "encoding": article.encoding,
        },
        "language": article.language,
        "counts": {
            "blocks": len(article.blocks),
            "sentences": len(sentences),
            "english_source_sentences": sum(1 for s in sentences if s.lang == "en"),
            "split_sentences": sum(1 for s in sentences if "split" in s.flags),
        },
        "timings": {stage: round(seconds, 4) for stage, seconds in article.timings.items()},
        "flags": flag_counts(article),
        "warnings": article.warnings,
    }


def write_article(
    article: Article, folder: Path, run_info: dict[str, object], targets: tuple[str, ...],
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
    # Imported here: these modules build on this one's row helpers.
    from pipeline.docx_writer import render_docx
    from pipeline.review_page import render_review_page
    from pipeline.spreadsheet import render_xlsx
    from pipeline.tmx import render_tmx

    # report.json is written last and removed first: while it is missing, the folder is not
    # a finished article (the batch manifest checks for it), whatever else is there.
    (folder / "report.json").unlink(missing_ok=True)
    renderers = {
        "txt": lambda: {f"{language}.txt": render_translation(article, language) for language in targets},
        "docx": lambda: {f"{language}.docx": render_docx(article, language) for language in targets},
        "tsv": lambda: {"aligned.tsv": render_tsv(article)},
        "jsonl": lambda: {"aligned.jsonl": render_jsonl(article)},
        "summary": lambda: {"summary.json": render_summary(article)},
        "html": lambda: {"review.html": render_review_page(article, run_info, targets)},
        "tmx": lambda: {"article.tmx": render_tmx(article, targets)},
        "xlsx": lambda: {"aligned.xlsx": render_xlsx(article)},
    }
    # Outputs of formats or languages not chosen this time would be stale next to the new report.
    every_output = {"en.txt", "zh.txt", "en.docx", "zh.docx", "aligned.tsv", "aligned.jsonl", "aligned.xlsx",
                    "article.tmx", "summary.json", "review.html"}
    written = []
    for output_format in OUTPUT_FORMATS:
        if output_format not in formats:
            continue
        for name, content in renderers[output_format]().items():
            write_atomic(folder / name, content)
            written.append(folder / name)
    for stale in (every_output - {path.name for path in written}) if remove_stale else ():
        (folder / stale).unlink(missing_ok=True)
    # The report comes last: its presence says the other files are complete.
    report = build_report(article, run_info)
    write_atomic(folder / "report.json", json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    written.append(folder / "report.json")
    return written
