"""``warta serve`` against a hostile colleague on the office network and a malicious file: bodies
that are not text, nesting and numbers past what the server holds, control characters in edits,
names and titles, links planted in a job's folder, key guessing that costs the server scrypt's
work, IPv6 clients, keys without end, and a server error answered without the page's headers."""

import io
import json
import re
import zipfile

import pytest

from pipeline.memory import TranslationMemory
from pipeline.serve import accounts, auth
from pipeline.serve.accounts import MAX_KEYS_PER_ACCOUNT
from pipeline.settings import Settings
from tests.serve.conftest import FORMATS, PASSWORD, submit_text, wait_for_job

TEXT = "Pekan Imunisasi\n\nPemerintah kota membuka pekan imunisasi nasional pada hari Senin.\n"
# control characters (C0, ESC, DEL, C1, a non-character) an edit, a name or a file may carry
CONTROLS = "\x00\x01\x1b[31m\x7f\x85\x9b\ufffe"
_NOT_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")


def _json(client, method, url, body):
    # json.dumps writes a lone surrogate as \ud800, which a browser or a script can send too
    return client.request(method, url, content=json.dumps(body), headers={"Content-Type": "application/json"})


def _assert_headers(answer):
    assert answer.headers["content-security-policy"].startswith("default-src 'none'")
    assert answer.headers["x-content-type-options"] == "nosniff" and answer.headers["x-frame-options"] == "DENY"


def test_bodies_that_are_not_text_or_nest_too_deep_are_400_not_500(serve):
    server = serve()
    key = server.account("ana")
    with server.client(key) as client:
        job = wait_for_job(client, submit_text(client, TEXT)["id"])
        rows = f"/api/jobs/{job['id']}/segments"
        base = client.get(rows).json()["segments"][1]["en"]
        deep = "[" * 50_000 + "]" * 50_000
        answers = [
            client.patch(f"{rows}/2", content=deep, headers={"Content-Type": "application/json"}),
            client.post("/translate", content='{"q": ' + deep + "}", headers={"Content-Type": "application/json"}),
            _json(client, "PATCH", f"{rows}/2", {"target": "en", "base": base, "text": "lone \ud800 surrogate"}),
            _json(client, "POST", f"{rows}/2/comments", {"text": "lone \udfff"}),
            _json(client, "POST", "/translate", {"q": "Halo \ud800", "source": "id", "target": "en"}),
            _json(client, "POST", "/translate", {"q": "Halo.", "source": "\ud800", "target": "en"}),
            _json(client, "POST", "/translate", {"q": ["x"] * 100_000, "source": "id", "target": "en"}),
        ]
        for answer in answers:
            assert answer.status_code == 400, answer.text
            assert set(answer.json()) == {"error"}
            _assert_headers(answer)
    with server.client() as anonymous:  # a key that is not text is no key, not a server error
        answer = _json(anonymous, "POST", "/translate", {"q": "Halo.", "source": "id", "target": "en", "api_key": f"{key[:5]}\ud800.x"})
        assert answer.status_code == 403
    assert server.app.state.store.history(job["id"], 2) == [] and server.app.state.store.segment(job["id"], 2).comments == ()


def test_a_row_number_past_what_sqlite_holds_is_404(serve):
    server = serve()
    with server.client(server.account("ana")) as client:
        job = wait_for_job(client, submit_text(client, TEXT)["id"])
        row = f"/api/jobs/{job['id']}/segments/{10**30}"
        for answer in (client.patch(row, json={"target": "en", "text": "x", "base": "y"}), client.get(f"{row}/history"),
                       client.post(f"{row}/comments", json={"text": "x"})):
            assert answer.status_code == 404 and answer.json()["error"].startswith("the job has no row"), answer.text


def test_a_server_error_is_one_json_line_with_the_pages_headers_and_the_server_goes_on(serve):
    server = serve()
    store = server.app.state.store

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire at /srv/warta-data/serve.sqlite")

    with server.client(server.account("ana")) as client:
        store.jobs = broken  # this store only: Starlette's own 500 would go out without the headers
        answer = client.get("/api/jobs")
        assert answer.status_code == 500
        _assert_headers(answer)
        assert answer.headers["cache-control"] == "no-store"
        assert answer.json() == {"error": "the server failed on this request; tell the person who runs warta (its log says why)"}
        del store.jobs
        assert client.get("/api/jobs").status_code == 200 and client.get("/api/me").json()["name"] == "ana"


