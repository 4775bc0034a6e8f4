"""Scores of probability forecasts of a 0/1 outcome, and their uncertainty.

For forecasts p_t ∈ [0, 1] of outcomes y_t ∈ {0, 1}, t = 1..n:

    Brier score      BS  = (1/n) Σ (p_t − y_t)²                       (0 best, unitless)
    log loss         LL  = −(1/n) Σ [y_t ln p_t + (1 − y_t) ln(1 − p_t)]   (nats; p clipped
                                                                     to [1e-15, 1 − 1e-15])
    average precision AP = Σ_k (R_k − R_{k−1}) P_k over the distinct thresholds, highest
                      first (the area under the precision–recall curve as a step function,
                      the definition of scikit-learn's ``average_precision_score``); its
                      no-skill value is the share of positive months
    Brier skill      BSS = 1 − BS / BS_ref   (1 perfect, 0 no better than the reference,
                                              negative worse)

Brier decomposition (Murphy 1973), forecasts grouped into K equal-width bins with n_k
forecasts of mean f̄_k and observed frequency ō_k, ō the overall frequency:

    reliability REL = (1/n) Σ_k n_k (f̄_k − ō_k)²     (0 best: forecasts mean what they say)
    resolution  RES = (1/n) Σ_k n_k (ō_k − ō)²       (higher is better: forecasts sort months)
    uncertainty UNC = ō (1 − ō)                      (the climatological Brier score of the
                                                      sample: not the forecaster's doing)

BS = REL − RES + UNC exactly when forecasts are constant within each bin; otherwise the
difference (the within-bin terms) is reported as ``residual``.

Diebold–Mariano comparison of two forecasts with losses L_{1,t}, L_{2,t} (e.g. squared
errors): d_t = L_{1,t} − L_{2,t},

    DM = d̄ / sqrt(V̂ / n),   V̂ = γ̂_0 + 2 Σ_{l=1..ℓ} (1 − l / (ℓ + 1)) γ̂_l

(Newey–West long-run variance with the Bartlett kernel, γ̂_l the lag-l autocovariance of d
with divisor n, ℓ = max(h − 1, ⌊4 (n / 100)^(2/9)⌋)), compared with Student's t with n − 1
degrees of freedom (Harvey, Leybourne and Newbold 1997). DM < 0 means the first forecast has
the lower loss; p is two-sided. The tests check V̂ against statsmodels' HAC standard error.

Uncertainty: a moving-block bootstrap over months (blocks of 12 months keep the serial
dependence of a monthly series) gives an interval for each skill score, and the Wilson
score interval gives one for each observed frequency of the reliability table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

Z90 = 1.6448536269514722   # standard normal quantile for a two-sided 90% interval


def _arrays(p, y) -> tuple[np.ndarray, np.ndarray]:
    p, y = np.asarray(p, dtype=float), np.asarray(y, dtype=float)
    if p.shape != y.shape:
        raise ValueError(f"forecasts ({p.shape}) and outcomes ({y.shape}) differ in shape")
    return p, y


def brier_score(p, y) -> float:
    """Mean squared difference between forecast probability and outcome."""
    p, y = _arrays(p, y)
    return float(np.mean((p - y) ** 2)) if len(p) else float("nan")


def log_loss(p, y, eps: float = 1e-15) -> float:
    """Mean negative log-likelihood of the outcomes, in nats."""
    p, y = _arrays(p, y)
    if not len(p):
        return float("nan")
    p = np.clip(p, eps, 1 - eps)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log1p(-p)))


def average_precision(p, y) -> float:
    """Area under the precision–recall curve (step-wise, no interpolation); NaN without
    positive outcomes."""
    p, y = _arrays(p, y)
    if not y.sum():
        return float("nan")
    order = np.argsort(-p, kind="mergesort")
    p_sorted, y_sorted = p[order], y[order]
    last_of_tie = np.r_[np.diff(p_sorted) != 0, True]      # one threshold per distinct score
    tp = np.cumsum(y_sorted)[last_of_tie]
    fp = np.cumsum(1 - y_sorted)[last_of_tie]
    precision = tp / (tp + fp)
    recall = tp / tp[-1]
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def brier_skill(brier: float, brier_ref: float) -> float:
    """1 − BS / BS_ref; NaN when the reference is perfect (BS_ref = 0)."""
    return float(1 - brier / brier_ref) if brier_ref > 0 else float("nan")


def wilson_interval(k: np.ndarray, n: np.ndarray, z: float = Z90) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a binomial proportion k/n (NaN where n = 0)."""
    k, n = np.asarray(k, dtype=float), np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        centre = (k + z * z / 2) / (n + z * z)
        half = z * np.sqrt(k * (n - k) / n + z * z / 4) / (n + z * z)
    lo, hi = np.where(n > 0, centre - half, np.nan), np.where(n > 0, centre + half, np.nan)
    return np.clip(lo, 0, 1), np.clip(hi, 0, 1)


