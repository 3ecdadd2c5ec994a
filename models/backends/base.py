"""What every translator offers the pipeline: the ``Translator`` protocol and its records.

Two kinds of translator implement it: the seq2seq backends (``BatchedTranslator`` here, run
by transformers or CTranslate2) and chat models prompted one sentence at a time
(``models.backends.chat.ChatTranslator``). The pipeline holds either through the protocol and
asks ``kind`` only where the two differ (a chat model's answers are checked before use).
"""

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, Protocol


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
        licence: the licence the model card of the revision loaded declares, or "" when it has none.
    """

    name: str
    revision: str
    family: str
    backend: str
    device: str
    weights: str
    licence: str = ""

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
        score: the model's mean log-probability per output token (end-of-sentence included,
            a forced language token not), from the distribution it chose from (after the
            generation rules: banned tokens, minimum length); 0 is certain. Both backends
            give the same value for the same output. None when not measured.
        tokens: how many output tokens the score is the mean of.
    """

    text: str
    hit_length_limit: bool = False
    score: float | None = None
    tokens: int = 0


@dataclass(frozen=True)
class SegmentHints:
    """What a chat model reads before a segment, to translate it as its article means it.

    A seq2seq model ignores hints: it translates the segment alone.

    Attributes:
        context: the sentences before it in its article (the title first), in its source
            language; the model is told not to translate them.
        terms: (source term, prescribed rendering) pairs of the glossary found in the segment.
    """

    context: tuple[str, ...] = ()
    terms: tuple[tuple[str, str], ...] = ()


class Translator(Protocol):
    """A loaded translation model, as the pipeline uses it.

    Attributes:
        info: how it was loaded, for reports.
        kind: ``seq2seq`` or ``chat``.
        segments_translated, calls: how many segments were translated, in how many calls.
    """

    info: "ModelInfo"
    kind: str
    segments_translated: int
    calls: int

    @property
    def max_input_tokens(self) -> int:
        """The longest segment, in tokens, it takes (longer sentences are split first)."""
        ...

    def encode(self, texts: list[str], source: str | None = None, target: str | None = None) -> list[list[int]]:
        """The token ids of each segment, as the length check and ``translate`` use them."""
        ...

    def count_tokens(self, texts: list[str]) -> list[int]:
        """The number of tokens of each text."""
        ...

    def translate(
        self, texts: list[str], source: str, target: str, beams: int = 4, on_progress: Callable[[int], None] | None = None,
        encoded: list[list[int]] | None = None, hints: list[SegmentHints] | None = None,
    ) -> list["Translation"]:
        """Translate each segment (one result per text, in order); ``hints`` one per text, or None."""
        ...


# Output length limit for a batch: grows with its longest input. id->en and en->zh outputs
# stay within 1.5x the input's tokens on real text; 2x + 16 leaves room without letting a
# looping model run to the model's maximum.
OUTPUT_RATIO = 2.0
OUTPUT_SLACK = 16


def input_token_limit(positions: int) -> int:
    """The longest input a segment may have so that it always gets its full output budget."""
    return max(8, int((positions - OUTPUT_SLACK) / OUTPUT_RATIO) - 2)


def output_token_limit(longest_input: int, positions: int) -> int:
    """The output length limit for a batch whose longest input has ``longest_input`` tokens."""
    return min(positions - 1, math.ceil(longest_input * OUTPUT_RATIO) + OUTPUT_SLACK)


def length_sorted_batches(lengths: list[int], max_items: int, max_tokens: int) -> list[list[int]]:
    """Indices of items grouped into batches, longest first, each within ``max_items`` and ``max_tokens`` padded tokens.

    Longest first, so the first batch shows at once whether memory suffices; sorted by length,
    so a batch pads little.
    """
    order = sorted(range(len(lengths)), key=lambda i: lengths[i], reverse=True)
    batches: list[list[int]] = []
    current: list[int] = []
    for index in order:
        widest = lengths[current[0]] if current else lengths[index]
        if current and (len(current) >= max_items or (len(current) + 1) * widest > max_tokens):
            batches.append(current)
            current = []
        current.append(index)
    if current:
        batches.append(current)
    return batches


