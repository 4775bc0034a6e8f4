"""Alerts: what changed since a date, each naming the source events behind it.

Four kinds, each with a threshold in :class:`AlertSettings`:

* ``change-point``: a change point of a dyad's monthly index series
  (:func:`~panmun.environment.changepoints.dyad_changepoints`) dated on or after ``since``;
* ``threshold``: a dyad's monthly net cooperation ``(q1 + q2 - q3 - q4) / n`` in one
  event source (sources are never pooled) at or below
  ``net_coop_below`` in a month on or after ``since``, with at least ``min_events`` events;
  the alert lists the month's most conflictual events;
* ``forecast-jump``: the logistic model's probability of a target (missile launch,
  provocation) rose by at least ``prob_jump`` from one month to the next, in the
  rolling-origin forecasts (:mod:`panmun.environment.forecast`); the alert lists the
  events of the month before, which drive the history features;
* ``violation``: an event the compliance rules link to a provision as a violation
  (:mod:`panmun.agreements.evidence`, rule-linked events only), dated on or after
  ``since``; one alert per event, naming every provision it violates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from panmun.dates import as_date
from panmun.store.db import Store

COLUMNS = ["date", "kind", "subject", "message", "value", "threshold", "events", "sources"]


@dataclass(frozen=True)
class AlertSettings:
    """Thresholds of the alerts (see the module docstring)."""

    net_coop_below: float = -0.5
    min_events: int = 3
    prob_jump: float = 0.2
    dyads: tuple[str, ...] = ("KOR-PRK", "USA-PRK", "CHN-PRK", "JPN-PRK", "RUS-PRK", "USA-CHN", "USA-KOR")
    targets: tuple[str, ...] = ("missile-launch", "provocation")
    kinds: tuple[str, ...] = ("change-point", "threshold", "forecast-jump", "violation")


def alerts(store: Store, since: dt.date | str | None = None, until: dt.date | str | None = None,
           settings: AlertSettings | None = None) -> pd.DataFrame:
    """Every alert dated from ``since`` (default: 90 days before ``until``) to ``until`` (today)."""
    settings = settings or AlertSettings()
    end = as_date(until, "--until")
    start = as_date(since, "--since") if since is not None else end - dt.timedelta(days=90)
    builders = {"change-point": _changepoint_alerts, "threshold": _threshold_alerts,
                "forecast-jump": _forecast_alerts, "violation": _violation_alerts}
    frames = [builders[k](store, start, end, settings) for k in settings.kinds]
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    out = out.sort_values(["date", "kind"], ascending=[False, True], kind="stable")
    return out.reset_index(drop=True)[COLUMNS]


def _changepoint_alerts(store: Store, start: dt.date, end: dt.date, s: AlertSettings) -> pd.DataFrame:
    from panmun.environment.changepoints import dyad_changepoints

    cps = dyad_changepoints(store, dyad=list(s.dyads), freq="month", until=end)
    if cps.empty:
        return pd.DataFrame(columns=COLUMNS)
    cps = cps[pd.to_datetime(cps["date"]).dt.date >= start]
    rows = []
    for r in cps.itertuples():
        events = r.events if isinstance(r.events, list) else []
        rows.append({
            "date": pd.Timestamp(r.date).date(), "kind": "change-point", "subject": r.dyad,
            "message": f"{r.dyad} ({r.source}): {_signal_name(r.signal)} shifts from {r.before:.2f} "
                       f"to {r.after:.2f}",
            "value": float(r.after), "threshold": None,
            "events": [e["id"] for e in events],
            "sources": [e["source_url"] for e in events if e.get("source_url")]})
    return pd.DataFrame(rows, columns=COLUMNS)


def _signal_name(signal: str) -> str:
    """How a change point's signal reads in an alert."""
    return "cooperative minus conflictual events per month" if signal == "counts" else signal


