"""Model families, registered by the ``model_type`` of their config, with their kind.

A family says what kind of model it is and so which code drives it:

* ``seq2seq`` translators (one model per direction, or many-to-many), each with its way of
  being told the target language (``language_control``):
  - Marian (opus-mt): multi-target models such as opus-mt-en-zh need a target token like
    ``>>cmn_Hans<<`` at the start of the source, used only when the vocabulary has it;
  - NLLB-200: the source language is set on the tokenizer (``ind_Latn``) and the target is
    forced as the first generated token (``zho_Hans``);
  - M2M100: the same idea with short codes, the target id from ``tokenizer.get_lang_id``;
* ``seq2seq`` summarizers: T5/mT5, no language handling;
* ``causal`` chat models (Qwen2/3, HunYuan dense as in Hy-MT2, Gemma 3, Mistral, Llama...):
  prompted through their tokenizer's own chat template (``models.chat``); the prompt says
  which language to write (``models.prompts``). A decoder-only model of a type not listed
  here is driven the same way when its tokenizer has a chat template.

The backend follows the kind: a chat model never reaches ``ctranslate2.Translator``.
"""

from dataclasses import dataclass
from typing import Any

from models.errors import ModelError

# warta's language codes are ISO 639-1: id, en, zh (Simplified Chinese).
_NLLB_CODES = {"id": "ind_Latn", "en": "eng_Latn", "zh": "zho_Hans", "ms": "zsm_Latn"}
_M2M100_CODES = {"id": "id", "en": "en", "zh": "zh", "ms": "ms"}
# Marian target tokens, most specific first: opus-mt-en-zh has >>cmn_Hans<< among others.
_MARIAN_TARGET_TOKENS = {
    "zh": (">>cmn_Hans<<", ">>zho_Hans<<", ">>cmn<<", ">>zho<<"),
    "en": (">>eng<<",),
    "id": (">>ind<<",),
}

#: The kinds of model: what a family is, and so which code runs it.
SEQ2SEQ, CAUSAL = "seq2seq", "causal"


@dataclass(frozen=True)
class Family:
    """A model family.

    Attributes:
        name: the family's name in reports (``marian``, ``nllb``, ``qwen2``, ``hunyuan_v1_dense``...).
        kind: ``seq2seq`` or ``causal``.
        translates: a seq2seq translator (False for a summarizer such as mT5); a causal
            model translates when prompted to.
    """

    name: str
    kind: str
    translates: bool = True

    @property
    def is_chat(self) -> bool:
        """A causal chat model, prompted through its chat template."""
        return self.kind == CAUSAL


#: ``model_type`` -> family. ``m2m_100`` covers both NLLB and M2M100 (the tokenizer tells them apart).
FAMILIES: dict[str, Family] = {
    "marian": Family("marian", SEQ2SEQ),
    "m2m_100": Family("m2m100", SEQ2SEQ),
    "t5": Family("t5", SEQ2SEQ, translates=False),
    "mt5": Family("t5", SEQ2SEQ, translates=False),
    **{model_type: Family(model_type, CAUSAL) for model_type in (
        "qwen2", "qwen3", "hunyuan_v1_dense", "gemma3_text", "gemma3", "gemma2", "mistral", "llama", "phi3", "seed_oss",
    )},
}


@dataclass(frozen=True)
class LanguageControl:
    """How to make one seq2seq model translate from ``source`` to ``target``.

    Attributes:
        prefix: text put before every source sentence (Marian target tokens), or "".
        tokenizer_source_lang: value for ``tokenizer.src_lang`` (NLLB, M2M100), or None.
        forced_bos_token_id: first generated token (NLLB, M2M100), or None.
    """

    prefix: str = ""
    tokenizer_source_lang: str | None = None
    forced_bos_token_id: int | None = None


def family_of(model_type: str, is_encoder_decoder: bool = False, tokenizer: Any = None) -> Family:
    """The family of a model from its config's ``model_type`` (and its tokenizer, for NLLB).

    Args:
        model_type: the config's ``model_type``.
        is_encoder_decoder: the config's flag; a decoder-only model of an unlisted type is
            taken for a chat model (its chat template is checked when it is loaded).
        tokenizer: the loaded tokenizer, when there is one (NLLB and M2M100 share a type).

    Raises:
        ModelError: an encoder-decoder type warta does not know how to drive.
    """
    family = FAMILIES.get(model_type)
    if family is not None and family.name == "m2m100" and tokenizer is not None and "nllb" in type(tokenizer).__name__.lower():
        return Family("nllb", SEQ2SEQ)
    if family is not None:
        return family
    if not is_encoder_decoder and model_type:
        return Family(model_type, CAUSAL)
    raise ModelError(
        f"model type '{model_type}' is not supported; warta drives Marian (opus-mt), NLLB-200, M2M100 and (m)T5 "
        f"models, and chat models (decoder-only, with a chat template) such as tencent/Hy-MT2-1.8B"
    )


def detect_family(config: Any, tokenizer: Any) -> str:
    """The family name of a loaded seq2seq model.

    Raises:
        ModelError: a model type warta does not know, or a chat model where a seq2seq one is needed.
    """
    family = family_of(str(getattr(config, "model_type", "")), bool(getattr(config, "is_encoder_decoder", False)), tokenizer)
    if family.kind != SEQ2SEQ:
        raise ModelError(f"model type '{family.name}' is a chat model, not a sequence-to-sequence translator")
    return family.name


def language_control(family: str, tokenizer: Any, source: str, target: str) -> LanguageControl:
    """Work out how to ask a seq2seq model of ``family`` for ``target`` from ``source``.

    Raises:
        ModelError: the model does not know one of the languages.
    """
    if family == "marian":
        vocabulary = tokenizer.get_vocab()
        for token in _MARIAN_TARGET_TOKENS.get(target, ()):
            if token in vocabulary:
                return LanguageControl(prefix=f"{token} ")
        return LanguageControl()
    if family == "nllb":
        codes = _NLLB_CODES
        target_id = tokenizer.convert_tokens_to_ids(codes.get(target, ""))
        if target_id is None or target_id == tokenizer.unk_token_id:
            raise ModelError(f"this NLLB model has no language token for '{target}' ({codes.get(target)})")
        return LanguageControl(tokenizer_source_lang=codes[source], forced_bos_token_id=target_id)
    if family == "m2m100":
        try:
            target_id = tokenizer.get_lang_id(_M2M100_CODES[target])
        except (KeyError, AttributeError) as error:
            raise ModelError(f"this M2M100 model has no language id for '{target}'") from error
        return LanguageControl(tokenizer_source_lang=_M2M100_CODES[source], forced_bos_token_id=target_id)
    return LanguageControl()
