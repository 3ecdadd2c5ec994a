"""The tables of what the QA checks promise (``pipeline/qa.py``, ``pipeline/numbers.py``).

Each check has one table of hand-made source/target pairs whose answer is known: rows that must
be flagged and rows that must not, the id saying which rule the row documents. The ``number``
table is the longest because the three languages write numbers, amounts and dates differently
and a correct translation must never be flagged for its formatting.
"""

import pytest

from pipeline.article import Article, Block, Sentence
from pipeline.qa.checks import (
    QA_FLAGS,
    check_article,
    check_sentence,
    has_number_mismatch,
    has_odd_length,
    has_repetition,
    is_empty,
    is_untranslated,
    traditional_characters,
)
from pipeline.qa.numbers import chinese_values, english_values, indonesian_values, missing_values

# --- number: what survives of the source's numbers, amounts, dates and times ------------------

NUMBER_CASES = [
    # (source, target language, target, flagged)
    # --- correct English renderings: never flagged -------------------------------------------
    pytest.param("Jumlah peserta mencapai 1.044.921 orang.", "en", "Participants reached 1,044,921.", False,
                 id="en-thousands-dots-to-commas"),
    pytest.param("Ekonomi tumbuh 6,7 persen.", "en", "The economy grew 6.7 percent.", False, id="en-decimal-comma-percent"),
    pytest.param("Ekonomi tumbuh 6,7 persen.", "en", "The economy grew 6.7%.", False, id="en-percent-sign"),
    pytest.param("Anggaran Rp500 miliar disiapkan.", "en", "A budget of IDR 500 billion was set.", False,
                 id="en-IDR-billion"),
    pytest.param("Anggaran Rp500 miliar disiapkan.", "en", "A budget of Rp500 billion was set.", False, id="en-Rp-billion"),
    pytest.param("Anggaran Rp500 miliar disiapkan.", "en", "A budget of Rp 500 billion was set.", False,
                 id="en-Rp-space-billion"),
    pytest.param("Investasi Rp6,5 triliun.", "en", "An investment of IDR 6.5 trillion.", False, id="en-decimal-trillion"),
    pytest.param("Nilainya Rp15.323.650.458.000.", "en", "It is worth IDR 15,323,650,458,000.", False, id="en-long-amount"),
    pytest.param("Acara pada 19/12/2025.", "en", "The event is on December 19, 2025.", False, id="en-slash-date-to-words"),
    pytest.param("Acara pada 19/12/2025.", "en", "The event is on 12/19/2025.", False, id="en-slash-date-US-order"),
    pytest.param("Pada 29 Mei 2025 acara dibuka.", "en", "On May 29, 2025 the event opened.", False, id="en-date-month-first"),
    pytest.param("Pada 29 Mei 2025 acara dibuka.", "en", "On 29 May 2025 the event opened.", False, id="en-date-day-first"),
    pytest.param("Jakarta, Kamis (29/5).", "en", "Jakarta, Thursday (May 29).", False, id="en-dateline-without-year"),
    pytest.param("Acara pada 19-20 Mei 2025.", "en", "The event is on May 19-20, 2025.", False, id="en-day-range"),
    pytest.param("Dimulai pukul 10.30 WIB.", "en", "It started at 10:30 a.m. WIB.", False, id="en-time-am"),
    pytest.param("Dimulai pukul 19.00 WIB.", "en", "It starts at 7 p.m. WIB.", False, id="en-time-hour-only-pm"),
    pytest.param("Sebanyak 5 pakar hadir.", "en", "Five experts attended.", False, id="en-small-number-as-word"),
    pytest.param("Sebanyak 25 pakar hadir.", "en", "Twenty-five experts attended.", False, id="en-hyphenated-number-word"),
    pytest.param("Sebanyak 1 juta orang hadir.", "en", "One million people attended.", False, id="en-word-with-scale"),
    pytest.param("Didirikan pada tahun 2005.", "en", "It was founded in 2005.", False, id="en-year"),
    pytest.param("Program berjalan 2020-2025.", "en", "The program ran from 2020 to 2025.", False, id="en-year-range"),
    pytest.param("Dana Rp1-2 miliar disiapkan.", "en", "Funds of IDR 1 billion to 2 billion.", False,
                 id="en-range-sharing-a-scale"),
    # --- correct Chinese renderings: never flagged -------------------------------------------
    pytest.param("Jumlah peserta mencapai 1.044.921 orang.", "zh", "参与人数达到1,044,921人。", False, id="zh-thousands-commas"),
    pytest.param("Jumlah peserta mencapai 1.044.921 orang.", "zh", "参与人数达到1044921人。", False, id="zh-plain-digits"),
    pytest.param("Jumlah peserta mencapai 1.044.921 orang.", "zh", "参与人数达到104.4921万人。", False, id="zh-wan"),
    pytest.param("Ekonomi tumbuh 6,7 persen.", "zh", "经济增长了6.7%。", False, id="zh-percent-sign"),
    pytest.param("Ekonomi tumbuh 6,7 persen.", "zh", "经济增长了百分之六点七。", False, id="zh-percent-in-numerals"),
    pytest.param("Anggaran Rp500 miliar disiapkan.", "zh", "已准备5000亿印尼盾的预算。", False, id="zh-miliar-as-yi"),
    pytest.param("Anggaran Rp500 miliar disiapkan.", "zh", "已准备五千亿印尼盾的预算。", False, id="zh-miliar-in-numerals"),
    pytest.param("Investasi Rp6,5 triliun.", "zh", "投资6.5万亿印尼盾。", False, id="zh-triliun-as-wanyi"),
    pytest.param("Sebanyak 35.000 warga hadir.", "zh", "共有三万五千名居民出席。", False, id="zh-numeral-with-wan-inside"),
    pytest.param("Dana Rp1-2 miliar disiapkan.", "zh", "准备了10亿至20亿印尼盾的资金。", False, id="zh-range-sharing-a-scale"),
    pytest.param("Pada 29 Mei 2025 acara dibuka.", "zh", "2025年5月29日活动开幕。", False, id="zh-date"),
    pytest.param("Acara pada 19/12/2025.", "zh", "活动于2025年12月19日举行。", False, id="zh-slash-date"),
    pytest.param("Jakarta, Kamis (29/5).", "zh", "雅加达，周四（5月29日）。", False, id="zh-dateline-without-year"),
    pytest.param("Acara pada 19-20 Mei 2025.", "zh", "活动于2025年5月19日至20日举行。", False, id="zh-day-range"),
    pytest.param("Sebanyak 5 pakar hadir.", "zh", "五位专家出席。", False, id="zh-small-number-as-numeral"),
    pytest.param("Didirikan pada tahun 2005.", "zh", "成立于二〇〇五年。", False, id="zh-year-digit-by-digit"),
    pytest.param("Dimulai pukul 10.30 WIB.", "zh", "活动于10:30开始。", False, id="zh-time-colon"),
    pytest.param("Dimulai pukul 10.30 WIB.", "zh", "活动于10点30分开始。", False, id="zh-time-dian-fen"),
    pytest.param("Dimulai pukul 14.30 WIB.", "zh", "活动于下午2点30分开始。", False, id="zh-time-afternoon"),
    pytest.param("Mereka mengajukan 3 saran.", "zh", "他们提出了3点建议。", False, id="zh-dian-as-points-not-a-time"),
    # --- changed, dropped or mis-scaled values: flagged --------------------------------------
    pytest.param("Ekonomi tumbuh 6,7 persen.", "en", "The economy grew 6.1 percent.", True, id="en-changed-decimal"),
    pytest.param("Jumlah peserta mencapai 1.044.921 orang.", "en", "Participants reached 1,044,912.", True,
                 id="en-swapped-digits"),
    pytest.param("Anggaran Rp500 miliar disiapkan.", "en", "A budget of IDR 500 million was set.", True, id="en-wrong-scale"),
    pytest.param("Anggaran Rp500 miliar disiapkan.", "en", "A budget was set.", True, id="en-dropped-amount"),
    pytest.param("Pada 29 Mei 2025 acara dibuka.", "en", "On May 28, 2025 the event opened.", True, id="en-wrong-day"),
    pytest.param("Pada 29 Mei 2025 acara dibuka.", "en", "On May 29 the event opened.", True, id="en-dropped-year"),
    pytest.param("Ekonomi tumbuh 6,7 persen.", "en", "The economy grew.", True, id="en-missing-percentage"),
    pytest.param("Acara pada 19/12/2025.", "en", "The event is on December 12, 2025.", True, id="en-wrong-slash-date"),
    pytest.param("Dimulai pukul 10.30 WIB.", "en", "It started at 11:30 a.m. WIB.", True, id="en-wrong-time"),
    pytest.param("Sebanyak 5 pakar hadir.", "en", "Four experts attended.", True, id="en-wrong-number-word"),
    pytest.param("Acara pada 19-20 Mei 2025.", "en", "The event is on May 19-21, 2025.", True, id="en-wrong-range-end"),
    pytest.param("Ekonomi tumbuh 6,7 persen.", "zh", "经济增长了6.1%。", True, id="zh-changed-decimal"),
    pytest.param("Jumlah peserta mencapai 1.044.921 orang.", "zh", "参与人数达到1,044,912人。", True, id="zh-swapped-digits"),
    pytest.param("Anggaran Rp500 miliar disiapkan.", "zh", "已准备500万印尼盾的预算。", True, id="zh-miliar-as-wan"),
    pytest.param("Anggaran Rp500 miliar disiapkan.", "zh", "已准备500亿印尼盾的预算。", True, id="zh-miliar-ten-times-too-small"),
    pytest.param("Investasi Rp6,5 triliun.", "zh", "投资6.5亿印尼盾。", True, id="zh-triliun-as-yi"),
    pytest.param("Pada 29 Mei 2025 acara dibuka.", "zh", "2025年5月28日活动开幕。", True, id="zh-wrong-day"),
    pytest.param("Ekonomi tumbuh 6,7 persen dan inflasi 2,5 persen.", "zh", "经济增长6.7%，通胀温和。", True,
                 id="zh-one-of-two-percentages-missing"),
    pytest.param("Sebanyak 5 pakar hadir.", "zh", "三位专家出席。", True, id="zh-wrong-numeral"),
    pytest.param("Dimulai pukul 14.30 WIB.", "zh", "活动于下午3点30分开始。", True, id="zh-wrong-afternoon-hour"),
    pytest.param("Pada 29 Mei 2025 acara dibuka.", "zh", "5月29日活动开幕。", True, id="zh-dropped-year"),
]


