"""The observed record as the three-vector model's inputs and targets, month by month.

**Targets** are the foundation's monthly implementation series per vector
(:func:`panmun.implementation_series` with ``by="vector"``) over **every tracked
agreement** signed by then (or only ``agreements``): the fraction of the tracked
provisions' maximum score reached at each month end, in [0, 1]. The series' vectors
``denuclearization``, ``peace-regime`` and ``arms-control`` are the model's D, P and A
(renamed to :data:`~panmun.vectors.parameters.VECTORS`); ``exchange`` is the model's
input E. A month in which no provision of the vector is tracked yet (before the first
agreement, December 1991) is missing (NaN) in the targets and 0 in the exchange input.

**Drivers** (the 7 columns of :data:`~panmun.vectors.parameters.DRIVERS`, in order),
one row per calendar month, each in [0, 1], built from the knowledge base in the store:

- ``summits``: 1 in a month with a ``summit`` event that has the DPRK (``PRK``) as
  either actor; else :data:`TALKS_LEVEL` in a month with a ``talks`` event with the
  DPRK as either actor (lower-level talks, judgement on the level); 0 otherwise.
- ``exercises``: a level carried forward from the month of each ``exercise`` event:
  the level of the event in :data:`EXERCISE_LEVELS` (cancelled or suspended 0, scaled
  down :data:`SCALED_DOWN`, full scale 1), 1 for any other exercise event (an exercise
  held). The level before the window is that of the last earlier exercise event
  (:data:`EXERCISE_DEFAULT` before the first). The kb records no exercise event between
  the 1994 suspension of Team Spirit and 2010, so the series is 0 then: it follows the
  kb, which leaves out the smaller annual exercises of those years.
- ``border_closure``: the fraction of each month's days from the kb event
  :data:`CLOSURE_START_EVENT` (inclusive) to :data:`CLOSURE_END_EVENT` (exclusive).
- ``leadership_change``: 1 in the month a new leader takes office in Seoul or Washington
  or succeeds in Pyongyang, from the sourced file ``vectors/data/leaders.yaml`` (each
  entry cites a kb event or an official source).
- ``sanctions``: an index built from the kb's events (:func:`sanctions_index`, coding in
  ``vectors/data/sanctions.yaml``): each ``unsc-resolution`` by the UN on the DPRK a
  step of 1, each ``sanctions`` event (a national designation) a step of 0.5, relief
  -0.5, resolutions that adopt no measure 0; the cumulative sum rescaled to 0 at its
  lowest (1991-2017) and 1 at the 2017-12 regime, clipped to [0, 1].
- ``rivalry``: a **sourced proxy** of US-China strategic competition, a step series from
  the dated milestones of ``vectors/data/rivalry.yaml`` (:func:`rivalry_series`; each
  milestone cites news agencies, newspapers or official texts on domains of the kb's
  publisher registry). The coding rule, stated in the file: each milestone opens a period
  at the level of the category it marks, held until the next milestone (0.2 engagement,
  0.4 crisis or hedging, 0.6 declared strategic competition, 0.8 tariff-and-technology
  war, 1.0 embargo-level tariffs; a truce within a category 0.1 below it); a month takes
  the level of the last milestone dated in or before it, and months before the first
  milestone (1994-05) take the first milestone's level. The milestones and dates are
  sourced; the levels are an ordinal **judgement** on the rule. The proxy cannot capture
  the intensity of competition within a category, events inside a period that leave its
  category unchanged, or how far the rivalry bears on the peninsula in particular.
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
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from panmun.agreements.scoring import implementation_series
from panmun.dates import ISO_DAY
from panmun.environment.indices import index as environment_index
from panmun.environment.obstacle_factors import CLOSURE_END_EVENT, CLOSURE_START_EVENT
from panmun.errors import InputError
from panmun.kb.yamlio import LineList, YamlProblems, read_yaml, unit_interval_problem
from panmun.months import month_range
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
    "1992-01-07-team-spirit-1992-cancelled": 0.0,          # Team Spirit 1992 not held
    "1994-03-03-team-spirit-1994-suspended": 0.0,          # Team Spirit 1994 suspended
    "2018-06-18-freedom-guardian-suspended": 0.0,          # all planning for UFG 2018 suspended
    "2019-03-02-key-resolve-foal-eagle-ended": SCALED_DOWN,  # replaced by smaller drills
}
#: level when no exercise event precedes the window (the standing annual cycle, judgement)
EXERCISE_DEFAULT = 1.0
#: constant sanctions pressure of the first (2018-cycle) calibration; the record's drivers use
#: :func:`sanctions_index` instead
SANCTIONS_LEVEL = 0.8
#: summit-diplomacy level of a month with lower-level talks with the DPRK but no summit (judgement)
TALKS_LEVEL = 0.3
#: the sourced milestones of US-China competition behind the ``rivalry`` driver (package data)
RIVALRY_FILE = "rivalry.yaml"
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


#: The agreements whose implementation the model's series follow: the cycle opened in 2018.
CYCLE_2018 = ("panmunjom-2018", "singapore-2018", "pyongyang-2018", "cma-2018", "rok-us-2021")


def implementation(store: Store, months: pd.PeriodIndex,
                   agreements: tuple[str, ...] | None = CYCLE_2018) -> pd.DataFrame:
    """Month x series-vector implementation (the four series) of ``agreements`` (None: every
    agreement), NaN (nothing tracked) as 0."""
    return implementation_raw(store, months, agreements).fillna(0.0)


def implementation_raw(store: Store, months: pd.PeriodIndex,
                       agreements: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Month x series-vector implementation of ``agreements`` (None: every agreement);
    NaN in a month where the vector has no tracked provision yet."""
    first = months[0].start_time.date().isoformat()
    last = months[-1].end_time.date().isoformat()
    series = implementation_series(store, first, last, by="vector",
                                   agreements=None if agreements is None else list(agreements))
    wanted = [*SERIES_VECTORS, EXCHANGE_SERIES]
    if series.empty:
        return pd.DataFrame(np.nan, index=months, columns=wanted)
    wide = series.pivot(index="at", columns="vector", values="implementation")
    wide.index = pd.PeriodIndex(pd.to_datetime(wide.index), freq="M")
    wide = wide[~wide.index.duplicated(keep="last")]
    return wide.reindex(index=months, columns=wanted).astype(float)


