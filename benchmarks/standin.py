"""A stand-in translator with no model time to speak of: it upper-cases, batch by batch.

For benchmarks of everything around the models (the batch job's bookkeeping) and for tests
that must see exactly what reached the translator: every character changes, so lost, glued,
split or reordered text shows. It goes through the same batching, ``on_progress`` and
counters as a real backend (``models.backends.base.BatchedTranslator``).

    warta = Warta(Settings(...))
    use_stand_in(warta)       # every pair now upper-cases
"""

from typing import Any

from models.backends.base import BatchedTranslator, ModelInfo, Translation
from models.pool import ModelPool

STAND_IN_REVISION = "stand-in-1"


class _CharacterTokenizer:
    """Token ids are code points, then 0 as the end-of-sentence token."""

    src_lang: str | None = None

    def __call__(self, texts: list[str], add_special_tokens: bool = True, **_: Any) -> dict[str, list[list[int]]]:
        return {"input_ids": [[ord(character) for character in text] + [0] for text in texts]}


class _NoLanguageControl:
    prefix = ""
    tokenizer_source_lang = None


class UpperCaseTranslator(BatchedTranslator):
    """Translates by upper-casing; a token is a character (plus one end-of-sentence token)."""

    positions = 4096
    batch_tokens = 8192
    batch_sentences = 128

    def __init__(self, name: str, device: str = "cpu"):
        self.info = ModelInfo(name, STAND_IN_REVISION, "stand-in", "stand-in", device, "none")
        self.tokenizer = _CharacterTokenizer()
        self.segments_translated = 0
        self.calls = 0

    def _language_control(self, source: str, target: str) -> Any:
        return _NoLanguageControl()

    def _run_batch(self, batch: list[Any], max_output_tokens: int, beams: int, control: Any) -> list[Translation]:
        # A batch holds token ids (or texts, for a backend interface that passes texts).
        return [Translation((item if isinstance(item, str) else "".join(map(chr, item[:-1]))).upper()) for item in batch]


class StandInPool(ModelPool):
    """A model pool whose every pair is an ``UpperCaseTranslator`` (nothing is loaded or downloaded)."""

    def __init__(self, models: dict[str, str]):
        super().__init__(models, "cpu", "transformers")
        self.translators: dict[str, UpperCaseTranslator] = {}

    def get(self, pair: str) -> UpperCaseTranslator:
        """The stand-in for ``pair``, made on first use."""
        if pair not in self.translators:
            self.translators[pair] = UpperCaseTranslator(self.models[pair])
        return self.translators[pair]

    def loaded(self) -> dict[str, UpperCaseTranslator]:  # type: ignore[override]
        """The stand-ins made so far, by pair."""
        return dict(self.translators)


def use_stand_in(warta: Any) -> Any:
    """Make ``warta`` (a ``pipeline.Warta``) translate with stand-ins; returns it."""
    warta.pool = StandInPool({pair: name for pair, name in warta.pool.models.items()})
    return warta
