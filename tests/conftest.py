"""Shared fixtures: tiny real models built once per test session, and a fake hub cache.

Files are found relative to this file, never the working directory.
"""

import os
import shutil
from pathlib import Path

import pytest

from models.tiny import SAMPLE_ARTICLE, build_default_pair, build_m2m100, build_nllb, build_tiny_chat, sample_sentences

DEFAULT_IDS = {"id-en": "Helsinki-NLP/opus-mt-id-en", "en-zh": "Helsinki-NLP/opus-mt-en-zh"}
FAKE_COMMIT = {"id-en": "1" * 40, "en-zh": "2" * 40}


@pytest.fixture(autouse=True, scope="session")
def _no_network_for_models(tmp_path_factory: pytest.TempPathFactory) -> None:
    # No test may reach the Hugging Face hub: point its cache at an empty session folder
    # (filled by hub_cache below) and forbid downloads.
    home = tmp_path_factory.mktemp("hf-home")
    os.environ["HF_HOME"] = str(home)
    os.environ["HF_HUB_CACHE"] = str(home / "hub")
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_VERBOSITY"] = "error"


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Folders of tiny id->en and en->zh Marian models (random weights, real tokenizers)."""
    return build_default_pair(tmp_path_factory.mktemp("tiny-models"))


@pytest.fixture(scope="session")
def tiny_nllb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny NLLB-200-style model folder (direct id->zh)."""
    return build_nllb(tmp_path_factory.mktemp("tiny-nllb") / "nllb", sample_sentences())


@pytest.fixture(scope="session")
def tiny_m2m100(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny M2M100 model folder (direct id->zh)."""
    return build_m2m100(tmp_path_factory.mktemp("tiny-m2m100") / "m2m100", sample_sentences())


@pytest.fixture(scope="session")
def tiny_chat(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny Qwen2 chat model folder (the default summarizer's family, ChatML template)."""
    return build_tiny_chat(tmp_path_factory.mktemp("tiny-chat") / "chat")


@pytest.fixture(scope="session")
def hub_cache(tiny_models: dict[str, Path]) -> dict[str, str]:
    """The tiny models installed in the (session's) hub cache under the default model ids.

    Laid out as huggingface_hub lays out a download (``models--org--name/refs/main`` naming
    a commit, ``snapshots/<commit>/`` holding the files), so that loading by id goes through
    exactly the code a real cached download does.

    Returns:
        pair -> the commit each id resolves to.
    """
    cache = Path(os.environ["HF_HUB_CACHE"])
    for pair, repo_id in DEFAULT_IDS.items():
        repo = cache / f"models--{repo_id.replace('/', '--')}"
        snapshot = repo / "snapshots" / FAKE_COMMIT[pair]
        if not snapshot.exists():
            shutil.copytree(tiny_models[pair], snapshot)
            (repo / "refs").mkdir(parents=True, exist_ok=True)
            (repo / "refs" / "main").write_text(FAKE_COMMIT[pair])
    return dict(FAKE_COMMIT)


@pytest.fixture(scope="session")
def sample_article() -> Path:
    """The real press release in ``data/samples/``."""
    return SAMPLE_ARTICLE


@pytest.fixture
def artifacts(tmp_path: Path) -> Path:
    """Where a test saves what a person may want to look at (screenshots): the folder named by
    ``WARTA_TEST_ARTIFACTS`` when set, else the test's own temporary folder. Never the checkout."""
    named = os.environ.get("WARTA_TEST_ARTIFACTS")
    folder = Path(named) if named else tmp_path / "artifacts"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that drives Chromium (through the ``browser`` fixture) ``browser``, so that
    ``-m "not browser"`` leaves them out where there is no chromium or no time."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