@pytest.mark.parametrize(("source", "language", "target", "flagged"), NUMBER_CASES)
def test_number_mismatch(source: str, language: str, target: str, flagged: bool) -> None:
    assert has_number_mismatch(source, "id", target, language) is flagged


def test_number_mismatch_is_never_raised_on_an_empty_target() -> None:
    # an empty translation is the ``empty`` flag's business, not a missing number
    assert has_number_mismatch("Ekonomi tumbuh 6,7 persen.", "id", "  ", "en") is False


def test_missing_values_names_what_is_missing() -> None:
    missing = missing_values("Rp500 miliar pada 29 Mei 2025, tumbuh 6,7 persen.", "id",
                             "IDR 500 million on May 29, 2025, up 6.7 percent.", "en")
    assert missing == [("num", 500e9)]


def test_english_source_is_read_in_english_formats() -> None:
    source = "Sales rose 6.7% to IDR 1,044,921."
    assert has_number_mismatch(source, "en", "销售额增长6.7%，达到1,044,921印尼盾。", "zh") is False
    assert has_number_mismatch(source, "en", "销售额增长6.1%，达到1,044,921印尼盾。", "zh") is True


VALUE_CASES = [
    pytest.param(indonesian_values, "1.044.921 dan 6,7 persen", [("num", 1044921.0), ("num", 6.7)],
                 id="id-grouping-and-decimal"),
    pytest.param(indonesian_values, "Rp6,5 triliun", [("num", 6.5e12)], id="id-amount-with-scale"),
    pytest.param(indonesian_values, "19/12/2025 pukul 10.30 WIB", [("date", 2025, 12, 19), ("time", 10, 30)],
                 id="id-date-time"),
    pytest.param(indonesian_values, "Kamis (29/5)", [("date", None, 5, 29)], id="id-dateline"),
    pytest.param(indonesian_values, "1/2 bagian", [("num", 1.0), ("num", 2.0)], id="id-fraction-is-not-a-date"),
    pytest.param(english_values, "May 29, 2025 at 7 p.m.", [("date", 2025, 5, 29), ("time", 19, 0)], id="en-date-time"),
    pytest.param(english_values, "twenty-five and one hundred and five", [("num", 25.0), ("num", 105.0)],
                 id="en-number-words"),
    pytest.param(chinese_values, "2025年5月29日下午2点30分", [("date", 2025, 5, 29), ("time", 14, 30)],
                 id="zh-date-time"),
    pytest.param(chinese_values, "一百零四万四千九百二十一", [("num", 1044921.0)], id="zh-long-numeral"),
    pytest.param(chinese_values, "一亿两千万", [("num", 1.2e8)], id="zh-numeral-with-yi-and-wan"),
]


