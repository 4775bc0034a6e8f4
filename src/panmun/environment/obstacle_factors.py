"""Obstacles: for each period in which cooperation fell or implementation went backwards,
the events and factors that account for it, ranked, each traced to its source events.

Triggers (per period of ``freq``):

* **cooperation fell** in a key dyad (default KOR–PRK and USA–PRK): the net cooperation
  ``(q1 + q2 - q3 - q4) / n`` of one event source (each source is its own series; they
  are never pooled) fell by at least ``drop`` from the period before, with at least
  ``min_events`` events in both;
* **implementation fell**: the Peace Accords Matrix implementation of a vector at the
  period's end is below its value at the previous period's end (a suspension or reversal).

Factors of a flagged period, each with a score in [0, 1]:

* ``actor``: an actor's share of the period's conflict weight, where the conflict weight
  of an event is ``max(0, -goldstein)`` (events of the region's actors, all sources);
* ``category``: the same share by PLOVER category (the event type when it has none);
* ``implementation``: the provisions suspended or reversed in the period (one factor,
  score 1), with the status changes' own sources;
* ``external``: US–China competition, scored ``min(1, max(0, -z) / 2)`` where ``z`` is the
  period's USA–CHN net cooperation standardised over the whole record (a period two
  standard deviations more conflictual than usual scores 1; the source with the most
  USA–CHN events carries this series); and the DPRK's pandemic
  border closure (score 1 while in force: from the knowledge base's first closure event,
  2020-01-22, to the return of citizens abroad, 2023-08-26).

Factors are ranked by score within the period. The scores are shares and flags, not
causal estimates: they say what filled the period, so an analyst can read the sources.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from panmun.agreements.scoring import implementation_series
from panmun.dates import as_date
from panmun.environment.indices import check_freq, index
from panmun.ingest.formats import REGION_ACTORS
from panmun.store.db import Store

KEY_DYADS: tuple[str, ...] = ("KOR-PRK", "USA-PRK")
#: Knowledge-base events that open and close the pandemic border closure.
CLOSURE_START_EVENT = "2020-01-22-dprk-bars-foreign-tourists"
CLOSURE_END_EVENT = "2023-08-26-citizens-abroad-allowed-home"
COLUMNS = ["period", "period_end", "trigger", "rank", "kind", "factor", "score", "events", "sources"]


@dataclass(frozen=True)
class ObstacleSettings:
    """Thresholds of the triggers (documented in the module docstring)."""

    freq: str = "quarter"
    drop: float = 0.25          # fall in net cooperation that flags a period
    min_events: int = 3         # events needed in both periods to compare them
    top: int = 5                # factors listed per period
    dyads: tuple[str, ...] = KEY_DYADS


def obstacles(store: Store, since: dt.date | str | None = None, until: dt.date | str | None = None,
              settings: ObstacleSettings | None = None) -> pd.DataFrame:
    """Flagged periods and their ranked factors (columns :data:`COLUMNS`)."""
    settings = settings or ObstacleSettings()
    check_freq(settings.freq)
    end = as_date(until, "--until")
    start = as_date(since, "--since") if since is not None else dt.date(2018, 1, 1)
    triggers = pd.concat([_cooperation_falls(store, start, end, settings),
                          _implementation_falls(store, start, end, settings)], ignore_index=True)
    if triggers.empty:
        return pd.DataFrame(columns=COLUMNS)
    periods = (triggers.groupby(["period", "period_end"], as_index=False)["trigger"]
               .agg(lambda t: "; ".join(sorted(set(t)))))
    us_china = _us_china_z(store, end, settings.freq)
    closure = _closure_window(store)
    rows = []
    for p in periods.itertuples():
        factors = pd.concat([
            _event_factors(store, p.period, p.period_end),
            _implementation_factors(store, p.period, p.period_end),
            _external_factors(p.period, p.period_end, us_china, closure),
        ], ignore_index=True)
        if factors.empty:
            continue
        factors = factors.sort_values("score", ascending=False, kind="stable").head(settings.top)
        factors.insert(0, "rank", range(1, len(factors) + 1))
        factors.insert(0, "trigger", p.trigger)
        factors.insert(0, "period_end", p.period_end)
        factors.insert(0, "period", p.period)
        rows.append(factors)
    out = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=COLUMNS)
    return out[COLUMNS]


def _cooperation_falls(store: Store, start: dt.date, end: dt.date, s: ObstacleSettings) -> pd.DataFrame:
    table = index(store, dyad=list(s.dyads), freq=s.freq, since=start, until=end, n_boot=0)
    if table.empty:
        return pd.DataFrame(columns=["period", "period_end", "trigger"])
    # each source is its own series: datasets are never pooled (one world event may be in several)
    sums = table.assign(n=table[["q1", "q2", "q3", "q4"]].sum(axis=1), net=table["net_coop"])
    sums = sums.sort_values(["source", "dyad", "period"])
    sums["prev_net"] = sums.groupby(["source", "dyad"])["net"].shift()
    sums["prev_n"] = sums.groupby(["source", "dyad"])["n"].shift()
    fell = sums[(sums.n >= s.min_events) & (sums.prev_n >= s.min_events)
                & (sums.prev_net - sums.net >= s.drop)]
    return pd.DataFrame({
        "period": fell.period, "period_end": fell.period_end,
        "trigger": [f"{r.dyad} net cooperation ({r.source}) fell from {r.prev_net:+.2f} to {r.net:+.2f}"
                    for r in fell.itertuples()]})


def _implementation_falls(store: Store, start: dt.date, end: dt.date, s: ObstacleSettings) -> pd.DataFrame:
    series = implementation_series(store, start, end, by="vector",
                                   track="peace-process").dropna(subset=["implementation"])
    if series.empty:
        return pd.DataFrame(columns=["period", "period_end", "trigger"])
    series["at"] = pd.to_datetime(series["at"])
    bins = pd.to_datetime(series["at"]).dt.to_period({"week": "W", "month": "M", "quarter": "Q"}[s.freq])
    series["period"] = bins.dt.start_time.dt.date
    series["period_end"] = bins.dt.end_time.dt.date
    last = series.sort_values("at").groupby(["vector", "period", "period_end"], as_index=False).last()
    last = last.sort_values(["vector", "period"])
    last["prev"] = last.groupby("vector")["implementation"].shift()
    fell = last[last["implementation"] < last["prev"] - 1e-9]
    return pd.DataFrame({
        "period": fell.period, "period_end": fell.period_end,
        "trigger": [f"{r.vector} implementation fell from {100 * r.prev:.0f}% to "
                    f"{100 * r.implementation:.0f}%" for r in fell.itertuples()]})


def _event_factors(store: Store, start: dt.date, end: dt.date) -> pd.DataFrame:
    events = store.query(
        f"""SELECT id, actor1, coalesce(plover, type) AS category, greatest(0, -goldstein) AS weight,
                   source_url, abs(goldstein) AS size
            FROM events WHERE date BETWEEN ? AND ? AND goldstein IS NOT NULL
              AND (actor1 IN {REGION_ACTORS} OR actor2 IN {REGION_ACTORS})""", [start, end])
    events = events[events["weight"] > 0]
    total = events["weight"].sum()
    if events.empty or total <= 0:
        return pd.DataFrame(columns=["kind", "factor", "score", "events", "sources"])
    out = []
    for kind, key in (("actor", "actor1"), ("category", "category")):
        for value, grp in events.dropna(subset=[key]).groupby(key):
            top = grp.sort_values("weight", ascending=False).head(3)
            out.append({"kind": kind, "factor": str(value), "score": round(grp["weight"].sum() / total, 3),
                        "events": list(top["id"]),
                        "sources": [u for u in top["source_url"] if isinstance(u, str)]})
    return pd.DataFrame(out)


def _implementation_factors(store: Store, start: dt.date, end: dt.date) -> pd.DataFrame:
    """One factor for the provisions suspended or reversed in the period (score 1)."""
    changes = store.query(
        """SELECT provision_id, state, source_url FROM status_changes
           WHERE state IS NOT NULL AND date BETWEEN ? AND ? ORDER BY date, provision_id""", [start, end])
    if changes.empty:
        return pd.DataFrame(columns=["kind", "factor", "score", "events", "sources"])
    ids = list(dict.fromkeys(changes["provision_id"]))
    shown = ", ".join(ids[:6]) + (f" and {len(ids) - 6} more" if len(ids) > 6 else "")
    return pd.DataFrame([{
        "kind": "implementation", "factor": f"{len(ids)} provision(s) suspended or reversed: {shown}",
        "score": 1.0, "events": [], "sources": list(dict.fromkeys(changes["source_url"]))[:5]}])


def _us_china_z(store: Store, end: dt.date, freq: str) -> pd.DataFrame:
    table = index(store, dyad="USA-CHN", freq=freq, until=end, n_boot=0)
    if table.empty:
        return pd.DataFrame(columns=["period", "z", "net", "n"])
    # the source with the most USA-CHN events carries the series (sources are not pooled)
    main = table.groupby("source")["total"].sum().idxmax()
    sums = table[table["source"] == main].reset_index(drop=True)
    n = sums[["q1", "q2", "q3", "q4"]].sum(axis=1)
    net = sums["net_coop"]
    sd = net.std()
    z = (net - net.mean()) / sd if sd and sd > 0 else net * 0
    return pd.DataFrame({"period": sums.period, "z": z, "net": net, "n": n})


def _closure_window(store: Store) -> tuple[dt.date, dt.date, list[str], list[str]] | None:
    rows = store.query("SELECT id, date, source_url FROM events WHERE id IN (?, ?) ORDER BY date",
                       [CLOSURE_START_EVENT, CLOSURE_END_EVENT])
    if len(rows) != 2:
        return None
    dates = [pd.Timestamp(d).date() for d in rows["date"]]
    return dates[0], dates[1], list(rows["id"]), list(rows["source_url"])


def _external_factors(start: dt.date, end: dt.date, us_china: pd.DataFrame,
                      closure: tuple | None) -> pd.DataFrame:
    out = []
    row = us_china[us_china["period"] == start]
    if not row.empty and pd.notna(row["z"].iloc[0]) and row["n"].iloc[0] > 0:
        z = float(row["z"].iloc[0])
        score = round(min(1.0, max(0.0, -z) / 2), 3)
        if score > 0:
            out.append({"kind": "external", "factor": f"US-China competition (USA-CHN net cooperation "
                        f"{row['net'].iloc[0]:+.2f}, z = {z:+.1f})", "score": score, "events": [],
                        "sources": []})
    if closure is not None and closure[0] <= end and start <= closure[1]:
        out.append({"kind": "external", "factor": f"DPRK pandemic border closure in force "
                    f"({closure[0]} to {closure[1]})", "score": 1.0, "events": closure[2],
                    "sources": closure[3]})
    return pd.DataFrame(out, columns=["kind", "factor", "score", "events", "sources"])
