"""Ingest throughput and memory on large GDELT 1.0 and 2.0 files, against plain readers.

The files are built from the real GDELT rows shipped with the tests (the 509 GDELT 1.0
rows with 58 fields, and the same rows in the 61-field GDELT 2.0 layout), repeated with
fresh GLOBALEVENTIDs until they hold ``--rows`` rows (default 1,000,000 and 5,000,000).
Every contender does the same job on the same file: read the 15 fields panmun's mapping
uses, keep the rows with an actor from the region (the same filter, the same rows kept)
and store them in a DuckDB table in a fresh database file. Each runs in a process of its
own, so its peak memory (ru_maxrss) is its own; the time is that of the job, measured in
the process (imports and opening the database left out, and they cancel in the marginal
cost below anyway).

* **panmun**: ``panmun.ingest_file(store, FORMAT, file)`` into a fresh store, what
  ``panmun ingest`` runs: every check, rejects, line accounting, dedupe against the store;
* **bare DuckDB**: ``read_csv`` (tab, no quote, no header) with every field as VARCHAR,
  the 15 fields selected, ``WHERE`` the region filter, ``INSERT`` into a 15-column VARCHAR
  table (``preserve_insertion_order=false``, DuckDB's default threads and memory);
* **pyarrow**: ``pyarrow.csv.open_csv`` (streaming, the 15 fields as strings, empty as
  null, default block size and threads), its batches read by DuckDB through Arrow, the same
  filter and insert;
* **pandas**: ``pandas.read_csv(sep="\\t", header=None, usecols=the 15 fields,
  quoting=QUOTE_NONE)`` with pandas' default types (C engine), the filter in pandas, the
  kept DataFrame stored in DuckDB with its own types (``CREATE TABLE ... AS SELECT``);
* **pandas (pyarrow engine)**: the same with ``engine="pyarrow"``.

Each contender runs ``--repeat`` times (default 3), interleaved (one round runs every
contender on every file in turn), after a warm-up round on the smallest file; the median
time and the largest peak memory are reported. Throughput is given as rows/s and MB/s of
the file, and as the **marginal** rate: (rows of the large file - rows of the small one) /
(median time on the large file - median time on the small one), so that fixed costs
cancel. panmun's target: at least 0.9 times the marginal rate of the fastest plain reader
(bare DuckDB or pyarrow) and at most half of pandas' peak memory. Each contender's settings
are printed before the runs. The CPU seconds of each job (every thread, user + system) are
reported too, as marginal CPU-seconds per million rows: on a 2-core machine that other jobs
share, the wall times move with their load, the CPU cost much less.

    python benchmarks/ingest_gdelt.py [--rows 1000000,5000000] [--formats gdelt1,gdelt2] [--repeat 3]
    python benchmarks/ingest_gdelt.py --quick     # gdelt2, 200,000 and 1,000,000 rows, 3 rounds (CI)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = {"gdelt1": ROOT / "tests" / "fixtures" / "ingest" / "gdelt1_sample.tsv",
           "gdelt2": ROOT / "tests" / "fixtures" / "ingest" / "gdelt2_from_gdelt1_sample.tsv"}
WIDTH = {"gdelt1": 58, "gdelt2": 61}
REGION = ("KOR", "PRK", "USA", "CHN", "JPN", "RUS", "UNO", "IAEA", "UNC")
#: The fields panmun's GDELT mapping reads (panmun.ingest.formats), in file order.
FIELDS = ("GLOBALEVENTID", "SQLDATE", "Actor1Name", "Actor1CountryCode", "Actor1KnownGroupCode",
          "Actor2Name", "Actor2CountryCode", "Actor2KnownGroupCode", "EventCode", "QuadClass",
          "GoldsteinScale", "NumMentions", "ActionGeo_Lat", "ActionGeo_Long", "SOURCEURL")
CONTENDERS = ("panmun", "duckdb", "pyarrow", "pandas", "pandas-pyarrow")
LABELS = {"panmun": "panmun ingest", "duckdb": "bare DuckDB", "pyarrow": "pyarrow -> DuckDB",
          "pandas": "pandas (C engine)", "pandas-pyarrow": "pandas (pyarrow engine)"}
PLAIN = ("duckdb", "pyarrow")
TARGET_RATE, TARGET_MEMORY = 0.9, 0.5


def build_file(path: Path, fmt: str, rows: int) -> None:
    """Write ``rows`` rows: the sample's full-width rows again and again, ids made unique."""
    lines = SAMPLES[fmt].read_text(encoding="utf-8").splitlines()
    base = [line.split("\t", 1)[1] for line in lines if line.count("\t") == WIDTH[fmt] - 1]
    with path.open("w", encoding="utf-8") as out:
        written, offset = 0, 10**9
        while written < rows:
            n = min(len(base), rows - written)
            out.write("".join(f"{offset + written + i}\t{rest}\n" for i, rest in enumerate(base[:n])))
            written += n


