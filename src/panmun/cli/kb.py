"""``panmun kb``: validate, load and publish the knowledge base."""

from __future__ import annotations

from pathlib import Path

import typer

from panmun.cli.common import FormatOption, input_folder, output_folder, store_from
from panmun.cli.output import Format, Output, emit

app = typer.Typer(help="Validate, load and publish the knowledge base.", no_args_is_help=True)


@app.command("validate", epilog="Example: panmun kb validate")
def validate(
    path: Path | None = typer.Argument(None, exists=True, file_okay=False,
                                      help="An overlay folder (default: the built-in data)."),
    fmt: Format = FormatOption,
) -> None:
    """Check schemas, ids, references, dates, codes and URLs. Exit 2 on any problem."""
    from panmun.kb.validate import validate_path

    report = validate_path(path)
    emit(Output(fields={"root": report.root, "builtin": report.builtin, "files": len(report.files),
                        "docs_not_loaded": report.docs, **report.counts, "problems": 0},
                title="knowledge base valid"), fmt)


@app.command("load", epilog="Example: panmun kb load my-overlay/")
def load(ctx: typer.Context,
         path: Path = typer.Argument(..., callback=input_folder, help="An overlay folder."),
         fmt: Format = FormatOption) -> None:
    """Validate an overlay folder and load it into the store in one transaction."""
    from panmun.store.load import load_overlay_folder

    with store_from(ctx) as store:
        result = load_overlay_folder(store, path)
    emit(Output(fields={"origin": result.origin, **result.counts}, title="overlay loaded"), fmt)


@app.command("package", epilog="Example: panmun kb package datapackage/")
def package(out: Path = typer.Argument(..., callback=output_folder,
                                       help="Folder to write the data package to."),
            fmt: Format = FormatOption) -> None:
    """Publish the knowledge base as a Frictionless data package (CSV tables + datapackage.json)."""
    from panmun.kb.package import write_datapackage

    written = write_datapackage(out)
    tables = sorted(p.name for p in written.parent.glob("*.csv"))
    emit(Output(fields={"datapackage": str(written), "tables": tables}, title="data package written"), fmt)