class BatchedTranslator:
    """A loaded translation model; what both backends share.

    Encoding (once per segment), length-sorted token-budget batches, results in input order,
    output limits that grow with the input, and counters of the work done. A backend sets ``tokenizer``,
    ``info``, ``positions``, ``batch_tokens`` and ``batch_sentences`` and implements
    ``_run_batch``.

    Attributes:
        segments_translated, calls: how many segments were translated, in how many calls.
    """

    tokenizer: Any
    info: ModelInfo
    positions: int
    batch_tokens: int
    batch_sentences: int
    kind = "seq2seq"
    segments_translated: int = 0
    calls: int = 0

    @property
    def max_input_tokens(self) -> int:
        """The longest input, in tokens, a segment may have (longer sentences are split)."""
        return input_token_limit(self.positions)

    def encode(self, texts: list[str], source: str | None = None, target: str | None = None) -> list[list[int]]:
        """The token ids of each text, as the model reads them (end-of-sentence token included).

        Encode once and hand the ids to ``translate(..., encoded=...)``: the length check, the
        length sort and the batches then all use them, and no text is tokenized twice.

        Args:
            texts: the segments.
            source, target: ISO 639-1 codes; when given, the language control is applied (a
                Marian target token before the text, NLLB/M2M100's source language on the
                tokenizer), so the ids are exactly what ``translate`` feeds the model.

        Returns:
            One list of ids per text, in order.
        """
        if not texts:
            return []
        prefix = self._language_control(source, target).prefix if source is not None and target is not None else ""
        # verbose=False: transformers would warn that a text longer than model_max_length
        # "will result in indexing errors"; warta never feeds such a text to the model (the
        # pipeline splits a long sentence first), so the warning would only mislead.
        return list(self.tokenizer([prefix + text for text in texts], add_special_tokens=True, verbose=False)["input_ids"])

    def count_tokens(self, texts: list[str]) -> list[int]:
        """The number of source tokens of each text (including the end-of-sentence token)."""
        return [len(ids) for ids in self.encode(texts)]

    def translate(
        self,
        texts: list[str],
        source: str,
        target: str,
        beams: int = 4,
        on_progress: Callable[[int], None] | None = None,
        encoded: list[list[int]] | None = None,
        hints: list[SegmentHints] | None = None,
    ) -> list[Translation]:
        """Translate ``texts`` in length-sorted batches; the result is in input order.

        Args:
            texts: the segments.
            source, target: ISO 639-1 codes.
            beams: beam size.
            on_progress: called with the number of segments of each batch finished.
            encoded: ``encode(texts, source, target)`` when the caller already has it, so
                that nothing is tokenized again; None to encode here.
            hints: ignored: a seq2seq model translates each segment alone.

        Raises:
            ValueError: ``encoded`` does not have one entry per text.
        """
        self.calls += 1
        if not texts:
            return []
        control = self._language_control(source, target)
        if encoded is None:
            encoded = self.encode(texts, source, target)
        elif len(encoded) != len(texts):
            raise ValueError(f"{len(encoded)} encoded segments for {len(texts)} texts")
        lengths = [len(ids) for ids in encoded]
        results: list[Translation | None] = [None] * len(texts)
        for batch in self._batches(lengths):
            longest = max(lengths[i] for i in batch)
            outputs = self._run_batch([encoded[i] for i in batch], output_token_limit(longest, self.positions), beams, control)
            for index, output in zip(batch, outputs, strict=True):
                results[index] = output
            self.segments_translated += len(batch)
            if on_progress:
                on_progress(len(batch))
        return [result for result in results if result is not None]

    def _language_control(self, source: str, target: str) -> Any:
        from models.families import language_control

        control = language_control(self.info.family, self.tokenizer, source, target)
        if control.tokenizer_source_lang:
            self.tokenizer.src_lang = control.tokenizer_source_lang
        return control

    def _batches(self, lengths: list[int]) -> list[list[int]]:
        return length_sorted_batches(lengths, self.batch_sentences, self.batch_tokens)

    def _run_batch(self, encoded: list[list[int]], max_output_tokens: int, beams: int, control: Any) -> list[Translation]:
        # ``encoded``: the batch's token ids from ``encode`` (language control applied).
        raise NotImplementedError

