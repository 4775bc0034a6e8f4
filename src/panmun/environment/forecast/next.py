"""The forecast for the coming month: the month after the last month with data.

Every model forecasts the coming month exactly as it forecast each month of the backtest
(:func:`.engine.forecast_paths` at position n). Intervals (90%), each carrying the
uncertainty of what the model estimates:

- climatology, moving-average, ewma: the Jeffreys posterior Beta(S + ½, N − S + ½) of the
  (weighted) base rate; for launch days the Gamma(S_d + ½, N) posterior of the rate;
- markov: the same for the transition probability from last month's state;
- persistence: none (it is a rule, not an estimate);
- dynamic: σ (or e^ for launch days) of the 5% and 95% quantiles of the predictive level,
  a mixture over q with the weights of :mod:`.dynamic`;
- regime: percentiles over draws of the rates and transitions given the last fit's
  smoothed states (:func:`.regime.probability_draws`);
- logistic models: percentiles of the probability over ``next_boot`` refits on
  moving-block bootstrap resamples (blocks of ``block`` months) of the training months;
- stack: Σ_j w_j lo_j and Σ_j w_j hi_j, the components' interval ends pooled with the
  combination's weights (the interval of a sum of comonotone quantities).

Launch days: each count model's expected number, the 90% interval of that expectation (the
rate's uncertainty) and the 90% predictive interval of the count itself (5% and 95%
quantiles of the forecast distribution).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import expit
from scipy.stats import beta, gamma

from panmun.environment.forecast import counts as cnt
from panmun.environment.forecast import dynamic, metrics, regime
from panmun.environment.forecast.backtest import ForecastData, feature_table, forecast_data, paths_for
from panmun.environment.forecast.baselines import trailing_sums
from panmun.environment.forecast.features import ewma_sums
from panmun.environment.forecast.models import ForecastSettings, fit_logistic, logistic_features
from panmun.months import month_label
from panmun.store.db import Store


@dataclass(frozen=True)
class NextForecast:
    """Every model's forecast for the coming month, and why (logistic contributions and the
    combination's weights)."""

    target: str
    month: str                   # the month forecast, YYYY-MM
    data_through: str            # the last month with data
    last_record: str             # which record decided that month: cns or store
    training_months: int
    chosen: str
    chosen_count: str
    probabilities: pd.DataFrame  # model, probability, lo, hi
    launch_days: pd.DataFrame    # model, mean, mean_lo, mean_hi, lo, hi, p_zero
    horizons: pd.DataFrame       # model, horizon, probability
    weights: pd.DataFrame        # the combination: model, weight, probability, contribution
    contributions: pd.DataFrame  # logistic: feature, value, z, coef, contribution (log-odds)
    intercept: float             # logistic β₀ (log-odds)
    settings: ForecastSettings

    def __repr__(self) -> str:
        h = self.headline()
        return (f"NextForecast({self.target} in {self.month} by {self.chosen}: {h['probability']:.2f} "
                f"[{h['lo']:.2f}, {h['hi']:.2f}]; data through {self.data_through})")

    def headline(self) -> dict:
        """The chosen models' forecast: probability with interval, expected launch days with
        intervals, and the h-month probabilities."""
        p = self.probabilities.set_index("model").loc[self.chosen]
        d = self.launch_days.set_index("model").loc[self.chosen_count]
        h = self.horizons[self.horizons["model"] == self.chosen]
        return {"model": self.chosen, "probability": p["probability"], "lo": p["lo"], "hi": p["hi"],
                "count_model": self.chosen_count, "expected_days": d["mean"],
                "expected_days_lo": d["mean_lo"], "expected_days_hi": d["mean_hi"],
                "days_lo": int(d["lo"]), "days_hi": int(d["hi"]),
                **{f"within_{int(r.horizon)}_months": r.probability for r in h.itertuples()}}

    def as_dict(self) -> dict:
        settings = {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self.settings).items()}
        return {
            "target": self.target, "month": self.month, "data_through": self.data_through,
            "last_record": self.last_record, "training_months": self.training_months,
            "chosen": self.headline(),
            "models": {r.model: {"probability": r.probability, "lo": r.lo, "hi": r.hi}
                       for r in self.probabilities.itertuples()},
            "launch_days": self.launch_days.to_dict(orient="records"),
            "horizons": self.horizons.to_dict(orient="records"),
            "weights": self.weights.to_dict(orient="records"),
            "logistic_intercept": self.intercept,
            "contributions": self.contributions.to_dict(orient="records"),
            "settings": settings,
        }


