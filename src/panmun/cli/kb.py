"""``panmun kb``: validate, load and publish the knowledge base."""

from __future__ import annotations

from pathlib import Path

import typer

from panmun.cli.common import FormatOption, TableOption, input_folder, output_folder, store_from
from panmun.cli.output import Format, Output, Table, emit

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


@app.command("status", epilog="Example: panmun kb status")
def status(
    path: Path | None = typer.Argument(None, callback=input_folder,
                                      help="An overlay folder (default: the built-in data)."),
    table: str | None = TableOption,
    fmt: Format = FormatOption,
) -> None:
    """How complete and current the record is: per record type the count, the first and last date,
    the sources by publisher kind and the provisions still recalled; the date the record runs to."""
    from panmun.kb.loader import load_kb, load_overlay
    from panmun.kb.status import kb_status

    found = kb_status(load_kb() if path is None else load_overlay(path))
    columns = ["type", "records", "first", "last", "sources", "share_official_text",
               "share_official_statement", "share_news", "share_research", "share_other", "recalled"]
    tables = {"types": Table(found["types"], "Knowledge base: records, dates and sources by kind", columns),
              "agreements": Table(found["agreements"], "Agreements: provisions and implementation records")}
    fields = {k: v for k, v in found.items() if k not in tables}
    emit(Output(tables, fields=fields, title="record"), fmt, table)


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


@app.command("update", epilog="Example: panmun kb update --from release/datapackage.json\n\n"
             "Exit status 2 when the release is damaged, tampered with (a digest does not match) or invalid, "
             "or older than the store's (without --allow-older): nothing is loaded.")
def update(ctx: typer.Context,
           source: str | None = typer.Option(
               None, "--from", help="The release: a folder holding datapackage.json, that file, or its "
                                    "http(s) address (default: [kb] release in the update configuration "
                                    "file)."),
           sha256: str | None = typer.Option(
               None, "--sha256", help="The release's sha256 digest as published (default: the "
                                      "datapackage.json.sha256 file beside it)."),
           allow_older: bool = typer.Option(
               False, "--allow-older", help="Load a release whose record ends earlier than the store's."),
           timeout: float = typer.Option(60.0, "--timeout", min=1.0, max=600.0,
                                         help="Seconds without an answer before a download fails."),
           fmt: Format = FormatOption) -> None:
    """Load a newer release of the built-in knowledge base (the data package `panmun kb package` writes):
    check its digest and every table, record and reference, then replace the built-in records in one
    transaction with an audit row. Overlays and analysts' status updates are kept."""
    from panmun.errors import InputError
    from panmun.update.config import load_settings
    from panmun.update.release import kb_update

    source = source or load_settings().kb_release
    if not source:
        raise InputError("no release given", hint="Give --from FOLDER, --from FILE or --from URL (the data "
                                                  "package `panmun kb package` writes), or set release under "
                                                  "[kb] in the update configuration file (docs/update.md).")
    with store_from(ctx) as store:
        result = kb_update(store, source, sha256=sha256, allow_older=allow_older, timeout=timeout)
    emit(Output(fields=result.as_dict(),
                title="knowledge-base release loaded" if result.loaded else "knowledge-base release"), fmt)
