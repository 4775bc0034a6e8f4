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
    "errors": 0, "dates": 0, "months": 0, "_version": 0, "_lazy": 0, "i18n": 0, "jsonify": 0, "limits": 0,
    "schemas": 0, "identifiers": 0,
    "charts": 0,
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


#: the edges allowed between the topics of layer 2 (importer -> imported), from the bottom up:
#: agreements <- environment <- vectors <- armscontrol <- roadmap; actors stands alone
LAYER2_EDGES = {
    ("environment", "agreements"),
    ("vectors", "agreements"), ("vectors", "environment"),
    ("armscontrol", "agreements"), ("armscontrol", "vectors"),
    ("roadmap", "vectors"), ("roadmap", "armscontrol"), ("roadmap", "actors"),
}
#: the command line may start the web server and administer its accounts; the web never
#: imports the command line
CLI_INTO_WEB = {"serve.py", "users.py"}


def _imports(path: Path) -> set[str]:
    """The top-level panmun packages a module imports (anywhere in it, functions included);
    ``panmun`` itself for ``import panmun`` or ``from panmun import NAME`` of a public name."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "panmun":
            for alias in node.names:
                names.add(alias.name if alias.name in LAYERS else "panmun")
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("panmun."):
            names.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "panmun":
                    names.add("panmun")
                elif alias.name.startswith("panmun."):
                    names.add(alias.name.split(".")[1])
    return names


def layer_violations(src: Path) -> list[str]:
    """Every import in the package at ``src`` that breaks the layering rule."""
    violations = []
    for path in sorted(src.rglob("*.py")):
        rel = path.relative_to(src)
        if rel.parts in (("__init__.py",), ("__main__.py",)):
            continue  # the package root gathers the public API from every layer
        own = rel.parts[0].removesuffix(".py")
        for imported in _imports(path):
            if imported == own:
                continue
            if imported == "panmun":
                violations.append(f"{rel} imports the panmun package (import the defining module)")
            elif imported not in LAYERS:
                violations.append(f"{rel} imports panmun.{imported}, which has no layer (add it to LAYERS)")
            elif LAYERS[imported] > LAYERS[own]:
                violations.append(f"{rel} imports panmun.{imported} (a higher layer)")
            elif LAYERS[own] == LAYERS[imported] == 2 and (own, imported) not in LAYER2_EDGES:
                violations.append(f"{rel} imports panmun.{imported} (not an allowed edge inside layer 2)")
            elif (own, imported) == ("web", "cli"):
                violations.append(f"{rel} imports panmun.cli (the web never imports the command line)")
            elif (own, imported) == ("cli", "web") and rel.name not in CLI_INTO_WEB:
                violations.append(f"{rel} imports panmun.web (only {sorted(CLI_INTO_WEB)} may)")
    return violations


def test_lower_layers_never_import_upper_ones():
    assert not layer_violations(SRC), layer_violations(SRC)


def test_the_layer_check_catches_a_wrong_import(tmp_path):
    """The check itself: a copy of the package with one bad import in a function fails it."""
    import shutil

    copy = tmp_path / "panmun"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("__pycache__", "data", "locale", "static"))
    assert not layer_violations(copy)
    bad = copy / "kb" / "bad.py"
    bad.write_text("def f():\n    from panmun.report.briefing import build_briefing\n    import panmun\n")
    (copy / "web" / "bad.py").write_text("from panmun.cli.output import emit\n")
    (copy / "environment" / "bad.py").write_text("from panmun.roadmap import ranking\n")
    found = layer_violations(copy)
    assert any("kb/bad.py imports panmun.report" in v for v in found)
    assert any("kb/bad.py imports the panmun package" in v for v in found)
    assert any("web/bad.py imports panmun.cli" in v for v in found)
    assert any("environment/bad.py imports panmun.roadmap" in v for v in found)
