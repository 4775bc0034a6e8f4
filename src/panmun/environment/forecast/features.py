"""Interpretable monthly features for the escalation forecasts.

Every feature of month t is known at the start of month t. For a series y_0..y_{n-1} the
feature table has n + 1 rows: row n is the coming month, the one after the data.

History of the target (computed from y alone, so a test can perturb y):

    lag1_t          = y_{t-1}
    frac{k}_t       = (1/k) Σ_{i=1..k} y_{t-i}        k = 3, 6, 12   (share of months with
                                                                     the event; months before
                                                                     the series count as 0)
    log_months_since_t = ln(t − max{i < t : y_i = 1})   (ln(t + 1) if no event yet)

Recency of the launch days d_t (distinct days with the event in month t):

    log_days{k}_t   = ln(1 + Σ_{i=1..k} d_{t-i})            k = 1, 3, 6   (launch days in the
                                                                         last k months)
    ewma3_t         = (1 − λ) Σ_{i≥1} λ^{i−1} y_{t−i},  λ = 2^(−1/3)  (the share of months with
                      the event, weighted with a half-life of 3 months; 0..1)

Calendar and context from the store's events (every source; counts are of events, each
event counted once):

    exercise_t      = 1 if an event of type ``exercise`` coded material conflict (quad
                      class 4: a drill held, not a suspension) overlaps month t. Major
                      US–ROK exercises are announced ahead, so month t's own calendar is
                      treated as known at the start of t.
    diplomacy6_t    = ln(1 + number of ``summit``, ``talks`` and ``agreement`` events with
                      PRK as actor1 or actor2 in months t−6..t−1)
    conflict3_t     = ln(1 + number of events with PRK as actor1 or actor2 and quad class 3
                      or 4 in months t−3..t−1), leaving out the provocation event types
                      themselves (launches, nuclear tests, border incidents), which the
                      history features already hold
    cooperation3_t  = the same for quad classes 1 and 2
    season_sin_t, season_cos_t = sin, cos(2π (m_t − 1) / 12), m_t the calendar month 1..12

The curated knowledge base starts in 2017, so before 2017 the context features are 0
unless event data for those years has been ingested.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from scipy.signal import lfilter

from panmun.environment.forecast.targets import PROVOCATION_TYPES
from panmun.months import month_label
from panmun.store.db import Store

HISTORY_FEATURES: tuple[str, ...] = ("lag1", "frac3", "frac6", "frac12", "log_months_since")
RECENCY_FEATURES: tuple[str, ...] = ("log_days1", "log_days3", "log_days6", "ewma3")
DRIVER_FEATURES: tuple[str, ...] = ("exercise", "diplomacy6")
CONTEXT_FEATURES: tuple[str, ...] = ("exercise", "diplomacy6", "conflict3", "cooperation3")
SEASON_FEATURES: tuple[str, ...] = ("season_sin", "season_cos")
ALL_FEATURES: tuple[str, ...] = (HISTORY_FEATURES + RECENCY_FEATURES + CONTEXT_FEATURES
                                 + SEASON_FEATURES)
#: Feature sets by name (the frozen configuration names one for the ``logistic`` model).
FEATURE_SETS: dict[str, tuple[str, ...]] = {
    "history": HISTORY_FEATURES,
    "history+recency": HISTORY_FEATURES + RECENCY_FEATURES,
    "history+recency+drivers": HISTORY_FEATURES + RECENCY_FEATURES + DRIVER_FEATURES,
    "history+context": HISTORY_FEATURES + CONTEXT_FEATURES,
    "history+recency+context": HISTORY_FEATURES + RECENCY_FEATURES + CONTEXT_FEATURES,
}
EWMA3_DECAY = 2 ** (-1 / 3)


def history_features(y: np.ndarray, days: np.ndarray | None = None) -> pd.DataFrame:
    """The history and recency features for months 0..n (n + 1 rows) of a 0/1 series of
    length n and its launch days (``days``; default y itself, one day per event month)."""
    y = np.asarray(y, dtype=float)
    d = y if days is None else np.asarray(days, dtype=float)
    n = len(y)
    t = np.arange(n + 1)
    csum = np.concatenate([[0.0], np.cumsum(y)])          # csum[t] = Σ_{i<t} y_i
    out = {"lag1": np.concatenate([[0.0], y])}
    for k in (3, 6, 12):
        out[f"frac{k}"] = (csum - csum[np.maximum(t - k, 0)]) / k
    last = np.where(y > 0, np.arange(n), -1)
    last_before = np.concatenate([[-1], np.maximum.accumulate(last)]) if n else np.array([-1])
    since = np.where(last_before >= 0, t - last_before, t + 1)
    out["log_months_since"] = np.log(since)
    dsum = np.concatenate([[0.0], np.cumsum(d)])
    for k in (1, 3, 6):
        out[f"log_days{k}"] = np.log1p(dsum - dsum[np.maximum(t - k, 0)])
    out["ewma3"] = (1 - EWMA3_DECAY) * ewma_sums(y, EWMA3_DECAY)
    return pd.DataFrame(out)


def ewma_sums(x: np.ndarray, decay: float) -> np.ndarray:
    """S_t = Σ_{i=1..t} decay^(i−1) x_{t−i} for t = 0..n (n + 1 values; S_0 = 0), by the
    recursion S_t = decay·S_{t−1} + x_{t−1}."""
    x = np.asarray(x, dtype=float)
    return np.concatenate([[0.0], lfilter([1.0], [1.0, -decay], x)])


def _monthly_counts(store: Store, where: str, params: list, until: dt.date) -> pd.Series:
    df = store.query(
        f"""SELECT year(date) * 12 + month(date) - 1 AS mi, count(*) AS n FROM events
            WHERE ('PRK' IN (actor1, actor2)) AND date <= ? AND {where} GROUP BY 1""",
        [until, *params])
    return df.set_index("mi")["n"]


def context_features(store: Store, first: int, rows: int, until: dt.date) -> pd.DataFrame:
    """The calendar and context features for ``rows`` months from month index ``first``,
    from the store's events dated on or before ``until``."""
    mi = np.arange(first, first + rows)
    exercise = store.query(
        """SELECT DISTINCT unnest(range(m0, m1 + 1)) AS mi FROM (
               SELECT year(date) * 12 + month(date) - 1 AS m0,
                      year(coalesce(end_date, date)) * 12 + month(coalesce(end_date, date)) - 1 AS m1
               FROM events WHERE type = 'exercise' AND quad_class = 4 AND date <= ?)""",
        [until])["mi"]
    skip = ",".join("?" * len(PROVOCATION_TYPES))
    diplomacy = _monthly_counts(store, "type IN ('summit', 'talks', 'agreement')", [], until)
    conflict = _monthly_counts(store, f"quad_class IN (3, 4) AND type NOT IN ({skip})",
                               list(PROVOCATION_TYPES), until)
    cooperation = _monthly_counts(store, f"quad_class IN (1, 2) AND type NOT IN ({skip})",
                                  list(PROVOCATION_TYPES), until)

    def trailing(counts: pd.Series, k: int) -> np.ndarray:
        """Σ of counts over months t−k..t−1, for each t in ``mi``."""
        full = counts.reindex(np.arange(first - k, first + rows), fill_value=0).to_numpy(float)
        csum = np.concatenate([[0.0], np.cumsum(full)])
        idx = np.arange(rows) + k                          # position of month t in ``full``
        return csum[idx] - csum[idx - k]

    calendar_month = mi % 12
    return pd.DataFrame({
        "mi": mi,
        "month": [month_label(m) for m in mi],
        "exercise": np.isin(mi, exercise.to_numpy()).astype(float),
        "diplomacy6": np.log1p(trailing(diplomacy, 6)),
        "conflict3": np.log1p(trailing(conflict, 3)),
        "cooperation3": np.log1p(trailing(cooperation, 3)),
        "season_sin": np.sin(2 * np.pi * calendar_month / 12),
        "season_cos": np.cos(2 * np.pi * calendar_month / 12),
    })
