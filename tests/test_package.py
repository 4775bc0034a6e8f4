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
    "charts": 0, "codes": 0,
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


# ------------------------------------------------------------------ the module graph


def _module_name(src: Path, path: Path) -> str:
    parts = path.relative_to(src).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(("panmun", *parts))


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _import_nodes(tree: ast.AST):
    """Every import statement of a module, functions included, each with whether it sits in
    an ``if TYPE_CHECKING:`` block (not run, so not an edge of the graph)."""
    todo = [(tree, False)]
    while todo:
        node, typing_only = todo.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node, typing_only
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            todo += [(child, True) for child in node.body]
            todo += [(child, typing_only) for child in node.orelse]
        else:
            todo += [(child, typing_only) for child in ast.iter_child_nodes(node)]


def package_imports(src: Path) -> list[tuple[str, str, str | None, bool]]:
    """Every import of a module of the package at ``src`` by another of its modules:
    (importing file relative to ``src``, imported module, imported name or None, whether
    only for type checking). ``from panmun.x.y import z`` imports module ``panmun.x.y.z``
    when that is a module, else the name ``z`` of ``panmun.x.y``."""
    files = {_module_name(src, p): p for p in sorted(src.rglob("*.py"))}
    found = []
    for own, path in files.items():
        package = own if path.name == "__init__.py" else own.rpartition(".")[0]
        rel = path.relative_to(src).as_posix()
        for node, typing_only in _import_nodes(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found += [(rel, a.name, None, typing_only) for a in node.names if a.name in files]
                continue
            if node.level:   # a relative import
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module not in files:
                continue
            for alias in node.names:
                if f"{module}.{alias.name}" in files:
                    found.append((rel, f"{module}.{alias.name}", None, typing_only))
                else:
                    found.append((rel, module, alias.name, typing_only))
    return found


def import_graph(src: Path) -> dict[str, set[str]]:
    """Module -> the modules it imports (at the top or in a function; not for type checking
    only). A package's ``__init__`` that names its modules for :func:`panmun._lazy.attach`
    names them in strings: no edge."""
    graph: dict[str, set[str]] = {_module_name(src, p): set() for p in src.rglob("*.py")}
    for rel, module, _, typing_only in package_imports(src):
        own = _module_name(src, src / rel)
        if not typing_only and module != own:
            graph[own].add(module)
    return graph


def import_cycle(src: Path) -> list[str] | None:
    """A cycle of imports between modules of the package (``[a, b, ..., a]``), or None."""
    graph = import_graph(src)
    state: dict[str, int] = {}          # 1 on the path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for root in sorted(graph):
        if root not in state and (cycle := visit(root)):
            return cycle
    return None


def private_imports(src: Path) -> set[tuple[str, str, str]]:
    """(importing file, module, name) of every import of a private name (``_x``, not a
    dunder) of one module of the package by another, type-checking imports included."""
    return {(rel, module, name) for rel, module, name, _ in package_imports(src)
            if name and name.startswith("_") and not (name.startswith("__") and name.endswith("__"))
            and module != _module_name(src, src / rel)}


def test_no_import_cycles_between_modules():
    cycle = import_cycle(SRC)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_no_module_imports_a_private_name_of_another():
    found = private_imports(SRC)
    assert not found, [f"{rel} imports {name} from {module}" for rel, module, name in sorted(found)]


def _copy_of_the_package(tmp_path: Path) -> Path:
    import shutil

    copy = tmp_path / "panmun"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("__pycache__", "data", "locale", "static"))
    return copy


