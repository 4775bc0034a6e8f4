"""The regime model: a hidden Markov model of launch days with quiet and campaign states.

A hidden state s_t ∈ {1..K} (K = 2: quiet, testing campaign; K = 3 adds a middle state)
follows a Markov chain, and the launch days of month t are Poisson given the state:

    P(s_t = k | s_{t−1} = j) = A_jk,        d_t | s_t = k ~ Poisson(λ_k),   λ_1 < ... < λ_K

so a month's launch probability is P(y_t = 1) = Σ_k π_t(k) (1 − e^(−λ_k)) with
π_t(k) = P(s_t = k | d_0..d_{t−1}), from the forward recursion (scaled):

    π_t = (φ_{t−1} A),   φ_t ∝ π_t ⊙ Poisson(d_t; λ),  φ_t summing to 1.

The count forecast is the mixture Σ_k π_t(k) Poisson(d; λ_k). The h-month probability of at
least one launch is 1 − 1ᵀ-sum of v_h, v_1 = π_t ⊙ e^(−λ), v_{j+1} = (v_j A) ⊙ e^(−λ).

Fit: maximum a posteriori by EM (Baum–Welch), with Jeffreys-like pseudo-counts so that no
rate or transition is exactly 0: A_jk = (Σ_t ξ_t(j, k) + ½) / (Σ_t γ_t(j) + K/2),
λ_k = (Σ_t γ_t(k) d_t + ½) / (Σ_t γ_t(k) + 1), where γ and ξ are the smoothed state and
transition probabilities of the E-step. The model is refitted every ``refit`` months
(each January by default) on all months before the refit, starting from the last fit,
and filters month by month in between: every forecast uses earlier months only. The first
fit is at the 24th month of the series, the next ones each January.

Parameter uncertainty (the coming month's interval): given the smoothed allocation of
the last fit, λ_k ~ Gamma(Σ γ d + ½, Σ γ + 1) and each row of A ~ Dirichlet(Σ ξ + ½); the
interval is the 5%–95% range of P(y = 1) over draws, with the filtered state held fixed.
The brute-force sum over all state paths of a short series is the reference in the tests.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import poisson

from panmun.environment.forecast.counts import SUPPORT, lump_tail


@dataclass(frozen=True)
class HmmParams:
    """Initial state probabilities, transition matrix A (rows: from), Poisson rates λ (launch
    days per month, ascending), and the expected counts of the last E-step (for draws)."""

    start: np.ndarray
    trans: np.ndarray
    rates: np.ndarray
    trans_counts: np.ndarray | None = None
    state_months: np.ndarray | None = None
    state_days: np.ndarray | None = None


def initial_params(days: np.ndarray, k: int) -> HmmParams:
    """A start for EM: rates spread from the quiet rate to the busiest months' mean, sticky states."""
    days = np.asarray(days, dtype=float)
    positive = days[days > 0]
    high = positive.mean() if len(positive) else 1.0
    rates = np.geomspace(0.01, max(high, 0.05), k)
    trans = np.full((k, k), 0.05 / max(k - 1, 1))
    np.fill_diagonal(trans, 0.95)
    return HmmParams(np.full(k, 1 / k), trans, rates)


def emissions(days: np.ndarray, rates: np.ndarray) -> np.ndarray:
    """Poisson(d_t; λ_k), months × states."""
    # scipy-stubs types pmf as float | ndarray; it is an array for array arguments
    return poisson.pmf(np.asarray(days)[:, None], np.asarray(rates)[None, :])  # type: ignore[return-value]


def forward(days: np.ndarray, params: HmmParams) -> tuple[np.ndarray, np.ndarray, float]:
    """Predicted state probabilities π_t for t = 0..n (n + 1 rows), filtered φ_t for t = 0..n−1,
    and the log-likelihood of the n months."""
    e = emissions(days, params.rates)
    n, k = e.shape
    predicted, filtered = np.empty((n + 1, k)), np.empty((n, k))
    pi, loglik = params.start.copy(), 0.0
    for t in range(n):
        predicted[t] = pi
        joint = pi * e[t]
        c = joint.sum()
        loglik += np.log(c)
        filtered[t] = joint / c
        pi = filtered[t] @ params.trans
    predicted[n] = pi
    return predicted, filtered, float(loglik)


def _smooth(days: np.ndarray, params: HmmParams) -> tuple[np.ndarray, np.ndarray, float]:
    """State posteriors γ (n × K), summed transition posteriors Σ ξ (K × K) and log-likelihood."""
    e = emissions(days, params.rates)
    n, k = e.shape
    alpha, scale = np.empty((n, k)), np.empty(n)
    pi, trans = params.start, params.trans
    for t in range(n):
        a = pi * e[t]
        c = a.sum()
        scale[t] = c
        alpha[t] = a / c
        pi = alpha[t] @ trans
    beta = np.ones((n, k))
    weighted = e / scale[:, None]
    for t in range(n - 2, -1, -1):
        beta[t] = trans @ (weighted[t + 1] * beta[t + 1])
    xi = params.trans * (alpha[:-1].T @ (e[1:] * beta[1:] / scale[1:, None]))
    gamma = alpha * beta
    gamma /= gamma.sum(axis=1, keepdims=True)
    return gamma, xi, float(np.log(scale).sum())


