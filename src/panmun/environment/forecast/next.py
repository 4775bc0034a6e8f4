"""The forecast for the coming month: the month after the last month with data.

Each model is fitted on every month of the series (or the last ``window``) and applied to
the features of the coming month. Intervals (90%):

- climatology: the Jeffreys posterior Beta(k + ½, n − k + ½) of the base rate;
- markov: the same for the transition probability from last month's state;
- persistence: none (it is a rule, not an estimate);
- logistic models: percentiles of the probability over ``next_boot`` refits on
  moving-block bootstrap resamples (blocks of ``block`` months) of the training months.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import beta

from panmun.environment.forecast import metrics
from panmun.environment.forecast.backtest import ForecastData, feature_table, forecast_data
from panmun.environment.forecast.models import (
    LOGISTIC_FEATURES,
    ForecastSettings,
    climatology,
    fit_logistic,
    markov,
    persistence,
)
from panmun.environment.forecast.months import month_label
from panmun.store.db import Store


@dataclass(frozen=True)
class NextForecast:
    """Every model's probability of the event in the coming month, and why (logistic)."""

    target: str
    month: str                  # the month forecast (YYYY-MM)
    data_through: str           # the last month with data
    last_record: str            # which record decides the last months: cns or store
    training_months: int
    probabilities: pd.DataFrame  # model, probability, lo, hi (90%)
    contributions: pd.DataFrame  # logistic: feature, value, z, coef, contribution (log-odds)
    intercept: float             # logistic β₀ (log-odds)
    settings: ForecastSettings

    def as_dict(self) -> dict:
        return {
            "target": self.target, "month": self.month, "data_through": self.data_through,
            "last_record": self.last_record, "training_months": self.training_months,
            "models": {r.model: {"probability": r.probability, "lo": r.lo, "hi": r.hi}
                       for r in self.probabilities.itertuples()},
            "logistic_intercept": self.intercept,
            "contributions": self.contributions.to_dict(orient="records"),
            "settings": asdict(self.settings),
        }


def _beta_interval(k: float, n: float) -> tuple[float, float]:
    lo, hi = beta.ppf([0.05, 0.95], k + 0.5, n - k + 0.5)
    return float(lo), float(hi)


def predict_next(data: ForecastData, settings: ForecastSettings | None = None) -> NextForecast:
    """The coming month's forecasts from prepared data (see :func:`next_month`)."""
    settings = settings or ForecastSettings()
    y = data.y.astype(int)
    n = len(y)
    lo = 0 if settings.window is None else max(0, n - settings.window)
    train = slice(lo, n)
    table = feature_table(y, data.context)
    lag1 = table["lag1"].to_numpy()
    y_train, lag_train = y[train], lag1[train]
    state = lag_train > 0
    same = state == (lag1[n] > 0)
    rows = [
        ("climatology", climatology(y_train), *_beta_interval(y_train.sum(), len(y_train))),
        ("persistence", float(persistence(lag1[n], settings.persistence_eps)), np.nan, np.nan),
        ("markov", float(markov(lag_train, y_train, lag1[n])[()]),
         *_beta_interval(y_train[same].sum(), same.sum())),
    ]
    rng = np.random.default_rng(settings.seed)
    idx = metrics.block_bootstrap_indices(len(y_train), settings.block, settings.next_boot, rng)
    contributions, intercept = pd.DataFrame(), float("nan")
    for name, cols in LOGISTIC_FEATURES.items():
        x = table[list(cols)].to_numpy(float)
        x_train, x_next = x[train], x[n]
        fit = fit_logistic(x_train, y_train, cols, settings.c)
        boot = np.array([fit_logistic(x_train[i], y_train[i], cols, settings.c).predict(x_next)[0]
                         for i in idx])
        rows.append((name, float(fit.predict(x_next)[0]), *np.percentile(boot, [5, 95])))
        if name == "logistic":
            contributions, intercept = fit.contributions(x_next).reset_index(drop=True), fit.intercept
    frame = data.series.frame
    return NextForecast(
        target=data.series.target, month=month_label(data.series.last + 1),
        data_through=month_label(data.series.last), last_record=str(frame["coverage"].iloc[-1]),
        training_months=len(y_train),
        probabilities=pd.DataFrame(rows, columns=["model", "probability", "lo", "hi"]),
        contributions=contributions, intercept=intercept, settings=settings)


def next_month(store: Store, target: str = "missile-launch", data: Path | str | None = None,
               data_format: str = "cns-missiles", settings: ForecastSettings | None = None,
               until: dt.date | None = None) -> NextForecast:
    """Each model's probability of ``target`` in the month after the last month with data."""
    return predict_next(forecast_data(store, target, data, data_format, until), settings)
