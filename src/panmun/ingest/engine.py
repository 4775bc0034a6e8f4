"""Ingest a file of external events into the store's one event table, in one transaction.

Every data row of the file ends in exactly one of three places, and the summary counts
each, so that ``rows = events + rejects + skipped``:

* ``events``: a new event in the ``events`` table (source, source id, line kept);
* ``rejects``: the ``rejects`` table, with file, line, field and reason (malformed line,
  wrong number of fields, text that is not UTF-8, impossible date, unknown code, ...);
* ``skipped``: no actor from the region (unless ``all_actors``), or already stored
  (same source and source id, from an earlier ingest or earlier in the same file).

Header lines (including the stray repeated headers of some POLECAT weeks) and blank
lines are not data rows; they are counted separately. The file streams through in
blocks (see :mod:`panmun.ingest.textio`); each block is parsed, checked, filtered and
inserted by DuckDB set operations. A failure part-way rolls the whole file back.
"""

from __future__ import annotations

import csv
import datetime as dt
import getpass
import io
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from panmun.codes import code_tables
from panmun.errors import InputError, NotFoundError, StoreError
from panmun.ingest import cns, fastpath
from panmun.ingest.formats import (
    FORMAT_NAMES,
    FORMATS,
    REGION_ACTORS,
    Format,
    inline_normalised,
    lit,
    q,
    referenced_fields,
    sql_list,
)
from panmun.ingest.records import EVENT_COLUMNS
from panmun.ingest.textio import line_batches, open_members
from panmun.store.db import Store

CSV_BATCH = 50_000
RAW_LIMIT = 500   # characters of a rejected line kept for the analyst to see
MEMORY_LIMIT = "256MB"   # DuckDB's working memory during an ingest; beyond it, it spills to disk

Progress = Callable[[int, int], None]   # (bytes consumed since the last call, data rows so far)


@dataclass
class IngestSummary:
    """What one file's ingest did (counts of data rows)."""

    ingest_id: int
    format: str
    file: str
    rows: int = 0
    events: int = 0
    rejects: int = 0
    skipped: int = 0
    skipped_region: int = 0
    skipped_stored: int = 0
    header_lines: int = 0
    blank_lines: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def ingest_files(store: Store, fmt: str, paths: Iterable[Path | str], *, all_actors: bool = False,
                 who: str | None = None, progress: Progress | None = None) -> list[IngestSummary]:
    """Ingest each file in turn (each in its own transaction); return their summaries."""
    return [ingest_file(store, fmt, p, all_actors=all_actors, who=who, progress=progress) for p in paths]


def ingest_file(store: Store, fmt: str, path: Path | str, *, all_actors: bool = False,
                who: str | None = None, progress: Progress | None = None) -> IngestSummary:
    """Read ``path`` in format ``fmt`` into the store: all of it, or (on error) none of it."""
    if fmt not in FORMAT_NAMES:
        raise InputError(f"unknown format {fmt!r}; choose one of {', '.join(FORMAT_NAMES)}")
    path = Path(path)
    if not path.is_file():
        raise NotFoundError(f"no file {path}")
    try:
        return _ingest(store, fmt, path, all_actors, who, progress, fast=True)
    except fastpath.NotForFastPath:   # rolled back: the line path reads the file instead
        return _ingest(store, fmt, path, all_actors, who, progress, fast=False)


