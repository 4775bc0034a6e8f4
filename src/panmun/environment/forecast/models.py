"""The forecast models: two baselines, an empirical Markov chain and a logistic regression.

Every model gives p_t = P(y_t = 1), the probability of the event in month t, from the
months before t only.

climatology
    The base rate of the training window with Jeffreys' prior (never exactly 0 or 1):
    p = (k + ½) / (n + 1), k event months out of n.
persistence
    Last month's outcome, pulled in by ε so that log loss stays finite:
    p_t = ε + (1 − 2ε) y_{t−1}   (ε = ``ForecastSettings.persistence_eps``, default 0.02).
markov
    Persistence learned from the data: the empirical transition probability
    p_t = P(y_t = 1 | y_{t−1}) = (k_s + ½) / (n_s + 1), s = y_{t−1}, counted over the
    training window (a two-state Markov chain).
logistic
    L2-regularised logistic regression (scikit-learn, Newton–Cholesky solver; the
    intercept is not penalised) on standardised features
    z_j = (x_j − mean_j) / sd_j of the training window:
    logit p_t = β₀ + Σ_j β_j z_{t,j},  minimising  −Σ log-likelihood + ‖β‖² / (2C).
    A feature's contribution to a forecast is β_j z_{t,j} (in log-odds), so the forecast
    is read as the intercept plus the contributions. ``logistic`` uses the history and the
    calendar and context features of :mod:`panmun.environment.forecast.features`;
    ``logistic-history`` the target's history only, to show what the calendar and context
    features add. Month-of-year seasonality is left out: in the backtest it did not
    lower the Brier score (docs/forecast.md, ablation).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

from panmun.environment.forecast.features import CONTEXT_FEATURES, HISTORY_FEATURES

MODELS: tuple[str, ...] = ("climatology", "persistence", "markov", "logistic", "logistic-history")
LOGISTIC_FEATURES: dict[str, tuple[str, ...]] = {
    "logistic": HISTORY_FEATURES + CONTEXT_FEATURES,
    "logistic-history": HISTORY_FEATURES,
}


@dataclass(frozen=True)
class ForecastSettings:
    """Parameters of the models and of the evaluation.

    c: inverse L2 penalty of the logistic regression on standardised features (unitless;
       smaller is stronger shrinkage). Fixed, not tuned on the backtest.
    persistence_eps: ε of the persistence forecast (probability).
    window: training window, in months before each forecast month (None: all of them).
       Default 120: ten years, so that the sparse, less complete record of the 1980s and
       1990s does not set the base rate of the 2010s, and every fit sees as many months.
    bins: number of equal-width reliability bins.
    n_boot, block, seed: moving-block bootstrap of the skill scores (resamples, block
       length in months, seed of ``numpy.random.default_rng``).
    next_boot: block-bootstrap refits behind the interval of the coming month's logistic
       probabilities.
    """

    c: float = 1.0
    persistence_eps: float = 0.02
    window: int | None = 120
    bins: int = 10
    n_boot: int = 1000
    block: int = 12
    seed: int = 2018
    next_boot: int = 200


def climatology(y_train: np.ndarray) -> float:
    """(k + ½) / (n + 1) over the training months."""
    y_train = np.asarray(y_train, dtype=float)
    return float((y_train.sum() + 0.5) / (len(y_train) + 1))


def persistence(lag1: np.ndarray, eps: float) -> np.ndarray:
    """ε + (1 − 2ε) y_{t−1}."""
    return eps + (1 - 2 * eps) * np.asarray(lag1, dtype=float)


def markov(lag1_train: np.ndarray, y_train: np.ndarray, lag1: np.ndarray) -> np.ndarray:
    """P(y_t = 1 | y_{t−1}) from the training transitions, Jeffreys-smoothed."""
    lag1_train, y_train = np.asarray(lag1_train) > 0, np.asarray(y_train, dtype=float)
    p1 = (y_train[lag1_train].sum() + 0.5) / (lag1_train.sum() + 1)
    p0 = (y_train[~lag1_train].sum() + 0.5) / ((~lag1_train).sum() + 1)
    return np.where(np.asarray(lag1) > 0, p1, p0)


@dataclass(frozen=True)
class LogisticFit:
    """A fitted logistic regression on standardised features (see the module docstring)."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray          # β_j per standardised feature (log-odds per standard deviation)
    intercept: float          # β₀ (log-odds)
    degenerate: bool = False  # one outcome only in training: p is the climatology, β = 0

    def standardise(self, x: np.ndarray) -> np.ndarray:
        return (np.asarray(x, dtype=float) - self.mean) / self.scale

    def predict(self, x: np.ndarray) -> np.ndarray:
        """p = 1 / (1 + exp(−(β₀ + z·β)))."""
        logit = self.intercept + self.standardise(np.atleast_2d(x)) @ self.coef
        return 1 / (1 + np.exp(-logit))

    def contributions(self, x: np.ndarray) -> pd.DataFrame:
        """Each feature's value, standardised value, coefficient and contribution β_j z_j
        (log-odds) for one month, largest in size first."""
        x = np.asarray(x, dtype=float).ravel()
        z = self.standardise(x)
        df = pd.DataFrame({"feature": self.features, "value": x, "z": z, "coef": self.coef,
                           "contribution": self.coef * z})
        return df.reindex(df["contribution"].abs().sort_values(ascending=False).index)


def fit_logistic(x: np.ndarray, y: np.ndarray, features: tuple[str, ...], c: float) -> LogisticFit:
    """Fit the L2-regularised logistic regression on standardised ``x``."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=int)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)               # a constant feature stays 0
    if y.min() == y.max():
        p = climatology(y)
        return LogisticFit(features, mean, scale, np.zeros(x.shape[1]), float(np.log(p / (1 - p))),
                           degenerate=True)
    model = LogisticRegression(C=c, solver="newton-cholesky", tol=1e-10, max_iter=200)
    model.fit((x - mean) / scale, y)
    return LogisticFit(features, mean, scale, model.coef_[0].copy(), float(model.intercept_[0]))
