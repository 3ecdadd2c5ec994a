"""The batch job: walking, resuming, failure isolation, SIGKILL safety, the lock, the index."""

import json
import os
import signal
from pathlib import Path

import pytest

from pipeline.batch import find_articles, run_translate
from pipeline.batch.lock import OutputLock
from pipeline.batch.state import STATE_NAME, BatchState
from pipeline.errors import InputError
from pipeline.orchestrator import Warta
from pipeline.settings import Settings
from tests.support.articles import indonesian_article, make_article_folder, twelve_articles
from tests.support.cli import done_names, run_cli, start_translate, wait_for_done


def local_settings(tiny_models: dict[str, Path], **overrides) -> Settings:
    return Settings(models={pair: str(path) for pair, path in tiny_models.items()}, device="cpu", beams=1, **overrides)


def test_walk_names_outputs_by_relative_path_and_skips_hidden(tmp_path: Path):
    make_article_folder(tmp_path / "in", good=2)
    (tmp_path / "in" / "a.md").write_text("x")
    (tmp_path / "in" / "a.txt").write_text("x")
    jobs, unreadable = find_articles([tmp_path / "in"], exclude=tmp_path / "in" / "out")
    names = [job.name for job in jobs]
    assert "2024/05/rilis" in names and "2024/06/rilis" in names
    assert "a" in names and "a.txt" in names  # same stem, two suffixes: both kept, distinct
    assert not any("hidden" in name for name in names)
    assert "notes" in names  # a broken PDF is an input: its reader says why it cannot be read
    assert len(names) == len(set(names)) and unreadable == []


@pytest.mark.slow
def test_batch_isolates_failures_resumes_and_redoes_only_what_changed(tiny_models, tmp_path: Path):
    articles = make_article_folder(tmp_path / "in")
    out = tmp_path / "out"
    warta = Warta(local_settings(tiny_models))
    first = run_translate([tmp_path / "in"], out, warta, quiet=True)

    failed = {Path(path).name: reason for path, reason in first.failed}
    assert set(failed) == {"kosong.txt", "gambar.txt", "english.txt", "chinese.txt", "notes.pdf"}
    assert "empty" in failed["kosong.txt"] and "binary" in failed["gambar.txt"]
    assert "English (en)" in failed["english.txt"] and "Chinese" in failed["chinese.txt"]
    assert sorted(first.done) == sorted(articles)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["articles"]
    assert manifest["bad/english"]["status"] == "failed" and "not Indonesian" in manifest["bad/english"]["reason"]
    assert manifest["2024/05/rilis"]["sha256"] != manifest["2024/06/rilis"]["sha256"]
    for name in articles:
        assert manifest[name]["status"] == "done"
        assert (out / name / "report.json").is_file()
    # the cp1252 file was decoded, not turned into mojibake
    windows_tsv = (out / "windows" / "aligned.tsv").read_text(encoding="utf-8")
    assert "“RS Harapan”" in windows_tsv and "kafé" in windows_tsv
    assert "cp1252" in json.loads((out / "windows" / "report.json").read_text(encoding="utf-8"))["input"]["encoding"]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert all(name in index for name in [*articles, "bad/english"])

    translators = warta.pool.loaded().values()
    calls = sum(translator.segments_translated for translator in translators)
    second = run_translate([tmp_path / "in"], out, warta, quiet=True)
    assert second.done == [] and sorted(second.skipped) == sorted(articles)
    assert sum(translator.segments_translated for translator in translators) == calls  # nothing translated

    articles["2025/01/rilis-00"].write_text(indonesian_article(99), encoding="utf-8")
    third = run_translate([tmp_path / "in"], out, warta, quiet=True)
    assert third.done == ["2025/01/rilis-00"]

    forced = run_translate([tmp_path / "in"], out, Warta(local_settings(tiny_models, force=True)), quiet=True)
    assert sorted(forced.done) == sorted(articles)


def test_changed_settings_redo_the_articles(tiny_models, tmp_path: Path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "satu.txt").write_text(indonesian_article(3), encoding="utf-8")
    warta = Warta(local_settings(tiny_models))
    run_translate([tmp_path / "in"], tmp_path / "out", warta, quiet=True)
    again = run_translate([tmp_path / "in"], tmp_path / "out", Warta(local_settings(tiny_models, summary_sentences=1)), quiet=True)
    assert again.done == ["satu"]


