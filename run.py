"""warta's command line: ``python run.py translate|models|eval ...`` (also installed as ``warta``).

Exit status: 0 all done, 1 some article failed (the others still finished), 2 usage error.
Only this module turns warta's errors into exit codes and one-line messages.
"""

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported inside the functions: importing run loads nothing, --help loads no model or torch
    from pipeline.settings import Option, Settings

#: Exit statuses, as the README's table gives them.
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
#: A model could not be loaded (hub unreachable, not cached with --offline, not a model): no article was tried.
EXIT_MODEL = 3
#: The output folder is busy: another warta run holds it.
EXIT_BUSY = 4
#: The run itself stopped (its state or output folder unusable, a file it could not write outside an article).
EXIT_RUN_FAILED = 5


def _model_option(value: str) -> tuple[str, str]:
    pair, separator, name = value.partition("=")
    if not separator or not pair or not name:
        raise argparse.ArgumentTypeError(f"expected PAIR=NAME_OR_PATH (e.g. id-en=Helsinki-NLP/opus-mt-id-en), got '{value}'")
    return pair.strip(), name.strip()


def _comma_list(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


#: argparse's arguments for each ``pipeline.settings.OptionKind``.
_PARSING: dict[str, dict[str, Any]] = {
    "text": {},
    "int": {"type": int},
    "path": {"type": Path},
    "list": {"type": _comma_list},
    "pairs": {"action": "append", "type": _model_option},
    "switch": {"action": "store_true"},
}


def _add_setting(parser: argparse.ArgumentParser, name: str, option: "Option", default: object) -> None:
    """Add the option of ``Settings`` field ``name``, whose default is ``default``, to ``parser``."""
    extra: dict[str, Any] = {key: value for key, value in (("choices", option.choices), ("metavar", option.metavar)) if value is not None}
    parsed_default = list(default.items()) if isinstance(default, dict) else default  # "pairs": appended to; _settings_from makes the dict
    parser.add_argument(option.flag, dest=name, default=parsed_default, help=option.help_text(default).replace("%", "%%"),
                        **_PARSING[option.kind], **extra)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand; the options of ``Settings`` come from its ``OPTIONS`` table."""
    from pipeline.reading.formats import READABLE_SUFFIXES
    from pipeline.settings import OPTIONS, TRANSLATE, TRANSLATE_AND_MODELS, Settings

    defaults = Settings()
    parser = argparse.ArgumentParser(
        prog="warta",
        description="Translate Indonesian press releases into English and Simplified Chinese, aligned by sentence.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    common = argparse.ArgumentParser(add_help=False)  # the options of translate and models
    for name, option in OPTIONS.items():
        if option.commands == TRANSLATE_AND_MODELS:
            _add_setting(common, name, option, getattr(defaults, name))
    common.add_argument("-v", "--verbose", action="store_true", help="log what happens")

    translate = commands.add_parser("translate", parents=[common], help="translate article files and folders",
                                    description=f"Translate article files ({', '.join(READABLE_SUFFIXES)}) and folders of them.")
    translate.add_argument("inputs", nargs="+", type=Path, metavar="INPUT",
                           help=f"article files ({' '.join(READABLE_SUFFIXES)}) and folders (walked recursively; a file of "
                                "another type is listed as failed with the reason)")
    translate.add_argument("-o", "--out", type=Path, default=Path("out"), help="output folder (default: out)")
    for name, option in OPTIONS.items():
        if option.commands == TRANSLATE:
            _add_setting(translate, name, option, getattr(defaults, name))
    translate.add_argument("-q", "--quiet", action="store_true", help="no progress bar or log lines; only errors and the final table")

    from pipeline.serve.cli import add_serve_parser

    add_serve_parser(commands, common, _add_setting)

    models = commands.add_parser("models", parents=[common], help="fetch or show the models for offline use")
    models.add_argument("action", choices=("download", "list"))

    memory = commands.add_parser("memory", help="the translation memory of reviewed sentences",
                                 description="Keep reviewed sentence pairs that 'translate --memory' reuses.")
    memory_actions = memory.add_subparsers(dest="action", required=True)
    memory_add = memory_actions.add_parser("add", help="import corrections.tsv, trusted TSV (--all) or TMX files")
    memory_add.add_argument("files", nargs="+", type=Path, metavar="FILE",
                            help="corrections.tsv from the review page (approved/edited rows), a TSV with id/en/zh "
                                 "columns (with --all), or a TMX 1.4b file")
    memory_add.add_argument("--all", action="store_true", help="take every row of a TSV as reviewed, not only approved/edited")
    memory_stats = memory_actions.add_parser("stats", help="what the memory holds")
    memory_export = memory_actions.add_parser("export", help="write the memory as TMX 1.4b")
    memory_export.add_argument("-o", "--out", type=Path, required=True, metavar="FILE.tmx", help="the TMX file to write")
    for action in (memory_add, memory_stats, memory_export):
        action.add_argument("--memory", type=Path, required=True, metavar="PATH", help="the memory file (SQLite)")

    evaluation = commands.add_parser("eval", help="sacreBLEU and chrF against reference translations",
                                     description="Score translations against references with sacreBLEU (BLEU, chrF).")
    evaluation.add_argument("hypothesis", type=Path, help="an article's output folder, an aligned.tsv, or a text file (one segment a line)")
    evaluation.add_argument("reference", type=Path, help="references: a text file (one a line, same order) or a TSV with en/zh columns")
    evaluation.add_argument("--lang", choices=("en", "zh"), action="append",
                            help="language(s) to score; needed for a plain-text file "
                                 "(default: every language the hypothesis has translations of)")
    return parser


def _settings_from(args: argparse.Namespace) -> "Settings":
    """The ``Settings`` of the parsed options; a field whose option the subcommand lacks keeps its default."""
    from pipeline.settings import OPTIONS, Settings

    values: dict[str, Any] = {}
    for name, option in OPTIONS.items():
        if hasattr(args, name):
            values[name] = dict(getattr(args, name)) if option.kind == "pairs" else getattr(args, name)
    return Settings(**values)


def _check_output_folder(out: Path) -> None:
    """Refuse an ``-o`` that cannot become a folder warta writes in, before anything runs."""
    from pipeline.errors import UsageError

    if out.exists() and not out.is_dir():
        raise UsageError(f"{out}: exists and is not a folder (-o names the output folder)")
    existing = out
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise UsageError(f"{out}: cannot be created: {existing} is a file, not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise UsageError(f"{out}: cannot write in {existing} (permission denied); choose another -o folder")


def _translate(args: argparse.Namespace) -> int:
    from pipeline.batch import find_articles, format_summary, run_translate
    from pipeline.errors import UsageError
    from pipeline.orchestrator import Warta

    warta = Warta(_settings_from(args))  # checks every option before anything is read or written
    _check_output_folder(args.out)
    jobs, unreadable = find_articles(args.inputs, exclude=args.out)
    if not jobs and not unreadable:
        # Nothing to do is a mistake in the command (a wrong or empty folder), not a successful
        # run: a nightly job must not report "0 done" as success for ever.
        raise UsageError(
            f"{', '.join(map(str, args.inputs))}: no articles found (the folders hold no files; hidden files and folders are skipped)"
        )
    result = run_translate(args.inputs, args.out, warta, quiet=args.quiet)
    # The table goes to standard output; each failure, as the README promises, to standard
    # error: one line naming the file and the problem.
    print(format_summary(result, args.out))
    sys.stdout.flush()
    for path, reason in result.failed:
        print(f"warta: {path}: {reason}", file=sys.stderr)
    if result.interrupted:
        return result.exit_status  # 130 after Ctrl-C, 143 after SIGTERM
    return EXIT_FAILED if result.failed else EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    from pipeline.serve.cli import run_serve

    return run_serve(args, _settings_from(args))


def _models(args: argparse.Namespace) -> int:
    from models.hub import known_revision
    from models.pool import ModelPool

    settings = _settings_from(args)
    pool = ModelPool(settings.models, settings.device, settings.backend, settings.offline, settings.compute_type,
                     profile=settings.profile, fallbacks=settings.fallback_models)
    for pair, name in pool.models.items():
        if args.action == "download":
            translator = pool.get(pair)
            print(f"{pair}\t{name}\t{translator.info.revision}\tready")
        else:
            revision = known_revision(name)
            print(f"{pair}\t{name}\t{revision or 'not downloaded'}")
    for pair, name in pool.fallbacks.items():  # the seq2seq model behind a chat model's refused answers
        if args.action == "download":
            fallback = pool.fallback(pair)
            print(f"{pair} fallback\t{name}\t{fallback.info.revision if fallback else known_revision(name)}\tready")
        else:
            print(f"{pair} fallback\t{name}\t{known_revision(name) or 'not downloaded'}")
    # the summarizer is fetched (and listed) when the abstractive summary is chosen or named
    if settings.summary == "abstractive" or "summarizer" in settings.models:
        if args.action == "download":
            print(f"summarizer\t{pool.summarizer_name}\t{pool.summarizer().info.revision}\tready")
        else:
            print(f"summarizer\t{pool.summarizer_name}\t{known_revision(pool.summarizer_name) or 'not downloaded'}")
    return EXIT_OK


def _check_export_file(out: Path, memory: Path) -> None:
    """Refuse a ``memory export -o`` that is the memory itself or a folder, before anything is read."""
    from pipeline.errors import UsageError

    if out.resolve() == memory.resolve() or (out.exists() and memory.exists() and os.path.samefile(out, memory)):
        raise UsageError(f"{out}: is the memory file itself; -o names the TMX file to write (e.g. memory.tmx)")
    if out.is_dir():
        raise UsageError(f"{out}: is a folder; -o names the TMX file to write")


def _memory(args: argparse.Namespace) -> int:
    from pipeline.errors import UsageError
    from pipeline.files import write_atomic
    from pipeline.memory import TranslationMemory, read_pairs, render_memory_tmx

    if args.action == "export":
        _check_export_file(args.out, args.memory)
    if args.action == "add":
        pairs = {path: read_pairs(path, args.all) for path in args.files}  # every file read before any is stored
        with TranslationMemory(args.memory, create=True) as memory:
            for path, entries in pairs.items():
                # an exported file names its article inside: say which, whatever the browser named the file
                articles = sorted({entry.origin.removeprefix(f"{path} ") for entry in entries} - {str(path)})
                print("\t".join([str(path), f"{memory.add(entries)} entries", *articles]))
            print(f"{args.memory}\t{len(memory)} entries in all")
        return EXIT_OK
    with TranslationMemory(args.memory) as memory:
        if args.action == "stats":
            stats = memory.stats()
            print(f"entries\t{stats.entries}\nwith en\t{stats.with_en}\nwith zh\t{stats.with_zh}")
            print(f"oldest\t{stats.oldest or '-'}\nnewest\t{stats.newest or '-'}")
            for origin, count in stats.origins.items():
                print(f"from\t{origin}\t{count}")
        else:
            try:
                write_atomic(args.out, render_memory_tmx(memory.entries()))
            except OSError as error:  # named by the temporary file it failed on: name -o instead
                raise UsageError(f"{args.out}: cannot write the TMX file ({error.strerror or error})") from error
            print(f"{args.out}\t{len(memory)} entries")
    return EXIT_OK


def _eval(args: argparse.Namespace) -> int:
    from pipeline.evaluation import evaluate

    scores = evaluate(args.hypothesis, args.reference, tuple(args.lang) if args.lang else None)
    for score in scores:
        print(f"{score.language}\t{score.metric}\t{score.score:.2f}\t{score.segments} segments\t{score.signature}")
    skipped = [language for language in ("en", "zh") if language not in {score.language for score in scores}]
    if not args.lang and skipped:
        names = {"en": "English", "zh": "Chinese"}
        print(f"warta: {args.hypothesis}: no {' or '.join(names[language] for language in skipped)} translations; "
              f"not scored", file=sys.stderr)
    return EXIT_OK


#: Libraries whose log lines are for ``-v`` only: a normal run prints nothing from them (their
#: warnings, e.g. transformers' "Token indices sequence length is longer than ...", are about
#: things warta already handles and would garble the progress bar).
_LIBRARY_LOGGERS = ("transformers", "huggingface_hub", "py.warnings", "urllib3", "httpx", "httpx2", "filelock",
                    "trafilatura", "htmldate", "courlan", "ctranslate2", "sacrebleu")


class _OwnHandlerLibraries(logging.Filter):
    """Keeps out of warta's handler the records of libraries that print them with their own."""

    NAMES = ("transformers", "huggingface_hub")

    def filter(self, record: logging.LogRecord) -> bool:
        return not any(record.name == name or record.name.startswith(name + ".") for name in self.NAMES)


def _configure_logging(verbose: bool) -> None:
    """warta's own warnings always; libraries' log lines and Python warnings only with ``-v``."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # transformers and huggingface_hub set their loggers' level from these when first imported
    # (which is later: imports are lazy), overriding any level set here.
    level = "warning" if verbose else "error"
    os.environ["TRANSFORMERS_VERBOSITY"] = level
    os.environ["HF_HUB_VERBOSITY"] = level
    # transformers and huggingface_hub print through handlers of their own, and propagate to ours
    # as well (transformers does whenever the CI variable is set): every line would show twice.
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, _OwnHandlerLibraries) for f in handler.filters):
            handler.addFilter(_OwnHandlerLibraries())
    logging.captureWarnings(True)  # warnings.warn() from libraries becomes a py.warnings log line
    for name in _LIBRARY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING if verbose else logging.ERROR)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    _configure_logging(getattr(args, "verbose", False))
    if getattr(args, "offline", False):
        os.environ["HF_HUB_OFFLINE"] = "1"
    from pipeline.errors import InputError, ModelError, OutputBusyError, UsageError, WartaError

    try:
        commands = {"translate": _translate, "models": _models, "eval": _eval, "memory": _memory, "serve": _serve}
        return commands[args.command](args)
    except UsageError as error:
        print(f"warta: {error}", file=sys.stderr)
        return EXIT_USAGE
    except ModelError as error:
        print(f"warta: {error}", file=sys.stderr)
        return EXIT_MODEL
    except OutputBusyError as error:
        print(f"warta: {error}", file=sys.stderr)
        return EXIT_BUSY
    except InputError as error:  # a file given to eval could not be read, as an article that fails
        print(f"warta: {error}", file=sys.stderr)
        return EXIT_FAILED
    except WartaError as error:  # a broken state file, an incomplete installation, ...
        print(f"warta: {error}", file=sys.stderr)
        return EXIT_RUN_FAILED
    except OSError as error:  # a file or folder warta could not write or read, outside an article
        where = error.filename or ""
        print(f"warta: {where}{': ' if where else ''}{error.strerror or error}", file=sys.stderr)
        return EXIT_RUN_FAILED
    except KeyboardInterrupt:
        print("warta: interrupted; run the same command again to resume", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
