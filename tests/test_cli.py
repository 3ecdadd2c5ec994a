"""End to end through the real command line, as a user runs it."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from models.tiny import REPO
from pipeline.reading import read_article
from pipeline.sentences import split_article
from pipeline.settings import OPTIONS, Option, Settings
from run import _settings_from, build_parser
from tests.support.cli import run_cli

ENGLISH_ARTICLE = (
    "The Ministry of Health announced on Monday that a new vaccination programme will begin next month. "
    "The programme aims to reach every district in the country within two years, officials said. "
    "Hospitals and clinics have been asked to prepare cold storage and train additional staff.\n"
)


def _blocks(text: str) -> list[str]:
    return [block for block in text.strip("\n").split("\n\n") if block.strip()]


@pytest.mark.slow
def test_sample_article_with_local_model_folders(tiny_models, sample_article, tmp_path: Path, monkeypatch):
    monkeypatch.delenv("TRANSFORMERS_VERBOSITY", raising=False)  # as a user runs it: no library is told to be quiet
    out = tmp_path / "out"
    result = run_cli("translate", sample_article, "-o", out,
                     "--model", f"id-en={tiny_models['id-en']}", "--model", f"en-zh={tiny_models['en-zh']}")
    assert result.returncode == 0, result.stderr
    # A normal run prints its progress lines and nothing from libraries.
    assert [line for line in result.stderr.splitlines() if not line.startswith("[1/1] done ")] == []
    folder = out / sample_article.stem
    for name in ("en.txt", "zh.txt", "aligned.tsv", "aligned.jsonl", "summary.json", "report.json"):
        assert (folder / name).is_file(), name

    expected = split_article(read_article(sample_article))
    rows = (folder / "aligned.tsv").read_text(encoding="utf-8").splitlines()
    assert rows[0] == "block\tsentence\tkind\tid\ten\tzh\tflags"
    cells = [row.split("\t") for row in rows[1:]]
    assert [cell[3] for cell in cells] == [sentence.text for sentence in expected.sentences()]
    assert all(len(cell) == 7 and cell[4] and cell[5] for cell in cells)
    assert len(_blocks((folder / "en.txt").read_text(encoding="utf-8"))) == len(expected.blocks)
    assert len(_blocks((folder / "zh.txt").read_text(encoding="utf-8"))) == len(expected.blocks)

    jsonl = [json.loads(line) for line in (folder / "aligned.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [row["id"] for row in jsonl] == [cell[3] for cell in cells]
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert len(summary["sentences"]) == 3 and all(s["en"] and s["zh"] for s in summary["sentences"])
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    assert report["input"]["sha256"] and report["language"]["detected"] == "id"
    assert set(report["models"]) == {"id-en", "en-zh"}
    assert report["models"]["id-en"]["revision"].startswith("local:")
    assert report["counts"]["sentences"] == len(cells)


@pytest.mark.slow
def test_abstractive_summary_end_to_end(tiny_models, tiny_chat, sample_article, tmp_path: Path):
    out = tmp_path / "out"
    result = run_cli("translate", sample_article, "-o", out, "--beams", "1", "--summary", "abstractive",
                     "--summary-sentences", "2", "--offline", "--model", f"id-en={tiny_models['id-en']}",
                     "--model", f"en-zh={tiny_models['en-zh']}", "--model", f"summarizer={tiny_chat}")
    assert result.returncode == 0, result.stderr
    folder = out / sample_article.stem
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert summary["method"] == "abstractive" and summary["model"] == str(tiny_chat)
    assert summary["revision"].startswith("local:")
    rows = [row.split("\t") for row in (folder / "aligned.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    positions = {(int(row[0]), int(row[1])): number for number, row in enumerate(rows, start=1)}
    html = (folder / "review.html").read_text(encoding="utf-8")
    assert summary["sentences"]
    for item in summary["sentences"]:
        assert item["id"] and item["en"] and item["zh"]
        assert item["id"] not in {row[3] for row in rows}  # written, not picked
        assert item["sources"] and all((s["block"], s["sentence"]) in positions for s in item["sources"])
        for source in item["sources"]:
            assert f'href="#row-{positions[(source["block"], source["sentence"])]}"' in html
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    assert report["models"]["summarizer"]["name"] == str(tiny_chat) and report["settings"]["summary"] == "abstractive"


@pytest.mark.slow
def test_default_model_ids_resolve_from_the_hub_cache(hub_cache, sample_article, tmp_path: Path):
    result = run_cli("translate", sample_article, "-o", tmp_path, "--offline", "--beams", "2")
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / sample_article.stem / "report.json").read_text(encoding="utf-8"))
    assert report["models"]["id-en"]["name"] == "Helsinki-NLP/opus-mt-id-en"
    assert report["models"]["id-en"]["revision"] == hub_cache["id-en"]
    assert report["models"]["en-zh"]["revision"] == hub_cache["en-zh"]
    assert report["settings"]["beams"] == 2


@pytest.mark.slow
def test_bad_articles_fail_with_one_line_each_and_the_good_one_finishes(tiny_models, sample_article, tmp_path: Path):
    empty = tmp_path / "kosong.txt"
    empty.write_text("")
    binary = tmp_path / "gambar.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    english = tmp_path / "english.txt"
    english.write_text(ENGLISH_ARTICLE)
    out = tmp_path / "out"
    result = run_cli("translate", empty, binary, english, sample_article, "-o", out,
                     "--model", f"id-en={tiny_models['id-en']}", "--model", f"en-zh={tiny_models['en-zh']}")
    assert result.returncode == 1
    # Each failure: one line on standard error naming the file and the problem; the table on
    # standard output keeps the counts.
    assert "failed: " not in result.stdout and re.search(r"^failed\s+3$", result.stdout, re.MULTILINE)
    errors = [line for line in result.stderr.splitlines() if line.startswith("warta: ")]
    assert len(errors) == 3
    assert any(line.startswith(f"warta: {empty}: ") and "empty" in line for line in errors)
    assert any(line.startswith(f"warta: {binary}: ") and "binary" in line for line in errors)
    assert any(str(english) in line and "not Indonesian" in line and "English (en)" in line
               and re.search(r"probability (0\.9\d|1\.00)", line) for line in errors), errors
    assert "Traceback" not in result.stderr
    assert (out / sample_article.stem / "report.json").is_file()
    assert not (out / "english").exists()


@pytest.mark.slow
def test_source_lang_id_translates_an_english_article_anyway(tiny_models, tmp_path: Path):
    english = tmp_path / "english.txt"
    english.write_text(ENGLISH_ARTICLE)
    result = run_cli("translate", english, "-o", tmp_path / "out", "--source-lang", "id",
                     "--model", f"id-en={tiny_models['id-en']}", "--model", f"en-zh={tiny_models['en-zh']}")
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / "out" / "english" / "report.json").read_text(encoding="utf-8"))
    assert report["language"]["detected"] == "en" and report["language"]["requested"] == "id"


@pytest.mark.slow
def test_missing_model_offline_is_one_clear_line(sample_article, tmp_path: Path):
    result = run_cli("translate", sample_article, "-o", tmp_path, "--offline", "--model", "id-en=Helsinki-NLP/opus-mt-id-fr")
    assert result.returncode == 3  # a model cannot be loaded: no article was tried
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Helsinki-NLP/opus-mt-id-fr" in lines[0] and "models download" in lines[0]


def _one_line(result: subprocess.CompletedProcess[str]) -> str:
    """The single ``warta:`` line a refused command prints on standard error."""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("warta: "), result.stderr
    return lines[0]


@pytest.mark.slow
def test_usage_errors_exit_2_with_one_line_each(tmp_path: Path, sample_article):
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder")
    empty_folder = tmp_path / "no-articles"
    empty_folder.mkdir()
    (empty_folder / ".notes.txt").write_text("Catatan tersembunyi.\n", encoding="utf-8")  # hidden: not an input
    bad_glossary = tmp_path / "glossary.tsv"
    bad_glossary.write_text("id\ten\tzh\nTiongkok China\n", encoding="utf-8")
    out = ("-o", tmp_path / "out")
    cases = [
        (("translate", sample_article, "--targets", "fr"), "--targets"),
        (("translate", tmp_path / "no-such-file.txt"), "no-such-file.txt: no such file or folder"),
        (("translate", sample_article, "--model", "id-en"), "PAIR=NAME_OR_PATH"),
        (("translate", sample_article, "-o", a_file), f"{a_file}: exists and is not a folder"),
        (("translate", sample_article, "-o", a_file / "sub"), f"{a_file / 'sub'}: cannot be created: {a_file} is a file"),
        (("translate", sample_article, *out, "--model", "id-en=/no/such/folder"), "/no/such/folder: no such model folder"),
        (("translate", sample_article, *out, "--model", "id-en=./typo"), "./typo: no such model folder"),
        (("models", "list", "--model", "id-en=./typo"), "./typo: no such model folder"),
        (("translate", sample_article, *out, "--model", "id-en=not a repo!"), "not a Hugging Face id"),
        (("translate", sample_article, *out, "--compute-type", "int9", "--backend", "transformers"), "--compute-type takes one of"),
        (("translate", sample_article, *out, "--compute-type", "int8", "--backend", "transformers"),
         "--compute-type is a ctranslate2 setting"),
        (("translate", sample_article, *out, "--formats", ""), "--formats needs at least one"),
        (("translate", sample_article, *out, "--beams", "1000"), "--beams takes 1 to 32; got 1000"),
        (("translate", sample_article, *out, "--glossary", bad_glossary), f"{bad_glossary}, line 2: no tab"),
        (("translate", sample_article, *out, "--context-sentences", "-1"), "--context-sentences must be 0 or more; got -1"),
        (("translate", sample_article, *out, "--fallback-model", "fr-en=Helsinki-NLP/opus-mt-fr-en"),
         "--fallback-model takes the pairs id-en, en-zh, id-zh; got fr-en"),
        (("translate", sample_article, *out, "--fallback-model", "id-en=./typo"), "./typo: no such model folder"),
        (("translate", empty_folder, *out), f"{empty_folder}: no articles found (the folders hold no files"),
    ]
    for args, message in cases:
        result = run_cli(*args)
        assert result.returncode == 2, (args, result.stderr)
        if args[1:] != (sample_article, "--model", "id-en"):  # argparse's own usage message
            assert message in _one_line(result), (args, result.stderr)
        else:
            assert message in result.stderr
    assert not (tmp_path / "out").exists()  # refused before anything was written


@pytest.mark.slow
@pytest.mark.parametrize(("args", "error"), [
    (("translate", "a.txt", "--profile", "slow"), "warta translate: error: argument --profile: invalid choice: 'slow'"),
    (("models", "download", "--profile", "slow"), "warta models: error: argument --profile: invalid choice: 'slow'"),
    (("translate", "a.txt", "--context-sentences", "two"), "warta translate: error: argument --context-sentences: invalid int value: 'two'"),
    (("translate", "a.txt", "--fallback-model", "id-en"), "warta translate: error: argument --fallback-model: expected PAIR=NAME_OR_PATH"),
    (("models", "list", "--context-sentences", "0"), "warta: error: unrecognized arguments: --context-sentences 0"),  # translate's only
])
def test_values_argparse_refuses_exit_2_with_its_usage_and_one_error_line(args: tuple[str, ...], error: str, tmp_path: Path):
    result = run_cli(*args, cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[0].startswith("usage: warta ") and lines[-1].startswith(error), result.stderr
    assert [line for line in lines if "error:" in line] == [lines[-1]]


def _shown_default(option: Option, default: object) -> str | None:
    """What the help should say the default is: the option's words for it, or the value itself."""
    if option.default_help is not None:
        return option.default_help
    if default is None or isinstance(default, bool | dict):
        return None  # nothing is set unless the option is given
    return ",".join(default) if isinstance(default, tuple) else str(default)


