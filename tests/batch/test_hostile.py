"""A careless colleague or a hostile file: nothing written or deleted outside ``-o``, nothing that hangs."""

import io
import json
import os
import sqlite3
import threading
from pathlib import Path

import pytest

from benchmarks.standin import use_stand_in
from pipeline.batch import run_translate
from pipeline.batch.manifest import MARKER_NAME
from pipeline.batch.names import folder_inside, safe_name, unsafe_name_reason
from pipeline.batch.state import STATE_NAME, BatchState
from pipeline.errors import InputError
from pipeline.orchestrator import Warta
from pipeline.settings import Settings
from tests.support.articles import indonesian_article


def stand_in_warta() -> Warta:
    return use_stand_in(Warta(Settings(device="cpu", beams=1)))


def files_under(folder: Path) -> set[Path]:
    return {path for path in folder.rglob("*")}


@pytest.mark.parametrize(("path", "name"), [
    ("rilis", "rilis"),
    ("2025/05/rilis", "2025/05/rilis"),
    ("..", "%2E."),  # the stem of "...txt"
    (".", "%2E"),  # the stem of "..txt"
    (".env", "%2Eenv"),
    ("a/../b", "a/%2E./b"),
    ("C:\\Users\\x", "C%3A%5CUsers%5Cx"),
    ("a\x00b", "a%00b"),
    ("", "%2E"),
])
def test_safe_name_never_leaves_or_hides_in_the_output_folder(path: str, name: str, tmp_path: Path):
    assert safe_name(path) == name
    assert unsafe_name_reason(name) is None and folder_inside(tmp_path, name) == tmp_path / name


@pytest.mark.parametrize("name", ["../victim", "/abs/path", "a/../../b", ".", "..", "a//b", "", "C:\\x", "C:/x",
                                  "\\\\server\\share", "a\\..\\b", "a\x00b", "x" * 300, None, 7])
def test_names_read_back_that_would_leave_the_output_folder_are_refused(name: object, tmp_path: Path):
    assert unsafe_name_reason(name) is not None
    assert not isinstance(name, str) or folder_inside(tmp_path, name) is None


def test_a_name_that_leads_out_through_a_planted_link_is_refused(tmp_path: Path):
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / "rilis").symlink_to(elsewhere)
    assert unsafe_name_reason("rilis") is None and folder_inside(out, "rilis") is None


def _victim(tmp_path: Path) -> tuple[Path, set[Path]]:
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "en.txt").write_text("a user's own file\n", encoding="utf-8")
    (victim / "report.json").write_text("{}\n", encoding="utf-8")
    return victim, files_under(victim)