def _events(store: Store, where: str, params: list | None = None) -> pd.DataFrame:
    sql = f"SELECT id, date, actor1, actor2, type, summary FROM events WHERE {where} ORDER BY date, id"
    out = store.query(sql, params)
    out["month"] = pd.PeriodIndex(pd.to_datetime(out["date"]), freq="M")
    return out


def summits(store: Store, months: pd.PeriodIndex, talks: float = TALKS_LEVEL) -> np.ndarray:
    """1 in months with a leaders' summit involving the DPRK; ``talks`` in months with only
    lower-level talks with the DPRK (a kb ``talks`` event); else 0."""
    rows = _events(store, "type = 'summit' AND (actor1 = 'PRK' OR actor2 = 'PRK')")
    met = _events(store, "type = 'talks' AND (actor1 = 'PRK' OR actor2 = 'PRK')")
    out = np.where(months.isin(set(met["month"])), talks, 0.0)
    return np.where(months.isin(set(rows["month"])), 1.0, out)


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


def _data_file(name: str):
    return read_yaml(Path(str(resources.files("panmun.vectors") / "data" / name)))


@cache
def leaders() -> tuple[dict, ...]:
    """The sourced leader changes of ``vectors/data/leaders.yaml`` (date, country, leader, source)."""
    rows = []
    for item in _data_file("leaders.yaml")["leaders"]:
        row = {k: item[k] for k in item}
        row["date"] = pd.Timestamp(str(item["date"]))
        if not (row.get("kb_event") or row.get("url")):
            raise ValueError(f"leaders.yaml: {item['leader']} cites no source")
        rows.append(row)
    return tuple(rows)


