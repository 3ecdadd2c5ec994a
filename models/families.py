"""Model families and how each is told which language to produce.

* Marian (opus-mt): one model per direction; multi-target models such as opus-mt-en-zh need
  a target token like ``>>cmn_Hans<<`` at the start of the source, which is used only when the
  model's vocabulary has it.
* NLLB-200: the source language is set on the tokenizer (``ind_Latn``) and the target is
  forced as the first generated token (``zho_Hans``).
* M2M100: the same idea with short codes, the target id from ``tokenizer.get_lang_id``.
* T5/mT5: summarizers; no language handling.
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

FAMILIES = ("marian", "nllb", "m2m100", "t5")


@dataclass(frozen=True)
class LanguageControl:
    """How to make one model translate from ``source`` to ``target``.

    Attributes:
        prefix: text put before every source sentence (Marian target tokens), or "".
        tokenizer_source_lang: value for ``tokenizer.src_lang`` (NLLB, M2M100), or None.
        forced_bos_token_id: first generated token (NLLB, M2M100), or None.
    """

    prefix: str = ""
    tokenizer_source_lang: str | None = None
    forced_bos_token_id: int | None = None


def detect_family(config: Any, tokenizer: Any) -> str:
    """Name the family of a loaded model from its config and tokenizer.

    Raises:
        ModelError: a model type warta does not know how to drive.
    """
    model_type = getattr(config, "model_type", "")
    if model_type == "marian":
        return "marian"
    if model_type == "m2m_100":
        return "nllb" if "nllb" in type(tokenizer).__name__.lower() else "m2m100"
    if model_type in ("t5", "mt5"):
        return "t5"
    raise ModelError(
        f"model type '{model_type}' is not supported; warta drives Marian (opus-mt), NLLB-200, M2M100 and (m)T5 models"
    )


def language_control(family: str, tokenizer: Any, source: str, target: str) -> LanguageControl:
    """Work out how to ask a model of ``family`` for ``target`` from ``source``.

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
