"""Benchmark: expected-utility model, 200 actors x 100 rounds, vectorised vs pure-Python loops.

Both implementations run in this process on the same random input; the loop version is
:func:`panmun.actors.expected_utility._reference_positions` (same equations, one pair at a
time). Prints both times, the ratio, and the largest difference in final positions.

    python benchmarks/actors_bargain.py [--actors 200] [--rounds 100] [--loop-rounds 2]

The loop version costs O(n^3) per round (about 15 s a round at 200 actors here), so by
default it runs 2 rounds and its time is scaled linearly to --rounds for the ratio.

It then runs the command a user types on the same actors, as a new process with start-up
included, ``panmun actors bargain --input FILE --model expected-utility --rounds 100
--format json`` (median of 3 runs after a warm-up; target under 2 s), and prints the size
of its JSON, with and without ``--offers`` (the perceived offers, opt-in because they grow
as actors x actors x rounds).
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

from panmun.actors.expected_utility import _reference_positions, expected_utility


def main() -> None:
    """Run both implementations and print the timings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actors", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--loop-rounds", type=int, default=2,
                        help="rounds for the slow loop version (its time is scaled to --rounds)")
    args = parser.parse_args()
    rng = np.random.default_rng(2026)
    x = rng.uniform(0, 100, args.actors)
    s, c = rng.uniform(0, 1, args.actors), rng.uniform(0, 1, args.actors)

    expected_utility(x, s, c, rounds=2)  # warm-up
    start = time.perf_counter()
    fast = expected_utility(x, s, c, rounds=args.rounds)
    t_fast = time.perf_counter() - start

    start = time.perf_counter()
    slow = _reference_positions(list(x), list(s), list(c), args.loop_rounds)
    t_slow = time.perf_counter() - start
    t_slow_scaled = t_slow * args.rounds / max(args.loop_rounds, 1)

    diff = np.abs(fast.positions[args.loop_rounds] - np.array(slow[-1])).max()
    print(f"expected-utility model, {args.actors} actors x {args.rounds} rounds")
    print(f"vectorised (numpy):  {t_fast:8.3f} s   outcome {fast.outcome:.4f}")
    print(f"pure-Python loops:   {t_slow:8.3f} s   ({args.loop_rounds} rounds)")
    print(f"loops scaled to {args.rounds} rounds: {t_slow_scaled:8.1f} s")
    print(f"speed-up:            {t_slow_scaled / t_fast:8.1f} x")
    print(f"max |difference| in positions after {args.loop_rounds} rounds: {diff:.2e}")
    cli_end_to_end(x, s, c, args.rounds)


def cli_end_to_end(x: np.ndarray, s: np.ndarray, c: np.ndarray, rounds: int, repeat: int = 3) -> None:
    """Time the command line on the same actors, start-up included, and the size of its JSON."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "actors.csv"
        with path.open("w", newline="") as f:
            out = csv.writer(f)
            out.writerow(["actor", "position", "salience", "capability"])
            out.writerows([f"A{i:03d}", f"{a:.4f}", f"{b:.4f}", f"{d:.4f}"] for i, (a, b, d) in
                          enumerate(zip(x, s, c, strict=True)))
        env = {**os.environ, "PANMUN_DB": str(Path(tmp) / "bench.duckdb")}
        command = ["panmun", "actors", "bargain", "--input", str(path), "--model", "expected-utility",
                   "--rounds", str(rounds), "--format", "json"]
        for extra in ([], ["--offers"]):
            subprocess.run([*command, *extra], capture_output=True, env=env, check=True)   # warm-up
            times, size = [], 0
            for _ in range(repeat):
                start = time.perf_counter()
                done = subprocess.run([*command, *extra], capture_output=True, env=env, check=True)
                times.append(time.perf_counter() - start)
                size = len(done.stdout)
            label = " ".join(["panmun actors bargain ... --format json", *extra])
            print(f"{label:48s} {statistics.median(times):6.2f} s (median of {repeat}), "
                  f"{size / 1e6:7.2f} MB of JSON")


if __name__ == "__main__":
    main()
