"""The ``panmun`` command line: global options, command groups, error handling."""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

import typer
from typer.core import TyperGroup

from panmun._version import __version__
from panmun.cli import brief, serve
from panmun.cli.common import FormatOption, store_from
from panmun.cli.output import Format, Output, console, emit
from panmun.errors import InputError, PanmunError, ValidationError

#: The command groups, each in its own module, imported only when it is asked for (or for
#: the top-level help), so a command loads only its own group.
GROUPS = ("kb", "agreements", "events", "environment", "forecast", "ingest", "vectors", "armscontrol",
          "actors", "roadmap", "users", "update")


class LazyGroups(TyperGroup):
    """The top-level group: the command groups of :data:`GROUPS` are loaded on first use."""

    def list_commands(self, ctx) -> list[str]:
        return [*super().list_commands(ctx), *GROUPS]

    def get_command(self, ctx, name: str):
        if name in GROUPS:
            module = importlib.import_module(f"panmun.cli.{name}")
            group = typer.main.get_group(module.app)
            group.name = name
            return group
        return super().get_command(ctx, name)


app = typer.Typer(
    name="panmun",
    cls=LazyGroups,
    help="panmun: an analytical workbench for the Korean Peninsula peace process.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("brief", epilog="Example: panmun brief --out briefing.html --at 2026-11-30")(brief.brief)
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


@app.command("init", epilog="Example: panmun init")
def init(ctx: typer.Context, fmt: Format = FormatOption) -> None:
    """Create the store if needed and load the built-in knowledge base (idempotent)."""
    with store_from(ctx) as store:
        summary = {"store": store.path, "schema_version": store.schema_version, **store.counts()}
    emit(Output(fields=summary, title="panmun store"), fmt)


def _print_error(exc: PanmunError) -> None:
    from rich.markup import escape  # a message quotes what the user typed: never markup

    err = console(stderr=True)
    if isinstance(exc, ValidationError):
        err.print(f"[bold red]error:[/] {len(exc.problems)} problem(s) found", highlight=False)
        for p in exc.problems:
            err.print(f"  {p}", highlight=False, markup=False)
    else:
        err.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False)
    if exc.hint:
        err.print(exc.hint, highlight=False, markup=False)


def _check_text(argv: list[str]) -> None:
    """Refuse arguments that are not text: bytes that are not UTF-8 reach Python as lone
    surrogates, which no file, store or terminal can hold; a NUL ends a C string."""
    for i, arg in enumerate(argv, start=1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            shown = arg.encode("utf-8", "backslashreplace").decode()
            raise InputError(f"argument {i} ({shown!r}) is not valid UTF-8 text",
                             hint="Type the value again, or check the terminal's encoding (UTF-8 is "
                                  "expected).") from None
        if "\x00" in arg:
            raise InputError(f"argument {i} contains a NUL character")


def main(argv: list[str] | None = None) -> int:
    """Run the command line with ``argv``; return the exit status."""
    try:
        _check_text(sys.argv[1:] if argv is None else argv)
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
        # typer declares show() on its click exceptions only, which are all the usage errors raised
        exc.show()  # type: ignore[attr-defined]
        return exc.exit_code
    except OSError as exc:   # a file or device the command was pointed at cannot be used
        from rich.markup import escape

        where = f"{escape(str(exc.filename))}: " if exc.filename is not None else ""
        console(stderr=True).print(f"[bold red]error:[/] {where}{escape(exc.strerror or str(exc))}",
                                   highlight=False)
        console(stderr=True).print("Check the files and folders the command names (and the free disk space).",
                                   highlight=False, markup=False)
        return 2
    except Exception as exc:  # a bug: say so plainly, show the traceback only on request
        return _internal_error(exc)


def _internal_error(exc: Exception) -> int:
    if os.environ.get("PANMUN_DEBUG"):
        raise exc
    from rich.markup import escape

    console(stderr=True).print(
        f"[bold red]internal error:[/] {type(exc).__name__}: {escape(str(exc))}\n"
        "This is a bug in panmun. Run again with PANMUN_DEBUG=1 for the traceback and "
        "report it with the command you ran.", highlight=False, markup=True)
    return 1


def run() -> None:
    """Entry point of the console script."""
    sys.exit(main())
