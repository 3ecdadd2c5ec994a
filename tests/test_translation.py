"""The translation stage: pivot, English pass-through, long sentences, alignment."""

import math
from pathlib import Path

import pytest

from models.pool import ModelPool
from pipeline.article import Sentence
from pipeline.joining import SPACE_SEAM, WORD_SEAM, join_pieces
from pipeline.orchestrator import Warta
from pipeline.settings import Settings
from pipeline.translation import split_to_fit, translate_articles, translate_texts
from tests.support.articles import article_of
from tests.support.standins import StandIn, StandInPool, to_chinese

ENGLISH_QUOTE = (
    "The delegation said that the visit was a great opportunity to learn from the hospital and "
    "that they would continue the cooperation in the future."
)


class Spy:
    """Wraps a real translator and records what it was asked to translate."""

    def __init__(self, translator):
        self.translator = translator
        self.inputs: list[str] = []
        self.outputs: list[str] = []

    def __getattr__(self, name):
        return getattr(self.translator, name)

    def translate(self, texts, source, target, beams=4, on_progress=None, encoded=None):
        results = self.translator.translate(texts, source, target, beams, on_progress, encoded=encoded)
        self.inputs.extend(texts)
        self.outputs.extend(result.text for result in results)
        return results


def spied_warta(settings: Settings) -> tuple[Warta, dict[str, Spy]]:
    warta = Warta(settings)
    spies = {pair: Spy(warta.pool.get(pair)) for pair in warta.pool.models}
    warta.pool.get = lambda pair: spies[pair]  # type: ignore[method-assign]
    return warta, spies


def local_settings(tiny_models: dict[str, Path], **overrides) -> Settings:
    models = {pair: str(path) for pair, path in tiny_models.items()}
    models.update(overrides.pop("models", {}))
    return Settings(models=models, device="cpu", **overrides)


def test_pivot_runs_id_en_then_en_zh_on_the_english(tiny_models, sample_article):
    warta, spies = spied_warta(local_settings(tiny_models))
    article = warta.translate_file(sample_article)
    sentences = article.sentences()
    assert spies["id-en"].inputs == [sentence.text for sentence in sentences]
    assert spies["en-zh"].inputs == [sentence.en for sentence in sentences]
    assert [sentence.zh for sentence in sentences] == spies["en-zh"].outputs
    assert all(sentence.en and sentence.zh for sentence in sentences)


def test_english_sentence_skips_id_en_and_goes_to_chinese(tiny_models):
    text = (
        "Pemerintah Kota Makassar meluncurkan program kesehatan baru pada hari Senin. "
        f"{ENGLISH_QUOTE} "
        "Program ini akan menjangkau seluruh puskesmas di kota tersebut pada tahun depan. "
        "Wali kota menyatakan bahwa anggaran untuk program ini sudah disetujui oleh dewan. "
        "Masyarakat diharapkan dapat memanfaatkan layanan tersebut dengan sebaik-baiknya."
    )
    warta, spies = spied_warta(local_settings(tiny_models))
    article = warta.translate_text(text)
    english = [sentence for sentence in article.sentences() if sentence.lang == "en"]
    assert [sentence.text for sentence in english] == [ENGLISH_QUOTE]
    assert ENGLISH_QUOTE not in spies["id-en"].inputs
    assert len(spies["id-en"].inputs) == 4
    assert english[0].en == ENGLISH_QUOTE
    assert ENGLISH_QUOTE in spies["en-zh"].inputs
    assert english[0].zh


def test_direct_chinese_model_replaces_the_pivot(tiny_models, tiny_nllb, sample_article):
    warta, spies = spied_warta(local_settings(tiny_models, models={"id-zh": str(tiny_nllb)}))
    article = warta.translate_file(sample_article)
    # (the tiny NLLB accepts fewer tokens than the Marian models, so long sentences go in pieces)
    assert " ".join(spies["id-zh"].inputs) == " ".join(sentence.text for sentence in article.sentences())
    assert spies["en-zh"].inputs == []  # no English sentence in the sample
    assert all(sentence.zh for sentence in article.sentences())
    assert warta.run_info().models["id-zh"]["family"] == "nllb"


