"""``run.py memory`` and ``translate --memory`` on bad files: exit status, one line, nothing overwritten."""

import ctypes
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import run
from models.tiny import REPO
from pipeline.memory import MemoryEntry, TranslationMemory
from tests.support.cli import run_cli

ARTICLE = "Pemerintah Kota Makassar meluncurkan program kesehatan baru pada 29 Mei 2025.\n"


def _error_line(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("warta: "), err
    return err


@pytest.fixture
def memory(tmp_path: Path) -> Path:
    listing = tmp_path / "list.tsv"
    listing.write_text("id\ten\nSatu.\tOne.\n", encoding="utf-8")
    path = tmp_path / "tm.sqlite"
    assert run.main(["memory", "add", str(listing), "--all", "--memory", str(path)]) == 0
    return path


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("missing.tsv", None, "missing.tsv: cannot read the memory import (No such file or directory)"),
        ("header.tsv", "source\ttarget\nSatu.\tOne.\n", "needs a header with an 'id' column"),
        ("broken.tmx", "<tmx><body><tu>", "broken.tmx: cannot read the TMX file"),
        ("notes.docx", "", "cannot import a '.docx' file"),
    ],
)
def test_a_bad_file_to_add_is_a_usage_error(tmp_path: Path, capsys, name: str, content: str | None, says: str) -> None:
    if content is not None:
        (tmp_path / name).write_text(content, encoding="utf-8")
    assert run.main(["memory", "add", str(tmp_path / name), "--all", "--memory", str(tmp_path / "tm.sqlite")]) == 2
    assert says in _error_line(capsys)
    assert not (tmp_path / "tm.sqlite").exists()  # every file is read before the memory is made


def test_translate_with_a_missing_memory_is_a_usage_error(tmp_path: Path, capsys) -> None:
    article = tmp_path / "rilis.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    assert run.main(["translate", str(article), "-o", str(tmp_path / "out"), "--memory", str(tmp_path / "missing.tm")]) == 2
    assert "missing.tm: no such translation memory" in _error_line(capsys)
    assert not (tmp_path / "out").exists()


def test_the_printed_count_is_of_entries_stored_and_an_edit_beats_an_approval(tmp_path: Path, capsys) -> None:
    corrections = tmp_path / "corrections.tsv"
    corrections.write_text("id\ten\tzh\tstatus\nSatu.\tOne, edited.\t\tedited\nSatu.\tone machine\t\tapproved\n"
                           "Satu.\tone again\t\tapproved\n", encoding="utf-8")
    memory = tmp_path / "tm.sqlite"
    assert run.main(["memory", "add", str(corrections), "--memory", str(memory)]) == 0
    assert capsys.readouterr().out == f"{corrections}\t1 entries\n{memory}\t1 entries in all\n"
    exported = tmp_path / "tm.tmx"
    assert run.main(["memory", "export", "--memory", str(memory), "-o", str(exported)]) == 0
    assert "One, edited." in exported.read_text(encoding="utf-8") and "machine" not in exported.read_text(encoding="utf-8")


def test_export_over_the_memory_itself_is_refused(memory: Path, capsys, monkeypatch) -> None:
    before = memory.read_bytes()
    monkeypatch.chdir(memory.parent)
    for out in (str(memory), "tm.sqlite", f"../{memory.parent.name}/tm.sqlite"):
        assert run.main(["memory", "export", "--memory", str(memory), "-o", out]) == 2
        assert "is the memory file itself" in _error_line(capsys)
    assert memory.read_bytes() == before


def test_export_to_a_folder_or_an_unwritable_place_names_the_out_path(memory: Path, tmp_path: Path, capsys) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    assert run.main(["memory", "export", "--memory", str(memory), "-o", str(folder)]) == 2
    assert _error_line(capsys) == f"warta: {folder}: is a folder; -o names the TMX file to write\n"
    (tmp_path / "file.txt").write_text("x", encoding="utf-8")
    below_a_file = tmp_path / "file.txt" / "tm.tmx"
    assert run.main(["memory", "export", "--memory", str(memory), "-o", str(below_a_file)]) == 2
    assert _error_line(capsys).startswith(f"warta: {below_a_file}: cannot write the TMX file (")
    assert list(folder.iterdir()) == []


