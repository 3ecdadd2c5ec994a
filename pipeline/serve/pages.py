"""The web page of ``warta serve``: log in, submit releases, watch the queue, review on the server.

Three pages, rendered from ``templates/`` with autoescaping (article text is data, never markup),
and one script and one style sheet from ``static/``, served here at ``/static/<name>``: the
Content-Security-Policy allows scripts and styles from this server only, no inline ones and no
request to anywhere else.

- ``/login`` (and ``POST /logout``): a name and a password, checked by ``auth.login``; errors in
  plain words.
- ``/``: upload one or several releases or paste text, choose the targets and a glossary; one
  job per file through ``POST /api/jobs``. The profile is the server's (``GET /api/me`` says
  it too): the page names it and offers no other, as a server loads one set of models. The queue below is the script's: it
  polls ``GET /api/jobs`` while a job is waiting or running.
- ``/jobs/{id}``: the review view. The page is a frame; the script fetches the job and its rows
  (``GET /api/jobs/{id}/segments``), shows them side by side, and saves every edit, approval and
  comment to the server as it is made (the JSON API of docs/serve.md). The flags' words come
  from ``pipeline.outputs.flag_words``, as the review page's do.

Only the JSON API changes anything but the session: these routes read the session and render.
"""

from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from pipeline.outputs.flag_words import FLAG_WORDS, flag_words
from pipeline.qa.flags import FLAG_MEANINGS, flag_order
from pipeline.reading.formats import READABLE_SUFFIXES, READER_FORMATS
from pipeline.serve import auth
from pipeline.serve.ratelimit import RateLimited
from pipeline.serve.store import User
from pipeline.version import __version__

_STATIC = Path(__file__).parent / "static"
#: The files ``/static/`` serves, and their types: nothing else is ever read from the folder.
STATIC_FILES = {"serve.js": "text/javascript; charset=utf-8", "serve.css": "text/css; charset=utf-8", "favicon.svg": "image/svg+xml"}

#: What every page allows itself: its own script, style and API, nothing inline, nothing elsewhere.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)

#: What the login and logout forms may hold (read before anyone is known): a few short fields, no file.
_SMALL_FORM = {"max_files": 0, "max_fields": 10, "max_part_size": 64 * 1024}

#: The target languages a job may ask for, as the page names them.
TARGET_LABELS = {"en": "English", "zh": "Chinese (Simplified)"}

#: The profiles, with what each means to a reviewer: the page shows the one the server runs.
PROFILE_WORDS = {
    "fast": ("Fast", "quicker; good for a first draft"),
    "quality": ("Quality", "slower; a larger model, better translations"),
}


@cache
def _templates() -> Any:
    from jinja2 import Environment, PackageLoader, select_autoescape

    return Environment(
        loader=PackageLoader("pipeline.serve", "templates"),
        autoescape=select_autoescape(default=True),
        keep_trailing_newline=True,
    )


def _render(request: Request, template_name: str, user: User | None, status_code: int = 200, **values: Any) -> HTMLResponse:
    page = _templates().get_template(template_name).render(
        user=user, csrf_token=auth.csrf_token(request), version=__version__, **values
    )
    return HTMLResponse(page, status_code=status_code, headers={
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
    })


def _to_login(request: Request) -> RedirectResponse:
    return RedirectResponse(f"/login?next={quote(request.url.path, safe='/')}", status_code=303)


def _local_path(target: str) -> str:
    # Only a path on this server: never "//elsewhere" or "https://elsewhere" (an open redirect).
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def flag_legend_data() -> dict[str, dict[str, str]]:
    """Every flag's words for the review view's marks and legend: flag -> name, legend, meaning, order."""
    return {
        flag: {"name": flag_words(flag).name, "legend": flag_words(flag).legend, "meaning": FLAG_MEANINGS.get(flag, flag),
               "order": str(flag_order(flag))}
        for flag in {*FLAG_WORDS, *FLAG_MEANINGS}
    }