def test_a_crafted_manifest_names_no_folder_outside_the_output_folder(tmp_path: Path):
    victim, before = _victim(tmp_path)
    source = tmp_path / "in"
    source.mkdir()
    (source / "rilis.txt").write_text(indonesian_article(1), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    record = {"input": str(source / "rilis.txt"), "sha256": "0" * 64, "fingerprint": "x", "status": "done", "outputs": ["en.txt"]}
    (out / "manifest.json").write_text(json.dumps({"articles": {
        "../victim": record, str(victim): dict(record, input=str(tmp_path / "gone.txt")), "ok": dict(record, input="elsewhere.txt"),
    }}), encoding="utf-8")
    stream = io.StringIO()
    result = run_translate([source], out, stand_in_warta(), quiet=False, stream=stream)
    assert result.done == ["rilis"] and result.failed == []
    assert files_under(victim) == before and not (victim / MARKER_NAME).exists()
    assert (victim / "en.txt").read_text(encoding="utf-8") == "a user's own file\n"
    refused = [line for line in stream.getvalue().splitlines() if "refused" in line]
    assert len(refused) == 2 and any("../victim" in line for line in refused), stream.getvalue()
    names = set(json.loads((out / "manifest.json").read_text(encoding="utf-8"))["articles"])
    assert names == {"ok", "rilis"}


def test_a_crafted_state_row_is_refused_and_nothing_outside_is_touched(tmp_path: Path):
    victim, before = _victim(tmp_path)
    source = tmp_path / "in"
    source.mkdir()
    article = source / "rilis.txt"
    article.write_text(indonesian_article(1), encoding="utf-8")
    out = tmp_path / "out"
    warta = stand_in_warta()
    assert run_translate([source], out, warta, quiet=True).done == ["rilis"]
    # An attacker (or a copied state) points the article's row at a folder outside OUT, and
    # makes it fail next time, which would delete its "earlier outputs" there.
    with sqlite3.connect(out / STATE_NAME) as db:
        db.execute("UPDATE articles SET name = '../victim' WHERE name = 'rilis'")
    article.write_bytes(b"\x00\x01binary now")
    state = BatchState(out)
    assert state.refused == [("../victim", "a '..' part")] and state.by_name("../victim") is None
    state.close()
    result = run_translate([source], out, warta, quiet=True)
    assert len(result.failed) == 1 and files_under(victim) == before


@pytest.mark.parametrize("file_name", ["...txt", "..txt"])
def test_a_file_named_directly_with_a_dotted_stem_gets_a_folder_inside_the_output_folder(file_name: str, tmp_path: Path):
    source = tmp_path / "in"
    source.mkdir()
    path = source / file_name
    path.write_text(indonesian_article(3), encoding="utf-8")
    out = tmp_path / "deep" / "out"
    result = run_translate([path], out, stand_in_warta(), quiet=True)
    assert result.failed == [] and len(result.done) == 1
    folder = out / result.done[0]
    assert folder.resolve().parent == out.resolve() and not result.done[0].startswith(".")
    assert (folder / "en.txt").read_text(encoding="utf-8").startswith("RILIS NOMOR 3")
    assert sorted(path.name for path in (tmp_path / "deep").iterdir()) == ["out"]


def test_a_file_link_out_of_the_folder_is_not_followed_and_says_so(tmp_path: Path):
    secret = tmp_path / "secret.txt"
    secret.write_text(indonesian_article(4), encoding="utf-8")
    source = tmp_path / "in"
    (source / "sub").mkdir(parents=True)
    (source / "rilis.txt").write_text(indonesian_article(5), encoding="utf-8")
    (source / "bocor.txt").symlink_to(secret)
    (source / "sub" / "sama.txt").symlink_to(source / "rilis.txt")  # inside the folder: followed (once)
    out = tmp_path / "out"
    result = run_translate([source], out, stand_in_warta(), quiet=True)
    assert result.done == ["rilis"]
    assert len(result.failed) == 1 and result.failed[0][0].endswith("bocor.txt")
    assert "outside the folder given; not followed" in result.failed[0][1]
    assert not (out / "bocor" / "en.txt").exists()
    record = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["articles"]["bocor"]
    assert record["status"] == "failed" and "not followed" in record["reason"]
    assert "not followed" in (out / "index.html").read_text(encoding="utf-8")
    # named directly, the user chose it: translated
    named = run_translate([source / "bocor.txt"], tmp_path / "out2", stand_in_warta(), quiet=True)
    assert named.done == ["bocor"] and named.failed == []


def _bounded(target, seconds: float, release: list[Path]):
    """Run ``target`` in a thread; a hang fails the test instead of hanging the suite."""
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["value"] = target()
        except BaseException as error:  # noqa: BLE001 - raised again in the test's thread
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        for fifo in release:  # open the other end, so the blocked reader can go on
            try:
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:
                pass
        thread.join(5)
        pytest.fail(f"still running after {seconds} s")
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]


def test_a_fifo_and_device_links_fail_alone_and_never_hang(tmp_path: Path):
    source = tmp_path / "in"
    source.mkdir()
    (source / "rilis.txt").write_text(indonesian_article(6), encoding="utf-8")
    fifo = source / "pipa.txt"
    os.mkfifo(fifo)
    (source / "nol.txt").symlink_to("/dev/zero")
    zero = tmp_path / "nol-langsung.txt"
    zero.symlink_to("/dev/urandom")  # another device: one file named twice is one job
    out = tmp_path / "out"
    result = _bounded(lambda: run_translate([source, zero], out, stand_in_warta(), quiet=True), 120, [fifo])
    assert result.done == ["rilis"]
    reasons = dict(result.failed)
    assert len(reasons) == 3, reasons
    assert any(path.endswith("pipa.txt") and "not a regular file" in reason for path, reason in reasons.items()), reasons
    assert any(path.endswith("nol-langsung.txt") and "not a regular file" in reason for path, reason in reasons.items()), reasons


