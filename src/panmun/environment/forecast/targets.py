"""Monthly escalation targets (0/1 per month) from the CNS missile database and the store.

Two targets, each a 0/1 outcome per calendar month:

``missile-launch``
    y_t = 1 if the DPRK launched at least one ballistic missile in month t. In the months
    the CNS North Korea Missile Test Database covers (its first to its last month), the
    outcome is read from CNS alone: every row except space launch vehicles (``Missile
    Type`` = ``SLV``). CNS is one row per missile and is the complete specialised record;
    the curated ``missile-launch`` events of the knowledge base also hold a cruise-missile
    test (2021-09-11), so they are not used where CNS speaks. After the last CNS month the
    outcome comes from the store's events of type ``missile-launch`` with actor1 ``PRK``
    (the curated knowledge base and any other ingested source).

``provocation``
    y_t = 1 if the DPRK carried out at least one military provocation or border incident
    in month t: an event of type ``missile-launch``, ``nuclear-test``, ``satellite-launch``
    or ``border-incident`` with actor1 ``PRK`` in the store, or any CNS row (ballistic or
    SLV) in the CNS months.

The CNS rows come from a file in the CNS layout: the copy shipped with panmun
(1984-04 to 2021-10), or a user's own newer copy, plus any ``cns-missiles`` rows already
ingested into the store. Rows that give only a month (``Sep-84``; the reader rejects them
as events, since an event needs its day) still tell the month, so they count here. A file
in panmun's plain CSV layout (``--data-format csv``: ``date`` and ``type`` columns, rows
of type ``missile-launch`` or ``satellite-launch``) can stand in for the CNS file.

Besides y_t, every month carries its number of launch days

    d_t = number of distinct days in month t with at least one launch of the target's kind

(CNS is one row per missile: a salvo of three missiles on one day is one launch day). A
month known only from month-only rows counts as one launch day (the fewest it can have).
So y_t = 1 exactly when d_t ≥ 1.

The series runs from the first CNS month to the last month with data: the later of the
last CNS month and the month of the latest event in the store, and never past the last
month that has ended on or before ``until``. Months after that are unknown, not zero.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from panmun.errors import InputError, display_path
from panmun.ingest.cns import read_cns_missiles, shipped_file
from panmun.months import last_full_month, month_index, month_label
from panmun.store.db import Store

PROVOCATION_TYPES: tuple[str, ...] = ("missile-launch", "nuclear-test", "satellite-launch",
                                      "border-incident")
_MONTH_ONLY = re.compile(r"date '([A-Za-z]{3}-\d{2})' gives only a month")


@dataclass(frozen=True)
class Target:
    """A monthly 0/1 outcome and where it is read from."""

    name: str
    description: str
    store_types: tuple[str, ...]   # event types (actor1 PRK) read from the store
    cns_ballistic_only: bool       # leave SLV rows of CNS out
    store_in_cns_months: bool      # also read the store inside the CNS months


TARGETS: dict[str, Target] = {
    "missile-launch": Target(
        "missile-launch", "at least one DPRK ballistic-missile launch in the month",
        ("missile-launch",), cns_ballistic_only=True, store_in_cns_months=False),
    "provocation": Target(
        "provocation", "at least one DPRK missile launch, nuclear test, satellite launch or "
        "border incident (actor1 PRK) in the month",
        PROVOCATION_TYPES, cns_ballistic_only=False, store_in_cns_months=True),
}


def get_target(name: str) -> Target:
    """The target called ``name``; :class:`InputError` listing the targets otherwise."""
    if name not in TARGETS:
        raise InputError(f"--target {name!r} is not a forecast target; choose one of: "
                         + ", ".join(TARGETS))
    return TARGETS[name]


@dataclass(frozen=True)
class CnsLaunches:
    """Launches read from one launch file: one row per missile (month index, day, ballistic).

    ``day`` is NaT for rows that give only a month.
    """

    path: str
    launches: pd.DataFrame   # columns: mi (int), day (datetime64, NaT if month only), ballistic (bool)
    rows: int                # data rows read
    month_only: int          # rows that give only a month, kept at month precision


LAUNCH_FORMATS: tuple[str, ...] = ("cns-missiles", "csv")


def _launch_frame(rows: Sequence[tuple[int, dt.date | None, bool]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["mi", "day", "ballistic"])
    frame["day"] = pd.to_datetime(frame["day"])
    return frame.astype({"mi": "int64", "ballistic": bool})


def read_cns_launches(path: Path | str | None = None, data_format: str = "cns-missiles") -> CnsLaunches:
    """The launches of a launch file (default: the shipped CNS copy), by month and day.

    ``data_format`` is ``cns-missiles`` (the CNS layout) or ``csv`` (panmun's plain CSV
    layout, see :func:`read_plain_launches`). Raises :class:`InputError` naming the file and
    line when the file is not in the layout or a row cannot be read.
    """
    if data_format == "csv":
        assert path is not None     # the plain layout has no shipped copy: its callers name the file
        return read_plain_launches(path)
    if data_format != "cns-missiles":
        raise InputError(f"--data-format {data_format!r} is not supported; use one of: "
                         + ", ".join(LAUNCH_FORMATS))
    path = Path(path) if path is not None else shipped_file()
    shown = display_path(path)
    try:
        result = read_cns_missiles(path)
    except OSError as exc:
        raise InputError(f"{shown}: cannot read the file ({exc.strerror or exc})") from exc
    except ValueError as exc:
        raise InputError(str(exc), hint="--data expects the CNS North Korea Missile Test "
                         "Database layout (see docs/forecast.md).") from exc
    rows = [(month_index(d), d, kind != "SLV")
            for d, kind in zip(result.events["date"], result.events["missile_type"], strict=True)]
    month_only, problems = 0, []
    for rej in result.rejects.itertuples(index=False):
        match = _MONTH_ONLY.search(str(rej.reason)) if rej.field == "Date" else None
        if match:
            month = dt.datetime.strptime(match.group(1), "%b-%y").date()  # as the CNS reader
            fields = str(rej.raw).split(",")
            kind = fields[5].strip() if len(fields) > 5 else ""
            rows.append((month_index(month), None, kind != "SLV"))
            month_only += 1
        else:
            where = f"{shown}:{rej.line}" + (f": {rej.field}" if rej.field else "")
            problems.append(f"{where}: {rej.reason}")
    _refuse(shown, problems, "CNS layout: d-Mon-yy dates, 19 columns")
    if not rows:
        raise InputError(f"{shown}: no launch rows found (the file has {result.rows} data rows)")
    return CnsLaunches(shown, _launch_frame(rows), result.rows, month_only)


def _refuse(shown: str, problems: list[str], layout: str) -> None:
    if problems:
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        raise InputError(f"{len(problems)} row(s) of {shown} cannot be read: "
                         + "; ".join(problems[:3]) + more,
                         hint=f"Fix those lines ({layout}).")


PLAIN_LAUNCH_TYPES = {"missile-launch": True, "satellite-launch": False}
_PRK_NAMES = {"prk", "north korea", "dprk"}


def read_plain_launches(path: Path | str) -> CnsLaunches:
    """Launches from a file in panmun's plain CSV layout (docs/ingest.md): UTF-8, a header
    with at least ``date`` (YYYY-MM-DD) and ``type``; rows of type ``missile-launch``
    (ballistic) or ``satellite-launch`` (space launch) are launches, other rows are skipped;
    when an ``actor1`` column exists, only rows of the DPRK (``PRK``, ``North Korea``) count.
    """
    path = Path(path)
    shown = display_path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise InputError(f"{shown}: cannot read the file ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{shown}: not UTF-8 text (the plain CSV layout is UTF-8)") from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader, [])]
    missing = [c for c in ("date", "type") if c not in header]
    if missing:
        raise InputError(f"{shown}: line 1: not the plain CSV layout, missing column(s) "
                         + ", ".join(missing), hint="See docs/ingest.md, panmun's plain CSV layout.")
    col = {name: i for i, name in enumerate(header)}
    rows, problems, n = [], [], 0
    for record in reader:
        if not any(f.strip() for f in record):
            continue
        n += 1
        line = reader.line_num
        if len(record) != len(header):
            problems.append(f"{shown}:{line}: expected {len(header)} fields, found {len(record)}")
            continue
        kind = record[col["type"]].strip()
        if kind not in PLAIN_LAUNCH_TYPES:
            continue
        if "actor1" in col and record[col["actor1"]].strip().lower() not in _PRK_NAMES:
            continue
        try:
            day = dt.date.fromisoformat(record[col["date"]].strip())
        except ValueError:
            problems.append(f"{shown}:{line}: date: {record[col['date']]!r} is not YYYY-MM-DD")
            continue
        rows.append((month_index(day), day, PLAIN_LAUNCH_TYPES[kind]))
    _refuse(shown, problems, "plain CSV layout: YYYY-MM-DD dates, one field per header column")
    if not rows:
        raise InputError(f"{shown}: no launch rows found (the file has {n} data rows; a launch "
                         "is a row of type missile-launch or satellite-launch)")
    return CnsLaunches(shown, _launch_frame(rows), n, 0)


@dataclass(frozen=True)
class TargetSeries:
    """A monthly 0/1 target, its launch days, and its provenance.

    ``frame`` has one row per month from ``first`` to ``last``: ``mi`` (month index),
    ``month`` (``YYYY-MM``), ``y`` (0/1), ``days`` (distinct days with the event),
    ``cns_rows`` (CNS missiles that month, counting only those the target uses),
    ``store_events`` (store events used that month) and ``coverage`` (``cns`` or
    ``store``: which record decides the month).
    """

    target: str
    frame: pd.DataFrame
    coverage: pd.DataFrame    # one row per record: months covered and positive months
    kb_check: dict            # the store's launch months checked against CNS where both exist
    cns_file: str
    cns_month_only: int

    @property
    def first(self) -> int:
        return int(self.frame["mi"].iloc[0])

    @property
    def last(self) -> int:
        return int(self.frame["mi"].iloc[-1])


def _store_days(store: Store, types: tuple[str, ...], until: dt.date, cns: bool) -> pd.DataFrame:
    """The store's events of ``types`` with actor1 PRK, one row per event: month index and day
    (ingested CNS rows only, or everything but them)."""
    marks = ",".join("?" * len(types))
    test = "=" if cns else "IS DISTINCT FROM"
    frame = store.query(
        f"""SELECT year(date) * 12 + month(date) - 1 AS mi, CAST(date AS TIMESTAMP) AS day
            FROM events
            WHERE actor1 = 'PRK' AND type IN ({marks}) AND source {test} 'cns-missiles'
              AND date <= ?""", [*types, until])
    return frame.astype({"mi": "int64"})


def launch_days(rows: pd.DataFrame, months: np.ndarray) -> np.ndarray:
    """d_t per month of ``months``: distinct non-missing days among ``rows`` (columns ``mi``,
    ``day``); a month with rows but no known day counts 1."""
    dated = rows.dropna(subset=["day"]).drop_duplicates(["mi", "day"]).groupby("mi").size()
    any_row = rows.groupby("mi").size().clip(upper=1)
    days = dated.reindex(months, fill_value=0).to_numpy()
    return np.maximum(days, any_row.reindex(months, fill_value=0).to_numpy()).astype(int)


def monthly_target(store: Store, target: str, cns: CnsLaunches | None = None,
                   until: dt.date | None = None) -> TargetSeries:
    """The monthly 0/1 series of ``target`` and its launch days (see the module docstring)."""
    spec = get_target(target)
    until = until or dt.date.today()
    cns = cns or read_cns_launches()
    file_rows = cns.launches[cns.launches["mi"] <= month_index(until)]
    ingested = _store_days(store, ("missile-launch", "satellite-launch"), until, cns=True)
    ingested_ballistic = _store_days(store, ("missile-launch",), until, cns=True)
    cns_all = pd.concat([file_rows["mi"], ingested["mi"]])
    if cns_all.empty:
        raise InputError(f"{cns.path}: no CNS launch on or before {until}")
    cns_first, cns_last = int(cns_all.min()), int(cns_all.max())

    used = file_rows[file_rows["ballistic"]] if spec.cns_ballistic_only else file_rows
    extra = ingested_ballistic if spec.cns_ballistic_only else ingested
    cns_rows = pd.concat([used[["mi", "day"]], extra[["mi", "day"]]], ignore_index=True)
    other = _store_days(store, spec.store_types, until, cns=False)
    if not spec.store_in_cns_months:
        other = other[other["mi"] > cns_last]
    latest = store.query("SELECT max(date) AS d FROM events WHERE date <= ?", [until])["d"].iloc[0]
    store_last = month_index(pd.Timestamp(latest).date()) if pd.notna(latest) else cns_last
    last = min(max(cns_last, store_last), last_full_month(until))
    if last < cns_first:
        raise InputError(f"no complete month of data on or before {until}")

    mi = np.arange(cns_first, last + 1)
    frame = pd.DataFrame({"mi": mi, "month": [month_label(m) for m in mi]})
    frame["coverage"] = np.where(mi <= cns_last, "cns", "store")
    frame["cns_rows"] = cns_rows.groupby("mi").size().reindex(mi, fill_value=0).to_numpy().astype(int)
    frame["store_events"] = other.groupby("mi").size().reindex(mi, fill_value=0).to_numpy().astype(int)
    frame["days"] = launch_days(pd.concat([cns_rows, other[["mi", "day"]]], ignore_index=True), mi)
    frame["y"] = (frame["days"] > 0).astype(int)
    frame = frame[["mi", "month", "y", "days", "cns_rows", "store_events", "coverage"]]
    return TargetSeries(target, frame, _coverage(frame), _kb_check(store, cns, until, cns_last),
                        cns.path, cns.month_only)


def _coverage(frame: pd.DataFrame) -> pd.DataFrame:
    grouped = frame.groupby("coverage", sort=False)
    return pd.DataFrame({
        "record": grouped.size().index,
        "first": grouped["month"].first().to_numpy(),
        "last": grouped["month"].last().to_numpy(),
        "months": grouped.size().to_numpy(),
        "positive_months": grouped["y"].sum().to_numpy(),
    })


def _kb_check(store: Store, cns: CnsLaunches, until: dt.date, cns_last: int) -> dict:
    """Where CNS and the curated knowledge base overlap, does the kb list every month with a
    CNS ballistic launch? (The kb's curated record starts in 2017.)"""
    kb = store.query(
        """SELECT DISTINCT year(date) * 12 + month(date) - 1 AS mi FROM events
           WHERE source = 'kb' AND actor1 = 'PRK' AND type = 'missile-launch' AND date <= ?""",
        [until])["mi"]
    kb_first = store.query("SELECT min(date) AS d FROM events WHERE source = 'kb'")["d"].iloc[0]
    if pd.isna(kb_first):
        return {}
    lo = month_index(pd.Timestamp(kb_first).date())
    if lo > cns_last:
        return {"window": None}
    ballistic = cns.launches.loc[cns.launches["ballistic"], "mi"]
    cns_months = set(ballistic[(ballistic >= lo) & (ballistic <= cns_last)].astype(int))
    kb_months = {int(m) for m in kb if lo <= m <= cns_last}
    return {
        "window": f"{month_label(lo)}..{month_label(cns_last)}",
        "cns_launch_months": len(cns_months),
        "kb_lists": len(cns_months & kb_months),
        "kb_only_months": sorted(month_label(m) for m in kb_months - cns_months),
        "kb_launch_months_after_cns": int(sum(1 for m in kb if m > cns_last)),
    }
