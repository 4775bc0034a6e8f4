"""Rolling-origin backtest of the escalation forecasts.

Protocol: for every forecast month t from ``start`` to ``end``, each model is fitted on the
months before t only (all of them, or the last ``window``) and forecasts month t, the
launch days of month t, and whether a launch comes within t..t+h−1; the features of month
t use only months before t (and month t's exercise calendar, announced ahead). The
forecasts are then scored against what happened (:mod:`.metrics`, :mod:`.counts`): against
climatology, against persistence and against the best baseline, the baseline with the
lowest score over the months scored (which favours the baseline: it is chosen after the
fact), with block-bootstrap intervals and a Diebold–Mariano comparison.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from panmun.environment.forecast import counts as cnt
from panmun.environment.forecast import metrics
from panmun.environment.forecast.baselines import horizon_outcome
from panmun.environment.forecast.engine import MIN_TRAINING_MONTHS, Paths, forecast_paths
from panmun.environment.forecast.features import context_features, history_features
from panmun.environment.forecast.frozen import periods as frozen_periods
from panmun.environment.forecast.models import (
    BASELINES,
    COUNT_BASELINES,
    HORIZON_BASELINES,
    ForecastSettings,
)
from panmun.environment.forecast.targets import (
    LAUNCH_FORMATS,
    TargetSeries,
    monthly_target,
    read_cns_launches,
)
from panmun.errors import InputError
from panmun.months import month_label, parse_month
from panmun.store.db import Store

#: The first month a backtest forecasts unless told otherwise.
DEFAULT_START = "2010-01"

DATA_FORMATS: tuple[str, ...] = LAUNCH_FORMATS
#: Months shown in the track record.
TRACK_MONTHS = 24


@dataclass(frozen=True)
class ForecastData:
    """A target series and the context features of its months plus the coming one."""

    series: TargetSeries
    context: pd.DataFrame      # n + 1 rows (see features.context_features)

    @property
    def y(self) -> np.ndarray:
        return self.series.frame["y"].to_numpy()

    @property
    def days(self) -> np.ndarray:
        return self.series.frame["days"].to_numpy()


def forecast_data(store: Store, target: str, data: Path | str | None = None,
                  data_format: str = "cns-missiles", until: dt.date | None = None) -> ForecastData:
    """The monthly target and features, from the store and a launch file (``data``, default
    the shipped CNS copy; ``data_format`` ``cns-missiles`` or ``csv``)."""
    if data_format not in DATA_FORMATS:
        raise InputError(f"--data-format {data_format!r} is not supported; use one of: "
                         + ", ".join(DATA_FORMATS))
    until = until or dt.date.today()
    launches = read_cns_launches(data, data_format) if data is not None else read_cns_launches()
    series = monthly_target(store, target, launches, until=until)
    context = context_features(store, series.first, len(series.frame) + 1, until)
    return ForecastData(series, context)


def feature_table(y: np.ndarray, context: pd.DataFrame, days: np.ndarray | None = None) -> pd.DataFrame:
    """History and recency features computed from ``y`` and ``days`` beside the context
    features (n + 1 rows)."""
    history = history_features(y, days)
    return pd.concat([context.reset_index(drop=True), history], axis=1)


def paths_for(data: ForecastData, first: int, last: int, settings: ForecastSettings,
              logistic: dict[str, tuple[str, ...]] | None = None) -> Paths:
    """Every model's forecasts for positions ``first``..``last`` of ``data``."""
    y, days = data.y, data.days
    return forecast_paths(y, days, feature_table(y, data.context, days), data.series.first,
                          first, last, settings, logistic)


# --- scores ----------------------------------------------------------------------------

def best_of(losses: dict[str, np.ndarray], candidates: tuple[str, ...]) -> str:
    """The candidate with the lowest mean loss (the first on ties)."""
    return min(candidates, key=lambda m: float(np.mean(losses[m])))


