"""What ``warta serve`` refuses: no key, a wrong key, too much, too fast, a forged address, HTML
served back from an upload, a state change by session without its CSRF token; and what it keeps
secret on disk."""

import os
import re
import sqlite3
import stat

import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from pipeline.serve import accounts, auth
from tests.serve.conftest import PASSWORD, submit_text, wait_for_job

TEXT = "Pekan Imunisasi\n\nPemerintah kota membuka pekan imunisasi nasional pada hari Senin.\n"
#: Every API endpoint with a method, on a job id that need not exist.
ENDPOINTS = [
    ("GET", "/api/me"), ("GET", "/api/jobs"), ("POST", "/api/jobs"), ("GET", "/api/jobs/AAAAAAAAAAAAAAAA"),
    ("GET", "/api/jobs/AAAAAAAAAAAAAAAA/outputs/en.txt"), ("GET", "/api/jobs/AAAAAAAAAAAAAAAA/outputs.zip"),
    ("GET", "/api/jobs/AAAAAAAAAAAAAAAA/segments"), ("PATCH", "/api/jobs/AAAAAAAAAAAAAAAA/segments/1"),
    ("GET", "/api/jobs/AAAAAAAAAAAAAAAA/segments/1/history"), ("POST", "/api/jobs/AAAAAAAAAAAAAAAA/segments/1/comments"),
    ("GET", "/api/users"), ("POST", "/api/users"), ("POST", "/api/users/ana/keys"), ("DELETE", "/api/users/ana/keys/x"),
    ("GET", "/api/memory"),
]


def test_no_key_or_a_wrong_key_is_401_everywhere(serve):
    server = serve()
    key = server.account("ana")
    wrong = ({}, {"Authorization": "Bearer nope"}, {"Authorization": f"Bearer {key[:-1]}x"}, {"Authorization": f"Basic {key}"},
             {"Authorization": f"Bearer {key.split('.')[0]}"})
    with server.client() as client:
        for method, path in ENDPOINTS:
            body = {"data": {"text": TEXT}} if (method, path) == ("POST", "/api/jobs") else {"json": {}} if method in ("PATCH", "POST") else {}
            for headers in wrong:
                answer = client.request(method, path, headers=headers, **body)
                assert answer.status_code == 401, (method, path, headers, answer.text)
                assert "API key" in answer.json()["error"] and answer.headers["www-authenticate"] == 'Bearer realm="warta"'
    assert server.app.state.store.jobs() == []


def test_every_response_carries_the_security_headers(serve):
    server = serve()
    with server.client() as client:
        for answer in (client.get("/languages"), client.get("/api/jobs"), client.get("/no/such/page"), client.post("/languages")):
            assert answer.headers["content-security-policy"].startswith("default-src 'none'; script-src 'self'; style-src 'self'")
            assert answer.headers["x-content-type-options"] == "nosniff" and answer.headers["x-frame-options"] == "DENY"
        assert client.get("/api/jobs").headers["cache-control"] == "no-store"
        assert client.get("/no/such/page").json() == {"error": "Not Found"}


def test_an_upload_over_the_limit_is_413(serve):
    server = serve(max_upload_mb=0.05)
    with server.client(server.account("ana")) as client:
        big = b"Pemerintah kota membuka pekan imunisasi. " * 10_000  # 410 KB, past the 51 KB limit and its margin
        whole = client.post("/api/jobs", files={"file": ("besar.txt", big * 6)})
        assert whole.status_code == 413 and "upload limit" in whole.json()["error"]

        def chunks():  # no Content-Length: refused as the bytes stream past the limit
            yield b'--zz\r\nContent-Disposition: form-data; name="file"; filename="besar.txt"\r\n\r\n'
            for _ in range(200):
                yield b"x" * 65536

        streamed = client.post("/api/jobs", content=chunks(), headers={"Content-Type": "multipart/form-data; boundary=zz"})
        assert streamed.status_code == 413
        just_over = client.post("/api/jobs", files={"file": ("besar.txt", big[:60_000])})
        assert just_over.status_code == 413 and just_over.json()["error"].startswith("besar.txt: 60,000 bytes; the limit is 0.05 MiB")
    assert list((server.data / "uploads").iterdir()) == []