@pytest.mark.parametrize(("read", "text", "values"), VALUE_CASES)
def test_values_read_from_each_language(read, text: str, values: list[tuple[object, ...]]) -> None:
    assert read(text) == values


# --- untranslated: a copy of the source, or the wrong language or script ---------------------

SOURCE = "Pemerintah akan membangun rumah sakit baru di Jakarta."
NAMES_SOURCE = "Bapak Tu Xiaoming mengunjungi Modern Cancer Hospital Guangzhou."

UNTRANSLATED_CASES = [
    # (source, target, target language, flagged)
    pytest.param(SOURCE, SOURCE, "en", True, id="en-identical-to-source"),
    pytest.param(SOURCE, "Pemerintah akan membangun rumah sakit baru di Jakarta", "en", True, id="en-near-identical"),
    pytest.param("Kerja sama ini diharapkan memperkuat hubungan kedua negara.",
                 "Kerja sama ini diharapkan memperkuat hubungan kedua negara, katanya.", "en", True,
                 id="en-copy-with-a-word-added"),
    pytest.param(SOURCE, "Kami sangat senang dengan kerja sama ini.", "en", True, id="en-target-is-other-indonesian"),
    pytest.param("PEMERINTAH AKAN MEMBANGUN RUMAH SAKIT BARU", "PEMERINTAH AKAN MEMBANGUN RUMAH SAKIT BARU", "en", True,
                 id="en-all-capitals-heading-copied"),
    pytest.param(SOURCE, "政府将在雅加达建造一座新医院。", "en", True, id="en-target-in-chinese"),
    pytest.param(SOURCE, "Правительство построит новую больницу в Джакарте.", "en", True,
                 id="en-target-in-cyrillic"),
    pytest.param(SOURCE, "The government will build a new hospital in Jakarta.", "en", False, id="en-proper-translation"),
    pytest.param(NAMES_SOURCE, "Mr. Tu Xiaoming visited Modern Cancer Hospital Guangzhou.", "en", False, id="en-keeps-names"),
    pytest.param("Modern Cancer Hospital Guangzhou", "Modern Cancer Hospital Guangzhou", "en", False,
                 id="en-name-only-heading-kept"),
    pytest.param("Terima kasih.", "Thank you.", "en", False, id="en-short-sentence"),
    pytest.param("Acara ini diselenggarakan oleh Kementerian Kesehatan.",
                 "The event was organised by the Ministry of Health (Kementerian Kesehatan).", "en", False,
                 id="en-keeps-indonesian-name-in-brackets"),
    pytest.param(SOURCE, SOURCE, "zh", True, id="zh-identical-to-source"),
    pytest.param(SOURCE, "The government will build a new hospital in Jakarta.", "zh", True, id="zh-target-in-english"),
    pytest.param(SOURCE, "政府はジャカルタに新しい病院を建設します。", "zh", True, id="zh-target-in-japanese"),
    pytest.param(SOURCE, "政府は新病院を建設する。", "zh", True, id="zh-target-in-kanji-heavy-japanese"),
    pytest.param(SOURCE, "정부는 자카르타에 새 병원을 건설할 것입니다.", "zh", True, id="zh-target-in-korean"),
    pytest.param(SOURCE, "Правительство построит новую больницу в Джакарте.", "zh", True,
                 id="zh-target-in-cyrillic"),
    pytest.param(SOURCE, "政府将在雅加达建造一座新医院。", "zh", False, id="zh-proper-translation"),
    pytest.param(NAMES_SOURCE, "涂小明先生参观了Modern Cancer Hospital Guangzhou。", "zh", False, id="zh-keeps-latin-name"),
    pytest.param("Kasus COVID-19 menurun.", "COVID-19病例有所下降。", "zh", False, id="zh-keeps-latin-acronym"),
    pytest.param(SOURCE, "", "zh", False, id="zh-empty-is-not-untranslated"),
]


