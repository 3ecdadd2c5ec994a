"""The Starlette app of ``warta serve``: routes, middleware, and the life of the worker thread.

Why Starlette: ASGI, small and well kept, with sessions, uploads and a test client; FastAPI
would add pydantic and an OpenAPI layer that warta does not need (docs/serve.md, "Shape").

Threads: uvicorn runs the app on one event loop; handlers do their SQLite and file work in
Starlette's thread pool, so the loop answers page and API requests while the one worker thread
(``worker.py``) translates. Middleware, outermost first:

1. ``SecurityHeaders``: every response carries the page's Content-Security-Policy (scripts,
   styles and requests to this server only, nothing inline), ``nosniff``, no framing, no
   referrer; API answers are never cached. (A 500 is sent by Starlette outside every middleware:
   its handler, ``_server_error``, puts the same headers on it.)
2. ``BodyLimit``: a body larger than the upload limit (and a margin for the form's other
   fields) is refused with 413, by its ``Content-Length`` before a byte is read, or as soon as
   the bytes streamed pass it.
3. Starlette's ``SessionMiddleware``: the signed session cookie (HttpOnly, SameSite=Lax: a review
   link opened from e-mail or chat brings the session; every change needs the CSRF token).
"""

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pipeline.errors import UsageError
from pipeline.memory import TranslationMemory
from pipeline.serve import ServeOptions, api, libretranslate, pages
from pipeline.serve.accounts import session_secret
from pipeline.serve.api_request import ApiError
from pipeline.serve.auth import SESSION_COOKIE, SESSION_LIFETIME, SESSION_SAME_SITE, AuthState, CsrfRefused
from pipeline.serve.ratelimit import RateLimited
from pipeline.serve.review_outputs import ReviewedOutputs
from pipeline.serve.store import DataFolder, Store
from pipeline.serve.worker import Worker
from pipeline.settings import Settings

if TYPE_CHECKING:
    from pipeline.orchestrator import Warta

log = logging.getLogger(__name__)

#: What every page allows itself (the same as ``pages.CONTENT_SECURITY_POLICY``): its own
#: script, style and API, nothing inline, no request to anywhere else.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
#: Headers every response carries (a handler's own value of one wins).
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
#: Bytes a request may have beyond the upload limit: the form's other fields and a glossary.
BODY_MARGIN = 2 * 1024 * 1024


class BodyTooLarge(Exception):
    """A request body streamed past the limit (answered 413)."""


