"""Benchmark: the planner on the built-in catalogue over a 60-month horizon (issue 7:
at least 60 steps in under 30 s on the 2-core machine, with the optimality gap).

Run: ``python benchmarks/roadmap_plan.py [--time-limit S] [--repeat N]``. Prints, per
run, the wall time of the whole plan call (greedy start + two CP-SAT stages), the solver
status and the optimality gap of each stage, and the plan's score against the greedy
earliest-start schedule alone (the simple baseline the solver starts from).
"""

from __future__ import annotations

import argparse
import time

from panmun.roadmap import rules
from panmun.roadmap.catalogue import load_catalogue
from panmun.roadmap.greedy import earliest_schedule
from panmun.roadmap.planner import WORKERS, plan
from panmun.roadmap.ranking import load_constraints


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--time-limit", type=float, default=10.0, help="seconds per solver stage")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    steps = load_catalogue()
    c = load_constraints(None, steps, horizon=60)
    print(f"catalogue: {len(steps)} steps; horizon {c.horizon} months; {len(rules.parties_of(steps, c))} "
          f"parties; {WORKERS} CP-SAT workers; time limit {args.time_limit:g} s per stage")
    start = time.perf_counter()
    greedy = earliest_schedule(steps, c)
    greedy_s = time.perf_counter() - start
    print(f"greedy earliest-start: {len(greedy)} steps, progress {rules.progress(steps, greedy, c):.3f}, "
          f"progress-months {rules.progress_months(steps, greedy, c):.2f} ({greedy_s:.2f} s)")
    for k in range(args.repeat):
        start = time.perf_counter()
        result = plan(steps, c, time_limit=args.time_limit)
        elapsed = time.perf_counter() - start
        schedule = result.schedules[0]
        broken = rules.violations(steps, schedule, c)
        pm = rules.progress_months(steps, schedule, c)
        print(f"run {k + 1}: {elapsed:.1f} s wall; status {result.status[0]}; gap {result.gaps[0][0]:.2%} "
              f"(progress) / {result.gaps[0][1]:.2%} (earliness); {len(schedule)} steps; progress "
              f"{result.scores[0][0]:.3f}; progress-months {pm:.2f} "
              f"({pm / max(rules.progress_months(steps, greedy, c), 1e-9):.3f} x greedy); "
              f"rules broken: {len(broken)}")


if __name__ == "__main__":
    main()