def _threshold_alerts(store: Store, start: dt.date, end: dt.date, s: AlertSettings) -> pd.DataFrame:
    from panmun.environment.indices import index

    table = index(store, dyad=list(s.dyads), freq="month", since=start, until=end, n_boot=0)
    if table.empty:
        return pd.DataFrame(columns=COLUMNS)
    # one row per source, dyad and month (sources are never pooled)
    sums = table.assign(n=table[["q1", "q2", "q3", "q4"]].sum(axis=1), net=table["net_coop"])
    sums = sums[sums["n"] >= s.min_events]
    low = sums[sums["net"] <= s.net_coop_below]
    rows = []
    for r in low.itertuples():
        a, b = r.dyad.split("-")
        ev = store.query(
            """SELECT id, source_url FROM events WHERE date BETWEEN ? AND ? AND goldstein IS NOT NULL
                 AND ((actor1 = ? AND actor2 = ?) OR (actor1 = ? AND actor2 = ?))
               ORDER BY goldstein, date LIMIT 5""", [r.period, r.period_end, a, b, b, a])
        rows.append({
            "date": r.period_end, "kind": "threshold", "subject": r.dyad,
            "message": f"{r.dyad} net cooperation ({r.source}) {r.net:+.2f} in "
                       f"{pd.Timestamp(r.period):%B %Y} ({int(r.n)} events), "
                       f"at or below {s.net_coop_below:+.2f}",
            "value": float(r.net), "threshold": s.net_coop_below,
            "events": list(ev["id"]), "sources": [u for u in ev["source_url"] if isinstance(u, str)]})
    return pd.DataFrame(rows, columns=COLUMNS)


def _forecast_alerts(store: Store, start: dt.date, end: dt.date, s: AlertSettings) -> pd.DataFrame:
    from panmun.environment.forecast.backtest import backtest

    rows = []
    first = (pd.Timestamp(start) - pd.DateOffset(months=1)).strftime("%Y-%m")
    for target in s.targets:
        try:
            result = backtest(store, target, start=first, until=end)
        except Exception:   # noqa: BLE001 - too little data for a backtest: no forecast alert
            continue
        f = result.forecasts[["month", "logistic"]].copy()
        f["prev"] = f["logistic"].shift()
        f["jump"] = f["logistic"] - f["prev"]
        for r in f[f["jump"] >= s.prob_jump].itertuples():
            month = pd.Period(r.month, "M")
            if month.start_time.date() < start or month.start_time.date() > end:
                continue
            before = month - 1
            ev = store.query(
                """SELECT id, source_url FROM events WHERE actor1 = 'PRK' AND date BETWEEN ? AND ?
                     AND type IN ('missile-launch', 'nuclear-test', 'satellite-launch', 'border-incident')
                   ORDER BY date LIMIT 5""", [before.start_time.date(), before.end_time.date()])
            rows.append({
                "date": month.start_time.date(), "kind": "forecast-jump", "subject": target,
                "message": f"P({target} in {r.month}) rose from {r.prev:.2f} to {r.logistic:.2f} (logistic)",
                "value": float(r.logistic), "threshold": s.prob_jump,
                "events": list(ev["id"]), "sources": [u for u in ev["source_url"] if isinstance(u, str)]})
    return pd.DataFrame(rows, columns=COLUMNS)


def _violation_alerts(store: Store, start: dt.date, end: dt.date, s: AlertSettings) -> pd.DataFrame:
    from panmun.agreements.evidence import compliance

    detail = compliance(store, since=start, until=end, basis=("rule",)).detail
    if detail.empty:
        return pd.DataFrame(columns=COLUMNS)
    bad = detail[detail["relation"] == "violates"]
    rows = []
    for (date, event_id), grp in bad.groupby(["date", "event_id"], sort=False, dropna=False):
        provisions = sorted(set(grp["provision"]))
        first = grp.iloc[0]
        rows.append({
            "date": pd.Timestamp(date).date(), "kind": "violation", "subject": ", ".join(provisions),
            "message": f"{first['summary']} (violates {', '.join(provisions)})",
            "value": None, "threshold": None,
            "events": [event_id] if isinstance(event_id, str) else [],
            "sources": [first["source_url"]] if isinstance(first["source_url"], str) else []})
    return pd.DataFrame(rows, columns=COLUMNS)