def score_binary(forecasts: pd.DataFrame, models: list[str], baselines: tuple[str, ...],
                 settings: ForecastSettings, horizon: int = 1) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """Scores per model, the reliability table, and the best baseline's name.

    ``forecasts`` has ``y`` and one probability column per model. Skill scores are against
    climatology, persistence and the best baseline, with 90% moving-block bootstrap
    intervals; ``dm_best_baseline`` and ``dm_p`` compare each model's squared errors with the
    best baseline's (negative: the model is better).
    """
    y = forecasts["y"].to_numpy(float)
    sq = {m: (forecasts[m].to_numpy() - y) ** 2 for m in models}
    best = best_of(sq, baselines)
    idx = metrics.block_bootstrap_indices(len(y), max(settings.block, horizon), settings.n_boot,
                                          np.random.default_rng(settings.seed))
    rows, tables = [], []
    for m in models:
        p = forecasts[m].to_numpy()
        brier = metrics.brier_score(p, y)
        row = {"model": m, "brier": brier, "log_loss": metrics.log_loss(p, y),
               "auc_pr": metrics.average_precision(p, y)}
        for ref, name in (("climatology", "climatology"), ("persistence", "persistence"),
                          (best, "best_baseline")):
            row[f"bss_{name}"] = metrics.brier_skill(brier, sq[ref].mean())
            row[f"bss_{name}_lo"], row[f"bss_{name}_hi"] = (
                metrics.skill_interval(sq[m], sq[ref], idx) if m != ref else (0.0, 0.0))
        row["dm_best_baseline"], row["dm_p"] = metrics.diebold_mariano(sq[m], sq[best], horizon)
        row.update(metrics.brier_decomposition(p, y, settings.bins))
        rows.append(row)
        tables.append(metrics.reliability_table(p, y, settings.bins).assign(model=m))
    reliability = pd.concat(tables, ignore_index=True)
    return pd.DataFrame(rows), reliability[["model", *reliability.columns[:-1]]], best


def score_counts(pmfs: dict[str, np.ndarray], observed: np.ndarray, settings: ForecastSettings
                 ) -> tuple[pd.DataFrame, str]:
    """CRPS, log score, mean forecast, 90% coverage per count model, skill against the best
    count baseline (CRPSS = 1 − CRPS / CRPS_best, 90% bootstrap interval) and the
    Diebold–Mariano comparison of CRPS with it."""
    losses = {m: cnt.crps(pmf, observed) for m, pmf in pmfs.items()}
    best = best_of(losses, tuple(m for m in COUNT_BASELINES if m in pmfs))
    idx = metrics.block_bootstrap_indices(len(observed), settings.block, settings.n_boot,
                                          np.random.default_rng(settings.seed))
    rows = []
    for m, pmf in pmfs.items():
        lo_q, hi_q = cnt.quantile(pmf, 0.05), cnt.quantile(pmf, 0.95)
        row = {"model": m, "crps": float(losses[m].mean()),
               "log_score": float(cnt.log_score(pmf, observed).mean()),
               "mean_forecast": float(cnt.mean(pmf).mean()), "mean_observed": float(np.mean(observed)),
               "coverage90": float(np.mean((observed >= lo_q) & (observed <= hi_q))),
               "crpss_best_baseline": metrics.brier_skill(losses[m].mean(), losses[best].mean())}
        row["crpss_best_baseline_lo"], row["crpss_best_baseline_hi"] = (
            metrics.skill_interval(losses[m], losses[best], idx) if m != best else (0.0, 0.0))
        row["dm_best_baseline"], row["dm_p"] = metrics.diebold_mariano(losses[m], losses[best])
        rows.append(row)
    return pd.DataFrame(rows), best


