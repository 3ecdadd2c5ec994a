"""Stand-in translators with no model time to speak of: they upper-case, batch by batch.

For benchmarks of everything around the models (the batch job's bookkeeping) and for tests
that must see exactly what reached the translator: every character changes, so lost, glued,
split or reordered text shows. The seq2seq stand-in goes through the same batching,
``on_progress`` and counters as a real backend (``models.backends.base.BatchedTranslator``);
the chat stand-in is a real ``ChatTranslator`` (prompts built as for a real chat model) whose
runner answers each prompt with a script instead of a model: by default the prompt's last
line (the segment) upper-cased, or any answer a test wants (an explanation, a loop...).

    warta = Warta(Settings(...))
    use_stand_in(warta)       # every pair now upper-cases
    use_stand_in(warta, chat=("id-en", "id-zh"))   # those pairs are chat models
"""

from collections.abc import Callable
from typing import Any

from models.backends.base import BatchedTranslator, ModelInfo, Translation
from models.backends.chat import ChatTranslator
from models.chat import Generated
from models.pool import ModelPool
from models.prompts import prompt_style

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


def last_line_upper_cased(prompt: str) -> str:
    """The chat stand-in's answer: the segment (a prompt's last line), upper-cased."""
    return prompt.rsplit("\n", 1)[-1].upper()


def prompt_target(prompt: str) -> str:
    """The target language a translation prompt asks for (``en`` or ``zh``), read from its instruction."""
    instruction = prompt.rsplit("\n\n", 1)[0].rsplit("\n", 1)[-1]
    return "zh" if "Chinese" in instruction or "中文" in instruction else "en"


_SHIFT = 13


def encipher(text: str, target: str) -> str:
    """A translation every character of which changes and comes back with ``decipher``, and which
    passes the answer checks: letters rotated by 13 for English (no longer Indonesian words),
    letters become Han characters and full stops 。 for Chinese. Digits (the placeholders of
    protected spans), other punctuation and white space stay."""
    out = []
    for character in text:
        if target == "zh" and character == ".":
            out.append("。")  # Chinese ends its sentences with its own full stop
        elif character.isascii() and character.isalpha():
            if target == "zh":
                out.append(chr(0x4E00 + ord(character)))
            else:
                base = ord("a") if character.islower() else ord("A")
                out.append(chr(base + (ord(character) - base + _SHIFT) % 26))
        else:
            out.append(character)
    return "".join(out)


def decipher(text: str, target: str) -> str:
    """The text ``encipher`` was given."""
    out = []
    for character in text:
        if target == "zh" and character == "。":
            out.append(".")
        elif target == "zh" and 0x4E00 + ord("A") <= ord(character) <= 0x4E00 + ord("z"):
            out.append(chr(ord(character) - 0x4E00))
        elif target == "en" and character.isascii() and character.isalpha():
            base = ord("a") if character.islower() else ord("A")
            out.append(chr(base + (ord(character) - base - _SHIFT) % 26))
        else:
            out.append(character)
    return "".join(out)


def enciphered_last_line(prompt: str) -> str:
    """A chat stand-in's answer that passes every check: the segment, enciphered for the prompt's target."""
    return encipher(prompt.rsplit("\n", 1)[-1], prompt_target(prompt))


