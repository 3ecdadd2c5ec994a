"""The errors warta raises: the pipeline's own, and those it shares with ``models``.

Library code raises these with a message that says what was wrong and what to do;
only ``run.main()`` turns them into exit codes and one-line messages.
"""

from models.errors import ModelError, UsageError, WartaError, one_line

__all__ = ["InputError", "ModelError", "OutputBusyError", "UsageError", "WartaError", "one_line"]


class InputError(WartaError):
    """An article cannot be read or is not what warta translates (empty, binary, wrong language)."""


class OutputBusyError(WartaError):
    """The output folder is held by another warta run; this run cannot start."""