def score_horizons(paths: Paths, y: np.ndarray, first: int, last: int, months: pd.Series,
                   settings: ForecastSettings) -> pd.DataFrame:
    """Scores of the h-month probabilities over the origins first..last whose h months are
    all known."""
    rows = []
    for h, frame in paths.horizons.items():
        outcome = horizon_outcome(y, h)
        keep = [t for t in frame.index if first <= t <= last and not np.isnan(outcome[t])]
        if len(keep) < 3:
            continue
        f = frame.loc[keep].assign(y=outcome[keep])
        scores, _, best = score_binary(f, list(frame.columns), HORIZON_BASELINES, settings, h)
        scores = scores[["model", "brier", "log_loss", "auc_pr", "bss_best_baseline",
                         "bss_best_baseline_lo", "bss_best_baseline_hi", "dm_best_baseline", "dm_p"]]
        rows.append(scores.assign(horizon=h, first=months.iloc[keep[0] - first],
                                  last=months.iloc[keep[-1] - first], months=len(keep),
                                  positive=int(outcome[keep].sum()), best_baseline=best))
    if not rows:
        return pd.DataFrame(columns=["horizon", "model"])
    out = pd.concat(rows, ignore_index=True)
    return out[["horizon", "model", "first", "last", "months", "positive", "brier", "log_loss", "auc_pr",
                "best_baseline", "bss_best_baseline", "bss_best_baseline_lo", "bss_best_baseline_hi",
                "dm_best_baseline", "dm_p"]]


def period_scores(forecasts: pd.DataFrame, count_pmfs: dict[str, np.ndarray], models: list[str],
                  baselines: tuple[str, ...] = BASELINES) -> pd.DataFrame:
    """Per evaluation period of the protocol (selection, check, after) that the months
    scored overlap: each model's Brier score and CRPS beside the best baseline's, the skill
    against it and the Diebold–Mariano statistic."""
    rows = []
    for name, (lo, hi) in frozen_periods().items():
        inside = (forecasts["month"] >= lo) & (forecasts["month"] <= (hi or "9999-12"))
        if inside.sum() < 3:
            continue
        f = forecasts[inside]
        y = f["y"].to_numpy(float)
        sq = {m: (f[m].to_numpy() - y) ** 2 for m in models}
        best = best_of(sq, baselines)
        days = f["days"].to_numpy()
        crps = {m: cnt.crps(pmf[inside.to_numpy()], days) for m, pmf in count_pmfs.items()}
        best_c = best_of(crps, COUNT_BASELINES) if crps else ""
        span = {"period": name, "first": f["month"].iloc[0], "last": f["month"].iloc[-1],
                "months": len(f), "positive": int(y.sum())}
        for m in models:
            dm, p = metrics.diebold_mariano(sq[m], sq[best])
            rows.append({**span, "score": "brier", "model": m, "value": float(sq[m].mean()),
                         "best_baseline": best, "best_baseline_value": float(sq[best].mean()),
                         "skill": metrics.brier_skill(sq[m].mean(), sq[best].mean()), "dm": dm, "dm_p": p})
        for m in crps:
            dm, p = metrics.diebold_mariano(crps[m], crps[best_c])
            rows.append({**span, "score": "crps", "model": m, "value": float(crps[m].mean()),
                         "best_baseline": best_c, "best_baseline_value": float(crps[best_c].mean()),
                         "skill": metrics.brier_skill(crps[m].mean(), crps[best_c].mean()), "dm": dm,
                         "dm_p": p})
    return pd.DataFrame(rows)


