"""The options of a run: one dataclass that every entry point fills and every stage reads.

``Settings`` is the single place where an option's default and allowed values are written.
The command line is derived from it: ``OPTIONS`` maps each field's name to an ``Option`` that
says how the field is set from ``run.py`` (flag, help, how its text is parsed, metavar, and the
subcommands that take it); ``run.build_parser`` adds one argparse option per entry, with the
field's dataclass default as the option's default and in its help, and ``run._settings_from``
passes the parsed values back to ``Settings(**...)`` by name. A table beside the dataclass,
rather than ``dataclasses.field(metadata=...)`` on each field, keeps the fields readable and the
table typed; tests check that every field has an entry and that the parser's defaults are
``Settings()``'s. Choices are module-level constants that both the parser and ``__post_init__``
use, so a value the Python API is given is refused with the same words as on the command line.
"""

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

from models.backends import BACKEND_CHOICES
from models.devices import DEVICE_CHOICES
from models.hub import check_model_name
from models.pool import MODEL_PAIRS
from pipeline.errors import UsageError
from pipeline.outputs import OUTPUT_FORMATS

TARGET_LANGUAGES = ("en", "zh")
#: ``auto`` refuses an article that is not Indonesian; ``id`` translates it anyway.
SOURCE_LANGUAGES = ("auto", "id")
SUMMARY_METHODS = ("extractive", "abstractive")
EXECUTORS = ("local", "ray")
#: ``fast``: opus-mt models through English; ``quality``: a translation LLM, Indonesian to each target.
PROFILES = ("fast", "quality")

#: Beam sizes past this cost time and memory for no better translations (opus-mt and NLLB are
#: tuned with 4-6; CTranslate2 and transformers slow down linearly with the beam).
MAX_BEAMS = 32

#: Below this the summarizer would see a handful of sentences of any article.
MIN_SUMMARY_INPUT_TOKENS = 256


@dataclass
class Settings:
    """How to translate. Every field is a command-line option too (``OPTIONS``).

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
        profile: ``fast`` (opus-mt models through English, CTranslate2 when installed) or
            ``quality`` (a translation LLM, tencent/Hy-MT2, from Indonesian to each target).
        context_sentences: sentences before each one (and the title) that a chat model reads
            as context, not to translate; 0 turns the context off.
        fallback_models: language pair -> hub id or folder of a seq2seq model that translates
            a sentence when the chat model's answer fails its checks twice; pairs as ``models``.

    Raises:
        UsageError: a value out of its choices or range, or a fallback model that is an
            unknown pair or neither a folder nor a hub id (``models.hub.check_model_name``).
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
    profile: str = "fast"
    context_sentences: int = 2
    fallback_models: dict[str, str] = field(default_factory=dict)

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
        _check_choice("--source-lang", self.source_lang, SOURCE_LANGUAGES)
        _check_choice("--device", self.device, DEVICE_CHOICES)
        _check_choice("--backend", self.backend, BACKEND_CHOICES)
        _check_choice("--profile", self.profile, PROFILES)
        if not 1 <= self.beams <= MAX_BEAMS:
            raise UsageError(f"--beams takes 1 to {MAX_BEAMS}; got {self.beams}")
        if self.window_sentences < 1:
            raise UsageError(f"--window-sentences must be at least 1; got {self.window_sentences}")
        _check_choice("--summary", self.summary, SUMMARY_METHODS)
        if self.summary_input_tokens < MIN_SUMMARY_INPUT_TOKENS:
            raise UsageError(f"--summary-input-tokens must be at least {MIN_SUMMARY_INPUT_TOKENS}; got {self.summary_input_tokens}")
        _check_choice("--executor", self.executor, EXECUTORS)
        if self.ray_actors is not None and self.ray_actors < 1:
            raise UsageError(f"--ray-actors must be at least 1; got {self.ray_actors}")
        if self.ray_actor_cpus < 1:
            raise UsageError(f"--ray-actor-cpus must be at least 1; got {self.ray_actor_cpus}")
        if self.summary_sentences < 0:
            raise UsageError(f"--summary-sentences must be 0 or more; got {self.summary_sentences}")
        if self.context_sentences < 0:
            raise UsageError(f"--context-sentences must be 0 or more; got {self.context_sentences}")
        unknown_pairs = sorted(set(self.fallback_models) - set(MODEL_PAIRS))
        if unknown_pairs:
            raise UsageError(f"--fallback-model takes the pairs {', '.join(MODEL_PAIRS)}; got {', '.join(unknown_pairs)}")
        for name in self.fallback_models.values():
            check_model_name(name)

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
        summarizer's input budget shapes only a written (abstractive) summary. ``profile``,
        ``context_sentences`` and ``fallback_models`` (by name; revisions are the caller's to
        add with the others) shape the translations, so they are in.
        """
        from pipeline import version  # read at call time: tests change it

        how: tuple[str, ...] = ("force", "offline", "device", "window_sentences", "formats", "executor", "ray_address", "ray_actors", "ray_actor_cpus",
                                "glossary", "memory")  # paths: the caller passes their content's digests with the revisions
        if self.summary == "extractive":
            how += ("summary_input_tokens",)
        shaping = {key: value for key, value in self.as_dict().items() if key not in how}
        payload = json.dumps({"settings": shaping, "models": model_revisions, "warta": version.__version__}, sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]


