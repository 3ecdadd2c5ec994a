"""The errors warta raises.

Library code raises these with a message that says what was wrong and what to do;
only ``run.main()`` turns them into exit codes and one-line messages.
"""


class WartaError(Exception):
    """Base class of every error warta raises on purpose."""


class InputError(WartaError):
    """An article cannot be read or is not what warta translates (empty, binary, wrong language)."""


class ModelError(WartaError):
    """A model cannot be found, loaded or run."""


class UsageError(WartaError):
    """The command line or the Python API was called with options that do not fit together."""