@pytest.mark.parametrize(("source", "target", "language", "flagged"), UNTRANSLATED_CASES)
def test_untranslated(source: str, target: str, language: str, flagged: bool) -> None:
    assert is_untranslated(source, target, language) is flagged


# --- repetition: a loop in the output --------------------------------------------------------

REPETITION_CASES = [
    # (target, language, flagged)
    pytest.param("I'm sorry I'm sorry I'm sorry", "en", True, id="en-phrase-three-times"),
    pytest.param("the the the the", "en", True, id="en-word-four-times"),
    pytest.param("We will keep working. We will keep working. We will keep working.", "en", True, id="en-sentence-loop"),
    pytest.param("合作合作合作", "zh", True, id="zh-word-three-times"),
    pytest.param("谢谢谢谢谢谢", "zh", True, id="zh-character-six-times"),
    pytest.param("我们将继续合作。我们将继续合作。我们将继续合作。", "zh", True, id="zh-sentence-loop"),
    pytest.param("The hospital opened a new wing.", "en", False, id="en-normal-sentence"),
    pytest.param("very very good", "en", False, id="en-word-twice"),
    pytest.param("Wait....", "en", False, id="en-ellipsis"),
    pytest.param("1.000.000", "en", False, id="en-indonesian-grouping"),
    pytest.param("A budget of IDR 1,000,000,000.", "en", False, id="en-billion-in-digits"),
    pytest.param("医院开设了新的病房。", "zh", False, id="zh-normal-sentence"),
    pytest.param("谢谢", "zh", False, id="zh-doubled-character"),
    pytest.param("我们高高兴兴地见面。", "zh", False, id="zh-reduplicated-adjective"),
    pytest.param("共有10000人参加。", "zh", False, id="zh-zeros-of-a-number"),
    pytest.param("预算为1,000,000,000印尼盾。", "zh", False, id="zh-billion-in-digits"),
    pytest.param("等等……", "zh", False, id="zh-ellipsis"),
]


