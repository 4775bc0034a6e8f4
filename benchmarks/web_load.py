"""Load test of the web workbench: 50 people browsing while 5 run ensembles.

Starts ``panmun serve`` on 127.0.0.1 (a free port) with a fresh temporary store, then,
for ``--seconds`` (default 60) or until ``--max-requests`` requests have been sent:

* ``--users`` (50) simulated readers, each in a loop: open a dashboard page (30 %) or
  call a read endpoint (70 %), then think for a random 1-3 s (``--think``);
* ``--ensemble-users`` (5) analysts, each in a loop: submit an ensemble job (``--runs``
  20,000 runs x ``--horizon`` 120 months of the built-in ``baseline`` scenario), poll it
  every second until it is done, submit the next. After the deadline every job in flight
  is followed to its end (nothing lost: every submitted job must finish).

Readers use an analyst's API token and ensemble users an account each (created in the
store before the server starts, when :mod:`panmun.web.auth` exists; otherwise they run
anonymously, each ensemble user from its own loopback address 127.0.0.10, .11, ... so that each
has its own job quota). Pages and endpoints that answer 404 when probed before the
run (not built yet) are skipped and listed. Static assets are not requested (a browser
caches them).

Reports latency (p50, p95, max, in ms, measured by the client) for pages and for reads
separately (and p50 / p95 per path, slowest first), request counts, the machine's load
average before and after (other processes on the machine count too), the server process's
CPU time per request (its workers excluded), errors (any answer other than 2xx/3xx, and
failed connections) and the ensembles completed. Target: p95 under 300 ms for pages and
reads, no errors, no job lost. Loopback only.

    python benchmarks/web_load.py [--seconds 60] [--users 50] [--ensemble-users 5]
        [--runs 20000] [--horizon 120] [--job-workers 2] [--max-requests 50000] [--think 1 3]
        [--json FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np

PAGES = ("/", "/agreements", "/environment", "/scenarios", "/armscontrol", "/actors", "/roadmap")
READS = ("/api/agreements", "/api/scorecard?at=2019-01-01&by=vector",
         "/api/scorecard?at=2024-06-30&by=agreement", "/api/events?limit=50", "/api/indices?dyad=KOR-PRK",
         "/api/forecast", "/api/armscontrol/packages", "/api/actors/issues", "/api/roadmap/steps",
         "/api/scenarios", "/api/health")
TARGET_P95_MS = 300.0
PASSWORD = "load-test password 1"


@dataclass
class Tally:
    """Every request's category, path, status (0: no answer) and latency in ms."""

    rows: list[tuple[str, str, int, float]] = field(default_factory=list)
    budget: int = 0
    submitted: int = 0
    completed: int = 0
    failed_jobs: int = 0
    job_seconds: list[float] = field(default_factory=list)

    def spend(self) -> bool:
        """Take one request from the budget; False when it is used up."""
        if self.budget <= 0:
            return False
        self.budget -= 1
        return True


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare_store(path: Path, ensemble_users: int) -> dict:
    """Load the built-in knowledge base; create the accounts and tokens if auth exists."""
    from panmun.store.opening import open_store

    tokens: dict = {"reader": None, "ensemble": [None] * ensemble_users}
    with open_store(path) as store:
        try:
            from panmun.web import auth
        except ImportError:
            return tokens
        reader = auth.add_user(store, "load-reader", PASSWORD, "analyst", created_by="web_load")
        tokens["reader"] = auth.new_token(store, reader, "web_load")[1]
        for i in range(ensemble_users):
            user = auth.add_user(store, f"load-ensemble-{i}", PASSWORD, "analyst", created_by="web_load")
            tokens["ensemble"][i] = auth.new_token(store, user, "web_load")[1]
    return tokens


def start_server(db: Path, port: int, log: Path, job_workers: int) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "panmun", "--db", str(db), "serve", "--host", "127.0.0.1",
           "--port", str(port), "--job-workers", str(job_workers)]
    return subprocess.Popen(cmd, stdout=log.open("w"), stderr=subprocess.STDOUT)


