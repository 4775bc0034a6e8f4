"""Benchmark: the expected-utility model, numpy against pure Python on the same input.

200 actors x 100 rounds (``variant="paper"``, Q = T = 1), random positions, saliences and
capabilities (seed 2026). Contenders, each in this process, each checked to give the same
positions:

* **panmun**: :func:`panmun.actors.expected_utility.expected_utility`, vectorised with
  numpy, the win probabilities in O(n^2 log n) from prefix sums over the sorted positions;
* **pure Python, same algorithm**: :func:`same_algorithm`, below: the same prefix-sum
  algorithm written with lists, ``bisect`` and loops (no numpy), the ratio that measures
  what numpy buys;
* **pure Python, naive**: :func:`naive`, below: every pairwise vote summed over all voters,
  O(n^3) per round, each probability computed once per round (labelled naive: it is a
  slower algorithm, not only a slower language);
* **the test reference** (``--reference-rounds``, default 1): the shipped
  ``_reference_positions``, written for the tests as plainly as possible, which recomputes
  the O(n) vote sum inside every utility call; shown for comparison with earlier figures.

Every contender is warmed up, then run ``--repeat`` times (default 3) in turn, and the
median is reported. panmun and the pure-Python same algorithm run all ``--rounds``; the naive
versions run ``--naive-rounds`` and ``--reference-rounds`` (their cost per round is nearly
constant, dominated by the O(n^3) probabilities) and their time is scaled to ``--rounds``.

    python benchmarks/actors_bargain.py [--actors 200] [--rounds 100] [--repeat 3]
    python benchmarks/actors_bargain.py --quick      # 100 actors, one naive round (CI)

It then runs the command a user types on the same actors, as a new process with start-up
included, ``panmun actors bargain --input FILE --model expected-utility --rounds 100
--format json`` (median of 3 runs after a warm-up; target under 2 s), and prints the size
of its JSON, with and without ``--offers`` (the perceived offers, opt-in because they grow
as actors x actors x rounds).
"""

from __future__ import annotations

import argparse
import bisect
import csv
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from itertools import accumulate
from pathlib import Path

import numpy as np

from panmun.actors.expected_utility import _reference_positions, expected_utility

Positions = list[list[float]]


def same_algorithm(position: list[float], salience: list[float], capability: list[float],
                   rounds: int) -> Positions:
    """Variant "paper" with Q = T = 1 in pure Python, by panmun's algorithm: the win
    probabilities from prefix sums of w and w x over the sorted positions (O(n^2 log n) per
    round), the risk exponents, offers and moves as in ``expected_utility``. Returns the
    positions after each round, row 0 the input."""
    x = [float(v) for v in position]
    s = [float(v) for v in salience]
    w = [float(c) * float(v) for c, v in zip(capability, salience, strict=True)]
    delta = max(x) - min(x)
    path = [list(x)]
    for _ in range(rounds if delta > 0 else 0):
        x = _moves(x, s, _probabilities(x, w), delta)
        path.append(list(x))
    return path


def _probabilities(x: list[float], w: list[float]) -> list[list[float]]:
    """P[i][j], the probability that i prevails over j, from prefix sums (see
    ``panmun.actors.expected_utility.win_probability``, the same formulas)."""
    n = len(x)
    order = sorted(range(n), key=x.__getitem__)
    xs = [x[k] for k in order]
    cw = [0.0, *accumulate(w[k] for k in order)]
    cwx = [0.0, *accumulate(w[k] * x[k] for k in order)]
    at = [bisect.bisect_right(xs, v) for v in xs]
    total_w = cw[-1]
    p = [[0.0] * n for _ in range(n)]
    for a in range(n):
        lo, ia, wa, sa = xs[a], order[a], cw[at[a]], cwx[at[a]]
        for b in range(a + 1, n):
            hi = xs[b]
            length, both = hi - lo, lo + hi
            if length <= 0:
                continue                      # no contest: P stays 0 both ways
            mid = bisect.bisect_right(xs, 0.5 * both)
            w_mid, s_mid = cw[mid], cwx[mid]
            w_hi, s_hi = cw[at[b]], cwx[at[b]]
            for_lo = length * wa + both * (w_mid - wa) - 2.0 * (s_mid - sa)
            for_hi = length * (total_w - w_hi) + 2.0 * (s_hi - s_mid) - both * (w_hi - w_mid)
            total = for_lo + for_hi
            ib = order[b]
            p[ia][ib] = for_lo / total if total > 0 else 0.5
            p[ib][ia] = for_hi / total if total > 0 else 0.5
    return p


def naive(position: list[float], salience: list[float], capability: list[float], rounds: int) -> Positions:
    """Variant "paper" with Q = T = 1 in pure Python, naively: each P[i][j] sums the votes of
    all n voters (O(n^3) per round), computed once per round; otherwise as
    :func:`same_algorithm`."""
    x = [float(v) for v in position]
    s = [float(v) for v in salience]
    w = [float(c) * float(v) for c, v in zip(capability, salience, strict=True)]
    n = len(x)
    delta = max(x) - min(x)
    path = [list(x)]
    for _ in range(rounds if delta > 0 else 0):
        p = [[0.0] * n for _ in range(n)]
        for i in range(n):
            for j in range(n):
                if x[i] == x[j]:
                    continue
                pro = total = 0.0
                for k in range(n):
                    v = w[k] * (abs(x[k] - x[j]) - abs(x[k] - x[i]))
                    total += abs(v)
                    if v > 0:
                        pro += v
                p[i][j] = pro / total if total > 0 else 0.5
        x = _moves(x, s, p, delta)
        path.append(list(x))
    return path


