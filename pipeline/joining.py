"""Joining translated pieces: what goes between two pieces depends on what meets at the seam.

One rule for every place warta puts translated text side by side: the pieces of a sentence
that was too long for the model, and the sentences of a block in ``en.txt``/``zh.txt`` and the
Word documents. Written once here: "a space in English, nothing in Chinese", applied without
looking at the pieces, glued ``"Belt and" + "Road"`` into ``Belt andRoad`` in Chinese and put a
space into a URL cut in two in English.

At a seam:

* a cut inside a word (the source had no space there: a long URL or code cut by characters):
  nothing;
* a CJK character or CJK punctuation on either side (``日`` + ``本``, ``。`` + ``Expo``):
  nothing, as Chinese is written;
* closing punctuation after the seam or an opening bracket before it: nothing;
* anything else (Latin or digits meeting Latin or digits, ``,`` before a word): one space.
"""

import re

#: The separator ``split_to_fit`` records for a seam at white space in the source.
SPACE_SEAM = " "
#: The separator it records for a cut inside a word (no white space in the source there).
WORD_SEAM = ""

# Han ideographs (with extensions and compatibility forms), kana, bopomofo, CJK symbols and
# punctuation (、。「」), CJK compatibility forms, and full-width forms (，！？（）).
_CJK = re.compile(
    "[\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u31a0-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003134f]"
)
_CLOSING = frozenset(",.;:!?)]}")
_OPENING = frozenset("([{")


def is_cjk(char: str) -> bool:
    """True when ``char`` is a Chinese/Japanese character or CJK/full-width punctuation."""
    return bool(_CJK.match(char))


def seam_separator(left: str, right: str, seam: str = SPACE_SEAM) -> str:
    """What goes between ``left`` and ``right`` when they are joined (see the module docstring).

    Args:
        left, right: the texts on either side, without white space at the seam.
        seam: the source's separator at this seam: ``SPACE_SEAM`` or ``WORD_SEAM``.

    Returns:
        ``" "`` or ``""``.
    """
    if seam == WORD_SEAM or not left or not right:
        return ""
    before, after = left[-1], right[0]
    if is_cjk(before) or is_cjk(after):
        return ""
    if after in _CLOSING or before in _OPENING:
        return ""
    return " "


def join_pieces(pieces: list[str], seams: list[str] | None = None) -> str:
    """Join translated ``pieces`` by what meets at each seam.

    Args:
        pieces: texts in order; white space at their ends is dropped, empty ones are skipped
            (an empty sentence adds no separator).
        seams: the source's separator between piece ``i`` and ``i + 1`` (``SPACE_SEAM`` or
            ``WORD_SEAM``); None when every seam was at white space (sentences of a block).

    Returns:
        The joined text.

    Raises:
        ValueError: ``seams`` is given and does not have one entry per seam.
    """
    if seams is None:
        seams = [SPACE_SEAM] * max(0, len(pieces) - 1)
    if len(seams) != max(0, len(pieces) - 1):
        raise ValueError(f"{len(pieces)} pieces need {max(0, len(pieces) - 1)} seams, got {len(seams)}")
    joined = ""
    # The seam before a piece is at white space when any seam since the last non-empty piece
    # was (an empty piece between two halves of a cut word keeps them one word).
    pending = WORD_SEAM
    for index, piece in enumerate(pieces):
        piece = piece.strip()
        if piece:
            joined += seam_separator(joined, piece, pending) + piece
            pending = WORD_SEAM
        if index < len(seams) and seams[index] == SPACE_SEAM:
            pending = SPACE_SEAM
    return joined