def test_control_characters_in_an_edit_or_pasted_text_never_break_the_downloads(serve):
    # Word's XML refuses control characters: one in an edit made every download of the job fail
    server = serve(settings=Settings(formats=(*FORMATS, "docx")))
    with server.client(server.account("ana")) as client:
        job = wait_for_job(client, submit_text(client, TEXT.replace("membuka", f"mem{CONTROLS}buka"))["id"])
        assert job["status"] == "done", job
        rows = f"/api/jobs/{job['id']}/segments"
        base = client.get(rows).json()["segments"][1]["en"]
        assert not _NOT_TEXT.search(base)
        edit = client.patch(f"{rows}/2", json={"target": "en", "base": base, "text": f"The city{CONTROLS} opened\r\nthe week\tof vaccines."})
        assert edit.status_code == 200, edit.text
        assert edit.json()["en"] == "The city" + " " * 3 + "[31m" + " " * 4 + " opened\nthe week\tof vaccines."
        comment = client.post(f"{rows}/2/comments", json={"text": f"check{CONTROLS}this"})
        assert comment.status_code == 201 and not _NOT_TEXT.search(comment.json()["text"])
        for name in job["outputs"]:
            answer = client.get(f"/api/jobs/{job['id']}/outputs/{name}")
            assert answer.status_code == 200, (name, answer.text)
        archive = zipfile.ZipFile(io.BytesIO(client.get(f"/api/jobs/{job['id']}/outputs.zip").content))
        assert "the week" in archive.read("en.txt").decode()
    with TranslationMemory(server.data / "memory.sqlite") as memory:
        (entry,) = memory.entries()
        assert entry.en.startswith("The city") and not _NOT_TEXT.search(entry.en + entry.origin)


def _upload(client, filename: bytes, content: bytes):
    # the raw bytes a hostile client can put in a part's header (httpx would escape them)
    body = (b'--zz\r\nContent-Disposition: form-data; name="file"; filename="' + filename + b'"\r\n'
            b"Content-Type: text/plain\r\n\r\n" + content + b"\r\n--zz--\r\n")
    return client.post("/api/jobs", content=body, headers={"Content-Type": "multipart/form-data; boundary=zz"})


def test_a_client_file_name_and_a_title_are_one_line_of_text(serve, caplog):
    server = serve()
    with server.client(server.account("ana")) as client:
        names = {  # and a file whose title has control characters (a NUL would make it binary)
            b"a\x00b\x1b]0;owned\x07.txt": "a b ]0;owned .txt",
            b"\xe2\x80\xaetxt.exe.md": "txt.exe.md",  # U+202E would show it as another name
            b"../..\\x/<img src=x onerror=alert(1)>.txt": "<img src=x onerror=alert(1)>.txt",
            b"r" * 400 + b".txt": "r" * 251 + ".txt",  # cut, with its suffix kept
        }
        content = f"Judul{CONTROLS[1:]}Rilis\n\nPemerintah kota membuka pekan imunisasi nasional pada hari Senin.\n".encode()
        jobs = []
        for filename, shown in names.items():
            answer = _upload(client, filename, content)
            assert answer.status_code == 202, answer.text
            assert answer.json()["input_name"] == shown
            jobs.append(answer.json()["id"])
        for job_id in jobs:
            job = wait_for_job(client, job_id)
            assert job["status"] == "done" and not _NOT_TEXT.search(job["title"]) and job["title"].startswith("Judul"), job
        refused = _upload(client, b"<img src=x onerror=alert(1)>.svg", b"<svg onload=alert(2)>")  # its name is its title
        assert refused.status_code == 400 and refused.json()["job"]["title"] == "<img src=x onerror=alert(1)>.svg"
    with server.client() as browser:
        token = re.search(r'name="csrf_token" value="([^"]+)"', browser.get("/login").text).group(1)
        browser.post("/login", data={"name": "ana", "password": PASSWORD, "csrf_token": token})
        page = browser.get(f"/jobs/{refused.json()['job']['id']}")
        assert page.status_code == 200 and "<img src=x" not in page.text and "&lt;img src=x onerror=alert(1)&gt;.svg" in page.text
        _assert_headers(page)
        bad = browser.post("/login", data={"name": "<script>alert(1)</script>", "password": "x", "csrf_token": "forged"})
        assert "<script>alert(1)" not in bad.text and "&lt;script&gt;" in bad.text
        _assert_headers(bad)


def test_a_file_that_fails_fails_alone_in_one_line_without_the_servers_path(serve):
    server = serve()
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            for _ in range(130):  # 130 MiB of spaces in some 130 KB: past the reader's 128 MiB
                member.write(b" " * 2**20)
    with server.client(server.account("ana")) as client:
        failing = [_upload(client, b"bom\x1b[2Jb.docx", bomb.getvalue()).json()["id"],
                   _upload(client, b"rusak.docx", b"PK\x03\x04 not a zip\n" * 100).json()["id"],
                   _upload(client, b"kosong.pdf", b"%PDF-1.4\n\x00\x01 broken\n").json()["id"]]
        after = submit_text(client, TEXT)["id"]
        for job_id in failing:
            job = wait_for_job(client, job_id)
            assert job["status"] == "failed" and job["error"], job
            assert "\n" not in job["error"] and not _NOT_TEXT.search(job["error"]) and str(server.data) not in job["error"], job
        assert "zip bomb" in client.get(f"/api/jobs/{failing[0]}").json()["error"]
        assert wait_for_job(client, after)["status"] == "done"  # the worker goes on with the next job