def _ingest(store: Store, fmt: str, path: Path, all_actors: bool, who: str | None,
            progress: Progress | None, fast: bool) -> IngestSummary:
    """One file in one transaction (``fast``: a large GDELT file may take the fast path)."""
    con = store.con
    _register_code_tables(con)
    started = time.perf_counter()
    limit, ordered = con.execute(
        "SELECT current_setting('memory_limit'), current_setting('preserve_insertion_order')").fetchall()[0]
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")   # spill to disk rather than grow
    con.execute("BEGIN TRANSACTION")
    try:
        ingest_id = con.execute(
            """INSERT INTO ingests (format, file, bytes, started_at, all_actors, who)
               VALUES (?, ?, ?, ?, ?, ?) RETURNING id""",
            [fmt, str(path.resolve()), path.stat().st_size, _now(), all_actors,
             who or getpass.getuser()]).fetchall()[0][0]
        summary = IngestSummary(ingest_id, fmt, str(path))
        run = Run(con, summary, fmt, all_actors)
        if fmt == "cns-missiles":
            run.cns(path, progress)
        else:
            run.stream(FORMATS[fmt], path, progress, fast)
        run.finish(fmt)
        summary.skipped = summary.skipped_region + summary.skipped_stored
        summary.seconds = round(time.perf_counter() - started, 3)
        con.execute(
            """UPDATE ingests SET finished_at = ?, rows = ?, events = ?, rejects = ?,
                   skipped_region = ?, skipped_stored = ? WHERE id = ?""",
            [_now(), summary.rows, summary.events, summary.rejects, summary.skipped_region,
             summary.skipped_stored, ingest_id])
        con.execute("COMMIT")
    except BaseException as exc:
        con.execute("ROLLBACK")
        if isinstance(exc, duckdb.Error):
            raise StoreError(f"ingesting {path} failed, nothing was stored: {exc}") from exc
        if isinstance(exc, pa.ArrowInvalid):   # e.g. an empty file, or bytes that are not text
            raise InputError(f"{path}: cannot be read as {fmt}: {exc}; nothing was stored",
                             hint=f"Check that the file is a {fmt} file (docs/ingest.md).") from exc
        raise
    finally:
        con.execute(f"SET memory_limit = '{limit}'")
        con.execute(f"SET preserve_insertion_order = {bool(ordered)}")   # the fast path unsets it
    assert summary.rows == summary.events + summary.rejects + summary.skipped
    return summary


def list_rejects(store: Store, file: str | None = None, ingest_id: int | None = None) -> pd.DataFrame:
    """Rejected rows with file, line, field and reason; by default those of each file's last ingest."""
    where = ["TRUE"]
    params: list[int | str] = []
    if ingest_id is not None:
        where.append("r.ingest_id = ?")
        params.append(ingest_id)
    else:
        where.append("r.ingest_id = (SELECT max(i.id) FROM ingests i WHERE i.file = g.file)")
    if file is not None:
        where.append("(r.file = ? OR g.file = ? OR r.file LIKE ?)")
        resolved = str(Path(file).resolve())
        params += [file, resolved, f"%{Path(file).name}%"]
    return store.query(
        f"""SELECT r.ingest_id, g.format, r.file, r.line, r.field, r.reason, r.raw
            FROM rejects r JOIN ingests g ON g.id = r.ingest_id
            WHERE {' AND '.join(where)} ORDER BY r.ingest_id, r.file, r.line""", params)


def list_ingests(store: Store) -> pd.DataFrame:
    """Every ingest run with its counts."""
    return store.query("""SELECT id, format, file, started_at, rows, events, rejects,
                                 skipped_region + skipped_stored AS skipped, all_actors, who
                          FROM ingests ORDER BY id""")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _register_code_tables(con: duckdb.DuckDBPyConnection) -> None:
    """The code tables as temporary DuckDB tables (once per connection)."""
    exists = con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = 'cameo'")
    if exists.fetchall()[0][0]:
        return
    for name, rows in code_tables().items():
        frame = pd.DataFrame(rows)
        con.register("_codes_in", frame)
        con.execute(f"CREATE TEMP TABLE {name} AS SELECT DISTINCT * FROM _codes_in")
        con.unregister("_codes_in")


