"""The JSON API of ``warta serve`` against the real server: jobs, outputs, review, memory, accounts."""

import io
import json
import zipfile

from benchmarks.standin import use_stand_in
from pipeline.batch.executor import LocalExecutor
from pipeline.memory import TranslationMemory
from pipeline.orchestrator import Warta
from pipeline.settings import Settings
from tests.serve.conftest import submit_text, wait_for_job

SENTENCES = ("Pemerintah Kota Makassar meluncurkan program vaksinasi baru pada hari Senin.",
             "Program ini menjangkau seluruh puskesmas di kota tersebut.",
             "Warga diminta membawa kartu keluarga saat datang.")
TEXT = "Program Vaksinasi Baru\n\n" + " ".join(SENTENCES) + "\n"


def expected_rows(text: str) -> list[tuple[int, int, str]]:
    """(block, sentence, source) of each row, as ``warta translate`` numbers ``aligned.tsv``."""
    warta = use_stand_in(Warta(Settings()))
    article = warta.translate_text(text)
    return [(block, number, sentence.text) for block, number, _, sentence in article.numbered_sentences()]


def test_a_file_is_queued_translated_and_listed(serve, release):
    server = serve()
    with server.client(server.account("ana")) as client:
        answer = client.post("/api/jobs", files={"file": ("Rilis Makassar.txt", release)})
        assert answer.status_code == 202
        job = answer.json()
        assert answer.headers["location"] == f"/api/jobs/{job['id']}"
        assert (job["status"], job["owner"], job["input_name"], job["targets"]) == ("queued", "ana", "Rilis Makassar.txt", ["en", "zh"])
        done = wait_for_job(client, job["id"])
        assert done["status"] == "done", done
        assert done["sentences_done"] == done["sentences_total"] == done["total"] == 33
        assert done["approved"] == 0 and done["error"] == ""
        assert set(done["outputs"]) == {"en.txt", "zh.txt", "aligned.tsv", "aligned.jsonl", "article.tmx", "summary.json",
                                        "review.html", "report.json"}
        # the upload is stored under the job's id, not the client's name
        assert sorted(path.name for path in (server.data / "uploads").iterdir()) == [f"{job['id']}.txt"]
        assert (server.data / "jobs" / job["id"] / "aligned.tsv").is_file()
        second = submit_text(client, TEXT)
        listed = client.get("/api/jobs").json()["jobs"]
        assert [entry["id"] for entry in listed] == [second["id"], job["id"]]  # newest first
        assert listed[1]["status"] == "done"
    with server.client(server.account("budi")) as other:
        assert [entry["id"] for entry in other.get("/api/jobs").json()["jobs"]][-1] == job["id"]  # the office sees every job
        assert other.get("/api/jobs", params={"mine": "1"}).json()["jobs"] == []
        assert other.get(f"/api/jobs/{job['id']}").json()["status"] == "done"


def test_pasted_text_becomes_rows_numbered_as_aligned_tsv(serve):
    server = serve()
    with server.client(server.account("ana")) as client:
        job = wait_for_job(client, submit_text(client, TEXT)["id"])
        assert job["status"] == "done" and job["input_name"] == "pasted text" and job["title"] == "Program Vaksinasi Baru"
        rows = client.get(f"/api/jobs/{job['id']}/segments").json()
    assert (rows["job"], rows["status"], rows["targets"], rows["approved"], rows["total"]) == (job["id"], "done", ["en", "zh"], 0, 4)
    assert [(row["block"], row["sentence"], row["source"]) for row in rows["segments"]] == expected_rows(TEXT)
    first = rows["segments"][1]
    assert first["row"] == 2 and first["kind"] == "paragraph"
    assert first["en"] == first["zh"] == first["machine"]["en"] == SENTENCES[0].upper()
    assert first["state"] == {"en": "machine", "zh": "machine"} and first["comments"] == [] and first["suggestion"] is None
    tsv = (server.data / "jobs" / job["id"] / "aligned.tsv").read_text(encoding="utf-8").splitlines()
    assert [line.split("\t")[3] for line in tsv[1:]] == [row["source"] for row in rows["segments"]]