def track_record(forecasts: pd.DataFrame, chosen: str, count_mean: np.ndarray | None = None,
                 months: int = TRACK_MONTHS, baselines: tuple[str, ...] = BASELINES
                 ) -> tuple[pd.DataFrame, str]:
    """The last ``months`` months: each month's forecast by the chosen model and by the best
    baseline of those months against what happened, with the running Brier score of each
    (the mean over the months up to and including that one)."""
    tail = forecasts.tail(months).reset_index(drop=True)
    y = tail["y"].to_numpy(float)
    sq = {m: (tail[m].to_numpy() - y) ** 2 for m in baselines}
    best = best_of(sq, baselines)
    steps = np.arange(1, len(tail) + 1)
    out = pd.DataFrame({
        "month": tail["month"], "launch": tail["y"].astype(int), "launch_days": tail["days"].astype(int),
        "chosen_model": chosen, "chosen": tail[chosen], "best_baseline": best, "baseline": tail[best],
        "running_brier_chosen": np.cumsum((tail[chosen].to_numpy() - y) ** 2) / steps,
        "running_brier_baseline": np.cumsum(sq[best]) / steps,
        "coverage": tail["coverage"],
    })
    if count_mean is not None:
        out.insert(4, "expected_days", np.asarray(count_mean)[-len(tail):])
    return out, best


# --- the result --------------------------------------------------------------------------

@dataclass(frozen=True)
class BacktestResult:
    """Rolling-origin backtest of every model on one target (see the module docstring)."""

    target: str
    start: str
    end: str
    n_months: int
    n_positive: int
    scores: pd.DataFrame        # per model: brier, log_loss, auc_pr, bss_*, DM, decomposition
    best_baseline: str
    chosen: str
    forecasts: pd.DataFrame     # per month: y, days, coverage and every model's probability
    reliability: pd.DataFrame   # per model and bin
    segments: pd.DataFrame      # per model and coverage record (cns / store)
    count_scores: pd.DataFrame  # per count model: CRPS, log score, ...
    count_best_baseline: str
    chosen_count: str
    count_means: pd.DataFrame   # per month: every count model's expected launch days
    horizon_scores: pd.DataFrame
    periods: pd.DataFrame       # scores per protocol period
    track: pd.DataFrame         # the last months' forecasts and running Brier scores
    weights: pd.DataFrame       # the combination's weights at the last month forecast
    choices: pd.DataFrame       # per month: moving-average k, ewma λ, dynamic E[q]
    coefficients: pd.DataFrame  # logistic coefficients: last fit, mean and range over fits
    coverage: pd.DataFrame
    kb_check: dict
    cns_file: str
    settings: ForecastSettings = field(default_factory=ForecastSettings)

    def __repr__(self) -> str:
        brier = self.scores.set_index("model")["brier"]
        return (f"BacktestResult({self.target}, {self.start}..{self.end}: {self.n_months} months, "
                f"{self.n_positive} with the event; chosen {self.chosen} Brier {brier[self.chosen]:.4f}, "
                f"best baseline {self.best_baseline} {brier[self.best_baseline]:.4f})")

    def as_dict(self) -> dict:
        """The result as plain data (the CLI's JSON)."""
        scores = self.scores.set_index("model")
        count_scores = self.count_scores.set_index("model")
        settings = {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self.settings).items()}
        return {
            "target": self.target, "start": self.start, "end": self.end,
            "n_months": self.n_months, "n_positive": self.n_positive,
            "chosen": self.chosen, "best_baseline": self.best_baseline,
            "models": {m: dict(row.items()) for m, row in scores.iterrows()},
            "chosen_count": self.chosen_count, "count_best_baseline": self.count_best_baseline,
            "count_models": {m: dict(row.items()) for m, row in count_scores.iterrows()},
            "horizons": self.horizon_scores.to_dict(orient="records"),
            "periods": self.periods.to_dict(orient="records"),
            "track_record": self.track.to_dict(orient="records"),
            "weights": self.weights.to_dict(orient="records"),
            "reliability": self.reliability.to_dict(orient="records"),
            "segments": self.segments.to_dict(orient="records"),
            "coefficients": self.coefficients.to_dict(orient="records"),
            "coverage": self.coverage.to_dict(orient="records"),
            "kb_check": self.kb_check,
            "cns_file": self.cns_file,
            "settings": settings,
        }


