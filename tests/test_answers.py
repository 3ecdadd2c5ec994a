"""A chat model's answers are checked before use: cleaned, refused, asked again, replaced."""

import pytest

from benchmarks.standin import decipher, encipher, prompt_target, use_stand_in
from pipeline.answers import answer_problem, clean_answer
from pipeline.orchestrator import Warta
from pipeline.settings import Settings

ARTICLE = (
    "Kerja Sama Onkologi Makassar\n\n"
    "Pemerintah Kota Makassar menerima delegasi rumah sakit dari Guangzhou pada hari Senin. "
    "Kunjungan itu membahas pelatihan dokter dan pertukaran teknologi pengobatan kanker.\n\n"
    "Kedua pihak sepakat untuk melanjutkan kerja sama ini pada tahun depan.\n"
)


@pytest.mark.parametrize(("answer", "source", "cleaned"), [
    ("Translation: The city welcomed them.", "Kota menyambut mereka.", "The city welcomed them."),
    ("**English translation:** The city welcomed them.", "Kota menyambut mereka.", "The city welcomed them."),
    ("译文：市政府欢迎他们。", "Kota menyambut mereka.", "市政府欢迎他们。"),
    ('"The city welcomed them."', "Kota menyambut mereka.", "The city welcomed them."),
    ("“市政府欢迎他们。”", "Kota menyambut mereka.", "市政府欢迎他们。"),
    ('"Welcome," he said.', '"Selamat datang," katanya.', '"Welcome," he said.'),  # the source has the quotes
    ('"Yes" and "no".', "Ya dan tidak.", '"Yes" and "no".'),  # two quotations, not one quoted answer
    ("The\u2060 city.", "Kota.", "The city."),  # a word joiner copied from a defused prompt
    ("  The city.  ", "Kota.", "The city."),
    ("Here is the translation: The city welcomed them.", "Kota menyambut mereka.", "The city welcomed them."),
    ("<think>\n\n</think>\n\nThe city welcomed them.", "Kota menyambut mereka.", "The city welcomed them."),
])
def test_clean_answer_strips_what_a_model_adds_around_a_translation(answer, source, cleaned):
    assert clean_answer(answer, source) == cleaned


SOURCE = "Pemerintah Kota Makassar menerima delegasi dari Guangzhou pada hari Senin."


@pytest.mark.parametrize(("answer", "target", "context", "problem"), [
    ("The Makassar City Government received a delegation from Guangzhou on Monday.", "en", (), None),
    ("望加锡市政府周一接待了来自广州的代表团。", "zh", (), None),
    ("", "en", (), "empty answer"),
    ("The government received a delegation.\nNote: Makassar is a city.", "en", (), "more lines than the source"),
    ("The government received a delegation on Monday. Both sides agreed to meet again next year.", "en", (), "more sentences than the source"),
    ("望加锡市政府周一接待了代表团。双方同意明年再见。", "zh", (), "more sentences than the source"),
    (SOURCE, "en", (), "not in the target language"),
    ("The Makassar City Government received a delegation from Guangzhou on Monday.", "zh", (), "not in the target language"),
    ("It.", "en", (), "far too short"),
    ("The government " + "received a delegation from Guangzhou and " * 12 + "left.", "en", (), "far too long"),
    ("The delegation delegation delegation delegation arrived on Monday from Guangzhou city.", "en", (), "repeats itself in a loop"),
    ("Kerja Sama Onkologi Makassar The Makassar City Government received a delegation from Guangzhou on Monday.", "en",
     ("Kerja Sama Onkologi Makassar",), "repeats a context sentence"),
    # abbreviations in a good translation are no extra sentences
    ("卫生部长Budi G. Sadikin周一在望加锡接待了来自广州的代表团。", "zh", (), None),
    ("Prof. Dr. Andi周一在望加锡接待了来自广州的代表团。", "zh", (), None),
    ("Lt. Col. Andi and Brig. Gen. Budi received the delegation from Guangzhou on Jan. 5.", "en", (), None),
    ("Gov. Andi received the Makassar delegation from Guangzhou on Monday.", "en", (), None),
    # what a model adds about its translation
    ("The Makassar City Government received a delegation from Guangzhou (Note: literal translation).", "en", (), "a note about the translation"),
    ("望加锡市政府周一接待了来自广州的代表团（注：“Pemerintah Kota”意为市政府）", "zh", (), "a note about the translation"),
    ("901", "zh", (), "not in the target language"),  # a placeholder alone
])
def test_answer_problem_names_why_an_answer_cannot_be_used(answer, target, context, problem):
    assert answer_problem(SOURCE, answer, "id", target, context) == problem


def good(prompt: str) -> str:
    return encipher(prompt.rsplit("\n", 1)[-1], prompt_target(prompt))


def context_of(prompt: str) -> list[str]:
    head = prompt.rsplit("\n\n", 1)[0]
    if not head.startswith("Earlier sentences"):
        return []
    return head.split("\n\n")[0].split("\n")[1:]


