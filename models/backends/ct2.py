"""The fast backend: CTranslate2 (the engine behind faster-whisper and Argos Translate).

A Hugging Face model is converted once, from its local folder (no network), into
``<HF_HOME>/warta-ctranslate2/<model>/<revision>-<compute type>/`` and loaded from there on every
later run. int8 on the CPU, float16 on CUDA, or ``--compute-type``. The tokenizer stays the
model's own transformers tokenizer, so both backends read and write exactly the same tokens,
and the model's generation config (minimum length, banned tokens) is honoured the same way.
"""

import logging
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from models.backends.base import BatchedTranslator, ModelInfo, Translation
from models.errors import ModelError, one_line
from models.families import LanguageControl, detect_family
from models.hub import cached_snapshot, is_local_model, local_revision
from models.loading import LoadedModel, load_seq2seq

log = logging.getLogger(__name__)

# Batches by tokens: CTranslate2 removes padding itself, so the sentence count matters less.
_BATCH_TOKENS = {"cpu": 4096, "cuda": 32768}
DEFAULT_COMPUTE_TYPES = {"cpu": "int8", "cuda": "float16"}


def converted_models_home() -> Path:
    """Where converted models live: beside the Hugging Face cache."""
    from huggingface_hub.constants import HF_HOME

    return Path(os.environ.get("WARTA_CT2_HOME", Path(HF_HOME) / "warta-ctranslate2"))


def _slug(text: str) -> str:
    return re.sub(r"[^\w.-]+", "--", text.strip("/")).strip("-") or "model"


def _try_acquire(lock: Any) -> bool:
    from filelock import Timeout

    try:
        lock.acquire(timeout=0)
    except Timeout:
        return False
    return True


def _converted_target_vocabulary(folder: Path) -> set[str]:
    import json

    for name in ("target_vocabulary.json", "shared_vocabulary.json"):
        if (folder / name).is_file():
            return set(json.loads((folder / name).read_text(encoding="utf-8")))
    return set()


def _LoadedModelConverter(loaded: LoadedModel) -> Any:
    """A CTranslate2 converter for a model warta has already loaded (no second load, no network)."""
    from ctranslate2.converters import TransformersConverter

    class Converter(TransformersConverter):
        def load_model(self, model_class: Any, model_name_or_path: str, **kwargs: Any) -> Any:
            return loaded.model

        def load_tokenizer(self, tokenizer_class: Any, model_name_or_path: str, **kwargs: Any) -> Any:
            return loaded.tokenizer

    return Converter(str(loaded.folder))