def _columns(fmt: str) -> list[str]:
    from panmun.ingest.layouts import GDELT1_COLUMNS, GDELT2_COLUMNS
    return list(GDELT1_COLUMNS if fmt == "gdelt1" else GDELT2_COLUMNS)


def _region_sql() -> str:
    region = "(" + ", ".join(f"'{r}'" for r in REGION) + ")"
    return (f"coalesce(Actor1CountryCode, Actor1KnownGroupCode) IN {region} "
            f"OR coalesce(Actor2CountryCode, Actor2KnownGroupCode) IN {region}")


def _table(con) -> None:
    con.execute("CREATE TABLE kept (" + ", ".join(f'"{f}" VARCHAR' for f in FIELDS) + ")")


def _cpu() -> float:
    """CPU seconds of this process so far, every thread (user + system)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class _Clock:
    """Wall and CPU seconds of the job between start() and stop()."""

    def start(self) -> None:
        self.wall, self.cpu = time.perf_counter(), _cpu()

    def stop(self) -> dict:
        return {"seconds": time.perf_counter() - self.wall, "cpu": _cpu() - self.cpu}


def run_panmun(fmt: str, path: str, db: Path) -> dict:
    import panmun
    store = panmun.open_store(db)
    clock = _Clock()
    clock.start()
    summary = panmun.ingest_file(store, fmt, path)
    times = clock.stop()
    store.close()
    assert summary.rows == summary.events + summary.rejects + summary.skipped
    return {**times, "rows": summary.rows, "kept": summary.events}


def run_duckdb(fmt: str, path: str, db: Path) -> dict:
    import duckdb
    con = duckdb.connect(str(db))
    con.execute("SET preserve_insertion_order = false")
    _table(con)
    types = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in _columns(fmt)) + "}"
    clock = _Clock()
    clock.start()
    kept = con.execute(f"""INSERT INTO kept SELECT {", ".join(FIELDS)}
                           FROM read_csv('{path}', delim='\t', quote='', escape='', header=false,
                                         auto_detect=false, columns={types})
                           WHERE {_region_sql()}""").fetchall()[0][0]
    times = clock.stop()
    con.close()
    return {**times, "kept": kept}


def run_pyarrow(fmt: str, path: str, db: Path) -> dict:
    import duckdb
    import pyarrow as pa
    import pyarrow.csv as pacsv
    con = duckdb.connect(str(db))
    con.execute("SET preserve_insertion_order = false")
    _table(con)
    clock = _Clock()
    clock.start()
    batches = pacsv.open_csv(
        path, read_options=pacsv.ReadOptions(column_names=_columns(fmt)),
        parse_options=pacsv.ParseOptions(delimiter="\t", quote_char=False),
        convert_options=pacsv.ConvertOptions(include_columns=list(FIELDS), strings_can_be_null=True,
                                             column_types={f: pa.string() for f in FIELDS}))
    con.register("batches", batches)
    kept = con.execute(f"INSERT INTO kept SELECT * FROM batches WHERE {_region_sql()}").fetchall()[0][0]
    times = clock.stop()
    con.close()
    return {**times, "kept": kept}


def run_pandas(fmt: str, path: str, db: Path, engine: str = "c") -> dict:
    import csv

    import duckdb
    import pandas as pd
    con = duckdb.connect(str(db))
    columns = _columns(fmt)
    clock = _Clock()
    clock.start()
    if engine == "pyarrow":   # the pyarrow engine takes no quoting option; GDELT has no quotes
        df = pd.read_csv(path, sep="\t", header=None, usecols=[columns.index(f) for f in FIELDS],
                         engine="pyarrow")
        df.columns = list(FIELDS)
    else:
        df = pd.read_csv(path, sep="\t", header=None, names=columns, usecols=list(FIELDS),
                         quoting=csv.QUOTE_NONE)
    actor1 = df["Actor1CountryCode"].where(df["Actor1CountryCode"].notna(), df["Actor1KnownGroupCode"])
    actor2 = df["Actor2CountryCode"].where(df["Actor2CountryCode"].notna(), df["Actor2KnownGroupCode"])
    kept = df[actor1.isin(REGION) | actor2.isin(REGION)][list(FIELDS)]
    con.register("kept_frame", kept)
    con.execute("CREATE TABLE kept AS SELECT * FROM kept_frame")   # pandas' own types
    times = clock.stop()
    con.close()
    return {**times, "kept": len(kept)}


RUNNERS = {"panmun": run_panmun, "duckdb": run_duckdb, "pyarrow": run_pyarrow, "pandas": run_pandas,
           "pandas-pyarrow": lambda fmt, path, db: run_pandas(fmt, path, db, engine="pyarrow")}


def child(which: str, fmt: str, path: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        result = RUNNERS[which](fmt, path, Path(tmp) / "bench.duckdb")
    result["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def measure(which: str, fmt: str, path: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", which, fmt, str(path)], capture_output=True,
                         text=True)
    if out.returncode != 0:
        raise SystemExit(f"{which} on {path.name} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def settings() -> str:
    import duckdb
    import pandas as pd
    import pyarrow as pa
    return (f"Python {platform.python_version()}, DuckDB {duckdb.__version__}, pyarrow {pa.__version__}, "
            f"pandas {pd.__version__}, {os.cpu_count()} CPUs")


def peer_settings(which: str) -> str:
    """The settings each contender runs with, as the library reports them where it can."""
    import duckdb
    con = duckdb.connect()
    threads, memory = con.execute(
        "SELECT current_setting('threads'), current_setting('memory_limit')").fetchall()[0]
    con.close()
    store = f"DuckDB threads={threads}, memory_limit={memory} (default)"
    if which == "panmun":
        from panmun.ingest import engine, fastpath
        return (f"panmun.ingest_file; files > {fastpath.FAST_PATH_BYTES >> 20} MiB take the fast path "
                f"(DuckDB read_csv, typed fields, store_rejects, every check); DuckDB threads={threads}, "
                f"memory_limit={engine.MEMORY_LIMIT} during the ingest, preserve_insertion_order=false")
    if which == "duckdb":
        return ("read_csv(delim='\\t', quote='', escape='', header=false, auto_detect=false, every field "
                f"VARCHAR), INSERT ... WHERE region; preserve_insertion_order=false; {store}")
    if which == "pyarrow":
        import pyarrow as pa
        import pyarrow.csv as pacsv
        block = pacsv.ReadOptions().block_size
        return (f"pyarrow.csv.open_csv(block_size={block >> 20} MiB (default), use_threads=True, "
                f"cpu_count={pa.cpu_count()}, 15 fields as string); DuckDB reads the batches; "
                f"preserve_insertion_order=false; {store}")
    if which == "pandas":
        return ("pandas.read_csv(sep='\\t', header=None, usecols=15 fields, quoting=QUOTE_NONE, "
                f"engine='c', default types); filter in pandas; CREATE TABLE AS from the frame; {store}")
    return ("pandas.read_csv(sep='\\t', header=None, usecols=15 fields, engine='pyarrow', default types); "
            f"filter in pandas; CREATE TABLE AS from the frame; {store}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="1000000,5000000", help="row counts of the files, comma-separated")
    parser.add_argument("--formats", default="gdelt1,gdelt2")
    parser.add_argument("--repeat", type=int, default=3, help="interleaved rounds (median reported)")
    parser.add_argument("--contenders", default=",".join(CONTENDERS))
    parser.add_argument("--quick", action="store_true", help="gdelt2 at 200,000 and 1,000,000 rows (CI)")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    if args.quick:
        args.rows, args.formats = "200000,1000000", "gdelt2"
    sizes = sorted(int(r) for r in args.rows.split(","))
    formats, contenders = args.formats.split(","), args.contenders.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        files = {(fmt, n): Path(tmp) / f"{fmt}-{n}.tsv" for fmt in formats for n in sizes}
        started = time.perf_counter()
        for (fmt, n), path in files.items():
            build_file(path, fmt, n)
        os.sync()   # else the first contender reads while the kernel is still writing the files out
        print(f"{settings()}; files built in {time.perf_counter() - started:.0f} s: " + ", ".join(
            f"{p.name} {p.stat().st_size / 1e6:,.0f} MB" for p in files.values()))
        for which in contenders:
            print(f"  {LABELS[which]}: {peer_settings(which)}")
        print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
        for fmt in formats:                                    # warm-up: page cache, imports
            for which in contenders:
                measure(which, fmt, files[(fmt, sizes[0])])
        runs: dict[tuple, list[dict]] = {}
        for _ in range(args.repeat):
            for (fmt, n), path in files.items():
                for which in contenders:
                    runs.setdefault((fmt, n, which), []).append(measure(which, fmt, path))
        print("load average after: {:.2f} {:.2f} {:.2f} (2 cores: above ~0.5, other jobs share the CPU)"
              .format(*os.getloadavg()))
        for fmt in formats:
            report(fmt, sizes, contenders, runs, {n: files[(fmt, n)].stat().st_size for n in sizes})


def report(fmt: str, sizes: list[int], contenders: list[str], runs: dict, nbytes: dict[int, int]) -> None:
    """One table per format: time, rows/s, MB/s and peak memory per size, and marginal rates."""
    keys = [(n, w) for n in sizes for w in contenders]
    med = {(n, w): statistics.median(r["seconds"] for r in runs[(fmt, n, w)]) for n, w in keys}
    cpu = {(n, w): statistics.median(r["cpu"] for r in runs[(fmt, n, w)]) for n, w in keys}
    peak = {(n, w): max(r["peak_mib"] for r in runs[(fmt, n, w)]) for n, w in keys}
    kept = {(n, w): runs[(fmt, n, w)][0]["kept"] for n, w in keys}
    small, large = sizes[0], sizes[-1]
    print(f"\n{fmt}: median of {len(runs[(fmt, small, contenders[0])])} runs; rows kept by the region "
          "filter: " + ", ".join(f"{n:,} rows -> {kept[(n, contenders[0])]:,}" for n in sizes))
    head = "".join(f" | {n / 1e6:g}M rows: s, rows/s, MB/s, peak MiB" for n in sizes)
    print(f"{'contender':24s}{head} | marginal rows/s, MB/s | marginal CPU-s per M rows")
    marginal, marginal_cpu = {}, {}
    for w in contenders:
        cells = "".join(f" | {med[(n, w)]:6.2f} {n / med[(n, w)]:>10,.0f} "
                        f"{nbytes[n] / 1e6 / med[(n, w)]:6.0f} {peak[(n, w)]:7,.0f}" for n in sizes)
        dt = med[(large, w)] - med[(small, w)]
        marginal[w] = (large - small) / dt if dt > 0 else float("nan")
        mb = (nbytes[large] - nbytes[small]) / 1e6 / dt if dt > 0 else float("nan")
        dc = cpu[(large, w)] - cpu[(small, w)]
        marginal_cpu[w] = dc / (large - small) * 1e6
        print(f"{LABELS[w]:24s}{cells} | {marginal[w]:>12,.0f} {mb:6.0f} | {marginal_cpu[w]:6.2f}")
        if any(kept[(n, w)] != kept[(n, contenders[0])] for n in sizes):
            print(f"  ({LABELS[w]} kept other rows than {LABELS[contenders[0]]}: the comparison is void)")
    for w in contenders:
        spread = "; ".join(f"{n / 1e6:g}M: " + ", ".join(f"{r['seconds']:.2f}" for r in runs[(fmt, n, w)])
                           for n in sizes)
        print(f"  runs, {LABELS[w]}: {spread}")
    if "panmun" in contenders and any(w in contenders for w in PLAIN):
        fastest = max((w for w in PLAIN if w in contenders), key=lambda w: marginal[w])
        ratio = marginal["panmun"] / marginal[fastest]
        verdict = "met" if ratio >= TARGET_RATE else "NOT met"
        print(f"panmun / fastest plain reader ({LABELS[fastest]}), marginal throughput: x{ratio:.2f} "
              f"(target >= {TARGET_RATE}: {verdict})")
        leanest = min((w for w in PLAIN if w in contenders), key=lambda w: marginal_cpu[w])
        print(f"  the same by CPU time (all threads; steadier when other jobs share the machine): "
              f"{LABELS[leanest]} {marginal_cpu[leanest]:.2f} / panmun {marginal_cpu['panmun']:.2f} "
              f"CPU-s per million rows = x{marginal_cpu[leanest] / marginal_cpu['panmun']:.2f}")
    if "panmun" in contenders and "pandas" in contenders:
        for n in sizes:
            ratio = peak[(n, "panmun")] / peak[(n, "pandas")]
            verdict = "met" if ratio <= TARGET_MEMORY else "NOT met"
            print(f"peak memory panmun / pandas at {n:,} rows: {peak[(n, 'panmun')]:,.0f} / "
                  f"{peak[(n, 'pandas')]:,.0f} MiB = x{ratio:.2f} (target <= {TARGET_MEMORY}: {verdict})")


if __name__ == "__main__":
    main()
