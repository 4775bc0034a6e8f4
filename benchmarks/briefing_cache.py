"""``panmun brief`` cold, warm (store unchanged) and after a change, as a user runs it.

Each run is the command a user types, as a new process with start-up included, on a fresh
store holding the built-in knowledge base (in a temporary folder, so a user's data and
cache are not touched):

1. **cold**: ``panmun brief --out FILE --at DATE --timings --format json`` with no cache
   beside the store: every section computed (its time section by section is printed);
2. **warm**: the same command again, ``--repeat`` times (median): the store is unchanged,
   so every section is reused from the cache (target: under 5 s);
3. **after a status update** (``panmun agreements set-status``): only the sections that
   read the status changes are recomputed;
4. **after an ingest** (the GDELT 2.0 sample shipped with the tests): only the sections that
   read the events are recomputed.

The cache is keyed on the installed files too: if panmun's files change while this runs
(someone editing the tree), a run recomputes everything, and the script says so.

    python benchmarks/briefing_cache.py [--at 2026-11-30] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "fixtures" / "ingest" / "gdelt2_from_gdelt1_sample.tsv"
TARGET_WARM = 5.0   # seconds


def run(args: list[str], env: dict[str, str]) -> tuple[float, dict]:
    """Wall seconds of ``panmun ARGS`` and its JSON document."""
    start = time.perf_counter()
    done = subprocess.run(["panmun", *args], capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"panmun {' '.join(args)} failed: {done.stderr[-2000:]}")
    return seconds, json.loads(done.stdout)


def show(label: str, seconds: float, doc: dict) -> None:
    timings = doc["timings"]
    reused = [t["section"] for t in timings if t["reused"]]
    computed = [t["section"] for t in timings if not t["reused"] and not t["section"].startswith("(")]
    print(f"{label:28s} {seconds:6.2f} s wall; {len(reused)} sections reused, computed: "
          f"{', '.join(computed) or 'none'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--at", default="2026-11-30", help="the briefing's date")
    parser.add_argument("--repeat", type=int, default=3, help="warm runs (median)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "PANMUN_DB": str(Path(tmp) / "bench.duckdb")}
        subprocess.run(["panmun", "init"], capture_output=True, env=env, check=True)
        brief = ["brief", "--out", str(Path(tmp) / "briefing.html"), "--at", args.at, "--timings",
                 "--format", "json"]
        print(f"panmun brief --at {args.at}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
        seconds, cold = run(brief, env)
        show("cold (empty cache)", seconds, cold)
        print("  seconds per section: " + ", ".join(f"{t['section']} {t['seconds']:.2f}"
                                                    for t in cold["timings"]))
        warm = []
        for _ in range(args.repeat):
            seconds, doc = run(brief, env)
            warm.append(seconds)
            if not all(t["reused"] for t in doc["timings"] if not t["section"].startswith("(")):
                print("  (a warm run recomputed sections: panmun's files changed while this ran)")
        show(f"warm (median of {args.repeat})", statistics.median(warm), doc)
        verdict = "within" if statistics.median(warm) < TARGET_WARM else "OVER"
        print(f"  warm runs {', '.join(f'{s:.2f}' for s in warm)} s: {verdict} the target of {TARGET_WARM} s")
        subprocess.run(["panmun", "agreements", "set-status", "cma-2018/5.2", "--score", "2", "--date",
                        "2026-11-01", "--source", "https://example.org/bench", "--note", "benchmark"],
                       capture_output=True, env=env, check=True)
        seconds, doc = run(brief, env)
        show("after a status update", seconds, doc)
        subprocess.run(["panmun", "ingest", "gdelt2", str(SAMPLE)], capture_output=True, env=env, check=True)
        seconds, doc = run(brief, env)
        show("after an ingest", seconds, doc)


if __name__ == "__main__":
    sys.exit(main())