def wait_ready(base: str, server: subprocess.Popen, seconds: float = 90.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with status {server.returncode}")
        try:
            if httpx.get(base + "/api/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit("the server did not answer /api/health in time")


def probe(base: str, headers: dict) -> tuple[list[str], list[str], list[str]]:
    """(pages, reads, skipped): the paths that exist, and those that answered 404/405."""
    with httpx.Client(base_url=base, headers=headers, timeout=30) as c:
        agreements = c.get("/api/agreements")
        extra = []
        if agreements.status_code == 200 and agreements.json():
            first = agreements.json()[0]["id"]
            extra.append(f"/api/agreements/{first}")
            detail = c.get(f"/api/agreements/{first}")
            if detail.status_code == 200 and detail.json().get("provisions"):
                extra.append(f"/api/provisions/{detail.json()['provisions'][0]['id']}")
            pages = [*PAGES, f"/agreements/{first}"]
        else:
            pages = list(PAGES)
        kept_pages, kept_reads, skipped = [], [], []
        for path, kept in [(p, kept_pages) for p in pages] + [(r, kept_reads) for r in (*READS, *extra)]:
            status = c.get(path).status_code
            (skipped if status in (404, 405) else kept).append(path)
    return kept_pages, kept_reads, skipped


async def timed(client: httpx.AsyncClient, tally: Tally, category: str, method: str, path: str,
                **kwargs) -> httpx.Response | None:
    start = time.perf_counter()
    try:
        r = await client.request(method, path, **kwargs)
        status = r.status_code
    except httpx.HTTPError:
        r, status = None, 0
    tally.rows.append((category, path, status, (time.perf_counter() - start) * 1000))
    return r


async def reader(client: httpx.AsyncClient, tally: Tally, pages: list[str], reads: list[str],
                 deadline: float, think: tuple[float, float], rng: random.Random) -> None:
    await asyncio.sleep(rng.uniform(0, think[1]))           # people do not all arrive at once
    while time.monotonic() < deadline and tally.spend():
        if pages and (not reads or rng.random() < 0.3):
            await timed(client, tally, "page", "GET", rng.choice(pages))
        else:
            await timed(client, tally, "read", "GET", rng.choice(reads))
        await asyncio.sleep(rng.uniform(*think))


async def analyst(client: httpx.AsyncClient, tally: Tally, runs: int, horizon: int, deadline: float,
                  seed: int) -> None:
    while time.monotonic() < deadline and tally.spend():
        body = {"kind": "ensemble", "params": {"scenario": "baseline", "runs": runs, "horizon": horizon,
                                               "seed": seed}}
        r = await timed(client, tally, "job", "POST", "/api/jobs", json=body)
        if r is None or r.status_code != 202:
            await asyncio.sleep(1)
            continue
        tally.submitted += 1
        seed += 1
        began, job_id = time.monotonic(), r.json()["id"]
        while True:                                         # followed to its end, even past the deadline
            await asyncio.sleep(1.0)
            tally.budget -= 1
            r = await timed(client, tally, "job", "GET", f"/api/jobs/{job_id}")
            state = r.json().get("state") if r is not None and r.status_code == 200 else None
            if state in ("done", "failed"):
                tally.completed += state == "done"
                tally.failed_jobs += state == "failed"
                tally.job_seconds.append(time.monotonic() - began)
                break


def ensemble_client(base: str, i: int, token: str | None) -> httpx.AsyncClient:
    """An analyst's client: its own token, or (anonymous) its own loopback source address."""
    if token:
        return httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60)
    transport = httpx.AsyncHTTPTransport(local_address=f"127.0.0.{10 + i}")
    return httpx.AsyncClient(base_url=base, transport=transport, timeout=60)


async def load(base: str, args, tokens: dict, pages: list[str], reads: list[str]) -> Tally:
    tally = Tally(budget=args.max_requests)
    deadline = time.monotonic() + args.seconds
    headers = {"Authorization": f"Bearer {tokens['reader']}"} if tokens["reader"] else {}
    limits = httpx.Limits(max_connections=args.users + 10, max_keepalive_connections=args.users + 10)
    analysts = [ensemble_client(base, i, tokens["ensemble"][i]) for i in range(args.ensemble_users)]
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=60) as browser:
        rng = random.Random(0)
        think = tuple(args.think)
        tasks = [reader(browser, tally, pages, reads, deadline, think, random.Random(rng.random()))
                 for _ in range(args.users)]
        tasks += [analyst(c, tally, args.runs, args.horizon, deadline, 1000 * i)
                  for i, c in enumerate(analysts)]
        await asyncio.gather(*tasks)
    for c in analysts:
        await c.aclose()
    return tally