def test_outputs_are_sent_as_attachments_and_as_one_zip(serve):
    server = serve()
    with server.client(server.account("ana")) as client:
        job = wait_for_job(client, submit_text(client, TEXT)["id"])
        english = client.get(f"/api/jobs/{job['id']}/outputs/en.txt")
        assert english.status_code == 200
        assert english.headers["content-disposition"] == 'attachment; filename="en.txt"'
        assert english.headers["x-content-type-options"] == "nosniff"
        assert english.text == (server.data / "jobs" / job["id"] / "en.txt").read_text(encoding="utf-8")
        assert SENTENCES[1].upper() in english.text
        page = client.get(f"/api/jobs/{job['id']}/outputs/review.html")
        assert page.headers["content-disposition"].startswith("attachment;") and "sandbox" in page.headers["content-security-policy"]
        archive = client.get(f"/api/jobs/{job['id']}/outputs.zip")
        assert archive.headers["content-disposition"] == f'attachment; filename="warta-{job["id"]}.zip"'
        with zipfile.ZipFile(io.BytesIO(archive.content)) as opened:
            assert sorted(opened.namelist()) == sorted(job["outputs"])
            assert json.loads(opened.read("report.json"))["settings"]["targets"] == ["en", "zh"]
        for name in ("en.docx", f"../../uploads/{job['id']}.txt", "..%2F..%2Fserve.sqlite", "serve.sqlite"):
            missing = client.get(f"/api/jobs/{job['id']}/outputs/{name}")
            assert missing.status_code == 404 and "outputs.zip" not in missing.text
        assert client.get("/api/jobs/AAAAAAAAAAAAAAAA/outputs.zip").status_code == 404


def test_outputs_of_a_job_not_done_are_a_conflict(serve):
    server = serve(delay=0.3)
    with server.client(server.account("ana")) as client:
        job = submit_text(client, TEXT)
        answer = client.get(f"/api/jobs/{job['id']}/outputs.zip")
        assert answer.status_code == 409 and "when it is done" in answer.json()["error"]
        assert client.get(f"/api/jobs/{job['id']}/segments").json()["segments"] == []


def test_review_edit_approve_comment_and_history(serve):
    server = serve()
    with server.client(server.account("ana")) as client:
        job = wait_for_job(client, submit_text(client, TEXT)["id"])
        url = f"/api/jobs/{job['id']}/segments"
        machine = SENTENCES[0].upper()
        edited = client.patch(f"{url}/2", json={"target": "en", "text": "The city launched a vaccination programme.",
                                                "base": machine, "state": "edited"})
        assert edited.status_code == 200, edited.text
        row = edited.json()
        assert row["en"] == "The city launched a vaccination programme." and row["machine"]["en"] == machine
        assert row["state"] == {"en": "edited", "zh": "machine"} and row["changed"]["en"]["by"] == "ana"
        approved = client.patch(f"{url}/2", json={"target": "en", "base": row["en"], "state": "approved"}).json()
        assert approved["en"] == row["en"] and approved["state"]["en"] == "approved"
        client.patch(f"{url}/2", json={"target": "zh", "text": "该市启动了疫苗接种计划。", "base": machine, "state": "approved"})
        comment = client.post(f"{url}/2/comments", json={"text": "  Check the name of the programme.  "})
        assert comment.status_code == 201
        assert (comment.json()["text"], comment.json()["by"], comment.json()["row"]) == ("Check the name of the programme.", "ana", 2)
        rows = client.get(url).json()
        assert (rows["approved"], rows["total"]) == (1, 4)
        assert rows["segments"][1]["comments"] == [comment.json()] and rows["segments"][0]["comments"] == []
        assert client.get(f"/api/jobs/{job['id']}").json()["approved"] == 1
        history = client.get(f"{url}/2/history").json()["history"]
        assert [(change["target"], change["old_state"], change["new_state"], change["old_text"], change["new_text"]) for change in history] == [
            ("en", "machine", "edited", machine, "The city launched a vaccination programme."),
            ("en", "edited", "approved", "The city launched a vaccination programme.", "The city launched a vaccination programme."),
            ("zh", "machine", "approved", machine, "该市启动了疫苗接种计划。"),
        ]
        assert client.get(f"{url}/1/history").json()["history"] == []


