"""The memory stage before translation: what it fills in, and what then never reaches a model."""

from pathlib import Path

import pytest

from pipeline.memory import MemoryEntry, TranslationMemory, apply_memory
from pipeline.translation import translate_articles
from tests.support.articles import article_of
from tests.support.standins import StandIn, StandInPool, to_chinese

KNOWN = "Informasi lebih lanjut hubungi Dinas Kesehatan."
NEW = "Kalimat baru yang belum pernah diterjemahkan."


@pytest.fixture
def memory(tmp_path: Path):
    with TranslationMemory(tmp_path / "tm.sqlite", create=True) as opened:
        yield opened


@pytest.mark.parametrize(
    ("entry", "targets", "id_en_inputs", "en_zh_inputs", "known"),
    [
        # both remembered: the sentence reaches no model
        (("Contact the Health Office.", "请联系卫生局。"), ("en", "zh"), [NEW], [NEW.upper()], ("Contact the Health Office.", "请联系卫生局。")),
        # English only: the pivot's Chinese comes from the reviewed English
        (("Contact the Health Office.", ""), ("en", "zh"), [NEW], ["Contact the Health Office.", NEW.upper()],
         ("Contact the Health Office.", to_chinese("Contact the Health Office."))),
        # Chinese only, Chinese asked for: not even the pivot's English is made for it
        (("", "请联系卫生局。"), ("zh",), [NEW], [NEW.upper()], ("", "请联系卫生局。")),
    ],
)
def test_remembered_targets_skip_the_models(memory, entry, targets, id_en_inputs, en_zh_inputs, known) -> None:
    memory.add([MemoryEntry(KNOWN, *entry, "c.tsv")])
    article = article_of("  " + KNOWN.replace(" ", "\u00a0", 1), NEW)  # other spacing: still the same sentence
    assert apply_memory([article], memory, targets) == 1
    pool = StandInPool({"id-en": StandIn(max_input_tokens=40), "en-zh": StandIn(to_chinese, max_input_tokens=40)})
    translate_articles([article], pool, targets=targets)  # type: ignore[arg-type]
    assert pool.translators["id-en"].inputs == id_en_inputs
    assert pool.translators["en-zh"].inputs == en_zh_inputs
    first, second = article.sentences()
    assert (first.en, first.zh) == known and first.flags == ["memory"]
    assert "memory" not in second.flags and second.zh == to_chinese(NEW.upper())


def test_a_near_match_is_only_a_suggestion(memory) -> None:
    memory.add([MemoryEntry("Program ini diikuti oleh 1.200 warga di seluruh kota.", "1,200 residents joined.", "", "c.tsv")])
    article = article_of("Program ini diikuti oleh 1.300 warga di seluruh kota.")
    assert apply_memory([article], memory, ("en", "zh")) == 0
    sentence = article.sentences()[0]
    assert sentence.remembered == () and sentence.en == "" and "memory" not in sentence.flags
    assert sentence.suggestion is not None and sentence.suggestion.en == "1,200 residents joined."
    assert not sentence.suggestion.numbers_match and sentence.suggestion.similarity >= 85
