"""The historical record the risk model is calibrated on.

Three sources, each coded onto the model's domains and ladder levels:

1. **COW-MID 4.3** (``data/cow_mid_korea.csv``, see ``data/COW_MID_SOURCE.txt``): every
   militarised dispute between the two Koreas (ccodes 731 PRK, 732 ROK) from 1949 to 2010, with
   hostility level (4 = use of force, 5 = war) and fatality code (0 none, 1 = 1-25 deaths, ...,
   -9 missing). A dispute can run for years and hold many clashes, so it is a coarse unit.
2. **The knowledge base's incidents**: events of type ``border-incident`` (source ``kb``,
   2017 onwards), less those that are steps *down* (loudspeakers switched off or removed).
   Each is put in a domain and given a ladder level by the keyword rules below.
3. **A systematic list of border incidents 1999-2025** (:func:`systematic_incidents`,
   ``data/incidents.csv``): every exchange of fire, shelling, mine blast, warning shots at an
   intrusion and armed intrusion at the MDL or NLL that the ROK JCS or the UN Command
   reported, deadly or not, under a stated inclusion rule. Its uses of force are close to
   complete, so it gives the step use of force -> deadly clash without choosing clashes for
   being serious; its smaller incidents are a sample, so the step incident -> use of force
   comes from the knowledge base's incidents instead.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from importlib import resources

import pandas as pd

from panmun.store.db import Store

PRK, ROK = 731, 732
CMA_START = dt.date(2018, 11, 1)   # buffer and no-fly zones take effect (kb event 2018-11-01)
CMA_END = dt.date(2023, 11, 22)    # ROK suspends the no-fly clause; DPRK drops the CMA on 11-23
KB_START = dt.date(2017, 1, 1)     # the incident rates are counted from here (the kb records
                                   # border incidents before it only as key events, not fully)

_GREY = re.compile(r"\b(balloons?|loudspeakers?|leaflets?|GPS|jamming)\b", re.I)
_SEA = re.compile(r"\b(NLL|maritime|waters|sea|coastal|naval|ships?|vessels?|islands?|islet|Yeonpyeong)\b",
                  re.I)
_AIR = re.compile(r"\b(drones?|aircraft|jets?|airspace|no-fly)\b", re.I)
_FORCE = re.compile(r"\b(return fire|returned fire|exchange[sd]? (of )?fire|shoots? dead|shot dead|"
                    r"opened fire on|killed|killing)\b", re.I)
_DEADLY = re.compile(r"\b(shoots? dead|shot dead|killed|killing|dead)\b", re.I)
_STEP_DOWN = re.compile(r"\b(stops|removing|removes|silences|halts)\b", re.I)


@dataclass(frozen=True)
class Event:
    """One coded event: date, domain, whether force was used, whether anyone was killed."""

    date: dt.date
    domain: str
    force: bool
    deadly: bool
    summary: str
    source: str


def systematic_incidents() -> list[Event]:
    """The systematic list of border incidents 1999-2025 (``data/incidents.csv``; its inclusion
    rule, coding and limits in ``data/INCIDENTS_SOURCE.txt``), every incident deadly or not."""
    path = resources.files("panmun.armscontrol") / "data" / "incidents.csv"
    # typeshed's Traversable.open leaves out newline=, which the files of a package accept
    with path.open("r", encoding="utf-8", newline="") as fh:  # type: ignore[call-overload]
        rows = list(csv.DictReader(fh))
    return [Event(dt.date.fromisoformat(r["date"]), r["domain"], r["use_of_force"] == "yes",
                  r["deadly"] == "yes", r["description"], r["source_url"]) for r in rows]


def classify_domain(summary: str) -> str:
    """The domain of an incident from its summary: grey-zone, sea, air, else ground (MDL)."""
    if _GREY.search(summary):
        return "grey-zone"
    if _SEA.search(summary):
        return "sea"
    if _AIR.search(summary):
        return "air"
    return "ground"


def kb_incidents(store: Store, since: dt.date = KB_START) -> list[Event]:
    """The knowledge base's border incidents from ``since`` (the exposure window of the rates
    starts there), coded; steps down (loudspeakers off) left out."""
    df = store.query("SELECT date, type, summary, actor1, actor2 FROM events "
                     "WHERE source = 'kb' AND type = 'border-incident' AND date >= ? ORDER BY date", [since])
    out = []
    for row in df.itertuples(index=False):
        text = str(row.summary)
        if _STEP_DOWN.search(text):
            continue
        force = bool(_FORCE.search(text))
        out.append(Event(pd.Timestamp(row.date).date(), classify_domain(text), force,
                         force and bool(_DEADLY.search(text)), text, "kb"))
    return out


def kb_last_date(store: Store) -> dt.date:
    """The last date the knowledge base's event record covers (end of the exposure window)."""
    value = store.query("SELECT max(date) AS d FROM events WHERE source = 'kb'")["d"].iloc[0]
    return pd.Timestamp(value).date()


def cow_mid() -> pd.DataFrame:
    """The bundled COW-MID 4.3 participant rows of disputes involving either Korea."""
    path = resources.files("panmun.armscontrol") / "data" / "cow_mid_korea.csv"
    with path.open("rb") as fh:
        return pd.read_csv(fh)


def inter_korean_disputes(mid: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per dispute with both Koreas: dispute, start and end year, highest hostility
    level of the two, and whether either Korea's fatality code shows deaths (>= 1)."""
    mid = cow_mid() if mid is None else mid
    korea = mid[mid["ccode"].isin([PRK, ROK])]
    both = korea.groupby("dispnum3")["ccode"].nunique() == 2
    rows = korea[korea["dispnum3"].isin(both[both].index)]
    return (rows.groupby("dispnum3")
            .agg(styear=("styear", "min"), endyear=("endyear", "max"), hostlev=("hostlev", "max"),
                 fatality=("fatality", "max"))
            .assign(deadly=lambda d: d["fatality"] >= 1)
            .reset_index().sort_values("styear").reset_index(drop=True))