def test_bad_edits_are_refused_with_the_reason(serve):
    server = serve()
    with server.client(server.account("ana")) as client:
        job = wait_for_job(client, submit_text(client, TEXT, targets="en")["id"])
        url = f"/api/jobs/{job['id']}/segments"
        base = SENTENCES[0].upper()
        for body, status, words in (
            ({"target": "zh", "text": "x", "base": base}, 400, "one of the job's targets (en)"),
            ({"target": "en", "text": "x", "base": base, "state": "machine"}, 400, "'state' is edited or approved"),
            ({"target": "en", "text": "x"}, 400, "'base' is missing"),
            ({"target": "en", "base": base, "state": "edited"}, 400, "'text' is missing"),
            ({"target": "en", "text": 5, "base": base}, 400, "'text' must be a string"),
            ({"target": "en", "text": "x" * 100_001, "base": base}, 413, "the limit is 100,000"),
        ):
            answer = client.patch(f"{url}/2", json=body)
            assert answer.status_code == status and words in answer.json()["error"], answer.text
        assert client.patch(f"{url}/99", json={"target": "en", "text": "x", "base": ""}).status_code == 404
        assert client.patch(f"{url}/2", content=b"not json").status_code == 400
        assert client.post(f"{url}/99/comments", json={"text": "x"}).status_code == 404
        assert client.post(f"{url}/2/comments", json={"text": "  "}).status_code == 400
        assert client.get("/api/jobs/nope/segments").status_code == 404
        assert client.get(url).json()["segments"][1]["state"] == {"en": "machine"}  # nothing changed


def test_two_reviewers_on_one_row_lose_nothing(serve):
    server = serve()
    ana, budi = server.client(server.account("ana")), server.client(server.account("budi"))
    with ana, budi:
        job = wait_for_job(ana, submit_text(ana, TEXT)["id"])
        url = f"/api/jobs/{job['id']}/segments/3"
        loaded = budi.get(f"/api/jobs/{job['id']}/segments").json()["segments"][2]["en"]  # both load the row
        assert ana.patch(url, json={"target": "en", "text": "Ana's English.", "base": loaded}).status_code == 200
        stale = budi.patch(url, json={"target": "en", "text": "Budi's English.", "base": loaded, "state": "approved"})
        assert stale.status_code == 409
        assert "another reviewer changed this row" in stale.json()["error"]
        current = stale.json()["segment"]
        assert (current["en"], current["changed"]["en"]["by"], current["state"]["en"]) == ("Ana's English.", "ana", "edited")
        # Budi sees Ana's text and edits on it
        again = budi.patch(url, json={"target": "en", "text": "Budi's English.", "base": current["en"], "state": "approved"})
        assert again.status_code == 200 and again.json()["en"] == "Budi's English."
        history = ana.get(f"{url}/history").json()["history"]
    assert [(change["by"], change["old_text"], change["new_text"]) for change in history] == [
        ("ana", loaded, "Ana's English."), ("budi", "Ana's English.", "Budi's English."),
    ]


