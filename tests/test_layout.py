"""The shape of the house: no import cycles, models below pipeline, modules under 400 lines, and a wheel that holds it all."""

import ast
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from models.tiny import REPO

PACKAGES = ("pipeline", "models", "data")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    found = {_module_name(path): path for package in PACKAGES for path in (REPO / package).rglob("*.py")}
    found["run"] = REPO / "run.py"
    return found


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """Every warta module that ``path`` imports, at the top or inside a function (hidden cycles count)."""
    found: set[str] = set()
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            # "from a import b": b may be a submodule (a.b) or a name in a.
            names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
        else:
            continue
        found.update(name for name in names if name in modules)
    return found


def test_no_import_cycles():
    modules = _modules()
    graph = {name: _imports(path, modules) - {name} for name, path in modules.items()}
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: finished

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for target in sorted(graph[name]):
            if state.get(target) == 1:
                cycles.append(path[path.index(target):] + [target])
            elif target not in state:
                visit(target, [*path, target])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


#: The house rule for a module's length (STYLE.md: no 2,000-line core file): split it by what the code does.
MAX_MODULE_LINES = 400


def test_every_module_is_under_400_lines():
    lengths = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in _modules().items()}
    assert {name: lines for name, lines in lengths.items() if lines >= MAX_MODULE_LINES} == {}


def test_models_never_import_the_pipeline():
    modules = _modules()
    offenders = {
        name: sorted(target for target in _imports(path, modules) if target.split(".")[0] in ("pipeline", "run"))
        for name, path in modules.items() if name.split(".")[0] == "models"
    }
    assert {name: targets for name, targets in offenders.items() if targets} == {}


@pytest.mark.slow
def test_the_wheel_holds_every_subpackage_template_and_data_file(tmp_path: Path):
    # Built from a copy: setuptools writes build/ and *.egg-info into the tree it builds, and a
    # test writes nothing into the checkout.
    source = tmp_path / "source"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(".git", ".venv", "build", "*.egg-info", "__pycache__", ".*_cache", "out"))
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path)],
        capture_output=True, text=True, timeout=300,
    )
    if result.returncode != 0:
        pytest.fail(f"building the wheel failed: {result.stderr[-2000:]}")
    (wheel,) = tmp_path.glob("warta-*.whl")
    inside = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        path.relative_to(REPO).as_posix()
        for package in PACKAGES
        for path in (REPO / package).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
        and (path.suffix in (".py", ".j2", ".txt", ".tsv") or path.name == "py.typed")
    }
    expected.add("run.py")
    assert expected - inside == set()