@pytest.mark.parametrize(("target", "language", "flagged"), REPETITION_CASES)
def test_repetition(target: str, language: str, flagged: bool) -> None:
    assert has_repetition(target, language) is flagged


# --- length: target/source length far outside the pair's range -------------------------------

LONG_SOURCE = "Pemerintah akan membangun rumah sakit baru di Jakarta tahun depan."  # 66 characters

LENGTH_CASES = [
    # (source, target, language, flagged)
    pytest.param(LONG_SOURCE, "Yes.", "en", True, id="en-far-too-short"),
    pytest.param(LONG_SOURCE, "The government will build a new hospital in Jakarta next year, and the new hospital will "
                 "be large and modern and serve everyone in the region.", "en", True, id="en-far-too-long"),
    pytest.param(LONG_SOURCE, "The government will build a new hospital in Jakarta next year.", "en", False, id="en-normal"),
    pytest.param(LONG_SOURCE, "是。", "zh", True, id="zh-far-too-short"),
    pytest.param(LONG_SOURCE, "The government will build a new hospital in Jakarta next year.", "zh", True,
                 id="zh-as-long-as-english"),
    pytest.param(LONG_SOURCE, "政府明年将在雅加达建造一座新医院。", "zh", False, id="zh-normal"),
    pytest.param("Terima kasih banyak.", "Thank you very much indeed, everyone, for coming today.", "en", False,
                 id="en-short-source-never-flagged"),
    pytest.param("Terima kasih banyak.", "谢", "zh", False, id="zh-short-source-never-flagged"),
    pytest.param(LONG_SOURCE, "", "en", False, id="empty-target-is-not-a-length-problem"),
]


