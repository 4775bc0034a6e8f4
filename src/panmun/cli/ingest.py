"""``panmun ingest FORMAT FILE...``: external event datasets into the store's event table."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from panmun.cli.common import FormatOption, input_file, limit_option, store_from
from panmun.cli.output import Format, Output, Table, console, emit, keep_first
from panmun.ingest.formats import FORMAT_NAMES, FORMATS

app = typer.Typer(
    help="Read event datasets (GDELT 1.0/2.0, ICEWS, POLECAT, ACLED, CNS missile tests, CSV) "
         "into the store. Usage: panmun ingest FORMAT FILE... [--all-actors]",
    no_args_is_help=True)

_DESCRIPTIONS = {name: spec.description for name, spec in FORMATS.items()}
_DESCRIPTIONS["cns-missiles"] = "CNS North Korea Missile Test Database (CSV, one row per missile)"
SUMMARY_COLUMNS = ["file", "rows", "events", "rejects", "skipped", "skipped_region", "skipped_stored",
                   "header_lines", "seconds"]


def _progress():
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TransferSpeedColumn

    return Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                    TextColumn("{task.fields[rows]:,} rows"), TransferSpeedColumn(), TimeElapsedColumn(),
                    TextColumn("{task.fields[rate]}"),
                    console=console(stderr=True), transient=True, disable=not sys.stderr.isatty())


def _make_command(fmt: str):
    def command(
        ctx: typer.Context,
        files: list[Path] = typer.Argument(..., callback=input_file,
                                           help="Files to read: plain, .zip or .gz."),
        all_actors: bool = typer.Option(
            False, "--all-actors", help="Keep every event, not only those with an actor from the region."),
        fmt_out: Format = FormatOption,
    ) -> None:
        from panmun.ingest.engine import ingest_file

        summaries = []
        with store_from(ctx) as store, _progress() as bar:
            for path in files:
                size = path.stat().st_size if path.is_file() else None
                task = bar.add_task(path.name, total=size, rows=0, rate="")
                elapsed = bar.tasks[task]

                def advance(nbytes: int, rows: int, task=task, elapsed=elapsed) -> None:
                    seconds = elapsed.elapsed or 0
                    rate = f"{rows / seconds:,.0f} rows/s" if seconds > 0 else ""
                    bar.update(task, advance=nbytes, rows=rows, rate=rate)

                result = ingest_file(store, fmt, path, all_actors=all_actors, progress=advance)
                summaries.append(result.as_dict())
        emit(Output({"files": Table(summaries, f"ingest {fmt}", SUMMARY_COLUMNS)}), fmt_out)
    command.__doc__ = f"Ingest {_DESCRIPTIONS[fmt]}."
    return command


EXAMPLE_FILES = {"gdelt1": "20160728.export.CSV.zip", "gdelt2": "20170701000000.export.CSV.zip",
                 "icews": "events.2016.tab", "polecat": "ngecEvents.20230101.txt", "acled": "acled-korea.csv",
                 "cns-missiles": "north_korea_missile_test_database.csv", "csv": "events.csv"}

for _name in FORMAT_NAMES:
    app.command(_name, epilog=f"Example: panmun ingest {_name} {EXAMPLE_FILES[_name]}")(_make_command(_name))


@app.command("rejects", epilog="Example: panmun ingest rejects --file events.csv")
def rejects(ctx: typer.Context,
            file: str | None = typer.Option(None, "--file", help="Only this file (path or name)."),
            ingest_id: int | None = typer.Option(None, "--ingest", min=1, max=2**62,
                                                 help="Only this ingest run."),
            limit: int = limit_option(1000, "rejected rows"),
            fmt: Format = FormatOption) -> None:
    """Rejected rows (file, line, field, reason) of each file's last ingest."""
    from panmun.ingest.engine import list_rejects

    with store_from(ctx) as store:
        table = Table(list_rejects(store, file=file, ingest_id=ingest_id), "Rejected rows",
                      ["file", "line", "field", "reason", "raw"])
    keep_first(table, limit)
    emit(Output({"rejects": table}), fmt)


@app.command("list", epilog="Example: panmun ingest list")
def list_(ctx: typer.Context, fmt: Format = FormatOption) -> None:
    """Every ingest run with its counts."""
    from panmun.ingest.engine import list_ingests

    with store_from(ctx) as store:
        runs = list_ingests(store)
    emit(Output({"runs": Table(runs, "Ingest runs")}), fmt)