def fit_hmm(days: np.ndarray, k: int, init: HmmParams | None = None, max_iter: int = 500,
            tol: float = 1e-3) -> HmmParams:
    """MAP estimate by EM (see the module docstring), states ordered by rate; iterated until
    the log-likelihood gains less than ``tol`` nats."""
    days = np.asarray(days, dtype=float)
    params = init if init is not None and len(init.rates) == k else initial_params(days, k)
    previous = -np.inf
    for _ in range(max_iter):
        gamma, xi, loglik = _smooth(days, params)
        months = gamma.sum(axis=0)
        state_days = gamma.T @ days
        trans = (xi + 0.5) / (xi.sum(axis=1, keepdims=True) + k / 2)
        rates = (state_days + 0.5) / (months + 1)
        params = HmmParams(gamma[0] * 0.98 + 0.02 / k, trans, rates, xi, months, state_days)
        if loglik - previous < tol:
            break
        previous = loglik
    order = np.argsort(params.rates)
    # each E-step sets the counts (fit_hmm iterates at least once)
    assert params.trans_counts is not None and params.state_months is not None
    assert params.state_days is not None
    return HmmParams(params.start[order], params.trans[np.ix_(order, order)], params.rates[order],
                     params.trans_counts[np.ix_(order, order)], params.state_months[order],
                     params.state_days[order])


def launch_probability(predicted: np.ndarray, rates: np.ndarray) -> np.ndarray:
    """P(d_t ≥ 1) = Σ_k π_t(k) (1 − e^(−λ_k)), per row of ``predicted``."""
    return np.atleast_2d(predicted) @ (1 - np.exp(-np.asarray(rates)))


def mixture_pmf(predicted: np.ndarray, rates: np.ndarray) -> np.ndarray:
    """Σ_k π_t(k) Poisson(d; λ_k), d = 0..D, per row of ``predicted``."""
    pmf = poisson.pmf(SUPPORT[:, None], np.asarray(rates)[None, :])      # (D + 1) × K
    return lump_tail(np.atleast_2d(predicted) @ pmf.T)  # type: ignore[union-attr]  # an array (scipy-stubs)


def horizon_probability(predicted: np.ndarray, params: HmmParams, h: int) -> np.ndarray:
    """P(at least one launch in h months from each row's month) (module docstring)."""
    quiet = np.exp(-params.rates)
    v = np.atleast_2d(predicted) * quiet
    for _ in range(h - 1):
        v = (v @ params.trans) * quiet
    return 1 - v.sum(axis=1)


@dataclass(frozen=True)
class RegimePaths:
    """Predicted state probabilities for positions ``lo``..n under the fit in force at each,
    and the fits (refit position → parameters)."""

    lo: int
    predicted: np.ndarray            # (n + 1 − lo) × K
    rates: np.ndarray                # (n + 1 − lo) × K: the rates in force at each position
    fits: dict[int, HmmParams]

    def params_at(self, t: int | np.integer) -> HmmParams:
        """The fit in force at position t (the last fit at or before it)."""
        return self.fits[max(r for r in self.fits if r <= t)]


def regime_paths(days: np.ndarray, first_month: int, lo: int, k: int, refit: int = 12,
                 min_months: int = 24) -> RegimePaths:
    """Forecasts for positions ``lo``..n (``lo`` ≥ ``min_months``). The model is first fitted
    at position ``min_months`` and then refitted every January (month index ≡ 0 mod
    ``refit``) on all months before the refit, each fit starting from the last one; the chain
    of fits is the same whatever ``lo`` is, so a month's forecast does not depend on where
    the forecasts start."""
    days = np.asarray(days, dtype=float)
    n = len(days)
    if lo < min_months:
        raise ValueError(f"the regime model forecasts from position {min_months}, not {lo}")
    refits = [min_months] + [t for t in range(min_months + 1, n + 1) if (first_month + t) % refit == 0]
    fits: dict[int, HmmParams] = {}
    predicted, rates = np.empty((n + 1 - lo, k)), np.empty((n + 1 - lo, k))
    params = None
    for i, r in enumerate(refits):
        params = fit_hmm(days[:r], k, init=params)
        fits[r] = params
        end = refits[i + 1] if i + 1 < len(refits) else n + 1
        start = max(r, lo)
        if end <= start:
            continue
        pred, _, _ = forward(days[:end - 1], params)
        predicted[start - lo:end - lo] = pred[start:end]
        rates[start - lo:end - lo] = params.rates
    return RegimePaths(lo, predicted, rates, fits)


def probability_draws(filtered_last: np.ndarray, params: HmmParams, draws: int,
                      rng: np.random.Generator) -> np.ndarray:
    """P(launch next month) under ``draws`` parameter draws (module docstring), the last
    filtered state φ held fixed."""
    k = len(params.rates)
    # params is a fit of fit_hmm, which sets the counts
    assert params.trans_counts is not None and params.state_months is not None
    assert params.state_days is not None
    rates = rng.gamma(params.state_days + 0.5, 1 / (params.state_months + 1), size=(draws, k))
    rows = np.stack([rng.dirichlet(params.trans_counts[j] + 0.5, size=draws) for j in range(k)], axis=1)
    predicted = np.einsum("j,djk->dk", filtered_last, rows)
    return np.sum(predicted * (1 - np.exp(-rates)), axis=1)