#: what to do about a malformed rivalry file
RIVALRY_HINT = ("Fix the row in the rivalry file: date YYYY-MM-DD, level in [0, 1], what, "
                "sources [{url, title, date}].")


def read_rivalry(path: Path, display: str | None = None) -> tuple[dict, ...]:
    """The milestones of a rivalry file (``vectors/data/rivalry.yaml``), validated.

    Each row: ``date`` (a Timestamp; strictly increasing), ``level`` in [0, 1], ``what``
    (text) and ``sources`` (at least one ``{url, title, date}``). InputError naming the
    file and the row (its number, line and date) for anything else.
    """
    file = display or str(path)
    try:
        data = read_yaml(path, file)
    except YamlProblems as exc:
        raise InputError(f"{file}: {exc}", hint=RIVALRY_HINT) from exc
    if not isinstance(data, dict) or not str(data.get("rule") or "").strip():
        raise InputError(f"{file}: the file must state its coding rule under 'rule'", hint=RIVALRY_HINT)
    rows = data.get("milestones")
    if not isinstance(rows, list) or not rows:
        raise InputError(f"{file}: 'milestones' must be a non-empty list", hint=RIVALRY_HINT)
    out: list[dict] = []
    for i, item in enumerate(rows):
        line = rows.item_lines[i] if isinstance(rows, LineList) else None
        where = f"{file}: milestone {i + 1}" + (f" (line {line})" if line else "")
        if not isinstance(item, dict):
            raise _bad(where, "must be a mapping with date, level, what and sources")
        where += f" [{item.get('date')}]"
        out.append(_rivalry_row(item, where))
        if len(out) > 1 and out[-1]["date"] <= out[-2]["date"]:
            raise InputError(f"{where}: dates must increase, but {out[-1]['date'].date()} does not follow "
                             f"{out[-2]['date'].date()}", hint=RIVALRY_HINT)
    return tuple(out)


def _bad(where: str, message: str) -> InputError:
    return InputError(f"{where}: {message}", hint=RIVALRY_HINT)


def _day(value) -> pd.Timestamp | None:
    text = str(value) if value is not None else ""
    if not ISO_DAY.fullmatch(text):
        return None
    try:
        return pd.Timestamp(text)
    except ValueError:
        return None


def _rivalry_row(item: dict, where: str) -> dict:
    date = _day(item.get("date"))
    if date is None:
        raise _bad(where, f"date must be YYYY-MM-DD, not {item.get('date')!r}")
    problem = unit_interval_problem(item.get("level"))
    if problem:
        raise _bad(where, f"level {problem}")
    what = item.get("what")
    if not isinstance(what, str) or not what.strip():
        raise _bad(where, "'what' must say what happened")
    sources = item.get("sources")
    if not isinstance(sources, list) or not sources:
        raise _bad(where, "cites no source (sources: [{url, title, date}])")
    for k, source in enumerate(sources):
        url = source.get("url") if isinstance(source, dict) else None
        if not (isinstance(url, str) and url.startswith(("http://", "https://"))):
            raise _bad(where, f"source {k + 1} has no http(s) url")
        if not str(source.get("title") or "").strip() or _day(source.get("date")) is None:
            raise _bad(where, f"source {k + 1} needs a title and a date YYYY-MM-DD")
    return {"date": date, "level": float(item["level"]), "what": what.strip(),
            "sources": tuple(dict(s) for s in sources)}


@cache
def rivalry_milestones() -> tuple[dict, ...]:
    """The sourced milestones of US-China competition (``vectors/data/rivalry.yaml``)."""
    path = Path(str(resources.files("panmun.vectors") / "data" / RIVALRY_FILE))
    return read_rivalry(path, f"vectors/data/{RIVALRY_FILE}")