def test_pasted_text_over_the_character_limit_is_413(serve):
    server = serve(max_chars=1000)
    with server.client(server.account("ana")) as client:
        answer = client.post("/api/jobs", data={"text": "Kata. " * 200})
        assert answer.status_code == 413 and answer.json()["error"] == "the text has 1,200 characters; the limit is 1,000"
        multipart = client.post("/api/jobs", data={"text": "Kata. " * 2000}, files={"glossary": ("", b"")})
        assert multipart.status_code == 413
        assert client.post("/api/jobs", data={"text": "  "}).status_code == 400
    assert server.app.state.store.jobs() == []


def test_a_flood_of_reads_is_429_with_retry_after_and_changes_have_their_own_bucket(serve):
    server = serve(rate_limit=5)
    key, other = server.account("ana"), server.account("budi")
    with server.client(key) as client:
        answers = [client.get("/api/jobs") for _ in range(8)]
        assert [answer.status_code for answer in answers] == [200] * 5 + [429] * 3
        assert int(answers[-1].headers["retry-after"]) >= 1 and answers[-1].json()["error"].startswith("Slowdown:")
        # a page polling its queue never starves its own edits: changes count in a bucket of their own
        changes = [client.post("/translate", json={"q": "Selamat pagi.", "source": "id", "target": "en"}) for _ in range(6)]
        assert [answer.status_code for answer in changes] == [200] * 5 + [429]
        assert client.get("/api/me").status_code == 429  # the reads are still spent
    with server.client(other) as client:  # another key has its own buckets
        assert client.get("/api/jobs").status_code == 200


def test_translate_counts_characters_too(serve):
    server = serve(rate_limit=100, max_chars=1000)
    with server.client(server.account("cms")) as client:
        fields = {"q": "Selamat pagi semua. " * 30, "source": "id", "target": "en"}  # 600 characters
        assert client.post("/translate", json=fields).status_code == 200
        second = client.post("/translate", json=fields)
        assert second.status_code == 429 and int(second.headers["retry-after"]) >= 10  # 200 characters left, at 1000 a minute
        assert client.get("/api/me").status_code == 200  # requests are still allowed


def test_a_forged_forwarded_for_does_not_escape_the_limit(serve):
    server = serve(rate_limit=5)
    with server.client() as client:
        answers = [client.get("/languages", headers={"X-Forwarded-For": f"10.0.0.{number}"}) for number in range(8)]
        assert [answer.status_code for answer in answers] == [200] * 5 + [429] * 3
        # nor does a stream of wrong keys: they count against the address
        assert client.get("/api/jobs", headers={"Authorization": "Bearer a.b", "X-Forwarded-For": "10.9.9.9"}).status_code == 429


def test_forwarded_for_is_trusted_only_when_told(serve):
    server = serve(rate_limit=5, trust_forwarded_for=True)
    with server.client() as client:
        spread = [client.get("/languages", headers={"X-Forwarded-For": f"10.0.0.{number}"}) for number in range(8)]
        assert all(answer.status_code == 200 for answer in spread)
        # the last entry is the proxy's: what the client put before it does not count
        same = [client.get("/languages", headers={"X-Forwarded-For": f"1.2.3.{number}, 192.168.1.7"}) for number in range(8)]
        assert [answer.status_code for answer in same] == [200] * 5 + [429] * 3


def test_an_uploaded_web_page_is_never_served_back_as_html(serve):
    server = serve()
    page = (b"<!DOCTYPE html><html><head><title>Rilis</title><script>alert('upload')</script></head><body><main><article>"
            b"<h1>Bank Daerah Salurkan Kredit</h1><p>Bank Sulselbar menyalurkan kredit usaha rakyat senilai Rp500 miliar pada 2025."
            b"<img src=x onerror=alert(1)></p></article></main></body></html>")
    with server.client(server.account("ana")) as client:
        job = wait_for_job(client, client.post("/api/jobs", files={"file": ("rilis.html", page, "text/html")}).json()["id"])
        assert job["status"] == "done", job
        assert (server.data / "uploads" / f"{job['id']}.html").is_file()
        served = [client.get(f"/api/jobs/{job['id']}/outputs/{name}") for name in job["outputs"]]
        served.append(client.get(f"/api/jobs/{job['id']}/outputs.zip"))
        for answer in served:
            assert answer.status_code == 200
            assert answer.headers["content-disposition"].startswith("attachment;")
            assert answer.headers["x-content-type-options"] == "nosniff"
            assert "alert(" not in answer.text  # the upload's script and handlers never come back
        review = served[job["outputs"].index("review.html")]
        assert "sandbox" in review.headers["content-security-policy"]
        for name in (f"{job['id']}.html", "rilis.html", f"../../uploads/{job['id']}.html"):
            assert client.get(f"/api/jobs/{job['id']}/outputs/{name}").status_code == 404
        rows = client.get(f"/api/jobs/{job['id']}/segments")
        assert rows.headers["content-type"] == "application/json" and "alert(" not in rows.text