class CTranslate2Translator(BatchedTranslator):
    """A Marian, NLLB or M2M100 model run by CTranslate2.

    Args:
        name: a Hugging Face id or a local folder (the same names the transformers backend takes).
        device: ``cpu`` or ``cuda`` (already resolved).
        offline: never use the network.
        compute_type: CTranslate2 compute type; None for int8 on CPU, float16 on CUDA.

    Raises:
        ModelError: the model cannot be found, converted or loaded; on CUDA, the message names
            the CUDA library that is missing.
    """

    backend_name = "ctranslate2"

    def __init__(self, name: str, device: str = "cpu", offline: bool = False, compute_type: str | None = None):
        import ctranslate2

        self.compute_type = compute_type or DEFAULT_COMPUTE_TYPES[device]
        tokenizer, config, generation, folder, self.revision = self._converted_model(name, offline)
        self.tokenizer: Any = tokenizer
        self.family = detect_family(config, tokenizer)
        self._min_length = int(getattr(generation, "min_new_tokens", None) or 0)
        # Banned sequences the converted vocabulary still has (CTranslate2 drops Marian's <pad>,
        # which then cannot be generated anyway).
        vocabulary = _converted_target_vocabulary(folder)
        self._banned = [
            tokens for tokens in (tokenizer.convert_ids_to_tokens(ids) for ids in (getattr(generation, "bad_words_ids", None) or []))
            if all(token in vocabulary for token in tokens)
        ]
        threads = os.cpu_count() or 1
        try:
            self.translator = ctranslate2.Translator(
                str(folder), device=device, compute_type=self.compute_type, inter_threads=1, intra_threads=threads if device == "cpu" else 0
            )
            # CUDA libraries (cuBLAS) are loaded at the first computation, not when the model
            # is: translate one token now, so a missing library shows here, where the pool can
            # fall back, and not in the middle of a batch.
            self.translator.translate_batch([[tokenizer.eos_token]], max_decoding_length=2, beam_size=1)
        except (RuntimeError, OSError, ValueError) as error:
            raise ModelError(f"ctranslate2 cannot run '{name}' on {device} with {self.compute_type}: {one_line(error)}") from error
        self.device = device
        self.info = ModelInfo(name, self.revision, self.family, f"ctranslate2 {ctranslate2.__version__} {self.compute_type}", device, "converted")
        self.positions = getattr(config, "max_position_embeddings", 512) or 512
        self.batch_tokens = _BATCH_TOKENS[device]
        self.batch_sentences = self.batch_tokens
        self.segments_translated = 0
        self.calls = 0

    def _converted_model(self, name: str, offline: bool) -> tuple[Any, Any, Any, Path, str]:
        """Tokenizer, config, generation config, converted folder and revision of ``name``.

        When the converted copy exists, only the small files are read: the PyTorch weights are
        loaded (once) just to convert them.
        """
        from transformers import AutoConfig, AutoTokenizer, GenerationConfig

        found = (local_revision(Path(name).expanduser()), Path(name).expanduser()) if is_local_model(name) else cached_snapshot(name)
        if found is not None:
            revision, source = found
            folder = self._converted_folder(name, revision)
            if (folder / "model.bin").is_file():
                common: dict[str, Any] = {"local_files_only": True, "trust_remote_code": False}
                config = AutoConfig.from_pretrained(str(source), **common)
                generation = (
                    GenerationConfig.from_pretrained(str(source), **common)
                    if (source / "generation_config.json").is_file() else GenerationConfig.from_model_config(config)
                )
                return AutoTokenizer.from_pretrained(str(source), **common), config, generation, folder, revision
        loaded = load_seq2seq(name, offline=offline)
        folder = self._convert(loaded)
        return loaded.tokenizer, loaded.model.config, loaded.model.generation_config, folder, loaded.revision

    def _converted_folder(self, name: str, revision: str) -> Path:
        return converted_models_home() / _slug(name) / f"{_slug(revision)}-{self.compute_type}"

    def _convert(self, loaded: LoadedModel) -> Path:
        """Convert ``loaded`` into its folder once, even with several processes at it.

        Two first runs (a batch job and a single translation, say) may convert the same model
        at once: a file lock (filelock: it works on Windows too) lets one convert while the
        other waits and then loads the finished folder. The conversion goes into a temporary
        folder of a unique name beside the target and is renamed into place, so no reader ever
        sees half a model and no crash leaves one behind under the real name.
        """
        from filelock import FileLock

        folder = self._converted_folder(loaded.name, loaded.revision)
        lock = FileLock(str(folder.with_name(folder.name + ".lock")))
        try:
            folder.parent.mkdir(parents=True, exist_ok=True)
            if not _try_acquire(lock):
                log.info("waiting for another process converting %s to CTranslate2", loaded.name)
                lock.acquire()
        except OSError as error:
            raise ModelError(f"cannot convert '{loaded.name}' to CTranslate2: cannot write {folder.parent}: {error.strerror or error}") from error
        try:
            if (folder / "model.bin").is_file():
                return folder  # converted by another process while this one waited
            # Under the lock no one else converts this model: partial folders left by a crash
            # (or by a warta that used a fixed ".partial" name) are safe to remove.
            for leftover in folder.parent.glob(f".{folder.name}.*.partial"):
                shutil.rmtree(leftover, ignore_errors=True)
            shutil.rmtree(folder.with_name(folder.name + ".partial"), ignore_errors=True)
            partial = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".partial", dir=folder.parent))
            quantization = "int8" if self.compute_type.startswith("int8") else self.compute_type
            try:
                _LoadedModelConverter(loaded).convert(str(partial), quantization=quantization, force=True)
                # A folder without model.bin is a broken copy from an older warta: replace it.
                shutil.rmtree(folder, ignore_errors=True)
                partial.rename(folder)
            except (RuntimeError, ValueError, OSError, NotImplementedError) as error:
                raise ModelError(f"cannot convert '{loaded.name}' to CTranslate2: {one_line(error)}") from error
            finally:
                shutil.rmtree(partial, ignore_errors=True)  # gone already when renamed
            return folder
        finally:
            lock.release()

    def _run_batch(self, encoded: list[list[int]], max_output_tokens: int, beams: int, control: LanguageControl) -> list[Translation]:
        # CTranslate2 reads token strings: the ids from ``encode``, not the texts again.
        tokens = [self.tokenizer.convert_ids_to_tokens(ids) for ids in encoded]
        prefix = [self.tokenizer.convert_ids_to_tokens(control.forced_bos_token_id)] if control.forced_bos_token_id is not None else None
        outputs = self.translator.translate_batch(
            tokens,
            target_prefix=[prefix] * len(tokens) if prefix else None,
            beam_size=beams,
            max_batch_size=len(tokens),
            max_decoding_length=max_output_tokens,
            # transformers lets max_new_tokens win over a larger min_new_tokens; so must we.
            min_decoding_length=min(self._min_length + (1 if prefix else 0), max_output_tokens),
            suppress_sequences=self._banned or None,
            # The mean log-probability per output token, the end token included (CTranslate2
            # divides the sum by the length), from the distribution after the generation rules:
            # what the transformers backend reports too (tests/models/test_scores.py).
            return_scores=True,
        )
        translations = []
        for output in outputs:
            hypothesis = output.hypotheses[0]
            produced = hypothesis[1:] if prefix else hypothesis
            text = self.tokenizer.decode(self.tokenizer.convert_tokens_to_ids(produced), skip_special_tokens=True).strip()
            hit_limit = len(hypothesis) >= max_output_tokens
            # the end token counts in the mean unless the length limit cut the output
            scored = len(produced) + (0 if hit_limit else 1)
            score = float(output.scores[0]) if output.scores else None
            translations.append(Translation(text, hit_length_limit=hit_limit, score=score, tokens=scored if score is not None else 0))
        return translations
