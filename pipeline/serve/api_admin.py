"""The JSON API's accounts and keys (an admin's, or an account's own keys), and what the office memory holds."""

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from pipeline.errors import UsageError
from pipeline.serve import accounts
from pipeline.serve.api_request import ApiError, caller_account, json_body, store_of, text_field, worker_of
from pipeline.serve.store import StoreError


async def list_users(request: Request) -> Response:
    """``GET /api/users`` (admin): every account with its keys' ids."""
    await caller_account(request, admin=True)
    store = store_of(request)

    def listed() -> list[dict[str, Any]]:
        return [{"name": user.name, "role": user.role,
                 "keys": [{"id": key.id, "created_at": key.created_at} for key in store.keys(user.name)]} for user in store.users()]

    return JSONResponse({"users": await run_in_threadpool(listed)})


async def add_user(request: Request) -> Response:
    """``POST /api/users`` (admin): ``{"name", "role", "password"?}``; 201 with the account's first key (shown once)."""
    body = await json_body(request)
    await caller_account(request, admin=True, api_key=body.get("api_key"))
    name = text_field(body, "name", limit=64) or ""
    role = text_field(body, "role", required=False) or "reviewer"
    password = text_field(body, "password", required=False, limit=1000)
    try:
        user, key = await run_in_threadpool(accounts.create_account, store_of(request), name, role, password)
    except (UsageError, StoreError) as error:
        raise ApiError(400, str(error)) from error
    return JSONResponse({"name": user.name, "role": user.role, "api_key": key}, 201)


async def _own_or_admin(request: Request) -> str:
    user = await caller_account(request)
    name = str(request.path_params["name"])
    if name != user.name and not user.is_admin:
        raise ApiError(403, "only an admin manages another account's keys")
    return name


async def add_key(request: Request) -> Response:
    """``POST /api/users/{name}/keys`` (the account itself, or an admin): 201 with a new key (shown once);
    409 when the account holds ``accounts.MAX_KEYS_PER_ACCOUNT`` already."""
    name = await _own_or_admin(request)
    try:
        key_id, key = await run_in_threadpool(accounts.create_api_key, store_of(request), name)
    except StoreError as error:
        raise ApiError(404, str(error)) from error
    except UsageError as error:
        raise ApiError(409, str(error)) from error
    return JSONResponse({"id": key_id, "api_key": key}, 201)


async def delete_key(request: Request) -> Response:
    """``DELETE /api/users/{name}/keys/{key_id}`` (the account itself, or an admin): 204, the key revoked."""
    name = await _own_or_admin(request)
    if not await run_in_threadpool(store_of(request).delete_key, name, str(request.path_params["key_id"])):
        raise ApiError(404, "no such key")
    return Response(status_code=204)


async def memory_stats(request: Request) -> Response:
    """``GET /api/memory``: what the office's translation memory holds."""
    await caller_account(request)
    from pipeline.memory import TranslationMemory

    path = worker_of(request).settings.memory

    def stats() -> dict[str, Any]:
        if path is None:
            return {"entries": 0}
        with TranslationMemory(path) as memory:
            found = memory.stats()
        return {"entries": found.entries, "with_en": found.with_en, "with_zh": found.with_zh,
                "oldest": found.oldest or None, "newest": found.newest or None}

    return JSONResponse(await run_in_threadpool(stats))
