"""The batch job at archive scale: any file name, each input once, nothing stale."""

import io
import json
import os
import signal
import sqlite3
from pathlib import Path

import pytest

import pipeline
import pipeline.version
from benchmarks.standin import use_stand_in
from pipeline.batch import fingerprint, format_summary, model_revisions, run_translate
from pipeline.batch.manifest import MARKER_NAME
from pipeline.batch.state import STATE_NAME
from pipeline.errors import InputError, WartaError
from pipeline.orchestrator import Warta
from pipeline.settings import Settings
from tests.support.articles import ENGLISH, indonesian_article, twelve_articles
from tests.support.cli import start_translate, wait_for_done


def stand_in_warta(**overrides) -> Warta:
    """A Warta whose models upper-case (no model time, every character changed)."""
    return use_stand_in(Warta(Settings(device="cpu", beams=1, **overrides)))


def segments(warta: Warta) -> int:
    return sum(translator.segments_translated for translator in warta.pool.loaded().values())


def manifest(out: Path) -> dict[str, dict]:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))["articles"]


def test_a_file_name_that_is_not_utf8_is_translated_and_recorded_losslessly(tmp_path: Path):
    source = tmp_path / "in"
    source.mkdir()
    raw = os.fsencode(source) + b"/rilis-caf\xe9.txt"  # Latin-1 bytes, as a Windows share or zip gives
    with open(raw, "wb") as stream:
        stream.write(indonesian_article(1).encode("utf-8"))
    (source / "biasa.txt").write_text(indonesian_article(2), encoding="utf-8")
    out = tmp_path / "out"
    warta = stand_in_warta()
    result = run_translate([source], out, warta, quiet=True)

    assert result.failed == [] and sorted(result.done) == ["biasa", "rilis-caf%E9"]
    record = manifest(out)["rilis-caf%E9"]
    assert record["input"].endswith("rilis-caf\\xe9.txt")
    assert bytes.fromhex(record["input_bytes"]).endswith(b"/rilis-caf\xe9.txt")
    assert (out / "rilis-caf%E9" / "en.txt").read_text(encoding="utf-8").startswith("RILIS NOMOR 1")
    assert "rilis-caf%E9" in (out / "index.html").read_text(encoding="utf-8")
    format_summary(result, out).encode("utf-8")  # printable: no lone surrogates left
    again = run_translate([source], out, warta, quiet=True)
    assert sorted(again.skipped) == ["biasa", "rilis-caf%E9"] and again.done == []


def test_an_error_writing_one_article_fails_it_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    # python-docx raises ValueError on a control character; any such error fails
    # that article alone, with its reason, and the others are written.
    import pipeline.outputs.docx

    real = pipeline.outputs.docx.render_docx

    def render_docx(article, language):
        if "Awal" in article.blocks[1].text:  # as python-docx does on a character Word cannot hold
            raise ValueError("All strings must be XML compatible: Unicode or ASCII, no NULL bytes or control characters")
        return real(article, language)

    monkeypatch.setattr(pipeline.outputs.docx, "render_docx", render_docx)
    source = tmp_path / "in"
    source.mkdir()
    (source / "kontrol.txt").write_text(indonesian_article(1).replace("\n\n", "\n\nAwal ", 1), encoding="utf-8")
    (source / "biasa.txt").write_text(indonesian_article(2), encoding="utf-8")
    result = run_translate([source], tmp_path / "out", stand_in_warta(), quiet=True)
    assert result.done == ["biasa"]
    assert len(result.failed) == 1 and result.failed[0][0].endswith("kontrol.txt")
    assert "cannot write the outputs (ValueError: All strings must be XML compatible" in result.failed[0][1]
    assert manifest(tmp_path / "out")["kontrol"]["status"] == "failed"


@pytest.mark.parametrize("wrapped", [False, True], ids=["raised", "wrapped-by-a-reader"])
def test_a_missing_module_stops_the_run_and_says_what_is_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, wrapped: bool):
    source = tmp_path / "in"
    source.mkdir()
    for number in range(3):
        (source / f"rilis-{number}.txt").write_text(indonesian_article(number), encoding="utf-8")
    warta = stand_in_warta()

    def read_file(path: Path, name: str | None = None):
        missing = ModuleNotFoundError("No module named 'docx'", name="docx")
        if not wrapped:
            raise missing
        # a reader turning every parser error into "cannot read the document" must not hide it
        raise InputError(f"{path}: cannot read the document (ModuleNotFoundError)") from missing

    monkeypatch.setattr(warta, "read_file", read_file)
    with pytest.raises(WartaError, match="installation is incomplete: the module 'docx' is missing"):
        run_translate([source], tmp_path / "out", warta, quiet=True)
    # stopped at the first article, not failed 3 times; a first run that recorded nothing leaves no folder
    assert not (tmp_path / "out").exists()


