"""Speed of the three-vector model: one run against PySD's one run, then panmun's batches.

The peer is PySD running the same deterministic model, exported as XMILE
(:func:`panmun.vectors.xmile.write_xmile`, the built-in ``baseline`` scenario, 360 months,
Euler steps of one month), as PySD is ordinarily used: ``pysd.read_xmile`` once, then
``model.run(return_timestamps=months, return_columns=stocks)`` per run (PySD runs one model
at a time and returns a DataFrame). Both trajectories are checked to agree.

Two comparisons, printed separately:

* **per run, one thread**: PySD's ``run`` against panmun's ``simulate`` (one deterministic
  run), both in this process with every thread pool limited to one thread (threadpoolctl);
* **batch**: panmun's vectorised ensemble of ``--runs`` runs (parameters varying per run,
  as in a sensitivity analysis), keeping histograms rather than trajectories, on one thread
  and on two (its default on this 2-core machine), against PySD's one run at a time. This
  ratio measures batching, not a faster model: both are named.

Every contender is warmed up and then timed in ``--repeat`` interleaved rounds (default 5);
medians are printed, with the spread. Also the stochastic ensemble (shocks drawn) and the
peak resident memory.

    python benchmarks/vectors_ensemble.py [--runs 100000] [--horizon 360] [--repeat 5]
    python benchmarks/vectors_ensemble.py --quick      # 20,000 runs, 3 rounds (CI)
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from panmun.vectors import model
from panmun.vectors.parameters import BY_NAME, STOCKS
from panmun.vectors.scenarios import load_scenario
from panmun.vectors.xmile import write_xmile

TARGET_SECONDS = 5.0      # 100,000 runs x 360 months
TARGET_MEMORY_MB = 2048


def peak_mb() -> float:
    """Peak resident memory of this process so far (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn: Callable[[], object], times: int = 1) -> float:
    """Wall seconds of ``times`` calls of ``fn``."""
    start = time.perf_counter()
    for _ in range(times):
        fn()
    return time.perf_counter() - start


def varying_params(runs: int) -> dict[str, np.ndarray]:
    """g_summits and speed_P varying across runs within their ranges (one mean-field run each)."""
    rng = np.random.default_rng(0)
    return {name: rng.uniform(BY_NAME[name].low, BY_NAME[name].high, runs)
            for name in ("g_summits", "speed_P")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100_000, help="runs of each ensemble")
    parser.add_argument("--horizon", type=int, default=360, help="months")
    parser.add_argument("--repeat", type=int, default=5, help="interleaved rounds (medians reported)")
    parser.add_argument("--pysd-runs", type=int, default=3, help="PySD runs timed per round")
    parser.add_argument("--single-runs", type=int, default=20, help="panmun single runs timed per round")
    parser.add_argument("--quick", action="store_true", help="20,000 runs, 3 rounds (CI)")
    args = parser.parse_args()
    if args.quick:
        args.runs, args.repeat = 20_000, 3
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pysd
    scenario = load_scenario("baseline")
    setup = scenario.setup(args.horizon)
    months = list(range(setup.horizon + 1))
    with tempfile.TemporaryDirectory() as tmp:
        path = write_xmile(Path(tmp) / "vectors.xmile", setup, scenario.parameters)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pysd_model = pysd.read_xmile(str(path))

    def pysd_run():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return pysd_model.run(return_timestamps=months, return_columns=list(STOCKS))

    det = {**scenario.parameters, **varying_params(args.runs)}
    contenders: dict[str, Callable[[], float]] = {
        "pysd": lambda: timed(pysd_run, args.pysd_runs) / args.pysd_runs,
        "single": lambda: timed(lambda: model.simulate(setup, scenario.parameters), args.single_runs)
        / args.single_runs,
        "batch1": lambda: timed(lambda: model.ensemble(setup, args.runs, params=det, stochastic=False,
                                                       threads=1)),
        "batch2": lambda: timed(lambda: model.ensemble(setup, args.runs, params=det, stochastic=False,
                                                       threads=2)),
        "stochastic": lambda: timed(lambda: model.ensemble(setup, args.runs, seed=0,
                                                           params=scenario.parameters, threads=2)),
    }
    frame = pysd_run()                                             # warm-up, and the check
    ours = model.simulate(setup, scenario.parameters)
    diff = float(np.abs(frame[list(STOCKS)].to_numpy() - ours).max())
    model.ensemble(setup, 1000, stochastic=False)
    print(f"three-vector model, baseline scenario, {args.horizon} months; "
          f"Python {platform.python_version()}, numpy {np.__version__}, PySD {pysd.__version__}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    print(f"PySD settings: read_xmile once, run(return_timestamps=0..{args.horizon}, return_columns="
          f"{list(STOCKS)}) per run, one thread; max |PySD - panmun| over every stock and month = {diff:.1e}")
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(args.repeat):
        for name, run in contenders.items():
            if name in ("pysd", "single"):
                with threadpool_limits(limits=1):
                    times[name].append(run())
            else:
                times[name].append(run())
    med = {name: statistics.median(v) for name, v in times.items()}

    def spread(name: str) -> str:
        return f"{min(times[name]):.3g}-{max(times[name]):.3g} s"

    runs = args.runs
    print(f"\nper run, one thread (median of {args.repeat} rounds of {args.pysd_runs} PySD runs and "
          f"{args.single_runs} panmun runs):")
    print(f"  PySD run                 {med['pysd']:8.4f} s per run  ({spread('pysd')})")
    print(f"  panmun simulate          {med['single']:8.4f} s per run  ({spread('single')})")
    print(f"  ratio panmun/PySD, per run: x{med['pysd'] / med['single']:.1f}")
    print(f"\nbatch: {runs:,} runs x {args.horizon} months (median of {args.repeat} rounds):")
    for name, label in (("batch1", "deterministic, 1 thread"), ("batch2", "deterministic, 2 threads"),
                        ("stochastic", "stochastic, 2 threads")):
        print(f"  panmun ensemble, {label:25s} {med[name]:6.2f} s ({spread(name)}) = "
              f"{runs / med[name]:>9,.0f} runs/s")
    pysd_rate = 1 / med["pysd"]
    print(f"  PySD, one run at a time                          = {pysd_rate:>9,.1f} runs/s")
    print(f"  batch ratio (panmun ensemble runs/s over PySD runs/s): "
          f"x{runs / med['batch1'] / pysd_rate:,.0f} on 1 thread, x{runs / med['batch2'] / pysd_rate:,.0f} "
          "on 2 threads")
    print(f"  deterministic ensemble, 2 threads, scaled to 100,000 runs: "
          f"{med['batch2'] * 100_000 / runs:.2f} s (target under {TARGET_SECONDS:.0f} s)")
    print(f"peak memory (ru_maxrss): {peak_mb():,.0f} MB (target under {TARGET_MEMORY_MB:,} MB)")


if __name__ == "__main__":
    main()
