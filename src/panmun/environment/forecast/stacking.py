"""The combination: a linear pool of models whose weights are learned on earlier months.

For component forecasts f_{s,j} (model j's predictive probability of what happened at
origin s: p_{s,j} if the event happened, 1 − p_{s,j} if not; or model j's P(d_s) for counts),
the pooled forecast is Σ_j w_j f_{s,j} with weights on the simplex (w_j ≥ 0, Σ w_j = 1)
that maximise the log score of the pool over the origins s of the stacking window before
t whose outcome is known by t:

    w(t) = argmax_w Σ_{s ∈ [t − W, t − h]} ln Σ_j w_j f_{s,j}

(stacking of predictive distributions; Yao, Vehtari, Simpson and Gelman 2018). The component
forecasts at s were themselves made from months before s, so the weights are learned on
out-of-sample forecasts and on earlier months only. The maximisation is the EM iteration
for mixture weights, w_j ← mean_s [w_j f_{s,j} / Σ_i w_i f_{s,i}], which raises the
objective at every step, until the mean log score gains less than 1e-8 nats; it starts from
the previous origin's weights (equal weights at first; the objective is concave, so the
optimum does not depend on the start), and with fewer than ``min_months``
known outcomes the weights stay equal.
"""

from __future__ import annotations

import numpy as np

MIN_MONTHS = 24


def pool_weights_em(lik: np.ndarray, iters: int = 100_000, tol: float = 1e-13) -> np.ndarray:
    """The same optimum by the EM iteration for mixture weights from equal weights (slow near
    the boundary; the reference for :func:`pool_weights` in the tests)."""
    lik = np.maximum(np.asarray(lik, dtype=float), 1e-300)
    w = np.full(lik.shape[1], 1 / lik.shape[1])
    mix = lik @ w
    score = np.log(mix).mean()
    for _ in range(iters):
        w = w * (lik / mix[:, None]).mean(axis=0)
        w /= w.sum()
        mix = lik @ w
        new = np.log(mix).mean()
        if new - score < tol:
            break
        score = new
    return w


def pool_weights(lik: np.ndarray) -> np.ndarray:
    """Simplex weights maximising F(w) = (1/m) Σ_s ln Σ_j w_j lik[s, j], by an interior-point
    method: Newton's method on F(w) + μ Σ_j ln w_j under Σ_j w_j = 1, for μ = 10⁻³, 10⁻⁵, 10⁻⁷,
    10⁻⁹ in turn (each started from the last; a weight the optimum puts at 0 ends near μ).

    With mix_s = Σ_j w_j lik[s, j] and u_s = lik[s, :] / mix_s: gradient
    g = mean_s u_s + μ / w, Hessian H = −mean_s u_s u_sᵀ − diag(μ / w²) (negative definite);
    each step solves [H 1; 1ᵀ 0][d; ν] = [−g; 0] and moves along d, staying inside the
    simplex, with step halving until the barrier objective rises, until the Newton
    decrement −dᵀHd falls below 10⁻¹⁴ or a step gains less than 10⁻¹³.
    """
    lik = np.maximum(np.asarray(lik, dtype=float), 1e-300)
    m, k = lik.shape
    w = np.full(k, 1 / k)
    kkt = np.zeros((k + 1, k + 1))
    kkt[:k, k] = kkt[k, :k] = 1.0
    rhs = np.zeros(k + 1)
    for mu in (1e-3, 1e-5, 1e-7, 1e-9):
        def barrier(v: np.ndarray, mu: float = mu) -> float:
            return float(np.log(lik @ v).mean() + mu * np.log(v).sum())

        current = barrier(w)
        for _ in range(50):
            u = lik / (lik @ w)[:, None]
            h = -(u.T @ u) / m
            h[np.diag_indices(k)] -= mu / w ** 2
            kkt[:k, :k] = h
            rhs[:k] = -(u.mean(axis=0) + mu / w)
            d = np.linalg.solve(kkt, rhs)[:k]
            if -d @ h @ d < 1e-14:                     # Newton decrement: at the optimum for μ
                break
            shrinking = d < 0
            size = min(1.0, 0.99 * float(np.min(-w[shrinking] / d[shrinking]))) if shrinking.any() else 1.0
            for _ in range(30):
                trial = w + size * d
                new = barrier(trial)
                if new >= current:
                    break
                size /= 2
            else:
                break
            gain, w, current = new - current, trial / trial.sum(), new
            if gain < 1e-13:
                break
    return w


def rolling_weights(lik: np.ndarray, window: int | None, resolve: int = 1,
                    relearn: np.ndarray | None = None, min_months: int = MIN_MONTHS) -> np.ndarray:
    """Weights for every position t (rows of ``lik``: positions × components; NaN rows have no
    known outcome or no forecast) from positions t − window..t − resolve, learned again at
    the positions where ``relearn`` is true (default: every position) and kept in between."""
    lik = np.asarray(lik, dtype=float)
    n_pos, k = lik.shape
    relearn = np.ones(n_pos, dtype=bool) if relearn is None else np.asarray(relearn, dtype=bool)
    known = ~np.isnan(lik).any(axis=1)
    out = np.full((n_pos, k), 1 / k)
    current = out[0].copy()
    for t in range(n_pos):
        if relearn[t] or t == 0:
            lo = 0 if window is None else max(0, t - window)
            rows = np.arange(lo, max(lo, t - resolve + 1))
            rows = rows[known[rows]]
            current = pool_weights(lik[rows]) if len(rows) >= min_months else np.full(k, 1 / k)
        out[t] = current
    return out


def binary_likelihood(p: np.ndarray, outcome: np.ndarray) -> np.ndarray:
    """f = p where the outcome is 1, 1 − p where 0, NaN where unknown (positions × models)."""
    outcome = np.asarray(outcome, dtype=float)[:, None]
    return np.where(np.isnan(outcome), np.nan, np.where(outcome == 1, p, 1 - p))