class Run:
    """The state of one file's ingest: the connection, the summary, the format's SQL
    (:mod:`panmun.ingest.fastpath` works on it too)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, summary: IngestSummary, fmt: str,
                 all_actors: bool):
        self.con, self.summary, self.fmt, self.all_actors = con, summary, fmt, all_actors
        self._kept_ready = False
        self.in_region = 0           # rows of the region kept so far (stored or not)
        self.fast_inserted = False   # the fast path has inserted rows into events (ingest.fastpath)

    # --- tab-separated and CSV formats --------------------------------------------
    def stream(self, spec: Format, path: Path, progress: Progress | None, fast: bool = True) -> None:
        if fast and fastpath.applies(spec, path):
            fastpath.ingest(self, spec, path, progress)
            return
        with open_members(path) as members:
            for name, stream in members:
                if spec.kind == "lines":
                    self._lines(spec, name, stream, progress)
                else:
                    self._csv(spec, name, stream, progress)

    def _lines(self, spec: Format, name: str, stream, progress: Progress | None) -> None:
        header: list[str] | None = None
        for batch in line_batches(stream):
            text = batch.text
            for line, raw in batch.bad_utf8:
                self.reject(name, line, None, "not UTF-8 text", raw.decode("utf-8", "replace"))
            if spec.header and header is None:
                header, text = self._take_header(spec, name, batch)
            columns = list(header) if header is not None else list(spec.columns)
            table = pa.table({"line": batch.lines, "text": text})
            self.summary.blank_lines += int(pc.sum(pc.equal(text, "")).as_py() or 0)
            self.process(spec, name, table, columns, split=True)
            if progress:
                progress(batch.nbytes, self.summary.rows)

    def _take_header(self, spec: Format, name: str, batch) -> tuple[list[str], pa.Array]:
        """The header of a headed tab-separated file (its first line), and the batch without it."""
        values = batch.text.to_pylist()
        first = next((i for i, v in enumerate(values) if v), None)
        if first is None:
            raise InputError(f"{name}: line 1: empty file, expected a header row")
        header = [h.strip().lstrip("\ufeff") for h in values[first].split("\t")]
        missing = [c for c in spec.required if c not in header]
        if missing:
            raise InputError(
                f"{name}: line {first + 1}: not the {spec.name} layout: the header lacks "
                f"{', '.join(missing)}", hint=f"Check the file is {spec.description}.")
        self.summary.header_lines += 1
        self.summary.blank_lines += first
        values[: first + 1] = [None] * (first + 1)   # not data rows
        return header, pa.array(values, type=pa.string())

    def _csv(self, spec: Format, name: str, stream, progress: Progress | None) -> None:
        text = io.TextIOWrapper(stream, encoding="utf-8", errors="surrogateescape", newline="")
        try:
            self._csv_records(spec, name, csv.reader(text))
        finally:
            text.detach()   # the caller closes the underlying stream
        if progress:
            progress(0, self.summary.rows)

    def _csv_records(self, spec: Format, name: str, reader) -> None:
        header = next(reader, None)
        if header is None:
            raise InputError(f"{name}: line 1: empty file, expected a header row")
        header = [h.strip().lstrip("\ufeff") for h in header]
        missing = [c for c in spec.required if c not in header]
        if missing:
            raise InputError(f"{name}: line 1: not the {spec.name} layout: the header lacks "
                             f"{', '.join(missing)}", hint=f"Check the file is {spec.description}.")
        self.summary.header_lines += 1
        if spec.name == "acled":
            era = "post-March-2023" if "disorder_type" in header else "pre-March-2023"
            self.summary.notes.append(f"ACLED column set: {era}")
        width = len(header)
        rows: list[list[int | str | None]] = []
        start = reader.line_num + 1
        for record in reader:
            line, start = start, reader.line_num + 1
            if not record or not any(f.strip() for f in record):
                self.summary.blank_lines += 1
                continue
            raw = ",".join(record)
            if _has_surrogates(raw):
                self.reject(name, line, None, "not UTF-8 text", raw.encode("utf-8", "surrogateescape")
                             .decode("utf-8", "replace"))
                continue
            fields = (record + [None] * width)[:width]
            rows.append([line, raw[:RAW_LIMIT], len(record), *fields])
            if len(rows) >= CSV_BATCH:
                self._flush_csv(spec, name, header, rows)
                rows = []
        self._flush_csv(spec, name, header, rows)

    def _flush_csv(self, spec: Format, name: str, header: list[str], rows: list[list]) -> None:
        if not rows:
            return
        columns = ["line", "text", "nf", *header]
        data = {c: [r[i] for r in rows] for i, c in enumerate(columns)}
        for missing in sorted(referenced_fields(spec) - set(header)):   # optional columns left out
            data[missing] = [None] * len(rows)
        table = pa.table({c: pa.array(v, type=pa.int64() if c in ("line", "nf") else pa.string())
                          for c, v in data.items()})
        self.process(spec, name, table, header, split=False)

    # --- one block: parse, check, filter, insert ---------------------------------
    def process(self, spec: Format, name: str, table: pa.Table, columns: list[str], split: bool) -> None:
        con = self.con
        con.register("_chunk", table)
        try:
            con.execute(f"CREATE OR REPLACE TEMP TABLE _staged AS {_staged_sql(spec, columns, split)}")
        finally:
            con.unregister("_chunk")
        expected = " or ".join(str(n) for n in spec.field_counts) if spec.field_counts else str(len(columns))
        headers, rows, rejected = con.execute(
            """SELECT count(*) FILTER (WHERE is_header), count(*) FILTER (WHERE NOT is_header),
                      count(*) FILTER (WHERE NOT is_header AND (shape_bad OR reject_field IS NOT NULL))
               FROM _staged""").fetchall()[0]
        if rejected:
            con.execute(
                f"""INSERT INTO rejects (ingest_id, file, line, field, reason, raw)
                    SELECT ?, ?, line, CASE WHEN shape_bad THEN NULL ELSE reject_field END,
                           CASE WHEN shape_bad THEN 'expected {expected} fields, found ' || nf
                                ELSE reject_reason END, left(text, {RAW_LIMIT})
                    FROM _staged WHERE NOT is_header AND (shape_bad OR reject_field IS NOT NULL)""",
                [self.summary.ingest_id, name])
        con.execute("""CREATE OR REPLACE TEMP VIEW _valid AS SELECT * FROM _staged
                       WHERE NOT is_header AND NOT shape_bad AND reject_field IS NULL""")
        self.summary.header_lines += headers
        self.summary.rows += rows
        self.summary.rejects += rejected
        self._keep_valid()

    def _keep_valid(self) -> None:
        """Move the region's rows of ``_valid`` into ``_kept``; count the others as skipped."""
        con = self.con
        region = "TRUE" if self.all_actors else \
            f"(actor1 IN {sql_list(REGION_ACTORS)} OR actor2 IN {sql_list(REGION_ACTORS)})"
        cols = ", ".join(["line", *(c for c in EVENT_COLUMNS if c not in ("source", "line"))])
        if not self._kept_ready:
            con.execute(f"CREATE OR REPLACE TEMP TABLE _kept AS SELECT {cols} FROM _valid LIMIT 0")
            self._kept_ready = True
        valid = con.execute("SELECT count(*) FROM _valid").fetchall()[0][0]
        kept = con.execute(f"INSERT INTO _kept SELECT {cols} FROM _valid WHERE {region}").fetchall()[0][0]
        self.summary.skipped_region += valid - kept
        self.in_region += kept

    def finish(self, source: str) -> None:
        """Store the kept rows not stored before, one row per source id.

        The fast path has already inserted its rows (``line`` NULL); here its rows whose
        source id an earlier ingest stored, or the file repeats, are removed, and the line
        path's rows are inserted: a line path row is preferred to a fast path row with
        the same id (it was handed over because its id needs the first-line rule), and of
        the line path's rows with one id the first line is kept.
        """
        con, ingest_id = self.con, self.summary.ingest_id
        cols = [c for c in EVENT_COLUMNS if c not in ("source", "line")]
        listed = ", ".join(cols)
        if self.fast_inserted:
            earlier = con.execute(
                "SELECT count(*) FROM events WHERE source = ? AND ingest_id IS DISTINCT FROM ?",
                [source, ingest_id]).fetchall()[0][0]
            if earlier:   # (a first ingest of a source skips this join over every new row)
                con.execute(
                    """DELETE FROM events n WHERE n.ingest_id = ? AND EXISTS (
                           SELECT 1 FROM events o WHERE o.source = ? AND o.source_id = n.source_id
                           AND o.ingest_id IS DISTINCT FROM n.ingest_id)""", [ingest_id, source])
            if self._kept_ready:
                con.execute("""DELETE FROM events WHERE ingest_id = ?
                               AND source_id IN (SELECT source_id FROM _kept)""", [ingest_id])
            _drop_repeated_ids(con, ingest_id)
        if self._kept_ready:
            # the per-id dedupe costs a sort of every kept row: only when some id repeats
            repeats = con.execute("SELECT count(*) - count(DISTINCT source_id) FROM _kept").fetchall()[0][0]
            dedupe = "QUALIFY row_number() OVER (PARTITION BY source_id ORDER BY line) = 1" if repeats else ""
            con.execute(
                f"""INSERT INTO events (id, origin, source, line, ingest_id, {listed})
                    SELECT ? || ':' || source_id, ?, ?, line, ?, {listed}
                    FROM _kept k
                    WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.source = ? AND e.source_id = k.source_id)
                    {dedupe}""",
                [source, f"ingest:{source}", source, ingest_id, source])
            con.execute("DROP TABLE _kept")
        stored = con.execute("SELECT count(*) FROM events WHERE ingest_id = ?", [ingest_id]).fetchall()[0][0]
        self.summary.events += stored
        self.summary.skipped_stored += self.in_region - stored

    # --- the CNS layout (small files, quoted multi-line fields) ------------------
    def cns(self, path: Path, progress: Progress | None) -> None:
        try:
            result = cns.read_cns_missiles(path)
        except ValueError as exc:
            raise InputError(str(exc)) from exc
        for r in result.rejects.itertuples():
            self.reject(str(path), r.line, r.field, r.reason, r.raw)
        self.summary.rows += result.rows - len(result.rejects)
        frame = result.events[list(EVENT_COLUMNS)]
        self.con.register("_cns", frame)
        try:
            self.con.execute("CREATE OR REPLACE TEMP TABLE _cns_valid AS SELECT * FROM _cns")
        finally:
            self.con.unregister("_cns")
        self.con.execute("CREATE OR REPLACE TEMP VIEW _valid AS SELECT * FROM _cns_valid")
        self._keep_valid()
        if progress:
            progress(path.stat().st_size, self.summary.rows)

    def reject(self, file: str, line: int | None, field_: str | None, reason: str, raw: str | None) -> None:
        self.con.execute(
            "INSERT INTO rejects (ingest_id, file, line, field, reason, raw) VALUES (?, ?, ?, ?, ?, ?)",
            [self.summary.ingest_id, file, line, field_, reason, (raw or "")[:RAW_LIMIT]])
        self.summary.rejects += 1
        self.summary.rows += 1


