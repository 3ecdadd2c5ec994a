"""Stand-in translators: they change every character, so that text lost, glued, split or
reordered on its way through the pipeline shows exactly, where a random tiny model hides it in noise."""

import math
from collections.abc import Callable

from models.backends.base import Translation
from models.pool import TranslationPlan, make_plan


class StandIn:
    """A stand-in translator that changes every character, so lost, glued, split or reordered
    text shows exactly. It offers what the pipeline uses of a backend: a token count
    (a token per 5 letters of a word, plus end-of-sentence), an input limit and ``translate``.

    Args:
        transform: what a segment becomes (upper-cased by default).
        max_input_tokens: the longest input it accepts.
        loops_on: a word that makes it run to its output length limit, as a looping model does.
    """

    kind = "seq2seq"

    def __init__(self, transform: Callable[[str], str] = str.upper, max_input_tokens: int = 12, loops_on: str = ""):
        self.transform = transform
        self.max_input_tokens = max_input_tokens
        self.loops_on = loops_on
        self.inputs: list[str] = []

    def count_tokens(self, texts: list[str]) -> list[int]:
        return [sum(math.ceil(len(word) / 5) for word in text.split()) + 1 for text in texts]

    def encode(self, texts: list[str], source: str | None = None, target: str | None = None) -> list[list[int]]:
        return [[0] * count for count in self.count_tokens(texts)]

    def translate(self, texts, source, target, beams=4, on_progress=None, encoded=None) -> list[Translation]:
        self.inputs.extend(texts)
        # answered longest first, as the real backends batch, so that order is really tested
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]), reverse=True)
        results: dict[int, Translation] = {}
        for index in order:
            looping = bool(self.loops_on) and self.loops_on in texts[index]
            results[index] = Translation(self.transform(texts[index]), hit_length_limit=looping)
        if on_progress:
            on_progress(len(texts))
        return [results[index] for index in range(len(texts))]


def to_chinese(text: str) -> str:
    """A stand-in en->zh: every letter becomes a CJK character, every space disappears."""
    return "".join(chr(0x4E00 + ord(char)) if char.isalpha() else char for char in text if not char.isspace())


class StandInPool:
    """What translate_articles needs of a ModelPool, recording which pairs were asked for."""

    def __init__(self, translators: dict[str, StandIn]):
        self.translators = translators
        self.asked: list[str] = []

    def has(self, pair: str) -> bool:
        return pair in self.translators

    def plan(self, targets: tuple[str, ...]) -> TranslationPlan:
        return make_plan(targets, self.has, lambda pair: False, set(self.translators))

    def fallback(self, pair: str) -> None:
        return None

    def get(self, pair: str) -> StandIn:
        self.asked.append(pair)
        return self.translators[pair]


class UpperCaser:
    """A stand-in around a real translator: the real one's tokenizer and limits, output = input upper-cased.

    The real tokenizer still measures each sentence, so long sentences are really cut into
    pieces and joined again.
    """

    def __init__(self, translator):
        self.translator = translator

    def __getattr__(self, name):
        return getattr(self.translator, name)

    def translate(self, texts, source, target, beams=4, on_progress=None, encoded=None):
        if on_progress:
            on_progress(len(texts))
        return [Translation(text=text.upper()) for text in texts]
