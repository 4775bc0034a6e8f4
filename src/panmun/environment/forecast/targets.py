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
as events, since an event needs its day) still tell the month, so they count here.

The series runs from the first CNS month to the last month with data: the later of the
last CNS month and the month of the latest event in the store, and never past the last
month that has ended on or before ``until``. Months after that are unknown, not zero.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from panmun.environment.forecast.months import last_full_month, month_index, month_label
from panmun.errors import InputError, display_path
from panmun.ingest.cns import read_cns_missiles, shipped_file
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
    """Launches read from one CNS-layout file: one row per missile (month index, ballistic)."""

    path: str
    launches: pd.DataFrame   # columns: mi (int), ballistic (bool)
    rows: int                # data rows read
    month_only: int          # rows that give only a month, kept at month precision


def read_cns_launches(path: Path | str | None = None) -> CnsLaunches:
    """The launches of a CNS-layout file (default: the shipped copy), by month.

    Raises :class:`InputError` naming the file and line when the file is not in the CNS
    layout or a row cannot be read (wrong field count, bad date, missing id).
    """
    path = Path(path) if path is not None else shipped_file()
    shown = display_path(path)
    try:
        result = read_cns_missiles(path)
    except OSError as exc:
        raise InputError(f"{shown}: cannot read the file ({exc.strerror or exc})") from exc
    except ValueError as exc:
        raise InputError(str(exc), hint="--data expects the CNS North Korea Missile Test "
                         "Database layout (see docs/forecast.md).") from exc
    rows = [(month_index(d), kind != "SLV")
            for d, kind in zip(result.events["date"], result.events["missile_type"], strict=True)]
    month_only, problems = 0, []
    for rej in result.rejects.itertuples(index=False):
        match = _MONTH_ONLY.search(str(rej.reason)) if rej.field == "Date" else None
        if match:
            month = dt.datetime.strptime(match.group(1), "%b-%y").date()  # as the CNS reader
            fields = str(rej.raw).split(",")
            kind = fields[5].strip() if len(fields) > 5 else ""
            rows.append((month_index(month), kind != "SLV"))
            month_only += 1
        else:
            where = f"{shown}:{rej.line}" + (f": {rej.field}" if rej.field else "")
            problems.append(f"{where}: {rej.reason}")
    if problems:
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        raise InputError(f"{len(problems)} row(s) of {shown} cannot be read: "
                         + "; ".join(problems[:3]) + more,
                         hint="Fix those lines (CNS layout: d-Mon-yy dates, 19 columns).")
    if not rows:
        raise InputError(f"{shown}: no launch rows found (the file has {result.rows} data rows)")
    frame = pd.DataFrame(rows, columns=["mi", "ballistic"]).astype({"mi": "int64", "ballistic": bool})
    return CnsLaunches(shown, frame, result.rows, month_only)


@dataclass(frozen=True)
class TargetSeries:
    """A monthly 0/1 target and its provenance.

    ``frame`` has one row per month from ``first`` to ``last``: ``mi`` (month index),
    ``month`` (``YYYY-MM``), ``y`` (0/1), ``cns_rows`` (CNS missiles that month, counting
    only those the target uses), ``store_events`` (store events used that month) and
    ``coverage`` (``cns`` or ``store``: which record decides the month).
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


def _store_months(store: Store, types: tuple[str, ...], until: dt.date, cns: bool) -> pd.DataFrame:
    """Per month, the number of store events of ``types`` with actor1 PRK (ingested CNS rows
    only, or everything but them)."""
    marks = ",".join("?" * len(types))
    test = "=" if cns else "IS DISTINCT FROM"
    return store.query(
        f"""SELECT year(date) * 12 + month(date) - 1 AS mi, count(*) AS n
            FROM events
            WHERE actor1 = 'PRK' AND type IN ({marks}) AND source {test} 'cns-missiles'
              AND date <= ?
            GROUP BY 1 ORDER BY 1""", [*types, until])


def monthly_target(store: Store, target: str, cns: CnsLaunches | None = None,
                   until: dt.date | None = None) -> TargetSeries:
    """The monthly 0/1 series of ``target`` (see the module docstring for the rules)."""
    spec = get_target(target)
    until = until or dt.date.today()
    cns = cns or read_cns_launches()
    file_rows = cns.launches[cns.launches["mi"] <= month_index(until)]
    ingested = _store_months(store, ("missile-launch", "satellite-launch"), until, cns=True)
    ingested_ballistic = _store_months(store, ("missile-launch",), until, cns=True)
    cns_all = pd.concat([file_rows["mi"], ingested["mi"]])
    if cns_all.empty:
        raise InputError(f"{cns.path}: no CNS launch on or before {until}")
    cns_first, cns_last = int(cns_all.min()), int(cns_all.max())

    used = file_rows[file_rows["ballistic"]] if spec.cns_ballistic_only else file_rows
    extra = ingested_ballistic if spec.cns_ballistic_only else ingested
    cns_counts = (used.groupby("mi").size().add(extra.set_index("mi")["n"], fill_value=0))
    other = _store_months(store, spec.store_types, until, cns=False).set_index("mi")["n"]
    latest = store.query("SELECT max(date) AS d FROM events WHERE date <= ?", [until])["d"].iloc[0]
    store_last = month_index(pd.Timestamp(latest).date()) if pd.notna(latest) else cns_last
    last = min(max(cns_last, store_last), last_full_month(until))
    if last < cns_first:
        raise InputError(f"no complete month of data on or before {until}")

    mi = np.arange(cns_first, last + 1)
    frame = pd.DataFrame({"mi": mi, "month": [month_label(m) for m in mi]})
    frame["coverage"] = np.where(mi <= cns_last, "cns", "store")
    frame["cns_rows"] = cns_counts.reindex(mi, fill_value=0).to_numpy().astype(int)
    store_n = other.reindex(mi, fill_value=0).to_numpy().astype(int)
    if not spec.store_in_cns_months:
        store_n = np.where(mi <= cns_last, 0, store_n)
    frame["store_events"] = store_n
    frame["y"] = ((frame["cns_rows"] + frame["store_events"]) > 0).astype(int)
    frame = frame[["mi", "month", "y", "cns_rows", "store_events", "coverage"]]
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
