"""The reference backend: PyTorch models run with transformers' ``generate()``.

transformers 5 removed the ``translation`` pipeline, and it translated one sentence per call
anyway. Here sentences are sorted by length, packed into batches by a token budget (so
padding is small and the device is full), translated, and put back in order.
"""

import copy
from typing import Any

from models.backends.base import BatchedTranslator, ModelInfo, Translation
from models.families import LanguageControl, detect_family
from models.loading import load_seq2seq

# Padded source tokens per batch, and a cap on sentences per batch (beam search multiplies
# the work per sentence). On a 2-core CPU, opus-mt shape, greedy, 40 output tokens: 16
# sentences a batch 6.1 sentences/s, 32: 7.3, 64: 8.6; benchmarks/batch_throughput.py's
# cross-article gain over one article at a time went from 1.40x with a cap of 64 to 1.58x
# with 128, for about 150 MiB more memory.
_BATCH_TOKENS = {"cpu": 8192, "cuda": 32768}
_BATCH_SENTENCES = {"cpu": 128, "cuda": 512}


class TransformersTranslator(BatchedTranslator):
    """A seq2seq model (Marian, NLLB, M2M100) run through transformers.

    Args:
        name: a Hugging Face id or a local folder.
        device: ``cpu`` or ``cuda`` (already resolved).
        offline: never use the network.
        batch_tokens: padded source tokens per batch; None for the device's default.

    Raises:
        ModelError: the model cannot be found, loaded, or is of an unknown family.
    """

    backend_name = "transformers"

    def __init__(self, name: str, device: str = "cpu", offline: bool = False, batch_tokens: int | None = None):
        loaded = load_seq2seq(name, offline=offline)
        self.tokenizer: Any = loaded.tokenizer
        self.model: Any = loaded.model
        self.device = device
        if device == "cuda":
            self.model = self.model.half().to(device)
        _quiet_generation_config(self.model)
        family = detect_family(self.model.config, self.tokenizer)
        self.info = ModelInfo(loaded.name, loaded.revision, family, self.backend_name, device, loaded.weights)
        self.positions = getattr(self.model.config, "max_position_embeddings", 512) or 512
        self.batch_tokens = batch_tokens or _BATCH_TOKENS[device]
        self.batch_sentences = _BATCH_SENTENCES[device]
        self.segments_translated = 0
        self.calls = 0

    def _run_batch(self, encoded: list[list[int]], max_new_tokens: int, beams: int, control: LanguageControl) -> list[Translation]:
        import torch

        # The ids come from ``encode``: pad them here rather than tokenize the texts again.
        padded, mask = pad_token_ids(encoded, self.tokenizer.pad_token_id, self.tokenizer.padding_side)
        inputs = {
            "input_ids": torch.tensor(padded, dtype=torch.long, device=self.device),
            "attention_mask": torch.tensor(mask, dtype=torch.long, device=self.device),
        }
        options: dict[str, Any] = {"num_beams": beams, "do_sample": False, "max_new_tokens": max_new_tokens}
        if control.forced_bos_token_id is not None:
            options["forced_bos_token_id"] = control.forced_bos_token_id
        with torch.inference_mode():
            output = self.model.generate(**inputs, **options, output_scores=True, return_dict_in_generate=True)
            # Per-token log-probabilities of the chosen tokens. normalize_logits=True takes the
            # log-softmax of the scores generate chose from (after its rules: banned tokens,
            # minimum length), which is what CTranslate2's return_scores measures, so both
            # backends give one number for one output; with beams, beam_indices
            # follows each finished hypothesis back through the beams.
            transition = self.model.compute_transition_scores(
                output.sequences, output.scores, getattr(output, "beam_indices", None) if beams > 1 else None, normalize_logits=True
            ).tolist()
        generated = output.sequences
        # Position 0 is the decoder start token; NLLB and M2M100 then have the forced language
        # token, which some tokenizers (M2M100 saved without its language list) would not
        # drop as special when decoding.
        skip = 2 if control.forced_bos_token_id is not None else 1
        rows = generated.tolist()
        texts_out = self.tokenizer.batch_decode(generated[:, skip:], skip_special_tokens=True)
        return [
            Translation(text.strip(), self._hit_limit(row[1:], max_new_tokens), *self._mean_log_probability(row[1:], scores, skip - 1))
            for text, row, scores in zip(texts_out, rows, transition)
        ]

    def _mean_log_probability(self, generated: list[int], scores: list[float], forced: int) -> tuple[float | None, int]:
        # The tokens up to and including the first end-of-sentence token; what follows is
        # padding of a batch. The forced language token is left out: it was not chosen.
        config = self.model.generation_config
        eos_ids = set(config.eos_token_id) if isinstance(config.eos_token_id, list) else {config.eos_token_id}
        end = next((index + 1 for index, token in enumerate(generated) if token in eos_ids), len(generated))
        chosen = [score for score in scores[forced:end] if score > float("-inf")]
        return (sum(chosen) / len(chosen), len(chosen)) if chosen else (None, 0)

    def _hit_limit(self, generated: list[int], max_new_tokens: int) -> bool:
        # A row that runs to the limit with no end-of-sentence token before its last place
        # was cut by the limit (forced_eos_token_id may have put one in the last place,
        # which does not count). Shorter rows are padded to the batch's length.
        config = self.model.generation_config
        eos_ids = set(config.eos_token_id) if isinstance(config.eos_token_id, list) else {config.eos_token_id}
        if len(generated) < max_new_tokens or generated[-1] == config.pad_token_id:
            return False
        return not any(token in eos_ids for token in generated[:-1])


def pad_token_ids(encoded: list[list[int]], pad_id: int, side: str = "right") -> tuple[list[list[int]], list[list[int]]]:
    """Pad token ids to one width, as ``tokenizer(texts, padding=True)`` would.

    Args:
        encoded: the token ids of each segment.
        pad_id: the tokenizer's padding id.
        side: ``right`` or ``left``, the tokenizer's ``padding_side``.

    Returns:
        The padded ids and the attention mask (1 for a real token, 0 for padding).
    """
    width = max((len(ids) for ids in encoded), default=0)
    padded, mask = [], []
    for ids in encoded:
        fill = width - len(ids)
        if side == "left":
            padded.append([pad_id] * fill + ids)
            mask.append([0] * fill + [1] * len(ids))
        else:
            padded.append(ids + [pad_id] * fill)
            mask.append([1] * len(ids) + [0] * fill)
    return padded, mask


def _quiet_generation_config(model: Any) -> None:
    """Drop the model's ``max_length`` (and ``min_length`` when ``min_new_tokens`` is set).

    warta always passes ``max_new_tokens`` (the limit grows with the input), which wins over
    ``max_length``; but when a model's generation config sets ``max_length``, as the real
    opus-mt ones do (512), transformers warns "Both `max_new_tokens` and `max_length` seem to
    have been set" on every batch. Dropping the unused setting changes no output.
    """
    config = copy.deepcopy(model.generation_config)
    config.max_length = None
    if config.min_new_tokens is not None:
        config.min_length = None
    model.generation_config = config