def test_a_link_planted_in_a_job_folder_is_not_followed(serve):
    server = serve()
    with server.client(server.account("ana")) as client:
        job = wait_for_job(client, submit_text(client, TEXT)["id"])
        planted = server.data / "jobs" / job["id"] / "en.txt"
        planted.unlink()
        planted.symlink_to(server.data / "session.secret")
        secret = (server.data / "session.secret").read_text().strip()
        answer = client.get(f"/api/jobs/{job['id']}/outputs/en.txt")
        assert answer.status_code == 404 and secret not in answer.text
        archive = zipfile.ZipFile(io.BytesIO(client.get(f"/api/jobs/{job['id']}/outputs.zip").content))
        assert "en.txt" not in archive.namelist() and all(secret.encode() not in archive.read(name) for name in archive.namelist())


def test_wrong_secrets_for_a_known_key_id_are_refused_before_scrypt_runs(serve, monkeypatch):
    server = serve(rate_limit=5)
    key = server.account("ana")
    checks = []

    def counted(secret, stored):
        checks.append(secret)
        return accounts.verify_secret(secret, stored)

    monkeypatch.setattr(auth, "verify_secret", counted)
    with server.client() as client:
        assert client.get("/api/me", headers={"Authorization": f"Bearer {key}"}).status_code == 200
        key_id = key.split(".")[0]
        answers = [client.get("/api/me", headers={"Authorization": f"Bearer {key_id}.guess{number}"}) for number in range(20)]
        assert {answer.status_code for answer in answers[5:]} == {429}
        assert len(checks) <= 6  # the key once, then as many guesses as the bucket holds, not 20
        # the account's own key was checked before: it is not held up by the guesses
        assert client.get("/api/jobs", headers={"Authorization": f"Bearer {key}"}).status_code == 200


def test_an_ipv6_client_counts_as_its_64(serve):
    server = serve(rate_limit=5, trust_forwarded_for=True)  # the proxy says which address; the limit is the same
    with server.client() as client:
        one_host = [client.get("/languages", headers={"X-Forwarded-For": f"2001:db8:1:2::{number:x}"}) for number in range(8)]
        assert [answer.status_code for answer in one_host] == [200] * 5 + [429] * 3
        assert client.get("/languages", headers={"X-Forwarded-For": "2001:db8:1:3::1"}).status_code == 200
        assert client.get("/languages", headers={"X-Forwarded-For": "[2001:db8:1:2:ffff::1]"}).status_code == 429
        mapped = [client.get("/languages", headers={"X-Forwarded-For": address}) for address in ["10.1.1.1"] * 5 + ["::ffff:10.1.1.1"]]
        assert [answer.status_code for answer in mapped] == [200] * 5 + [429]


def test_an_account_holds_a_bounded_number_of_keys(serve):
    server = serve()
    key = server.account("ana")
    with server.client(key) as client:
        made = [client.post("/api/users/ana/keys") for _ in range(MAX_KEYS_PER_ACCOUNT)]
        assert [answer.status_code for answer in made] == [201] * (MAX_KEYS_PER_ACCOUNT - 1) + [409]
        assert "revoke one first" in made[-1].json()["error"]
        assert client.delete(f"/api/users/ana/keys/{made[0].json()['id']}").status_code == 204
        assert client.post("/api/users/ana/keys").status_code == 201
    assert len(server.app.state.store.keys("ana")) == MAX_KEYS_PER_ACCOUNT


@pytest.mark.parametrize("files, data, words", [
    ({"file": ("x.txt", b"x" * 200_000)}, {"name": "ana"}, "Too many files"),
    (None, {f"field{number}": "x" for number in range(50)}, "Too many fields"),
    (None, {"name": "ana", "password": "x" * 100_000}, "exceeded maximum size"),
])
def test_the_login_form_is_read_within_small_bounds(serve, files, data, words):
    # read before anyone is known: no file spooled to disk, no field without end
    server = serve()
    server.account("ana")
    with server.client() as client:
        for path in ("/login", "/logout"):
            answer = client.post(path, files=files, data=data)
            assert answer.status_code == 400 and words in answer.json()["error"], answer.text
            _assert_headers(answer)


def test_a_login_rotates_the_session_and_ends_the_one_before(serve):
    # session fixation: a cookie from before a login (planted, or another account's) is never the logged-in one
    server = serve()
    server.account("ana")
    server.account("budi")
    with server.client() as browser:
        def log_in(name):  # logged in already, /login goes on to the home page, which has the token too
            token = re.search(r'name="csrf_token" value="([^"]+)"', browser.get("/login", follow_redirects=True).text).group(1)
            browser.post("/login", data={"name": name, "password": PASSWORD, "csrf_token": token})
            return browser.cookies["warta_session"]

        browser.get("/login")
        before = browser.cookies["warta_session"]  # the login page's session: a CSRF token, nobody yet
        as_ana = log_in("ana")
        as_budi = log_in("budi")
        assert len({before, as_ana, as_budi}) == 3 and browser.get("/api/me").json()["name"] == "budi"
    for cookie, status in ((before, 401), (as_ana, 401), (as_budi, 200)):
        with server.client(cookies={"warta_session": cookie}) as other:
            assert other.get("/api/me").status_code == status