@pytest.mark.parametrize(("source", "target", "language", "flagged"), LENGTH_CASES)
def test_odd_length(source: str, target: str, language: str, flagged: bool) -> None:
    assert has_odd_length(source, target, language) is flagged


# --- empty -----------------------------------------------------------------------------------

EMPTY_CASES = [
    pytest.param("", True, id="empty-string"),
    pytest.param("   ", True, id="spaces"),
    pytest.param("\n\t", True, id="newline-and-tab"),
    pytest.param("Yes.", False, id="english-word"),
    pytest.param("。", False, id="chinese-full-stop"),
    pytest.param("2025", False, id="digits-only"),
]


@pytest.mark.parametrize(("target", "flagged"), EMPTY_CASES)
def test_empty(target: str, flagged: bool) -> None:
    assert is_empty(target) is flagged


# --- traditional: Traditional-only characters in the Simplified output ------------------------

TRADITIONAL_CASES = [
    # (target, the Traditional-only characters)
    pytest.param("這個醫院", ["這", "個", "醫"], id="traditional-sentence"),
    pytest.param("这个医院", [], id="simplified-sentence"),
    pytest.param("這个医院在中国", ["這"], id="mixed-text"),
    pytest.param("頭發", ["頭", "發"], id="two-traditional-characters"),
    pytest.param("中国人", [], id="common-to-both-scripts"),
    pytest.param("大学", [], id="common-to-both-scripts-2"),
    pytest.param("著名的专家", [], id="zhu-is-also-simplified"),
    pytest.param("Modern Cancer Hospital Guangzhou 2025", [], id="no-han-characters"),
]


@pytest.mark.parametrize(("target", "characters"), TRADITIONAL_CASES)
def test_traditional_characters(target: str, characters: list[str]) -> None:
    assert traditional_characters(target) == characters


# --- check_sentence and check_article: where the flags are recorded --------------------------

def _article(*sentences: Sentence) -> Article:
    return Article(source=None, name="qa-test", blocks=[Block(kind="paragraph", text="", sentences=list(sentences))])


def test_flags_and_the_languages_that_raised_them_are_recorded() -> None:
    sentence = Sentence(text="Ekonomi tumbuh 6,7 persen.", en="The economy grew 6.7 percent.", zh="经济增长了6.1%。")
    check_sentence(sentence, ("en", "zh"))
    assert sentence.flags == ["number"]
    assert sentence.qa == {"number": ["zh"]}