def test_an_approved_row_is_remembered_and_reused_by_the_next_job(serve):
    server = serve()
    with server.client(server.account("ana")) as client:
        first = wait_for_job(client, submit_text(client, TEXT)["id"])
        url = f"/api/jobs/{first['id']}/segments/3"
        client.patch(url, json={"target": "en", "text": "The programme reaches every clinic in the city.",
                                "base": SENTENCES[1].upper(), "state": "approved"})
        assert client.get("/api/memory").json()["entries"] == 1
        with TranslationMemory(server.data / "memory.sqlite") as memory:
            (entry,) = memory.entries()
        assert (entry.source, entry.en, entry.zh) == (SENTENCES[1], "The programme reaches every clinic in the city.", "")
        assert entry.origin == f"Program Vaksinasi Baru (job {first['id']})"
        # the Chinese approved later keeps the English approved before
        client.patch(url, json={"target": "zh", "text": "该计划覆盖全市所有诊所。", "base": SENTENCES[1].upper(), "state": "approved"})
        second = wait_for_job(client, submit_text(client, f"Rilis Kedua\n\n{SENTENCES[1]} Acara ini gratis untuk semua warga.\n")["id"])
        rows = client.get(f"/api/jobs/{second['id']}/segments").json()["segments"]
    remembered = rows[1]
    assert remembered["source"] == SENTENCES[1]
    assert (remembered["en"], remembered["zh"]) == ("The programme reaches every clinic in the city.", "该计划覆盖全市所有诊所。")
    assert "memory" in remembered["flags"]
    assert "memory" not in rows[2]["flags"] and rows[2]["en"] == "ACARA INI GRATIS UNTUK SEMUA WARGA."


def test_a_near_match_from_the_memory_is_a_suggestion(serve):
    server = serve()
    with server.client(server.account("ana")) as client:
        first = wait_for_job(client, submit_text(client, TEXT)["id"])
        client.patch(f"/api/jobs/{first['id']}/segments/4", json={"target": "en", "text": "Residents must bring their family card.",
                                                                   "base": SENTENCES[2].upper(), "state": "approved"})
        near = SENTENCES[2].replace("saat datang", "saat tiba")
        second = wait_for_job(client, submit_text(client, f"Rilis Lain\n\n{near}\n")["id"])
        row = client.get(f"/api/jobs/{second['id']}/segments").json()["segments"][1]
    assert row["source"] == near and row["en"] == near.upper() and "memory" not in row["flags"]
    assert row["suggestion"]["source"] == SENTENCES[2] and row["suggestion"]["en"] == "Residents must bring their family card."