def _help_entry(help_text: str, flag: str) -> str:
    """The entry of ``flag`` in ``--help``: its line and the help argparse puts on the next one."""
    lines = help_text.splitlines()
    start = next(number for number, line in enumerate(lines) if line.startswith(f"  {flag} ") or line == f"  {flag}")
    end = next((number for number in range(start + 1, len(lines)) if lines[number].startswith("  -")), len(lines))
    return " ".join(line.strip() for line in lines[start:end])


def test_every_settings_option_defaults_to_the_settings_default(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("COLUMNS", "1000")  # one line per option in the help, nothing wrapped
    parser = build_parser()
    translate = parser.parse_args(["translate", "a.txt"])
    models = parser.parse_args(["models", "list"])
    assert _settings_from(translate) == Settings() and _settings_from(models) == Settings()
    helps = {}
    for command in ("translate", "models"):
        with pytest.raises(SystemExit):
            parser.parse_args([command, "--help"])
        helps[command] = capsys.readouterr().out
    defaults = Settings()
    for name, option in OPTIONS.items():
        default = getattr(defaults, name)
        assert (dict(getattr(translate, name)) if option.kind == "pairs" else getattr(translate, name)) == default, name
        assert hasattr(models, name) is ("models" in option.commands), name
        for command in option.commands:
            line = _help_entry(helps[command], option.flag)
            assert option.help in line, (name, line)
            shown = _shown_default(option, default)
            assert (f"(default: {shown})" in line) if shown is not None else "(default:" not in line, (name, line)
            for choice in option.choices or ():
                assert choice in line.split(option.help)[0], (name, line)  # in the {a,b} of the option


def test_new_options_reach_the_settings(tmp_path: Path):
    parser = build_parser()
    settings = _settings_from(parser.parse_args([
        "translate", "a.txt", "--profile", "quality", "--context-sentences", "0",
        "--fallback-model", "id-en=Helsinki-NLP/opus-mt-id-en", "--fallback-model", f"id-zh={tmp_path}",
    ]))
    assert settings.profile == "quality" and settings.context_sentences == 0
    assert settings.fallback_models == {"id-en": "Helsinki-NLP/opus-mt-id-en", "id-zh": str(tmp_path)}
    assert _settings_from(parser.parse_args(["models", "download", "--profile", "quality"])).profile == "quality"
    # the same words on both commands; what is left out keeps the default
    assert _settings_from(parser.parse_args(["translate", "a.txt", "--formats", "tsv", "--targets", "en"])) == Settings(
        formats=("tsv",), targets=("en",))


@pytest.mark.slow
@pytest.mark.skipif(os.geteuid() == 0, reason="root writes in any folder, so the permission check cannot be seen")
def test_an_output_folder_without_write_permission_is_one_line(sample_article, tmp_path: Path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        result = run_cli("translate", sample_article, "-o", locked / "out")
    finally:
        locked.chmod(0o700)
    assert result.returncode == 2 and "permission denied" in _one_line(result)


@pytest.mark.slow
def test_a_folder_that_is_not_a_model_is_one_line(sample_article, tmp_path: Path):
    folder = tmp_path / "just-a-folder"
    folder.mkdir()
    (folder / "tokenizer_config.json").write_text("{}")
    result = run_cli("translate", sample_article, "-o", tmp_path / "out", "--model", f"id-en={folder}", "--backend", "transformers")
    assert result.returncode == 3
    assert f"{folder}: not a model folder (no config.json)" in _one_line(result)


@pytest.mark.slow
def test_no_network_fails_fast_with_how_to_work_offline(sample_article, tmp_path: Path, monkeypatch):
    # A closed local port stands for a hub that cannot be reached; the cache is empty.
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf" / "hub"))
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    for args in (("models", "download", "--backend", "transformers"),
                 ("translate", sample_article, "-o", tmp_path / "out", "--backend", "transformers")):
        result = run_cli(*args)
        assert result.returncode == 3, result.stderr
        line = _one_line(result)  # no retry lines, once or twice
        assert "Helsinki-NLP/opus-mt-" in line and "http://127.0.0.1:9" in line and "cannot be reached" in line
        assert "models download" in line and "--offline" in line and "--model PAIR=/path/to/folder" in line
    # a first run that never got to an article leaves no output folder behind (no "0 done" index, no lock)
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
@pytest.mark.parametrize("ci", [None, "true"])  # transformers propagates its records when CI is set
def test_library_logs_and_warnings_show_only_with_verbose(ci):
    # transformers, huggingface_hub and Python warnings, emitted the way the libraries do it.
    code = (
        "import sys, warnings, run; run._configure_logging(sys.argv[1] == 'verbose'); "
        "from transformers.utils import logging as t; t.get_logger('transformers.tokenization_utils_base').warning('TRANSFORMERS-LINE'); "
        "from huggingface_hub.utils import logging as h; h.get_logger('huggingface_hub.utils._http').warning('HUB-LINE'); "
        "warnings.warn('PYTHON-WARNING'); "
        "import logging; logging.getLogger('models.pool').warning('WARTA-LINE')"
    )
    quiet = subprocess.run([sys.executable, "-c", code, "quiet"], cwd=REPO, capture_output=True, text=True, env=_user_env(ci=ci), check=False)
    assert quiet.stderr.splitlines() == ["WARNING models.pool: WARTA-LINE"]
    verbose = subprocess.run([sys.executable, "-c", code, "verbose"], cwd=REPO, capture_output=True, text=True, env=_user_env(ci=ci), check=False)
    for line in ("TRANSFORMERS-LINE", "HUB-LINE", "PYTHON-WARNING", "WARTA-LINE"):
        assert verbose.stderr.count(line) == 1, verbose.stderr  # once: not also through our handler


def _user_env(ci: str | None = None) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("TRANSFORMERS_VERBOSITY", "HF_HUB_VERBOSITY", "CI"):
        env.pop(name, None)
    if ci is not None:
        env["CI"] = ci
    return env


@pytest.mark.slow
def test_help_answers_without_loading_torch():
    code = "import sys, run; run.build_parser(); print('torch' in sys.modules, 'transformers' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False)
    assert result.stdout.strip() == "False False"
    assert "translate" in run_cli("--help").stdout


@pytest.mark.slow
def test_models_list_shows_pairs_and_cached_revisions(hub_cache):
    result = run_cli("models", "list", "--offline")
    assert result.returncode == 0, result.stderr
    assert f"id-en\tHelsinki-NLP/opus-mt-id-en\t{hub_cache['id-en']}" in result.stdout
    assert f"en-zh\tHelsinki-NLP/opus-mt-en-zh\t{hub_cache['en-zh']}" in result.stdout


@pytest.mark.slow
def test_models_list_names_each_profiles_models_and_the_quality_fallback():
    fast = run_cli("models", "list")
    quality = run_cli("models", "list", "--profile", "quality")
    assert fast.returncode == 0 and quality.returncode == 0
    assert [line.split("\t")[:2] for line in fast.stdout.splitlines()] == [
        ["id-en", "Helsinki-NLP/opus-mt-id-en"], ["en-zh", "Helsinki-NLP/opus-mt-en-zh"]]
    assert [line.split("\t")[:2] for line in quality.stdout.splitlines()] == [
        ["id-en", "tencent/Hy-MT2-1.8B"], ["id-zh", "tencent/Hy-MT2-1.8B"], ["id-en fallback", "Helsinki-NLP/opus-mt-id-en"]]