def test_3000_word_sentence_is_translated_in_pieces_and_nothing_is_cut(tiny_models, sample_article):
    # the sample's words with the sentence ends made commas: one sentence of many clauses
    words = [word.replace(".", ",").replace("?", ",") for word in sample_article.read_text(encoding="utf-8").split()]
    sentence = " ".join((words * 4)[:3000]).rstrip(",") + "."
    assert len(sentence.split()) == 3000
    warta, spies = spied_warta(local_settings(tiny_models))
    article = warta.translate_text(sentence)
    [translated] = article.sentences()
    translator = spies["id-en"].translator
    pieces = spies["id-en"].inputs
    assert len(pieces) > 1
    assert " ".join(pieces) == " ".join(sentence.split())  # every word went to the model once
    assert all(count <= translator.max_input_tokens for count in translator.count_tokens(pieces))
    assert "split" in translated.flags and "length_limit" not in translated.flags
    # every piece came back translated, in order, and all of them are in the sentence's English
    assert all(spies["id-en"].outputs)
    # (every cut was at a space: the pieces join by the joining rule alone)
    assert translated.en == join_pieces(spies["id-en"].outputs)
    # the Chinese comes from all of the English (in pieces when it is too long for en->zh)
    assert " ".join(spies["en-zh"].inputs) == translated.en
    assert translated.zh == join_pieces(spies["en-zh"].outputs)


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("pendek", 10, ["pendek"]),
        ("satu dua tiga; empat lima enam", 4, ["satu dua tiga;", "empat lima enam"]),
        ("satu dua, tiga empat, lima enam", 4, ["satu dua, tiga empat,", "lima enam"]),
        ("satu dua tiga empat lima enam tujuh", 3, ["satu dua tiga", "empat lima enam", "tujuh"]),
        ("abcdefghijklmnop", 3, ["abcd", "efgh", "ijkl", "mnop"]),
    ],
    ids=["fits", "semicolon-first", "commas", "words", "no-spaces-characters"],
)
def test_split_to_fit_cuts_at_clause_boundaries(text, limit, expected):
    # "fits" here counts words (or characters for a single word), standing in for tokens.
    def fits(piece: str) -> bool:
        return (len(piece.split()) if " " in piece else len(piece) / 2) <= limit

    assert split_to_fit(text, fits) == expected


def test_translate_texts_keeps_order_and_counts_pieces():
    translator = StandIn(max_input_tokens=8)
    texts = [
        "Satu kalimat pendek.",
        "Kalimat kedua yang sedikit lebih panjang dari yang pertama, dan terbagi menjadi beberapa potongan.",
        "Tiga.",
        "Kalimat keempat juga cukup panjang untuk dibagi, tetapi urutannya tetap.",
        "Lima.",
    ]
    results = translate_texts(texts, translator, "id", "en", beams=2)
    assert [result.text for result in results] == [text.upper() for text in texts]
    assert [result.pieces > 1 for result in results] == [False, True, False, True, False]


def test_translate_texts_with_a_real_model_gives_one_result_per_text_in_order(tiny_models):
    pool = ModelPool({pair: str(path) for pair, path in tiny_models.items()}, device="cpu")
    translator = pool.get("id-en")
    texts = ["Satu kalimat pendek.", "Kalimat kedua yang sedikit lebih panjang dari yang pertama.", "Tiga."]
    results = translate_texts(texts, translator, "id", "en", beams=2)
    # the same texts one by one give the same outputs: nothing was swapped by the batching
    assert [result.text for result in results] == [
        translate_texts([text], translator, "id", "en", beams=2)[0].text for text in texts
    ]
    assert all(result.pieces == 1 and result.text for result in results)


@pytest.mark.parametrize(
    ("text", "seams"),
    [
        ("satu dua tiga empat", [SPACE_SEAM, SPACE_SEAM, SPACE_SEAM]),
        ("abcdefghijklmnop", [WORD_SEAM, WORD_SEAM, WORD_SEAM]),
        ("lihat abcdefghijklmnop", [SPACE_SEAM, WORD_SEAM, WORD_SEAM, WORD_SEAM]),
    ],
    ids=["at-spaces", "inside-a-word", "both"],
)
def test_split_to_fit_remembers_where_each_seam_was(text, seams):
    def fits(piece: str) -> bool:  # a token per two letters
        return sum(math.ceil(len(word) / 2) for word in piece.split()) <= 3

    pieces = split_to_fit(text, fits)
    assert pieces.seams == seams
    assert pieces.source_text() == text