def _has_surrogates(text: str) -> bool:
    """Whether a line decoded with ``surrogateescape`` held bytes that are not UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _drop_repeated_ids(con: duckdb.DuckDBPyConnection, ingest_id: int) -> None:
    """Of the rows an ingest stored with one source id, keep the first stored."""
    repeats = con.execute("SELECT count(*) - count(DISTINCT source_id) FROM events WHERE ingest_id = ?",
                          [ingest_id]).fetchall()[0][0]
    if repeats:
        con.execute("""DELETE FROM events WHERE rowid IN (
                           SELECT rowid FROM events WHERE ingest_id = ?
                           QUALIFY row_number() OVER (PARTITION BY source_id ORDER BY rowid) > 1)""",
                    [ingest_id])


def _staged_sql(spec: Format, columns: list[str], split: bool) -> str:
    """The SELECT that parses one block and gives every row its normalised fields and verdict."""
    def normalised(sql: str) -> str:   # n.<column> in a check means that column's expression
        return inline_normalised(sql, spec.expressions)

    if split:   # only the fields the format's SQL refers to: splitting is cheap, copying is not
        used = referenced_fields(spec)
        fields = ", ".join(f"f[{i + 1}] AS {q(c)}" for i, c in enumerate(columns) if c in used)
        first = columns[0]
        headed = spec.header or first == "GLOBALEVENTID"   # a GDELT file saved with its header
        is_header = f"(f[1] = {lit(first)})" if headed else "FALSE"
        source = f"""(SELECT line, text, len(f) AS nf, {is_header} AS is_header, {fields}
                      FROM (SELECT line, text, string_split(text, chr(9)) AS f FROM _chunk
                            WHERE text IS NOT NULL AND text <> ''))"""
    else:
        source = "(SELECT *, FALSE AS is_header FROM _chunk)"
    if spec.field_counts:
        shape_bad = f"r.nf NOT IN ({', '.join(str(n) for n in spec.field_counts)})"
    elif spec.extra_fields_ok:
        shape_bad = f"r.nf < {len(columns)}"
    else:
        shape_bad = f"r.nf <> {len(columns)}"
    expressions = dict(spec.expressions, root_code=f"left(({spec.expressions['cameo']}), 2)")
    exprs = ", ".join(f"{expressions[c]} AS {c}" for c in EVENT_COLUMNS if c not in ("source", "line"))
    field_case = " ".join(f"WHEN {normalised(c.bad)} THEN '{c.field}'" for c in spec.checks)
    reason_case = " ".join(f"WHEN {normalised(c.bad)} THEN {c.reason}" for c in spec.checks)
    verdict = f"""SELECT r.line, r.text, r.nf, r.is_header, {shape_bad} AS shape_bad, {exprs},
                      CASE {field_case} END AS reject_field, CASE {reason_case} END AS reject_reason
               FROM {source} r {' '.join(spec.joins)}"""
    # the raw line is kept only where it is needed: for the rows that are rejected
    return f"""SELECT * REPLACE (CASE WHEN NOT is_header AND (shape_bad OR reject_field IS NOT NULL)
                                      THEN text END AS text) FROM ({verdict})"""