def _moves(x: list[float], s: list[float], p: list[list[float]], delta: float) -> list[float]:
    """Risk exponents, offers and the move of each actor, given the round's probabilities
    (the operations in the order ``expected_utility`` does them, so the results agree to
    the last bit or nearly)."""
    n = len(x)
    dist = [[abs(xi - xj) / delta for xj in x] for xi in x]
    danger = [0.0] * n             # risk-neutral utilities: Us = 2d, Uf = -2d, Usq = 0
    for i in range(n):
        for j in range(n):
            if i != j:
                us, uf = 2.0 * dist[i][j], -2.0 * dist[i][j]
                danger[j] += s[j] * (p[i][j] * (us - uf) + uf) + (1.0 - s[j]) * us
    hi, lo = max(danger), min(danger)
    r = [1.0] * n
    if hi > lo:
        big = [(2.0 * d - hi - lo) / (hi - lo) for d in danger]
        r = [(1.0 - b / 3.0) / (1.0 + b / 3.0) for b in big]
    new = list(x)
    for i in range(n):
        usq = 2.0 - 4.0 * 0.5 ** r[i]
        best_move = float("inf")
        for j in range(n):
            if x[j] == x[i]:
                continue
            d = dist[i][j]
            us, uf = 2.0 - 4.0 * (0.5 - 0.5 * d) ** r[i], 2.0 - 4.0 * (0.5 + 0.5 * d) ** r[i]
            a = s[j] * (p[i][j] * (us - uf) + uf) + (1.0 - s[j]) * us - usq
            b = s[i] * (p[j][i] * (us - uf) + uf) + (1.0 - s[i]) * us - usq
            if (b > a and a > 0) or (b > 0 and a < 0 and b < abs(a)):
                target = x[j]                                   # confrontation, capitulation
            elif b > 0 and a < 0 and b > abs(a):
                target = x[i] + (x[j] - x[i]) * abs(a / b)      # compromise
            else:
                continue
            if abs(target - x[i]) < best_move:                  # the smallest move; ties: lowest j
                new[i], best_move = target, abs(target - x[i])
    return new


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main() -> None:
    """Run every contender in turn and print medians, ratios and agreement."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actors", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each contender, in turn (median)")
    parser.add_argument("--python-rounds", type=int, default=None,
                        help="rounds of the pure-Python same-algorithm run (default: --rounds)")
    parser.add_argument("--naive-rounds", type=int, default=2, help="rounds of the naive run (scaled)")
    parser.add_argument("--reference-rounds", type=int, default=1,
                        help="rounds of the test reference (scaled); 0 leaves it out")
    parser.add_argument("--quick", action="store_true",
                        help="100 actors, 1 naive round, no test reference (CI)")
    parser.add_argument("--no-cli", action="store_true", help="leave out the command-line timing")
    args = parser.parse_args()
    if args.quick:
        args.actors, args.naive_rounds, args.reference_rounds = 100, 1, 0
    args.python_rounds = args.python_rounds or args.rounds
    rng = np.random.default_rng(2026)
    x = rng.uniform(0, 100, args.actors)
    s, c = rng.uniform(0, 1, args.actors), rng.uniform(0, 1, args.actors)
    lx, ls, lc = list(x), list(s), list(c)

    contenders: dict[str, tuple[int, Callable[[], object]]] = {
        "panmun (numpy)": (args.rounds, lambda: expected_utility(x, s, c, rounds=args.rounds)),
        "pure Python, same algorithm": (args.python_rounds,
                                        lambda: same_algorithm(lx, ls, lc, args.python_rounds)),
        "pure Python, naive O(n^3)": (args.naive_rounds, lambda: naive(lx, ls, lc, args.naive_rounds)),
    }
    if args.reference_rounds:
        contenders["test reference (naive, votes in every call)"] = (
            args.reference_rounds, lambda: _reference_positions(lx, ls, lc, args.reference_rounds))
    print(f"expected-utility model, variant paper, {args.actors} actors x {args.rounds} rounds; "
          f"Python {platform.python_version()}, numpy {np.__version__}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f}")
    expected_utility(x, s, c, rounds=2)                                   # warm-up
    same_algorithm(lx, ls, lc, 1)
    times: dict[str, list[float]] = {name: [] for name in contenders}
    results: dict[str, object] = {}
    for _ in range(args.repeat):
        for name, (_, run) in contenders.items():
            seconds, results[name] = timed(run)
            times[name].append(seconds)
    fast = results["panmun (numpy)"]
    base = statistics.median(times["panmun (numpy)"])
    print(f"{'contender':46s} {'rounds run':>10s} {'median s':>9s} {'s per 100 rounds':>17s} "
          f"{'ratio':>8s}  max |diff| in positions")
    for name, (rounds, _) in contenders.items():
        median = statistics.median(times[name])
        scaled = median * args.rounds / rounds
        if name == "panmun (numpy)":
            diff = "-"
        else:
            positions = np.array(results[name])
            diff = f"{np.abs(fast.positions[:rounds + 1] - positions).max():.1e}"
        print(f"{name:46s} {rounds:10d} {median:9.3f} {scaled:17.1f} {scaled / base:7.0f}x  {diff}")
    print(f"(median of {args.repeat} interleaved runs each; runs: "
          + "; ".join(f"{name.split(',')[0] if name.startswith('panmun') else name}: "
                      + ", ".join(f"{t:.2f}" for t in v) for name, v in times.items()) + ")")
    if not args.no_cli:
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
    sys.exit(main())