def test_a_flag_raised_by_both_targets_lists_both() -> None:
    sentence = Sentence(text="Ekonomi tumbuh 6,7 persen.", en="The economy grew.", zh="经济增长了。")
    check_sentence(sentence, ("en", "zh"))
    assert sentence.qa == {"number": ["en", "zh"]}


PROTECTED_NUMBER_CASES = [
    # (source, protected span (kind, text), target language, target, flagged): a span's digits are
    # kept verbatim on purpose and are not numbers to read; the numbers around it still count
    pytest.param("Nomor WhatsApp 0812.3456.7890 aktif 24 jam.", ("phone", "0812.3456.7890"), "en",
                 "WhatsApp number 0812.3456.7890 is active 24 hours.", False, id="en-phone-with-dots"),
    pytest.param("Nomor WhatsApp 0812.3456.7890 aktif 24 jam.", ("phone", "0812.3456.7890"), "zh",
                 "WhatsApp号码0812.3456.7890全天24小时开通。", False, id="zh-phone-with-dots"),
    pytest.param("Berdasarkan SK Nomor 800/1.234/BKPSDM/2025, kegiatan dimulai.", ("document", "800/1.234/BKPSDM/2025"), "en",
                 "Under Decree Number 800/1.234/BKPSDM/2025, the activity began.", False, id="en-decree-number"),
    pytest.param("Berdasarkan SK Nomor 800/1.234/BKPSDM/2025, kegiatan dimulai.", ("document", "800/1.234/BKPSDM/2025"), "zh",
                 "根据第800/1.234/BKPSDM/2025号决定，活动开始。", False, id="zh-decree-number"),
    pytest.param("Data ada di https://data.go.id/dataset/1.250.000-penduduk hari ini.",
                 ("url", "https://data.go.id/dataset/1.250.000-penduduk"), "en",
                 "The data is at https://data.go.id/dataset/1.250.000-penduduk today.", False, id="en-url-with-a-figure"),
    pytest.param("Lihat https://x.go.id/?page=2,5 untuk 12 tabel.", ("url", "https://x.go.id/?page=2,5"), "en",
                 "See https://x.go.id/?page=2,5 for 12 tables.", False, id="en-url-query-with-comma"),
    pytest.param("Lihat https://x.go.id/?page=2,5 untuk 12 tabel.", ("url", "https://x.go.id/?page=2,5"), "zh",
                 "请查看https://x.go.id/?page=2,5中的12个表格。", False, id="zh-url-query-with-comma"),
    pytest.param("Nomor WhatsApp 0812.3456.7890 aktif 24 jam.", ("phone", "0812.3456.7890"), "en",
                 "WhatsApp number 0812.3456.7890 is active 12 hours.", True, id="en-changed-number-beside-a-phone"),
    pytest.param("Lihat https://x.go.id/?page=2,5 untuk 12 tabel.", ("url", "https://x.go.id/?page=2,5"), "zh",
                 "请查看https://x.go.id/?page=2,5中的表格。", True, id="zh-dropped-number-beside-a-url"),
]


@pytest.mark.parametrize(("source", "span", "language", "target", "flagged"), PROTECTED_NUMBER_CASES)
def test_number_leaves_protected_spans_out(source: str, span: tuple[str, str], language: str, target: str,
                                           flagged: bool) -> None:
    sentence = Sentence(text=source, protected=[{"kind": span[0], "text": span[1]}], **{language: target})
    check_sentence(sentence, (language,))
    assert ("number" in sentence.qa) is flagged


def test_an_empty_target_raises_only_empty() -> None:
    sentence = Sentence(text="Ekonomi tumbuh 6,7 persen.", en="The economy grew 6.7 percent.", zh="")
    check_sentence(sentence, ("en", "zh"))
    assert sentence.flags == ["empty"]
    assert sentence.qa == {"empty": ["zh"]}