def _add_session_routes(server):
    async def session_login(request: Request) -> JSONResponse:
        form = await request.form()
        user = auth.login(request, str(form["name"]), str(form["password"]))
        return JSONResponse({"user": user.name if user else None, "csrf": auth.csrf_token(request)})

    async def session_logout(request: Request) -> JSONResponse:
        auth.logout(request)
        return JSONResponse({})

    server.app.router.routes[:0] = [Route("/test-login", session_login, methods=["POST"]),
                                    Route("/test-logout", session_logout, methods=["POST"])]


def test_a_session_needs_its_csrf_token_to_change_anything(serve):
    server = serve()
    _add_session_routes(server)
    server.account("ana")
    with server.client(server.account("budi")) as script:
        job = wait_for_job(script, submit_text(script, TEXT)["id"])
    with server.client() as browser:
        assert browser.post("/test-login", data={"name": "ana", "password": "wrong password"}).json()["user"] is None
        login = browser.post("/test-login", data={"name": "ana", "password": PASSWORD})
        assert login.json()["user"] == "ana"
        cookie = login.headers["set-cookie"].lower()
        # Lax: a review link opened from e-mail arrives with the session; changes need the token below
        assert "httponly" in cookie and "samesite=lax" in cookie and cookie.startswith("warta_session=")
        token = login.json()["csrf"]
        assert browser.get("/api/me").json()["name"] == "ana"  # reading needs no token
        url = f"/api/jobs/{job['id']}/segments/2"
        base = browser.get(f"/api/jobs/{job['id']}/segments").json()["segments"][1]["en"]
        edit = {"target": "en", "text": "The city opened national immunisation week.", "base": base}
        for headers in ({}, {"X-CSRF-Token": "forged"}):
            refused = browser.patch(url, json=edit, headers=headers)
            assert refused.status_code == 403 and "CSRF" in refused.json()["error"]
            assert browser.post("/api/jobs", data={"text": TEXT}, headers=headers).status_code == 403
            assert browser.post("/translate", json={"q": "Halo.", "source": "id", "target": "en"}, headers=headers).status_code == 403
        assert browser.patch(url, json=edit, headers={"X-CSRF-Token": token}).status_code == 200
        form = browser.post("/api/jobs", data={"text": TEXT, "csrf_token": token})
        assert form.status_code == 202 and form.json()["owner"] == "ana"
        browser.post("/test-logout")
        assert browser.get("/api/me").status_code == 401
    history = server.app.state.store.history(job["id"], 2)
    assert [change.who for change in history] == ["ana"]