def rivalry_series(months: pd.PeriodIndex, milestones: tuple[dict, ...] | None = None) -> np.ndarray:
    """The ``rivalry`` driver per month: the level of the last milestone dated in or before the
    month; months before the first milestone take its level (module doc, rule in the file)."""
    rows = rivalry_milestones() if milestones is None else milestones
    level = np.full(len(months), rows[0]["level"])
    for row in rows:
        level[np.asarray(months >= pd.Period(row["date"], "M"))] = row["level"]
    return level


def leader_changes(months: pd.PeriodIndex) -> tuple[np.ndarray, list[str]]:
    """1 in months in which a new leader takes office in Seoul, Washington or Pyongyang
    (``vectors/data/leaders.yaml``); the changes in the window, as text."""
    found = [r for r in leaders() if pd.Period(r["date"], "M") in set(months)]
    marks = {pd.Period(r["date"], "M") for r in found}
    text = [f"{r['date'].date()} {r['country']} {r['leader']}" for r in found]
    return months.isin(marks).astype(float), text


@cache
def sanctions_coding() -> dict:
    """The sanctions index's coding (``vectors/data/sanctions.yaml``)."""
    data = _data_file("sanctions.yaml")
    return {"weights": dict(data["weights"]), "full_at": str(data["full_at"]),
            "codes": {str(k): dict(v) for k, v in data["codes"].items()}}


def sanctions_steps(store: Store) -> pd.DataFrame:
    """The kb events the sanctions index counts: id, date, month, step (module doc)."""
    coding = sanctions_coding()
    weights, codes = coding["weights"], coding["codes"]
    rows = _events(store, "(type = 'unsc-resolution' AND actor1 = 'UNO' AND actor2 = 'PRK') "
                          "OR type = 'sanctions'")
    types = store.query("SELECT id, type FROM events WHERE type IN ('unsc-resolution', 'sanctions')")
    kind = dict(zip(types["id"], types["type"], strict=True))
    steps = []
    for event in rows["id"]:
        code = codes.get(event)
        if code is not None:
            value = code["step"]
            steps.append(weights["relief"] if value == "relief" else float(value))
        else:
            un = kind[event] == "unsc-resolution"
            steps.append(weights["un_measures"] if un else weights["unilateral"])
    return rows.assign(step=steps)[["id", "date", "month", "step"]]


def sanctions_index(store: Store, months: pd.PeriodIndex) -> np.ndarray:
    """The sanctions index per month in [0, 1] (module doc; coding in ``data/sanctions.yaml``)."""
    steps = sanctions_steps(store)
    full = pd.Period(sanctions_coding()["full_at"], "M")
    first = pd.Period("1991-01", "M")
    span = pd.period_range(min(first, months[0]), max(full, months[-1]), freq="M")
    monthly = steps.groupby("month")["step"].sum().reindex(span, fill_value=0.0).cumsum()
    reference = monthly[(monthly.index >= first) & (monthly.index <= full)]
    low, top = float(reference.min()), float(monthly[full])
    if top <= low:
        return np.zeros(len(months))
    return np.clip((monthly.reindex(months).to_numpy() - low) / (top - low), 0.0, 1.0)


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


def _notes(months: pd.PeriodIndex, changes: list[str], closure: np.ndarray,
           agreements: tuple[str, ...] | None) -> list[str]:
    which = "every tracked agreement" if agreements is None else ", ".join(agreements)
    notes = [
        f"targets: implementation of {which}; a month with no tracked provision of a vector is "
        + ("missing" if agreements is None else "coded 0 (judgement)"),
        "sanctions: index from the kb's UN resolutions and sanctions events (vectors/data/sanctions.yaml): "
        "resolutions adopting measures +1, national measures +0.5, relief -0.5, scaled to 0 at the lowest "
        "(1991-2017) and 1 at the 2017-12 regime; the step sizes are judgement",
        _rivalry_note(months),
        f"summits: every kb 'summit' event with PRK as an actor counts 1 in its month, whoever the partner "
        f"(ROK, US, China, Russia); a month with only 'talks' with PRK counts {TALKS_LEVEL} (judgement)",
        f"exercises: level carried forward from each kb 'exercise' event: cancelled or suspended 0, scaled "
        f"down {SCALED_DOWN} (judgement), any other exercise event 1 (held, full scale); before the first "
        f"event {EXERCISE_DEFAULT}; the kb records no exercise between 1994-03 and 2010-07, so the level "
        "is 0 then (the smaller annual exercises of those years are not in the kb)",
    ]
    if not closure.any():
        notes.append("border_closure: the closure events are not in the store (or not in the window): 0")
    if changes:
        notes.append("leadership_change (vectors/data/leaders.yaml): " + "; ".join(changes))
    else:
        notes.append(f"leadership_change: no change of leader between {months[0]} and {months[-1]}")
    return notes