@pytest.mark.slow
def test_cli_exit_status_and_final_table(tiny_models, tmp_path: Path):
    make_article_folder(tmp_path / "in", good=3)
    result = run_cli("translate", tmp_path / "in", "-o", tmp_path / "out", "--beams", "1",
                     "--model", f"id-en={tiny_models['id-en']}", "--model", f"en-zh={tiny_models['en-zh']}")
    assert result.returncode == 1
    table = result.stdout
    assert "done         6" in table and "failed       5" in table and "sentences/min" in table
    assert f"warta: {tmp_path / 'in' / 'bad' / 'kosong.txt'}: the file is empty" in result.stderr.splitlines()
    # not a terminal: plain log lines, one per article
    assert result.stderr.count("] done ") == 6 and "\r" not in result.stderr
    quiet = run_cli("translate", tmp_path / "in", "-o", tmp_path / "out", "--quiet", "--beams", "1",
                    "--model", f"id-en={tiny_models['id-en']}", "--model", f"en-zh={tiny_models['en-zh']}")
    assert "] " not in quiet.stderr and "skipped      6" in quiet.stdout


@pytest.mark.slow
def test_sigkill_mid_run_then_resume_does_each_article_exactly_once(tiny_models, tmp_path: Path):
    source = twelve_articles(tmp_path / "in")
    out = tmp_path / "out"
    process = start_translate(tiny_models, source, out)
    wait_for_done(process, out, 3)
    process.send_signal(signal.SIGKILL)
    process.wait()
    done_before = done_names(out)
    assert 3 <= len(done_before) < 12

    second = run_cli("translate", source, "-o", out, "--beams", "1", "--window-sentences", "1",
                     "--model", f"id-en={tiny_models['id-en']}", "--model", f"en-zh={tiny_models['en-zh']}")
    assert second.returncode == 0, second.stderr
    articles = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["articles"]
    skipped = {name for name, entry in articles.items() if entry["status"] == "skipped"}
    redone = {name for name, entry in articles.items() if entry["status"] == "done"}
    assert skipped == done_before  # finished before the kill: not done again
    assert redone == {f"rilis-{n:02d}" for n in range(12)} - done_before  # the rest: done once now
    assert list(out.rglob("*.tmp")) == []  # a killed write's temporary file is cleaned up
    for name in articles:
        report = json.loads((out / name / "report.json").read_text(encoding="utf-8"))
        rows = (out / name / "aligned.tsv").read_text(encoding="utf-8").splitlines()
        assert len(rows) - 1 == report["counts"]["sentences"]
        assert json.loads((out / name / "summary.json").read_text(encoding="utf-8"))["sentences"]


@pytest.mark.slow
def test_ctrl_c_stops_after_the_current_batch_and_says_how_to_resume(tiny_models, tmp_path: Path):
    source = twelve_articles(tmp_path / "in")
    out = tmp_path / "out"
    process = start_translate(tiny_models, source, out)
    wait_for_done(process, out, 1)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "run the same command again to resume" in stdout
    assert "Traceback" not in stderr
    assert 1 <= len(done_names(out)) < 12
    assert (out / "index.html").is_file()


@pytest.mark.slow
def test_a_second_run_on_the_same_folder_is_told_it_is_busy(tiny_models, tmp_path: Path, sample_article):
    out = tmp_path / "out"
    with OutputLock(out):
        result = run_cli("translate", sample_article, "-o", out,
                         "--model", f"id-en={tiny_models['id-en']}", "--model", f"en-zh={tiny_models['en-zh']}")
    assert result.returncode == 4  # its own status: no article failed, the run could not start
    assert "busy" in result.stderr and str(os.getpid()) in result.stderr
    assert not (out / "manifest.json").exists()
    with OutputLock(out):  # released: can be taken again
        pass


def test_lock_is_exclusive_within_a_process_too(tmp_path: Path):
    from pipeline.errors import OutputBusyError

    with OutputLock(tmp_path):
        with pytest.raises(OutputBusyError, match="busy"):
            with OutputLock(tmp_path):
                pass


def test_broken_manifest_is_refused_clearly(tmp_path: Path):
    (tmp_path / "manifest.json").write_text("not json")
    with pytest.raises(InputError, match="not a warta manifest"):
        BatchState(tmp_path)


def test_progress_bar_on_a_terminal():
    import io

    from pipeline.batch.progress import Progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    progress = Progress(2, stream=stream)
    progress.article_finished("a", "done", 10)
    progress.article_finished("b", "failed", reason="the file is empty")
    progress.close()
    text = stream.getvalue()
    assert "2/2" in text and "article" in text and "failed b: the file is empty" in text


# --- what was not translated, kept by the state and shown in the index ---------------------------

LEFT_OUT = "2 comment(s) (Word comments are not part of the release)"
WARNING = "the letterhead <b>image</b> has text in it"


