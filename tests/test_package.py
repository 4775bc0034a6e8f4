"""The package: version, public API, entry points, and the layering rule of the brief."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import panmun

SRC = Path(panmun.__file__).parent

# Layers from the bottom up; a module may import only from its own layer or lower ones.
LAYERS = {
    "errors": 0, "dates": 0, "_version": 0, "_lazy": 0, "jsonify": 0, "limits": 0, "schemas": 0,
    "kb": 1, "store": 1, "ingest": 1, "update": 1,
    "agreements": 2, "environment": 2, "vectors": 2, "armscontrol": 2, "actors": 2, "roadmap": 2,
    "report": 3, "web": 4, "cli": 4,
}


def test_version_matches_metadata():
    from importlib.metadata import version
    assert panmun.__version__ == version("panmun")


def test_public_api_names_exist_and_are_documented():
    for name in panmun.__all__:
        obj = getattr(panmun, name)
        if callable(obj):
            assert obj.__doc__, f"panmun.{name} has no docstring"


def test_python_dash_m_and_console_script():
    out = subprocess.run([sys.executable, "-m", "panmun", "--version"], capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == f"panmun {panmun.__version__}"
    script = Path(sys.executable).parent / "panmun"
    assert script.exists(), "console script `panmun` not installed next to python"


def test_folders_of_the_brief_exist():
    for folder in ("kb", "store", "ingest", "environment", "agreements", "vectors", "armscontrol",
                   "actors", "roadmap", "report", "web", "cli"):
        assert (SRC / folder / "__init__.py").is_file(), folder


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("panmun."):
            names.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            names.update(a.name.split(".")[1] for a in node.names if a.name.startswith("panmun."))
    return names


def test_lower_layers_never_import_upper_ones():
    violations = []
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC)
        if rel.parts == ("__init__.py",) or rel.parts == ("__main__.py",):
            continue  # the package root gathers the public API from every layer
        own = rel.parts[0].removesuffix(".py")
        for imported in _imports(path):
            if LAYERS[imported] > LAYERS[own]:
                violations.append(f"{rel} imports panmun.{imported}")
    assert not violations, violations
