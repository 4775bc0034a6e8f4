"""Benchmark: 1,000,000 simulated years of the incident-escalation model (target < 10 s on 2 cores).

Run: ``python benchmarks/armscontrol_risk.py``. Uses the calibrated posterior (400 parameter
draws x 2,500 years each) and the built-in ``cma-2018`` package; prints the time.
"""

from __future__ import annotations

import time

from panmun.armscontrol.calibrate import calibrate
from panmun.armscontrol.model import risk
from panmun.armscontrol.packages import load_package
from panmun.store.opening import open_store


def main() -> None:
    store = open_store(":memory:")
    base = calibrate(store).posterior.draw(400, seed=1)
    params = load_package("cma-2018").params(base)
    start = time.perf_counter()
    result = risk(params, years=1, sims=2500, seed=1)
    elapsed = time.perf_counter() - start
    print(f"{result['simulated_years']:,} simulated years in {elapsed:.2f} s "
          f"(p_deadly_clash median {result['p_deadly_clash']['median']:.4f})")


if __name__ == "__main__":
    main()