def test_a_state_that_cannot_be_written_names_the_file_not_a_wrong_cause(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    # What SQLite says on a full disk at the first write, played here; the tmpfs test below has a real one.
    from pipeline.batch import state

    real = sqlite3.connect

    def connect(*args, **kwargs):
        connection = real(*args, **kwargs)

        class Full:
            def execute(self, statement, *rest):
                if statement.startswith("PRAGMA journal_mode"):
                    raise sqlite3.OperationalError("database or disk is full")
                return connection.execute(statement, *rest)

            def __getattr__(self, name):
                return getattr(connection, name)

        return Full()

    monkeypatch.setattr(state.sqlite3, "connect", connect)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(InputError) as raised:
        BatchState(out)
    message = str(raised.value)
    assert STATE_NAME in message and "database or disk is full" in message and "not a warta state file" not in message


@pytest.fixture
def tiny_disk(tmp_path: Path):
    """A 600 KiB file system that fills up: a real full disk (needs root and tmpfs, as on CI)."""
    import subprocess

    mount = tmp_path / "disk"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=600k", "tmpfs", str(mount)], capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here (the state-file test above covers the start of a run)")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_a_disk_that_fills_up_mid_run_stops_with_a_line_naming_the_file(tmp_path: Path, tiny_disk: Path):
    from pipeline.errors import WartaError

    source = tmp_path / "in"
    source.mkdir()
    for number in range(60):
        (source / f"rilis-{number:02d}.txt").write_text(indonesian_article(number) * 5, encoding="utf-8")
    out = tiny_disk / "out"
    with pytest.raises((WartaError, OSError)) as raised:
        run_translate([source], out, stand_in_warta(), quiet=True)
    message = str(raised.value)
    assert str(out) in message and ("full" in message or "No space" in message), message
    assert "not a warta state file" not in message


@pytest.mark.slow
def test_a_hostile_folder_finishes_with_every_good_article_and_a_line_per_bad_input(tmp_path: Path):
    """A FIFO, a device link, a link out of the folder, ``...txt``, a huge file, a style-heavy docx
    and a crafted manifest: the run ends by itself, the good articles are done, nothing outside
    ``-o`` changes, and each bad input is one line."""
    from tests.support.documents import many_styles_docx

    victim, before = _victim(tmp_path)
    secret = tmp_path / "rahasia.txt"
    secret.write_text(indonesian_article(9), encoding="utf-8")
    source = tmp_path / "in"
    source.mkdir()
    for number in range(3):
        (source / f"rilis-{number}.txt").write_text(indonesian_article(number), encoding="utf-8")
    fifo = source / "pipa.txt"
    os.mkfifo(fifo)
    (source / "nol.txt").symlink_to("/dev/zero")
    (source / "bocor.txt").symlink_to(secret)
    dotted = tmp_path / "...txt"
    dotted.write_text(indonesian_article(7), encoding="utf-8")
    # 20,000 short sentences (the summary's cost, which grew with their square, is linear now)
    sentences = [f"Kalimat nomor {number} tentang program kesehatan kota." for number in range(20_000)]
    (source / "besar.txt").write_text("Rilis Besar\n\n" + "\n\n".join(" ".join(sentences[i:i + 20]) for i in range(0, 20_000, 20)),
                                      encoding="utf-8")
    many_styles_docx(source / "gaya.docx", styles=5_000, paragraphs=200)
    out = tmp_path / "out"
    out.mkdir()
    record = {"input": str(source / "rilis-0.txt"), "sha256": "0" * 64, "fingerprint": "x", "status": "done", "outputs": ["en.txt"]}
    (out / "manifest.json").write_text(json.dumps({"articles": {"../victim": record}}), encoding="utf-8")
    stream = io.StringIO()
    warta = use_stand_in(Warta(Settings(device="cpu", beams=1, formats=("txt", "tsv"))))
    outside = files_under(tmp_path) - files_under(out)

    result = _bounded(lambda: run_translate([source, dotted], out, warta, quiet=False, stream=stream), 300, [fifo])

    assert sorted(result.done) == ["%2E.", "besar", "gaya", "rilis-0", "rilis-1", "rilis-2"]
    assert sorted(Path(path).name for path, _ in result.failed) == ["bocor.txt", "nol.txt", "pipa.txt"]
    assert files_under(victim) == before
    assert files_under(tmp_path) - files_under(out) == outside  # nothing new outside -o
    lines = stream.getvalue().splitlines()
    assert len([line for line in lines if "refused" in line]) == 1
    rows = (out / "besar" / "aligned.tsv").read_text(encoding="utf-8").splitlines()
    assert len(rows) == 20_002  # header, title and every sentence


