"""The observed record as the three-vector model's inputs and targets, month by month.

**Targets** are the foundation's monthly implementation series per vector
(:func:`panmun.implementation_series` with ``by="vector"``): the fraction of the
tracked provisions' maximum score reached at each month end, in [0, 1]. The series'
vectors ``denuclearization``, ``peace-regime`` and ``arms-control`` are the model's
D, P and A (renamed to :data:`~panmun.vectors.parameters.VECTORS`); ``exchange`` is
the model's input E. A month in which no provision is tracked yet (before the 2018
agreements exist) is coded 0: nothing of those agreements is implemented.

**Drivers** (the 7 columns of :data:`~panmun.vectors.parameters.DRIVERS`, in order),
one row per calendar month, each in [0, 1], built from the knowledge base in the store:

- ``summits``: 1 in a month with a ``summit`` event that has the DPRK (``PRK``) as
  either actor; 0 otherwise.
- ``exercises``: a level carried forward from the month of each ``exercise`` event:
  the level of the event in :data:`EXERCISE_LEVELS` (suspended 0, scaled down
  :data:`SCALED_DOWN`, full scale 1), 1 for any other exercise event (an exercise
  held). The level before the window is that of the last earlier exercise event.
- ``border_closure``: the fraction of each month's days from the kb event
  :data:`CLOSURE_START_EVENT` (inclusive) to :data:`CLOSURE_END_EVENT` (exclusive).
- ``leadership_change``: 1 in the month of an ROK or US leader taking office, found as
  events with ``actor1`` KOR or USA whose summary matches :data:`INAUGURATION_PATTERN`.
- ``sanctions`` and ``rivalry``: the kb holds no sourced monthly series, so each is a
  constant (:data:`SANCTIONS_LEVEL`, :data:`RIVALRY_LEVEL`): **judgement**, not data.
- ``exchange``: the ``exchange`` implementation series (E).

:attr:`History.notes` lists every coding choice that is judgement or a gap in the kb.

**Environment index** (optional fourth series). When the store holds *ingested*
(machine-coded) events, i.e. of any source other than the knowledge base's ``kb``, the
KOR–PRK monthly conflict–cooperation index of
:func:`panmun.environment.indices.index` (column ``net_coop``, in [−1, +1]: +1 all
cooperation, −1 all conflict) is attached as :attr:`History.index`. Sources are never
pooled (each dataset codes the same events independently): the ingested source with the
most months with a defined ``net_coop`` in the window is used (ties: the first by name).
A month without classed KOR–PRK events of that source is missing (NaN). The series is
attached only if at least :data:`MIN_INDEX_MONTHS` months have a value; otherwise
:attr:`History.index` is ``None`` and the calibration is the one on D, P, A alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from panmun.agreements.scorecard import implementation_series
from panmun.environment.indices import index as environment_index
from panmun.environment.obstacles import CLOSURE_END_EVENT, CLOSURE_START_EVENT
from panmun.errors import InputError
from panmun.store.db import Store
from panmun.vectors.parameters import DRIVERS, VECTORS

#: implementation-series vector name -> model stock name
SERIES_VECTORS: dict[str, str] = {"denuclearization": "denuclearization", "peace-regime": "peace_regime",
                                  "arms-control": "arms_control"}
#: the implementation-series vector that is the model's input E
EXCHANGE_SERIES = "exchange"
#: level of a scaled-down exercise programme (judgement)
SCALED_DOWN = 0.3
#: exercise events whose level is not "held at full scale" (judgement on the kb summaries)
EXERCISE_LEVELS: dict[str, float] = {
    "2018-06-18-freedom-guardian-suspended": 0.0,          # all planning for UFG 2018 suspended
    "2019-03-02-key-resolve-foal-eagle-ended": SCALED_DOWN,  # replaced by smaller drills
}
#: level when no exercise event precedes the window (the standing annual cycle, judgement)
EXERCISE_DEFAULT = 1.0
#: constant sanctions pressure: the 2016-17 UN regime in force throughout (judgement)
SANCTIONS_LEVEL = 0.8
#: constant US-China competition (judgement)
RIVALRY_LEVEL = 0.6
#: the dyad whose conflict-cooperation index is the fourth observed series
INDEX_DYAD = "KOR-PRK"
#: the index column used (net cooperation, -1..+1), as in the alerts and obstacles
INDEX_COLUMN = "net_coop"
#: the knowledge base's own event source: curated, not ingested data
KB_SOURCE = "kb"
#: fewest months with ingested KOR-PRK events for the index to be used
MIN_INDEX_MONTHS = 24
#: summary text of an event that records a leader taking office
INAUGURATION_PATTERN = re.compile(r"takes office|took office as|sworn in|is inaugurated", re.IGNORECASE)


@dataclass(frozen=True)
class History:
    """The record from the first to the last month (month ends).

    ``targets``: month x :data:`VECTORS`, observed implementation in [0, 1];
    ``drivers``: array (months, 7), columns :data:`DRIVERS` in order, row k = calendar
    month k; ``notes``: what in the coding is judgement or missing from the kb;
    ``index``: the KOR–PRK net-cooperation index per month (NaN where the source has no
    classed event), or ``None`` when fewer than :data:`MIN_INDEX_MONTHS` months have one;
    ``index_source``: the ingested event source it comes from.
    """

    months: pd.PeriodIndex
    targets: pd.DataFrame
    drivers: np.ndarray
    notes: list[str] = field(default_factory=list)
    index: pd.Series | None = None
    index_source: str | None = None

    def driver_frame(self) -> pd.DataFrame:
        """The drivers as a DataFrame (month x driver name)."""
        return pd.DataFrame(self.drivers, index=self.months, columns=list(DRIVERS))

    def head(self, months: int) -> History:
        """The first ``months`` months; the index is dropped if too few of its months remain."""
        index = None if self.index is None else self.index.iloc[:months]
        if index is not None and index.notna().sum() < MIN_INDEX_MONTHS:
            index = None
        return History(self.months[:months], self.targets.iloc[:months], self.drivers[:months], self.notes,
                       index, self.index_source if index is not None else None)


def month_index(start: str, end: str) -> pd.PeriodIndex:
    """Months from ``start`` to ``end`` (``YYYY-MM``), inclusive; InputError for anything else."""
    from panmun.environment.forecast.months import parse_month

    if parse_month(start, "start") > parse_month(end, "end"):
        raise InputError(f"start {start} is after end {end}")
    return pd.period_range(pd.Period(start, "M"), pd.Period(end, "M"), freq="M")


#: The agreements whose implementation the model's series follow: the cycle opened in 2018.
CYCLE_2018 = ("panmunjom-2018", "singapore-2018", "pyongyang-2018", "cma-2018", "rok-us-2021")


def implementation(store: Store, months: pd.PeriodIndex) -> pd.DataFrame:
    """Month x series-vector implementation (the four series) of the agreements of
    :data:`CYCLE_2018`, NaN (nothing tracked) as 0."""
    first = months[0].start_time.date().isoformat()
    last = months[-1].end_time.date().isoformat()
    series = implementation_series(store, first, last, by="vector", agreements=CYCLE_2018)
    wide = series.pivot(index="at", columns="vector", values="implementation")
    wide.index = pd.PeriodIndex(pd.to_datetime(wide.index), freq="M")
    wanted = [*SERIES_VECTORS, EXCHANGE_SERIES]
    return wide.reindex(index=months, columns=wanted).astype(float).fillna(0.0)


def _events(store: Store, where: str, params: list | None = None) -> pd.DataFrame:
    sql = f"SELECT id, date, actor1, actor2, type, summary FROM events WHERE {where} ORDER BY date, id"
    out = store.query(sql, params)
    out["month"] = pd.PeriodIndex(pd.to_datetime(out["date"]), freq="M")
    return out


def summits(store: Store, months: pd.PeriodIndex) -> np.ndarray:
    """1 in months with a leaders' summit involving the DPRK, else 0."""
    rows = _events(store, "type = 'summit' AND (actor1 = 'PRK' OR actor2 = 'PRK')")
    return months.isin(set(rows["month"])).astype(float)