MISBEHAVIOURS = {
    "merges the next sentence": lambda prompt: good(prompt).rstrip(".") + ". " + encipher("Kalimat berikutnya juga ikut diterjemahkan.", prompt_target(prompt)),
    "explains": lambda prompt: "Here is the translation:\n" + good(prompt) + "\n\nNote: names were kept as they are.",
    "answers in Indonesian": lambda prompt: prompt.rsplit("\n", 1)[-1],
    "loops": lambda prompt: " ".join([good(prompt).split()[0]] * 30),
    "returns nothing": lambda prompt: "",
}


def translate(scripts: dict, fallbacks: dict | None = None, **settings) -> tuple[Warta, list]:
    warta = use_stand_in(Warta(Settings(device="cpu", beams=1, models={"id-zh": "stand-in/chat"}, **settings)), scripts, fallbacks)
    article = warta.translate_text(ARTICLE)
    return warta, article.sentences()


@pytest.mark.parametrize("behaviour", sorted(MISBEHAVIOURS))
def test_a_misbehaving_chat_model_is_caught_and_the_fallback_translates(behaviour):
    script = MISBEHAVIOURS[behaviour]
    warta, rows = translate({"id-en": script, "id-zh": script}, fallbacks={"id-en": "stand-in/fallback", "id-zh": "stand-in/fallback"})
    assert len(rows) == 4
    for row in rows:
        # asked twice (with context, then without), then the seq2seq stand-in upper-cased it
        assert row.en == row.text.upper() and row.zh == row.text.upper(), behaviour
        assert "llm_fallback" in row.flags and row.qa["llm_fallback"] == ["en", "zh"]
    assert warta.pool.get("id-en").runner.asked == dict.fromkeys([row.text for row in rows], 2)


@pytest.mark.parametrize("behaviour", sorted(MISBEHAVIOURS))
def test_without_a_fallback_the_second_answer_is_kept_and_flagged(behaviour):
    script = MISBEHAVIOURS[behaviour]
    _, rows = translate({"id-en": script, "id-zh": script})
    for row in rows:
        assert "llm_unchecked" in row.flags and "llm_fallback" not in row.flags
        assert row.en == clean_answer(script(f"Translate into English:\n\n{row.text}"), row.text)


def test_an_answer_that_echoes_its_context_is_asked_again_without_context():
    def echoes(prompt: str) -> str:
        context = context_of(prompt)
        return (context[-1] + " " if context else "") + good(prompt)

    warta, rows = translate({"id-en": echoes, "id-zh": echoes}, fallbacks={"id-en": "stand-in/fallback"})
    for row in rows:
        assert decipher(row.en, "en") == row.text and decipher(row.zh, "zh") == row.text
        assert not {"llm_fallback", "llm_unchecked"} & set(row.flags)
    runner = warta.pool.get("id-en").runner
    title, first, second, third = (row.text for row in rows)
    assert runner.asked == {title: 1, first: 2, second: 2, third: 2}  # the title has no context to echo
    assert "llm_fallback" not in warta.pool.loaded()


def test_context_is_the_title_and_the_sentences_before_and_never_the_answer():
    warta, rows = translate({"id-en": good, "id-zh": good}, context_sentences=1)
    prompts = {prompt.rsplit("\n", 1)[-1]: prompt for prompt in warta.pool.get("id-en").runner.prompts if "English" in prompt}
    title, first, second, third = (row.text for row in rows)
    assert context_of(prompts[title]) == []
    assert context_of(prompts[first]) == [title]
    assert context_of(prompts[second]) == [title, first]
    assert context_of(prompts[third]) == [title, second]  # one sentence before it, and the title
    for row in rows:
        assert decipher(row.en, "en") == row.text and decipher(row.zh, "zh") == row.text
        assert not {"llm_fallback", "llm_unchecked"} & set(row.flags)


def test_context_sentences_zero_sends_no_context():
    warta, _ = translate({"id-en": good, "id-zh": good}, context_sentences=0)
    assert all(not context_of(prompt) for prompt in warta.pool.get("id-en").runner.prompts)


def test_a_chat_model_for_id_zh_also_takes_the_english_sentences_to_chinese():
    text = ARTICLE + "\nThe delegation said that the visit was a great opportunity to learn from the hospital.\n"
    warta = use_stand_in(Warta(Settings(device="cpu", beams=1, models={"id-zh": "stand-in/chat"})), {"id-en": good, "id-zh": good})
    rows = warta.translate_text(text).sentences()
    english = rows[-1]
    assert english.lang == "en" and english.en == english.text and decipher(english.zh, "zh") == english.text
    assert "en-zh" not in warta.pool.loaded()
    prompts = [prompt for prompt in warta.pool.get("id-zh").runner.prompts if prompt.endswith(english.text)]
    assert len(prompts) == 1 and "English sentence into Simplified Chinese" in prompts[0]
