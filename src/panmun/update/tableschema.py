"""The checks of a Frictionless Table Schema that panmun's data package uses, on CSV rows.

Types ``string``, ``integer``, ``number`` and ``date``; constraints ``required``, ``enum``,
``pattern``, ``minimum``, ``maximum`` and ``unique``; format ``uri`` (an http or https
address); primary keys and foreign keys between the tables. An empty cell is a missing
value. Each problem names the table's file, the line and the field.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
from pathlib import Path

from panmun.errors import Problem

Row = tuple[int, dict[str, str]]   # (line of the record in the file, its cells by column)


def read_rows(path: Path) -> tuple[list[str], list[Row]]:
    """The header and the records of a CSV file (UTF-8), each with the line it starts on."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, [])
        rows, start = [], reader.line_num + 1
        for record in reader:
            line, start = start, reader.line_num + 1
            rows.append((line, dict(zip(header, record + [""] * (len(header) - len(record)), strict=False))))
    return header, rows


def check_table(file: str, header: list[str], rows: list[Row], schema: dict) -> list[Problem]:
    """Every cell of the table against its field's type and constraints, and the primary key."""
    problems = []
    fields = schema["fields"]
    for f in fields:
        if f["name"] not in header:
            problems.append(Problem(file, 1, f["name"], "column missing from the header"))
    present = [f for f in fields if f["name"] in header]
    seen: dict[str, set] = {f["name"]: set() for f in present if f.get("constraints", {}).get("unique")}
    for line, row in rows:
        for f in present:
            value = row.get(f["name"], "")
            message = cell_problem(value, f)
            if message:
                problems.append(Problem(file, line, f["name"], message))
            elif f["name"] in seen and value:
                if value in seen[f["name"]]:
                    problems.append(Problem(file, line, f["name"],
                                            f"{value!r} repeats a value that must be unique"))
                seen[f["name"]].add(value)
    key = schema.get("primaryKey")
    if key and all(k in header for k in key):
        keys: set[tuple] = set()
        for line, row in rows:
            row_key = tuple(row.get(k, "") for k in key)
            if row_key in keys:
                problems.append(Problem(file, line, ", ".join(key), f"primary key {row_key} repeats"))
            keys.add(row_key)
    return problems


def cell_problem(value: str, f: dict) -> str | None:
    """What is wrong with one cell (None: nothing)."""
    constraints = f.get("constraints", {})
    if value == "":
        return "required value is missing" if constraints.get("required") else None
    kind = f.get("type", "string")
    try:
        typed = _typed(value, kind)
    except ValueError:
        return f"{value!r} is not a {kind}"
    if f.get("format") == "uri" and not re.match(r"^https?://\S+$", value):
        return f"{value!r} is not an http or https address"
    if "enum" in constraints and value not in [str(e) for e in constraints["enum"]]:
        return f"{value!r} is not one of {', '.join(str(e) for e in constraints['enum'] if e != '')}"
    if "pattern" in constraints and not re.fullmatch(constraints["pattern"], value):
        return f"{value!r} does not match the pattern {constraints['pattern']}"
    if "minimum" in constraints and typed < constraints["minimum"]:
        return f"{value} is below the minimum {constraints['minimum']}"
    if "maximum" in constraints and typed > constraints["maximum"]:
        return f"{value} is above the maximum {constraints['maximum']}"
    return None


def _typed(value: str, kind: str):
    if kind == "integer":
        return int(value)
    if kind == "number":
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(value)
        return number
    if kind == "date":
        if len(value) != 10:
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    return value


def check_foreign_keys(tables: dict[str, list[Row]], schemas: dict[str, dict]) -> list[Problem]:
    """Every foreign key of every table names a row of the table it refers to."""
    problems = []
    for name, rows in tables.items():
        for fk in schemas[name].get("foreignKeys", []):
            target = fk["reference"]["resource"]
            if target not in tables:
                continue
            known = {tuple(r.get(k, "") for k in fk["reference"]["fields"]) for _, r in tables[target]}
            for line, row in rows:
                value = tuple(row.get(k, "") for k in fk["fields"])
                if all(value) and value not in known:
                    problems.append(Problem(f"{name}.csv", line, ", ".join(fk["fields"]),
                                            f"{', '.join(value)} is not in {target}.csv"))
    return problems
