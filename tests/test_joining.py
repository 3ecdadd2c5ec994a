"""The joining rule (``pipeline.joining``): what goes between two pieces depends on what meets at the seam."""

import pytest

from pipeline.joining import SPACE_SEAM, WORD_SEAM, is_cjk, join_pieces, seam_separator


@pytest.mark.parametrize(
    ("left", "right", "seam", "separator"),
    [
        ("https://example.go.id/beri", "ta/2025", WORD_SEAM, ""),
        ("Makas", "sar", WORD_SEAM, ""),
        ("一带", "一路", SPACE_SEAM, ""),
        ("合作。", "Expo", SPACE_SEAM, ""),
        ("举行", "ICTM", SPACE_SEAM, ""),
        ("ICTM", "举行", SPACE_SEAM, ""),
        ("（见", "附件）", SPACE_SEAM, ""),
        ("Belt and", "Road", SPACE_SEAM, " "),
        ("Nomor 12", "345", SPACE_SEAM, " "),
        ("2025", "Expo", SPACE_SEAM, " "),
        ("sama,", "dan", SPACE_SEAM, " "),
        ("word", ", more", SPACE_SEAM, ""),
        ("see (", "page 2", SPACE_SEAM, ""),
        ("東京の", "ホテル", SPACE_SEAM, ""),  # kana
        ("https://a.id", "カ", SPACE_SEAM, ""),
        ("𠀋", "Expo", SPACE_SEAM, ""),  # CJK Unified Ideographs Extension B (U+2000B)
        ("Expo", "𠀋", SPACE_SEAM, ""),
        ("", "Expo", SPACE_SEAM, ""),
    ],
    ids=["url-cut-inside", "word-cut-inside", "cjk", "cjk-punctuation-then-latin", "cjk-then-latin", "latin-then-cjk",
         "full-width-brackets", "latin-words", "digits", "digit-then-latin", "comma-then-word", "closing-punctuation",
         "opening-bracket", "kana", "latin-then-kana", "extension-b-then-latin", "latin-then-extension-b", "nothing-before"],
)
def test_seam_separator_by_what_meets_at_the_seam(left: str, right: str, seam: str, separator: str) -> None:
    assert seam_separator(left, right, seam) == separator


@pytest.mark.parametrize(
    ("pieces", "seams", "joined"),
    [
        (["BELT AND", "ROAD"], [SPACE_SEAM], "BELT AND ROAD"),
        (["KERJA SAMA,", "DAN"], [SPACE_SEAM], "KERJA SAMA, DAN"),
        (["NOMOR 12", "345"], [SPACE_SEAM], "NOMOR 12 345"),
        (["HTTPS://EXAMPLE.GO.ID/BERI", "TA/2025"], [WORD_SEAM], "HTTPS://EXAMPLE.GO.ID/BERITA/2025"),
        (["一带", "一路"], [SPACE_SEAM], "一带一路"),
        (["合作。", "Expo"], [SPACE_SEAM], "合作。Expo"),
        (["举行", "ICTM"], [SPACE_SEAM], "举行ICTM"),
        (["Belt and", "Road倡议"], [SPACE_SEAM], "Belt and Road倡议"),
        (["ONE", "", "TWO"], [WORD_SEAM, SPACE_SEAM], "ONE TWO"),
        (["ONE", "", "TWO"], [WORD_SEAM, WORD_SEAM], "ONETWO"),
        (["WORD", ", MORE"], [SPACE_SEAM], "WORD, MORE"),
        ([" A ", " B "], [SPACE_SEAM], "A B"),
    ],
    ids=["latin-words", "comma-then-word", "digits", "url-cut-inside", "cjk", "cjk-punctuation-then-latin",
         "cjk-then-latin", "latin-then-cjk-piece", "empty-piece-at-space", "empty-piece-inside-word",
         "closing-punctuation", "white-space-at-ends"],
)
def test_join_pieces_by_what_meets_at_the_seam(pieces, seams, joined):
    assert join_pieces(pieces, seams) == joined


@pytest.mark.parametrize("char", ["中", "。", "，", "「", "の", "カ", "ㄅ", "𠀋", "豈"])
def test_cjk_characters(char: str) -> None:
    assert is_cjk(char)


@pytest.mark.parametrize("char", ["a", "Z", "7", ",", " ", "é", "—", ""])
def test_not_cjk(char: str) -> None:
    assert not is_cjk(char)
