"""The JSON API's review of a done job: its rows, an edit, many approvals at once, a row's history, comments.

An edit or approval names the text it was made on (``base``); a row changed by another reviewer
since is refused (409 with the row now) or, in a bulk approval, reported as a conflict and left
as it is, so nothing is overwritten unseen. What a reviewer edits or approves goes into the
office's translation memory at once (``Worker.remember``).
"""

import logging
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from pipeline.errors import WartaError
from pipeline.serve.api_request import ApiError, caller_account, json_body, options_of, path_job, store_of, text_field, worker_of
from pipeline.serve.cleaning import clean_text
from pipeline.serve.store import REVIEW_STATES, Conflict, Job, Segment, StoreError

log = logging.getLogger(__name__)

#: The longest comment, in characters.
MAX_COMMENT_CHARS = 10_000
#: The most (row, target) pairs one bulk approval may name.
MAX_APPROVALS = 5_000
#: Rows are numbered from 1; no job has more (and SQLite's integers end well before the path's).
MAX_ROW = 2**31 - 1


async def get_segments(request: Request) -> Response:
    """``GET /api/jobs/{id}/segments``: the rows with their states, suggestions and comments; ``approved`` and ``total``."""
    await caller_account(request)
    job = await path_job(request)
    segments = await run_in_threadpool(store_of(request).segments, job.id)
    return JSONResponse({
        "job": job.id, "status": job.status, "targets": list(job.targets),
        "approved": sum(segment.approved for segment in segments), "total": len(segments),
        "segments": [segment.as_json() for segment in segments],
    })


def _row(request: Request) -> int:
    row = int(request.path_params["row"])
    if not 0 <= row <= MAX_ROW:
        raise ApiError(404, f"the job has no row {row}")
    return row


async def _remember(request: Request, job: Job, segments: list[Segment]) -> None:
    try:
        await run_in_threadpool(worker_of(request).remember, job, segments)
    except WartaError as error:  # the review is kept; only the memory missed it (busy, read-only)
        log.warning("job %s: the review is saved but not in the translation memory: %s", job.id, error)


async def change_segment(request: Request) -> Response:
    """``PATCH /api/jobs/{id}/segments/{row}``: ``{"target", "text", "base", "state"}``; 409 with the row on a conflict."""
    body = await json_body(request)
    user = await caller_account(request, api_key=body.get("api_key"))
    job = await path_job(request)
    limit = options_of(request).max_chars
    target = text_field(body, "target")
    base = text_field(body, "base", limit=limit)
    state = text_field(body, "state", required=False) or "edited"
    text = text_field(body, "text", required=state != "approved", limit=limit)
    text = clean_text(text) if text is not None else None  # control characters would break every download's XML
    if target not in job.targets:
        raise ApiError(400, f"'target' is one of the job's targets ({', '.join(job.targets)}); got '{target}'")
    if state not in REVIEW_STATES:
        raise ApiError(400, f"'state' is {' or '.join(REVIEW_STATES)}; got '{state}'")
    try:
        segment = await run_in_threadpool(store_of(request).change_segment, job.id, _row(request), str(target),
                                          str(base if text is None else text), str(base), state, user.name)
    except Conflict as conflict:
        raise ApiError(409, str(conflict), {"segment": conflict.current.as_json()}) from conflict
    except StoreError as error:
        raise ApiError(404, str(error)) from error
    await _remember(request, job, [segment])
    return JSONResponse(segment.as_json())


def _approvals(body: dict[str, Any], job: Job, limit: int) -> list[tuple[int, str, str]]:
    items = body.get("items")
    if not isinstance(items, list) or not items:
        raise ApiError(400, "'items' is a list of {\"row\", \"target\", \"base\"}: the texts to approve as you saw them")
    if len(items) > MAX_APPROVALS:
        raise ApiError(413, f"'items' has {len(items):,} entries; send at most {MAX_APPROVALS:,} at a time")
    approvals = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("row"), int) or isinstance(item.get("row"), bool):
            raise ApiError(400, f"item {number}: 'row' is a row number")
        target = text_field(item, "target")
        if target not in job.targets:
            raise ApiError(400, f"item {number}: 'target' is one of the job's targets ({', '.join(job.targets)}); got '{target}'")
        approvals.append((int(item["row"]), str(target), str(text_field(item, "base", limit=limit))))
    return approvals


async def approve_segments(request: Request) -> Response:
    """``POST /api/jobs/{id}/segments/approve``: ``{"items": [{"row", "target", "base"}, ...]}``, approved in one transaction.

    Answers 200 ``{"job", "approved", "unchanged", "conflicts", "segments"}``: the pairs approved
    now, those approved with that text already, those another reviewer changed since (left as
    they are), and every row named, as it is now.
    """
    body = await json_body(request)
    user = await caller_account(request, api_key=body.get("api_key"))
    job = await path_job(request)
    approvals = _approvals(body, job, options_of(request).max_chars)
    try:
        done = await run_in_threadpool(store_of(request).approve_segments, job.id, approvals, user.name)
    except StoreError as error:
        raise ApiError(404, str(error)) from error
    approved_rows = {row for row, _ in done.approved}
    await _remember(request, job, [segment for segment in done.segments if segment.row in approved_rows])
    return JSONResponse({"job": job.id, **done.as_json()})


async def segment_history(request: Request) -> Response:
    """``GET /api/jobs/{id}/segments/{row}/history``: the row's changes, oldest first."""
    await caller_account(request)
    job = await path_job(request)
    changes = await run_in_threadpool(store_of(request).history, job.id, _row(request))
    return JSONResponse({"job": job.id, "row": _row(request), "history": [change.as_json() for change in changes]})


async def add_comment(request: Request) -> Response:
    """``POST /api/jobs/{id}/segments/{row}/comments``: ``{"text"}``; 201 with the comment."""
    body = await json_body(request)
    user = await caller_account(request, api_key=body.get("api_key"))
    job = await path_job(request)
    text = clean_text(text_field(body, "text", limit=MAX_COMMENT_CHARS) or "")
    if not text.strip():
        raise ApiError(400, "the comment is empty")
    try:
        comment = await run_in_threadpool(store_of(request).add_comment, job.id, _row(request), text.strip(), user.name)
    except StoreError as error:
        raise ApiError(404, str(error)) from error
    return JSONResponse(comment.as_json(), 201)
