"""What every handler of the JSON API does with its request, and ``ApiError``, its answer when something is wrong.

A handler starts with ``caller_account`` (``auth.admit``: who is asking, within their rate limit,
with their CSRF token when they come by session), reads its body with ``json_body`` or
``form_body`` and its job with ``path_job``, answers JSON, and reports an error by raising
``ApiError``: ``{"error": "one line"}`` with its status. The store and the files are touched from
Starlette's thread pool (``run_in_threadpool``), so SQLite and the disk never hold up the event loop.
"""

import re
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse

from pipeline.serve import ServeOptions, auth
from pipeline.serve.cleaning import is_text
from pipeline.serve.store import DataFolder, Job, Store, User
from pipeline.serve.worker import Worker

_JOB_ID = re.compile(r"[A-Za-z0-9_-]{16}")


class ApiError(Exception):
    """An answer other than success: ``{"error": message, **extra}`` with ``status``.

    Attributes:
        status: the HTTP status.
        message: one line saying what was wrong and what to do.
        extra: more fields of the answer (the current row of a 409).
        headers: headers of the answer (``WWW-Authenticate``).
    """

    def __init__(self, status: int, message: str, extra: dict[str, Any] | None = None, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.extra, self.headers = status, message, extra or {}, headers or {}

    def response(self) -> JSONResponse:
        """The answer to send."""
        return JSONResponse({"error": self.message, **self.extra}, self.status, headers=self.headers)


def store_of(request: Request) -> Store:
    """The server's store."""
    store: Store = request.app.state.store
    return store


def worker_of(request: Request) -> Worker:
    """The server's worker (its settings are the server's: targets, profile, memory)."""
    worker: Worker = request.app.state.worker
    return worker


def folder_of(request: Request) -> DataFolder:
    """The server's data folder."""
    folder: DataFolder = request.app.state.folder
    return folder


def options_of(request: Request) -> ServeOptions:
    """The server's limits."""
    options: ServeOptions = request.app.state.options
    return options


async def caller_account(request: Request, admin: bool = False, api_key: Any = None, csrf_field: Any = None) -> User:
    """The caller's account, admitted (``auth.admit``).

    Args:
        request: the request.
        admin: only an admin may make it.
        api_key: the body's ``api_key`` field, when it has one.
        csrf_field: the form's ``csrf_token`` field, when it has one.

    Raises:
        ApiError: 401 without a valid key or session, 403 for an admin's request by a reviewer.
        RateLimited, CsrfRefused: as ``auth.admit``.
    """
    caller = await run_in_threadpool(auth.admit, request, api_key if isinstance(api_key, str) else None, 0,
                                     csrf_field if isinstance(csrf_field, str) else None)
    if caller.user is None:
        raise ApiError(401, "an API key (Authorization: Bearer <key>) or a login is needed; ask an admin for a key",
                       headers={"WWW-Authenticate": 'Bearer realm="warta"'})
    if admin and not caller.user.is_admin:
        raise ApiError(403, "only an admin manages accounts and keys")
    return caller.user


async def json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object.

    Raises:
        ApiError: 400 when the body is not a JSON object.
    """
    try:
        body = await request.json()
    except ValueError as error:
        raise ApiError(400, f"the body is not JSON ({error})") from error
    except RecursionError as error:  # arrays or objects nested thousands deep
        raise ApiError(400, "the body is not JSON warta reads (nested too deep)") from error
    if not isinstance(body, dict):
        raise ApiError(400, "the body must be a JSON object")
    return body


async def form_body(request: Request, options: ServeOptions) -> FormData:
    """The request's form (multipart or urlencoded), its text fields bounded by ``--max-chars``.

    Raises:
        ApiError: 413 for a text field past the limit, 400 for a malformed form.
    """
    try:
        # a character is at most 4 bytes of UTF-8; the exact count is checked on the text itself
        return await request.form(max_files=2, max_fields=20, max_part_size=options.max_chars * 4 + 4096)
    except HTTPException as error:
        status = 413 if "maximum size" in str(error.detail) else 400
        raise ApiError(status, f"the form cannot be read: {error.detail}") from error


async def path_job(request: Request) -> Job:
    """The job the path names (``{job_id}``).

    Raises:
        ApiError: 404 for an id that is not one, or no such job.
    """
    job_id = request.path_params["job_id"]
    if not _JOB_ID.fullmatch(job_id):
        raise ApiError(404, "no such job")
    job = await run_in_threadpool(store_of(request).job, str(job_id))
    if job is None:
        raise ApiError(404, "no such job")
    return job


def text_field(data: Any, name: str, required: bool = True, limit: int | None = None) -> str | None:
    """The string field ``name`` of a JSON body (None when it is absent and not ``required``).

    Raises:
        ApiError: 400 when it is missing, not a string or not text (a lone surrogate), 413 when
            longer than ``limit`` characters.
    """
    value = data.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not is_text(value):
        raise ApiError(400, f"'{name}' must be a string of text" if value is not None else f"'{name}' is missing")
    if limit is not None and len(value) > limit:
        raise ApiError(413, f"'{name}' has {len(value):,} characters; the limit is {limit:,}")
    return value
