"""Speed of the three-vector model's ensembles, and against PySD running the same model run by run.

Issue 4's performance target: the same deterministic model over a 360-month horizon,
panmun's vectorised ensemble (100,000 runs) against PySD running the exported XMILE model
run by run in this process; panmun at least 1,000 times PySD's runs per second, 100,000 runs
x 360 months in under 5 seconds on the 2-core machine, memory under 2 GB.

Prints: the deterministic ensemble's runs per second (parameters varying per run, as in a
sensitivity analysis), the stochastic ensemble's time, the peak resident memory (ru_maxrss),
PySD's runs per second and the ratio. The scenario is the built-in ``baseline``.

    python benchmarks/vectors_ensemble.py [--runs 100000] [--horizon 360] [--pysd-runs 3]
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

from panmun.vectors import model
from panmun.vectors.parameters import BY_NAME, STOCKS
from panmun.vectors.scenarios import load_scenario

TARGET_RATIO = 1000
TARGET_SECONDS = 5.0
TARGET_MEMORY_MB = 2048


def peak_mb() -> float:
    """Peak resident memory of this process so far (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def deterministic_params(setup: model.Setup, runs: int) -> dict[str, np.ndarray]:
    """g_summits and speed_P varying across runs within their ranges (one mean-field run each)."""
    rng = np.random.default_rng(0)
    return {name: rng.uniform(BY_NAME[name].low, BY_NAME[name].high, runs)
            for name in ("g_summits", "speed_P")}


def pysd_runs_per_second(setup: model.Setup, params, repeat: int) -> float | None:
    """PySD's runs per second on the exported XMILE model (None when it cannot run here)."""
    try:
        from panmun.vectors.xmile import write_xmile
    except ImportError:
        print("PySD: skipped (panmun.vectors.xmile.write_xmile is not there yet)")
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import pysd
    except ImportError:
        print("PySD: skipped (pysd is not installed)")
        return None
    with tempfile.TemporaryDirectory() as tmp:
        path = write_xmile(Path(tmp) / "vectors.xmile", setup, params)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pysd_model = pysd.read_xmile(str(path))
            months = list(range(setup.horizon + 1))
            run = lambda: pysd_model.run(return_timestamps=months, return_columns=list(STOCKS))  # noqa: E731
            frame = run()                                      # warm-up, and the check below
            seconds = min(timed(run) for _ in range(repeat))
    ours = model.simulate(setup, params)
    diff = float(np.abs(frame[list(STOCKS)].to_numpy() - ours).max())
    print(f"PySD: {seconds:.3f} s per run of {setup.horizon} months (max |PySD - panmun| = {diff:.1e})")
    return 1.0 / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--horizon", type=int, default=360)
    parser.add_argument("--pysd-runs", type=int, default=3)
    args = parser.parse_args()
    scenario = load_scenario("baseline")
    setup = scenario.setup(args.horizon)
    runs = args.runs
    model.ensemble(setup, 1000, stochastic=False)              # warm-up (imports, first allocations)

    params = {**scenario.parameters, **deterministic_params(setup, runs)}
    t_det = timed(lambda: model.ensemble(setup, runs, params=params, stochastic=False))
    ours = runs / t_det
    print(f"panmun deterministic ensemble: {runs:,} runs x {args.horizon} months in {t_det:.2f} s "
          f"= {ours:,.0f} runs/s (target: under {TARGET_SECONDS:.0f} s)")
    t_sto = timed(lambda: model.ensemble(setup, runs, seed=0, params=scenario.parameters))
    print(f"panmun stochastic ensemble:    {runs:,} runs x {args.horizon} months in {t_sto:.2f} s "
          f"= {runs / t_sto:,.0f} runs/s (target: under {TARGET_SECONDS:.0f} s)")
    print(f"peak memory (ru_maxrss): {peak_mb():,.0f} MB (target: under {TARGET_MEMORY_MB} MB)")
    theirs = pysd_runs_per_second(setup, scenario.parameters, args.pysd_runs)
    if theirs is not None:
        print(f"PySD: {theirs:,.2f} runs/s")
        print(f"ratio panmun/PySD: {ours / theirs:,.0f} x (target: at least {TARGET_RATIO:,} x)")


if __name__ == "__main__":
    main()