# --- found by a second hostile review ------------------------------------------------------------


def _foreign_database(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE payroll (name TEXT, salary INTEGER)")
        db.execute("INSERT INTO payroll VALUES ('Ani', 1)")


@pytest.mark.parametrize("planted", ["link", "file"])
def test_a_state_file_that_is_a_link_or_another_database_is_refused_and_left_as_it_was(planted: str, tmp_path: Path):
    other = tmp_path / "payroll.sqlite"
    _foreign_database(other)
    out = tmp_path / "out"
    out.mkdir()
    if planted == "link":
        (out / STATE_NAME).symlink_to(other)
    else:
        _foreign_database(out / STATE_NAME)
    before = (out / STATE_NAME).read_bytes()
    with pytest.raises(InputError, match="not a warta state file"):
        BatchState(out)
    assert (out / STATE_NAME).read_bytes() == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out", "payroll.sqlite"]  # no -wal, no -shm beside it
    with sqlite3.connect(other) as db:
        assert [name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")] == ["payroll"]


@pytest.mark.parametrize("planted", ["fifo", "zero"])
def test_a_manifest_that_is_a_fifo_or_a_device_is_refused_at_once(planted: str, tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    if planted == "fifo":
        os.mkfifo(out / "manifest.json")
    else:
        (out / "manifest.json").symlink_to("/dev/zero")
    with pytest.raises(InputError, match="not a regular file"):
        _bounded(lambda: BatchState(out), 30, [out / "manifest.json"])


def test_a_refused_link_does_not_hide_its_target_named_directly(tmp_path: Path):
    outside = tmp_path / "luar"
    outside.mkdir()
    target = outside / "b.txt"
    target.write_text(indonesian_article(2), encoding="utf-8")
    source = tmp_path / "in"
    source.mkdir()
    (source / "l1.txt").symlink_to(target)
    out = tmp_path / "out"
    warta = stand_in_warta()
    first = run_translate([source, target], out, warta, quiet=True)
    assert first.done == ["b"] and [Path(path).name for path, _ in first.failed] == ["l1.txt"]
    alone = run_translate([target], out, warta, quiet=True)
    assert alone.skipped == ["b"] and not (out / "l1" / "en.txt").exists()
    again = run_translate([source, target], out, warta, quiet=True)
    assert again.skipped == ["b"] and (out / "b" / "en.txt").is_file()


def test_a_manifest_name_too_long_for_a_path_is_refused_with_a_line(tmp_path: Path):
    source = tmp_path / "in"
    source.mkdir()
    (source / "rilis.txt").write_text(indonesian_article(1), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    long_name = "/".join(["x" * 200] * 25)
    record = {"input": str(source / "rilis.txt"), "sha256": "0" * 64, "fingerprint": "x", "status": "done"}
    (out / "manifest.json").write_text(json.dumps({"articles": {long_name: record}}), encoding="utf-8")
    stream = io.StringIO()
    result = run_translate([source], out, stand_in_warta(), quiet=False, stream=stream)
    assert result.done == ["rilis"] and "refused" in stream.getvalue()
    assert run_translate([source], out, stand_in_warta(), quiet=True).skipped == ["rilis"]


def test_a_path_too_deep_for_one_folder_name_keeps_its_file_name_under_one_part(tmp_path: Path):
    deep = "/".join(f"tingkat-{level}" for level in range(40)) + "/rilis"
    name = safe_name(deep)
    assert unsafe_name_reason(name) is None and name.endswith("/rilis") and name.count("/") == 1
    assert safe_name(deep.replace("tingkat-3", "tingkat-x")) != name  # the folders are in the hash


def test_a_link_to_a_folder_in_a_walked_folder_is_listed_not_skipped(tmp_path: Path):
    elsewhere = tmp_path / "lain"
    elsewhere.mkdir()
    (elsewhere / "rilis.txt").write_text(indonesian_article(3), encoding="utf-8")
    source = tmp_path / "in"
    source.mkdir()
    (source / "rilis.txt").write_text(indonesian_article(4), encoding="utf-8")
    (source / "arsip").symlink_to(elsewhere)
    result = run_translate([source], tmp_path / "out", stand_in_warta(), quiet=True)
    assert result.done == ["rilis"]
    assert [(Path(path).name, "a symbolic link to a folder" in reason) for path, reason in result.failed] == [("arsip", True)]