def summary(tally: Tally, seconds: float) -> dict:
    out: dict = {"seconds": round(seconds, 1)}
    for category in ("page", "read", "job"):
        rows = [r for r in tally.rows if r[0] == category]
        lat = np.array([r[3] for r in rows]) if rows else np.zeros(1)
        errors = [f"{r[2]} {r[1]}" for r in rows if not 200 <= r[2] < 400]
        out[category] = {"requests": len(rows), "p50_ms": round(float(np.percentile(lat, 50)), 1),
                         "p95_ms": round(float(np.percentile(lat, 95)), 1),
                         "max_ms": round(float(lat.max()), 1),
                         "errors": len(errors), "error_samples": sorted(set(errors))[:10]}
    out["requests_per_second"] = round(len(tally.rows) / seconds, 1)
    out["by_path_ms"] = by_path(tally)
    out["jobs"] = {"submitted": tally.submitted, "completed": tally.completed, "failed": tally.failed_jobs,
                   "lost": tally.submitted - tally.completed - tally.failed_jobs,
                   "median_seconds": round(float(np.median(tally.job_seconds)), 1) if tally.job_seconds
                   else None}
    fast = all(out[c]["p95_ms"] < TARGET_P95_MS and out[c]["errors"] == 0 for c in ("page", "read"))
    out["target_met"] = fast and out["job"]["errors"] == 0 and out["jobs"]["lost"] == 0 \
        and tally.failed_jobs == 0
    return out


def by_path(tally: Tally) -> dict[str, str]:
    """Pages and reads, slowest first: "p50 / p95 (n)" per path, to show where the time goes."""
    paths = sorted({(r[0], r[1]) for r in tally.rows if r[0] != "job"})
    stats = []
    for category, path in paths:
        lat = np.array([r[3] for r in tally.rows if r[0] == category and r[1] == path])
        stats.append((float(np.percentile(lat, 95)), path, float(np.percentile(lat, 50)), lat.size))
    return {path: f"{p50:.0f} / {p95:.0f} ({n})" for p95, path, p50, n in sorted(stats, reverse=True)}


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process so far (Linux /proc; None elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def stop(server: subprocess.Popen) -> None:
    """Stop the server this script started (SIGINT, as Ctrl-C; SIGKILL after 30 s)."""
    server.send_signal(signal.SIGINT)
    try:
        server.wait(30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--ensemble-users", type=int, default=5)
    ap.add_argument("--runs", type=int, default=20_000)
    ap.add_argument("--horizon", type=int, default=120)
    ap.add_argument("--job-workers", type=int, default=2, help="The server's job processes.")
    ap.add_argument("--max-requests", type=int, default=50_000)
    ap.add_argument("--think", type=float, nargs=2, default=(1.0, 3.0), metavar=("MIN", "MAX"))
    ap.add_argument("--json", type=Path, help="Also write the figures here.")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="panmun-load-") as tmp:
        db = Path(tmp) / "load.duckdb"
        print("preparing a fresh store ...", flush=True)
        tokens = prepare_store(db, args.ensemble_users)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_server(db, port, Path(tmp) / "server.log", args.job_workers)
        try:
            wait_ready(base, server)
            headers = {"Authorization": f"Bearer {tokens['reader']}"} if tokens["reader"] else {}
            pages, reads, skipped = probe(base, headers)
            print(f"server {base} (pid {server.pid}); {len(pages)} pages, {len(reads)} reads; "
                  f"skipped (404/405): {', '.join(skipped) or 'none'}; signed in: {bool(tokens['reader'])}",
                  flush=True)
            load_before, cpu_before = os.getloadavg()[0], cpu_seconds(server.pid)
            began = time.monotonic()
            tally = asyncio.run(load(base, args, tokens, pages, reads))
            result = summary(tally, time.monotonic() - began)
            result["load_average_1min"] = {"before": load_before, "after": os.getloadavg()[0]}
            cpu_after = cpu_seconds(server.pid)
            if cpu_before is not None and cpu_after is not None:
                per_request = (cpu_after - cpu_before) / max(len(tally.rows), 1)
                result["server_cpu_ms_per_request"] = round(1000 * per_request, 1)
        finally:
            stop(server)
            log = (Path(tmp) / "server.log").read_text(encoding="utf-8", errors="replace")
        result.update(users=args.users, ensemble_users=args.ensemble_users, job_workers=args.job_workers,
                      runs=args.runs,
                      horizon=args.horizon, think=list(args.think), skipped=skipped, cpus=os.cpu_count())
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    if "Traceback" in log:
        print("the server logged a traceback:\n" + log[-3000:])


if __name__ == "__main__":
    main()
