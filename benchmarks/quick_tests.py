"""Wall time of the quick local test run, ``pytest -m "not slow"``, against its target.

A contributor's quick run should finish in under 2 minutes on the 2-core machine (the full
suite, with the browser, the briefing and every command's contract, is CI's job). The run
uses the project's pytest settings (pyproject.toml: one worker per core, at most 4). This
script runs the quick selection ``--repeat`` times in a fresh process each (the first run
also warms the interpreter's and the libraries' file caches, so it is reported but not
counted when there are several), and prints the number of tests, each run's wall time, the
median of the counted runs and the verdict.

    python benchmarks/quick_tests.py              # 1 run
    python benchmarks/quick_tests.py --repeat 3   # 3 runs: median of the last 2
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET = 120.0   # seconds of wall time
ROOT = Path(__file__).resolve().parents[1]


def run_once() -> tuple[float, str]:
    """One quick run: its wall time (s) and pytest's summary line."""
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not slow"]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    lines = [line for line in done.stdout.splitlines() if re.search(r"\d+ (passed|failed)", line)]
    if done.returncode != 0:
        sys.exit(f"the quick run failed:\n{done.stdout[-3000:]}{done.stderr[-2000:]}")
    return seconds, lines[-1].strip("= ") if lines else "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs (default 1)")
    args = parser.parse_args()
    print(f'pytest -m "not slow" in {ROOT} (target: under {TARGET:.0f} s of wall time)')
    times = []
    for k in range(max(1, args.repeat)):
        seconds, summary = run_once()
        times.append(seconds)
        print(f"run {k + 1}: {seconds:6.1f} s  ({summary})")
    counted = times[1:] if len(times) > 1 else times
    median = statistics.median(counted)
    verdict = "within" if median < TARGET else "OVER"
    print(f"median of {len(counted)} counted run(s): {median:.1f} s, {verdict} the target of {TARGET:.0f} s")


if __name__ == "__main__":
    main()
