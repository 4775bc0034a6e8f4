"""Start-up time of the light commands, beside the interpreter's own.

Commands that only read the store should answer in at most 0.3 s of wall time on the
2-core machine. This script times, as separate processes on a store created first,
``python -c pass`` (the floor: the interpreter alone), ``panmun --help``,
``panmun agreements list`` and ``panmun events list`` (table and JSON), interleaved
(one round runs each command once, in turn), after a warm-up round, and prints the median
and the spread of the rounds with the verdict against the target.

    python benchmarks/cli_startup.py            # 7 rounds
    python benchmarks/cli_startup.py --quick    # 3 rounds (CI)
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET = 0.3   # seconds of wall time
COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "panmun --help": ["panmun", "--help"],
    "panmun agreements list": ["panmun", "agreements", "list"],
    "panmun events list": ["panmun", "events", "list"],
    "panmun agreements list -f json": ["panmun", "agreements", "list", "-f", "json"],
    "panmun events list -f json": ["panmun", "events", "list", "-f", "json"],
}
LIGHT = ("panmun --help", "panmun agreements list", "panmun events list")


def wall(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed: {done.stderr.decode()[-500:]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 rounds instead of 7")
    args = parser.parse_args()
    rounds = 3 if args.quick else 7
    if shutil.which("panmun") is None:
        raise SystemExit("panmun is not on PATH: install it first (pip install -e .)")
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "PANMUN_DB": str(Path(tmp) / "bench.duckdb")}
        subprocess.run(["panmun", "init"], stdout=subprocess.DEVNULL, env=env, check=True)
        times: dict[str, list[float]] = {name: [] for name in COMMANDS}
        for command in COMMANDS.values():          # warm-up: file caches, .pyc files
            wall(command, env)
        for _ in range(rounds):
            for name, command in COMMANDS.items():
                times[name].append(wall(command, env))
    print(f"Wall time of each command as a new process: median of {rounds} interleaved rounds after a "
          f"warm-up ({os.cpu_count()} CPUs, Python {sys.version.split()[0]})")
    print(f"{'command':34s} {'median':>8s} {'min':>8s} {'max':>8s}")
    for name, values in times.items():
        print(f"{name:34s} {statistics.median(values):7.3f}s {min(values):7.3f}s {max(values):7.3f}s")
    worst = max(statistics.median(times[name]) for name in LIGHT)
    verdict = "within" if worst <= TARGET else "OVER"
    print(f"slowest light command (table format): {worst:.3f} s, {verdict} the target of {TARGET} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