def test_a_file_warta_cannot_read_fails_its_job_with_the_readers_reason(serve):
    server = serve()
    with server.client(server.account("ana")) as client:
        refused = client.post("/api/jobs", files={"file": ("laporan.doc", b"\xd0\xcf\x11\xe0 old word")})
        assert refused.status_code == 400
        assert refused.json()["error"].startswith("laporan.doc: this is an old binary Word document (.doc)")
        failed = refused.json()["job"]
        assert failed["status"] == "failed" and "save it as .docx" in failed["error"]
        assert client.get(f"/api/jobs/{failed['id']}").json()["status"] == "failed"
        unknown = client.post("/api/jobs", files={"file": ("../../etc/passwd", b"root:x:0:0")})
        assert unknown.status_code == 400 and "a file without a suffix" in unknown.json()["error"]
        binary = client.post("/api/jobs", files={"file": ("gambar.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)}).json()
        english = client.post("/api/jobs", files={"file": ("english.txt", b"The Ministry of Health announced on Monday that a new "
                                                           b"vaccination programme will begin next month in every district.\n")}).json()
        binary, english = wait_for_job(client, binary["id"]), wait_for_job(client, english["id"])
    assert list((server.data / "uploads").iterdir()) != [] and not any(p.name.startswith("laporan") for p in (server.data / "uploads").iterdir())
    assert binary["status"] == "failed" and "binary" in binary["error"]
    assert english["status"] == "failed" and "Indonesian" in english["error"]
    for job in (binary, english):
        assert str(server.data) not in job["error"] and "uploads" not in job["error"]


def test_targets_profile_and_glossary_of_a_job(serve, tmp_path):
    server = serve()
    with server.client(server.account("ana")) as client:
        english_only = wait_for_job(client, submit_text(client, TEXT, targets="en")["id"])
        assert english_only["targets"] == ["en"] and "zh.txt" not in english_only["outputs"]
        row = client.get(f"/api/jobs/{english_only['id']}/segments").json()["segments"][0]
        assert "zh" not in row and row["state"] == {"en": "machine"}
        for fields, words in (({"targets": "en,fr"}, "translates into en,zh"), ({"profile": "quality"}, "'fast' profile")):
            answer = client.post("/api/jobs", data={"text": TEXT, **fields})
            assert answer.status_code == 400 and words in answer.json()["error"]
        glossary = "id\ten\tzh\nvaksinasi\tvaccination\t疫苗接种\n"
        with_glossary = client.post("/api/jobs", data={"text": TEXT}, files={"glossary": ("istilah.tsv", glossary.encode())})
        assert with_glossary.status_code == 202 and with_glossary.json()["glossary"] == f"{with_glossary.json()['id']}.glossary.tsv"
        done = wait_for_job(client, with_glossary.json()["id"])
        report = json.loads(client.get(f"/api/jobs/{done['id']}/outputs/report.json").content)
        assert report["settings"]["targets"] == ["en", "zh"] and report["glossary"]["terms"] == 1
        broken = client.post("/api/jobs", data={"text": TEXT}, files={"glossary": ("istilah.tsv", b"no header here\n")})
        assert broken.status_code == 400 and broken.json()["error"].startswith("istilah.tsv")
        assert str(server.data) not in broken.json()["error"]


def test_jobs_go_through_the_executor_the_settings_name(serve):
    server = serve()
    worker = server.app.state.worker
    assert isinstance(worker.executor, LocalExecutor) and worker.executor.warta is worker.warta
    windows = []
    translate = worker.executor.translate

    def counted(batches, on_progress):
        for result in translate(batches, on_progress):
            windows.append([article.name for _, article in result.window])
            yield result

    worker.executor.translate = counted
    with server.client(server.account("ana")) as client:
        wait_for_job(client, submit_text(client, TEXT)["id"])
        client.post("/translate", json={"q": "Selamat pagi.", "source": "id", "target": "en"})
    assert windows == [["pasted text"], ["q0"]]


def test_accounts_and_keys_are_an_admins(serve):
    server = serve()
    admin, reviewer = server.client(server.account("root", "admin")), server.client(server.account("ana"))
    with admin, reviewer:
        me = reviewer.get("/api/me").json()
        assert (me["name"], me["role"], me["server"]["targets"], me["server"]["profile"]) == ("ana", "reviewer", ["en", "zh"], "fast")
        assert reviewer.get("/api/users").status_code == 403
        assert reviewer.post("/api/users", json={"name": "eve", "role": "admin"}).status_code == 403
        made = admin.post("/api/users", json={"name": "citra", "role": "reviewer", "password": "long-enough-pw"})
        assert made.status_code == 201 and made.json()["name"] == "citra"
        assert admin.post("/api/users", json={"name": "citra"}).status_code == 400  # taken
        assert admin.post("/api/users", json={"name": "bad name!"}).status_code == 400
        assert admin.post("/api/users", json={"name": "dewi", "password": "short"}).status_code == 400
        listed = {user["name"]: user for user in admin.get("/api/users").json()["users"]}
        assert set(listed) == {"root", "ana", "citra"} and len(listed["citra"]["keys"]) == 1
        with server.client(made.json()["api_key"]) as citra:
            assert citra.get("/api/me").json()["name"] == "citra"
            second = citra.post("/api/users/citra/keys")
            assert second.status_code == 201
            assert citra.post("/api/users/ana/keys").status_code == 403
            assert citra.delete(f"/api/users/citra/keys/{listed['citra']['keys'][0]['id']}").status_code == 204
            assert citra.get("/api/me").status_code == 401  # that key is revoked
        with server.client(second.json()["api_key"]) as citra:
            assert citra.get("/api/me").json()["name"] == "citra"
        assert admin.delete("/api/users/citra/keys/nope").status_code == 404


MARKDOWN_RELEASE = """# Jadwal Vaksinasi Kecamatan

Vaksinasi dilakukan di empat kecamatan pada bulan Juni.

1. Datang ke puskesmas terdekat. Bawa kartu keluarga.
2. Isi formulir pendaftaran di loket.

| Kecamatan | Tanggal |
|---|---|
| Tamalate | 3 Juni 2025 |
"""


def test_rows_carry_a_list_items_number_and_a_table_cells_place(serve):
    server = serve()
    with server.client(server.account("ana")) as client:
        job = client.post("/api/jobs", files={"file": ("jadwal.md", MARKDOWN_RELEASE.encode())}).json()
        assert wait_for_job(client, job["id"])["status"] == "done"
        rows = client.get(f"/api/jobs/{job['id']}/segments").json()["segments"]
    assert [(row["kind"], row["marker"], row["cell"], row["source"]) for row in rows] == [
        ("title", "", None, "Jadwal Vaksinasi Kecamatan"),  # a heading's "#" is not a list number
        ("paragraph", "", None, "Vaksinasi dilakukan di empat kecamatan pada bulan Juni."),
        ("list_item", "1.", None, "Datang ke puskesmas terdekat."),
        ("list_item", "1.", None, "Bawa kartu keluarga."),
        ("list_item", "2.", None, "Isi formulir pendaftaran di loket."),
        ("table_cell", "", [0, 0, 0], "Kecamatan"),
        ("table_cell", "", [0, 0, 1], "Tanggal"),
        ("table_cell", "", [0, 1, 0], "Tamalate"),
        ("table_cell", "", [0, 1, 1], "3 Juni 2025"),
    ]


#: 300 sentences in 30 paragraphs, and a title: 301 rows.
LONG_RELEASE = "Rilis Tiga Ratus Kalimat\n\n" + "\n\n".join(
    " ".join(f"Kalimat nomor {10 * block + number} menjelaskan kegiatan pemerintah kota hari ini." for number in range(1, 11))
    for block in range(30)) + "\n"


def test_one_request_approves_300_rows_and_reports_a_row_changed_meanwhile(serve):
    server = serve(rate_limit=60)  # the default: 300 rows at one request a row and target took ten minutes
    ana, budi = server.client(server.account("ana")), server.client(server.account("budi"))
    with ana, budi:
        job = wait_for_job(ana, submit_text(ana, LONG_RELEASE)["id"], timeout=120)
        url = f"/api/jobs/{job['id']}/segments"
        loaded = ana.get(url).json()["segments"]
        assert len(loaded) == 301
        # Budi edits row 7's English after Ana loaded it; Ana then approves every row as she saw it
        budi.patch(f"{url}/7", json={"target": "en", "text": "Budi's English.", "base": loaded[6]["en"]}).raise_for_status()
        items = [{"row": row["row"], "target": target, "base": row[target]} for row in loaded[1:] for target in ("en", "zh")]
        answer = ana.post(f"{url}/approve", json={"items": items})
        assert answer.status_code == 200, answer.text
        done = answer.json()
        assert done["conflicts"] == [{"row": 7, "target": "en"}]
        assert len(done["approved"]) == 599 and {"row": 7, "target": "zh"} in done["approved"] and done["unchanged"] == []
        shown = {row["row"]: row for row in done["segments"]}
        assert len(shown) == 300 and shown[7]["en"] == "Budi's English." and shown[7]["state"] == {"en": "edited", "zh": "approved"}
        assert shown[2]["state"] == {"en": "approved", "zh": "approved"} and shown[2]["changed"]["en"]["by"] == "ana"
        # asked again: nothing is written twice, and Budi's row is still his
        again = ana.post(f"{url}/approve", json={"items": items[:4] + [{"row": 7, "target": "en", "base": loaded[6]["en"]}]}).json()
        assert (again["approved"], len(again["unchanged"]), again["conflicts"]) == ([], 4, [{"row": 7, "target": "en"}])
        rows = ana.get(url).json()
        assert (rows["approved"], rows["total"]) == (299, 301)
        assert [change["by"] for change in ana.get(f"{url}/7/history").json()["history"]] == ["budi", "ana"]  # zh approved
        assert [change["new_state"] for change in ana.get(f"{url}/2/history").json()["history"]] == ["approved", "approved"]
        # refused whole: a bad item, a row the job does not have
        for body, status in (({"items": []}, 400), ({"items": [{"row": "2", "target": "en", "base": ""}]}, 400),
                             ({"items": [{"row": 1, "target": "fr", "base": ""}]}, 400),
                             ({"items": [{"row": 1, "target": "en", "base": loaded[0]["en"]}, {"row": 999, "target": "en", "base": ""}]}, 404)):
            assert ana.post(f"{url}/approve", json=body).status_code == status, body
        assert ana.get(url).json()["segments"][0]["state"]["en"] == "machine"  # the title was not approved by the refused request
        with TranslationMemory(server.data / "memory.sqlite") as memory:
            assert len(memory) == 300  # every approved row is remembered (row 7 with Budi's English)


def _docx_text(content: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([paragraph.text for paragraph in document.paragraphs] + cells)


def test_downloads_carry_the_review_as_it_is_when_downloaded(serve):
    from tests.serve.conftest import FORMATS

    server = serve(settings=Settings(formats=(*FORMATS, "docx", "bilingual")))
    with server.client(server.account("ana")) as client:
        job = wait_for_job(client, submit_text(client, TEXT)["id"])
        assert job["outputs_with_review"] is True and {"en.docx", "bilingual.docx"} <= set(job["outputs"])
        url, outputs = f"/api/jobs/{job['id']}/segments", f"/api/jobs/{job['id']}/outputs"
        folder = server.data / "jobs" / job["id"]
        machine = SENTENCES[0].upper()
        assert machine in client.get(f"{outputs}/en.txt").text
        written = (folder / "aligned.tsv").stat().st_mtime_ns
        client.get(f"{outputs}/aligned.tsv")
        assert (folder / "aligned.tsv").stat().st_mtime_ns == written  # no change, nothing written again

        client.patch(f"{url}/2", json={"target": "en", "text": "The city launched a vaccination programme.", "base": machine})
        client.patch(f"{url}/2", json={"target": "zh", "text": "该市启动了疫苗接种计划。", "base": machine, "state": "approved"})
        client.patch(f"{url}/3", json={"target": "en", "base": SENTENCES[1].upper(), "state": "approved"})
        english = client.get(f"{outputs}/en.txt")
        assert english.headers["content-disposition"] == 'attachment; filename="en.txt"'
        assert "The city launched a vaccination programme." in english.text and machine not in english.text
        tsv = [line.split("\t") for line in client.get(f"{outputs}/aligned.tsv").text.splitlines()]
        assert tsv[2][3:6] == [SENTENCES[0], "The city launched a vaccination programme.", "该市启动了疫苗接种计划。"]
        assert tsv[3][4] == SENTENCES[1].upper()  # approved as the machine wrote it
        assert "The city launched a vaccination programme." in _docx_text(client.get(f"{outputs}/en.docx").content)
        assert "该市启动了疫苗接种计划。" in _docx_text(client.get(f"{outputs}/bilingual.docx").content)
        report = client.get(f"{outputs}/report.json").json()
        assert report["review"]["edited"] == {"en": [2]} and report["review"]["approved"] == {"en": [3], "zh": [2]}
        assert report["review"]["rows"] == 4 and report["review"]["as_of"] is not None
        assert any(line.startswith("Reviewed on warta serve") and "English 1 edited and 1 approved" in line for line in report["warnings"])
        assert report["settings"]["targets"] == ["en", "zh"] and report["counts"]["sentences"] == 4  # the run's signature is kept

        # the zip, after one more edit: the review as it is at that moment, every file
        client.patch(f"{url}/4", json={"target": "en", "text": "Residents must bring their family card.", "base": SENTENCES[2].upper()})
        with zipfile.ZipFile(io.BytesIO(client.get(f"/api/jobs/{job['id']}/outputs.zip").content)) as opened:
            assert sorted(opened.namelist()) == sorted(job["outputs"])
            assert "Residents must bring their family card." in opened.read("en.txt").decode()
            assert "The city launched a vaccination programme." in opened.read("aligned.tsv").decode()
            assert "Residents must bring their family card." in opened.read("review.html").decode()
            assert json.loads(opened.read("report.json"))["review"]["edited"] == {"en": [2, 4]}
    # what the machine wrote is still in the history
    assert server.app.state.store.history(job["id"], 2)[0].old_text == machine
