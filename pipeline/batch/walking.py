"""Finding the articles among the inputs and giving each its output folder for good.

* Each input file (by resolved path, once per run however often it is named) becomes
  ``OUT/<name>/``: the file's path relative to the folder given, without the suffix (a file
  named directly: its stem), so ``2025/05/rilis.txt`` and ``2025/06/rilis.txt`` never collide.
* The state remembers which input owns which folder and never gives that folder to another
  input: a newcomer whose name is taken gets its path with the suffix (``rilis.txt``), then
  that name with a hash of its resolved path (``rilis-1a2b3c4d``). Bytes of a file name that
  are not valid UTF-8 become ``%XX`` in the folder name.
* No walk enters a folder that holds warta's output marker.
"""

import hashlib
import logging
import os
from dataclasses import dataclass, replace
from pathlib import Path

from pipeline.batch.manifest import MANIFEST_NAME, is_output_folder
from pipeline.batch.names import folder_inside, safe_name
from pipeline.batch.state import BatchState, path_key, printable
from pipeline.errors import InputError, UsageError
from pipeline.files import TEMPORARY_NAME
from pipeline.outputs.index_page import INDEX_NAME
from pipeline.reading.formats import reader_format

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ArticleJob:
    """One input file and the name of its output folder (relative to OUT).

    Attributes:
        path: the file as found (given, or under a folder given).
        name: its output folder's name.
        key: its resolved path as bytes (``state.path_key``): the input's identity.
        fallback: the name to try when ``name`` belongs to another input (the path with suffix).
        refused: why the file is not read at all (a symbolic link out of the folder given), or "".
    """

    path: Path
    name: str
    key: bytes = b""
    fallback: str = ""
    refused: str = ""


def find_articles(inputs: list[Path], exclude: Path | None = None) -> tuple[list[ArticleJob], list[tuple[str, str]]]:
    """The article files among ``inputs``: files as given, folders walked recursively.

    Hidden files and folders (starting with ``.``), warta output folders (they hold
    ``.warta-output``) and ``exclude`` (this run's output folder) are left out; when ``exclude``
    is itself an input folder, its files are read but not its output folders or
    ``index.html``. Every other file is a job whatever its type, so that the user hears why one
    cannot be read (its reader refuses it) instead of never hearing of it. A file named twice (or named and found in a folder) is
    one job. Names are unique within the run; ``assign_names`` settles them against the state.

    Returns:
        The jobs, and (path, reason) for every folder that could not be read.

    Raises:
        UsageError: an input does not exist.
    """
    found: list[ArticleJob] = []
    unreadable: list[tuple[str, str]] = []
    excluded = exclude.resolve() if exclude else None
    for given in inputs:
        if given.is_dir():
            root = given.resolve()
            if is_output_folder(given) and root != excluded:
                log.warning("%s: a warta output folder; not read as input", printable(str(given)))
                continue

            def report(error: OSError, given: Path = given) -> None:
                unreadable.append((printable(str(error.filename or given)), f"cannot read the folder ({error.strerror or error})"))

            for folder, subfolders, files in os.walk(given, onerror=report):
                here = Path(folder)
                for sub in subfolders:
                    if not sub.startswith(".") and (here / sub).is_symlink():  # os.walk does not follow it: say so
                        unreadable.append((printable(str(here / sub)), "a symbolic link to a folder; not followed "
                                                                          "(give the folder itself to translate it)"))
                subfolders[:] = sorted(
                    sub for sub in subfolders
                    if not sub.startswith(".") and not (here / sub).is_symlink() and not is_output_folder(here / sub)
                    and (excluded is None or (here / sub).resolve() != excluded)
                )
                for file_name in sorted(files):
                    path = here / file_name
                    # Every file but a hidden one is an input: one that warta cannot read is
                    # listed as failed with the reason (reading says which types it reads),
                    # never passed over in silence.
                    if file_name.startswith("."):
                        continue
                    if root == excluded and here == given and file_name in (INDEX_NAME, MANIFEST_NAME):
                        continue  # this run's own index page and manifest
                    relative = path.relative_to(given)
                    # A file of a type warta does not read never gets outputs: it is known by its
                    # name with the suffix, and leaves the plain name to the release beside it
                    # (rilis.odt beside rilis.txt).
                    stem = relative.with_suffix("") if reader_format(path) is not None else relative
                    found.append(ArticleJob(path, safe_name(stem.as_posix()), b"",
                                            safe_name(relative.as_posix()), _link_out_of(path, root)))
        elif given.exists() or given.is_symlink():
            found.append(ArticleJob(given, safe_name(given.stem), b"", safe_name(given.name)))
        else:
            raise UsageError(f"{printable(str(given))}: no such file or folder")
    jobs: list[ArticleJob] = []
    keys: set[bytes] = set()
    taken: set[str] = set()
    for job in found:
        # A link not followed is known by its own path: its target, named directly, is another job.
        key = os.fsencode(os.path.abspath(job.path)) if job.refused else path_key(job.path)
        if key in keys:  # the same file named again: translated once
            continue
        keys.add(key)
        name = _first_free([job.name, job.fallback, _hashed_name(job.name, key)], taken)
        taken.add(name.casefold())
        jobs.append(ArticleJob(job.path, name, key, job.fallback if name == job.name else "", job.refused))
    return jobs, unreadable