def exercises(store: Store, months: pd.PeriodIndex) -> np.ndarray:
    """The exercise level carried forward from each exercise event's month (see module doc)."""
    rows = _events(store, "type = 'exercise'")
    level = np.full(len(months), EXERCISE_DEFAULT)
    for _, row in rows.iterrows():
        value = EXERCISE_LEVELS.get(row["id"], 1.0)
        level[np.asarray(months >= row["month"])] = value
    return level


def border_closure(store: Store, months: pd.PeriodIndex) -> np.ndarray:
    """Fraction of each month's days with the DPRK border closure in force (0 if the kb lacks it)."""
    rows = store.query("SELECT id, date FROM events WHERE id IN (?, ?)",
                       [CLOSURE_START_EVENT, CLOSURE_END_EVENT])
    dates = dict(zip(rows["id"], pd.to_datetime(rows["date"]), strict=True))
    if len(dates) != 2:
        return np.zeros(len(months))
    start, end = dates[CLOSURE_START_EVENT], dates[CLOSURE_END_EVENT]
    out = np.empty(len(months))
    for i, month in enumerate(months):
        first, after = month.start_time.normalize(), (month + 1).start_time.normalize()
        days = (min(after, end) - max(first, start)).days
        out[i] = max(days, 0) / month.days_in_month
    return out


def leadership_changes(store: Store, months: pd.PeriodIndex) -> tuple[np.ndarray, list[str]]:
    """1 in months where the kb records an ROK or US leader taking office; the event ids found."""
    rows = _events(store, "actor1 IN ('KOR', 'USA')")
    found = rows[rows["summary"].fillna("").str.contains(INAUGURATION_PATTERN)]
    found = found[found["month"].isin(months)]
    return months.isin(set(found["month"])).astype(float), list(found["id"])


