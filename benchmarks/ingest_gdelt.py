"""Ingest throughput on a large GDELT 2.0 file, against a plain pandas baseline.

The file is built from the real GDELT 1.0 sample rows shipped with the tests, converted
to the 61-field GDELT 2.0 layout and repeated with fresh GLOBALEVENTIDs until it holds
``--rows`` rows (default 5,000,000). Each contender runs in a subprocess of its own so
that its peak memory (ru_maxrss) is its own:

* panmun: ``panmun.ingest_file(store, "gdelt2", file)`` into a fresh store: parse,
  check, region filter, dedupe and insert, with rejects (a file this large takes the
  fast path, ``panmun.ingest.fastpath``);
* pandas baseline: ``read_csv`` of the columns the index needs, filter to the region,
  group by dyad and month (what a careful analyst would write by hand);
* bare DuckDB: DuckDB's own CSV reader, region filter and insert, with none of panmun's
  checks, rejects, line numbers or dedupe: the practical limit on this machine.

    python benchmarks/ingest_gdelt.py [--rows 5000000] [--repeat 3] [--keep]

Each contender runs ``--repeat`` times, in turn, and its median time is reported (the
machine is shared: single runs vary by a third). Prints rows/s and peak memory of each,
the ratios, and panmun's peak memory at a fifth of the rows, to show whether memory stays
flat as the file grows.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "fixtures" / "ingest" / "gdelt2_from_gdelt1_sample.tsv"
REGION = ("KOR", "PRK", "USA", "CHN", "JPN", "RUS", "UNO", "IAEA", "UNC")


def build_file(path: Path, rows: int) -> None:
    """Write ``rows`` GDELT 2.0 rows: the sample's rows again and again, ids made unique."""
    base = [line.split("\t", 1) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    block_rows = len(base)
    with path.open("w", encoding="utf-8") as out:
        written, offset = 0, 10**9
        while written < rows:
            n = min(block_rows, rows - written)
            out.write("".join(f"{offset + written + i}\t{rest}\n" for i, (_, rest) in enumerate(base[:n])))
            written += n


def run_panmun(path: str) -> dict:
    import panmun
    with tempfile.TemporaryDirectory() as tmp:
        store = panmun.open_store(Path(tmp) / "bench.duckdb")
        start = time.perf_counter()
        summary = panmun.ingest_file(store, "gdelt2", path)
        seconds = time.perf_counter() - start
        store.close()
    return {"seconds": seconds, "rows": summary.rows, "kept": summary.events}


def run_pandas(path: str) -> dict:
    import pandas as pd

    from panmun.ingest.layouts import GDELT2_COLUMNS
    wanted = ["GLOBALEVENTID", "SQLDATE", "Actor1CountryCode", "Actor2CountryCode", "EventCode",
              "QuadClass", "GoldsteinScale", "NumMentions"]
    start = time.perf_counter()
    df = pd.read_csv(path, sep="\t", header=None, names=list(GDELT2_COLUMNS), usecols=wanted,
                     dtype=str, quoting=3, on_bad_lines="skip")
    region = df["Actor1CountryCode"].isin(REGION) | df["Actor2CountryCode"].isin(REGION)
    kept = df[region].copy()
    kept["month"] = kept["SQLDATE"].str.slice(0, 6)
    kept["GoldsteinScale"] = pd.to_numeric(kept["GoldsteinScale"], errors="coerce")
    kept.groupby(["Actor1CountryCode", "Actor2CountryCode", "month"], dropna=False).agg(
        n=("GLOBALEVENTID", "size"), goldstein=("GoldsteinScale", "mean"))
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "rows": len(df), "kept": int(region.sum())}


