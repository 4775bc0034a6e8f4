"""Speed of the implementation series: vectorised aggregate vs the reference loop.

The briefing draws monthly implementation from January 2018 to today, per agreement and
per vector; the aggregation step used to be a Python loop over groups. This script times
both implementations on the same provision states in one process and prints the ratio.

    python benchmarks/scorecard.py
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from pathlib import Path

import pandas as pd

import panmun
from panmun.agreements.scoring import aggregate, aggregate_reference, month_ends, provision_states


def best_of(fn, repeat: int = 5) -> float:
    """Fastest wall time of ``repeat`` calls, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = panmun.open_store(Path(tmp) / "bench.duckdb")
        dates = month_ends(dt.date(2018, 1, 1), dt.date(2026, 11, 1))
        t_states = best_of(lambda: provision_states(store, dates), repeat=3)
        states = provision_states(store, dates)
        print(f"provision states: {len(states):,} rows ({len(dates)} month ends), "
              f"{t_states * 1000:.0f} ms in DuckDB")
        for by in ("agreement", "vector"):
            pd.testing.assert_frame_equal(aggregate(states, by),
                                          aggregate_reference(states, by)[aggregate(states, by).columns],
                                          check_dtype=False)
            fast = best_of(lambda by=by: aggregate(states, by))
            slow = best_of(lambda by=by: aggregate_reference(states, by), repeat=2)
            print(f"aggregate by {by:9s}: vectorised {fast * 1000:7.1f} ms, "
                  f"reference loop {slow * 1000:7.1f} ms, speed-up x{slow / fast:.1f}")
        t_series = best_of(lambda: panmun.implementation_series(store, by="agreement"), repeat=3)
        print(f"implementation_series (agreement, 2018 to today): {t_series * 1000:.0f} ms")
        store.close()


if __name__ == "__main__":
    main()
