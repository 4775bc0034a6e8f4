"""The documentation site (mkdocs.yml, docs/): it builds with ``mkdocs build --strict``, has the
four kinds of page (tutorials, how-to guides, reference, explanation), loads nothing from the
internet; the API reference documents exactly each namespace's public names; the how-to guides'
example files are accepted by panmun's own readers."""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
EXAMPLES = DOCS / "how-to" / "examples"
NAMESPACES = ("agreements", "environment", "vectors", "armscontrol", "actors", "roadmap")

#: pages of each kind the built site must have (site_dir-relative, use_directory_urls: false)
PAGES = {
    "tutorials": ["tutorials/index.html", "tutorials/security-environment.html",
                  "tutorials/implementation-and-tasks.html", "tutorials/arms-control.html",
                  "tutorials/neighbours.html"],
    "how-to": ["how-to/index.html", "how-to/ingest-gdelt.html", "how-to/write-scenario.html",
               "how-to/write-armscontrol-package.html", "how-to/write-roadmap-plan.html",
               "how-to/write-kb-overlay.html", "how-to/dask-ensembles.html",
               "how-to/reverse-proxy.html", "install-offline.html"],
    "reference": ["reference/index.html", "cli.html", "api.html", "reference/file-formats.html",
                  "reference/exit-codes.html", "reference/environment-variables.html",
                  "reference/store.html", "reference/schemas/index.html",
                  *(f"reference/api-{ns}.html" for ns in ("panmun", *NAMESPACES))],
    "explanation": ["explanation/index.html", "architecture.html", "vectors.html", "armscontrol.html",
                    "actors-models.html", "roadmap.html", "forecast.html", "environment.html"],
}

REMOTE_SCRIPT = re.compile(r"<script\b[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?//", re.I)
REMOTE_LINK = re.compile(r"<link\b[^>]*>", re.I)
REMOTE_HREF = re.compile(r"\bhref\s*=\s*[\"']?(?:https?:)?//", re.I)
REMOTE_IMPORT = re.compile(r"@import\s+(?:url\()?[\"']?(?:https?:)?//", re.I)


@pytest.mark.slow
def test_the_site_builds_strict_offline_with_the_four_kinds(tmp_path):
    pytest.importorskip("mkdocs")
    pytest.importorskip("material")
    pytest.importorskip("mkdocstrings_handlers.python")
    site = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(ROOT / "mkdocs.yml"),
         "--site-dir", str(site)],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}"
    assert "WARNING" not in result.stderr, result.stderr

    missing = [page for pages in PAGES.values() for page in pages if not (site / page).is_file()]
    assert not missing, f"pages missing from the built site: {missing}"

    # the navigation groups the pages by kind
    home = (site / "index.html").read_text("utf-8")
    for label in ("Tutorials", "How-to guides", "Reference", "Explanation"):
        assert label in home, f"no {label!r} in the navigation"

    # nothing is loaded from the internet: no Google Fonts, no remote script or style sheet
    remote = []
    for path in site.rglob("*"):
        if path.suffix not in (".html", ".css", ".js") or not path.is_file():
            continue
        text = path.read_text("utf-8", errors="replace")
        where = path.relative_to(site)
        if "fonts.googleapis.com" in text or "fonts.gstatic.com" in text:
            remote.append(f"{where}: Google Fonts")
        if path.suffix == ".html":
            remote += [f"{where}: {m.group(0)}" for m in REMOTE_SCRIPT.finditer(text)]
            remote += [f"{where}: {tag}" for tag in REMOTE_LINK.findall(text)
                       if REMOTE_HREF.search(tag) and re.search(r"stylesheet|preload|preconnect", tag, re.I)]
        if path.suffix == ".css":
            remote += [f"{where}: {m.group(0)}" for m in REMOTE_IMPORT.finditer(text)]
    assert not remote, "the site loads from the internet:\n" + "\n".join(remote[:20])

    # the included files were included (pymdownx.snippets), so the examples shown are those tested
    scenario = (site / "how-to" / "write-scenario.html").read_text("utf-8")
    assert "--8&lt;--" not in scenario and "--8<--" not in scenario and "summit-track" in scenario

    # the API reference rendered the docstrings (mkdocstrings ran)
    agreements = (site / "reference" / "api-agreements.html").read_text("utf-8")
    assert "panmun.agreements.scorecard" in agreements and "doc-signature" in agreements