class SecurityHeaders:
    """ASGI middleware: ``SECURITY_HEADERS`` on every response, ``no-store`` on the API's."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    if name not in headers:
                        headers[name] = value
                if scope["path"].startswith("/api/") and "cache-control" not in headers:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """ASGI middleware: refuse a request body over ``limit`` bytes with 413.

    Args:
        app: the app.
        limit: the most bytes a body may have.
    """

    def __init__(self, app: ASGIApp, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.limit:
            response = JSONResponse({"error": self._message()}, 413, headers={"Connection": "close"})
            await response(scope, receive, send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise BodyTooLarge(self._message())
            return message

        await self.app(scope, limited_receive, send)

    def _message(self) -> str:
        return f"the request is larger than the upload limit ({(self.limit - BODY_MARGIN) / 1024 / 1024:g} MiB)"


class Lifecycle:
    """What a running server holds beyond the app: the data folder's lock and the worker thread.

    ``open`` and ``close`` are idempotent: ``run_serve`` opens before uvicorn starts (so a busy
    folder or bad settings are one line, not a traceback), and the app's lifespan opens (for a
    test client) and closes.
    """

    def __init__(self, folder: DataFolder, worker: Worker):
        self.folder, self.worker = folder, worker
        self._lock: Any = None

    def open(self) -> None:
        """Take the data folder's lock and start the worker.

        Raises:
            UsageError: another server uses the folder; or the settings do not fit (from the worker).
            ModelError: the executor cannot start.
        """
        if self._lock is None:
            from filelock import FileLock, Timeout

            lock = FileLock(self.folder.lock, timeout=0)
            try:
                lock.acquire()
            except Timeout as error:
                raise UsageError(f"{self.folder.root}: another warta serve uses this data folder; stop it first, "
                                 f"or give --data another folder") from error
            self._lock = lock
        if not self.worker.alive:
            try:
                self.worker.start()
            except BaseException:
                self.close()
                raise

    def close(self) -> None:
        """Stop the worker (the job in flight goes back to the queue) and release the lock."""
        self.worker.stop()
        if self._lock is not None:
            self._lock.release()
            self._lock = None


def _error_response(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status, headers=headers)


async def _api_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, ApiError)
    return error.response()


async def _rate_limited(request: Request, error: Exception) -> Response:
    assert isinstance(error, RateLimited)
    return _error_response(429, f"Slowdown: {error}", {"Retry-After": str(error.retry_after)})


async def _csrf_refused(request: Request, error: Exception) -> Response:
    return _error_response(403, str(error))


async def _body_too_large(request: Request, error: Exception) -> Response:
    return _error_response(413, str(error), {"Connection": "close"})


async def _server_error(request: Request, error: Exception) -> Response:
    # Starlette's outermost middleware sends this answer past ``SecurityHeaders``: it carries them
    # itself; and uvicorn drops the connection after it, so the client is told not to reuse it
    return JSONResponse({"error": "the server failed on this request; tell the person who runs warta (its log says why)"},
                        500, headers={**SECURITY_HEADERS, "Cache-Control": "no-store", "Connection": "close"})


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    return _error_response(error.status_code, str(error.detail), dict(error.headers or {}))


def create_app(settings: Settings, data_dir: Path, options: ServeOptions | None = None,
               make_warta: Callable[[Settings], "Warta"] | None = None) -> Starlette:
    """The app of one server on the data folder ``data_dir``.

    Args:
        settings: how to translate (the ``translate`` options); ``memory`` defaults to the
            office memory ``DATA/memory.sqlite`` (made when missing).
        data_dir: the data folder (made when missing, mode 0700).
        options: limits and trust settings; None for the defaults.
        make_warta: builds the server's Warta in the worker thread; None for ``Warta``.

    Returns:
        The app; starting it (its lifespan, or ``app.state.lifecycle.open()``) takes the data
        folder's lock and starts the worker thread.

    Raises:
        WartaError: the data folder or its database cannot be used.
    """
    options = options or ServeOptions()
    folder = DataFolder(Path(data_dir))
    folder.create()
    store = Store(folder.database)
    memory = Path(settings.memory) if settings.memory else folder.memory
    TranslationMemory(memory, create=True).close()  # Warta needs the file; the first server makes it
    settings = replace(settings, memory=memory)
    if make_warta is None:
        from pipeline.orchestrator import Warta

        make_warta = Warta
    worker = Worker(store, folder, settings, options, make_warta)
    lifecycle = Lifecycle(folder, worker)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await run_in_threadpool(lifecycle.open)
        try:
            yield
        finally:
            await run_in_threadpool(lifecycle.close)

    app = Starlette(
        routes=[*api.routes(), *libretranslate.routes(), *pages.routes()],
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(BodyLimit, limit=options.max_upload_bytes + BODY_MARGIN),
            Middleware(SessionMiddleware, secret_key=session_secret(folder.session_secret), session_cookie=SESSION_COOKIE,
                       max_age=int(SESSION_LIFETIME.total_seconds()), same_site=SESSION_SAME_SITE),
        ],
        exception_handlers={
            ApiError: _api_error, RateLimited: _rate_limited, CsrfRefused: _csrf_refused, BodyTooLarge: _body_too_large,
            HTTPException: _http_error, Exception: _server_error,
        },
        lifespan=lifespan,
    )
    app.state.store, app.state.worker, app.state.folder, app.state.options = store, worker, folder, options
    app.state.auth = AuthState.create(store, options)
    app.state.reviewed_outputs = ReviewedOutputs(store, folder)
    app.state.lifecycle = lifecycle
    return app
