"""Every model's forecasts for a range of months, each made from earlier months only.

Positions t = 0..n index the months of a series (y_t 0/1, d_t launch days); position n is
the coming month. :func:`forecast_paths` returns, for positions ``lo``..``hi``, each model's
probability of the event, each count model's distribution of launch days, and each horizon
model's h-month probability. The rules and filters (:mod:`.baselines`, :mod:`.dynamic`) run
over the whole series at once, which is safe because each value at t is a function of the
months before t; the fitted models (logistic, regime) are refitted at each origin (logistic,
every month; regime, every ``hmm_refit`` months) on earlier months; the combination learns
its weights (every ``refit`` months) on the components' forecasts of earlier months, so the
components are also computed for the ``stack_window`` + ``refit`` months before ``lo``.
Every schedule is anchored on the calendar (January refits; the regime model's chain of
fits starts at the first January with 24 months of data), so the forecast of a month is
the same whichever month a backtest starts at.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from panmun.environment.forecast import baselines, dynamic, regime, stacking
from panmun.environment.forecast.counts import gamma_poisson_pmf
from panmun.environment.forecast.dynamic import LevelPaths
from panmun.environment.forecast.models import (
    COUNT_MODELS,
    HORIZON_MODELS,
    MODELS,
    ForecastSettings,
    LogisticFit,
    fit_logistic,
    logistic_features,
    persistence,
)

#: Months of data needed before the first forecast.
MIN_TRAINING_MONTHS = 24


@dataclass(frozen=True)
class Paths:
    """Forecasts for positions ``lo``..``hi`` (see the module docstring)."""

    positions: np.ndarray
    binary: pd.DataFrame                 # positions × models: P(y_t = 1)
    counts: dict[str, np.ndarray]        # model → positions × (D + 1): P(d_t = k)
    horizons: dict[int, pd.DataFrame]    # h → positions × models: P(event in t..t+h−1)
    weights: pd.DataFrame                # the combination's binary weights, per position
    count_weights: pd.DataFrame          # the combination's count weights, per position
    choices: pd.DataFrame                # per position: moving-average k, ewma λ, E[q] ...
    coefficients: pd.DataFrame           # every logistic fit's coefficients
    fits: dict[str, LogisticFit]         # the logistic fits at the last position
    dynamic: LevelPaths
    dynamic_count: LevelPaths
    regime: regime.RegimePaths


def _markov_sums(y: np.ndarray, window: int | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """P(y = 1 | y_{t−1} = 1), P(y = 1 | y_{t−1} = 0) over the training window before each t,
    Jeffreys-smoothed (as :func:`.models.markov`), and y_{t−1}."""
    lag1 = np.r_[0.0, y[:-1]] if len(y) else np.zeros(0)
    k1, _ = baselines.trailing_sums(lag1 * y, window)
    n1, _ = baselines.trailing_sums(lag1, window)
    k0, _ = baselines.trailing_sums((1 - lag1) * y, window)
    n0, _ = baselines.trailing_sums(1 - lag1, window)
    return (k1 + 0.5) / (n1 + 1), (k0 + 0.5) / (n0 + 1), np.r_[0.0, y]


def _logistic_paths(y: np.ndarray, table: pd.DataFrame, positions: np.ndarray,
                    settings: ForecastSettings, sets: dict[str, tuple[str, ...]]
                    ) -> tuple[dict[str, np.ndarray], pd.DataFrame, dict[str, LogisticFit]]:
    """Each logistic model refitted at every position on the window before it."""
    out = {name: np.empty(len(positions)) for name in sets}
    coefs: list[tuple[object, ...]] = []     # (model, position, feature, coefficient, degenerate)
    fits: dict[str, LogisticFit] = {}
    matrices = {name: table[list(cols)].to_numpy(float) for name, cols in sets.items()}
    for i, t in enumerate(positions):
        lo = 0 if settings.window is None else max(0, t - settings.window)
        for name, x in matrices.items():
            fit = fit_logistic(x[lo:t], y[lo:t], sets[name], settings.c)
            out[name][i] = fit.predict(x[t])[0]
            fits[name] = fit
            coefs.extend((name, t, f, c, fit.degenerate) for f, c in zip(fit.features, fit.coef, strict=True))
    return out, pd.DataFrame(coefs, columns=["model", "pos", "feature", "coef", "degenerate"]), fits


def _stack(components: dict[str, np.ndarray], names: tuple[str, ...], outcome: np.ndarray,
           window: int | None, resolve: int, relearn: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The linear pool of binary ``components`` (arrays over the same positions) with weights
    learned on earlier resolved positions; returns the pooled forecast and the weights."""
    p = np.column_stack([components[name] for name in names])
    weights = stacking.rolling_weights(stacking.binary_likelihood(p, outcome), window, resolve, relearn)
    return np.sum(weights * p, axis=1), weights