def test_pieces_of_a_long_sentence_join_without_gluing_words_or_splitting_urls():
    url = "https://makassarkota.go.id/berita/2025/06/rapat-koordinasi-kesehatan-bersama-para-camat-se-kota-makassar"
    text = f"Informasi lengkap ada di tautan {url} dan kerja sama Belt and Road dengan Guangzhou."
    english = translate_texts([text], StandIn(max_input_tokens=6), "id", "en", beams=1)[0]
    assert english.pieces > 2
    assert english.text == text.upper()
    # en->zh of an upper-casing model: Latin words must not glue ("Belt andRoad")
    chinese_latin = translate_texts([text], StandIn(max_input_tokens=6), "en", "zh", beams=1)[0]
    assert chinese_latin.text == text.upper()
    # a model writing Chinese: no space is put between Chinese pieces
    chinese = translate_texts([text], StandIn(to_chinese, max_input_tokens=6), "en", "zh", beams=1)[0]
    assert chinese.text == to_chinese(text)


def test_length_limit_flag_marks_the_sentence_whose_piece_ran_to_the_limit():
    article = article_of("Kalimat pertama berjalan biasa saja.", "Kalimat kedua berulang terus tanpa henti.")
    pool = StandInPool({"id-en": StandIn(loops_on="berulang"), "en-zh": StandIn(to_chinese)})
    translate_articles([article], pool, targets=("en", "zh"))  # type: ignore[arg-type]
    first, second = article.sentences()
    assert "length_limit" not in first.flags
    assert "length_limit" in second.flags
    assert second.en == "KALIMAT KEDUA BERULANG TERUS TANPA HENTI."


def test_targets_en_calls_no_chinese_model():
    article = article_of("Kalimat pertama berjalan biasa saja.", "Kalimat kedua juga.")
    pool = StandInPool({"id-en": StandIn(), "en-zh": StandIn(to_chinese)})
    translate_articles([article], pool, targets=("en",))  # type: ignore[arg-type]
    assert pool.asked == ["id-en"]
    assert pool.translators["en-zh"].inputs == []
    assert [s.en for s in article.sentences()] == ["KALIMAT PERTAMA BERJALAN BIASA SAJA.", "KALIMAT KEDUA JUGA."]
    assert [s.zh for s in article.sentences()] == ["", ""]


def test_targets_zh_pivots_through_english():
    article = article_of("Kalimat pertama berjalan biasa saja.", "Kalimat kedua juga.")
    article.blocks[0].sentences.append(Sentence("Thank you for the warm welcome, she said today.", lang="en"))
    pool = StandInPool({"id-en": StandIn(), "en-zh": StandIn(to_chinese)})
    translate_articles([article], pool, targets=("zh",))  # type: ignore[arg-type]
    assert pool.asked == ["id-en", "en-zh"]
    # id->en sees the Indonesian only; en->zh sees the English made from it, and the English sentence
    assert pool.translators["id-en"].inputs == ["Kalimat pertama berjalan biasa saja.", "Kalimat kedua juga."]
    assert pool.translators["en-zh"].inputs == [
        "KALIMAT PERTAMA BERJALAN BIASA SAJA.", "KALIMAT KEDUA JUGA.", "Thank you for the warm welcome, she said today.",
    ]
    assert [s.zh for s in article.sentences()] == [to_chinese(s) for s in pool.translators["en-zh"].inputs]


def test_empty_english_is_flagged_and_its_indonesian_never_goes_to_chinese():
    article = article_of("Kalimat pertama berjalan biasa saja.", "Kalimat yang hilang.", "Kalimat ketiga.")
    pool = StandInPool({"id-en": StandIn(lambda text: "" if "hilang" in text else text.upper()), "en-zh": StandIn(to_chinese)})
    translate_articles([article], pool, targets=("en", "zh"))  # type: ignore[arg-type]
    first, lost, third = article.sentences()
    assert (lost.en, lost.zh) == ("", "")
    assert "empty" in lost.flags and "empty" not in first.flags + third.flags
    assert pool.translators["en-zh"].inputs == ["KALIMAT PERTAMA BERJALAN BIASA SAJA.", "KALIMAT KETIGA."]
    assert (first.zh, third.zh) == (to_chinese(first.en), to_chinese(third.en))


def test_models_load_once_per_process(tiny_models):
    settings = local_settings(tiny_models)
    first, second = Warta(settings), Warta(settings)
    assert first.pool.get("id-en") is second.pool.get("id-en")
