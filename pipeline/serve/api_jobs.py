"""The JSON API's jobs: who am I, submit a release, the queue, one job, and its outputs (one file or a zip).

Uploads are stored under names the server makes (``uploads/<job id><suffix>``, the suffix only
when the reader registry knows it); the client's file name is kept as text. Outputs are read
through ``ReviewedOutputs``, so a download carries the review as it is when it is asked for, and
go out as attachments that are never sniffed.
"""

import io
import os
import shutil
import zipfile
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from pipeline.batch.state import printable
from pipeline.errors import UsageError
from pipeline.reading.formats import reader_format, why_unreadable
from pipeline.serve.api_request import (
    ApiError,
    caller_account,
    folder_of,
    form_body,
    options_of,
    path_job,
    store_of,
    worker_of,
)
from pipeline.serve.cleaning import clean_line, clean_text
from pipeline.serve.review_outputs import ReviewedOutputs, ReviewedOutputsError
from pipeline.serve.store import Job, new_job_id
from pipeline.serve.worker import PASTED_NAME, Worker

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
_GLOSSARY_SUFFIXES = (".tsv", ".txt")


async def me(request: Request) -> Response:
    """``GET /api/me``: the caller's account, and what the server offers (targets, profile, limits)."""
    user = await caller_account(request)
    options, settings = options_of(request), worker_of(request).settings
    return JSONResponse({
        "name": user.name, "role": user.role,
        "server": {"targets": list(settings.targets), "profile": settings.profile, "executor": settings.executor,
                   "max_upload_mb": options.max_upload_mb, "max_chars": options.max_chars, "rate_limit": options.rate_limit},
    })


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
    # the client's name as text only: never a path here, one line without control characters
    # (it is shown and logged), at most 255 characters with its suffix kept (which picks the reader)
    name = clean_line(printable((upload.filename or "").replace("\\", "/").rsplit("/", 1)[-1]))
    suffix = Path(name).suffix[:16]
    return (name if len(name) <= 255 else name[: 255 - len(suffix)] + suffix) or "upload"


async def submit_job(request: Request) -> Response:
    """``POST /api/jobs``: one release (``file``) or pasted ``text``; optional ``targets``, ``profile``, ``glossary``. 202 with the job."""
    options, worker, folder, store = options_of(request), worker_of(request), folder_of(request), store_of(request)
    form = await form_body(request, options)
    user = await caller_account(request, api_key=form.get("api_key"), csrf_field=form.get("csrf_token"))
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
        await run_in_threadpool(_save_text, clean_text(text), folder.uploads / stored)
    job = await run_in_threadpool(store.add_job, job_id, user.name, input_name, stored, targets, profile, glossary_name)
    worker.wake()
    return JSONResponse(job.as_json(), 202, headers={"Location": f"/api/jobs/{job.id}"})


async def list_jobs(request: Request) -> Response:
    """``GET /api/jobs``: jobs newest first (``?mine=1``: the caller's own; ``?limit=N``)."""
    user = await caller_account(request)
    try:
        limit = min(max(int(request.query_params.get("limit", "200")), 1), MAX_LISTED_JOBS)
    except ValueError as error:
        raise ApiError(400, "'limit' is a number") from error
    owner = user.name if request.query_params.get("mine") in ("1", "true", "yes") else None
    jobs = await run_in_threadpool(store_of(request).jobs, owner, limit)
    return JSONResponse({"jobs": [job.as_json() for job in jobs]})


async def get_job(request: Request) -> Response:
    """``GET /api/jobs/{id}``: one job with its progress, error, outputs and review counts."""
    await caller_account(request)
    return JSONResponse((await path_job(request)).as_json())


def _done(job: Job) -> Job:
    if job.status != "done":
        raise ApiError(409, f"the job is {job.status}; its outputs come when it is done")
    return job


async def _read_outputs(request: Request, job: Job, names: tuple[str, ...]) -> dict[str, bytes]:
    outputs: ReviewedOutputs = request.app.state.reviewed_outputs
    try:
        return await run_in_threadpool(outputs.read, job, names)
    except ReviewedOutputsError as error:
        raise ApiError(500, str(error)) from error


async def get_output(request: Request) -> Response:
    """``GET /api/jobs/{id}/outputs/{file}``: one output file with the review as it is now, as an attachment."""
    await caller_account(request)
    job = _done(await path_job(request))
    name = str(request.path_params["name"])
    if name not in job.outputs:  # only the files warta wrote for the job: never the upload, never a path
        raise ApiError(404, f"the job has no output '{printable(name)[:100]}'; it has {', '.join(job.outputs)}")
    content = (await _read_outputs(request, job, (name,))).get(name)
    if content is None:
        raise ApiError(404, f"the output '{name}' is missing from the job's folder")
    media_type = OUTPUT_TYPES.get(Path(name).suffix, "application/octet-stream")
    return Response(content, media_type=media_type,
                    headers={**DOWNLOAD_HEADERS, "Content-Disposition": f'attachment; filename="{name}"'})


def _zip(contents: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in contents.items():
            archive.writestr(name, content)
    return buffer.getvalue()


async def get_outputs_zip(request: Request) -> Response:
    """``GET /api/jobs/{id}/outputs.zip``: every output of a done job, with the review as it is now, in one zip."""
    await caller_account(request)
    job = _done(await path_job(request))
    content = await run_in_threadpool(_zip, await _read_outputs(request, job, job.outputs))
    return Response(content, media_type="application/zip",
                    headers={**DOWNLOAD_HEADERS, "Content-Disposition": f'attachment; filename="warta-{job.id}.zip"'})
