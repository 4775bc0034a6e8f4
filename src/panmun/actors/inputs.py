"""Read a user's CSV of actors on one issue: ``actor,position,salience,capability``.

* ``actor``: a non-empty name, unique in the file;
* ``position``: on the issue's 0–100 scale;
* ``salience``: in [0, 1], how much the issue matters to the actor;
* ``capability``: >= 0, the resources the actor can bring to bear (any unit, only ratios matter).

Every problem is reported with the file, the line of the file (the header is line 1) and the
field, all problems of a file at once, as :class:`ActorsFileError` (a
:class:`~panmun.errors.ValidationError`). Extra columns are ignored.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import pandas as pd

from panmun.errors import Problem, ValidationError, display_path

COLUMNS = ("actor", "position", "salience", "capability")
#: Allowed range of each numeric column (inclusive; None = unbounded).
RANGES: dict[str, tuple[float | None, float | None]] = {
    "position": (0.0, 100.0),
    "salience": (0.0, 1.0),
    "capability": (0.0, None),
}


class ActorsFileError(ValidationError):
    """An actors CSV breaks the format: every problem with its file, line and field."""

    hint = "Fix the listed places; docs/actors.md describes the layout (actor,position,salience,capability)."
    subject = "the actors file"


def _range_text(low: float | None, high: float | None) -> str:
    if high is None:
        return f">= {low:g}"
    return f"in [{low:g}, {high:g}]"


def _number(text: str, field: str, file: str, line: int, problems: list[Problem]) -> float | None:
    """Parse one numeric cell and check its range; record a problem and return None if bad."""
    try:
        value = float(text)
    except ValueError:
        problems.append(Problem(file, line, field, f"{text!r} is not a number"))
        return None
    low, high = RANGES[field]
    if not math.isfinite(value) or (low is not None and value < low) or (high is not None and value > high):
        problems.append(Problem(file, line, field, f"{value:g} is outside the allowed range "
                                f"({field} must be {_range_text(low, high)})"))
        return None
    return value


def _text(path: Path, file: str) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ActorsFileError([Problem(file, None, None, f"cannot read the file: {exc.strerror}")]) from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ActorsFileError([Problem(file, None, None, f"not UTF-8 text (byte {exc.start}): "
                                       "save the file as UTF-8")]) from exc


def read_actors_csv(path: Path | str) -> pd.DataFrame:
    """Read and check an actors CSV; return a frame with the columns ``COLUMNS`` in file order.

    Raises :class:`ActorsFileError` listing every problem (file, line, field, message):
    missing columns, an empty file or one without actors, non-numeric values, values out of
    range (position 0–100, salience 0–1, capability >= 0), empty or duplicate actor names.
    """
    path = Path(path)
    file = display_path(path)
    reader = csv.reader(io.StringIO(_text(path, file), newline=""))
    header = next(reader, None)
    if header is None or not any(h.strip() for h in header):
        raise ActorsFileError([Problem(file, 1, None, "empty file: expected the header "
                                       f"{','.join(COLUMNS)} and one row per actor")])
    names = [h.strip().lower() for h in header]
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        raise ActorsFileError([Problem(file, 1, c, "missing column (the header must contain "
                                       f"{','.join(COLUMNS)})") for c in missing])
    index = {c: names.index(c) for c in COLUMNS}
    problems: list[Problem] = []
    rows: list[dict] = []
    seen: dict[str, int] = {}
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue  # blank line
        if len(cells) < len(names):
            cells = cells + [""] * (len(names) - len(cells))
        actor = cells[index["actor"]].strip()
        if not actor:
            problems.append(Problem(file, line, "actor", "empty actor name"))
        elif actor in seen:
            problems.append(Problem(file, line, "actor",
                                    f"duplicate actor {actor!r} (first on line {seen[actor]})"))
        else:
            seen[actor] = line
        row: dict = {"actor": actor}
        for field in COLUMNS[1:]:
            row[field] = _number(cells[index[field]].strip(), field, file, line, problems)
        rows.append(row)
    if not rows and not problems:
        problems.append(Problem(file, None, None, "no actors: the file has a header but no rows"))
    if problems:
        raise ActorsFileError(problems)
    return pd.DataFrame(rows, columns=list(COLUMNS))