def _namespace_names(ns: str) -> dict[str, str]:
    """Public name -> the identifier of the object that defines it (module.attribute)."""
    import inspect

    import panmun

    if ns == "panmun":
        specs = {name: f"{module}:{name}" for name, module in panmun._LAZY.items()}
    else:
        source = (ROOT / "src" / "panmun" / ns / "__init__.py").read_text("utf-8")
        specs = {name: f"panmun.{ns}.{spec}" for name, spec in
                 re.findall(r'"(\w+)": "([\w.:]+)"', source.split("attach(", 1)[1])}
    out = {}
    for name, spec in specs.items():
        module, _, attribute = spec.partition(":")
        obj = getattr(importlib.import_module(module), attribute or name)
        home = obj.__module__ if inspect.isfunction(obj) or inspect.isclass(obj) else module
        out[name] = f"{home}.{attribute or name}"
    return out


@pytest.mark.parametrize("ns", ["panmun", *NAMESPACES])
def test_each_api_page_documents_exactly_the_namespace(ns):
    page = (DOCS / "reference" / f"api-{ns}.md").read_text("utf-8")
    full = "panmun" if ns == "panmun" else f"panmun.{ns}"
    headings = re.findall(rf'heading: "{re.escape(full)}\.(\w+)"', page)
    identifiers = re.findall(r"^::: ([\w.]+)$", page, re.M)
    assert len(headings) == len(identifiers), f"docs/reference/api-{ns}.md: a ::: block without its heading"
    documented = dict(zip(headings, identifiers, strict=True))
    assert documented == _namespace_names(ns), \
        f"docs/reference/api-{ns}.md differs from {full}'s public names and their defining modules"


def test_the_how_to_examples_are_accepted_by_panmun():
    from panmun.armscontrol import load_package
    from panmun.kb.validate import validate_path
    from panmun.roadmap import load_catalogue, read_plan
    from panmun.vectors import load_scenario

    assert load_scenario(str(EXAMPLES / "my-scenario.yaml")).name == "summit-track"
    assert load_package(str(EXAMPLES / "my-package.yaml")).name == "buffer-and-hotline"
    plan = read_plan(EXAMPLES / "my-plan.yaml", load_catalogue())
    assert len(plan.items) == 4
    validate_path(EXAMPLES / "my-overlay")   # raises ValidationError on any problem


def test_the_reference_pages_name_every_variable_migration_and_exit_status():
    """The hand-written reference pages cannot fall behind the code: every ``PANMUN_*``
    variable the package reads, every store migration and every error class's exit status
    is on its page."""
    import panmun
    from panmun import errors
    from panmun.store.migrations import LATEST, MIGRATIONS

    src = Path(panmun.__file__).parent
    read = {m for path in src.rglob("*.py") for m in re.findall(r"PANMUN_[A-Z_]+", path.read_text("utf-8"))}
    variables = (DOCS / "reference" / "environment-variables.md").read_text("utf-8")
    assert not [v for v in sorted(read) if f"`{v}`" not in variables], "undocumented variables"
    store = (DOCS / "reference" / "store.md").read_text("utf-8")
    for migration in MIGRATIONS:
        assert f"| {migration.version} | {migration.name} |" in store, migration.version
    assert f"## Tables (schema version {LATEST})" in store
    exits = (DOCS / "reference" / "exit-codes.md").read_text("utf-8")
    for error in (errors.PanmunError, errors.ValidationError, errors.StoreError, errors.NotFoundError,
                  errors.InputError):
        assert re.search(rf"^\| {error.exit_code} \|.*`{error.__name__}`", exits, re.M), error.__name__