def test_a_batch_state_file_is_not_a_memory(tmp_path: Path, capsys) -> None:
    state = tmp_path / ".warta-state.sqlite"
    with sqlite3.connect(state) as db:
        db.execute("CREATE TABLE articles (name TEXT PRIMARY KEY, status TEXT)")
    db.close()
    before = state.read_bytes()
    for command in (["stats"], ["export", "-o", str(tmp_path / "x.tmx")]):
        assert run.main(["memory", *command, "--memory", str(state)]) == 2
        assert "not a warta translation memory" in _error_line(capsys)
    assert state.read_bytes() == before and not (tmp_path / "x.tmx").exists()


def _one_warta_line(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("warta: "), result.stderr
    return result.stderr


def _memory_of_many_pages(path: Path) -> Path:
    with TranslationMemory(path, create=True) as memory:
        memory.add([MemoryEntry(f"Kalimat nomor {n} tentang program beasiswa kota.", f"Sentence {n}.", "", "a.tsv")
                    for n in range(400)])
    return path


@pytest.mark.slow
@pytest.mark.parametrize(("start", "end"), [(100, 4096), (4096, None)], ids=["schema-page", "entry-pages"])
def test_a_damaged_memory_is_one_line_in_every_command(tmp_path: Path, start: int, end: int | None) -> None:
    memory = _memory_of_many_pages(tmp_path / "tm.sqlite")
    data = bytearray(memory.read_bytes())
    stop = len(data) if end is None else end
    data[start:stop] = b"\xa5" * (stop - start)  # the 100-byte header stays: still an SQLite file
    memory.write_bytes(bytes(data))
    listing = tmp_path / "list.tsv"
    listing.write_text("id\ten\nSatu.\tOne.\n", encoding="utf-8")
    article = tmp_path / "rilis.txt"
    article.write_text(ARTICLE, encoding="utf-8")

    for command in (["memory", "add", listing, "--all", "--memory", memory], ["memory", "stats", "--memory", memory],
                    ["translate", article, "-o", tmp_path / "out", "--memory", memory, "-q"]):
        result = run_cli(*command)
        assert result.returncode == 2, (command, result.stderr)
        line = _one_warta_line(result)
        assert line.startswith(f"warta: {memory}: the translation memory is damaged (database disk image is malformed); "
                               f"restore it from a backup"), line


def _without_root_override() -> None:
    # Root writes a file whatever its mode: drop CAP_DAC_OVERRIDE from the bounding set, so the
    # command run next (exec) lacks it and a read-only file is read-only to it too.
    PR_CAPBSET_DROP, CAP_DAC_OVERRIDE = 24, 1
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP, CAP_DAC_OVERRIDE)")


@pytest.mark.slow
def test_adding_to_a_read_only_memory_is_one_line_and_reading_it_still_works(memory: Path, tmp_path: Path) -> None:
    more = tmp_path / "more.tsv"
    more.write_text("id\ten\nDua.\tTwo.\n", encoding="utf-8")
    before = memory.read_bytes()
    memory.chmod(0o444)
    try:
        def as_a_user(*args: str | Path) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [sys.executable, str(REPO / "run.py"), *map(str, args)], cwd=REPO, capture_output=True, text=True,
                timeout=600, env=dict(os.environ), preexec_fn=_without_root_override if os.geteuid() == 0 else None,
            )

        added = as_a_user("memory", "add", more, "--all", "--memory", memory)
        assert added.returncode == 2, added.stderr
        assert _one_warta_line(added) == (f"warta: {memory}: the translation memory is read-only; make the file and its "
                                          f"folder writable, or add to a writable copy\n")
        stats = as_a_user("memory", "stats", "--memory", memory)
        assert stats.returncode == 0 and stats.stdout.startswith("entries\t1\n"), stats.stderr
    finally:
        memory.chmod(0o644)
    assert memory.read_bytes() == before


