"""The errors warta raises, at the bottom of the import graph.

``models`` and ``pipeline`` both raise these, and ``pipeline`` imports ``models``; keeping the
shared classes here lets both import them without a loop. ``pipeline.errors`` re-exports them
beside ``InputError``, which only the pipeline raises.

Library code raises these with a message that says what was wrong and what to do; only
``run.main()`` turns them into exit codes and one-line messages.
"""


class WartaError(Exception):
    """Base class of every error warta raises on purpose."""


class ModelError(WartaError):
    """A model cannot be found, loaded or run."""


class UsageError(WartaError):
    """The command line or the Python API was called with options that do not fit together."""


#: The longest error message a one-line report quotes; a longer one is cut with "…", never silently.
MAX_MESSAGE_CHARACTERS = 300


def one_line(error: BaseException, limit: int = MAX_MESSAGE_CHARACTERS) -> str:
    """An error's message on one line, for a one-line report.

    The whole message, its white space folded (a library's message runs over several lines, and
    cutting it at the first can drop what the user needs), cut at ``limit`` characters with
    "…"; the error's type name when it has no message.
    """
    text = " ".join(str(error).split())
    if not text:
        return type(error).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"