def _link_out_of(path: Path, root: Path) -> str:
    """Why a walked file is not followed: it is a symbolic link to a file outside ``root``; else ""."""
    if not path.is_symlink():
        return ""
    # A folder given is the user's choice of what to translate; a link in it to /etc/passwd or
    # another user's files is not. Naming such a file directly still translates it.
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):  # a dangling link or a loop: the reader says why
        return ""
    if root in target.parents:
        return ""
    return f"a symbolic link to {printable(str(target))}, outside the folder given; not followed (name the file itself to translate it)"


def _hashed_name(name: str, key: bytes) -> str:
    return f"{name}-{hashlib.sha256(key).hexdigest()[:8]}"


def _first_free(candidates: list[str], taken: set[str]) -> str:
    for candidate in candidates:
        if candidate and candidate.casefold() not in taken:
            return candidate
    base, counter = candidates[-1], 2
    while f"{base}-{counter}".casefold() in taken:
        counter += 1
    return f"{base}-{counter}"


def assign_names(jobs: list[ArticleJob], state: BatchState, out: Path) -> list[ArticleJob]:
    """Give every job its output folder for good: the state's for a known input, else a free one.

    A name is free when no other input in the state owns it (or its owner no longer exists), no
    other job of this run has it, and ``OUT/<name>`` is not a folder warta did not write (with
    ``-o`` equal to the input folder, an input folder may sit there).
    """
    owned: dict[str, bytes] = {}
    rows = {job.key: state.by_input(job.key) for job in jobs}
    for job in jobs:
        row = rows[job.key]
        if row is not None:
            owned[row.name.casefold()] = job.key
    assigned = []
    for job in jobs:
        row = rows[job.key]
        if row is not None:
            assigned.append(replace(job, name=row.name))
            continue
        for candidate in (job.name, job.fallback, _hashed_name(job.name, job.key), *(
                f"{_hashed_name(job.name, job.key)}-{n}" for n in range(2, 100))):
            if candidate and folder_inside(out, candidate) is not None and _is_free(candidate, job.key, owned, state, out):
                owned[candidate.casefold()] = job.key
                assigned.append(replace(job, name=candidate))
                break
        else:
            raise InputError(f"{printable(str(job.path))}: no free output folder name")
    return assigned


def _is_free(name: str, key: bytes, owned: dict[str, bytes], state: BatchState, out: Path) -> bool:
    if owned.get(name.casefold(), key) != key:
        return False
    holder = state.by_name(name)
    if holder is not None and holder.input_key not in (None, key) and os.path.exists(os.fsdecode(holder.input_key)):
        return False
    folder = out / name
    try:
        return holder is not None or not folder.exists() or is_output_folder(folder) or _left_by_a_killed_run(folder)
    except OSError:  # a name the file system refuses: not one to give
        return False


def _left_by_a_killed_run(folder: Path) -> bool:
    # A run killed between creating an article's folder and writing its marker leaves the folder
    # empty, or holding only the marker's temporary file: nothing of anyone's is in it, and the
    # article must get its own name back rather than a fallback.
    if not folder.is_dir() or folder.is_symlink():
        return False
    return all(TEMPORARY_NAME.match(entry.name) and entry.is_file(follow_symlinks=False) for entry in os.scandir(folder))


