"""``warta serve``: one warta for the whole office (the design and contract: docs/serve.md).

One process loads the models once and serves a web page for reviewers and an HTTP API for
scripts and LibreTranslate clients. The modules, in the order a request meets them:

- ``app.py``: ``create_app`` builds the Starlette app (routes, middleware, the worker's lifespan).
- ``auth.py``: who is asking (keys, sessions with CSRF tokens) and ``admit``; ``ratelimit.py``: the
  per-client token buckets; ``accounts.py``: accounts, salted hashes of passwords and keys.
- ``api.py``: the JSON API's routes under ``/api/``, served by ``api_jobs.py`` (jobs, outputs),
  ``api_review.py`` (rows, edits, bulk approval, comments) and ``api_admin.py`` (accounts, keys),
  with ``api_request.py`` (admitting, reading bodies, ``ApiError``); ``libretranslate.py``:
  ``/translate`` and ``/languages``.
- ``pages.py`` and ``templates/``, ``static/``: the web page.
- ``worker.py``: the one thread that translates queued jobs (and LibreTranslate requests) with Warta.
- ``review_outputs.py``: a translated article's review rows, and its outputs written again with
  the review applied when downloaded.
- ``store.py``: everything kept, in SQLite (``DATA/serve.sqlite``): ``database.py`` (tables,
  transactions), ``store_users.py``, ``store_jobs.py``, ``store_review.py``, and ``records.py``
  (what it gives back).
- ``cli.py``: the ``serve`` subcommand.

Importing this package imports nothing heavy: Starlette and uvicorn are the optional extra
``warta[serve]``, imported by the modules that need them, so ``run.py --help`` works without them.
"""

import importlib.util
from dataclasses import dataclass

from pipeline.errors import UsageError

#: The packages of the ``serve`` extra, by import name.
SERVE_PACKAGES = ("starlette", "uvicorn", "multipart", "itsdangerous")
#: What to run when one of them is missing.
SERVE_INSTALL = "pip install 'warta[serve]'"


@dataclass(frozen=True)
class ServeOptions:
    """The limits and trust settings of one server (``warta serve``'s own options).

    Attributes:
        max_upload_mb: the largest upload (a release or a glossary), in MiB; a larger one gets 413.
        max_chars: the most characters of pasted text or of one ``/translate`` request (413
            past it), and the characters a client may send to ``/translate`` per minute.
        rate_limit: requests per minute per API key, session or (for a client without either)
            address; 0 turns the limit off.
        trust_forwarded_for: take the client's address from ``X-Forwarded-For`` (the entry the
            office's own proxy appended), not the socket's peer; only behind such a proxy.
        progress_seconds: how often, at most, a running job's progress is written to the store.
    """

    max_upload_mb: float = 20.0
    max_chars: int = 100_000
    rate_limit: int = 60
    trust_forwarded_for: bool = False
    progress_seconds: float = 0.5

    def __post_init__(self) -> None:
        if self.max_upload_mb <= 0:
            raise UsageError(f"--max-upload-mb must be more than 0; got {self.max_upload_mb}")
        if self.max_chars < 1:
            raise UsageError(f"--max-chars must be at least 1; got {self.max_chars}")
        if self.rate_limit < 0:
            raise UsageError(f"--rate-limit must be 0 (no limit) or more; got {self.rate_limit}")

    @property
    def max_upload_bytes(self) -> int:
        """``max_upload_mb`` in bytes."""
        return int(self.max_upload_mb * 1024 * 1024)


def require_serve_packages() -> None:
    """Check that the ``serve`` extra is installed.

    Raises:
        UsageError: a package of the extra is missing; the message names the ``pip install`` to run.
    """
    missing = [name for name in SERVE_PACKAGES if importlib.util.find_spec(name) is None]
    if missing:
        raise UsageError(f"warta serve needs the Python package(s) {', '.join(missing)}: {SERVE_INSTALL}")