def test_the_cycle_check_catches_a_cycle(tmp_path):
    """The check itself: a cycle through an import in a function fails it; one closed only
    by a type-checking import does not."""
    copy = _copy_of_the_package(tmp_path)
    assert import_cycle(copy) is None
    (copy / "store" / "typed_a.py").write_text("from panmun.store.typed_b import B\nA = 1\n")
    (copy / "store" / "typed_b.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                                               "    from panmun.store.typed_a import A\nB = 1\n")
    assert import_cycle(copy) is None
    (copy / "kb" / "bad_a.py").write_text("def f():\n    from panmun.kb.bad_b import g\n    return g\n")
    (copy / "kb" / "bad_b.py").write_text("from panmun.kb import bad_a\n\ndef g():\n    return bad_a\n")
    cycle = import_cycle(copy)
    assert cycle is not None and cycle[0] == cycle[-1]
    assert set(cycle) == {"panmun.kb.bad_a", "panmun.kb.bad_b"}


def test_the_private_name_check_catches_a_private_import(tmp_path):
    copy = _copy_of_the_package(tmp_path)
    assert not private_imports(copy)
    (copy / "store" / "bad.py").write_text(
        "from panmun import _lazy\n"                          # a module, not a name
        "from panmun._version import __version__\n"           # a dunder
        "from panmun.store.load import _duplicate_id\n"
        "def f():\n    from panmun.ingest.formats import _stripped\n")
    found = private_imports(copy)
    assert found == {("store/bad.py", "panmun.store.load", "_duplicate_id"),
                     ("store/bad.py", "panmun.ingest.formats", "_stripped")}


# ------------------------------------------------------------------ one way to do each thing

#: each idea, the one module that may define it, and the source text that betrays a copy
ONE_HOME = [
    ("month arithmetic", "months.py",
     r"^def (month_index|month_label|month_start|month_end|months_between|month_after|month_range"
     r"|parse_month|year_month|as_month)\("),
    # the patterns a value must match whole (searching a text for dates is another job)
    ("the month pattern", "months.py", r"re\.compile\(r\"\^\(?\\d\{4\}\)?-\(?\\d\{2\}\)?\$\"\)"),
    ("the ISO day pattern", "dates.py", r"re\.compile\(r\"\^\\d\{4\}-\\d\{2\}-\\d\{2\}\$\"\)"),
    ("an actor-code pattern", "identifiers.py", r"\[A-Z\]\{2,5\}|\[A-Z0-9\]\{2,12\}"),
    ("the chart style", "charts.py", r"^def _?style\("),
    ("posterior draws of the three-vector model", "vectors/runs.py", r"\bpost(erior)?\.draws\("),
    ("posterior draws of the clash-risk model", "armscontrol/calibrate.py", r"\.posterior\.draw\("),
    ("reading YAML", "kb/yamlio.py", r"yaml\.(safe_)?load\(|yaml\.compose\("),
]
#: reads of YAML that are not user files: the forecast's frozen configuration, shipped with
#: the code and read as plain data
YAML_ELSEWHERE = {"environment/forecast/frozen.py"}


def copies_of(src: Path) -> list[str]:
    """Every module that defines or re-implements an idea of :data:`ONE_HOME` outside its home."""
    import re

    found = []
    for path in sorted(src.rglob("*.py")):
        rel = path.relative_to(src).as_posix()
        text = path.read_text(encoding="utf-8")
        for idea, home, pattern in ONE_HOME:
            if rel == home or (idea == "reading YAML" and rel in YAML_ELSEWHERE):
                continue
            if re.search(pattern, text, re.M):
                found.append(f"{rel} has its own copy of {idea} (use {home})")
    return found


def test_each_idea_has_one_home():
    assert not copies_of(SRC), copies_of(SRC)


def test_the_one_home_check_catches_a_copy(tmp_path):
    copy = tmp_path / "panmun"
    (copy / "roadmap").mkdir(parents=True)
    (copy / "months.py").write_text("def month_index(day):\n    return 0\n")
    (copy / "roadmap" / "bad.py").write_text(
        "import re\nDAY = re.compile(r\"^\\d{4}-\\d{2}-\\d{2}$\")\n\ndef month_after(day):\n    pass\n"
        "\n\ndef _style(ax):\n    pass\n\nx = post.draws(10, 0)\n")
    found = copies_of(copy)
    assert not any(f.startswith("months.py") for f in found)
    for idea in ("month arithmetic", "the ISO day pattern", "the chart style",
                 "posterior draws of the three-vector model"):
        assert f"roadmap/bad.py has its own copy of {idea} (use " in " ".join(found), idea
