"""Rolling-origin backtest of the escalation forecasts, and the forecast for the coming month.

Protocol: for every forecast month t from ``start`` to ``end``, each model is fitted on the
months before t only (all of them, or the last ``window``) and forecasts month t; the
features of month t use only months before t (and month t's exercise calendar, announced
ahead). The forecasts are then scored against what happened (:mod:`.metrics`), against
climatology and against persistence, with block-bootstrap intervals.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from panmun.environment.forecast import metrics
from panmun.environment.forecast.features import context_features, history_features
from panmun.environment.forecast.models import (
    LOGISTIC_FEATURES,
    ForecastSettings,
    climatology,
    fit_logistic,
    markov,
    persistence,
)
from panmun.environment.forecast.months import DEFAULT_START, month_label, parse_month
from panmun.environment.forecast.targets import TargetSeries, monthly_target, read_cns_launches
from panmun.errors import InputError
from panmun.store.db import Store

DATA_FORMATS: tuple[str, ...] = ("cns-missiles",)
MIN_TRAINING_MONTHS = 24


@dataclass(frozen=True)
class ForecastData:
    """A target series and the context features of its months plus the coming one."""

    series: TargetSeries
    context: pd.DataFrame      # n + 1 rows (see features.context_features)

    @property
    def y(self) -> np.ndarray:
        return self.series.frame["y"].to_numpy()


def forecast_data(store: Store, target: str, data: Path | str | None = None,
                  data_format: str = "cns-missiles", until: dt.date | None = None) -> ForecastData:
    """The monthly target and features, from the store and a CNS file (``data``, default the
    shipped copy)."""
    if data_format not in DATA_FORMATS:
        raise InputError(f"--data-format {data_format!r} is not supported; use one of: "
                         + ", ".join(DATA_FORMATS))
    until = until or dt.date.today()
    series = monthly_target(store, target, read_cns_launches(data), until=until)
    context = context_features(store, series.first, len(series.frame) + 1, until)
    return ForecastData(series, context)


def feature_table(y: np.ndarray, context: pd.DataFrame) -> pd.DataFrame:
    """History features computed from ``y`` beside the context features (n + 1 rows)."""
    history = history_features(y)
    return pd.concat([context.reset_index(drop=True), history], axis=1)


def rolling_forecasts(y: np.ndarray, table: pd.DataFrame, first: int, last: int,
                      settings: ForecastSettings,
                      logistic: dict[str, tuple[str, ...]] | None = None,
                      ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Forecasts of every model for positions ``first``..``last`` of ``y``, each fitted on the
    positions before it; and the logistic coefficients of every fit.

    ``table`` must be :func:`feature_table` of the same ``y``: row t holds only what was
    known at the start of month t. ``logistic`` names the logistic models and their
    features (default :data:`LOGISTIC_FEATURES`).
    """
    y = np.asarray(y, dtype=int)
    logistic = LOGISTIC_FEATURES if logistic is None else logistic
    lag1 = table["lag1"].to_numpy()
    matrices = {name: table[list(cols)].to_numpy(float) for name, cols in logistic.items()}
    rows, coefs = [], []
    for t in range(first, last + 1):
        lo = 0 if settings.window is None else max(0, t - settings.window)
        train = slice(lo, t)
        row = {"pos": t,
               "climatology": climatology(y[train]),
               "persistence": float(persistence(lag1[t], settings.persistence_eps)),
               "markov": float(markov(lag1[train], y[train], lag1[t]))}
        for name, x in matrices.items():
            fit = fit_logistic(x[train], y[train], logistic[name], settings.c)
            row[name] = float(fit.predict(x[t])[0])
            coefs.append(pd.DataFrame({"model": name, "pos": t, "feature": fit.features,
                                       "coef": fit.coef, "degenerate": fit.degenerate}))
        rows.append(row)
    return pd.DataFrame(rows), pd.concat(coefs, ignore_index=True)


@dataclass(frozen=True)
class BacktestResult:
    """Rolling-origin backtest of every model on one target (see the module docstring)."""

    target: str
    start: str
    end: str
    n_months: int
    n_positive: int
    scores: pd.DataFrame        # per model: brier, log_loss, auc_pr, bss_* and 90% intervals
    forecasts: pd.DataFrame     # per month: y, coverage and every model's probability
    reliability: pd.DataFrame   # per model and bin
    segments: pd.DataFrame      # per model and coverage record (cns / store)
    coefficients: pd.DataFrame  # logistic coefficients: last fit, mean and range over fits
    coverage: pd.DataFrame
    kb_check: dict
    cns_file: str
    settings: ForecastSettings = field(default_factory=ForecastSettings)

    def as_dict(self) -> dict:
        """The result as plain data (the CLI's JSON)."""
        scores = self.scores.set_index("model")
        return {
            "target": self.target, "start": self.start, "end": self.end,
            "n_months": self.n_months, "n_positive": self.n_positive,
            "models": {m: {k: v for k, v in row.items()} for m, row in scores.iterrows()},
            "reliability": self.reliability.to_dict(orient="records"),
            "segments": self.segments.to_dict(orient="records"),
            "coefficients": self.coefficients.to_dict(orient="records"),
            "coverage": self.coverage.to_dict(orient="records"),
            "kb_check": self.kb_check,
            "cns_file": self.cns_file,
            "settings": asdict(self.settings),
        }