def test_output_folder_inside_or_equal_to_the_input_is_never_read_as_input(tmp_path: Path):
    source = tmp_path / "in"
    (source / "2025").mkdir(parents=True)
    (source / "satu.txt").write_text(indonesian_article(1), encoding="utf-8")
    (source / "2025" / "dua.txt").write_text(indonesian_article(2), encoding="utf-8")
    (source / ".catatan.tmp").write_text("a user's file")  # not warta's temporary name
    warta = stand_in_warta()
    first = run_translate([source], source, warta, quiet=True)  # -o equal to the input folder
    assert sorted(first.done) == ["2025/dua", "satu"] and first.failed == []
    assert (source / "2025" / "dua" / MARKER_NAME).is_file()
    (source / "2025" / "dua" / ".en.txt.0123456789ab.tmp").write_text("left by a killed write")
    second = run_translate([source], source, warta, quiet=True)
    assert second.done == [] and second.failed == [] and sorted(second.skipped) == ["2025/dua", "satu"]
    assert (source / ".catatan.tmp").exists() and not (source / "2025" / "dua" / ".en.txt.0123456789ab.tmp").exists()

    other = tmp_path / "in2"
    other.mkdir()
    (other / "tiga.txt").write_text(indonesian_article(3), encoding="utf-8")
    nested = run_translate([other], other / "out", warta, quiet=True)  # an output folder inside the input
    assert nested.done == ["tiga"]
    again = run_translate([other], other / "out", warta, quiet=True)
    assert again.done == [] and again.failed == [] and again.skipped == ["tiga"]
    # a folder that is some run's output, given as input, is not read either
    assert run_translate([source, other], tmp_path / "elsewhere", warta, quiet=True).done == ["tiga"]


def test_each_input_file_is_translated_once_per_run(tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    article = folder / "a.txt"
    article.write_text(indonesian_article(1), encoding="utf-8")
    warta = stand_in_warta()
    result = run_translate([article, article, folder, folder / ".." / "in" / "a.txt"], tmp_path / "out", warta, quiet=True)
    assert result.done == ["a"]
    assert segments(warta) == 2 * result.sentences  # id->en and en->zh, once each
    assert sorted(path.name for path in (tmp_path / "out").iterdir() if path.is_dir()) == ["a"]


def test_an_output_folder_does_not_change_with_the_other_inputs(tmp_path: Path):
    for folder, number in (("d1", 1), ("d2", 2)):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "rilis.txt").write_text(indonesian_article(number), encoding="utf-8")
    out = tmp_path / "out"
    warta = stand_in_warta()
    assert run_translate([tmp_path / "d2" / "rilis.txt"], out, warta, quiet=True).done == ["rilis"]
    before = segments(warta)
    second = run_translate([tmp_path / "d1" / "rilis.txt", tmp_path / "d2" / "rilis.txt"], out, warta, quiet=True)
    assert second.skipped == ["rilis"] and second.done == ["rilis.txt"]  # d2 keeps its folder
    report = json.loads((out / "rilis" / "report.json").read_text(encoding="utf-8"))
    assert report["input"]["path"].endswith(os.path.join("d2", "rilis.txt"))
    assert segments(warta) - before == 2 * second.sentences  # only d1 translated


