"""Synthetic records shaped like the real one, for checking the calibration's intervals.

A record is the model's mean-field run at known parameters (:data:`TRUTH`) on twelve years
of step-shaped drivers (:func:`step_drivers`), two cycles (the second re-anchored to its
observed start at month 72), plus errors that hold their value for months and then jump
(:func:`step_errors`: lag-h autocorrelation ``hold**h``), rounded to 1/36 (the scorecard's
step for 12 provisions). The coverage test (tests/test_vectors_posterior.py) and the
coverage evaluation (benchmarks/vectors_coverage.py) fit such records and count how often
the 90 % intervals hold the truth.
"""

from __future__ import annotations

import numpy as np

from panmun.vectors.likelihood import Problem
from panmun.vectors.parameters import DRIVERS

MONTHS = 144
#: the known parameters of the synthetic records
TRUTH = {"speed_A": 0.10, "base_A": -0.15, "g_summits": 1.5, "g_exercises": 0.6}


def step_drivers() -> np.ndarray:
    """Twelve years of step-shaped drivers: summit seasons, exercises off and back, a closure."""
    x = np.zeros((MONTHS, len(DRIVERS)))
    col = {name: i for i, name in enumerate(DRIVERS)}
    x[:, col["rivalry"]] = 0.6
    x[:, col["sanctions"]] = 0.5
    x[[4, 5, 9, 16, 30, 77, 78, 84, 90, 101], col["summits"]] = 1.0
    x[:, col["exercises"]] = 1.0
    x[6:40, col["exercises"]] = 0.0
    x[80:110, col["exercises"]] = 0.3
    x[50:70, col["border_closure"]] = 1.0
    x[:, col["exchange"]] = np.where((np.arange(MONTHS) > 5) & (np.arange(MONTHS) < 60), 0.3, 0.1)
    return x


def synthetic_problem(observed: np.ndarray, drivers: np.ndarray, names=tuple(TRUTH)) -> Problem:
    segment = (np.arange(MONTHS) >= 72).astype(int)                   # two cycles, the second from month 72
    return Problem(observed, drivers, (72,), segment, tuple(names), {})


def truth_path(drivers: np.ndarray, anchor: np.ndarray | None = None) -> np.ndarray:
    base = synthetic_problem(np.full((MONTHS, 3), np.nan), drivers)
    if anchor is not None:
        base = synthetic_problem(anchor, drivers)
    return base.paths(base.to_z(TRUTH)[None, :])[:, :3, 0]


def step_errors(rng: np.random.Generator, sd: float = 0.03, hold: float = 0.85) -> np.ndarray:
    """Errors that keep their value from month to month with probability ``hold`` and otherwise
    jump to a fresh N(0, sd^2) draw: step-shaped, lag-h autocorrelation hold^h."""
    e = np.empty((MONTHS, 3))
    e[0] = rng.normal(0.0, sd, 3)
    for t in range(1, MONTHS):
        jump = rng.random(3) > hold
        e[t] = np.where(jump, rng.normal(0.0, sd, 3), e[t - 1])
    return e


def synthetic_record(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(observed, drivers): the model's run at TRUTH plus step errors, rounded to 1/36 (the
    scorecard's step for 12 provisions), the second cycle re-anchored to its observed start."""
    drivers = step_drivers()
    rng = np.random.default_rng(seed)
    errors = step_errors(rng)
    first = truth_path(drivers)
    observed = np.round(np.clip(first + errors, 0, 1) * 36) / 36
    # the model re-anchors at month 72 to the observed value: the truth after it starts there too
    anchored = truth_path(drivers, observed)
    observed[73:] = np.round(np.clip(anchored[73:] + errors[73:], 0, 1) * 36) / 36
    return observed, drivers


__all__ = ["MONTHS", "TRUTH", "step_drivers", "step_errors", "synthetic_problem", "synthetic_record",
           "truth_path"]