def _beta_interval(k: float, n: float) -> tuple[float, float]:
    lo, hi = beta.ppf([0.05, 0.95], k + 0.5, n - k + 0.5)  # type: ignore[misc]  # 2 values (scipy-stubs)
    return float(lo), float(hi)


def _rate_interval(s: float, n: float) -> tuple[float, float]:
    lo, hi = gamma.ppf([0.05, 0.95], s + 0.5, scale=1 / max(n, 1e-9))  # type: ignore[misc]  # (as above)
    return float(lo), float(hi)


def _sums(x: np.ndarray, choice: str, label: float, window: int | None) -> tuple[float, float]:
    """Σ and the number of (weighted) months behind a baseline's forecast for the coming month."""
    n = len(x)
    if choice == "climatology":
        s, m = trailing_sums(x, window)
        return float(s[n]), float(m[n])
    if choice == "moving-average":
        return float(trailing_sums(x, int(label))[0][n]), float(label)
    return float(ewma_sums(x, label)[n]), float(ewma_sums(np.ones(n), label)[n])


def _logistic_intervals(data: ForecastData, settings: ForecastSettings
                        ) -> tuple[dict[str, tuple[float, ...]], pd.DataFrame, float]:
    """Bootstrap intervals of the logistic models, and the ``logistic`` model's contributions."""
    y, days = data.y.astype(int), data.days
    n = len(y)
    lo = 0 if settings.window is None else max(0, n - settings.window)
    table = feature_table(y, data.context, days)
    idx = metrics.block_bootstrap_indices(n - lo, settings.block, settings.next_boot,
                                          np.random.default_rng(settings.seed))
    intervals, contributions, intercept = {}, pd.DataFrame(), float("nan")
    for name, cols in logistic_features(settings).items():
        x = table[list(cols)].to_numpy(float)
        x_train, y_train, x_next = x[lo:n], y[lo:n], x[n]
        boot = [fit_logistic(x_train[i], y_train[i], cols, settings.c).predict(x_next)[0] for i in idx]
        intervals[name] = tuple(float(v) for v in np.percentile(boot, [5, 95]))
        if name == "logistic":
            fit = fit_logistic(x_train, y_train, cols, settings.c)
            contributions, intercept = fit.contributions(x_next).reset_index(drop=True), fit.intercept
    return intervals, contributions, intercept


