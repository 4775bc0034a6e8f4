"""What a command prints, in one of three formats (``--format``).

A command returns an :class:`Output`: named tables, scalar fields and notes. :func:`emit`
prints it

- ``table`` (for people): the fields as a key-value table, then every table with its title,
  then the notes;
- ``csv``: exactly one table with a header (the first, or the one ``--table NAME`` picks);
- ``json``: exactly one JSON document, checked against the command's published schema
  (:mod:`panmun.schemas`) and serialised through it. A command with one table and no fields
  prints the table's rows as an array; any other command prints one object whose members
  are the fields and the tables.

Nothing here imports pandas or numpy: DataFrames are read through their own methods, so
the light commands start fast.
"""

from __future__ import annotations

import csv
import enum
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from panmun.errors import InputError
from panmun.jsonify import jsonable, records


class Format(enum.StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


#: Width used when output goes to a file or pipe, where no terminal width is known.
PIPE_WIDTH = 200


def console(stderr: bool = False):
    """A rich console on the current stdout/stderr (created per call, so captured output works).

    In a terminal rich fits tables to the window; into a pipe or file it would assume
    80 columns and fold every cell, so a wide fixed width is used instead.
    """
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    width = None if stream.isatty() else PIPE_WIDTH
    return Console(file=stream, soft_wrap=stderr, width=width)


def say(message: str) -> None:
    """A line for the user on standard error (progress, where a file was written)."""
    console(stderr=True).print(message, highlight=False, markup=False)


@dataclass
class Table:
    """Rows (a DataFrame or a list of mappings), with a title and the columns shown to people.

    ``keys``: every column of rows given as mappings (the CSV header even when there are no
    rows); a DataFrame carries its own.
    """

    rows: Any
    title: str | None = None
    columns: Sequence[str] | None = None
    keys: Sequence[str] | None = None

    def records(self) -> list[dict]:
        return records(self.rows)


def keep_first(table: Table, limit: int) -> None:
    """Keep the first ``limit`` rows of ``table`` (0: all), saying on stderr when some are left out."""
    total = len(table.rows)
    if limit and total > limit:
        table.rows = table.rows.head(limit) if hasattr(table.rows, "head") else table.rows[:limit]
        say(f"showing {limit:,} of {total:,} rows: narrow the query, or give --limit 0 for all")


@dataclass
class Output:
    """Everything a command prints.

    ``tables`` keep their order: the first is the one CSV prints by default. ``document``
    replaces the JSON document built from ``fields`` and ``tables`` where a command's
    result is nested (an ensemble's quantiles, a plan's steps).
    """

    tables: dict[str, Table] = field(default_factory=dict)
    fields: dict[str, Any] = field(default_factory=dict)
    title: str | None = None
    notes: list[str] = field(default_factory=list)
    document: Any = None

    def json_document(self) -> Any:
        if self.document is not None:
            return jsonable(self.document)
        if not self.fields and len(self.tables) == 1:
            return next(iter(self.tables.values())).records()
        return {**jsonable(self.fields), **{name: t.records() for name, t in self.tables.items()}}


def emit(out: Output, fmt: Format, table: str | None = None) -> None:
    """Print ``out`` in ``fmt``; ``table`` picks one table (CSV and table formats)."""
    if table is not None:
        if fmt == Format.json:
            raise InputError("--table picks a table of the csv or table format; the JSON document "
                             f"holds every table as a member ({', '.join(out.tables)})")
        if table not in out.tables:
            raise InputError(f"--table {table!r}: this command's tables are {', '.join(out.tables)}")
    if fmt == Format.json:
        _print_json(out.json_document())
    elif fmt == Format.csv:
        if out.tables:
            chosen = out.tables[table or next(iter(out.tables))]
            columns = _columns_of(chosen)
            if not columns and not len(chosen.rows):
                raise AssertionError("an empty table must name its columns")
            write_csv(chosen.records(), columns)
        else:
            row = jsonable(out.fields)
            write_csv([row], list(row))
    else:
        _print_tables(out, table)


def _print_json(document: Any) -> None:
    """Validate the document against the running command's schema and print it."""
    from panmun import schemas

    text = schemas.dump(command_path(), document)
    sys.stdout.write(text + "\n")


def command_path() -> str:
    """The running command's path without the program name, e.g. ``agreements list``."""
    from typer.main import get_current_context  # typer carries its own copy of click

    path = get_current_context().command_path.split()
    return " ".join(path[1:])


def _columns_of(table: Table) -> list[str] | None:
    """The table's columns: the DataFrame's, else those of its rows, else those it shows."""
    columns = getattr(table.rows, "columns", None)
    if columns is not None:
        return [str(c) for c in columns]
    if table.keys is not None:
        return list(table.keys)
    if len(table.rows):
        return None     # the rows' keys
    return list(table.columns) if table.columns else None


def _csv_cell(value: Any) -> Any:
    """One CSV cell: lists joined by ``;`` (a source mapping shows its URL), mappings as JSON."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(str(v.get("url", json.dumps(v, ensure_ascii=False))) if isinstance(v, dict)
                        else str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def write_csv(rows: list[dict], columns: list[str] | None = None) -> None:
    """Write rows as one CSV table with a header (the union of the rows' keys, in order)."""
    if columns is None:
        columns = list(dict.fromkeys(k for row in rows for k in row))
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_cell(row.get(c)) for c in columns])


def _cell(value: Any) -> str:
    value = jsonable(value)
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, list):
        return ", ".join(str(v.get("url", v)) if isinstance(v, dict) else str(v) for v in value)
    return str(value)


def _print_tables(out: Output, only: str | None) -> None:
    from rich.table import Table as RichTable
    from rich.text import Text  # cells as plain text: a "[...]" in a summary is not markup

    con = console()
    if out.fields and only is None:
        grid = RichTable(title=out.title, show_header=False)
        grid.add_column("key", style="bold")
        grid.add_column("value", overflow="fold")
        for key, value in out.fields.items():
            grid.add_row(str(key), Text(_cell(value)))
        con.print(grid)
    for name, t in out.tables.items():
        if only is not None and name != only:
            continue
        rows = t.records()
        columns = list(t.columns) if t.columns else (_columns_of(t) or list(dict.fromkeys(
            k for row in rows for k in row)))
        grid = RichTable(title=t.title, show_lines=False, header_style="bold")
        for i, col in enumerate(columns):
            grid.add_column(str(col), overflow="fold", no_wrap=(i == 0))
        for row in rows:
            grid.add_row(*[Text(_cell(row.get(c))) for c in columns])
        con.print(grid)
    for note in out.notes:
        con.print(note, highlight=False, markup=False)