def evaluation_range(series: TargetSeries, start: str | int | None,
                     end: str | int | None) -> tuple[int, int]:
    """Positions of the first and last month forecast (``YYYY-MM`` or month indices)."""
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


def segment_scores(forecasts: pd.DataFrame, models: list[str]) -> pd.DataFrame:
    rows = []
    for coverage, grp in forecasts.groupby("coverage", sort=False):
        y = grp["y"].to_numpy(float)
        clim = metrics.brier_score(grp["climatology"], y)
        for m in models:
            b = metrics.brier_score(grp[m], y)
            rows.append({"coverage": coverage, "model": m, "first": grp["month"].iloc[0],
                         "last": grp["month"].iloc[-1], "months": len(grp), "positive_months": int(y.sum()),
                         "brier": b, "bss_climatology": metrics.brier_skill(b, clim)})
    return pd.DataFrame(rows)


def _coefficient_summary(coefs: pd.DataFrame) -> pd.DataFrame:
    fitted = coefs[~coefs["degenerate"]]
    if fitted.empty:
        return pd.DataFrame(columns=["model", "feature", "last", "mean", "min", "max"])
    last = fitted.groupby(["model", "feature"], sort=False)["coef"].last()
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
    first, last = evaluation_range(data.series, start, end)
    paths = paths_for(data, first, last, settings, logistic)
    months = frame.iloc[first:last + 1].reset_index(drop=True)
    models = list(paths.binary.columns)
    forecasts = pd.concat([months[["month", "y", "days", "coverage"]],
                           paths.binary.reset_index(drop=True)], axis=1)
    scores, reliability, best = score_binary(forecasts, models, BASELINES, settings)
    observed = months["days"].to_numpy()
    count_scores, best_count = score_counts(paths.counts, observed, settings)
    count_means = pd.DataFrame({"month": months["month"],
                                **{m: cnt.mean(pmf) for m, pmf in paths.counts.items()}})
    chosen = settings.chosen if settings.chosen in models else "stack"
    track, _ = track_record(forecasts, chosen, count_means[settings.chosen_count].to_numpy())
    weights = paths.weights.tail(1).assign(kind="binary")
    count_weights = paths.count_weights.tail(1).assign(kind="count")
    weight_rows = [{"kind": kind, "model": m, "weight": float(w)}
                   for frame_, kind in ((weights, "binary"), (count_weights, "count"))
                   for m, w in frame_.drop(columns="kind").iloc[0].items()]
    choices = paths.choices.assign(month=months["month"].to_numpy()).drop(columns="pos")
    return BacktestResult(
        target=data.series.target, start=months["month"].iloc[0], end=months["month"].iloc[-1],
        n_months=len(forecasts), n_positive=int(forecasts["y"].sum()), scores=scores,
        best_baseline=best, chosen=chosen, forecasts=forecasts, reliability=reliability,
        segments=segment_scores(forecasts, models), count_scores=count_scores,
        count_best_baseline=best_count, chosen_count=settings.chosen_count, count_means=count_means,
        horizon_scores=score_horizons(paths, data.y, first, last, months["month"], settings),
        periods=period_scores(forecasts, paths.counts, models), track=track,
        weights=pd.DataFrame(weight_rows), choices=choices[["month", *choices.columns[:-1]]],
        coefficients=_coefficient_summary(paths.coefficients), coverage=data.series.coverage,
        kb_check=data.series.kb_check, cns_file=data.series.cns_file, settings=settings)


def backtest(store: Store, target: str = "missile-launch", start: str | None = DEFAULT_START,
             end: str | None = None, data: Path | str | None = None, data_format: str = "cns-missiles",
             settings: ForecastSettings | None = None, until: dt.date | None = None) -> BacktestResult:
    """Rolling-origin backtest of every model on ``target``, forecast months ``start``..``end``
    (``YYYY-MM``; default 2010-01 to the last month with data)."""
    return run_backtest(forecast_data(store, target, data, data_format, until), start, end, settings)
