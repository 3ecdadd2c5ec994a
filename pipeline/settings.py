"""The options of a run: one dataclass that every entry point fills and every stage reads."""

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pipeline.errors import UsageError
from pipeline.outputs import OUTPUT_FORMATS

TARGET_LANGUAGES = ("en", "zh")

#: Beam sizes past this cost time and memory for no better translations (opus-mt and NLLB are
#: tuned with 4-6; CTranslate2 and transformers slow down linearly with the beam).
MAX_BEAMS = 32

#: Below this the summarizer would see a handful of sentences of any article.
MIN_SUMMARY_INPUT_TOKENS = 256


@dataclass
class Settings:
    """How to translate.

    Attributes:
        targets: which of ``en`` and ``zh`` to produce.
        source_lang: ``auto`` checks that articles are Indonesian; ``id`` skips that check.
        models: language pair -> hub id or folder, overriding ``models.pool.DEFAULT_MODELS``;
            pairs ``id-en``, ``en-zh``, ``id-zh`` (a direct model instead of the pivot).
        device: ``auto``, ``cpu`` or ``cuda``.
        backend: ``auto`` (ctranslate2 when installed, else transformers), ``transformers`` or
            ``ctranslate2``; ``Warta`` resolves ``auto`` so reports name the backend used.
        compute_type: CTranslate2 compute type (``int8``, ``int8_float16``, ``float16``,
            ``float32``...); None for int8 on the CPU and float16 on CUDA.
        beams: beam size for decoding, 1 to ``MAX_BEAMS``.
        summary: ``extractive`` (picked sentences, no model) or ``abstractive`` (written by
            the ``summarizer`` model, then translated).
        summary_sentences: how many sentences the summary has.
        summary_input_tokens: the most article tokens the summarizer is given; a longer
            article gives its most central sentences from start to end (``pipeline.summary``).
        offline: never download models.
        force: redo articles that are already done (batch runs).
        window_sentences: sentences of several articles translated together in a batch run;
            larger windows fill and sort batches better, smaller ones write articles sooner.
        formats: which outputs to write (``pipeline.outputs.OUTPUT_FORMATS``), at least one;
            report.json always.
        glossary: a TSV of terms (id, en, zh) whose renderings translation enforces and QA
            checks (``pipeline.terms``, ``pipeline.qa.glossary``), or None.
        memory: a translation memory file (``pipeline.memory``) whose exact matches replace
            the models' translations, or None.
        executor: where a batch run's work happens: ``local`` (this process) or ``ray``
            (a Ray cluster; ``pipeline.batch.ray_executor``).
        ray_address: the Ray cluster to connect to; None for ``RAY_ADDRESS``, or a local Ray.
        ray_actors: translation actors to start; None for one per GPU of the cluster, or one
            per ``ray_actor_cpus`` CPU cores.
        ray_actor_cpus: CPU cores each translation actor takes when it runs on CPUs.
    """

    targets: tuple[str, ...] = TARGET_LANGUAGES
    source_lang: str = "auto"
    models: dict[str, str] = field(default_factory=dict)
    device: str = "auto"
    backend: str = "auto"
    compute_type: str | None = None
    beams: int = 4
    summary: str = "extractive"
    summary_sentences: int = 3
    summary_input_tokens: int = 3072
    offline: bool = False
    force: bool = False
    window_sentences: int = 512
    formats: tuple[str, ...] = field(default_factory=lambda: tuple(OUTPUT_FORMATS))
    glossary: Path | None = None
    memory: Path | None = None
    executor: str = "local"
    ray_address: str | None = None
    ray_actors: int | None = None
    ray_actor_cpus: int = 4

    def __post_init__(self) -> None:
        self.targets = tuple(self.targets)
        self.formats = tuple(self.formats)
        unknown_formats = [name for name in self.formats if name not in OUTPUT_FORMATS]
        if not self.formats:
            raise UsageError(f"--formats needs at least one of {', '.join(OUTPUT_FORMATS)} (leave it out for all)")
        if unknown_formats:
            raise UsageError(f"unknown output format(s) {', '.join(unknown_formats)} (choose from {', '.join(OUTPUT_FORMATS)})")
        unknown = [target for target in self.targets if target not in TARGET_LANGUAGES]
        if unknown or not self.targets:
            raise UsageError(f"--targets takes a comma-separated list of {', '.join(TARGET_LANGUAGES)}; got '{','.join(self.targets)}'")
        if self.source_lang not in ("auto", "id"):
            raise UsageError(f"--source-lang takes auto or id; got '{self.source_lang}'")
        if not 1 <= self.beams <= MAX_BEAMS:
            raise UsageError(f"--beams takes 1 to {MAX_BEAMS}; got {self.beams}")
        if self.window_sentences < 1:
            raise UsageError(f"--window-sentences must be at least 1; got {self.window_sentences}")
        if self.summary not in ("extractive", "abstractive"):
            raise UsageError(f"--summary takes extractive or abstractive; got '{self.summary}'")
        if self.summary_input_tokens < MIN_SUMMARY_INPUT_TOKENS:
            raise UsageError(f"--summary-input-tokens must be at least {MIN_SUMMARY_INPUT_TOKENS}; got {self.summary_input_tokens}")
        if self.executor not in ("local", "ray"):
            raise UsageError(f"--executor takes local or ray; got '{self.executor}'")
        if self.ray_actors is not None and self.ray_actors < 1:
            raise UsageError(f"--ray-actors must be at least 1; got {self.ray_actors}")
        if self.ray_actor_cpus < 1:
            raise UsageError(f"--ray-actor-cpus must be at least 1; got {self.ray_actor_cpus}")
        if self.summary_sentences < 0:
            raise UsageError(f"--summary-sentences must be 0 or more; got {self.summary_sentences}")

    def as_dict(self) -> dict[str, object]:
        """The settings as plain JSON-able values, for reports."""
        values = asdict(self)
        values["targets"] = list(self.targets)
        values["formats"] = list(self.formats)
        return {key: str(value) if isinstance(value, Path) else value for key, value in values.items()}

    def output_fingerprint(self, model_revisions: dict[str, str]) -> str:
        """A hash of everything that shapes the output: settings that matter and model revisions.

        ``force``, ``offline``, ``window_sentences`` and the executor (``executor`` and the
        ``ray_*`` settings) change how a run goes, not what it
        writes, so they are left out; ``device`` is left out here because ``auto`` says nothing:
        the caller passes the resolved runtime with the model revisions. ``formats`` are views
        of the translated article (written later without translating again), so they are left
        out too. warta's version is in: a new splitter or QA check changes the output. The
        summarizer's input budget shapes only a written (abstractive) summary.
        """
        from pipeline import version  # read at call time: tests change it

        how: tuple[str, ...] = ("force", "offline", "device", "window_sentences", "formats", "executor", "ray_address", "ray_actors", "ray_actor_cpus",
                                "glossary", "memory")  # paths: the caller passes their content's digests with the revisions
        if self.summary == "extractive":
            how += ("summary_input_tokens",)
        shaping = {key: value for key, value in self.as_dict().items() if key not in how}
        payload = json.dumps({"settings": shaping, "models": model_revisions, "warta": version.__version__}, sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]
