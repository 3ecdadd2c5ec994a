"""LibreTranslate's API on warta: ``POST /translate`` and ``GET /languages``.

Requests come as LibreTranslate clients send them: a JSON body, or a form (urlencoded or
multipart) with ``q`` (a string, or in JSON a list of strings), ``source``, ``target``,
``format`` and ``api_key``. The answer is ``{"translatedText": ...}``, a list for a list.
Errors are answered as LibreTranslate answers them: ``{"error": "..."}`` with 400 for a
request it cannot do (a missing field, an unsupported language or format, no API key), 403 for
a wrong key, 429 over the rate limit; and, as warta's API does, 413 past ``--max-chars``.

Translation is synchronous for the client but goes through the server's one worker thread
(``Worker.translate_texts``: the request lane, served before the next queued job), so the
models are never used by two threads at once and no review job is made. Each line of a text is
translated as a paragraph and the line breaks come back where they were. ``format=html`` is
accepted and the text translated as plain text (no markup is parsed).
"""

import asyncio
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from pipeline.errors import InputError, WartaError, one_line
from pipeline.serve import auth
from pipeline.serve.api_request import ApiError
from pipeline.serve.cleaning import is_text
from pipeline.serve.worker import Worker

#: The target codes clients send, and warta's language for each (LibreTranslate names Chinese
#: ``zh-Hans`` since 1.7, ``zh`` before; ``zh-CN`` is what many clients send).
TARGET_CODES = {"en": "en", "zh": "zh", "zh-hans": "zh", "zh-cn": "zh"}
#: The codes ``/languages`` lists for warta's targets.
LISTED_CODES = {"en": ("en", "English"), "zh": ("zh-Hans", "Chinese (Simplified)")}
#: ``source`` values: ``auto`` checks that the text is Indonesian; ``id`` translates it anyway.
SOURCE_CODES = ("auto", "id")
#: The most texts one request may hold in ``q``.
MAX_TEXTS = 1000


def _worker(request: Request) -> Worker:
    worker: Worker = request.app.state.worker
    return worker


async def _fields(request: Request) -> dict[str, Any]:
    """The request's fields, from a JSON body or a form, as LibreTranslate reads them."""
    if "json" in request.headers.get("content-type", ""):
        try:
            body = await request.json()
        except (ValueError, RecursionError) as error:  # RecursionError: nested thousands deep
            raise ApiError(400, "Invalid JSON format") from error
        if not isinstance(body, dict):
            raise ApiError(400, "Invalid JSON format")
        return body
    form = await request.form(max_files=0, max_fields=MAX_TEXTS + 10)
    fields: dict[str, Any] = {name: value for name, value in form.items() if not isinstance(value, UploadFile)}
    texts = [value for value in form.getlist("q") if isinstance(value, str)]
    if len(texts) > 1:  # q given several times: a list, as the JSON list
        fields["q"] = texts
    elif texts:
        # as LibreTranslate: a form's line endings become \n, so character limits count the same
        fields["q"] = "\n".join(texts[0].splitlines())
    return fields


async def translate(request: Request) -> Response:
    """``POST /translate``: LibreTranslate's translate request."""
    fields = await _fields(request)
    api_key = fields.get("api_key") if isinstance(fields.get("api_key"), str) else None
    caller = await run_in_threadpool(auth.resolve, request, api_key)
    if caller.user is None:
        await run_in_threadpool(auth.admit, request, api_key)  # a flood without a key is limited by address
        if caller.key_given:
            raise ApiError(403, "Invalid API key")
        raise ApiError(400, "Please contact the server operator to get an API key")
    q, source, target_code, text_format = fields.get("q"), fields.get("source"), fields.get("target"), fields.get("format")
    for name, value in (("q", q), ("source", source), ("target", target_code)):
        if not value:
            raise ApiError(400, f"Invalid request: missing {name} parameter")
    batch = isinstance(q, list)
    given: list[Any] = q if isinstance(q, list) else [q]
    texts = [text for text in given if isinstance(text, str) and is_text(text)]
    if len(texts) != len(given):
        raise ApiError(400, "Invalid request: q must be a string or a list of strings")
    if not all(is_text(value) for value in (source, target_code, text_format) if isinstance(value, str)):
        raise ApiError(400, "Invalid request: source, target and format must be text")
    if len(texts) > MAX_TEXTS:
        raise ApiError(400, f"Invalid request: request ({len(texts)}) exceeds text limit ({MAX_TEXTS})")
    worker = _worker(request)
    source = str(source).strip().lower()
    if source not in SOURCE_CODES:
        raise ApiError(400, f"{source} is not supported")
    target = TARGET_CODES.get(str(target_code).strip().lower())
    if target is None or target not in worker.targets:
        raise ApiError(400, f"{target_code} is not supported")
    if text_format not in (None, "", "text", "html"):
        raise ApiError(400, f"{text_format} format is not supported")
    characters = sum(len(text) for text in texts)
    limit = request.app.state.options.max_chars
    if characters > limit:
        raise ApiError(413, f"Invalid request: request ({characters}) exceeds text limit ({limit})")
    await run_in_threadpool(auth.admit, request, api_key, characters)
    try:
        translated = await asyncio.wrap_future(worker.translate_texts(texts, target, source))
    except InputError as error:
        raise ApiError(400, one_line(error)) from error
    except WartaError as error:
        raise ApiError(503, one_line(error)) from error
    return JSONResponse({"translatedText": translated if batch else translated[0]})


async def languages(request: Request) -> Response:
    """``GET /languages``: Indonesian in, the server's targets out, in LibreTranslate's shape."""
    await run_in_threadpool(auth.admit, request)  # no key needed, as LibreTranslate; still limited
    targets = [LISTED_CODES[target][0] for target in _worker(request).targets]
    listed = [{"code": "id", "name": "Indonesian", "targets": targets}]
    listed += [{"code": LISTED_CODES[target][0], "name": LISTED_CODES[target][1], "targets": []} for target in _worker(request).targets]
    return JSONResponse(listed)


def routes() -> list[BaseRoute]:
    """``POST /translate`` and ``GET /languages``."""
    return [Route("/translate", translate, methods=["POST"]), Route("/languages", languages, methods=["GET"])]
