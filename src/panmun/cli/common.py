"""Options and helpers shared by the command groups.

Numeric options declare their ranges here or at the option (typer's ``min``/``max``), so a
number outside them is a usage error (exit 2) naming the range, before any work starts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from panmun import limits
from panmun.cli.output import Format
from panmun.errors import NotFoundError

FormatOption = typer.Option(Format.table, "--format", "-f", help="Output format: table, csv or json.")
TableOption = typer.Option(None, "--table", help="The table to print (csv and table formats); "
                           "the JSON document holds them all.")

SeedOption = typer.Option(0, "--seed", min=0, max=limits.MAX_SEED,
                          help="Seed of the random numbers (same seed, same result).")

#: The largest ``--limit``: beyond it, write the rows to a file with another tool.
MAX_LIMIT = 1_000_000


def _existing(value: Path, folder: bool) -> Path:
    try:
        exists, is_dir = value.exists(), value.is_dir()
    except (OSError, ValueError):   # a name too long for a path, a NUL
        exists, is_dir = False, False
    if not exists:
        raise NotFoundError(f"no {'folder' if folder else 'file'} {str(value)!r}")
    if folder and not is_dir:
        raise typer.BadParameter(f"{str(value)!r} is a file; give a folder")
    if not folder and is_dir:
        raise typer.BadParameter(f"{str(value)!r} is a folder; give a file")
    return value


def input_file(value: Path | list[Path] | None) -> Path | list[Path] | None:
    """A file (or files) to read: each must exist (exit 4 if not) and not be a folder (exit 2)."""
    if isinstance(value, list | tuple):
        return [_existing(v, folder=False) for v in value]
    return None if value is None else _existing(value, folder=False)


def input_folder(value: Path | None) -> Path | None:
    """A folder to read: it must exist (exit 4 if not) and be a folder (exit 2)."""
    return None if value is None else _existing(value, folder=True)


#: Chart files the plotting code writes, by suffix.
CHART_SUFFIXES = (".png", ".svg", ".pdf")


def output_file(value: Path | None) -> Path | None:
    """A file to write: not a folder, in a folder that exists (a typer callback: usage error)."""
    if value is None:
        return None
    if value.is_dir():
        raise typer.BadParameter(f"{str(value) or '.'!r} is a folder; give the name of a file to write")
    if not value.parent.is_dir():
        raise typer.BadParameter(f"the folder {str(value.parent)!r} does not exist; create it first")
    return value


def output_folder(value: Path | None) -> Path | None:
    """A folder to write into: a new one, or an existing folder (not a file)."""
    if value is None:
        return None
    if value.exists() and not value.is_dir():
        raise typer.BadParameter(f"{str(value)!r} is a file; give the name of a folder to write")
    if not value.parent.is_dir():
        raise typer.BadParameter(f"the folder {str(value.parent)!r} does not exist; create it first")
    return value


def chart_file(value: Path | None) -> Path | None:
    """A chart to write: a PNG, SVG or PDF file name (see :func:`output_file`)."""
    if value is not None and value.suffix.lower() not in CHART_SUFFIXES:
        raise typer.BadParameter(f"{str(value)!r}: a chart is written as {', '.join(CHART_SUFFIXES)}; "
                                 "end the file name with one of them")
    return output_file(value)


def chart_option(help: str = "Also draw a chart (PNG, SVG or PDF).",
                 name: str = "--chart") -> Any:
    """``--chart FILE``: a chart to write, checked before any work starts.

    Typed ``Any`` as typer types :func:`typer.Option`: it stands as the default of a parameter of any type."""
    return typer.Option(None, name, help=help, callback=chart_file)


def limit_option(default: int, what: str) -> Any:
    """``--limit N``: print at most N rows (0: all of them); ``Any`` as :func:`chart_option`."""
    return typer.Option(default, "--limit", min=0, max=MAX_LIMIT,
                        help=f"Print at most this many {what} (0: all).")


def store_from(ctx: typer.Context):
    """Open the store chosen by the global ``--db`` option (or PANMUN_DB, or the default)."""
    from panmun.store.opening import open_store

    db: Path | None = (ctx.obj or {}).get("db") if ctx is not None else None
    return open_store(db)


def _parameters_source(value: str) -> str:
    if value not in ("posterior", "defaults"):
        raise typer.BadParameter(f"{value!r}: give 'posterior' or 'defaults'")
    return value


ParametersOption = typer.Option("posterior", "--parameters", callback=_parameters_source,
                                help="posterior: each run of the three-vector model draws its parameters "
                                "from the calibration on the record (`panmun vectors calibrate`); "
                                "defaults: the judgement defaults.")


def vector_parameter_draws(ctx: typer.Context, source: str, runs: int, seed: int, quick: bool = False):
    """The three-vector model's parameters for ``runs`` runs from ``source`` (``posterior``: the
    calibration on the record of the chosen store; ``defaults``), and the ``parameters`` field
    of the JSON (:func:`panmun.vectors.runs.parameter_draws`)."""
    from panmun.vectors.runs import parameter_draws, record_history

    if source == "defaults":
        return parameter_draws(None, source, runs, seed)
    store = store_from(ctx)
    try:
        return parameter_draws(record_history(store), source, runs, seed, quick)
    finally:
        store.close()
