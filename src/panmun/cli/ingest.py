"""``panmun ingest FORMAT FILE...``: external event datasets into the store's event table."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TransferSpeedColumn

from panmun.cli.common import FormatOption, store_from
from panmun.cli.output import Format, console, render, render_mapping
from panmun.ingest.engine import ingest_file, list_ingests, list_rejects
from panmun.ingest.formats import FORMAT_NAMES, FORMATS

app = typer.Typer(
    help="Read event datasets (GDELT 1.0/2.0, ICEWS, POLECAT, ACLED, CNS missile tests, CSV) "
         "into the store. Usage: panmun ingest FORMAT FILE... [--all-actors]",
    no_args_is_help=True)

_DESCRIPTIONS = {name: spec.description for name, spec in FORMATS.items()}
_DESCRIPTIONS["cns-missiles"] = "CNS North Korea Missile Test Database (CSV, one row per missile)"
SUMMARY_COLUMNS = ["file", "rows", "events", "rejects", "skipped", "skipped_region", "skipped_stored",
                   "header_lines", "seconds"]


def _progress() -> Progress:
    return Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                    TextColumn("{task.fields[rows]:,} rows"), TransferSpeedColumn(), TimeElapsedColumn(),
                    TextColumn("{task.fields[rate]}"),
                    console=console(stderr=True), transient=True, disable=not sys.stderr.isatty())


def _make_command(fmt: str):
    def command(
        ctx: typer.Context,
        files: list[Path] = typer.Argument(..., help="Files to read: plain, .zip or .gz."),
        all_actors: bool = typer.Option(
            False, "--all-actors", help="Keep every event, not only those with an actor from the region."),
        fmt_out: Format = FormatOption,
    ) -> None:
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
        frame = pd.DataFrame(summaries)
        if fmt_out == Format.json and len(summaries) == 1:
            render_mapping(summaries[0], fmt_out)   # one file: one summary object
            return
        render(frame, fmt_out, title=f"ingest {fmt}", columns=SUMMARY_COLUMNS)
    command.__doc__ = f"Ingest {_DESCRIPTIONS[fmt]}."
    return command


for _name in FORMAT_NAMES:
    app.command(_name)(_make_command(_name))


@app.command("rejects")
def rejects(ctx: typer.Context,
            file: str | None = typer.Option(None, "--file", help="Only this file (path or name)."),
            ingest_id: int | None = typer.Option(None, "--ingest", help="Only this ingest run."),
            fmt: Format = FormatOption) -> None:
    """Rejected rows (file, line, field, reason) of each file's last ingest."""
    with store_from(ctx) as store:
        df = list_rejects(store, file=file, ingest_id=ingest_id)
    render(df, fmt, title="Rejected rows", columns=["file", "line", "field", "reason", "raw"])


@app.command("list")
def list_(ctx: typer.Context, fmt: Format = FormatOption) -> None:
    """Every ingest run with its counts."""
    with store_from(ctx) as store:
        df = list_ingests(store)
    render(df, fmt, title="Ingest runs")
