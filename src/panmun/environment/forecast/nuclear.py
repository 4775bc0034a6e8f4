"""Nuclear test within 12 months: a rare target, forecast by rates and judged honestly.

Outcome, for each month t: z_t = 1 if the DPRK conducted a nuclear test in any of the months
t..t+11 (known only once month t+11 has ended). The record: the six tests the DPRK
announced, 2006-10-09, 2009-05-25, 2013-02-12, 2016-01-06, 2016-09-09 and 2017-09-03
(:data:`NUCLEAR_TESTS`; dates as recorded by the CTBTO Preparatory Commission and the USGS
earthquake catalogue for the seismic events at Punggye-ri), together with any event of type
``nuclear-test`` with actor1 ``PRK`` in the store (the knowledge base and ingested data).

Models, each from the tests before month t only:

    climatology      λ | tests ~ Gamma(k + ½, N): k tests in the N months of the training
                     window (default 120); P(z_t = 1) = 1 − (N / (N + 12))^(k + ½), the
                     negative-binomial probability of at least one test in 12 months
    climatology-all  the same over every month since the series starts (1984-04)
    persistence      ε + (1 − 2ε)·1{a test in the 12 months before t}

Six tests in 18 months of history with a test-free stretch since 2017: a backtest of this
target has very few independent outcomes (the 12-month outcomes of neighbouring months
overlap), so its scores and reliability carry wide intervals, and the record cannot tell
whether any of these forecasts is better than another.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from panmun.environment.forecast.backtest import (
    BacktestResult,
    ForecastData,
    evaluation_range,
    period_scores,
    score_binary,
    segment_scores,
    track_record,
)
from panmun.environment.forecast.baselines import horizon_outcome, trailing_sums
from panmun.environment.forecast.models import ForecastSettings
from panmun.months import month_index
from panmun.store.db import Store

NUCLEAR_TESTS: tuple[str, ...] = ("2006-10-09", "2009-05-25", "2013-02-12", "2016-01-06", "2016-09-09",
                                  "2017-09-03")
HORIZON = 12
NUCLEAR_MODELS: tuple[str, ...] = ("climatology", "climatology-all", "persistence")


def nuclear_months(store: Store, months: np.ndarray, until: dt.date) -> np.ndarray:
    """Tests per month (distinct days) for the month indices ``months``: the reference list
    and the store's ``nuclear-test`` events of the DPRK, on or before ``until``."""
    stored = store.query("SELECT DISTINCT date FROM events WHERE actor1 = 'PRK' AND type = 'nuclear-test' "
                         "AND date <= ?", [until])["date"]
    days = {dt.date.fromisoformat(d) for d in NUCLEAR_TESTS if dt.date.fromisoformat(d) <= until}
    days |= {pd.Timestamp(d).date() for d in stored}
    counts = pd.Series([month_index(d) for d in days], dtype="int64").value_counts()
    return counts.reindex(months, fill_value=0).to_numpy().astype(int)


def nuclear_forecasts(tests: np.ndarray, settings: ForecastSettings) -> pd.DataFrame:
    """Every model's P(a test in t..t+11) for positions t = 0..n (module docstring)."""
    hit = (np.asarray(tests) > 0).astype(float)
    k, n = trailing_sums(hit, settings.window)
    k_all, n_all = trailing_sums(hit, None)
    recent, _ = trailing_sums(hit, HORIZON)
    eps = settings.persistence_eps

    def rate(k_: np.ndarray, n_: np.ndarray) -> np.ndarray:
        n_ = np.maximum(n_, 1.0)
        return 1 - (n_ / (n_ + HORIZON)) ** (k_ + 0.5)

    return pd.DataFrame({"climatology": rate(k, n), "climatology-all": rate(k_all, n_all),
                         "persistence": eps + (1 - 2 * eps) * (recent > 0)})


def run_nuclear_backtest(data: ForecastData, store: Store, until: dt.date,
                         start: str | int | None = None, end: str | int | None = None,
                         settings: ForecastSettings | None = None) -> BacktestResult:
    """The rolling-origin backtest of the 12-month nuclear-test forecasts, over the origins
    ``start``..``end`` whose 12 months have all ended."""
    settings = settings or ForecastSettings()
    frame = data.series.frame
    tests = nuclear_months(store, frame["mi"].to_numpy(), until)
    z = horizon_outcome(tests > 0, HORIZON)
    first, last = evaluation_range(data.series, start, end)
    last = min(last, len(frame) - HORIZON)
    if last < first:
        from panmun.errors import InputError

        raise InputError("no month with all of its 12 following months known in the range asked")
    probs = nuclear_forecasts(tests, settings).iloc[first:last + 1].reset_index(drop=True)
    months = frame.iloc[first:last + 1].reset_index(drop=True)
    forecasts = pd.concat([months[["month"]].assign(y=z[first:last + 1].astype(int),
                                                    days=tests[first:last + 1],
                                                    coverage="reference+store"), probs], axis=1)
    models = list(NUCLEAR_MODELS)
    scores, reliability, best = score_binary(forecasts, models, NUCLEAR_MODELS, settings, HORIZON)
    track, _ = track_record(forecasts, "climatology", baselines=NUCLEAR_MODELS)
    empty = pd.DataFrame()
    return BacktestResult(
        target="nuclear-test-12m", start=months["month"].iloc[0], end=months["month"].iloc[-1],
        n_months=len(forecasts), n_positive=int(forecasts["y"].sum()), scores=scores, best_baseline=best,
        chosen="climatology", forecasts=forecasts, reliability=reliability,
        segments=segment_scores(forecasts, models),
        count_scores=pd.DataFrame(columns=["model"]), count_best_baseline="", chosen_count="",
        count_means=empty, horizon_scores=empty, periods=period_scores(forecasts, {}, models, NUCLEAR_MODELS),
        track=track, weights=pd.DataFrame(columns=["kind", "model", "weight"]),
        choices=pd.DataFrame(columns=["month"]),
        coefficients=pd.DataFrame(columns=["model", "feature", "last", "mean", "min", "max"]),
        coverage=data.series.coverage, kb_check=data.series.kb_check, cns_file=data.series.cns_file,
        settings=settings)
