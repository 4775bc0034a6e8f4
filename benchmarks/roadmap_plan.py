"""Benchmark: the planner on the built-in catalogue over a 60-month horizon (target:
at least 60 steps in under 30 s on the 2-core machine, with the optimality gap).

Run: ``python benchmarks/roadmap_plan.py [--time-limit S] [--repeat N] [--start YYYY-MM ...]``.
For each start month (default: 2019-01 and the month after the record ends) the catalogue is
judged against the parties' positions on that date (dated values, derived red lines; the
time of that step is printed), then, per run, the wall time of the whole plan call (greedy
start + two CP-SAT stages), the solver status and the optimality gap of each stage, and the
plan's score against the greedy earliest-start schedule alone (the simple baseline the
solver starts from).
"""

from __future__ import annotations

import argparse
import time

from panmun.roadmap import rules
from panmun.roadmap.catalogue import load_catalogue
from panmun.roadmap.greedy import earliest_schedule
from panmun.roadmap.planner import WORKERS, plan
from panmun.roadmap.ranking import dated_inputs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--time-limit", type=float, default=10.0, help="seconds per solver stage")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--start", nargs="*", default=["2019-01", None],
                        help="start months (YYYY-MM); default 2019-01 and the month after the record ends")
    args = parser.parse_args()
    catalogue = load_catalogue()
    for month in args.start:
        start = time.perf_counter()
        dated = dated_inputs(None, 60, month, steps=catalogue)
        judged_s = time.perf_counter() - start
        steps, c = dated.steps, dated.constraints
        print(f"start {c.start}: catalogue {len(steps)} steps, {len(dated.blocked)} blocked as of "
              f"{dated.assessment.at} (judged in {judged_s:.2f} s); horizon {c.horizon} months; "
              f"{len(rules.parties_of(steps, c))} parties; {WORKERS} CP-SAT workers; time limit "
              f"{args.time_limit:g} s per stage")
        _runs(steps, c, args)


def _runs(steps, c, args) -> None:
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
