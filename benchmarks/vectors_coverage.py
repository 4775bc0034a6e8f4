"""Do the three-vector calibration's 90 % intervals cover the truth about 90 % of the time?

Fits synthetic records shaped like the real one (:mod:`panmun.vectors.synthetic`: step
drivers, two cycles, errors that hold their value for months and then jump, rounded to the
scorecard's steps) with the calibration's own likelihood (AR(1) errors) and sampler
(:func:`panmun.vectors.posterior.sample`), and counts how often each parameter's 90 %
interval holds the value the record was made from. Prints the coverage with its 95 %
binomial (Wilson) interval, per parameter and overall, the largest split R-hat, and the
same count with the errors treated as independent (the likelihood the AR(1) model
replaced), which should fall short.

    python benchmarks/vectors_coverage.py                 # 40 records, 1,000 steps each
    python benchmarks/vectors_coverage.py --records 24 --steps 240   # the coverage test's chains
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

from panmun.vectors.posterior import sample
from panmun.vectors.synthetic import TRUTH, synthetic_problem, synthetic_record

#: the sampler's settings for one synthetic record (``--steps`` changes the steps; half burn-in)
SETTINGS = {"walkers": 24, "steps": 1000, "burn": 500}


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval of a binomial proportion k/n."""
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def covered(records: int, independent: bool) -> tuple[np.ndarray, float]:
    """(records x parameters) booleans: the 90 % interval holds the truth; the largest R-hat."""
    truth = np.array(list(TRUTH.values()))
    hits, rhat = [], 0.0
    for seed in range(records):
        observed, drivers = synthetic_record(seed)
        problem = synthetic_problem(observed, drivers)
        if independent:                       # every month its own run: rho's terms cancel
            problem.pairs[:] = False
            problem.firsts = problem.include.copy()
            problem.m = problem.n.copy()
        table = sample(problem, seed=seed, cache=False, **SETTINGS).table()
        hits.append((table["low90"].to_numpy() <= truth) & (truth <= table["high90"].to_numpy()))
        rhat = max(rhat, float(table["rhat"].max()))
    return np.array(hits), rhat


def report(label: str, hits: np.ndarray, rhat: float) -> None:
    k, n = int(hits.sum()), hits.size
    low, high = wilson(k, n)
    print(f"{label}: {k}/{n} intervals hold the truth = {k / n:.3f} (95 % interval {low:.3f}-{high:.3f}); "
          f"largest split R-hat {rhat:.2f}")
    for j, name in enumerate(TRUTH):
        print(f"    {name:<12} {hits[:, j].mean():.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=40, help="synthetic records (default 40)")
    parser.add_argument("--steps", type=int, default=SETTINGS["steps"], help="sampler steps per record")
    args = parser.parse_args()
    SETTINGS.update(steps=args.steps, burn=args.steps // 2)
    print(f"sampler per record: emcee, {SETTINGS}; truth {TRUTH}")
    t0 = time.perf_counter()
    report("AR(1) errors (the calibration)", *covered(args.records, independent=False))
    t1 = time.perf_counter()
    report("independent errors (for contrast)", *covered(args.records // 2, independent=True))
    print(f"time: {t1 - t0:.0f} s and {time.perf_counter() - t1:.0f} s")


if __name__ == "__main__":
    main()
