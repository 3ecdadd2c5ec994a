"""``POST /translate`` and ``GET /languages`` as LibreTranslate clients call them (JSON and forms)."""

import pytest

PAGI = "Selamat pagi semua."
PARAGRAPHS = "Pemerintah meluncurkan program baru. Program ini gratis.\n\n  Warga diminta datang ke puskesmas.\n"


@pytest.fixture
def libre(serve):
    """A server, an API key on it, and a client without one."""
    server = serve()
    key = server.account("cms")
    with server.client() as client:
        yield server, key, client


def test_a_json_request_with_a_string_or_a_list(libre):
    server, key, client = libre
    answer = client.post("/translate", json={"q": PAGI, "source": "id", "target": "en", "format": "text", "api_key": key})
    assert answer.status_code == 200 and answer.json() == {"translatedText": PAGI.upper()}
    listed = client.post("/translate", json={"q": [PAGI, "", PARAGRAPHS], "source": "auto", "target": "zh", "api_key": key})
    assert listed.json() == {"translatedText": [PAGI.upper(), "", PARAGRAPHS.upper()]}  # line breaks and indents kept


def test_form_bodies_as_libretranslate_clients_send_them(libre):
    server, key, client = libre
    urlencoded = client.post("/translate", data={"q": "Apa kabar?\r\nBaik.", "source": "id", "target": "en", "api_key": key})
    assert urlencoded.json() == {"translatedText": "APA KABAR?\nBAIK."}  # a form's CRLF becomes LF, as LibreTranslate does
    fields = {"q": PAGI, "source": "id", "target": "zh-Hans", "api_key": key}
    body = "".join(f'--b0undary\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n' for name, value in fields.items())
    multipart = client.post("/translate", content=(body + "--b0undary--\r\n").encode(),
                            headers={"Content-Type": "multipart/form-data; boundary=b0undary"})
    assert multipart.json() == {"translatedText": PAGI.upper()}
    several = client.post("/translate", data={"q": ["Satu.", "Dua."], "source": "id", "target": "en", "api_key": key})
    assert several.json() == {"translatedText": ["SATU.", "DUA."]}


@pytest.mark.parametrize("target", ["en", "zh", "zh-Hans", "zh-CN", "ZH-hans"])
def test_every_target_code_clients_use(libre, target):
    server, key, client = libre
    answer = client.post("/translate", json={"q": PAGI, "source": "id", "target": target}, headers={"Authorization": f"Bearer {key}"})
    assert answer.json() == {"translatedText": PAGI.upper()}


@pytest.mark.parametrize(("fields", "status", "error"), [
    ({"source": "id", "target": "en"}, 400, "Invalid request: missing q parameter"),
    ({"q": PAGI, "target": "en"}, 400, "Invalid request: missing source parameter"),
    ({"q": PAGI, "source": "id"}, 400, "Invalid request: missing target parameter"),
    ({"q": PAGI, "source": "id", "target": "fr"}, 400, "fr is not supported"),
    ({"q": PAGI, "source": "en", "target": "zh"}, 400, "en is not supported"),
    ({"q": PAGI, "source": "id", "target": "en", "format": "xml"}, 400, "xml format is not supported"),
    ({"q": [PAGI, 5], "source": "id", "target": "en"}, 400, "Invalid request: q must be a string or a list of strings"),
    ({"q": "a" * 100_001, "source": "id", "target": "en"}, 413, "Invalid request: request (100001) exceeds text limit (100000)"),
    ({"q": ["a" * 60_000, "b" * 40_001], "source": "id", "target": "en"}, 413, "Invalid request: request (100001) exceeds text limit (100000)"),
])
def test_bad_requests_are_answered_as_libretranslate_answers(libre, fields, status, error):
    server, key, client = libre
    answer = client.post("/translate", json={**fields, "api_key": key})
    assert answer.status_code == status and answer.json() == {"error": error}


def test_a_missing_or_wrong_key(libre):
    server, key, client = libre
    missing = client.post("/translate", json={"q": PAGI, "source": "id", "target": "en"})
    assert missing.status_code == 400 and missing.json() == {"error": "Please contact the server operator to get an API key"}
    for wrong in ("nope", key[:-2] + "xx", "a.b", ""):
        answer = client.post("/translate", json={"q": PAGI, "source": "id", "target": "en", "api_key": wrong or " "})
        assert answer.status_code in (400, 403)
        assert answer.json()["error"] == ("Invalid API key" if wrong else "Please contact the server operator to get an API key")
    assert client.post("/translate", json={"q": PAGI, "source": "id", "target": "en"},
                       headers={"Authorization": "Bearer x.y"}).status_code == 403
    assert client.post("/translate", content=b"{not json", headers={"Content-Type": "application/json"}).json() == {"error": "Invalid JSON format"}


def test_html_is_answered_as_text_and_a_text_that_is_not_indonesian(libre):
    server, key, client = libre
    html = client.post("/translate", json={"q": "<p>Selamat datang</p>", "source": "id", "target": "en", "format": "html", "api_key": key})
    assert html.json() == {"translatedText": "<P>SELAMAT DATANG</P>"}
    english = ("The Ministry of Health announced on Monday that a new vaccination programme will begin next month. "
               "The programme aims to reach every district in the country within two years, officials said.")
    refused = client.post("/translate", json={"q": english, "source": "auto", "target": "zh", "api_key": key})
    assert refused.status_code == 400 and "Indonesian" in refused.json()["error"]
    taken = client.post("/translate", json={"q": english, "source": "id", "target": "zh", "api_key": key})
    assert taken.status_code == 200 and taken.json()["translatedText"].startswith("THE MINISTRY")


def test_translate_makes_no_review_job(libre):
    server, key, client = libre
    client.post("/translate", json={"q": PARAGRAPHS, "source": "id", "target": "en", "api_key": key})
    with server.client(key) as api:
        assert api.get("/api/jobs").json()["jobs"] == []
    assert list((server.data / "uploads").iterdir()) == [] and list((server.data / "jobs").iterdir()) == []


def test_languages(libre):
    server, key, client = libre
    answer = client.get("/languages")
    assert answer.status_code == 200
    assert answer.json() == [
        {"code": "id", "name": "Indonesian", "targets": ["en", "zh-Hans"]},
        {"code": "en", "name": "English", "targets": []},
        {"code": "zh-Hans", "name": "Chinese (Simplified)", "targets": []},
    ]


def test_languages_and_targets_follow_the_servers_targets(serve):
    from pipeline.settings import Settings

    server = serve(settings=Settings(targets=("en",), formats=("txt",)))
    key = server.account("cms")
    with server.client(key) as client:
        assert client.get("/languages").json()[0]["targets"] == ["en"]
        answer = client.post("/translate", json={"q": PAGI, "source": "id", "target": "zh"})
        assert answer.status_code == 400 and answer.json() == {"error": "zh is not supported"}