def test_other_formats_are_written_from_the_stored_translation(tmp_path: Path):
    source = tmp_path / "in"
    source.mkdir()
    (source / "satu.txt").write_text(indonesian_article(1), encoding="utf-8")
    out = tmp_path / "out"
    warta = stand_in_warta(formats=("tsv", "xlsx"))
    run_translate([source], out, warta, quiet=True)
    (out / "satu" / "aligned.xlsx").write_bytes(b"a reviewer's edits")
    translated = segments(warta)

    more = stand_in_warta(formats=("tsv", "txt", "html"))
    result = run_translate([source], out, more, quiet=True)
    assert result.skipped == ["satu"] and result.done == [] and segments(more) == 0  # nothing translated again
    assert translated > 0
    english = (out / "satu" / "en.txt").read_text(encoding="utf-8")
    assert english.startswith("RILIS NOMOR 1\n\n") and english == english.upper()
    assert "RILIS NOMOR 1" in (out / "satu" / "review.html").read_text(encoding="utf-8")
    assert (out / "satu" / "aligned.xlsx").read_bytes() == b"a reviewer's edits"  # not asked for: left alone
    assert set(manifest(out)["satu"]["outputs"]) >= {"aligned.tsv", "aligned.xlsx", "en.txt", "zh.txt", "review.html"}


def test_a_changed_article_that_fails_loses_its_old_outputs(tmp_path: Path):
    source = tmp_path / "in"
    source.mkdir()
    (source / "satu.txt").write_text(indonesian_article(1), encoding="utf-8")
    out = tmp_path / "out"
    warta = stand_in_warta()
    run_translate([source], out, warta, quiet=True)
    assert (out / "satu" / "en.txt").is_file()
    (out / "satu" / "corrections.tsv").write_text("a reviewer's file")
    (source / "satu.txt").write_text(ENGLISH, encoding="utf-8")
    result = run_translate([source], out, warta, quiet=True)
    assert [reason for _, reason in result.failed] and "earlier outputs were removed" in result.failed[0][1]
    assert not (out / "satu" / "en.txt").exists() and not (out / "satu" / "report.json").exists()
    assert (out / "satu" / "corrections.tsv").exists()  # not warta's: kept
    record = manifest(out)["satu"]
    assert record["status"] == "failed" and record["outputs"] == []
    assert "earlier outputs were removed" in (out / "index.html").read_text(encoding="utf-8")


def test_a_new_warta_version_redoes_the_articles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    source = tmp_path / "in"
    source.mkdir()
    (source / "satu.txt").write_text(indonesian_article(1), encoding="utf-8")
    warta = stand_in_warta()
    run_translate([source], tmp_path / "out", warta, quiet=True)
    assert run_translate([source], tmp_path / "out", warta, quiet=True).skipped == ["satu"]
    monkeypatch.setattr(pipeline.version, "__version__", "99.0.0")
    assert run_translate([source], tmp_path / "out", warta, quiet=True).done == ["satu"]


def test_a_hub_model_is_fingerprinted_by_its_revision_once_downloaded(monkeypatch: pytest.MonkeyPatch):
    warta = stand_in_warta()
    cache: dict[str, str] = {}
    monkeypatch.setattr(fingerprint, "known_revision", lambda name: cache.get(name))
    real_get = warta.pool.get

    def download_and_load(pair: str):
        cache[warta.pool.models[pair]] = "a" * 40  # what a download puts in the hub cache
        return real_get(pair)

    monkeypatch.setattr(warta.pool, "get", download_and_load)
    first_night = model_revisions(warta)
    second_night = model_revisions(warta)
    assert first_night == second_night and first_night["id-en"].endswith("@" + "a" * 40)


