"""A chat LLM as a translator: one segment per prompt, many prompts per ``generate()`` call.

Alignment holds by construction: each segment gets its own prompt (``models.prompts``: context
and glossary references first, the segment last on its own), so one segment gives exactly one
answer. The answers are raw; the pipeline checks each before it uses it
(``pipeline.answers``). Decoding is greedy whatever ``beams`` says, so a rerun gives the same
bytes; the score is the mean log-probability per output token, as for the seq2seq backends.
The model runs through transformers (``models.chat.ChatModel``): CTranslate2's ``Translator``
is for encoder-decoders only.
"""

from collections.abc import Callable
from typing import Any

from models.backends.base import ModelInfo, SegmentHints, Translation, output_token_limit
from models.chat import ChatModel, detect_chat_family
from models.loading import load_model
from models.prompts import PromptStyle, defuse, prompt_style

#: Context tokens at most per prompt (the title and the sentences before the segment): enough
#: for two or three sentences of a release, little next to the segment's own cost.
CONTEXT_TOKENS = 256

#: The longest segment, in tokens, given to a chat model whole; a longer sentence is split at
#: clause boundaries first, like for a seq2seq model, so no answer runs for thousands of tokens.
MAX_SEGMENT_TOKENS = 768


class ChatTranslator:
    """A chat model that translates segment by segment.

    Args:
        name: a Hugging Face id or a local folder.
        device: ``cpu`` or ``cuda`` (already resolved).
        offline: never use the network.
        batch_prompts: prompts per ``generate()`` call; None for the device's default.

    Raises:
        ModelError: the model cannot be found or loaded, or is not a chat model (no chat template).
    """

    kind = "chat"
    backend_name = "transformers"

    def __init__(self, name: str, device: str = "cpu", offline: bool = False, batch_prompts: int | None = None):
        loaded = load_model(name, offline=offline, kind="causal")
        family = detect_chat_family(loaded.model.config, loaded.tokenizer, role="translator")
        self._setup(ChatModel(loaded, device, batch_prompts), prompt_style(loaded.name, family),
                    ModelInfo(loaded.name, loaded.revision, family, self.backend_name, device, loaded.weights))

    @classmethod
    def from_runner(cls, runner: Any, style: PromptStyle, info: ModelInfo) -> "ChatTranslator":
        """A translator around a runner already made (one with ``ChatModel``'s methods): for stand-ins."""
        translator = cls.__new__(cls)
        translator._setup(runner, style, info)
        return translator

    def _setup(self, runner: Any, style: PromptStyle, info: ModelInfo) -> None:
        self.runner = runner
        self.style = style
        self.info = info
        self.segments_translated = 0
        self.calls = 0

    @property
    def max_input_tokens(self) -> int:
        """The longest segment, in tokens, that goes to the model whole."""
        return max(8, min(MAX_SEGMENT_TOKENS, (self.runner.positions - CONTEXT_TOKENS - 256) // 3))

    def encode(self, texts: list[str], source: str | None = None, target: str | None = None) -> list[list[int]]:
        """The token ids of each segment alone (the prompt around it is not counted)."""
        return self.runner.encode(texts)

    def count_tokens(self, texts: list[str]) -> list[int]:
        """The number of tokens of each text."""
        return [len(ids) for ids in self.encode(texts)]

    def prompt(self, text: str, source: str, target: str, hints: SegmentHints | None = None) -> str:
        """The user message that asks for ``text`` (its context cut to ``CONTEXT_TOKENS``)."""
        hints = hints or SegmentHints()
        control = self.runner.control_tokens
        context = tuple(defuse(line, control) for line in self._fit(hints.context))
        terms = tuple((defuse(term, control), defuse(rendering, control)) for term, rendering in hints.terms)
        return self.style.render(defuse(text, control), source, target, context, terms)

    def _fit(self, context: tuple[str, ...]) -> tuple[str, ...]:
        # The sentences nearest the segment matter most: drop from the oldest (the title, given
        # first, goes last) until the context fits.
        if not context:
            return ()
        lengths = [self.runner.count_tokens(line) for line in context]
        keep = list(range(len(context)))
        while keep and sum(lengths[i] for i in keep) > CONTEXT_TOKENS:
            keep.pop(1 if len(keep) > 1 else 0)
        return tuple(context[i] for i in keep)

    def translate(
        self, texts: list[str], source: str, target: str, beams: int = 1, on_progress: Callable[[int], None] | None = None,
        encoded: list[list[int]] | None = None, hints: list[SegmentHints] | None = None,
    ) -> list[Translation]:
        """Translate each segment with its own prompt; greedy, whatever ``beams`` says.

        Args:
            texts: the segments.
            source, target: ISO 639-1 codes.
            beams: ignored: chat models decode greedily (reproducible, and beams multiply their cost).
            on_progress: called with the number of segments of each batch finished.
            encoded: the segments' ids from ``encode``, to size the answers' length limits.
            hints: one per text (context, glossary references), or None for none.

        Returns:
            One raw answer per text, in order.

        Raises:
            ValueError: ``encoded`` or ``hints`` does not have one entry per text.
        """
        self.calls += 1
        if not texts:
            return []
        encoded = encoded if encoded is not None else self.encode(texts)
        hints = hints if hints is not None else [SegmentHints()] * len(texts)
        if len(encoded) != len(texts) or len(hints) != len(texts):
            raise ValueError(f"{len(encoded)} encoded segments and {len(hints)} hints for {len(texts)} texts")
        prompts = [self.runner.prompt_ids([{"role": "user", "content": self.prompt(text, source, target, hint)}])
                   for text, hint in zip(texts, hints, strict=True)]
        # the answer may be as long as the seq2seq limit allows, within the model's context
        limits = [max(1, min(output_token_limit(len(ids), self.runner.positions), self.runner.positions - len(prompt)))
                  for ids, prompt in zip(encoded, prompts, strict=True)]
        answers = self.runner.generate(prompts, limits, on_progress)
        self.segments_translated += len(texts)
        return [Translation(answer.text, answer.hit_length_limit, answer.score, answer.tokens) for answer in answers]
