"""The server's store on its own: a database made by an earlier warta gets the columns added since."""

import sqlite3

from pipeline.serve.store import NewSegment, Store

# ``segments`` as the first warta serve made it: no marker, no cell.
FIRST_SEGMENTS = """
CREATE TABLE segments (
    job_id TEXT NOT NULL, row INTEGER NOT NULL, block INTEGER NOT NULL, sentence INTEGER NOT NULL, kind TEXT NOT NULL,
    source TEXT NOT NULL, flags TEXT NOT NULL, scores TEXT NOT NULL, suggestion TEXT, PRIMARY KEY (job_id, row)
);
INSERT INTO segments VALUES ('AAAAAAAAAAAAAAAA', 1, 1, 1, 'paragraph', 'Selamat pagi.', '[]', '{}', NULL);
"""


def test_a_database_from_before_gets_the_marker_and_cell_columns(tmp_path):
    path = tmp_path / "serve.sqlite"
    with sqlite3.connect(path) as db:
        db.executescript(FIRST_SEGMENTS)
    store = Store(path)
    (old,) = store.segments("AAAAAAAAAAAAAAAA")
    assert (old.source, old.marker, old.cell) == ("Selamat pagi.", "", None)
    job = store.add_job("BBBBBBBBBBBBBBBB", "ana", "rilis.md", "BBBBBBBBBBBBBBBB.md", ("en",), "fast")
    store.finish_job(job.id, "Rilis", ["en.txt"], [
        NewSegment(1, 1, "list_item", "Datang pagi.", (), {}, None, {"en": "COME EARLY."}, marker="1."),
        NewSegment(2, 1, "table_cell", "Tamalate", (), {}, None, {"en": "TAMALATE"}, cell=(0, 1, 0)),
    ], article=b"stored")
    rows = store.segments(job.id)
    assert [(row.marker, row.cell) for row in rows] == [("1.", None), ("", (0, 1, 0))]
    assert rows[1].as_json()["cell"] == [0, 1, 0] and rows[0].as_json()["marker"] == "1."
    assert store.job(job.id).outputs_with_review and store.kept_article(job.id) == b"stored"
    assert store.review_marks(job.id) == (0, 0)
    Store(path)  # opened again: nothing to add


def test_a_job_the_server_died_under_three_times_fails_instead_of_coming_back(tmp_path):
    from pipeline.serve.store_jobs import MAX_CRASHES

    store = Store(tmp_path / "serve.sqlite")
    job = store.add_job("CCCCCCCCCCCCCCCC", "ana", "bom.pdf", "CCCCCCCCCCCCCCCC.pdf", ("en",), "fast")
    for start in range(1, MAX_CRASHES + 1):
        assert store.claim_next_job().id == job.id  # the worker takes it; the process dies under it
        requeued = store.requeue_interrupted()  # the next start finds it running
        if start < MAX_CRASHES:
            assert requeued == 1 and store.job(job.id).status == "queued"
    after = store.job(job.id)
    assert requeued == 0 and after.status == "failed" and "stopped 3 times" in after.error
    assert store.claim_next_job() is None  # never tried again
    other = store.add_job("DDDDDDDDDDDDDDDD", "ana", "rilis.txt", "DDDDDDDDDDDDDDDD.txt", ("en",), "fast")
    assert store.claim_next_job().id == other.id
    store.requeue(other.id)  # a clean stop puts it back without counting
    assert store.claim_next_job().id == other.id
