"""The cycles of the record: the windows the three-vector model is calibrated on and held out by.

The record since 1991 is one monthly series per vector, but it is made of distinct rounds of
diplomacy, each opened by an agreement and ended by its collapse or by the next round. The
leave-one-cycle-out comparison (:mod:`panmun.vectors.validate`) fits the model on all cycles
but one and predicts the held-out one from its first month, so the cycles must **partition**
the record: consecutive, non-overlapping windows. Where rounds overlap in time (the June 15
engagement ran beside the Agreed Framework's end and the six-party talks), a window is named
after the agreements *signed* in it, and the agreements list says which ones those are.

Every cycle after the first starts from the observed state of its first month (the model's
vectors are re-anchored there; trust carries on), so that a cycle is predicted "from its
start given its drivers", in calibration and in validation alike.

=====================  ===============  ==========================================================
cycle                  months           agreements signed in it (kb ids)
=====================  ===============  ==========================================================
basic-agreement        1991-01..1993-12 basic-agreement-1991, denuclearization-declaration-1992
agreed-framework       1994-01..1999-12 agreed-framework-1994
june-15                2000-01..2004-12 june-15-2000
six-party              2005-01..2009-12 six-party-2005, six-party-initial-actions-2007,
                                        six-party-second-phase-2007, october-declaration-2007
leap-day               2010-01..2017-12 leap-day-2012, inter-korean-2015-08-25
2018                   2018-01..latest  panmunjom-2018, singapore-2018, pyongyang-2018, cma-2018,
                                        rok-us-2021
=====================  ===============  ==========================================================

The last cycle runs to the latest month of the record (:func:`latest_month`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from panmun.store.db import Store

#: the first month of the record the model is calibrated on
RECORD_START = "1991-01"


@dataclass(frozen=True)
class Cycle:
    """A window of the record: ``start``..``end`` (``YYYY-MM``; ``end`` None: the latest month)."""

    name: str
    title: str
    start: str
    end: str | None
    agreements: tuple[str, ...]


CYCLES: tuple[Cycle, ...] = (
    Cycle("basic-agreement", "Basic Agreement and Joint Declaration (1991-93)", "1991-01", "1993-12",
          ("basic-agreement-1991", "denuclearization-declaration-1992")),
    Cycle("agreed-framework", "Agreed Framework (1994-99)", "1994-01", "1999-12", ("agreed-framework-1994",)),
    Cycle("june-15", "June 15 engagement (2000-04)", "2000-01", "2004-12", ("june-15-2000",)),
    Cycle("six-party", "Six-party steps (2005-09)", "2005-01", "2009-12",
          ("six-party-2005", "six-party-initial-actions-2007", "six-party-second-phase-2007",
           "october-declaration-2007")),
    Cycle("leap-day", "Leap Day and the 2015 agreement (2010-17)", "2010-01", "2017-12",
          ("leap-day-2012", "inter-korean-2015-08-25")),
    Cycle("2018", "The 2018 agreements and after (2018-)", "2018-01", None,
          ("panmunjom-2018", "singapore-2018", "pyongyang-2018", "cma-2018", "rok-us-2021")),
)
BY_CYCLE: dict[str, Cycle] = {c.name: c for c in CYCLES}


def latest_month(store: Store) -> str:
    """The latest month the record reaches: that of its latest event or status change (``YYYY-MM``)."""
    row = store.query("SELECT greatest((SELECT max(date) FROM events WHERE source = 'kb'), "
                      "(SELECT max(date) FROM status_changes)) AS last")
    last = row["last"].iloc[0]
    return str(pd.Period(pd.Timestamp(last), "M"))


def cycle_of(months: pd.PeriodIndex) -> list[str | None]:
    """The cycle of each month (None for a month outside every cycle)."""
    out: list[str | None] = []
    for month in months:
        name = None
        for c in CYCLES:
            if pd.Period(c.start, "M") <= month and (c.end is None or month <= pd.Period(c.end, "M")):
                name = c.name
                break
        out.append(name)
    return out


def cycle_starts(months: pd.PeriodIndex) -> dict[str, int]:
    """Row of the first month of each cycle within ``months`` (cycles not in the window left out)."""
    names = cycle_of(months)
    out: dict[str, int] = {}
    for i, name in enumerate(names):
        if name is not None and name not in out:
            out[name] = i
    return out


__all__ = ["BY_CYCLE", "CYCLES", "RECORD_START", "Cycle", "cycle_of", "cycle_starts", "latest_month"]
