"""Forecast distributions of the number of launch days in a month, and their scores.

A count forecast is a probability mass function over d = 0, 1, ..., D launch days
(D = ``MAX_DAYS`` = 31, the most days a month has); mass a model puts above D is added to
D, so every forecast sums to 1.

Gamma–Poisson (negative binomial) posterior predictive, the count baselines' forecast:
with monthly counts d_1..d_m weighted by w_i (1 for a plain window, decay^(i−1) for the
exponentially weighted average), S = Σ w_i d_i, N = Σ w_i, and the rate λ given the prior
Gamma(½, 0) (Jeffreys-like) and a Poisson likelihood, λ | data ~ Gamma(S + ½, N) and

    P(d) = Γ(d + a) / (Γ(a) d!) · (N / (N + 1))^a · (1 / (N + 1))^d,   a = S + ½,

a negative binomial with mean a / N and variance a (N + 1) / N²: the rate's uncertainty
widens the Poisson.

Scores of a forecast F (cumulative) against the observed count c:

    CRPS = Σ_{k=0..D} (F(k) − 1{c ≤ k})²      (launch days; 0 best; the discrete ranked
                                               probability score, which is the CRPS of an
                                               integer-valued forecast)
    log score = −ln P(c)                        (nats; lower is better)
"""

from __future__ import annotations

import numpy as np
from scipy.stats import nbinom, poisson

MAX_DAYS = 31
SUPPORT = np.arange(MAX_DAYS + 1)


def lump_tail(pmf: np.ndarray) -> np.ndarray:
    """Add the mass above D (1 − the sum over 0..D) to D, row by row."""
    pmf = np.atleast_2d(np.asarray(pmf, dtype=float)).copy()
    pmf[:, -1] += np.clip(1 - pmf.sum(axis=1), 0, None)
    return pmf


def gamma_poisson_pmf(s: np.ndarray, n: np.ndarray) -> np.ndarray:
    """The negative-binomial posterior predictive P(d), d = 0..D, for weighted sums of
    counts ``s`` over ``n`` weighted months (arrays, one row each; see the module docstring)."""
    a = np.asarray(s, dtype=float)[:, None] + 0.5
    n = np.maximum(np.asarray(n, dtype=float), 1e-9)[:, None]
    # scipy-stubs types pmf as float | ndarray; it is an array for array arguments
    return lump_tail(nbinom.pmf(SUPPORT[None, :], a, n / (n + 1)))  # type: ignore[arg-type]


def poisson_pmf(rate: np.ndarray) -> np.ndarray:
    """Poisson P(d), d = 0..D, for each rate (launch days per month)."""
    # scipy-stubs types pmf as float | ndarray; it is an array for array arguments
    return lump_tail(poisson.pmf(SUPPORT[None, :], np.asarray(rate, dtype=float)[:, None]))  # type: ignore[arg-type]


def crps(pmf: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """CRPS of each forecast (row of ``pmf``) against its count, in launch days."""
    cdf = np.cumsum(np.atleast_2d(pmf), axis=1)
    step = (SUPPORT[None, :] >= np.asarray(counts)[:, None]).astype(float)
    return np.sum((cdf - step) ** 2, axis=1)


def log_score(pmf: np.ndarray, counts: np.ndarray, floor: float = 1e-15) -> np.ndarray:
    """−ln P(c) of each forecast (row) at its count, in nats."""
    pmf = np.atleast_2d(pmf)
    c = np.minimum(np.asarray(counts, dtype=int), MAX_DAYS)
    return -np.log(np.maximum(pmf[np.arange(len(c)), c], floor))


def mean(pmf: np.ndarray) -> np.ndarray:
    """Expected launch days of each forecast."""
    return np.atleast_2d(pmf) @ SUPPORT


def quantile(pmf: np.ndarray, level: float) -> np.ndarray:
    """The smallest d with F(d) ≥ level, for each forecast."""
    cdf = np.cumsum(np.atleast_2d(pmf), axis=1)
    return np.argmax(cdf >= level - 1e-12, axis=1)