def run_bare_duckdb(path: str) -> dict:
    """The practical limit: DuckDB's own CSV reader, region filter, insert; no checks,
    no rejects, no line numbers, no dedupe, no indexes."""
    import duckdb

    from panmun.ingest.layouts import GDELT2_COLUMNS
    columns = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in GDELT2_COLUMNS) + "}"
    region = "(" + ", ".join(f"'{r}'" for r in REGION) + ")"
    with tempfile.TemporaryDirectory() as tmp:
        con = duckdb.connect(str(Path(tmp) / "bare.duckdb"))
        con.execute("""CREATE TABLE ev (id VARCHAR, date DATE, a1 VARCHAR, a2 VARCHAR, cameo VARCHAR,
                       goldstein DOUBLE, quad INTEGER, mentions INTEGER, url VARCHAR)""")
        start = time.perf_counter()
        kept = con.execute(f"""
            INSERT INTO ev SELECT GLOBALEVENTID, try_strptime(SQLDATE, '%Y%m%d')::DATE, Actor1CountryCode,
                   Actor2CountryCode, EventCode, try_cast(GoldsteinScale AS DOUBLE),
                   try_cast(QuadClass AS INTEGER), try_cast(NumMentions AS INTEGER), SOURCEURL
            FROM read_csv('{path}', delim='\t', quote='', escape='', header=false, auto_detect=false,
                          columns={columns}, store_rejects=true)
            WHERE Actor1CountryCode IN {region} OR Actor2CountryCode IN {region}""").fetchall()[0][0]
        seconds = time.perf_counter() - start
        rows = con.execute(f"SELECT count(*) FROM read_csv('{path}', delim='\t', quote='', header=false, "
                           f"auto_detect=false, columns={columns}, store_rejects=true)").fetchall()[0][0]
        con.close()
    return {"seconds": seconds, "rows": rows, "kept": kept}


RUNNERS = {"panmun": run_panmun, "pandas": run_pandas, "duckdb": run_bare_duckdb}


def child(which: str, path: str) -> None:
    result = RUNNERS[which](path)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result["peak_mib"] = usage.ru_maxrss / 1024
    result["cpu_seconds"] = usage.ru_utime + usage.ru_stime   # the whole process, imports included
    print(json.dumps(result))


def measure(which: str, path: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", which, str(path)], capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def median_run(runs: list[dict]) -> dict:
    """The run of median time, with the largest peak memory of all the runs."""
    middle = sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]
    return dict(middle, peak_mib=max(r["peak_mib"] for r in runs),
                all_seconds=[round(r["seconds"], 1) for r in runs])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of each contender, taken in turn; the median time is reported")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        big, small = Path(tmp) / "big.export.CSV", Path(tmp) / "small.export.CSV"
        t = time.perf_counter()
        build_file(big, args.rows)
        build_file(small, args.rows // 5)
        os.sync()   # else the first contender reads while the kernel is still writing the files out
        print(f"generated {args.rows:,} rows ({big.stat().st_size / 2**30:.2f} GiB) "
              f"in {time.perf_counter() - t:.0f} s")
        print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
        runs: dict[str, list[dict]] = {"pandas": [], "duckdb": [], "panmun": [], "small": []}
        for _ in range(args.repeat):
            for which in ("pandas", "duckdb", "panmun"):
                runs[which].append(measure(which, big))
            runs["small"].append(measure("panmun", small))
        base, bare, ours, ours_small = (median_run(runs[k]) for k in ("pandas", "duckdb", "panmun", "small"))
        for name, r in (("pandas baseline", base), ("bare DuckDB", bare), ("panmun ingest", ours)):
            print(f"{name:16s}: {r['rows'] / r['seconds']:>10,.0f} rows/s  ({r['seconds']:.1f} s; runs "
                  f"{r['all_seconds']}), peak memory {r['peak_mib']:,.0f} MiB, {r['kept']:,} rows kept")
        def rate(r: dict) -> float:
            return r["rows"] / r["seconds"]

        print(f"throughput ratio panmun/pandas: x{rate(ours) / rate(base):.2f} (target >= 2)")
        print(f"throughput ratio bare DuckDB/pandas (the practical limit here): "
              f"x{rate(bare) / rate(base):.2f}")
        print(f"peak memory ratio panmun/pandas: {ours['peak_mib'] / base['peak_mib']:.2f} (target <= 0.5)")
        print(f"panmun peak memory at {args.rows // 5:,} rows: {ours_small['peak_mib']:,.0f} MiB; "
              f"at {args.rows:,}: {ours['peak_mib']:,.0f} MiB")
        print("load average after: {:.2f} {:.2f} {:.2f} (2 cores: above ~0.5 other jobs share the CPU)"
              .format(*os.getloadavg()))
        if args.keep:
            print("files kept in", tmp)


if __name__ == "__main__":
    main()