def test_index_and_manifest_show_each_article_s_left_out_parts_and_warnings(tmp_path: Path):
    from benchmarks.standin import use_stand_in

    class ReportingWarta(Warta):
        """Reads as warta does; the Word reader's count of comments stands in for one input."""

        def read_file(self, path, name=None):
            article = super().read_file(path, name)
            if Path(path).name == "berkomentar.txt":
                article.left_out.append(LEFT_OUT)
                article.warnings.append(WARNING)
            return article

    source = tmp_path / "in"
    source.mkdir()
    (source / "berkomentar.txt").write_text(indonesian_article(1), encoding="utf-8")
    (source / "biasa.txt").write_text(indonesian_article(2), encoding="utf-8")
    out = tmp_path / "out"
    warta = use_stand_in(ReportingWarta(Settings(device="cpu", beams=1, source_lang="id", formats=("tsv",))))

    first = run_translate([source], out, warta, quiet=True)

    assert sorted(first.done) == ["berkomentar", "biasa"]
    for run in ("first", "second"):
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["articles"]
        assert manifest["berkomentar"]["left_out"] == [LEFT_OUT] and manifest["berkomentar"]["warnings"] == [WARNING], run
        assert manifest["biasa"]["left_out"] == [] and manifest["biasa"]["warnings"] == [], run
        index = (out / "index.html").read_text(encoding="utf-8")
        row = next(line for line in index.splitlines() if "<td>berkomentar</td>" in line)
        assert f"Not translated: {LEFT_OUT}" in row, run
        assert "the letterhead &lt;b&gt;image&lt;/b&gt; has text in it" in row, run  # text, never markup
        assert "Not translated" not in next(line for line in index.splitlines() if "<td>biasa</td>" in line), run
        assert json.loads((out / "berkomentar" / "report.json").read_text(encoding="utf-8"))["left_out"] == [LEFT_OUT]
        # the second run skips both: the state still knows what was left out
        second = run_translate([source], out, warta, quiet=True)
        assert sorted(second.skipped) == ["berkomentar", "biasa"]


# The articles table as the first warta with a state file made it, before left_out and warnings.
_FIRST_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE articles (
    name TEXT PRIMARY KEY, input_key BLOB UNIQUE, input TEXT NOT NULL, sha256 TEXT, fingerprint TEXT NOT NULL,
    status TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '', title TEXT, sentences INTEGER,
    flags TEXT NOT NULL DEFAULT '{}', timings TEXT NOT NULL DEFAULT '{}', outputs TEXT NOT NULL DEFAULT '[]',
    updated_at TEXT NOT NULL, article BLOB
);
INSERT INTO meta VALUES ('schema', '1');
INSERT INTO articles (name, input_key, input, sha256, fingerprint, status, title, sentences, flags, timings, outputs, updated_at)
VALUES ('lama', X'2f696e2f6c616d612e747874', '/in/lama.txt', 'ab', 'f', 'done', 'Rilis Lama', 3, '{}', '{}', '["aligned.tsv"]',
        '2025-01-01T00:00:00+00:00');
"""


def test_a_state_file_from_before_left_out_opens_and_keeps_its_rows(tmp_path: Path):
    import sqlite3

    with sqlite3.connect(tmp_path / STATE_NAME) as db:
        db.executescript(_FIRST_SCHEMA)
    db.close()

    state = BatchState(tmp_path)
    try:
        [(name, record)] = list(state.records())
        assert name == "lama" and record.title == "Rilis Lama" and record.left_out == () and record.warnings == ()
        assert record.as_json()["left_out"] == [] and state.by_name("lama").is_current("ab", "f")
        state.record("baru", b"/in/baru.txt", "/in/baru.txt", "cd", "f", "done", title="Rilis Baru", sentences=2, flags={},
                     timings={}, outputs=["aligned.tsv"], left_out=[LEFT_OUT], warnings=[WARNING])
        records = dict(state.records())
        assert records["baru"].left_out == (LEFT_OUT,) and records["baru"].warnings == (WARNING,)
    finally:
        state.close()
    # opened again: the columns are there, nothing is added twice
    reopened = BatchState(tmp_path)
    try:
        assert dict(reopened.records())["baru"].as_json()["warnings"] == [WARNING]
    finally:
        reopened.close()


def test_an_imported_manifest_keeps_left_out_parts_and_warnings(tmp_path: Path):
    record = {"input": "/in/lama.txt", "sha256": "ab", "fingerprint": "f", "status": "done", "reason": "", "title": "Rilis",
              "sentences": 3, "flags": {}, "timings": {}, "left_out": [LEFT_OUT], "warnings": "not a list", "outputs": [],
              "updated_at": "2025-01-01T00:00:00+00:00"}
    (tmp_path / "manifest.json").write_text(json.dumps({"warta_version": "0.1", "articles": {"lama": record}}), encoding="utf-8")

    state = BatchState(tmp_path)
    try:
        imported = dict(state.records())["lama"]
    finally:
        state.close()
    assert imported.left_out == (LEFT_OUT,) and imported.warnings == ()  # what is not a list of strings is dropped
