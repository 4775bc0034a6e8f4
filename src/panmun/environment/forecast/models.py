"""The forecast models' settings, the rule baselines, the Markov chain and the logistic regression.

Every model gives p_t = P(y_t = 1), the probability of the event in month t, from the
months before t only. The moving averages are in :mod:`.baselines`, the dynamic model in
:mod:`.dynamic`, the regime model in :mod:`.regime`, the combination in :mod:`.stacking`.

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
    L2-regularised logistic regression (Newton's method; the intercept is not penalised)
    on standardised features z_j = (x_j − mean_j) / sd_j of the training window:
    logit p_t = β₀ + Σ_j β_j z_{t,j},  minimising  −Σ log-likelihood + ‖β‖² / (2C).
    A feature's contribution to a forecast is β_j z_{t,j} (in log-odds), so the forecast
    is read as the intercept plus the contributions. ``logistic`` uses the frozen feature
    set (history, recency and, if chosen, drivers: :data:`.features.FEATURE_SETS`);
    ``logistic-history`` the target's history only, to show what the rest adds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import expit

from panmun.environment.forecast.features import FEATURE_SETS, HISTORY_FEATURES
from panmun.environment.forecast.frozen import frozen_settings

#: The baselines every model is judged against (binary forecasts).
BASELINES: tuple[str, ...] = ("climatology", "persistence", "markov", "moving-average", "ewma")
#: Binary models, baselines first.
MODELS: tuple[str, ...] = BASELINES + ("dynamic", "regime", "logistic", "logistic-history", "stack")
#: Count baselines and models (launch days next month).
COUNT_BASELINES: tuple[str, ...] = ("climatology", "moving-average", "ewma")
COUNT_MODELS: tuple[str, ...] = COUNT_BASELINES + ("dynamic", "regime", "stack")
#: Models with h-month probabilities, baselines first.
HORIZON_BASELINES: tuple[str, ...] = ("climatology", "persistence", "markov", "moving-average", "ewma")
HORIZON_MODELS: tuple[str, ...] = HORIZON_BASELINES + ("dynamic", "regime", "stack")


def logistic_features(settings: ForecastSettings) -> dict[str, tuple[str, ...]]:
    """The logistic models and their features: ``logistic`` with the frozen feature set,
    ``logistic-history`` with the target's history only (for comparison)."""
    return {"logistic": FEATURE_SETS[settings.logistic_features], "logistic-history": HISTORY_FEATURES}


_FROZEN = frozen_settings()


