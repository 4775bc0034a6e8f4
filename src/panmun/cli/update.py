"""``panmun update``: keep the event record current from the public feeds, online or through a mirror.

``panmun update [SOURCE...] [OPTIONS]`` is ``panmun update run [SOURCE...] [OPTIONS]``: a first
argument that is not one of the group's commands goes to ``run``. The update modules are
imported inside the commands, so other ``panmun`` commands do not load them.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import typer
from typer.core import TyperGroup

from panmun.cli.common import (
    FormatOption,
    TableOption,
    input_folder,
    limit_option,
    output_file,
    output_folder,
    store_from,
)
from panmun.cli.output import Format, Output, Table, console, emit, keep_first

SOURCE_COLUMNS = ["source", "mode", "status", "files", "bytes", "rows", "events", "rejects",
                  "checksum_failures", "failed", "skipped", "missing", "seconds", "record_through", "base",
                  "note"]
#: The columns shown to people (CSV and JSON hold them all).
SOURCE_SHOWN = ["source", "mode", "status", "files", "events", "rejects", "failed", "skipped", "missing",
                "record_through", "note"]
FILE_COLUMNS = ["source", "name", "date", "status", "bytes", "rows", "events", "rejects", "expected",
                "actual", "error"]
FILE_SHOWN = ["source", "name", "status", "bytes", "events", "rejects", "error"]
STATUS_COLUMNS = ["source", "configured", "last_success", "last_status", "record_through", "files_ingested",
                  "failing_files", "skipped_files", "last_error", "needs"]
RUN_SHOWN = ["id", "source", "mode", "started_at", "status", "files", "events", "failed", "error"]
#: The largest cache, in MiB (10 TiB).
MAX_CACHE_MB = 10_000_000


class RunByDefault(TyperGroup):
    """A group whose ``run`` command is also reached without its name: ``panmun update gdelt2``."""

    def parse_args(self, ctx, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] != "--help"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=RunByDefault,
    help="Keep the event record current from the public feeds (GDELT 2.0 and 1.0, POLECAT, ACLED, CNS), "
         "over the network, from an internal mirror or from files carried in. `panmun update [SOURCE...]` "
         "runs `panmun update run`.")


def _reporter():
    from rich.progress import BarColumn, DownloadColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

    from panmun.update.progress import Reporter

    class Bars(Reporter):
        """A progress bar per file on standard error; failures printed as they happen."""

        def __init__(self) -> None:
            self.bars = Progress(TextColumn("[bold]{task.description}"), BarColumn(), DownloadColumn(),
                                 TextColumn("{task.fields[rows]:,} rows"), TimeElapsedColumn(),
                                 console=console(stderr=True), transient=True,
                                 disable=not sys.stderr.isatty())
            self.task: TaskID | None = None

        def begin(self, label: str, total: int | None) -> None:
            self.task = self.bars.add_task(label, total=total, rows=0)

        def advance(self, nbytes: int = 0, rows: int = 0) -> None:
            if self.task is not None:
                self.bars.update(self.task, advance=nbytes, rows=rows)

        def end(self) -> None:
            if self.task is not None:
                self.bars.remove_task(self.task)
                self.task = None

        def say(self, message: str) -> None:
            self.bars.console.print(message, highlight=False, markup=False)

    return Bars()


def _since(value: str | None) -> dt.date | None:
    from panmun.dates import as_date

    return None if value is None else as_date(value, "--since")


@app.command("run", epilog="Example: panmun update run gdelt2 --from-dir downloads/ --dry-run\n\n"
             "Example: panmun update run gdelt2 --from-dir downloads/\n\n"
             "Exit status 1 when a source's index or a file failed (the tables say which and why; the store "
             "is unchanged for that file, and it is tried again on the next run), or when no host can be "
             "reached (the message names --mirror, --from-dir and --plan).")
def run(
    ctx: typer.Context,
    sources: list[str] | None = typer.Argument(
        None, metavar="SOURCE...",
        help="Sources to update: gdelt2, gdelt1, polecat, acled, cns-missiles (default: every configured "
             "source)."),
    since: str | None = typer.Option(None, "--since", help="Take the files from this day on (YYYY-MM-DD); "
                                     "default: from the last successful update."),
    mirror: list[str] | None = typer.Option(
        None, "--mirror", help="An internal mirror's address instead of the public one: URL (the base of "
                               "the one source named, else a root with a folder per source), or SOURCE=URL. "
                               "Repeatable."),
    from_dir: Path | None = typer.Option(None, "--from-dir", callback=input_folder,
                                         help="Take the files from this folder (removable media), checked "
                                              "against the index files carried with them."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Read the indexes and list the new files; "
                                 "download, ingest and record nothing."),
    plan: Path | None = typer.Option(None, "--plan", callback=output_file,
                                     help="Write the files a mirror needs, with their addresses and "
                                          "checksums, to this tab-separated file (a dry run)."),
    cache: Path | None = typer.Option(None, "--cache", callback=output_folder,
                                      help="Download folder (default: the configuration's, else the user "
                                           "cache folder)."),
    cache_max: int | None = typer.Option(None, "--cache-max", min=0, max=MAX_CACHE_MB,
                                         help="Size limit of the download folder after the run, in MiB "
                                              "(default: the configuration's, else 2048)."),
    timeout: float = typer.Option(60.0, "--timeout", min=1.0, max=600.0,
                                  help="Seconds without an answer before a download fails."),
    retry_failed: bool = typer.Option(False, "--retry-failed",
                                      help="Try again the files that failed three times."),
    all_actors: bool = typer.Option(False, "--all-actors",
                                    help="Keep every event, not only those with an actor from the region."),
    limit: int = limit_option(1000, "files"),
    table: str | None = TableOption,
    fmt: Format = FormatOption,
) -> None:
    """Update the store from the sources' feeds: read each index, download the files new since the
    last successful update (with resume), verify their checksums or sizes, ingest them, record the run.
    Also `panmun update [SOURCE...]`."""
    from dataclasses import asdict

    from panmun.update.run import UpdateOptions, run_update

    options = UpdateOptions(sources=tuple(sources or ()), since=_since(since), mirror=tuple(mirror or ()),
                            from_dir=from_dir, dry_run=dry_run, plan=plan, cache_dir=cache,
                            cache_max_mb=cache_max, timeout=timeout, retry_failed=retry_failed,
                            all_actors=all_actors)
    with store_from(ctx) as store:
        result = run_update(store, options, reporter=_reporter())
    files = Table([asdict(f) for f in result.files], "Files", FILE_SHOWN, keys=FILE_COLUMNS)
    keep_first(files, limit)
    title = "update (dry run)" if result.dry_run else "update"
    tables = {"sources": Table([asdict(s) for s in result.sources], title, SOURCE_SHOWN, keys=SOURCE_COLUMNS),
              "files": files}
    emit(Output(tables, fields={"dry_run": result.dry_run, "plan": result.plan}), fmt, table)
    if result.failed:
        raise typer.Exit(1)


@app.command("status", epilog="Example: panmun update status")
def status(
    ctx: typer.Context,
    limit: int = limit_option(20, "runs"),
    table: str | None = TableOption,
    fmt: Format = FormatOption,
) -> None:
    """How current each source is: its last successful update, the date its record runs to, its last error;
    and the latest runs."""
    from panmun.update.status import RUN_COLUMNS, recent_runs, source_status

    with store_from(ctx) as store:
        sources = [s.as_dict() for s in source_status(store)]
        runs = recent_runs(store, limit)
    tables = {"sources": Table(sources, "Sources", STATUS_COLUMNS),
              "runs": Table(runs, "Latest runs", RUN_SHOWN, keys=list(RUN_COLUMNS))}
    emit(Output(tables), fmt, table)
