"""What every backend offers the pipeline."""

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Protocol


@dataclass(frozen=True)
class ModelInfo:
    """How a model was loaded, for reports (sacrebleu-style signature).

    Attributes:
        name: the hub id or folder the user named.
        revision: the exact commit (or local fingerprint) loaded.
        family: ``marian``, ``nllb``, ``m2m100`` or ``t5``.
        backend: the backend's name.
        device: ``cpu`` or ``cuda``.
        weights: the weights format read.
    """

    name: str
    revision: str
    family: str
    backend: str
    device: str
    weights: str

    def as_dict(self) -> dict[str, str]:
        """The fields as a plain dict for JSON."""
        return asdict(self)


@dataclass(frozen=True)
class Translation:
    """One translated segment.

    Attributes:
        text: the translation.
        hit_length_limit: generation stopped at the output length limit rather than at the
            end-of-sentence token, so the text may be incomplete.
    """

    text: str
    hit_length_limit: bool = False


class Translator(Protocol):
    """A loaded translation model. Backends implement this."""

    info: ModelInfo
    #: The longest input, in the model's tokens, that a segment may have; the pipeline
    #: splits longer sentences into pieces below it.
    max_input_tokens: int
    #: How many segments this translator has translated, and in how many calls.
    segments_translated: int
    calls: int

    def count_tokens(self, texts: list[str]) -> list[int]:
        """The number of source tokens of each text."""
        ...

    def translate(
        self,
        texts: list[str],
        source: str,
        target: str,
        beams: int = 4,
        on_progress: Callable[[int], None] | None = None,
    ) -> list[Translation]:
        """Translate ``texts`` from ``source`` to ``target`` (ISO 639-1 codes), in order.

        ``on_progress`` is called with the number of segments finished after each batch.
        """
        ...