@dataclass(frozen=True)
class ForecastSettings:
    """Parameters of the models and of the evaluation; the defaults are the frozen
    configuration (``config/frozen.yaml``, see :mod:`.frozen`).

    c: inverse L2 penalty of the logistic regression on standardised features (unitless;
       smaller is stronger shrinkage).
    persistence_eps: ε of the persistence forecast (probability).
    window: training window, in months before each forecast month (None: all of them), of
       climatology, the Markov chain, the logistic fits, the per-origin choices of the
       moving average's k and the weighted average's λ, and the weights over the dynamic
       model's q.
    bins: number of equal-width reliability bins.
    n_boot, block, seed: moving-block bootstrap of the skill scores (resamples, block
       length in months, seed of ``numpy.random.default_rng``).
    next_boot: block-bootstrap refits behind the interval of the coming month's logistic
       probabilities (and parameter draws behind the regime model's).
    logistic_features: the feature set of the ``logistic`` model (a key of
       :data:`.features.FEATURE_SETS`).
    ma_windows: the moving average's k candidates (months; preferred first on ties).
    ewma_decays: the weighted average's λ candidates (per month; preferred first).
    dynamic_q: the dynamic model's grid of level variances q (per month, link scale²).
    hmm_states: number of hidden states of the regime model.
    refit: months between refits of the regime model and of the combination's weights
       (each January when 12).
    stack_components, count_stack_components: the models the combination pools (binary
       and counts); stack_window: months of earlier forecasts its weights are learned on.
    horizons: the h of the h-month probabilities.
    chosen, chosen_count: the model whose forecast is the headline (binary and counts),
       chosen on the selection period.
    """

    c: float = _FROZEN["c"]
    persistence_eps: float = _FROZEN["persistence_eps"]
    window: int | None = _FROZEN["window"]
    bins: int = 10
    n_boot: int = 1000
    block: int = 12
    seed: int = 2018
    next_boot: int = 200
    logistic_features: str = _FROZEN["logistic_features"]
    ma_windows: tuple[int, ...] = _FROZEN["ma_windows"]
    ewma_decays: tuple[float, ...] = _FROZEN["ewma_decays"]
    dynamic_q: tuple[float, ...] = _FROZEN["dynamic_q"]
    hmm_states: int = _FROZEN["hmm_states"]
    refit: int = _FROZEN["refit"]
    stack_components: tuple[str, ...] = _FROZEN["stack_components"]
    count_stack_components: tuple[str, ...] = _FROZEN["count_stack_components"]
    stack_window: int | None = _FROZEN["stack_window"]
    horizons: tuple[int, ...] = _FROZEN["horizons"]
    chosen: str = _FROZEN["chosen"]
    chosen_count: str = _FROZEN["chosen_count"]


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
        return expit(logit)

    def contributions(self, x: np.ndarray) -> pd.DataFrame:
        """Each feature's value, standardised value, coefficient and contribution β_j z_j
        (log-odds) for one month, largest in size first."""
        x = np.asarray(x, dtype=float).ravel()
        z = self.standardise(x)
        df = pd.DataFrame({"feature": self.features, "value": x, "z": z, "coef": self.coef,
                           "contribution": self.coef * z})
        return df.reindex(df["contribution"].abs().sort_values(ascending=False).index)


def fit_logistic(x: np.ndarray, y: np.ndarray, features: tuple[str, ...], c: float) -> LogisticFit:
    """Fit the L2-regularised logistic regression on standardised ``x`` by Newton's method.

    Minimises  L(β₀, β) = −Σ_t [y_t ln p_t + (1 − y_t) ln(1 − p_t)] + ‖β‖² / (2C),
    p_t = σ(β₀ + z_t·β), with gradient Z̃ᵀ(p − y) + (0, β/C) and Hessian Z̃ᵀ W Z̃ + diag(0, 1/C, ...),
    W = diag(p(1 − p)), Z̃ = [1, Z]. The penalised loss is strictly convex in β and convex in
    β₀; steps are halved until the loss decreases. scikit-learn's ``LogisticRegression``
    (Newton–Cholesky) is the reference implementation in the tests.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)               # a constant feature stays 0
    if y.min() == y.max():
        p = climatology(y)
        return LogisticFit(features, mean, scale, np.zeros(x.shape[1]), float(np.log(p / (1 - p))),
                           degenerate=True)
    z = np.column_stack([np.ones(len(y)), (x - mean) / scale])
    penalty = np.r_[0.0, np.full(x.shape[1], 1.0 / c)]
    p0 = climatology(y)
    beta = np.r_[np.log(p0 / (1 - p0)), np.zeros(x.shape[1])]

    def loss(b: np.ndarray) -> float:
        eta = z @ b
        return float(np.sum(np.logaddexp(0, eta) - y * eta) + 0.5 * np.sum(penalty * b * b))

    current = loss(beta)
    for _ in range(100):
        p = 1 / (1 + np.exp(-(z @ beta)))
        grad = z.T @ (p - y) + penalty * beta
        hess = (z * (p * (1 - p))[:, None]).T @ z + np.diag(penalty) + 1e-12 * np.eye(len(beta))
        step = np.linalg.solve(hess, grad)
        size = 1.0
        while size > 1e-6:
            trial = beta - size * step
            new = loss(trial)
            if new <= current + 1e-12:
                break
            size /= 2
        beta, done = trial, current - new < 1e-13 and np.max(np.abs(size * step)) < 1e-9
        current = new
        if done:
            break
    return LogisticFit(features, mean, scale, beta[1:].copy(), float(beta[0]))