def _evaluation_range(series: TargetSeries, start: str | int | None,
                      end: str | int | None) -> tuple[int, int]:
    first, last = series.first, series.last
    s = parse_month(start or DEFAULT_START, "--start") if not isinstance(start, int) else start
    e = last if end is None else (parse_month(end, "--end") if not isinstance(end, int) else end)
    if s < first + MIN_TRAINING_MONTHS:
        raise InputError(f"--start {month_label(s)} leaves fewer than {MIN_TRAINING_MONTHS} training "
                         f"months (the series starts {month_label(first)}); start at "
                         f"{month_label(first + MIN_TRAINING_MONTHS)} or later")
    if e > last:
        raise InputError(f"--end {month_label(e)} is after the last month with data, {month_label(last)}")
    if s > e:
        raise InputError(f"--start {month_label(s)} is after the last month evaluated, {month_label(e)}")
    return s - first, e - first


def _models(forecasts: pd.DataFrame) -> list[str]:
    return [c for c in forecasts.columns if c not in ("month", "y", "coverage")]


def score_forecasts(forecasts: pd.DataFrame, settings: ForecastSettings) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Scores per model (with bootstrap intervals of the skill) and the reliability table.

    ``forecasts`` has columns ``y`` and one probability column per model, among them
    ``climatology`` and ``persistence`` (the references of the skill scores).
    """
    y = forecasts["y"].to_numpy(float)
    models = _models(forecasts)
    sq = {m: (forecasts[m].to_numpy() - y) ** 2 for m in models}
    idx = metrics.block_bootstrap_indices(len(y), settings.block, settings.n_boot,
                                          np.random.default_rng(settings.seed))
    rows, tables = [], []
    for m in models:
        p = forecasts[m].to_numpy()
        brier = metrics.brier_score(p, y)
        row = {"model": m, "brier": brier, "log_loss": metrics.log_loss(p, y),
               "auc_pr": metrics.average_precision(p, y)}
        for ref in ("climatology", "persistence"):
            row[f"bss_{ref}"] = metrics.brier_skill(brier, sq[ref].mean())
            row[f"bss_{ref}_lo"], row[f"bss_{ref}_hi"] = (
                metrics.skill_interval(sq[m], sq[ref], idx) if m != ref else (0.0, 0.0))
        rows.append(row)
        tables.append(metrics.reliability_table(p, y, settings.bins).assign(model=m))
    reliability = pd.concat(tables, ignore_index=True)
    return pd.DataFrame(rows), reliability[["model", *reliability.columns[:-1]]]


def _segments(forecasts: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for coverage, grp in forecasts.groupby("coverage", sort=False):
        y = grp["y"].to_numpy(float)
        clim = metrics.brier_score(grp["climatology"], y)
        for m in _models(forecasts):
            b = metrics.brier_score(grp[m], y)
            rows.append({"coverage": coverage, "model": m, "first": grp["month"].iloc[0],
                         "last": grp["month"].iloc[-1], "months": len(grp), "positive_months": int(y.sum()),
                         "brier": b, "bss_climatology": metrics.brier_skill(b, clim)})
    return pd.DataFrame(rows)


def _coefficient_summary(coefs: pd.DataFrame) -> pd.DataFrame:
    fitted = coefs[~coefs["degenerate"]]
    last = fitted[fitted["pos"] == fitted["pos"].max()].set_index(["model", "feature"])["coef"]
    grouped = fitted.groupby(["model", "feature"], sort=False)["coef"]
    out = pd.DataFrame({"last": last, "mean": grouped.mean(), "min": grouped.min(), "max": grouped.max()})
    return out.reset_index()


def run_backtest(data: ForecastData, start: str | int | None = None, end: str | int | None = None,
                 settings: ForecastSettings | None = None,
                 logistic: dict[str, tuple[str, ...]] | None = None) -> BacktestResult:
    """The rolling-origin backtest on prepared data (see :func:`backtest`); ``logistic``
    replaces the logistic models' feature sets (for ablations)."""
    settings = settings or ForecastSettings()
    frame = data.series.frame
    first, last = _evaluation_range(data.series, start, end)
    y = data.y
    preds, coefs = rolling_forecasts(y, feature_table(y, data.context), first, last, settings,
                                     logistic)
    months = frame.iloc[first:last + 1].reset_index(drop=True)
    forecasts = pd.concat([months[["month", "y", "coverage"]], preds.drop(columns="pos")], axis=1)
    scores, reliability = score_forecasts(forecasts, settings)
    return BacktestResult(
        target=data.series.target, start=months["month"].iloc[0], end=months["month"].iloc[-1],
        n_months=len(forecasts), n_positive=int(forecasts["y"].sum()), scores=scores,
        forecasts=forecasts, reliability=reliability, segments=_segments(forecasts),
        coefficients=_coefficient_summary(coefs), coverage=data.series.coverage,
        kb_check=data.series.kb_check, cns_file=data.series.cns_file, settings=settings)


def backtest(store: Store, target: str = "missile-launch", start: str | None = DEFAULT_START,
             end: str | None = None, data: Path | str | None = None, data_format: str = "cns-missiles",
             settings: ForecastSettings | None = None, until: dt.date | None = None) -> BacktestResult:
    """Rolling-origin backtest of every model on ``target``, forecast months ``start``..``end``
    (``YYYY-MM``; default 2010-01 to the last month with data)."""
    return run_backtest(forecast_data(store, target, data, data_format, until), start, end, settings)
