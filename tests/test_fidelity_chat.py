"""Every word through a chat model: realistic releases, with context and a glossary, one answer per sentence.

The chat stand-in is a real ``ChatTranslator`` (prompts built with context and the glossary's
references, the segment last) whose runner answers each prompt's last line upper-cased: whatever
is lost, glued, split, reordered, or brought in from the context shows exactly, in English and
in Chinese.
"""

import re

import pytest

from benchmarks.standin import use_stand_in
from pipeline.orchestrator import Warta
from pipeline.settings import Settings
from tests.support.articles import RELEASES
from tests.support.documents import make_template_docx

GLOSSARY = "id\ten\tzh\nBalai Kota\tBALAI KOTA\tBALAI KOTA\nSulselbar\tSulselbar\tSulselbar\npuskesmas\tPUSKESMAS\tPUSKESMAS\n"


@pytest.fixture(scope="module")
def translated(tmp_path_factory) -> tuple[Warta, dict[str, object]]:
    folder = tmp_path_factory.mktemp("fidelity-chat")
    for name, text in RELEASES.items():
        (folder / name).write_text(text, encoding="utf-8")
    make_template_docx(folder / "templat.docx")
    glossary = folder / "glossary.tsv"
    glossary.write_text(GLOSSARY, encoding="utf-8")
    warta = use_stand_in(Warta(Settings(device="cpu", beams=1, source_lang="id", glossary=glossary, context_sentences=2,
                                        models={"id-zh": "stand-in/hy-mt2"})), chat=("id-en", "id-zh"))
    articles = {path.name: warta.translate_file(path) for path in sorted(folder.iterdir()) if path.suffix != ".tsv"}
    return warta, articles


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.upper())


@pytest.mark.parametrize("name", [*RELEASES, "templat.docx"])
def test_every_row_comes_back_exact_in_english_and_chinese(translated, name: str) -> None:
    _, articles = translated
    article = articles[name]
    rows = article.sentences()
    assert rows
    for row in rows:
        # one answer per sentence, in order: the row's own words and nothing else, in both languages
        assert _words(row.en) == _words(row.text), row.text
        assert _words(row.zh) == _words(row.text), row.text


def test_every_prompt_ends_with_its_segment_and_context_never_reaches_an_answer(translated) -> None:
    warta, _ = translated
    for pair in ("id-en", "id-zh"):
        runner = warta.pool.get(pair).runner
        assert runner.prompts
        for prompt in runner.prompts:
            head, segment = prompt.rsplit("\n\n", 1)
            assert "\n" not in segment
            if head.startswith("Earlier sentences"):
                context = head.split("\n\n")[0].split("\n")[1:]
                assert 1 <= len(context) <= 3  # the title and at most two sentences before
    # a glossary reference reaches the prompt of a sentence that holds the term
    assert any("Balai Kota = BALAI KOTA" in prompt for prompt in warta.pool.get("id-en").runner.prompts)


def test_the_pivot_is_not_used_and_english_rows_go_through_the_chat_model(translated) -> None:
    warta, articles = translated
    assert "en-zh" not in warta.pool.loaded()
    english = [row for row in articles["acara.txt"].sentences() if row.lang == "en"]
    for row in english:
        assert row.en == row.text and _words(row.zh) == _words(row.text)
