"""Render results for the terminal: a rich table, CSV or JSON (``--format``)."""

from __future__ import annotations

import datetime as dt
import enum
import json
import math
import sys
from typing import Any

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table


class Format(enum.StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


#: Width used when output goes to a file or pipe, where no terminal width is known.
PIPE_WIDTH = 200


def console(stderr: bool = False) -> Console:
    """A console on the current stdout/stderr (created per call, so captured output works).

    In a terminal rich fits tables to the window; into a pipe or file it would assume
    80 columns and fold every cell, so a wide fixed width is used instead.
    """
    stream = sys.stderr if stderr else sys.stdout
    width = None if stream.isatty() else PIPE_WIDTH
    return Console(file=stream, soft_wrap=stderr, width=width)


def jsonable(value: Any) -> Any:
    """A value that ``json.dumps`` accepts: dates as ISO text, missing as null."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [jsonable(v) for v in value]
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        return None if math.isnan(value) else float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    return value


def records(df: pd.DataFrame) -> list[dict]:
    return [jsonable(r) for r in df.to_dict(orient="records")]


def _joined(value: Any) -> Any:
    """A list as one CSV cell: items joined by ``;`` (a source mapping shows its URL)."""
    if not isinstance(value, list):
        return value
    return ";".join(str(v.get("url", json.dumps(v))) if isinstance(v, dict) else str(v) for v in value)


def _cell(value: Any) -> str:
    value = jsonable(value)
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def render(df: pd.DataFrame, fmt: Format, title: str | None = None,
           columns: list[str] | None = None) -> None:
    """Print a DataFrame in the chosen format (table shows ``columns`` only, if given)."""
    if fmt == Format.json:
        sys.stdout.write(json.dumps(records(df), ensure_ascii=False, indent=2) + "\n")
    elif fmt == Format.csv:
        out = df.copy()
        for col in out.columns:
            if out[col].map(lambda v: isinstance(v, list)).any():
                out[col] = out[col].map(_joined)
        out.to_csv(sys.stdout, index=False)
    else:
        shown = df[columns] if columns else df
        table = Table(title=title, show_lines=False, header_style="bold")
        for i, col in enumerate(shown.columns):
            table.add_column(str(col), overflow="fold", no_wrap=(i == 0))
        for row in shown.itertuples(index=False):
            table.add_row(*[_cell(v) for v in row])
        console().print(table)


def render_mapping(data: dict, fmt: Format, title: str | None = None) -> None:
    """Print a flat mapping (a summary) in the chosen format."""
    if fmt == Format.json:
        sys.stdout.write(json.dumps(jsonable(data), ensure_ascii=False, indent=2) + "\n")
    elif fmt == Format.csv:
        pd.DataFrame([jsonable(data)]).to_csv(sys.stdout, index=False)
    else:
        table = Table(title=title, show_header=False)
        table.add_column("key", style="bold")
        table.add_column("value", overflow="fold")
        for key, value in data.items():
            table.add_row(str(key), _cell(value))
        console().print(table)