async def _user(request: Request) -> User | None:
    # the session's account: a look in the store, off the event loop
    return await run_in_threadpool(auth.current_user, request)


async def login_page(request: Request) -> Response:
    """``GET /login``: the form; ``POST /login``: check the name and password, then go where the reviewer was going."""
    target = _local_path(request.query_params.get("next", "/"))
    if request.method == "GET":
        if await _user(request) is not None:
            return RedirectResponse(target, status_code=303)
        return _render(request, "login.html.j2", None, next=target, error="", name="")
    form = await request.form(**_SMALL_FORM)
    name = str(form.get("name", "")).strip()
    password = str(form.get("password", ""))
    target = _local_path(str(form.get("next", target)))

    def again(status: int, error: str) -> HTMLResponse:
        return _render(request, "login.html.j2", None, status, next=target, name=name, error=error)

    if not auth.csrf_valid(request, str(form.get("csrf_token", ""))):
        return again(400, "This login page was open too long. Please type your name and password again.")
    if not name or not password:
        return again(400, "Please type both your name and your password.")
    try:
        user = await run_in_threadpool(auth.login, request, name, password)
    except RateLimited as error:
        return again(429, f"Too many login attempts from this computer. Wait {error.retry_after} seconds, then try again.")
    if user is None:
        return again(401, "That name and password do not match an account here. Check them (capital letters count) "
                          "and try again; the person who runs warta can set a new password.")
    return RedirectResponse(target, status_code=303)


async def logout_page(request: Request) -> Response:
    """``POST /logout``: end the session (the form carries the CSRF token), back to the login page."""
    form = await request.form(**_SMALL_FORM)
    if auth.csrf_valid(request, str(form.get("csrf_token", ""))):
        await run_in_threadpool(auth.logout, request)
    return RedirectResponse("/login", status_code=303)


async def home_page(request: Request) -> Response:
    """``GET /``: the submit form and the queue (filled by the script)."""
    user = await _user(request)
    if user is None:
        return _to_login(request)
    settings = request.app.state.worker.settings
    return _render(
        request, "home.html.j2", user,
        accept=",".join(READABLE_SUFFIXES),
        formats=[(", ".join(entry.suffixes), entry.description) for entry in READER_FORMATS],
        targets=[(code, label) for code, label in TARGET_LABELS.items() if code in settings.targets],
        profile=(settings.profile, *PROFILE_WORDS.get(settings.profile, (settings.profile, ""))),
    )


async def job_page(request: Request) -> Response:
    """``GET /jobs/{id}``: the review view's frame (404 for no such job); the script fetches the job and its rows."""
    user = await _user(request)
    if user is None:
        return _to_login(request)
    job_id = request.path_params["job_id"]
    job = await run_in_threadpool(request.app.state.store.job, job_id)
    if job is None:
        return _render(request, "missing.html.j2", user, 404)
    return _render(request, "job.html.j2", user, job_id=job.id, job_title=job.title or job.input_name,
                   flags=flag_legend_data(), labels={"id": "Indonesian", **TARGET_LABELS})


async def static_file(request: Request) -> Response:
    """``GET /static/{name}``: the page's script, style sheet or icon (only those)."""
    name = request.path_params["name"]
    if name not in STATIC_FILES:
        return Response("Not found", status_code=404, media_type="text/plain")
    return FileResponse(_STATIC / name, media_type=STATIC_FILES[name],
                        headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"})


def routes() -> list[BaseRoute]:
    """The page routes: ``/``, ``/login``, ``/logout``, ``/jobs/{id}`` and ``/static/{name}``."""
    return [
        Route("/", home_page, methods=["GET"]),
        Route("/login", login_page, methods=["GET", "POST"]),
        Route("/logout", logout_page, methods=["POST"]),
        Route("/jobs/{job_id}", job_page, methods=["GET"]),
        Route("/static/{name}", static_file, methods=["GET"]),
    ]
