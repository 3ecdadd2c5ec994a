"""How a chat model is asked to translate one segment: the prompt styles.

Every prompt has the same shape, so that one source sentence gives exactly one answer and the
answer can only be a translation of it: what the model should read but not translate comes
first (the context: earlier sentences of the release; then the glossary's references for terms
found in the segment), then the instruction, then a blank line, and **last, on its own, the
segment to translate**. There is no system message.

* ``HyMtPrompts``: the prompts tencent/Hy-MT2's model card publishes, as published (the
  default prompt; its terminology form "Reference the following translations: ... translates
  to ..."; its background form "[Background Information]" for the context, its instruction
  joined with the default one so that the segment still stands last on its own). The card
  says to use the Chinese prompt, with Chinese language names, when Chinese is involved
  (source or target), the English prompt otherwise.
* ``GenericPrompts``: one prompt of the same shape for any other chat model (Qwen, Gemma,
  Mistral, Sailor2, Seed-X...), in English, naming both languages.

Special-token strings in the text (``<|im_end|>``) would open a new turn: they are defused
(``defuse``) so that a release's text can only ever be the user's words.
"""

from dataclasses import dataclass

#: Language names for prompts in English and in Chinese (the Hy-MT2 card's table).
ENGLISH_NAMES = {"id": "Indonesian", "en": "English", "zh": "Chinese", "ms": "Malay"}
CHINESE_NAMES = {"id": "印尼语", "en": "英语", "zh": "中文", "ms": "马来语"}
# The generic prompt says which Chinese: models without a card default to either script.
_GENERIC_NAMES = {**ENGLISH_NAMES, "zh": "Simplified Chinese"}

_WORD_JOINER = "\u2060"


def defuse(text: str, control_tokens: list[str]) -> str:
    """``text`` with every special-token string broken by an invisible word joiner.

    The tokenizer then reads it as ordinary characters, never as a turn marker; the answer's
    cleaning removes any word joiner the model copies.
    """
    for token in sorted(set(control_tokens), key=len, reverse=True):
        if len(token) > 1 and token in text:
            text = text.replace(token, token[0] + _WORD_JOINER + token[1:])
    return text


def _one_line(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True)
class PromptStyle:
    """A way of asking for a translation; ``render`` gives the user message."""

    name: str = "generic"

    def render(self, text: str, source: str, target: str, context: tuple[str, ...] = (),
               terms: tuple[tuple[str, str], ...] = ()) -> str:
        """The user message asking for ``text`` in ``target``; ``text`` is its last line."""
        raise NotImplementedError


@dataclass(frozen=True)
class HyMtPrompts(PromptStyle):
    """The prompts of tencent/Hy-MT2's model card (also those of HY-MT1.5 and Hunyuan-MT)."""

    name: str = "hy-mt"

    def render(self, text: str, source: str, target: str, context: tuple[str, ...] = (),
               terms: tuple[tuple[str, str], ...] = ()) -> str:
        """The card's prompt for ``text``: background, terminology, default instruction, the text."""
        chinese = "zh" in (source, target)
        language = (CHINESE_NAMES if chinese else ENGLISH_NAMES).get(target, target)
        parts = []
        if context:
            background = "\n".join(_one_line(line) for line in context)
            parts.append(f"【背景信息】\n{background}\n\n" if chinese else f"[Background Information]\n{background}\n\n")
        if terms:
            if chinese:
                references = "".join(f"{_one_line(term)} 翻译成 {_one_line(rendering)}\n" for term, rendering in terms)
                parts.append(f"参考下面的翻译：\n{references}")
            else:
                references = "".join(f"{_one_line(term)} translates to {_one_line(rendering)}\n" for term, rendering in terms)
                parts.append(f"Reference the following translations:\n{references}\n")
        if chinese:
            lead = "请结合背景信息将以下文本翻译为" if context else "将以下文本翻译为"
            parts.append(f"{lead}{language}，注意只需要输出翻译后的结果，不要额外解释：\n\n")
        else:
            how = ", taking the provided background information into consideration (do not translate it)" if context else ""
            must = "must ONLY" if terms else "should only"
            parts.append(f"Translate the following text into {language}{how}. "
                         f"Note that you {must} output the translated result without any additional explanation:\n\n")
        return "".join(parts) + _one_line(text)


@dataclass(frozen=True)
class GenericPrompts(PromptStyle):
    """One prompt of the same shape for chat models whose card publishes none."""

    name: str = "generic"

    def render(self, text: str, source: str, target: str, context: tuple[str, ...] = (),
               terms: tuple[tuple[str, str], ...] = ()) -> str:
        """Context, glossary, instruction, then the text alone on its last line."""
        source_name = _GENERIC_NAMES.get(source, source)
        target_name = _GENERIC_NAMES.get(target, target)
        parts = []
        if context:
            lines = "\n".join(_one_line(line) for line in context)
            parts.append(f"Earlier sentences of the same press release, for context only (do not translate them):\n{lines}\n\n")
        if terms:
            lines = "\n".join(f"{_one_line(term)} = {_one_line(rendering)}" for term, rendering in terms)
            parts.append(f"Use these translations of terms:\n{lines}\n\n")
        parts.append(f"Translate the following {source_name} sentence into {target_name}. Output only the translation, "
                     f"on one line, with no quotes, notes or explanation:\n\n")
        return "".join(parts) + _one_line(text)


def prompt_style(name: str, family: str) -> PromptStyle:
    """The prompt style for a model: Hy-MT's card prompts for Tencent's translation models, else the generic one."""
    lowered = name.lower()
    if family == "hunyuan_v1_dense" or any(mark in lowered for mark in ("hy-mt", "hunyuan-mt")):
        return HyMtPrompts()
    return GenericPrompts()
