"""The ``panmun`` command line: global options, command groups, error handling."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer

from panmun._version import __version__
from panmun.cli import (
    actors,
    agreements,
    armscontrol,
    brief,
    environment,
    events,
    forecast,
    ingest,
    kb,
    roadmap,
    serve,
    users,
    vectors,
)
from panmun.cli.common import FormatOption, store_from
from panmun.cli.output import Format, console, render_mapping
from panmun.errors import PanmunError, ValidationError

app = typer.Typer(
    name="panmun",
    help="panmun: an analytical workbench for the Korean Peninsula peace process.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(kb.app, name="kb")
app.add_typer(agreements.app, name="agreements")
app.add_typer(events.app, name="events")
app.add_typer(environment.app, name="environment")
app.add_typer(forecast.app, name="forecast")
app.add_typer(ingest.app, name="ingest")
app.add_typer(vectors.app, name="vectors")
app.add_typer(armscontrol.app, name="armscontrol")
app.add_typer(actors.app, name="actors")
app.add_typer(roadmap.app, name="roadmap")
app.add_typer(users.app, name="users")
app.command("brief")(brief.brief)
app.command("serve")(serve.serve)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"panmun {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    db: Path | None = typer.Option(None, "--db", envvar="PANMUN_DB",
                                   help="Store file (DuckDB). Default: the user data directory."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """Global options."""
    ctx.obj = {"db": db}


@app.command("init")
def init(ctx: typer.Context, fmt: Format = FormatOption) -> None:
    """Create the store if needed and load the built-in knowledge base (idempotent)."""
    with store_from(ctx) as store:
        summary = {"store": store.path, "schema_version": store.schema_version, **store.counts()}
    render_mapping(summary, fmt, title="panmun store")


def _print_error(exc: PanmunError) -> None:
    err = console(stderr=True)
    if isinstance(exc, ValidationError):
        err.print(f"[bold red]error:[/] {len(exc.problems)} problem(s) found", highlight=False)
        for p in exc.problems:
            err.print(f"  {p}", highlight=False, markup=False)
    else:
        err.print(f"[bold red]error:[/] {exc}", highlight=False)
    if exc.hint:
        err.print(exc.hint, highlight=False)


def main(argv: list[str] | None = None) -> int:
    """Run the command line with ``argv``; return the exit status."""
    try:
        result = app(args=argv, prog_name="panmun", standalone_mode=False)
        return result if isinstance(result, int) else 0
    except PanmunError as exc:
        _print_error(exc)
        return exc.exit_code
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        console(stderr=True).print("aborted")
        return 1
    except typer.TyperException as exc:  # usage errors: unknown option, bad value
        exc.show()
        return exc.exit_code
    except Exception as exc:  # a bug: say so plainly, show the traceback only on request
        if os.environ.get("PANMUN_DEBUG"):
            raise
        console(stderr=True).print(
            f"[bold red]internal error:[/] {type(exc).__name__}: {exc}\n"
            "This is a bug in panmun. Run again with PANMUN_DEBUG=1 for the traceback and "
            "report it with the command you ran.", highlight=False, markup=True)
        return 1


def run() -> None:
    """Entry point of the console script."""
    sys.exit(main())