def test_every_state_changing_route_refuses_a_session_without_its_token(serve):
    server = serve()
    server.account("ana")
    with server.client(server.account("budi")) as script:
        job = wait_for_job(script, submit_text(script, TEXT)["id"])
    store = server.app.state.store
    with server.client(follow_redirects=False) as browser:
        token = _page_token(browser.get("/login").text)
        assert browser.post("/login", data={"name": "ana", "password": PASSWORD, "csrf_token": token}).status_code == 303
        assert _page_token(browser.get("/").text) != token  # a new token with the new session
        values = {"job_id": job["id"], "row": "2", "name": "ana", "key_id": store.keys("ana")[0].id}
        changing = [(method, re.sub(r"\{(\w+)(:\w+)?\}", lambda found: values[found.group(1)], route.path))
                    for route in server.app.routes for method in sorted(getattr(route, "methods", None) or ())
                    if method not in auth.SAFE_METHODS]
        assert len(changing) == 10  # the API's 7, /translate, /login and /logout
        for method, path in changing:
            form = path in ("/api/jobs", "/login", "/logout")
            body = {"data": {"text": TEXT, "name": "ana", "password": PASSWORD}} if form else {
                "json": {"text": "x", "target": "en", "base": "", "items": [{"row": 2, "target": "en", "base": ""}], "q": "Halo.",
                         "source": "id", "name": "eve"}}
            answer = browser.request(method, path, **body)
            expected = 303 if path == "/logout" else 400 if path == "/login" else 403
            assert answer.status_code == expected, (method, path, answer.text)
            assert browser.get("/api/me").json()["name"] == "ana", (method, path)  # still logged in
    assert store.history(job["id"], 2) == [] and store.segment(job["id"], 2).comments == ()
    assert len(store.jobs()) == 1 and len(store.keys("ana")) == 1 and store.user("eve") is None


def _page_token(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def test_a_stolen_session_cookie_dies_with_logout(serve):
    server = serve()
    _add_session_routes(server)
    server.account("ana")
    with server.client() as browser:
        browser.post("/test-login", data={"name": "ana", "password": PASSWORD})
        stolen = browser.cookies["warta_session"]
        browser.post("/test-logout")
    with server.client(cookies={"warta_session": stolen}) as thief:
        assert thief.get("/api/me").status_code == 401


def test_password_guessing_is_slowed_by_address(serve):
    server = serve(rate_limit=3)
    _add_session_routes(server)
    server.account("ana")
    with server.client() as client:
        tries = [client.post("/test-login", data={"name": "ana", "password": f"guess {number}"}) for number in range(4)]
        assert [answer.status_code for answer in tries] == [200, 200, 200, 429]


def test_secrets_are_stored_only_as_salted_hashes(serve):
    server = serve()
    key = server.account("ana")
    _, other = accounts.create_account(server.app.state.store, "budi", "reviewer", PASSWORD)
    database = server.data / "serve.sqlite"
    with sqlite3.connect(database) as db:
        stored = [row for table in ("users", "api_keys") for row in db.execute(f"SELECT * FROM {table}")]
    text = repr(stored)
    for secret in (key.split(".")[1], other.split(".")[1], PASSWORD):
        assert secret not in text
    hashes = [value for row in stored for value in row if isinstance(value, str) and value.startswith("scrypt$")]
    assert len(hashes) == 4 and len(set(hash.split("$")[4] for hash in hashes)) == 4  # a salt of its own each
    for name in ("serve.sqlite", "serve.sqlite-wal"):
        assert key.split(".")[1].encode() not in (server.data / name).read_bytes()
    assert stat.S_IMODE(os.stat(server.data / "session.secret").st_mode) == 0o600
    assert stat.S_IMODE(os.stat(server.data).st_mode) == 0o700


def test_a_job_id_is_never_a_path(serve):
    server = serve()
    with server.client(server.account("ana")) as client:
        for path in ("/api/jobs/..%2F..%2Fserve.sqlite", "/api/jobs/%2e%2e", "/api/jobs/" + "A" * 17, "/api/jobs/AAAAAAAA%2F..%2F..%2Fx"):
            answer = client.get(path)
            assert answer.status_code == 404, path


def test_a_second_server_on_the_same_folder_is_refused(serve, tmp_path):
    from pipeline.errors import UsageError
    from pipeline.serve.app import create_app
    from pipeline.settings import Settings

    server = serve(data=tmp_path / "shared")
    second = create_app(Settings(), server.data)
    with pytest.raises(UsageError, match="another warta serve uses this data folder"):
        second.state.lifecycle.open()
    with server.client(server.account("ana")) as client:
        assert client.get("/api/me").status_code == 200


def test_the_listening_address_is_loopback_by_default():
    import argparse

    from pipeline.serve.cli import add_serve_parser

    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command")
    add_serve_parser(commands, argparse.ArgumentParser(add_help=False), lambda *args: None)
    args = parser.parse_args(["serve"])
    assert (args.host, args.port, args.rate_limit, args.trust_forwarded_for) == ("127.0.0.1", 8080, 60, False)