def ingested_sources(store: Store) -> list[str]:
    """Event sources in the store other than the knowledge base (``kb``), sorted."""
    rows = store.query("SELECT DISTINCT source FROM events WHERE source <> ? ORDER BY source", [KB_SOURCE])
    return list(rows["source"])


def index_candidates(store: Store, months: pd.PeriodIndex) -> pd.DataFrame:
    """Month x ingested source: the KOR–PRK ``net_coop`` index (NaN: no classed event that month)."""
    sources = ingested_sources(store)
    if not sources:
        return pd.DataFrame(index=months, dtype=float)
    rows = environment_index(store, dyad=INDEX_DYAD, freq="month", sources=sources, n_boot=0,
                             since=months[0].start_time.date(), until=months[-1].end_time.date())
    rows = rows.assign(month=pd.PeriodIndex(pd.to_datetime(rows["period"]), freq="M"))
    wide = rows.pivot(index="month", columns="source", values=INDEX_COLUMN)
    return wide.reindex(index=months, columns=sources).astype(float)


def environment_series(store: Store, months: pd.PeriodIndex) -> tuple[pd.Series | None, str | None]:
    """The ingested source's index with the most months (ties: first by name), and its source.

    ``(None, None)`` when no ingested source has :data:`MIN_INDEX_MONTHS` months with a value.
    """
    wide = index_candidates(store, months)
    if wide.empty or wide.columns.empty:
        return None, None
    counts = wide.notna().sum()
    best = str(counts.idxmax())
    if counts[best] < MIN_INDEX_MONTHS:
        return None, None
    return wide[best].rename(INDEX_COLUMN), best


def _notes(months: pd.PeriodIndex, inaugurations: list[str], closure: np.ndarray) -> list[str]:
    notes = [
        "targets: a month with no tracked provision (before the 2018 agreements) is coded 0 (judgement)",
        f"sanctions: constant {SANCTIONS_LEVEL} over the window - judgement, the kb has no sourced series",
        f"rivalry: constant {RIVALRY_LEVEL} over the window - judgement, the kb has no sourced series",
        "summits: every kb 'summit' event with PRK as an actor counts 1 in its month, whoever the partner "
        "(ROK, US, China, Russia); lower-level talks count 0",
        f"exercises: level carried forward from each kb 'exercise' event: suspended 0, scaled down "
        f"{SCALED_DOWN} (judgement), any other exercise event 1 (held, full scale); before the first event "
        f"{EXERCISE_DEFAULT}; spring 2018 drills are not in the kb",
    ]
    if not closure.any():
        notes.append("border_closure: the closure events are not in the store (or not in the window): 0")
    if inaugurations:
        notes.append("leadership_change: from kb events " + ", ".join(inaugurations))
    else:
        notes.append(f"leadership_change: the kb records no ROK or US leader taking office between "
                     f"{months[0]} and {months[-1]}, so it is 0 throughout (no dates invented)")
    return notes


def _index_note(index: pd.Series | None, source: str | None) -> str:
    if index is None:
        return (f"environment index: not used (fewer than {MIN_INDEX_MONTHS} months with ingested "
                f"{INDEX_DYAD} events in the window; kb events do not count)")
    return (f"environment index: {INDEX_DYAD} {INDEX_COLUMN} from ingested source {source!r}, "
            f"{int(index.notna().sum())} of {len(index)} months with events")


def observed_history(store: Store, start: str = "2018-01", end: str = "2024-12",
                     environment: bool = True) -> History:
    """The record from ``start`` to ``end`` (``YYYY-MM``) as model targets and drivers.

    ``environment``: attach the ingested KOR–PRK index when there is enough of it (module doc).
    """
    months = month_index(start, end)
    impl = implementation(store, months)
    targets = impl[list(SERIES_VECTORS)].rename(columns=SERIES_VECTORS)[list(VECTORS)]
    lead, inaugurations = leadership_changes(store, months)
    closure = border_closure(store, months)
    columns = {
        "rivalry": np.full(len(months), RIVALRY_LEVEL),
        "sanctions": np.full(len(months), SANCTIONS_LEVEL),
        "border_closure": closure,
        "leadership_change": lead,
        "summits": summits(store, months),
        "exercises": exercises(store, months),
        "exchange": impl[EXCHANGE_SERIES].to_numpy(),
    }
    drivers = np.column_stack([columns[name] for name in DRIVERS])
    index, source = environment_series(store, months) if environment else (None, None)
    notes = [*_notes(months, inaugurations, closure), _index_note(index, source)]
    return History(months, targets, drivers, notes, index, source)


__all__ = ["EXERCISE_LEVELS", "INDEX_COLUMN", "INDEX_DYAD", "MIN_INDEX_MONTHS", "History", "RIVALRY_LEVEL",
           "SANCTIONS_LEVEL", "border_closure", "environment_series", "exercises", "implementation",
           "index_candidates", "ingested_sources", "leadership_changes", "month_index", "observed_history",
           "summits"]
