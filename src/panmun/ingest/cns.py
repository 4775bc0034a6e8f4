"""Reader for the CNS North Korea Missile Test Database layout (one row per missile).

The file is small (a few hundred rows) and has quoted fields that span lines, so it is
read with Python's csv module, which knows where each record starts. Encoding: the
official export is Windows-1252/latin-1; UTF-8 files are accepted too.

Each missile becomes one event: actor1 ``PRK``, type ``missile-launch`` (``satellite-launch``
for space launch vehicles), CAMEO 150 "demonstrate military or police power" (the code
the curated knowledge base uses for launches), with the facility's coordinates.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from importlib import resources
from pathlib import Path

import pandas as pd

from panmun.codes import cameo_codes, plover_for, quad_class
from panmun.errors import InputError
from panmun.ingest.records import EVENT_COLUMNS, ReadResult, rejects_frame

SOURCE = "cns-missiles"
COLUMNS = (
    "F1", "Date", "Date Entered/Updated", "Launch Time (UTC)", "Missile Name", "Missile Type",
    "Launch Agency/Authority", "Facility Name", "Facility Location", "Other Name",
    "Facility Latitude", "Facility Longitude", "Landing Location", "Apogee", "Distance Travelled",
    "Confirmation Status", "Test Outcome", "Additional Information", "Source(s)",
)
REQUIRED = ("F1", "Date", "Missile Type")
LAUNCH_CAMEO = "150"
_MONTH_ONLY = re.compile(r"^[A-Za-z]{3}-\d{2}$")
_URL = re.compile(r"https?://[^\s;,]+")


def shipped_file() -> Path:
    """The copy of the CNS database (1984 to October 2021) that ships with panmun."""
    return Path(str(resources.files("panmun.ingest").joinpath("data", "cns_missile_tests_1984-2021.csv")))


def parse_cns_date(text: str) -> dt.date:
    """A CNS date: ``9-Apr-84`` (two-digit years 69-99 are 19xx, 00-68 are 20xx),
    ``9-Apr-1984`` or ISO ``1984-04-09``. Month-only dates (``Sep-84``) raise ValueError."""
    text = text.strip()
    if _MONTH_ONLY.match(text):
        raise ValueError(f"date {text!r} gives only a month; an event needs its day")
    for fmt in ("%d-%b-%y", "%d-%b-%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"date {text!r} is not d-Mon-yy (e.g. 9-Apr-84) or YYYY-MM-DD")


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _float(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "", "Unknown") else None
    except ValueError:
        return None


def read_cns_missiles(path: Path | str, data: bytes | None = None) -> ReadResult:
    """Read a file in the CNS layout into normalised events and rejects (with line numbers)."""
    text = _decode(data if data is not None else Path(path).read_bytes())
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        raise InputError(f"{path}: the file is empty; expected the CNS layout's header row",
                         hint="See docs/ingest.md for the CNS North Korea Missile Test Database layout.")
    header = [h.strip().lstrip("\ufeff") for h in header]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InputError(f"{path}: line 1: not the CNS layout, missing column(s) {', '.join(missing)}")
    index = {name: i for i, name in enumerate(header)}
    goldstein = cameo_codes()[LAUNCH_CAMEO].goldstein
    events: list[dict[str, object]] = []
    rejects: list[tuple[int | None, str | None, str, str | None]] = []
    rows = 0
    start = reader.line_num + 1
    for record in reader:
        line, start = start, reader.line_num + 1
        if not any(field.strip() for field in record):
            continue                                   # blank line: not a data row
        rows += 1
        raw = ",".join(record)[:500]
        if len(record) != len(header):
            rejects.append((line, None, f"expected {len(header)} fields, found {len(record)}", raw))
            continue
        get = {name: record[i].strip() for name, i in index.items()}
        if not get["F1"]:
            rejects.append((line, "F1", "missing row id", raw))
            continue
        try:
            day = parse_cns_date(get["Date"])
        except ValueError as exc:
            rejects.append((line, "Date", str(exc), raw))
            continue
        kind = get.get("Missile Type") or "Unknown"
        name = get.get("Missile Name") or "unknown missile"
        facility = get.get("Facility Name") or "an unknown site"
        outcome = (get.get("Test Outcome") or "unknown").lower()
        url = _URL.search(get.get("Source(s)", ""))
        events.append({
            "source": SOURCE, "source_id": get["F1"], "line": line, "date": day,
            "actor1": "PRK", "actor2": None,
            "type": "satellite-launch" if kind == "SLV" else "missile-launch",
            "cameo": LAUNCH_CAMEO, "root_code": LAUNCH_CAMEO[:2], "quad_class": quad_class(LAUNCH_CAMEO),
            "goldstein": goldstein, "plover": plover_for(LAUNCH_CAMEO),
            "lat": _float(get.get("Facility Latitude")), "lon": _float(get.get("Facility Longitude")),
            "mentions": 1,
            "summary": f"{name} ({kind}) launched from {facility}; outcome: {outcome}.",
            "source_url": url.group(0) if url else None,
            "missile_type": kind,
        })
    frame = pd.DataFrame(events, columns=[*EVENT_COLUMNS, "missile_type"])
    return ReadResult(frame, rejects_frame(rejects), rows)
