"""Calibrate the risk model's base rates on the record (:mod:`panmun.armscontrol.history`).

Method (conjugate, so every posterior is exact and cheap):

- **Incident rates** ``lambda0_d`` (incidents/year): Gamma-Poisson with the Jeffreys prior,
  ``lambda0_d ~ Gamma(0.5 + n_d, rate = t)``, from the knowledge base's incidents in domain d
  during the non-CMA time of its record (2017-01-01 to 2018-10-31 and 2023-11-22 to its last
  event), ``t`` years of exposure. ``lambda0`` is the world *without* the measures.
- **Ladder steps** ``p1_d`` (incident -> use of force) and ``p2_d`` (use of force -> deadly):
  Beta-Binomial with partial pooling across domains: prior ``Beta(k m, k (1 - m))`` with
  ``m`` the pooled Jeffreys mean ``(x + 0.5) / (n + 1)`` over all domains and ``k = 4``
  pseudo-events, posterior ``Beta(k m + x_d, k (1 - m) + n_d - x_d)``. ``p1`` uses the
  knowledge base's incidents (2017 on, the same definition of "incident" as the rates);
  ``p2`` uses every use of force of the systematic incident list 1999-2025
  (:func:`history.systematic_incidents`: deadly or not, under a stated inclusion rule).
- **Wider conflict** ``p3`` (deadly clash -> wider conflict, all domains): Beta-Binomial with
  the Jeffreys prior on the inter-Korean COW-MID disputes with deaths after the armistice
  (1954-2010) plus the deadly incidents of the systematic list since 2011, none of which
  became a war.
- **The CMA effect**: the rate ratio of incidents (all domains) in the CMA period (2018-11-01
  to 2023-11-22) to the non-CMA time of the kb record. Given the total, the CMA count is
  Binomial with ``pi = t1 RR / (t1 RR + t0)``; with ``pi ~ Beta(n1 + 0.5, n0 + 0.5)`` the
  ratio ``RR = pi / (1 - pi) * t0 / t1`` has exact quantiles.

The sample is small: a few dozen incidents, 25 uses of force and about fifteen deadly disputes
and clashes.
The posteriors are correspondingly wide, and the model passes that width on to its answers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from scipy import stats

from panmun.armscontrol import history
from panmun.armscontrol.history import Event
from panmun.armscontrol.model import DOMAINS, BaseRates
from panmun.store.db import Store

POOLING = 4.0          # pseudo-events of the pooled prior for the ladder steps
INTERVAL = (0.05, 0.95)


@dataclass(frozen=True)
class Posterior:
    """Gamma posteriors of the rates and Beta posteriors of the steps, per domain (arrays (4,))."""

    rate_shape: np.ndarray
    rate_rate: np.ndarray     # years of exposure
    p1_a: np.ndarray
    p1_b: np.ndarray
    p2_a: np.ndarray
    p2_b: np.ndarray
    p3_a: np.ndarray
    p3_b: np.ndarray

    def mean(self) -> BaseRates:
        """The posterior means as a point."""
        return BaseRates(self.rate_shape / self.rate_rate, self.p1_a / (self.p1_a + self.p1_b),
                         self.p2_a / (self.p2_a + self.p2_b), self.p3_a / (self.p3_a + self.p3_b))

    def draw(self, n: int, seed: int | np.random.Generator | None = 0) -> BaseRates:
        """``n`` independent draws (arrays (n, 4)); one per run of :func:`model.risk`."""
        rng = np.random.default_rng(seed)
        size = (n, len(DOMAINS))
        return BaseRates(rng.gamma(self.rate_shape, 1.0 / self.rate_rate, size),
                         rng.beta(self.p1_a, self.p1_b, size), rng.beta(self.p2_a, self.p2_b, size),
                         rng.beta(self.p3_a, self.p3_b, size))

    def interval(self, name: str) -> dict[str, list[float]]:
        """Posterior median and 90 % interval of ``lam0``, ``p1``, ``p2`` or ``p3`` per domain."""
        dist = {"lam0": stats.gamma(self.rate_shape, scale=1.0 / self.rate_rate),
                "p1": stats.beta(self.p1_a, self.p1_b), "p2": stats.beta(self.p2_a, self.p2_b),
                "p3": stats.beta(self.p3_a, self.p3_b)}[name]
        # one value per domain: the parameters are arrays (scipy-stubs types ppf as float | ndarray)
        return {"median": list(dist.ppf(0.5)), "low": list(dist.ppf(INTERVAL[0])),  # type: ignore[arg-type]
                "high": list(dist.ppf(INTERVAL[1]))}  # type: ignore[arg-type]


@dataclass(frozen=True)
class Calibration:
    """The posterior and the data behind it (counts, exposures) and the CMA rate ratio."""

    posterior: Posterior
    counts: dict[str, dict[str, int]]     # per domain: incidents, force, deadly, ...
    exposure: dict[str, float]            # years: non_cma, cma
    deadly_disputes: int                  # trials for p3
    wider: int                            # successes for p3
    cma_rate_ratio: dict[str, float]      # median, low, high
    cma_counts: dict[str, int]            # incidents in the cma and non-cma windows

    def __repr__(self) -> str:
        r = self.cma_rate_ratio
        return (f"Calibration(4 domains; CMA rate ratio {r['median']:.2f} [{r['low']:.2f}, {r['high']:.2f}]"
                f" from {self.cma_counts.get('cma', 0)} incidents in {self.exposure.get('cma', 0):.1f} CMA "
                f"years and {self.cma_counts.get('non_cma', 0)} in {self.exposure.get('non_cma', 0):.1f} "
                f"other years)")


def _years(start: dt.date, end: dt.date) -> float:
    return max((end - start).days, 0) / 365.25


def in_cma(day: dt.date) -> bool:
    return history.CMA_START <= day < history.CMA_END


def pooled_beta(successes: np.ndarray, trials: np.ndarray,
                k: float = POOLING) -> tuple[np.ndarray, np.ndarray]:
    """Posterior Beta(a, b) per domain under the pooled prior of the module docstring."""
    successes, trials = np.asarray(successes, float), np.asarray(trials, float)
    m = (successes.sum() + 0.5) / (trials.sum() + 1.0)
    return k * m + successes, k * (1.0 - m) + trials - successes


def rate_ratio(n1: int, t1: float, n0: int, t0: float) -> dict[str, float]:
    """Rate ratio (window 1 / window 0) with median and 90 % interval (Jeffreys, exact)."""
    beta = stats.beta(n1 + 0.5, n0 + 0.5)
    q = beta.ppf([0.5, *INTERVAL])
    rr = q / (1.0 - q) * t0 / t1
    return {"median": float(rr[0]), "low": float(rr[1]), "high": float(rr[2])}


def _by_domain(events: list[Event], test) -> np.ndarray:
    return np.array([sum(1 for e in events if e.domain == d and test(e)) for d in DOMAINS])


def calibrate(store: Store) -> Calibration:
    """Fit the posterior of the base rates on the record; see the module docstring."""
    kb = history.kb_incidents(store)
    end = history.kb_last_date(store)
    t_cma = _years(history.CMA_START, min(history.CMA_END, end))
    t_non = _years(history.KB_START, history.CMA_START) + _years(history.CMA_END, end)
    non = [e for e in kb if not in_cma(e.date)]
    n_non = _by_domain(non, lambda e: True)
    incidents, force_kb = _by_domain(kb, lambda e: True), _by_domain(kb, lambda e: e.force)
    listed = history.systematic_incidents()
    uses_of_force = [e for e in listed if e.force]
    n_force = _by_domain(uses_of_force, lambda e: True)
    n_deadly = _by_domain(uses_of_force, lambda e: e.deadly)
    disputes = history.inter_korean_disputes()
    after_war = disputes[disputes["styear"] >= 1954]
    trials = int(after_war["deadly"].sum()) + sum(1 for e in listed if e.deadly and e.date.year > 2010)
    wider = 0   # no deadly dispute or clash after 1953 became a war (the record's hostlev 5 is 1950-53 only)
    p1_a, p1_b = pooled_beta(force_kb, incidents)
    p2_a, p2_b = pooled_beta(n_deadly, n_force)
    ones = np.ones(len(DOMAINS))
    posterior = Posterior(0.5 + n_non.astype(float), t_non * ones, p1_a, p1_b, p2_a, p2_b,
                          (0.5 + wider) * ones, (0.5 + trials - wider) * ones)
    n1 = sum(1 for e in kb if in_cma(e.date))
    counts = {d: {"incidents_non_cma": int(n_non[i]), "incidents": int(incidents[i]),
                  "force_of_incidents": int(force_kb[i]), "uses_of_force": int(n_force[i]),
                  "deadly_of_force": int(n_deadly[i])} for i, d in enumerate(DOMAINS)}
    return Calibration(posterior, counts, {"non_cma": t_non, "cma": t_cma}, trials, wider,
                       rate_ratio(n1, t_cma, len(kb) - n1, t_non), {"cma": n1, "non_cma": len(kb) - n1})


def base_rate_draws(store: Store, runs: int, seed: int) -> BaseRates:
    """``runs`` draws of the base rates from the posterior calibrated on the record in ``store``
    (:func:`calibrate`, then :meth:`Posterior.draw`): the one way the other models, the
    briefing and the web take the clash-risk model's parameter uncertainty."""
    return calibrate(store).posterior.draw(runs, seed)
