"""The simple baselines every model is judged against, for the three kinds of forecast.

Positions t = 0..n index the months of a series y_0..y_{n−1} (0/1) with launch days
d_0..d_{n−1}; position n is the coming month. Every forecast for t uses months before t only;
months before the series count as 0.

Binary forecasts p_t = P(y_t = 1), all Jeffreys-smoothed (never 0 or 1, so log loss stays
finite):

    climatology      p_t = (S + ½) / (N + 1),  S = Σ y over the training window of N months
    moving-average   p_t = (S_k + ½) / (k + 1),  S_k = Σ_{i=1..k} y_{t−i},  k ∈ {3, 6, 12}
    ewma             p_t = (S_λ + ½) / (N_λ + 1),  S_λ = Σ_{i≥1} λ^(i−1) y_{t−i},
                     N_λ = Σ_{i≥1} λ^(i−1)  (the exponentially weighted share of months with
                     the event; λ from a grid)

(persistence and the Markov chain are in :mod:`.models`). The moving average's k and the
weighted average's λ are chosen again at every origin t: the candidate with the lowest mean
Brier score over the months of the training window before t (:func:`pick_by_past_loss`),
so the choice, too, uses earlier months only.

Counts: the same sums of launch days give the Gamma–Poisson predictive of
:func:`.counts.gamma_poisson_pmf` (k and λ chosen by the mean CRPS of earlier months).

Horizons: P(at least one event in months t..t+h−1). With p ~ Beta(a, b) (a = S + ½,
b = N − S + ½, the posterior behind the binary forecast) and months independent given p,

    P = 1 − E[(1 − p)^h] = 1 − Π_{j=0..h−1} (b + j) / (a + b + j);

the Markov chain gives 1 − (1 − p_s)(1 − p_0)^(h−1) from last month's state s; persistence
gives ε + (1 − 2ε)·1{an event in the last h months}. k and λ are chosen by the Brier score of
the h-month outcomes resolved before t (origins s ≤ t − h).
"""

from __future__ import annotations

import numpy as np

from panmun.environment.forecast.counts import gamma_poisson_pmf
from panmun.environment.forecast.features import ewma_sums


def trailing_sums(x: np.ndarray, k: int | None) -> tuple[np.ndarray, np.ndarray]:
    """For t = 0..n: Σ of x over the k months before t (all earlier months if k is None),
    and the number of those months that exist."""
    x = np.asarray(x, dtype=float)
    csum = np.concatenate([[0.0], np.cumsum(x)])
    t = np.arange(len(x) + 1)
    lo = np.zeros_like(t) if k is None else np.maximum(t - k, 0)
    return csum[t] - csum[lo], (t - lo).astype(float)


def beta_binomial_any(s: np.ndarray, n: np.ndarray, h: int) -> np.ndarray:
    """P(at least one event in h months) for p ~ Beta(s + ½, n − s + ½)."""
    a = np.asarray(s, dtype=float) + 0.5
    b = np.asarray(n, dtype=float) - np.asarray(s, dtype=float) + 0.5
    none = np.ones_like(a)
    for j in range(h):
        none *= (b + j) / (a + b + j)
    return 1 - none


def pick_by_past_loss(loss: np.ndarray, window: int | None, resolve: int = 1) -> np.ndarray:
    """Index of the candidate (row of ``loss``, shape K × T) with the lowest mean loss over
    positions s with t − window ≤ s ≤ t − resolve, for every t = 0..T−1. NaN losses
    (outcome unknown) are skipped; ties and positions without any past loss go to the
    first candidate (list the preferred one first)."""
    loss = np.asarray(loss, dtype=float)
    k, n_pos = loss.shape
    known = ~np.isnan(loss)
    csum = np.concatenate([np.zeros((k, 1)), np.cumsum(np.where(known, loss, 0.0), axis=1)], axis=1)
    ccount = np.concatenate([np.zeros((k, 1)), np.cumsum(known, axis=1)], axis=1)
    t = np.arange(n_pos)
    hi = np.clip(t - resolve + 1, 0, n_pos)
    lo = np.zeros_like(t) if window is None else np.clip(t - window, 0, n_pos)
    lo = np.minimum(lo, hi)
    total, count = csum[:, hi] - csum[:, lo], ccount[:, hi] - ccount[:, lo]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(count > 0, total / np.maximum(count, 1), np.inf)
    return np.argmin(mean, axis=0)        # the first of equal minima; all inf → 0


def horizon_outcome(y: np.ndarray, h: int) -> np.ndarray:
    """Y^h_t = 1 if any of y_t..y_{t+h−1} is 1, for t = 0..n (NaN where not yet known)."""
    y = np.asarray(y, dtype=float)
    n = len(y)
    out = np.full(n + 1, np.nan)
    for t in range(n - h + 1):
        out[t] = float(y[t:t + h].max())
    return out