def test_a_memory_another_warta_is_writing_is_busy_not_foreign(memory: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    from pipeline.memory import store

    monkeypatch.setattr(store, "BUSY_TIMEOUT_S", 0.1)
    capsys.readouterr()
    more = tmp_path / "more.tsv"
    more.write_text("id\ten\nDua.\tTwo.\n", encoding="utf-8")
    article = tmp_path / "rilis.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    busy = f"warta: {memory}: the translation memory is busy: another warta is writing to it; try again when it has finished\n"
    writer = sqlite3.connect(memory, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # importing: other writers wait
        assert run.main(["memory", "add", str(more), "--all", "--memory", str(memory)]) == 2
        assert capsys.readouterr().err == busy
        writer.execute("ROLLBACK")
        writer.execute("BEGIN EXCLUSIVE")  # committing: readers wait too
        assert run.main(["translate", str(article), "-o", str(tmp_path / "out"), "--memory", str(memory)]) == 2
        assert capsys.readouterr().err == busy
        assert not (tmp_path / "out").exists()
        assert run.main(["memory", "stats", "--memory", str(memory)]) == 2
        assert capsys.readouterr().err == busy
    finally:
        writer.rollback()
        writer.close()


@pytest.mark.slow
@pytest.mark.parametrize("planted", ["fifo.tsv", "zero.tmx"])
def test_memory_add_of_a_fifo_or_a_device_is_one_line_at_once(planted: str, tmp_path: Path):
    path = tmp_path / planted
    if planted.startswith("fifo"):
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    result = subprocess.run([sys.executable, str(REPO / "run.py"), "memory", "add", str(path), "--memory", str(tmp_path / "tm.sqlite")],
                            capture_output=True, text=True, timeout=60, env=dict(os.environ))
    assert result.returncode == 2 and "not a regular file" in result.stderr and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1


# --- corrections exported from review pages say which article they are of ----------------------

def _exported(path: Path, article: str, sha256: str, rows: list[tuple[str, str, str]]) -> Path:
    """A corrections file as the review page's export writes it (aligned.tsv's columns, status, article, sha256)."""
    from pipeline.outputs.review_page import EXPORT_COLUMNS
    from pipeline.outputs.rows import TSV_COLUMNS

    lines = ["\t".join((*TSV_COLUMNS, *EXPORT_COLUMNS))]
    for number, (source, en, status) in enumerate(rows, start=1):
        lines.append("\t".join(("1", str(number), "paragraph", source, en, "", "", status, article, sha256)))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_memory_add_of_two_exports_names_the_article_each_entry_came_from(tmp_path: Path, capsys) -> None:
    # Saved by a browser into one folder the second is "corrections (1).tsv": the name says nothing.
    first = _exported(tmp_path / "corrections.tsv", "2025/06/rilis-a", "a" * 64, [("Satu.", "One.", "approved"), ("Dua.", "2", "")])
    second = _exported(tmp_path / "corrections (1).tsv", "rilis-b", "b" * 64, [("Tiga.", "Three.", "edited")])
    memory = tmp_path / "tm.sqlite"

    assert run.main(["memory", "add", str(first), str(second), "--memory", str(memory)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[:2] for line in lines] == [[str(first), "1 entries"], [str(second), "1 entries"], [str(memory), "2 entries in all"]]
    assert lines[1].split("\t")[2:] == [f"(article rilis-b, sha256 {'b' * 64})"]  # which article, whatever the file is called
    assert run.main(["memory", "stats", "--memory", str(memory)]) == 0

    origins = {tuple(line.split("\t")[1:]) for line in capsys.readouterr().out.splitlines() if line.startswith("from\t")}
    assert origins == {(f"{first} (article 2025/06/rilis-a, sha256 {'a' * 64})", "1"), (f"{second} (article rilis-b, sha256 {'b' * 64})", "1")}
    with TranslationMemory(memory) as opened:
        assert {entry.source: entry.origin for entry in opened.entries()}["Tiga."] == f"{second} (article rilis-b, sha256 {'b' * 64})"


def test_a_corrections_file_from_before_the_article_columns_still_imports(tmp_path: Path, capsys) -> None:
    old = tmp_path / "corrections.tsv"
    old.write_text("block\tsentence\tkind\tid\ten\tzh\tflags\tstatus\n1\t1\tparagraph\tSatu.\tOne.\t一。\t\tapproved\n", encoding="utf-8")
    memory = tmp_path / "tm.sqlite"

    assert run.main(["memory", "add", str(old), "--memory", str(memory)]) == 0
    with TranslationMemory(memory) as opened:
        assert [(entry.source, entry.en, entry.zh, entry.origin) for entry in opened.entries()] == [("Satu.", "One.", "一。", str(old))]
