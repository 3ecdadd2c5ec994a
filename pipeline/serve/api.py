"""The JSON API under ``/api/`` (the contract: docs/serve.md, "HTTP API").

Every handler starts with ``_user`` (``auth.admit``: who is asking, within their rate limit,
with their CSRF token when they come by session), answers JSON, and reports an error as
``{"error": "one line"}`` with its status (``ApiError``). The store and the files are touched
from Starlette's thread pool (``run_in_threadpool``), so SQLite and the disk never hold up the
event loop. Uploads are stored under names the server makes (``uploads/<job id><suffix>``, the
suffix only when the reader registry knows it); the client's file name is kept as text.
"""

import io
import logging
import os
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from pipeline.batch.state import printable
from pipeline.errors import UsageError, WartaError
from pipeline.reading.formats import reader_format, why_unreadable
from pipeline.serve import ServeOptions, auth
from pipeline.serve.store import REVIEW_STATES, Conflict, DataFolder, Job, Store, StoreError, User, new_job_id
from pipeline.serve.worker import PASTED_NAME, Worker

log = logging.getLogger(__name__)

#: The longest comment, in characters.
MAX_COMMENT_CHARS = 10_000
#: The most jobs ``GET /api/jobs`` lists.
MAX_LISTED_JOBS = 500
#: What an output file is sent as (always as an attachment); anything else is octet-stream.
OUTPUT_TYPES = {
    ".txt": "text/plain; charset=utf-8", ".tsv": "text/tab-separated-values; charset=utf-8",
    ".jsonl": "application/jsonl; charset=utf-8", ".json": "application/json", ".html": "text/html; charset=utf-8",
    ".tmx": "application/xml", ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
#: Headers of every download: an attachment, never sniffed, and sandboxed if a browser shows it anyway.
DOWNLOAD_HEADERS = {"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "default-src 'none'; sandbox",
                    "Cache-Control": "no-store"}
_JOB_ID = re.compile(r"[A-Za-z0-9_-]{16}")
_GLOSSARY_SUFFIXES = (".tsv", ".txt")


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


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _worker(request: Request) -> Worker:
    worker: Worker = request.app.state.worker
    return worker


def _folder(request: Request) -> DataFolder:
    folder: DataFolder = request.app.state.folder
    return folder


def _options(request: Request) -> ServeOptions:
    options: ServeOptions = request.app.state.options
    return options


async def _user(request: Request, admin: bool = False, api_key: Any = None, csrf_field: Any = None) -> User:
    """The caller's account, admitted (``auth.admit``).

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


async def _json(request: Request) -> dict[str, Any]:
    """The request's JSON object.

    Raises:
        ApiError: 400 when the body is not a JSON object.
    """
    try:
        body = await request.json()
    except ValueError as error:
        raise ApiError(400, f"the body is not JSON ({error})") from error
    if not isinstance(body, dict):
        raise ApiError(400, "the body must be a JSON object")
    return body


async def _form(request: Request, options: ServeOptions) -> FormData:
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


def _job_id(request: Request) -> str:
    job_id = request.path_params["job_id"]
    if not _JOB_ID.fullmatch(job_id):
        raise ApiError(404, "no such job")
    return str(job_id)


async def _job(request: Request) -> Job:
    job = await run_in_threadpool(_store(request).job, _job_id(request))
    if job is None:
        raise ApiError(404, "no such job")
    return job


def _text_field(data: Any, name: str, required: bool = True, limit: int | None = None) -> str | None:
    value = data.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise ApiError(400, f"'{name}' must be a string" if value is not None else f"'{name}' is missing")
    if limit is not None and len(value) > limit:
        raise ApiError(413, f"'{name}' has {len(value):,} characters; the limit is {limit:,}")
    return value


# --- who am I ---------------------------------------------------------------------------------


async def me(request: Request) -> Response:
    """``GET /api/me``: the caller's account, and what the server offers (targets, profile, limits)."""
    user = await _user(request)
    options, settings = _options(request), _worker(request).settings
    return JSONResponse({
        "name": user.name, "role": user.role,
        "server": {"targets": list(settings.targets), "profile": settings.profile, "executor": settings.executor,
                   "max_upload_mb": options.max_upload_mb, "max_chars": options.max_chars, "rate_limit": options.rate_limit},
    })


# --- jobs -------------------------------------------------------------------------------------


def _targets(value: Any, worker: Worker) -> tuple[str, ...]:
    if value is None or value == "":
        return worker.targets
    if not isinstance(value, str):
        raise ApiError(400, "'targets' is a comma-separated list such as en,zh")
    targets = tuple(dict.fromkeys(part.strip() for part in value.split(",") if part.strip()))
    unknown = [target for target in targets if target not in worker.targets]
    if not targets or unknown:
        raise ApiError(400, f"this server translates into {','.join(worker.targets)}; got '{value}'")
    return targets


def _profile(value: Any, worker: Worker) -> str:
    profile = worker.settings.profile
    if value in (None, "", profile):
        return profile
    # One set of models for the server, loaded once: another profile would load a second set.
    raise ApiError(400, f"this server translates with the '{profile}' profile (its models are loaded once); "
                        f"got '{value}'; an admin can start it with --profile {value}")


def _save(upload: UploadFile, path: Path) -> None:
    # O_EXCL: a name is never reused; 0600: uploads are only the server's to read
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        upload.file.seek(0)
        shutil.copyfileobj(upload.file, out, 1024 * 1024)


def _save_text(text: str, path: Path) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(text)


def _check_glossary(path: Path, name: str) -> None:
    from pipeline.qa.glossary import load_glossary

    try:
        load_glossary(path)
    except UsageError as error:
        path.unlink(missing_ok=True)
        raise ApiError(400, str(error).replace(str(path), name)) from error


def _file(part: Any) -> UploadFile | None:
    # a browser sends an empty, unnamed file part for a file input left empty
    return part if isinstance(part, UploadFile) and (part.filename or part.size) else None


def _client_name(upload: UploadFile) -> str:
    # the client's name as text only: never a path here, never more than a line
    name = (upload.filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    return printable(" ".join(name.split()))[:255] or "upload"


async def submit_job(request: Request) -> Response:
    """``POST /api/jobs``: one release (``file``) or pasted ``text``; optional ``targets``, ``profile``, ``glossary``. 202 with the job."""
    options, worker, folder, store = _options(request), _worker(request), _folder(request), _store(request)
    form = await _form(request, options)
    user = await _user(request, api_key=form.get("api_key"), csrf_field=form.get("csrf_token"))
    upload, text, glossary = _file(form.get("file")), form.get("text"), _file(form.get("glossary"))
    text = text if isinstance(text, str) else None
    if upload is not None and text and text.strip():
        raise ApiError(400, "send a file or text, not both")
    if upload is None and text is None:
        raise ApiError(400, "send the release as 'file' (multipart) or 'text'")
    for part in (upload, glossary):
        if part is not None and (part.size or 0) > options.max_upload_bytes:
            raise ApiError(413, f"{_client_name(part)}: {part.size:,} bytes; the limit is {options.max_upload_mb:g} MiB")
    targets = _targets(form.get("targets"), worker)
    profile = _profile(form.get("profile"), worker)
    job_id = new_job_id()
    glossary_name = ""
    if glossary is not None:
        if worker.settings.executor != "local":
            raise ApiError(400, "a job's own glossary needs --executor local (the Ray workers keep the server's glossary)")
        if Path(glossary.filename or "").suffix.lower() not in _GLOSSARY_SUFFIXES:
            raise ApiError(400, f"{_client_name(glossary)}: a glossary is a .tsv file (id, en, zh columns)")
        glossary_name = f"{job_id}.glossary.tsv"
        await run_in_threadpool(_save, glossary, folder.uploads / glossary_name)
        await run_in_threadpool(_check_glossary, folder.uploads / glossary_name, _client_name(glossary))
    if upload is not None:
        input_name = _client_name(upload)
        suffix = Path(input_name).suffix.lower()
        if reader_format(Path(f"upload{suffix}")) is None:
            # named as the batch job names a file it cannot read; nothing is stored
            job = await run_in_threadpool(store.add_job, job_id, user.name, input_name, "", targets, profile, glossary_name,
                                          "failed", why_unreadable(Path(input_name)))
            raise ApiError(400, f"{input_name}: {job.error}", {"job": job.as_json()})
        stored = f"{job_id}{suffix}"
        await run_in_threadpool(_save, upload, folder.uploads / stored)
    else:
        text = text or ""
        if len(text) > options.max_chars:
            raise ApiError(413, f"the text has {len(text):,} characters; the limit is {options.max_chars:,}")
        if not text.strip():
            raise ApiError(400, "the text is empty")
        input_name, stored = PASTED_NAME, f"{job_id}.txt"
        await run_in_threadpool(_save_text, text, folder.uploads / stored)
    job = await run_in_threadpool(store.add_job, job_id, user.name, input_name, stored, targets, profile, glossary_name)
    worker.wake()
    return JSONResponse(job.as_json(), 202, headers={"Location": f"/api/jobs/{job.id}"})


async def list_jobs(request: Request) -> Response:
    """``GET /api/jobs``: jobs newest first (``?mine=1``: the caller's own; ``?limit=N``)."""
    user = await _user(request)
    try:
        limit = min(max(int(request.query_params.get("limit", "200")), 1), MAX_LISTED_JOBS)
    except ValueError as error:
        raise ApiError(400, "'limit' is a number") from error
    owner = user.name if request.query_params.get("mine") in ("1", "true", "yes") else None
    jobs = await run_in_threadpool(_store(request).jobs, owner, limit)
    return JSONResponse({"jobs": [job.as_json() for job in jobs]})


async def get_job(request: Request) -> Response:
    """``GET /api/jobs/{id}``: one job with its progress, error, outputs and review counts."""
    await _user(request)
    return JSONResponse((await _job(request)).as_json())


def _output_path(request: Request, job: Job, name: str) -> Path:
    if job.status != "done":
        raise ApiError(409, f"the job is {job.status}; its outputs come when it is done")
    if name not in job.outputs:  # only the files warta wrote for the job: never the upload, never a path
        raise ApiError(404, f"the job has no output '{printable(name)[:100]}'; it has {', '.join(job.outputs)}")
    path = _folder(request).jobs / job.id / name
    if not path.is_file():
        raise ApiError(404, f"the output '{name}' is missing from the job's folder")
    return path


async def get_output(request: Request) -> Response:
    """``GET /api/jobs/{id}/outputs/{file}``: one output file, as an attachment."""
    await _user(request)
    job = await _job(request)
    name = request.path_params["name"]
    path = _output_path(request, job, name)
    media_type = OUTPUT_TYPES.get(path.suffix, "application/octet-stream")
    return FileResponse(path, media_type=media_type, filename=name, content_disposition_type="attachment", headers=DOWNLOAD_HEADERS)


def _zip_outputs(folder: Path, names: tuple[str, ...]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            if (folder / name).is_file():
                archive.write(folder / name, name)
    return buffer.getvalue()


async def get_outputs_zip(request: Request) -> Response:
    """``GET /api/jobs/{id}/outputs.zip``: every output of a done job in one zip."""
    await _user(request)
    job = await _job(request)
    if job.status != "done":
        raise ApiError(409, f"the job is {job.status}; its outputs come when it is done")
    content = await run_in_threadpool(_zip_outputs, _folder(request).jobs / job.id, job.outputs)
    return Response(content, media_type="application/zip",
                    headers={**DOWNLOAD_HEADERS, "Content-Disposition": f'attachment; filename="warta-{job.id}.zip"'})


# --- review -----------------------------------------------------------------------------------


async def get_segments(request: Request) -> Response:
    """``GET /api/jobs/{id}/segments``: the rows with their states, suggestions and comments; ``approved`` and ``total``."""
    await _user(request)
    job = await _job(request)
    segments = await run_in_threadpool(_store(request).segments, job.id)
    return JSONResponse({
        "job": job.id, "status": job.status, "targets": list(job.targets),
        "approved": sum(segment.approved for segment in segments), "total": len(segments),
        "segments": [segment.as_json() for segment in segments],
    })


def _row(request: Request) -> int:
    return int(request.path_params["row"])


async def change_segment(request: Request) -> Response:
    """``PATCH /api/jobs/{id}/segments/{row}``: ``{"target", "text", "base", "state"}``; 409 with the row on a conflict."""
    body = await _json(request)
    user = await _user(request, api_key=body.get("api_key"))
    job = await _job(request)
    limit = _options(request).max_chars
    target = _text_field(body, "target")
    base = _text_field(body, "base", limit=limit)
    state = _text_field(body, "state", required=False) or "edited"
    text = _text_field(body, "text", required=state != "approved", limit=limit)
    if target not in job.targets:
        raise ApiError(400, f"'target' is one of the job's targets ({', '.join(job.targets)}); got '{target}'")
    if state not in REVIEW_STATES:
        raise ApiError(400, f"'state' is {' or '.join(REVIEW_STATES)}; got '{state}'")
    store = _store(request)
    try:
        segment = await run_in_threadpool(store.change_segment, job.id, _row(request), str(target),
                                          str(base if text is None else text), str(base), state, user.name)
    except Conflict as conflict:
        raise ApiError(409, str(conflict), {"segment": conflict.current.as_json()}) from conflict
    except StoreError as error:
        raise ApiError(404, str(error)) from error
    try:
        await run_in_threadpool(_worker(request).remember, job, segment)
    except WartaError as error:  # the edit is kept; only the memory missed it (busy, read-only)
        log.warning("job %s row %d: the edit is saved but not in the translation memory: %s", job.id, segment.row, error)
    return JSONResponse(segment.as_json())


async def segment_history(request: Request) -> Response:
    """``GET /api/jobs/{id}/segments/{row}/history``: the row's changes, oldest first."""
    await _user(request)
    job = await _job(request)
    changes = await run_in_threadpool(_store(request).history, job.id, _row(request))
    return JSONResponse({"job": job.id, "row": _row(request), "history": [change.as_json() for change in changes]})


async def add_comment(request: Request) -> Response:
    """``POST /api/jobs/{id}/segments/{row}/comments``: ``{"text"}``; 201 with the comment."""
    body = await _json(request)
    user = await _user(request, api_key=body.get("api_key"))
    job = await _job(request)
    text = _text_field(body, "text", limit=MAX_COMMENT_CHARS)
    if not text or not text.strip():
        raise ApiError(400, "the comment is empty")
    try:
        comment = await run_in_threadpool(_store(request).add_comment, job.id, _row(request), text.strip(), user.name)
    except StoreError as error:
        raise ApiError(404, str(error)) from error
    return JSONResponse(comment.as_json(), 201)


# --- accounts and keys (admin) ----------------------------------------------------------------


async def list_users(request: Request) -> Response:
    """``GET /api/users`` (admin): every account with its keys' ids."""
    await _user(request, admin=True)
    store = _store(request)

    def listed() -> list[dict[str, Any]]:
        return [{"name": user.name, "role": user.role,
                 "keys": [{"id": key.id, "created_at": key.created_at} for key in store.keys(user.name)]} for user in store.users()]

    return JSONResponse({"users": await run_in_threadpool(listed)})


async def add_user(request: Request) -> Response:
    """``POST /api/users`` (admin): ``{"name", "role", "password"?}``; 201 with the account's first key (shown once)."""
    body = await _json(request)
    await _user(request, admin=True, api_key=body.get("api_key"))
    name = _text_field(body, "name", limit=64) or ""
    role = _text_field(body, "role", required=False) or "reviewer"
    password = _text_field(body, "password", required=False, limit=1000)
    try:
        user, key = await run_in_threadpool(auth.create_account, _store(request), name, role, password)
    except (UsageError, StoreError) as error:
        raise ApiError(400, str(error)) from error
    return JSONResponse({"name": user.name, "role": user.role, "api_key": key}, 201)


async def _own_or_admin(request: Request, api_key: Any = None) -> str:
    user = await _user(request, api_key=api_key)
    name = str(request.path_params["name"])
    if name != user.name and not user.is_admin:
        raise ApiError(403, "only an admin manages another account's keys")
    return name


async def add_key(request: Request) -> Response:
    """``POST /api/users/{name}/keys`` (the account itself, or an admin): 201 with a new key (shown once)."""
    name = await _own_or_admin(request)
    try:
        key_id, key = await run_in_threadpool(auth.create_api_key, _store(request), name)
    except StoreError as error:
        raise ApiError(404, str(error)) from error
    return JSONResponse({"id": key_id, "api_key": key}, 201)


async def delete_key(request: Request) -> Response:
    """``DELETE /api/users/{name}/keys/{key_id}`` (the account itself, or an admin): 204, the key revoked."""
    name = await _own_or_admin(request)
    if not await run_in_threadpool(_store(request).delete_key, name, str(request.path_params["key_id"])):
        raise ApiError(404, "no such key")
    return Response(status_code=204)


async def memory_stats(request: Request) -> Response:
    """``GET /api/memory``: what the office's translation memory holds."""
    await _user(request)
    from pipeline.memory import TranslationMemory

    path = _worker(request).settings.memory

    def stats() -> dict[str, Any]:
        if path is None:
            return {"entries": 0}
        with TranslationMemory(path) as memory:
            found = memory.stats()
        return {"entries": found.entries, "with_en": found.with_en, "with_zh": found.with_zh,
                "oldest": found.oldest or None, "newest": found.newest or None}

    return JSONResponse(await run_in_threadpool(stats))


def routes() -> list[BaseRoute]:
    """The API's routes, under ``/api/``."""
    return [
        Route("/api/me", me, methods=["GET"]),
        Route("/api/jobs", submit_job, methods=["POST"]),
        Route("/api/jobs", list_jobs, methods=["GET"]),
        Route("/api/jobs/{job_id}", get_job, methods=["GET"]),
        Route("/api/jobs/{job_id}/outputs.zip", get_outputs_zip, methods=["GET"]),
        Route("/api/jobs/{job_id}/outputs/{name}", get_output, methods=["GET"]),
        Route("/api/jobs/{job_id}/segments", get_segments, methods=["GET"]),
        Route("/api/jobs/{job_id}/segments/{row:int}", change_segment, methods=["PATCH"]),
        Route("/api/jobs/{job_id}/segments/{row:int}/history", segment_history, methods=["GET"]),
        Route("/api/jobs/{job_id}/segments/{row:int}/comments", add_comment, methods=["POST"]),
        Route("/api/users", list_users, methods=["GET"]),
        Route("/api/users", add_user, methods=["POST"]),
        Route("/api/users/{name}/keys", add_key, methods=["POST"]),
        Route("/api/users/{name}/keys/{key_id}", delete_key, methods=["DELETE"]),
        Route("/api/memory", memory_stats, methods=["GET"]),
    ]
