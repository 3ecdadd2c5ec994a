"""The errors warta raises: the pipeline's own, and those it shares with ``models``.

Library code raises these with a message that says what was wrong and what to do;
only ``run.main()`` turns them into exit codes and one-line messages.
"""

from models.errors import ModelError, UsageError, WartaError

__all__ = ["InputError", "ModelError", "UsageError", "WartaError"]


class InputError(WartaError):
    """An article cannot be read or is not what warta translates (empty, binary, wrong language)."""
