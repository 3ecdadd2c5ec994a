"""Running ``translate`` over files and folders: finding articles, isolating failures.

Each input file becomes ``OUT/<name>/``, where name is the file's path relative to the folder
given (without the suffix), so ``2025/05/rilis.txt`` and ``2025/06/rilis.txt`` never collide.
A bad article is reported with a one-line reason and the others go on.
"""

import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import InputError, UsageError
from pipeline.orchestrator import Warta
from pipeline.reading import TEXT_SUFFIXES
from pipeline.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ArticleJob:
    """One input file and the name of its output folder (relative to OUT)."""

    path: Path
    name: str


@dataclass
class BatchResult:
    """What a run did: articles done and failed (with reasons)."""

    done: list[ArticleJob] = field(default_factory=list)
    failed: list[tuple[ArticleJob, str]] = field(default_factory=list)


def find_articles(inputs: list[Path]) -> list[ArticleJob]:
    """The article files among ``inputs``: files as given, folders walked recursively.

    Hidden files and folders (starting with ``.``) are skipped, and so are files of types
    warta does not read. Files named directly are kept whatever their type, so that the user
    hears why one cannot be read.

    Raises:
        UsageError: an input does not exist.
        InputError: a folder cannot be read.
    """
    jobs: list[ArticleJob] = []
    for given in inputs:
        if given.is_dir():
            try:
                files = sorted(path for path in given.rglob("*") if path.is_file())
            except OSError as error:
                raise InputError(f"{given}: cannot read the folder ({error.strerror or error})") from error
            for path in files:
                relative = path.relative_to(given)
                if any(part.startswith(".") for part in relative.parts) or path.suffix.lower() not in TEXT_SUFFIXES:
                    continue
                jobs.append(ArticleJob(path, relative.with_suffix("").as_posix()))
        elif given.exists():
            jobs.append(ArticleJob(given, given.stem))
        else:
            raise UsageError(f"{given}: no such file or folder")
    return jobs


def run_translate(inputs: list[Path], out: Path, settings: Settings, quiet: bool = False) -> BatchResult:
    """Translate every article among ``inputs`` into ``out``.

    Returns:
        What was done and what failed. Model errors are not per-article and propagate.

    Raises:
        UsageError, InputError: the inputs cannot be listed.
        ModelError: a model cannot be loaded.
    """
    warta = Warta(settings)
    result = BatchResult()
    for job in find_articles(inputs):
        try:
            article = warta.read_file(job.path, name=job.name)
        except InputError as error:
            result.failed.append((job, str(error)))
            print(f"warta: {error}", file=sys.stderr)
            continue
        warta.translate_prepared([article])
        warta.write(article, out / job.name)
        result.done.append(job)
        if not quiet:
            print(f"done {job.path} -> {out / job.name} ({len(article.sentences())} sentences)")
    return result