def _rivalry_note(months: pd.PeriodIndex) -> str:
    rows = rivalry_milestones()
    inside = [r for r in rows if months[0] <= pd.Period(r["date"], "M") <= months[-1]]
    first = pd.Period(rows[0]["date"], "M")
    before = (f"; months before {first} take its level {rows[0]['level']}" if months[0] < first else "")
    return (f"rivalry: sourced proxy, a step series from {len(rows)} dated milestones of US-China "
            f"competition (vectors/data/{RIVALRY_FILE}, {len(inside)} in the window): each sets the level of "
            "the category it marks (0.2 engagement .. 1.0 embargo-level tariffs) from its month to the next"
            + before
            + "; the levels are judgement on the file's rule, and a step series cannot show intensity within "
            "a category")


def _index_note(index: pd.Series | None, source: str | None) -> str:
    if index is None:
        return (f"environment index: not used (fewer than {MIN_INDEX_MONTHS} months with ingested "
                f"{INDEX_DYAD} events in the window; kb events do not count)")
    return (f"environment index: {INDEX_DYAD} {INDEX_COLUMN} from ingested source {source!r}, "
            f"{int(index.notna().sum())} of {len(index)} months with events")


def observed_history(store: Store, start: str | None = None, end: str | None = None,
                     environment: bool = True, agreements: tuple[str, ...] | None = None) -> History:
    """The record from ``start`` to ``end`` (``YYYY-MM``; default the whole record, 1991-01 to
    the latest month) as model targets and drivers.

    ``agreements``: the agreements whose implementation the targets follow (None: every
    agreement; a month without a tracked provision is then missing); ``environment``:
    attach the ingested KOR–PRK index when there is enough of it (module doc).
    """
    from panmun.vectors.cycles import RECORD_START, latest_month

    months = month_range(start or RECORD_START, end or latest_month(store))
    impl = implementation_raw(store, months, agreements)
    targets = impl[list(SERIES_VECTORS)].rename(columns=SERIES_VECTORS)[list(VECTORS)]
    if agreements is not None:
        targets = targets.fillna(0.0)
    lead, changes = leader_changes(months)
    closure = border_closure(store, months)
    columns = {
        "rivalry": rivalry_series(months),
        "sanctions": sanctions_index(store, months),
        "border_closure": closure,
        "leadership_change": lead,
        "summits": summits(store, months),
        "exercises": exercises(store, months),
        "exchange": impl[EXCHANGE_SERIES].fillna(0.0).to_numpy(),
    }
    drivers = np.column_stack([columns[name] for name in DRIVERS])
    index, source = environment_series(store, months) if environment else (None, None)
    notes = [*_notes(months, changes, closure, agreements), _index_note(index, source)]
    return History(months, targets, drivers, notes, index, source)


__all__ = ["CYCLE_2018", "EXERCISE_LEVELS", "INDEX_COLUMN", "INDEX_DYAD", "MIN_INDEX_MONTHS", "TALKS_LEVEL",
           "History", "RIVALRY_FILE", "SANCTIONS_LEVEL", "border_closure", "environment_series", "exercises",
           "implementation", "implementation_raw", "index_candidates", "ingested_sources", "leader_changes",
           "leaders", "leadership_changes", "observed_history", "read_rivalry",
           "rivalry_milestones", "rivalry_series", "sanctions_index", "sanctions_steps", "summits"]