def forecast_paths(y: np.ndarray, days: np.ndarray, table: pd.DataFrame, first_month: int,
                   lo: int, hi: int, settings: ForecastSettings,
                   logistic: dict[str, tuple[str, ...]] | None = None) -> Paths:
    """Every model's forecasts for positions ``lo``..``hi`` (``hi`` ≤ n = len(y)).

    ``table`` is the feature table (n + 1 rows; row t known at the start of month t);
    ``first_month`` the month index of position 0 (the regime model refits each January);
    ``logistic`` replaces the logistic models' feature sets (for ablations).
    """
    y = np.asarray(y, dtype=float)
    days = np.asarray(days, dtype=float)
    n = len(y)
    if not MIN_TRAINING_MONTHS <= lo <= hi <= n:
        raise ValueError(f"positions {lo}..{hi} outside {MIN_TRAINING_MONTHS}..{n}")
    w = settings.window
    burn = MIN_TRAINING_MONTHS if settings.stack_window is None else max(
        MIN_TRAINING_MONTHS, lo - settings.stack_window - settings.refit)
    span = np.arange(burn, hi + 1)                       # positions with component forecasts
    outcome = np.r_[y, np.nan][span]
    relearn = (first_month + span) % settings.refit == 0  # each January (refit = 12)

    # --- rules and filters over every position, then the span ---------------------------
    clim_y, clim_d, clim_n = baselines.climatology_sums(y, days, w)
    p1, p0, lag1 = _markov_sums(y, w)
    ma = baselines.moving_average_family(y, days, settings.ma_windows)
    ew = baselines.ewma_family(y, days, settings.ewma_decays)
    ma_p, ma_k = baselines.chosen_binary(ma, y, w)
    ew_p, ew_l = baselines.chosen_binary(ew, y, w)
    dyn, dyn_p = dynamic.binary_paths(y, settings.dynamic_q, w)
    dyn_c, dyn_pmf = dynamic.count_paths(days, settings.dynamic_q, w)
    reg = regime.regime_paths(days, first_month, burn, settings.hmm_states, settings.refit)
    reg_pred = reg.predicted[span - reg.lo]
    reg_rates = reg.rates[span - reg.lo]
    binary = {
        "climatology": ((clim_y + 0.5) / (clim_n + 1))[span],
        "persistence": persistence(lag1, settings.persistence_eps)[span],
        "markov": np.where(lag1 > 0, p1, p0)[span],
        "moving-average": ma_p[span],
        "ewma": ew_p[span],
        "dynamic": dyn_p[span],
        "regime": np.sum(reg_pred * (1 - np.exp(-reg_rates)), axis=1),
    }
    sets = logistic_features(settings) if logistic is None else logistic
    logit, coefs, fits = _logistic_paths(y, table, span, settings, sets)
    binary.update(logit)
    binary["stack"], weights = _stack(binary, settings.stack_components, outcome,
                                      settings.stack_window, 1, relearn)

    # --- counts -------------------------------------------------------------------------
    ma_pmf, ma_ck = baselines.chosen_counts(ma, days, w)
    ew_pmf, ew_cl = baselines.chosen_counts(ew, days, w)
    counts = {
        "climatology": gamma_poisson_pmf(clim_d[span], clim_n[span]),
        "moving-average": ma_pmf[span],
        "ewma": ew_pmf[span],
        "dynamic": dyn_pmf[span],
        "regime": np.einsum("tk,tkd->td", reg_pred, _poisson_rows(reg_rates)),
    }
    observed = np.r_[days, np.nan][span]
    lik = np.column_stack([_at(counts[m], observed) for m in settings.count_stack_components])
    count_weights = stacking.rolling_weights(lik, settings.stack_window, 1, relearn)
    counts["stack"] = np.einsum("tj,jtd->td", count_weights,
                                np.stack([counts[m] for m in settings.count_stack_components]))

    # --- horizons -----------------------------------------------------------------------
    horizons = {}
    for h in settings.horizons:
        hp = {
            "climatology": baselines.beta_binomial_any(clim_y, clim_n, h)[span],
            "persistence": baselines.persistence_horizon(y, h, settings.persistence_eps)[span],
            "markov": baselines.markov_horizon(p1, p0, lag1, h)[span],
            "moving-average": baselines.chosen_horizon(ma, y, h, w)[span],
            "ewma": baselines.chosen_horizon(ew, y, h, w)[span],
            "dynamic": dynamic.horizon_probability(dyn, span, h),
            "regime": np.array([regime.horizon_probability(reg_pred[i], reg.params_at(t), h)[0]
                                for i, t in enumerate(span)]),
        }
        parts = tuple(m for m in settings.stack_components if m in hp)
        hp["stack"], _ = _stack(hp, parts, baselines.horizon_outcome(y, h)[span], settings.stack_window, h,
                                relearn)
        horizons[h] = pd.DataFrame({m: hp[m] for m in HORIZON_MODELS}, index=span)

    keep = span >= lo
    positions = span[keep]
    choices = pd.DataFrame({
        "pos": positions, "moving_average_k": ma_k[positions], "ewma_decay": ew_l[positions],
        "count_moving_average_k": ma_ck[positions], "count_ewma_decay": ew_cl[positions],
        "dynamic_q": dyn.expected_q()[positions], "count_dynamic_q": dyn_c.expected_q()[positions]})
    names = [m for m in MODELS if m in binary] + [k for k in sets if k not in MODELS]
    binary_frame = pd.DataFrame({m: binary[m][keep] for m in names}, index=positions)
    return Paths(
        positions=positions, binary=binary_frame,
        counts={m: counts[m][keep] for m in COUNT_MODELS},
        horizons={h: frame.loc[positions] for h, frame in horizons.items()},
        weights=pd.DataFrame(weights[keep], columns=list(settings.stack_components), index=positions),
        count_weights=pd.DataFrame(count_weights[keep], columns=list(settings.count_stack_components),
                                   index=positions),
        choices=choices, coefficients=coefs[coefs["pos"] >= lo].reset_index(drop=True), fits=fits,
        dynamic=dyn, dynamic_count=dyn_c, regime=reg)


def _poisson_rows(rates: np.ndarray) -> np.ndarray:
    """Poisson P(d), d = 0..D, for each row of rates (positions × states → × (D + 1))."""
    from panmun.environment.forecast.counts import poisson_pmf

    flat = poisson_pmf(rates.ravel())
    return flat.reshape(*rates.shape, -1)


def _at(pmf: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """P(d = observed) per row (NaN where the count is unknown)."""
    out = np.full(len(observed), np.nan)
    known = ~np.isnan(observed)
    idx = np.minimum(observed[known].astype(int), pmf.shape[1] - 1)
    out[known] = pmf[np.flatnonzero(known), idx]
    return out
