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
