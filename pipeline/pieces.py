"""Cutting a sentence too long for a model into pieces that fit, at clause boundaries.

A sentence longer than a model accepts is never truncated (transformers #24169, #19396): it is
cut after a semicolon or colon, after a comma, before a conjunction, at a space, and, for a run
without spaces (a pasted URL), anywhere; each piece is translated and the translations are
joined by what met at each seam (``pipeline.joining``).
"""

import re
from collections.abc import Callable

from pipeline.joining import SPACE_SEAM, WORD_SEAM

# Where a long sentence may be cut, best first: after a semicolon or colon, after a comma,
# before a conjunction, at any space, and, for a run without spaces (a pasted URL or a
# table flattened into one token), anywhere.
_CLAUSE_BOUNDARIES = (
    re.compile(r"(?<=[;:])\s+"),
    re.compile(r"(?<=[,)])\s+"),
    re.compile(r"\s+(?=(?:dan|serta|atau|tetapi|namun|sedangkan|sehingga|karena|yang|bahwa|and|but|or|which|that)\s)"),
    re.compile(r"\s+"),
)


class Pieces(list[str]):
    """The pieces of a sentence, in order (a plain list of them), and how each seam was cut.

    Attributes:
        seams: one per seam, the source's separator there: ``SPACE_SEAM`` where the sentence
            was cut at white space, ``WORD_SEAM`` where a run without spaces (a URL, a code)
            was cut inside. The rejoin needs it: a word cut in two must come back as one word.
    """

    def __init__(self, pieces: list[str] | None = None, seams: list[str] | None = None):
        super().__init__(pieces or [])
        self.seams: list[str] = seams if seams is not None else [SPACE_SEAM] * max(0, len(self) - 1)

    def add(self, other: "Pieces", seam: str) -> None:
        """Append ``other``'s pieces, ``seam`` being the source's separator before them."""
        if self and other:
            self.seams.append(seam)
        self.seams.extend(other.seams)
        self.extend(other)

    def source_text(self) -> str:
        """The text the pieces were cut from (white space normalised)."""
        return "".join(piece + seam for piece, seam in zip(self, [*self.seams, ""]))


def split_to_fit(text: str, fits: Callable[[str], bool]) -> Pieces:
    """Cut ``text`` into consecutive pieces for which ``fits`` is true, at clause boundaries.

    The pieces, joined by their seams, give back ``text`` with its white space normalised
    (``Pieces.source_text``): nothing is dropped.

    Args:
        text: a sentence.
        fits: tells whether a piece is short enough for the model.

    Returns:
        ``[text]`` when it fits, else the pieces in order, with the seams between them.
    """
    text = " ".join(text.split())
    if fits(text):
        return Pieces([text])
    for boundary in _CLAUSE_BOUNDARIES:
        parts = [part for part in boundary.split(text) if part]
        if len(parts) > 1:
            # every boundary consumes white space only, so parts meet at single spaces
            return _pack(parts, fits)
    # No space at all: cut characters, halving until the pieces fit.
    middle = len(text) // 2
    pieces = split_to_fit(text[:middle], fits)
    pieces.add(split_to_fit(text[middle:], fits), WORD_SEAM)
    return pieces


def _pack(parts: list[str], fits: Callable[[str], bool]) -> Pieces:
    pieces = Pieces()
    current = ""
    for part in parts:
        candidate = f"{current} {part}" if current else part
        if fits(candidate):
            current = candidate
            continue
        if current:
            pieces.add(Pieces([current]), SPACE_SEAM)
        if fits(part):
            current = part
        else:
            pieces.add(split_to_fit(part, fits), SPACE_SEAM)
            current = ""
    if current:
        pieces.add(Pieces([current]), SPACE_SEAM)
    return pieces
