"""The dynamic (state-space) model: a local level on the link scale, filtered month by month.

State and observation, for months t = 0, 1, ...:

    x_t = x_{t−1} + η_t,    η_t ~ N(0, q)                   (a random-walk level)
    y_t | x_t ~ Bernoulli(σ(x_t)),  σ(x) = 1 / (1 + e^(−x))  (binary: x is the log-odds of a
                                                              launch month)
    d_t | x_t ~ Poisson(e^(x_t))                             (counts: x is the log of the
                                                              expected launch days)

so the level follows testing campaigns: after a run of launch months it rises, after a quiet
year it sinks, at a speed set by q (the variance of the monthly change of the level, in
squared log-odds or squared log-rate units).

Filter: the exact Bayes filter on a grid of levels (a point-mass filter, the deterministic
cousin of the particle filter). With the density π_t(x) of x_t given the months before t on
the grid g_1..g_G (``GRID``: −12 to 8 in steps of 0.05),

    update    π_t⁺(g) ∝ π_t(g) · L(obs_t | g)                      (Bayes' rule)
    predict   π_{t+1}(g_i) ∝ Σ_j N(g_i − g_j; 0, q) Δg π_t⁺(g_j)    (the random walk, a
                                                                  convolution cut at ±6√q)

starting from N(m₀, P₀) (m₀ = −1.5 log-odds, or −2 log launch days; P₀ = 4). The grid
leaves out levels below −12 and above 8 (monthly probabilities below 6·10⁻⁶ or above
0.9997), which no month of the record comes near. The non-Gaussian posterior after a long
quiet spell is kept as it is: a Gaussian (Kalman-type) approximation of it overstates the
launch probability in the next campaign by up to 0.09 (measured in the tests). With a
Gaussian observation the same filter approximates the Kalman filter, which the tests check
against statsmodels' local-level model; the binary filter is checked against a particle
filter.

Forecast for month t from its predictive density π_t:

    p_t = Σ_g π_t(g) σ(g)            P(d_t = k) = Σ_g π_t(g) Poisson(k; e^g)

so the level's uncertainty is carried into the forecast; a 90% interval of the launch
probability is σ of the 5% and 95% quantiles of x_t. The probability of at least one launch
in t..t+h−1 is exact too: 1 − Σ v_h with v_1 = π_t (1 − σ), v_{j+1} = K v_j (1 − σ), K
the random-walk kernel.

q is not fixed: every q of a grid is filtered, and at each origin t the forecasts of the
q values are averaged with weights ∝ exp(log-likelihood of the months of the training
window before t) (Bayesian model averaging over q with a flat prior on the grid), so the
uncertainty about q enters the forecast too, and only earlier months set the weights.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.ndimage import convolve1d
from scipy.special import expit
from scipy.stats import norm, poisson

from panmun.environment.forecast.counts import SUPPORT, lump_tail

GRID = np.linspace(-12.0, 8.0, 401)
#: Start of the filter: the level before the first month (vague: σ = 2 on the link scale).
INITIAL_MEAN = {"bernoulli": -1.5, "poisson": -2.0, "gaussian": 0.0}
INITIAL_VAR = 4.0


@dataclass(frozen=True)
class Family:
    """The observation model L(obs | x) on the grid."""

    name: str
    r: float = 1.0          # observation variance (gaussian only)

    def likelihood(self, obs: float, grid: np.ndarray = GRID) -> np.ndarray:
        if self.name == "bernoulli":
            return expit(grid) if obs > 0 else expit(-grid)
        if self.name == "poisson":
            return poisson.pmf(int(obs), np.exp(grid))
        if self.name == "gaussian":
            return np.exp(-(obs - grid) ** 2 / (2 * self.r))
        raise ValueError(f"unknown family {self.name!r}")


BERNOULLI, POISSON = Family("bernoulli"), Family("poisson")


def kernel_taps(q: float, grid: np.ndarray = GRID) -> np.ndarray:
    """The random walk's transition on the grid, N(k Δg; 0, q) Δg for |k Δg| ≤ 6 √q: the
    taps of a convolution (the kernel K[i, j] = N(g_i − g_j; 0, q) Δg is Toeplitz)."""
    step = grid[1] - grid[0]
    half = int(np.ceil(6 * math.sqrt(q) / step))
    return norm.pdf(np.arange(-half, half + 1) * step, 0, math.sqrt(q)) * step


def propagate(densities: np.ndarray, q: float) -> np.ndarray:
    """One step of the random walk for each density (the last axis is the grid): K π."""
    return convolve1d(densities, kernel_taps(q), axis=-1, mode="constant")


def filter_level(obs: np.ndarray, q: float, family: Family, m0: float | None = None,
                 p0: float = INITIAL_VAR, grid: np.ndarray = GRID) -> np.ndarray:
    """The predictive densities π_t of x_t given obs_0..obs_{t−1} on ``grid``, for t = 0..n
    ((n + 1) × G, each row summing to 1)."""
    m = INITIAL_MEAN[family.name] if m0 is None else m0
    taps = kernel_taps(q, grid)
    density = norm.pdf(grid, m, math.sqrt(p0))
    density /= density.sum()
    likelihoods = {}
    out = np.empty((len(obs) + 1, len(grid)))
    for t in range(len(obs) + 1):
        out[t] = density
        if t < len(obs):
            key = float(obs[t])
            if key not in likelihoods:
                likelihoods[key] = family.likelihood(key, grid)
            posterior = density * likelihoods[key]
            density = convolve1d(posterior / posterior.sum(), taps, mode="constant")
            density /= density.sum()
    return out


def moments(densities: np.ndarray, grid: np.ndarray = GRID) -> tuple[np.ndarray, np.ndarray]:
    """Mean and variance of the level for each density (row)."""
    mean = densities @ grid
    return mean, densities @ grid ** 2 - mean ** 2


def predictive_probability(densities: np.ndarray) -> np.ndarray:
    """E[σ(x)] under each density (row)."""
    return densities @ expit(GRID)


def predictive_pmf(densities: np.ndarray) -> np.ndarray:
    """E[Poisson(d; e^x)] under each density (row), d = 0..D."""
    table = poisson.pmf(SUPPORT[None, :], np.exp(GRID)[:, None])      # G × (D + 1)
    return lump_tail(densities @ table)


def window_weights(loglik: np.ndarray, window: int | None) -> np.ndarray:
    """BMA weights over the q grid for every position t = 0..T−1: ∝ exp(Σ log-likelihood of
    positions t−window..t−1) (rows: q values; NaN log-likelihoods are skipped)."""
    ll = np.nan_to_num(np.asarray(loglik, dtype=float))
    csum = np.concatenate([np.zeros((ll.shape[0], 1)), np.cumsum(ll, axis=1)], axis=1)
    t = np.arange(ll.shape[1])
    lo = np.zeros_like(t) if window is None else np.maximum(t - window, 0)
    total = csum[:, t] - csum[:, lo]
    total -= total.max(axis=0, keepdims=True)
    w = np.exp(total)
    return w / w.sum(axis=0, keepdims=True)


@dataclass(frozen=True)
class LevelPaths:
    """Predictive densities of the level for every q of the grid and position
    (Q × (n + 1) × G), and the BMA weights of each q at each position (Q × (n + 1))."""

    qs: np.ndarray
    densities: np.ndarray
    weights: np.ndarray

    def expected_q(self) -> np.ndarray:
        return self.qs @ self.weights

    def mixture(self, t: int) -> np.ndarray:
        """The BMA mixture of the predictive densities at position t."""
        return self.weights[:, t] @ self.densities[:, t, :]


def binary_paths(y: np.ndarray, qs: tuple[float, ...], window: int | None) -> tuple[LevelPaths, np.ndarray]:
    """The binary local-level model for every position t = 0..n: the densities and the
    BMA-averaged probability p_t."""
    y = np.asarray(y, dtype=float)
    densities = np.array([filter_level(y, q, BERNOULLI) for q in qs])
    probs = densities @ expit(GRID)                                     # Q × (n + 1)
    outcome = np.r_[y, np.nan]
    with np.errstate(divide="ignore", invalid="ignore"):
        loglik = np.where(outcome == 1, np.log(probs), np.log1p(-probs))
    loglik[:, -1] = np.nan
    weights = window_weights(loglik, window)
    return LevelPaths(np.asarray(qs, dtype=float), densities, weights), np.sum(weights * probs, axis=0)


def count_paths(days: np.ndarray, qs: tuple[float, ...], window: int | None) -> tuple[LevelPaths, np.ndarray]:
    """The count (Poisson) local-level model for every position: densities and the
    BMA-averaged predictive P(d), (n + 1) × (D + 1)."""
    days = np.asarray(days, dtype=float)
    densities = np.array([filter_level(days, q, POISSON) for q in qs])
    pmfs = np.array([predictive_pmf(d) for d in densities])            # Q × (n + 1) × (D + 1)
    observed = np.minimum(np.r_[days, 0].astype(int), SUPPORT[-1])
    loglik = np.log(np.maximum(pmfs[:, np.arange(len(observed)), observed], 1e-300))
    loglik[:, -1] = np.nan
    weights = window_weights(loglik, window)
    return (LevelPaths(np.asarray(qs, dtype=float), densities, weights),
            np.einsum("qt,qtk->tk", weights, pmfs))


def horizon_probability(paths: LevelPaths, positions: np.ndarray, h: int) -> np.ndarray:
    """P(at least one launch in positions t..t+h−1) for each t of ``positions`` (binary
    model; the exact recursion of the module docstring), averaged over q with the BMA
    weights of t."""
    quiet = expit(-GRID)
    out = np.zeros(len(positions))
    for qi, q in enumerate(paths.qs):
        v = paths.densities[qi, positions, :] * quiet
        for _ in range(h - 1):
            v = propagate(v, q) * quiet
        out += paths.weights[qi, positions] * (1 - v.sum(axis=1))
    return out


def level_interval(paths: LevelPaths, t: int, level: float = 0.90) -> tuple[float, float]:
    """The ``level`` interval of the level x_t under the q-mixture of predictive densities at
    position t (σ of it bounds the launch probability, e^ of it the expected launch days)."""
    cdf = np.cumsum(paths.mixture(t))
    tail = (1 - level) / 2
    return float(np.interp(tail, cdf, GRID)), float(np.interp(1 - tail, cdf, GRID))