def _squared(p: np.ndarray, outcome: np.ndarray) -> np.ndarray:
    return (p - outcome) ** 2


class SumFamily:
    """Forecasts built from weighted sums S (events) and N (months) before each position:
    one candidate per row (window lengths k, or decays λ)."""

    def __init__(self, s_y: np.ndarray, s_d: np.ndarray, n: np.ndarray, labels: list[float]):
        self.s_y, self.s_d, self.n, self.labels = s_y, s_d, n, labels   # each K × (T + 1)

    def binary(self) -> np.ndarray:
        return (self.s_y + 0.5) / (self.n + 1)

    def horizon(self, h: int) -> np.ndarray:
        return beta_binomial_any(self.s_y, self.n, h)

    def count_pmf(self, row: int) -> np.ndarray:
        return gamma_poisson_pmf(self.s_d[row], self.n[row])


def moving_average_family(y: np.ndarray, days: np.ndarray, ks: tuple[int, ...]) -> SumFamily:
    """Moving averages over the last k months, one row per k (ks in order of preference)."""
    rows = [trailing_sums(y, k) for k in ks]
    s_d = np.array([trailing_sums(days, k)[0] for k in ks])
    n = np.array([np.full(len(y) + 1, float(k)) for k in ks])   # missing early months count 0
    return SumFamily(np.array([r[0] for r in rows]), s_d, n, [float(k) for k in ks])


def ewma_family(y: np.ndarray, days: np.ndarray, decays: tuple[float, ...]) -> SumFamily:
    """Exponentially weighted averages, one row per decay λ (in order of preference)."""
    ones = np.ones(len(y))
    return SumFamily(np.array([ewma_sums(y, lam) for lam in decays]),
                     np.array([ewma_sums(days, lam) for lam in decays]),
                     np.array([ewma_sums(ones, lam) for lam in decays]), [float(v) for v in decays])


def choose(values: np.ndarray, pick: np.ndarray) -> np.ndarray:
    """values[pick[t], t] for every t."""
    return values[pick, np.arange(values.shape[1])]


def chosen_binary(family: SumFamily, y: np.ndarray, window: int | None) -> tuple[np.ndarray, np.ndarray]:
    """The family's binary forecast for t = 0..n with the candidate chosen at each t by the mean
    Brier score of earlier months in the window; and the chosen labels."""
    p = family.binary()
    outcome = np.r_[np.asarray(y, dtype=float), np.nan]
    pick = pick_by_past_loss(_squared(p, outcome[None, :]), window)
    return choose(p, pick), np.asarray(family.labels)[pick]


def chosen_horizon(family: SumFamily, y: np.ndarray, h: int, window: int | None) -> np.ndarray:
    """The family's h-month forecast with the candidate chosen on resolved h-month outcomes."""
    p = family.horizon(h)
    outcome = horizon_outcome(y, h)
    pick = pick_by_past_loss(_squared(p, outcome[None, :]), window, resolve=h)
    return choose(p, pick)


def chosen_counts(family: SumFamily, days: np.ndarray, window: int | None) -> tuple[np.ndarray, np.ndarray]:
    """The family's count forecasts (T + 1 × D + 1) with the candidate chosen at each t by the
    mean CRPS of earlier months; and the chosen labels."""
    from panmun.environment.forecast.counts import crps

    pmfs = [family.count_pmf(r) for r in range(len(family.labels))]
    observed = np.r_[np.asarray(days, dtype=int), 0]
    loss = np.array([crps(pmf, observed) for pmf in pmfs])
    loss[:, -1] = np.nan                                   # the coming month: no outcome
    pick = pick_by_past_loss(loss, window)
    stacked = np.stack(pmfs)                               # K × (T + 1) × (D + 1)
    return stacked[pick, np.arange(stacked.shape[1])], np.asarray(family.labels)[pick]


def climatology_sums(y: np.ndarray, days: np.ndarray, window: int | None
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Σ y, Σ d and the number of months in the training window before each t = 0..n."""
    s_y, n = trailing_sums(y, window)
    s_d, _ = trailing_sums(days, window)
    return s_y, s_d, n


def markov_horizon(p1: np.ndarray, p0: np.ndarray, lag1: np.ndarray, h: int) -> np.ndarray:
    """1 − (1 − p_s)(1 − p_0)^(h−1), s = last month's state (p1, p0: P(y=1 | 1), P(y=1 | 0))."""
    first = np.where(np.asarray(lag1) > 0, p1, p0)
    return 1 - (1 - first) * (1 - p0) ** (h - 1)


def persistence_horizon(y: np.ndarray, h: int, eps: float) -> np.ndarray:
    """ε + (1 − 2ε)·1{an event in the h months before t}, for t = 0..n."""
    s, _ = trailing_sums(y, h)
    return eps + (1 - 2 * eps) * (s > 0)