class ScriptedChatRunner:
    """Stands in for ``models.chat.ChatModel``: a token is a character, and ``answer`` writes the answers.

    Args:
        answer: prompt (the user message) -> answer; it may also take the number of times it
            has been asked for that prompt's segment (``times``), to misbehave only once.
    """

    positions = 32768
    control_tokens = ["<|im_start|>", "<|im_end|>"]

    def __init__(self, answer: Callable[..., str] = last_line_upper_cased):
        self.answer = answer
        self.calls = 0
        self.prompts: list[str] = []
        self.asked: dict[str, int] = {}

    def count_tokens(self, text: str) -> int:
        return len(text)

    def encode(self, texts: list[str]) -> list[list[int]]:
        return [[ord(character) for character in text] for text in texts]

    def prompt_ids(self, messages: list[dict[str, str]]) -> list[int]:
        return [ord(character) for character in messages[-1]["content"]]

    def generate(self, prompts: list[list[int]], max_new_tokens: Any, on_progress: Callable[[int], None] | None = None) -> list[Generated]:
        self.calls += 1
        answers = []
        for ids in prompts:
            prompt = "".join(map(chr, ids))
            self.prompts.append(prompt)
            segment = prompt.rsplit("\n", 1)[-1]
            self.asked[segment] = self.asked.get(segment, 0) + 1
            try:
                text = self.answer(prompt, times=self.asked[segment])
            except TypeError:
                text = self.answer(prompt)
            answers.append(Generated(text, score=-0.1, tokens=max(1, len(text))))
        if on_progress:
            on_progress(len(prompts))
        return answers


def chat_stand_in(name: str = "stand-in/chat", answer: Callable[..., str] = last_line_upper_cased,
                  family: str = "qwen2") -> ChatTranslator:
    """A ``ChatTranslator`` around a ``ScriptedChatRunner`` (Hy-MT's prompts when ``family`` is ``hunyuan_v1_dense``)."""
    info = ModelInfo(name, STAND_IN_REVISION, family, "stand-in", "cpu", "none")
    return ChatTranslator.from_runner(ScriptedChatRunner(answer), prompt_style(name, family), info)


class StandInPool(ModelPool):
    """A model pool whose every pair is a stand-in (nothing is loaded or downloaded).

    Args:
        models: pair -> name.
        chat: the pairs whose stand-in is a chat model, -> its script (None: upper-case the segment).
        fallbacks: pair -> name of a seq2seq stand-in for refused chat answers.
    """

    def __init__(self, models: dict[str, str], chat: dict[str, Callable[..., str] | None] | None = None,
                 fallbacks: dict[str, str] | None = None):
        super().__init__(models, "cpu", "transformers")
        self.chat_scripts = chat or {}
        self.fallbacks = dict(fallbacks or {})
        self.translators: dict[str, Any] = {}

    def is_chat(self, pair: str) -> bool:
        """Whether ``pair``'s stand-in is a chat model."""
        return pair in self.chat_scripts

    def get(self, pair: str) -> Any:
        """The stand-in for ``pair``, made on first use."""
        if pair not in self.translators:
            if pair in self.chat_scripts:
                script = self.chat_scripts[pair] or last_line_upper_cased
                self.translators[pair] = chat_stand_in(self.models[pair], script)
            else:
                self.translators[pair] = UpperCaseTranslator(self.models[pair])
        return self.translators[pair]

    def fallback(self, pair: str) -> Any:
        """The seq2seq stand-in that takes refused chat answers for ``pair``, or None."""
        if pair not in self.fallbacks:
            return None
        key = f"{pair}-fallback"
        if key not in self.translators:
            self.translators[key] = UpperCaseTranslator(self.fallbacks[pair])
        return self.translators[key]

    def loaded(self) -> dict[str, Any]:
        """The stand-ins made so far, by pair."""
        return dict(self.translators)


def use_stand_in(warta: Any, chat: dict[str, Callable[..., str] | None] | tuple[str, ...] = (),
                 fallbacks: dict[str, str] | None = None) -> Any:
    """Make ``warta`` (a ``pipeline.Warta``) translate with stand-ins; returns it.

    Args:
        warta: the ``Warta`` to change.
        chat: pairs to make chat stand-ins (a tuple: upper-casing ones; a dict: pair -> script).
        fallbacks: pair -> name of the seq2seq stand-in for chat answers refused twice.
    """
    scripts = dict.fromkeys(chat) if isinstance(chat, tuple) else dict(chat)
    named = warta.pool.named
    warta.pool = StandInPool({pair: name for pair, name in warta.pool.models.items()}, scripts, fallbacks)
    warta.pool.named = dict(named)  # what the user named, not the profile's defaults
    return warta
