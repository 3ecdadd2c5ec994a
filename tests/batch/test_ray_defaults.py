"""``--executor ray`` with the defaults on a small machine: a local Ray sized to it, which finishes."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from models.tiny import REPO


@pytest.mark.slow
@pytest.mark.ray
def test_executor_ray_with_default_worker_size_finishes_on_a_machine_with_fewer_cores(tiny_models, tmp_path: Path) -> None:
    pytest.importorskip("ray", exc_type=ImportError, reason="Ray is not installed; the Ray tests with it run in CI")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "satu.txt").write_text("Pemerintah meluncurkan program beasiswa baru hari ini.\n", encoding="utf-8")
    # --ray-actor-cpus stays at its default of 4; the local Ray warta starts has this machine's
    # cores (2 here and in CI), so an actor of 4 could never be placed unless it is sized down.
    environment = {key: value for key, value in os.environ.items() if key != "RAY_ADDRESS"}
    result = subprocess.run(
        [sys.executable, str(REPO / "run.py"), "translate", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--executor", "ray",
         "--beams", "1", "--formats", "tsv", "--model", f"id-en={tiny_models['id-en']}", "--model", f"en-zh={tiny_models['en-zh']}"],
        capture_output=True, text=True, timeout=300, env=environment, check=False)
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert [entry["status"] for entry in manifest["articles"].values()] == ["done"]