def _check_choice(flag: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        listed = f"{', '.join(choices[:-1])} or {choices[-1]}" if len(choices) > 1 else choices[0]
        raise UsageError(f"{flag} takes {listed}; got '{value}'")


#: How an option's text becomes the field's value: ``text`` as given, ``int``, ``path``, ``list``
#: comma-separated (a tuple), ``pairs`` a repeatable ``PAIR=NAME_OR_PATH`` (a dict), ``switch``
#: a flag that sets True.
OptionKind = Literal["text", "int", "path", "list", "pairs", "switch"]

#: The subcommands that take an option: ``translate`` alone, or ``translate`` and ``models``
#: (which fetches or lists the models the options choose).
TRANSLATE = ("translate",)
TRANSLATE_AND_MODELS = ("translate", "models")


@dataclass(frozen=True)
class Option:
    """How one ``Settings`` field is set on the command line (``run.build_parser`` reads it).

    Attributes:
        flag: the option, e.g. ``--beams``.
        help: what it does, without its default: ``help_text`` adds that.
        kind: how its text is parsed (``OptionKind``).
        choices: the values it takes (the constant ``Settings.__post_init__`` checks), or None.
        metavar: the placeholder of its value in the usage, or None for argparse's own.
        commands: the subcommands that take it (``TRANSLATE`` or ``TRANSLATE_AND_MODELS``).
        default_help: what the help says the default is when the value alone does not say it
            (what None means, or "all"); None to show the value.
    """

    flag: str
    help: str
    kind: OptionKind = "text"
    choices: tuple[str, ...] | None = None
    metavar: str | None = None
    commands: tuple[str, ...] = TRANSLATE
    default_help: str | None = None

    def help_text(self, default: object) -> str:
        """The help with ``(default: ...)`` added: ``default_help``, else ``default`` itself.

        Args:
            default: the field's default in ``Settings``; None, a switch's False and an empty
                dict are not shown (nothing is set unless the option is given).

        Returns:
            the help line for the parser.
        """
        shown = self.default_help
        if shown is None and default is not None and not isinstance(default, bool | dict):
            shown = ",".join(default) if isinstance(default, tuple) else str(default)
        return f"{self.help} (default: {shown})" if shown is not None else self.help


#: Every ``Settings`` field, by name, as the command line sets it; in the order ``--help`` lists them.
OPTIONS: dict[str, Option] = {
    "models": Option("--model", "model for a pair: id-en, en-zh, id-zh (direct Chinese instead of the pivot), or summarizer "
                     "(the chat model of --summary abstractive); repeatable", kind="pairs", metavar="PAIR=NAME_OR_PATH",
                     commands=TRANSLATE_AND_MODELS),
    "summary": Option("--summary", "extractive: pick the release's most central sentences (no model); abstractive: a chat "
                      "model writes the summary, warta translates it", choices=SUMMARY_METHODS, commands=TRANSLATE_AND_MODELS),
    "device": Option("--device", "where models run", choices=DEVICE_CHOICES, commands=TRANSLATE_AND_MODELS),
    "offline": Option("--offline", "never download; models must be folders or already cached", kind="switch",
                      commands=TRANSLATE_AND_MODELS),
    "backend": Option("--backend", "inference engine; auto is ctranslate2 when installed, else transformers",
                      choices=BACKEND_CHOICES, commands=TRANSLATE_AND_MODELS),
    "compute_type": Option("--compute-type", "ctranslate2 compute type", metavar="TYPE", commands=TRANSLATE_AND_MODELS,
                           default_help="int8 on CPU, float16 on CUDA"),
    "profile": Option("--profile", "fast: opus-mt models through English (CTranslate2 when installed); quality: a translation "
                      "LLM (tencent/Hy-MT2) from Indonesian to English and straight to Chinese", choices=PROFILES,
                      commands=TRANSLATE_AND_MODELS),
    "targets": Option("--targets", "languages to produce", kind="list"),
    "source_lang": Option("--source-lang", "auto: refuse articles that are not Indonesian; id: translate anyway",
                          choices=SOURCE_LANGUAGES),
    "beams": Option("--beams", f"beam size, 1 to {MAX_BEAMS}", kind="int"),
    "summary_sentences": Option("--summary-sentences", "sentences in the summary", kind="int"),
    "summary_input_tokens": Option("--summary-input-tokens", "most article tokens the summarizer reads; a longer article gives "
                                   "its most central sentences from start to end", kind="int", metavar="N"),
    "context_sentences": Option("--context-sentences", "sentences before each one (and the title) that a chat model reads as "
                                "context, not to translate; 0 turns it off", kind="int", metavar="N"),
    "fallback_models": Option("--fallback-model", "a seq2seq model that translates a sentence when the chat model's answer "
                              "fails its checks twice", kind="pairs", metavar="PAIR=NAME_OR_PATH"),
    "formats": Option("--formats", f"outputs to write, comma-separated: {','.join(OUTPUT_FORMATS)}", kind="list",
                      metavar="LIST", default_help="all; report.json is always written"),
    "glossary": Option("--glossary", "TSV of terms (id, en, zh) whose renderings are enforced (flag 'glossary' where that "
                       "failed)", kind="path", metavar="FILE"),
    "memory": Option("--memory", "translation memory ('memory add'): exact matches take the reviewed translation (flag "
                     "'memory'), near ones are shown as suggestions on the review page", kind="path", metavar="FILE"),
    "force": Option("--force", "redo articles that are already done", kind="switch"),
    "window_sentences": Option("--window-sentences", "sentences of several articles translated together; smaller writes "
                               "articles sooner, larger fills batches better", kind="int", metavar="N"),
    "executor": Option("--executor", "where the work runs: local (this process) or ray (a Ray cluster; pip install "
                       "'warta[ray]')", choices=EXECUTORS),
    "ray_address": Option("--ray-address", "the Ray cluster to use", metavar="ADDRESS",
                          default_help="RAY_ADDRESS, else a local Ray started for the run"),
    "ray_actors": Option("--ray-actors", "translation workers on Ray", kind="int", metavar="N",
                         default_help="one per GPU, else one per --ray-actor-cpus cores"),
    "ray_actor_cpus": Option("--ray-actor-cpus", "CPU cores per translation worker when Ray runs it on CPUs", kind="int",
                             metavar="N"),
}