def test_flags_follow_the_order_of_QA_FLAGS() -> None:
    source = "Pemerintah akan membangun rumah sakit baru senilai Rp500 miliar di Jakarta."
    sentence = Sentence(text=source, en="The government will build a new hospital worth IDR 500 billion in Jakarta.",
                        zh="這個醫院這個醫院這個醫院")
    check_sentence(sentence, ("en", "zh"))
    assert sentence.flags == ["number", "repetition", "traditional"]
    assert sentence.flags == [flag for flag in QA_FLAGS if flag in sentence.flags]
    assert sentence.qa == {"number": ["zh"], "repetition": ["zh"], "traditional": ["zh"]}


def test_an_english_source_sentence_is_not_untranslated_in_english() -> None:
    text = "Thank you for your warm welcome to Modern Cancer Hospital Guangzhou."
    sentence = Sentence(text=text, lang="en", en=text, zh="感谢您对广州现代肿瘤医院的热情欢迎。")
    check_article(_article(sentence))
    assert sentence.flags == []
    assert sentence.qa == {}


def test_an_english_source_sentence_is_still_checked_in_chinese() -> None:
    text = "Thank you for your warm welcome to Modern Cancer Hospital Guangzhou."
    sentence = Sentence(text=text, lang="en", en=text, zh=text)
    check_article(_article(sentence))
    assert sentence.qa == {"untranslated": ["zh"], "length": ["zh"]}


def test_only_the_given_targets_are_checked() -> None:
    sentence = Sentence(text="Ekonomi tumbuh 6,7 persen.", en="The economy grew.", zh="")
    check_article(_article(sentence), targets=("en",))
    assert sentence.qa == {"number": ["en"]}


def test_check_article_twice_does_not_duplicate_flags() -> None:
    sentence = Sentence(text="Ekonomi tumbuh 6,7 persen.", en="The economy grew 6.1 percent.", zh="经济增长了6.1%。")
    article = _article(sentence)
    check_article(article)
    check_article(article)
    assert sentence.flags == ["number"]
    assert sentence.qa == {"number": ["en", "zh"]}


def test_check_sentence_twice_does_not_list_a_language_twice() -> None:
    sentence = Sentence(text="Ekonomi tumbuh 6,7 persen.", en="The economy grew 6.7 percent.", zh="经济增长了6.1%。")
    check_sentence(sentence, ("en", "zh"))
    check_sentence(sentence, ("en", "zh"))
    assert sentence.flags == ["number"]
    assert sentence.qa == {"number": ["zh"]}


def test_non_qa_flags_are_kept_and_stale_qa_flags_dropped() -> None:
    sentence = Sentence(text="Ekonomi tumbuh 6,7 persen.", en="The economy grew 6.7 percent.", zh="经济增长了6.1%。",
                        flags=["split"])
    article = _article(sentence)
    check_article(article)
    assert sentence.flags == ["split", "number"]
    sentence.zh = "经济增长了6.7%。"  # the reviewer fixes the translation; QA runs again
    assert check_article(article) is article
    assert sentence.flags == ["split"]
    assert sentence.qa == {}


def test_check_article_flags_every_sentence_of_every_block() -> None:
    good = Sentence(text="Ekonomi tumbuh 6,7 persen.", en="The economy grew 6.7 percent.", zh="经济增长了6.7%。")
    copied = Sentence(text=SOURCE, en=SOURCE, zh="政府将在雅加达建造一座新医院。")
    heading = Sentence(text="Modern Cancer Hospital Guangzhou", en="Modern Cancer Hospital Guangzhou", zh="广州现代肿瘤医院")
    article = Article(source=None, name="qa-test", blocks=[
        Block(kind="heading", text=heading.text, sentences=[heading]),
        Block(kind="paragraph", text="", sentences=[good, copied]),
    ])
    check_article(article)
    assert [sentence.qa for sentence in article.sentences()] == [{}, {}, {"untranslated": ["en"]}]