def test_progress_counts_sentences_inside_a_window(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr("pipeline.batch.progress.LOG_INTERVAL", 0.0)
    source = tmp_path / "in"
    source.mkdir()
    for number in range(4):
        (source / f"rilis-{number}.txt").write_text(indonesian_article(number) * 3, encoding="utf-8")
    warta = stand_in_warta(window_sentences=10_000)  # one window for the whole run
    warta.pool.get("id-en").batch_sentences = 4  # several batches, so progress comes from inside the window
    stream = io.StringIO()
    result = run_translate([source], tmp_path / "out", warta, stream=stream)
    lines = stream.getvalue().splitlines()
    first_done = next(index for index, line in enumerate(lines) if "] done " in line)
    inside = [line for line in lines[:first_done] if line.startswith("warta: translating: ")]
    assert len(inside) >= 3, lines  # moved while the window translated
    assert f"/{result.sentences} sentences" in inside[-1] and "left" in inside[-1]


@pytest.mark.slow
def test_sigterm_stops_cleanly_writes_the_state_and_exits_143(tiny_models, tmp_path: Path):
    source = twelve_articles(tmp_path / "in")
    out = tmp_path / "out"
    process = start_translate(tiny_models, source, out)
    wait_for_done(process, out, 1)
    process.send_signal(signal.SIGTERM)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 143, stderr
    assert "run the same command again to resume" in stdout and "Traceback" not in stderr
    done = {name for name, record in manifest(out).items() if record["status"] == "done"}
    assert 1 <= len(done) < 12 and (out / "index.html").is_file()


def test_an_output_folder_with_only_an_old_manifest_resumes(tmp_path: Path):
    source = tmp_path / "in"
    source.mkdir()
    for number in range(3):
        (source / f"rilis-{number}.txt").write_text(indonesian_article(number), encoding="utf-8")
    out = tmp_path / "out"
    warta = stand_in_warta()
    run_translate([source], out, warta, quiet=True)
    for name in (STATE_NAME, STATE_NAME + "-wal", STATE_NAME + "-shm"):  # as an older warta left it
        (out / name).unlink(missing_ok=True)
    before = segments(warta)
    result = run_translate([source], out, warta, quiet=True)
    assert sorted(result.skipped) == ["rilis-0", "rilis-1", "rilis-2"] and segments(warta) == before
    with sqlite3.connect(out / STATE_NAME) as db:
        assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == 3


def test_the_summarizers_input_budget_shapes_only_a_written_summary():
    from pipeline.settings import Settings

    def fingerprint(**changes: object) -> str:
        return Settings(**changes).output_fingerprint({"id-en": "r1"})  # type: ignore[arg-type]

    assert fingerprint(summary_input_tokens=1024) == fingerprint(summary_input_tokens=2048)  # extractive: no summarizer
    assert fingerprint(summary="abstractive", summary_input_tokens=1024) != fingerprint(summary="abstractive", summary_input_tokens=2048)
    assert fingerprint(summary_sentences=2) != fingerprint(summary_sentences=3)


def test_names_too_long_for_the_file_system_get_a_short_folder_each(tmp_path: Path):
    # 120 bytes of GBK escape to 360 characters (%XX each); a 250-byte UTF-8 name is close to
    # the limit of 255 already, and a hash added to it (a name taken) would pass it.
    source = tmp_path / "in"
    (source / "a").mkdir(parents=True)
    (source / "b").mkdir()
    gbk = "新闻稿".encode("gbk") * 20 + b".txt"
    with open(os.fsencode(source / "a") + b"/" + gbk, "wb") as stream:
        stream.write(indonesian_article(1).encode("utf-8"))
    long_name = "rilis-" + "x" * 240 + ".txt"
    (source / "a" / long_name).write_text(indonesian_article(2), encoding="utf-8")
    (source / "b" / long_name).write_text(indonesian_article(3), encoding="utf-8")
    out = tmp_path / "out"
    warta = stand_in_warta()

    result = run_translate([source], out, warta, quiet=True)

    assert result.failed == [] and len(result.done) == 3
    folders = [name for name in result.done]
    assert len(set(folders)) == 3
    assert all(len(part.encode("utf-8")) <= 255 for name in folders for part in name.split("/"))
    assert all((out / name / "en.txt").read_text(encoding="utf-8").startswith("RILIS NOMOR") for name in folders)
    again = run_translate([source], out, warta, quiet=True)
    assert sorted(again.skipped) == sorted(folders) and again.done == []


def test_a_symbolic_link_that_loops_fails_alone(tmp_path: Path):
    source = tmp_path / "in"
    source.mkdir()
    (source / "loop.txt").symlink_to(source / "loop.txt")
    (source / "biasa.txt").write_text(indonesian_article(1), encoding="utf-8")

    result = run_translate([source], tmp_path / "out", stand_in_warta(), quiet=True)

    assert result.done == ["biasa"]
    assert [path for path, _ in result.failed] == [str(source / "loop.txt")]


def test_a_window_that_fails_is_retried_one_article_at_a_time_from_the_articles_as_they_were():
    from pipeline.article import Article, Block, Sentence
    from pipeline.batch.executor import translate_isolated

    def article(text: str) -> Article:
        return Article(None, text, [Block("paragraph", text, sentences=[Sentence(text)])])

    def translate(articles: list[Article], on_progress=None) -> list[Article]:
        for each in articles:  # fills in place, as Warta.translate_prepared does
            for sentence in each.sentences():
                sentence.flags.append("split")
                sentence.en = sentence.text.upper()
        if any(each.name == "rusak" for each in articles):
            raise ValueError("the model choked")
        return articles

    outcomes = translate_isolated(translate, [article("satu"), article("rusak"), article("dua")])

    assert isinstance(outcomes[1], ValueError)
    assert [outcome.sentences()[0].flags for outcome in (outcomes[0], outcomes[2])] == [["split"], ["split"]]
    assert [outcome.sentences()[0].en for outcome in (outcomes[0], outcomes[2])] == ["SATU", "DUA"]


def test_a_second_sigterm_stops_at_once_with_the_status_of_sigterm():
    from pipeline.batch.progress import Progress
    from pipeline.batch.signals import StopRequest

    stop = StopRequest(Progress(1, True, io.StringIO()))
    stop._handle(signal.SIGTERM, None)
    assert stop.requested and stop.abandon
    with pytest.raises(SystemExit) as stopped:
        stop._handle(signal.SIGTERM, None)
    assert stopped.value.code == 143


def test_ctrl_c_in_the_last_window_stops_after_the_batch_exits_130_and_lists_what_is_pending(tmp_path: Path):
    import signal

    source = tmp_path / "in"
    source.mkdir()
    for number in range(12):
        (source / f"rilis-{number:02d}.txt").write_text(indonesian_article(number), encoding="utf-8")
    out = tmp_path / "out"
    warta = stand_in_warta()  # the default window (512 sentences): all twelve articles in one window, the last
    batches = {"after_signal": 0, "count": 0}
    translator = warta.pool.get("id-en")
    translator.batch_sentences = 2  # many small batches, as a real model's on a CPU take seconds each
    run_batch = translator._run_batch

    def slow_batch(*args, **kwargs):
        batches["count"] += 1
        if batches["count"] == 3:
            signal.raise_signal(signal.SIGINT)  # a person presses Ctrl-C during the third batch
        elif batches["count"] > 3:
            batches["after_signal"] += 1
        return run_batch(*args, **kwargs)

    translator._run_batch = slow_batch
    result = run_translate([source], out, warta, quiet=True)

    assert result.interrupted and result.exit_status == 130
    assert batches["after_signal"] <= 1  # stopped after the batch, not after the window's many batches
    records = manifest(out)
    assert sorted(name for name, record in records.items() if record["status"] == "pending") == [f"rilis-{n:02d}" for n in range(12)]
    assert all("run the same command again" in record["reason"] for record in records.values())
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.count(">pending<") == 12
    again = run_translate([source], out, stand_in_warta(), quiet=True)  # the next run does them, and the list is current
    assert sorted(again.done) == sorted(records) and not any(record["status"] == "pending" for record in manifest(out).values())


def test_an_output_deleted_by_hand_is_written_again_from_the_stored_translation(tmp_path: Path):
    source = tmp_path / "in"
    source.mkdir()
    (source / "a.txt").write_text(indonesian_article(1), encoding="utf-8")
    out = tmp_path / "out"
    warta = stand_in_warta(formats=("tsv", "xlsx"))
    run_translate([source], out, warta, quiet=True)
    (out / "a" / "aligned.xlsx").unlink()
    before = segments(warta)
    again = run_translate([source], out, warta, quiet=True)
    assert again.skipped == ["a"] and segments(warta) == before  # not translated again
    assert (out / "a" / "aligned.xlsx").is_file()


def test_a_folder_a_killed_run_left_without_its_marker_is_given_back_to_its_article(tmp_path: Path):
    source = tmp_path / "in"
    source.mkdir()
    (source / "rilis.txt").write_text(indonesian_article(1), encoding="utf-8")
    out = tmp_path / "out"
    (out / "rilis").mkdir(parents=True)  # killed after the folder was made, before its marker was renamed in
    (out / "rilis" / ".warta-output.0123456789ab.tmp").write_text("half a marker")
    result = run_translate([source], out, stand_in_warta(), quiet=True)
    assert result.done == ["rilis"]
    (out / "other").mkdir()
    (out / "other" / "notes.txt").write_text("a user's file")  # a folder warta did not write is never taken
    (source / "other.txt").write_text(indonesian_article(2), encoding="utf-8")
    assert run_translate([source], out, stand_in_warta(), quiet=True).done == ["other.txt"]