def reliability_table(p, y, bins: int = 10) -> pd.DataFrame:
    """Forecasts binned into ``bins`` equal-width bins of [0, 1]: per bin the number of
    forecasts, their mean, the observed frequency of the event and its 90% Wilson interval."""
    p, y = _arrays(p, y)
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(p, edges[1:-1], right=False), 0, bins - 1)
    n = np.bincount(which, minlength=bins)
    k = np.bincount(which, weights=y, minlength=bins)
    total = np.bincount(which, weights=p, minlength=bins)
    lo, hi = wilson_interval(k, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        return pd.DataFrame({
            "bin": np.arange(bins), "lo": edges[:-1], "hi": edges[1:], "n": n.astype(int),
            "events": k.astype(int),
            "mean_forecast": np.where(n > 0, total / n, np.nan),
            "observed": np.where(n > 0, k / n, np.nan), "observed_lo": lo, "observed_hi": hi,
        })


def block_bootstrap_indices(n: int, block: int, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """``n_boot`` resamples (rows) of positions 0..n−1 built from random runs of ``block``
    consecutive positions (moving-block bootstrap)."""
    block = max(1, min(block, n))
    per = -(-n // block)
    starts = rng.integers(0, n - block + 1, size=(n_boot, per))
    return (starts[:, :, None] + np.arange(block)).reshape(n_boot, -1)[:, :n]


def skill_interval(sq_err: np.ndarray, sq_err_ref: np.ndarray, idx: np.ndarray,
                   level: float = 0.90) -> tuple[float, float]:
    """Bootstrap interval of BSS = 1 − mean(sq_err)/mean(sq_err_ref) over resamples ``idx``."""
    num, den = sq_err[idx].mean(axis=1), sq_err_ref[idx].mean(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        bss = 1 - num / den
    bss = bss[np.isfinite(bss)]
    if not len(bss):
        return float("nan"), float("nan")
    tail = (1 - level) / 2 * 100
    lo, hi = np.percentile(bss, [tail, 100 - tail])
    return float(lo), float(hi)


def brier_decomposition(p, y, bins: int = 10) -> dict[str, float]:
    """Reliability, resolution and uncertainty of the Brier score (module docstring), and the
    residual BS − (REL − RES + UNC) left by the within-bin spread of the forecasts."""
    p, y = _arrays(p, y)
    if not len(p):
        return {"reliability": float("nan"), "resolution": float("nan"),
                "uncertainty": float("nan"), "residual": float("nan")}
    table = reliability_table(p, y, bins)
    used = table[table["n"] > 0]
    n, base = len(p), float(y.mean())
    rel = float(np.sum(used["n"] * (used["mean_forecast"] - used["observed"]) ** 2) / n)
    res = float(np.sum(used["n"] * (used["observed"] - base) ** 2) / n)
    unc = base * (1 - base)
    return {"reliability": rel, "resolution": res, "uncertainty": unc,
            "residual": brier_score(p, y) - (rel - res + unc)}


def newey_west_lag(n: int, horizon: int = 1) -> int:
    """ℓ = max(h − 1, ⌊4 (n / 100)^(2/9)⌋)."""
    return max(horizon - 1, int(4 * (n / 100) ** (2 / 9)))


def long_run_variance(d: np.ndarray, lag: int) -> float:
    """Newey–West (Bartlett) long-run variance of a series, autocovariances with divisor n."""
    d = np.asarray(d, dtype=float)
    n = len(d)
    u = d - d.mean()
    v = float(u @ u / n)
    for lag_ in range(1, min(lag, n - 1) + 1):
        v += 2 * (1 - lag_ / (lag + 1)) * float(u[lag_:] @ u[:-lag_] / n)
    return v


def diebold_mariano(loss_a: np.ndarray, loss_b: np.ndarray, horizon: int = 1) -> tuple[float, float]:
    """DM statistic of loss_a − loss_b and its two-sided p-value (module docstring); NaN when
    the two losses are identical or there are fewer than 3 months."""
    from scipy.stats import t as student_t

    d = np.asarray(loss_a, dtype=float) - np.asarray(loss_b, dtype=float)
    n = len(d)
    if n < 3:
        return float("nan"), float("nan")
    v = long_run_variance(d, newey_west_lag(n, horizon))
    if not v > 1e-18:
        return float("nan"), float("nan")
    stat = float(d.mean() / np.sqrt(v / n))
    return stat, float(2 * student_t.sf(abs(stat), n - 1))


def mean_difference_interval(loss_a: np.ndarray, loss_b: np.ndarray, idx: np.ndarray,
                             level: float = 0.90) -> tuple[float, float]:
    """Block-bootstrap interval of mean(loss_a) − mean(loss_b) over resamples ``idx``."""
    d = np.asarray(loss_a, dtype=float) - np.asarray(loss_b, dtype=float)
    means = d[idx].mean(axis=1)
    tail = (1 - level) / 2 * 100
    lo, hi = np.percentile(means, [tail, 100 - tail])
    return float(lo), float(hi)