def predict_next(data: ForecastData, settings: ForecastSettings | None = None) -> NextForecast:
    """The coming month's forecasts from prepared data (see :func:`next_month`)."""
    settings = settings or ForecastSettings()
    y, days = data.y.astype(float), data.days.astype(float)
    n = len(y)
    paths = paths_for(data, n, n, settings)
    probs = paths.binary.iloc[-1]
    choice = paths.choices.iloc[-1]
    window = settings.window
    rng = np.random.default_rng(settings.seed)

    intervals: dict[str, tuple[float, ...]] = {"persistence": (np.nan, np.nan)}    # (5 %, 95 %)
    labels = {"climatology": 0.0, "moving-average": choice["moving_average_k"], "ewma": choice["ewma_decay"]}
    for name, label in labels.items():
        intervals[name] = _beta_interval(*_sums(y, name, label, window))
    lo = 0 if window is None else max(0, n - window)
    lag = np.r_[0.0, y[:-1]][lo:n]
    same = (lag > 0) == (y[-1] > 0)
    intervals["markov"] = _beta_interval(y[lo:n][same].sum(), same.sum())
    intervals["dynamic"] = tuple(float(expit(v)) for v in dynamic.level_interval(paths.dynamic, n))
    fit = paths.regime.params_at(n)
    _, filtered, _ = regime.forward(days, fit)
    draws = regime.probability_draws(filtered[-1], fit, max(settings.next_boot, 200), rng)
    intervals["regime"] = tuple(float(v) for v in np.percentile(draws, [5, 95]))
    logistic_iv, contributions, intercept = _logistic_intervals(data, settings)
    intervals.update(logistic_iv)
    weights = paths.weights.iloc[-1]
    point = {m: (float(probs[m]),) * 2 for m in weights.index}
    ends = [intervals.get(m, point[m]) if not np.isnan(intervals.get(m, (0.0,))[0]) else point[m]
            for m in weights.index]
    intervals["stack"] = (float(sum(w * e[0] for w, e in zip(weights, ends, strict=True))),
                          float(sum(w * e[1] for w, e in zip(weights, ends, strict=True))))
    probabilities = pd.DataFrame([(m, float(probs[m]), *intervals.get(m, (np.nan, np.nan)))
                                  for m in paths.binary.columns],
                                 columns=["model", "probability", "lo", "hi"])
    return NextForecast(
        target=data.series.target, month=month_label(data.series.last + 1),
        data_through=month_label(data.series.last), last_record=str(data.series.frame["coverage"].iloc[-1]),
        training_months=n - lo, chosen=settings.chosen, chosen_count=settings.chosen_count,
        probabilities=probabilities, launch_days=_launch_days(paths, days, settings, rng),
        horizons=pd.DataFrame([(m, h, float(frame[m].iloc[-1])) for h, frame in paths.horizons.items()
                               for m in frame.columns], columns=["model", "horizon", "probability"]),
        weights=pd.DataFrame({"model": weights.index, "weight": weights.to_numpy(),
                              "probability": [float(probs[m]) for m in weights.index],
                              "contribution": [float(w * probs[m]) for m, w in weights.items()]}),
        contributions=contributions, intercept=intercept, settings=settings)


def _launch_days(paths, days: np.ndarray, settings: ForecastSettings,
                 rng: np.random.Generator) -> pd.DataFrame:
    """Each count model's expected launch days next month with the interval of that
    expectation, and the 90% predictive interval of the count."""
    n = len(days)
    choice = paths.choices.iloc[-1]
    rate_iv: dict[str, tuple[float, ...]] = {}    # (5 %, 95 %)
    labels = {"climatology": 0.0, "moving-average": choice["count_moving_average_k"],
              "ewma": choice["count_ewma_decay"]}
    for name, label in labels.items():
        rate_iv[name] = _rate_interval(*_sums(days, name, label, settings.window))
    rate_iv["dynamic"] = tuple(float(np.exp(v)) for v in dynamic.level_interval(paths.dynamic_count, n))
    fit = paths.regime.params_at(n)
    _, filtered, _ = regime.forward(days, fit)
    k = len(fit.rates)
    rates = rng.gamma(fit.state_days + 0.5, 1 / (fit.state_months + 1), size=(1000, k))
    rows = np.stack([rng.dirichlet(fit.trans_counts[j] + 0.5, size=1000) for j in range(k)], axis=1)
    expected = np.sum(np.einsum("j,djk->dk", filtered[-1], rows) * rates, axis=1)
    rate_iv["regime"] = tuple(float(v) for v in np.percentile(expected, [5, 95]))
    weights = paths.count_weights.iloc[-1]
    rate_iv["stack"] = (float(sum(w * rate_iv[m][0] for m, w in weights.items())),
                        float(sum(w * rate_iv[m][1] for m, w in weights.items())))
    rows_out = []
    for m, pmf in paths.counts.items():
        pmf = pmf[-1:]
        rows_out.append({"model": m, "mean": float(cnt.mean(pmf)[0]), "mean_lo": rate_iv[m][0],
                         "mean_hi": rate_iv[m][1], "lo": int(cnt.quantile(pmf, 0.05)[0]),
                         "hi": int(cnt.quantile(pmf, 0.95)[0]), "p_zero": float(pmf[0, 0])})
    return pd.DataFrame(rows_out)


def next_month(store: Store, target: str = "missile-launch", data: Path | str | None = None,
               data_format: str = "cns-missiles", settings: ForecastSettings | None = None,
               until: dt.date | None = None) -> NextForecast:
    """Each model's forecast of ``target`` for the month after the last month with data."""
    return predict_next(forecast_data(store, target, data, data_format, until), settings)
