"""``panmun kb``: validate, load and publish the knowledge base."""

from __future__ import annotations

from pathlib import Path

import typer

from panmun.cli.common import FormatOption, store_from
from panmun.cli.output import Format, render_mapping
from panmun.kb.package import write_datapackage
from panmun.kb.validate import validate_path
from panmun.store.load import load_overlay_folder

app = typer.Typer(help="Validate, load and publish the knowledge base.", no_args_is_help=True)


@app.command("validate")
def validate(
    path: Path | None = typer.Argument(None, help="An overlay folder (default: the built-in data)."),
    fmt: Format = FormatOption,
) -> None:
    """Check schemas, ids, references, dates, codes and URLs. Exit 2 on any problem."""
    report = validate_path(path)
    render_mapping({"root": report.root, "builtin": report.builtin, "files": len(report.files),
                    "docs_not_loaded": report.docs, **report.counts, "problems": 0}, fmt,
                   title="knowledge base valid")


@app.command("load")
def load(ctx: typer.Context, path: Path = typer.Argument(..., help="An overlay folder."),
         fmt: Format = FormatOption) -> None:
    """Validate an overlay folder and load it into the store in one transaction."""
    with store_from(ctx) as store:
        result = load_overlay_folder(store, path)
    render_mapping({"origin": result.origin, **result.counts}, fmt, title="overlay loaded")


@app.command("package")
def package(out: Path = typer.Argument(..., help="Folder to write the data package to."),
            fmt: Format = FormatOption) -> None:
    """Publish the knowledge base as a Frictionless data package (CSV tables + datapackage.json)."""
    written = write_datapackage(out)
    tables = sorted(p.name for p in written.parent.glob("*.csv"))
    render_mapping({"datapackage": str(written), "tables": tables}, fmt, title="data package written")
