"""The fast path for large GDELT files: DuckDB's own parallel CSV reader, exact counts.

The line path (:mod:`panmun.ingest.engine`) numbers every line; that costs more than the
parse itself. For a GDELT file larger than :data:`FAST_PATH_BYTES` (plain or gzipped, not
zipped) the ingest is instead two passes over the file at the same time:

1. a pre-pass in a thread of its own, over the raw bytes, 4 MB at a time into one reused
   buffer: count the lines and blank lines (numpy) and check the text is UTF-8 (Arrow's
   validator, in place); only when a block fails is it split to find the lines at fault,
   which are rejected as ``not UTF-8 text`` with their line numbers. It runs while DuckDB
   reads the file (step 2), on the CPU time DuckDB's threads leave;
2. one streaming DuckDB statement: ``read_csv`` (tab-separated, no quoting, the fields the
   format uses, the date and numbers parsed by the reader, rejects stored) with the
   format's checks, inserting the region's good rows straight into ``events`` (``line``
   NULL: their source id identifies the row). No copy of the rows is made on the way, so
   DuckDB's memory limit bounds the ingest's memory whatever the file's size. The
   statement works on the fields as the reader gives them (an empty field is NULL), so a
   row whose id, actor codes or event code hold a space (which the line path strips) is
   left to the line path rather than trimmed here; header lines and rows a check rejects
   are not inserted either: a DuckDB function with a side effect (:class:`_HandOver`),
   called only on those rows, collects their ids;
3. the exact line path, for the few rows the fast path cannot place on its own: lines
   the reader rejected (wrong number of fields: GDELT 1.0's 57-field lines when the file
   opens with 58 fields and the other way round, malformed lines), every row whose id was
   handed over in step 2, and every row sharing its id with a line that is not UTF-8 (rows
   of the fast path with such an id are deleted again, so the line path's first-line rule
   decides). Those rows are found again by one streaming pass with pyarrow (line number
   and the first field), and they go through the line path with their line numbers, so
   their rejects carry exactly the line path's lines, fields and reasons.

A file whose lines mix LF and CR LF ends (or hold a stray CR), or with a line that is not
UTF-8 whose first field is not text either, cannot be placed by DuckDB's reader: the
pre-pass finds it, the ingest is rolled back (:class:`NotForFastPath`) and the line path
reads the file instead.

Every other row is counted, not numbered: ``rows`` is the number of non-blank lines, and
the rows neither inserted nor handed to the line path are ``skipped_region``; so
``rows = events + rejects + skipped`` holds exactly. Rows whose source id an earlier
ingest stored, and second rows of an id the file repeats, are removed in
``Run.finish`` (when a file holds one GLOBALEVENTID twice, the fast path keeps one of
them; the line path keeps the first).
"""

from __future__ import annotations

import gzip
import threading
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from panmun.ingest.formats import (
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

if TYPE_CHECKING:   # pragma: no cover
    from panmun.ingest.engine import Progress, Run

#: Files larger than this (bytes on disk) take the fast path; tests lower it to 0.
FAST_PATH_BYTES = 64 << 20
FAST_FORMATS = ("gdelt1", "gdelt2")
PREPASS_BLOCK = 4 << 20   # bytes the pre-pass reads at a time
#: GDELT fields the reader parses itself (a date as YYYYMMDD). A value the reader cannot
#: parse makes it reject the row, so the row goes to the line path, whose checks give the
#: reason (or keep it: the line path stores an unreadable NumMentions or location as NULL).
READER_TYPES = {"SQLDATE": "DATE", "QuadClass": "INTEGER", "GoldsteinScale": "DOUBLE",
                "NumMentions": "INTEGER", "ActionGeo_Lat": "DOUBLE", "ActionGeo_Long": "DOUBLE"}
#: The normalised columns as the fast path computes them from the fields the reader gives:
#: parsed values as they are, text fields as they are (the reader gives an empty field as
#: NULL; a value with a space, which the format's expression would strip, is handed to the
#: line path, see :data:`SPACED_FIELDS`). The other columns use the format's expressions.
FAST_EXPRESSIONS = {
    "date": 'r."SQLDATE"', "quad_class": 'r."QuadClass"', "goldstein": 'r."GoldsteinScale"',
    "mentions": 'r."NumMentions"', "lat": 'r."ActionGeo_Lat"', "lon": 'r."ActionGeo_Long"',
    "source_id": 'r."GLOBALEVENTID"', "cameo": 'r."EventCode"',
    "actor1": 'coalesce(r."Actor1CountryCode", r."Actor1KnownGroupCode")',
    "actor2": 'coalesce(r."Actor2CountryCode", r."Actor2KnownGroupCode")',
    # from the code table as joined (:data:`FAST_CODES`): computed once per code, not per row
    "root_code": "c.root_code",
    "summary": """coalesce(r."Actor1Name", '?') || c.summary_mid || coalesce(r."Actor2Name", '?')""",
}
#: The code table as the fast path joins it, with two columns computed once per code rather
#: than once per row: the root code (``left(code, 2)``) and the middle of the summary line
#: (" | description | ", or " | " for a code without one). So the summary is the format's
#: ``concat_ws(' | ', coalesce(nullif(Actor1Name, ''), '?'), description, ...)``: the reader
#: gives an empty name as NULL, as ``nullif`` does, and ``concat_ws`` skips a NULL description.
FAST_CODES = "_fp_cameo"
FAST_CODES_SQL = (f"CREATE OR REPLACE TEMP TABLE {FAST_CODES} AS SELECT code, plover, description, "
                  "left(code, 2) AS root_code, coalesce(' | ' || description || ' | ', ' | ') AS summary_mid "
                  "FROM cameo")
#: The code table joined on the event code as read (a code with a space finds no code, and
#: the row goes to the line path by the unknown-code check).
FAST_JOIN = f'LEFT JOIN {FAST_CODES} c ON c.code = r."EventCode"'
#: Fields the format strips of spaces that the fast path reads as they are: a row where one
#: holds a space goes to the line path.
SPACED_FIELDS = ("GLOBALEVENTID", "Actor1CountryCode", "Actor1KnownGroupCode", "Actor2CountryCode",
                 "Actor2KnownGroupCode")


class NotForFastPath(Exception):
    """DuckDB's reader cannot place this file's lines (LF and CR LF ends mixed, a stray CR,
    a line whose id is not UTF-8): the ingest is rolled back and the line path reads it."""


def applies(spec: Format, path: Path) -> bool:
    """Whether ``path`` goes through the fast path (a large plain or gzipped GDELT file)."""
    return (spec.name in FAST_FORMATS and path.stat().st_size > FAST_PATH_BYTES
            and not zipfile.is_zipfile(path))


def _is_gzip(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(2) == b"\x1f\x8b"


class _Prepass:
    """Counts of one file's lines, and its lines that are not UTF-8."""

    def __init__(self) -> None:
        self.lines = 0          # physical lines
        self.blank = 0
        self.bad: list[tuple[int, bytes]] = []
        self.first_nf: int | None = None   # fields in the first non-blank line
        self.cr = self.crlf = 0
        self.last_newline = True
        self._mask = np.empty(0, dtype=bool)   # reused: a block's byte mask costs no allocation

    @property
    def mixed_newlines(self) -> bool:
        """A CR other than in CR LF line ends used throughout (DuckDB's reader refuses those)."""
        lf = self.lines - (0 if self.last_newline else 1)
        return self.cr != self.crlf or (self.cr > 0 and self.crlf != lf)

    def bad_ids(self) -> set[str] | None:
        """The first fields of the lines that are not UTF-8 (None if one is not text either)."""
        ids = set()
        for _, raw in self.bad:
            try:
                ids.add(raw.split(b"\t", 1)[0].decode("utf-8"))
            except UnicodeDecodeError:
                return None
        return ids

    def block(self, data: bytearray | bytes, end: int) -> None:
        """The complete lines in ``data[:end]`` (which ends with a newline, or is the file's
        last line).

        Most blocks are UTF-8 and hold no CR: their lines are counted with numpy from the
        positions of the newlines (a blank line is a newline right after another), without
        splitting them. Any other block, and the first (whose first line gives the number
        of fields), is split into lines.
        """
        if not end:
            return
        if self.first_nf is None or data.find(b"\r", 0, end) >= 0 or not _is_utf8(data, end):
            self._split_block(bytes(data[:end]))
            return
        if len(self._mask) < end:
            self._mask = np.empty(end, dtype=bool)
        newline = np.equal(np.frombuffer(data, dtype=np.uint8, count=end), 10, out=self._mask[:end])
        ends = np.flatnonzero(newline)
        self.lines += len(ends)
        if len(ends):
            self.blank += int(ends[0] == 0) + int(np.count_nonzero(np.diff(ends) == 1))
        if not newline[end - 1]:
            self.lines += 1                      # the last line, without a newline
            self.last_newline = False

    def _split_block(self, data: bytes) -> None:
        """The exact count: every line's start and end, its blankness and its UTF-8."""
        if b"\r" in data:
            self.cr += data.count(b"\r")
            self.crlf += data.count(b"\r\n")
        arr = np.frombuffer(data, dtype=np.uint8)
        ends = np.flatnonzero(arr == 10)
        if len(ends) == 0 or ends[-1] != len(arr) - 1:
            ends = np.append(ends, len(arr))      # the last line, without a newline
            self.last_newline = False
        starts = np.empty_like(ends)
        starts[0] = 0
        starts[1:] = ends[:-1] + 1
        length = ends - starts
        blank = (length == 0) | ((length == 1) & (arr[np.minimum(starts, len(arr) - 1)] == 13))
        if self.first_nf is None:
            nonblank = np.flatnonzero(~blank)
            if len(nonblank):
                i = nonblank[0]
                self.first_nf = data[starts[i]:ends[i]].rstrip(b"\r").count(b"\t") + 1
        if not _is_utf8(data, len(data)):
            for i, (s, e) in enumerate(zip(starts.tolist(), ends.tolist(), strict=True)):
                try:
                    data[s:e].decode("utf-8")
                except UnicodeDecodeError:
                    self.bad.append((self.lines + i + 1, data[s:e].rstrip(b"\r")))
        self.lines += len(ends)
        self.blank += int(blank.sum())


def _is_utf8(data: bytearray | bytes, end: int) -> bool:
    """Whether ``data[:end]`` is UTF-8 text: Arrow's validator, in place (decoding to a str
    would allocate several times the block, and page faults then cost more than the check)."""
    with memoryview(data) as view, view[:end] as part:
        offsets = pa.py_buffer(np.array([0, end], dtype=np.int64))
        text = pa.Array.from_buffers(pa.large_string(), 1, [None, offsets, pa.py_buffer(part)])
        try:
            text.validate(full=True)
        except pa.ArrowInvalid:
            return False
        finally:
            del text
    return True


def _open(path: Path):
    return gzip.open(path, "rb") if _is_gzip(path) else open(path, "rb")


def _first_line_fields(path: Path) -> int | None:
    """The number of fields of the first non-blank line."""
    with _open(path) as stream:
        for line in stream:
            line = line.rstrip(b"\r\n")
            if line:
                return line.count(b"\t") + 1
    return None


def _prepass(path: Path, progress: Progress | None = None, stop: threading.Event | None = None) -> _Prepass:
    """Count the lines of ``path`` a block at a time, reading into one reused buffer.

    After each read the complete lines are counted and the unfinished last line is moved
    to the buffer's start; a line longer than the buffer doubles it. ``stop``, when set,
    ends the pass early (its counts are then incomplete).
    """
    counts = _Prepass()
    buf = bytearray(PREPASS_BLOCK)
    held = 0                     # bytes of an unfinished line at the buffer's start
    with _open(path) as stream:
        while stop is None or not stop.is_set():
            if held == len(buf):
                buf.extend(bytes(len(buf)))
            with memoryview(buf) as view, view[held:] as free:
                n = stream.readinto(free)
            if not n:
                break
            end = held + n
            cut = buf.rfind(b"\n", 0, end) + 1
            counts.block(buf, cut)
            buf[:end - cut] = buf[cut:end]
            held = end - cut
            if progress:
                progress(n, 0)
    counts.block(buf, held)
    return counts


class _PrepassThread(threading.Thread):
    """:func:`_prepass` in a thread of its own (numpy, Arrow and file reads release the GIL,
    so it runs while DuckDB reads the same file)."""

    def __init__(self, path: Path, progress: Progress | None):
        super().__init__(name="panmun-prepass", daemon=True)
        self.path, self.progress = path, progress
        self.stop = threading.Event()
        self.counts: _Prepass | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.counts = _prepass(self.path, self.progress, self.stop)
        except BaseException as exc:   # handed to the thread that asks for the result
            self.error = exc

    def result(self) -> _Prepass:
        self.join()
        if self.error is not None:
            raise self.error
        assert self.counts is not None
        return self.counts


def ingest(run: Run, spec: Format, path: Path, progress: Progress | None) -> None:
    """Ingest ``path`` by the fast path; :class:`NotForFastPath` if DuckDB's reader cannot
    place its lines (the caller rolls back and uses the line path)."""
    con, name, summary = run.con, str(path), run.summary
    prepass = _PrepassThread(path, progress)
    prepass.start()
    try:
        inserted, handed_ids = _insert(run, spec, path)
    except BaseException as exc:
        if isinstance(exc, duckdb.Error):
            counts = prepass.result()
            if counts.mixed_newlines or counts.bad_ids() is None:
                raise NotForFastPath(f"{path}: DuckDB's reader cannot place its lines") from exc
        prepass.stop.set()
        prepass.join()
        raise
    counts = prepass.result()
    bad_ids = counts.bad_ids()
    if counts.mixed_newlines or bad_ids is None:
        raise NotForFastPath(f"{path}: lines with mixed ends, or a line whose id is not UTF-8")
    # the rows the line path must place: what the reader rejected, what a check rejected,
    # header lines, and every row sharing its id with one of those or with a line that is
    # not UTF-8 (the line path then decides which of a repeated id's rows is kept)
    lines = {r[0] for r in con.execute("SELECT DISTINCT line FROM _fp_rejects").fetchall()}
    ids = handed_ids | bad_ids
    con.execute("DROP TABLE IF EXISTS _fp_rejects")
    con.execute("DROP TABLE IF EXISTS _fp_rejects_scan")
    if ids:
        con.register("_fp_ids_in", pa.table({"id": pa.array(sorted(ids), type=pa.string())}))
        try:
            inserted -= con.execute(
                """DELETE FROM events WHERE ingest_id = ? AND line IS NULL
                   AND coalesce(source_id, '') IN (SELECT id FROM _fp_ids_in)""",
                [summary.ingest_id]).fetchall()[0][0]
        finally:
            con.unregister("_fp_ids_in")
    exact = _find_lines(path, lines, ids) if (lines or ids) else None
    handed = 0 if exact is None else len(exact)
    fast_rows = counts.lines - counts.blank - len(counts.bad) - handed
    summary.rows += fast_rows
    summary.blank_lines += counts.blank
    summary.skipped_region += fast_rows - inserted
    run.in_region += inserted
    run.fast_inserted = True
    for line, raw in counts.bad:
        run.reject(name, line, None, "not UTF-8 text", raw.decode("utf-8", "replace"))
    if exact is not None and len(exact):
        run.process(spec, name, exact, list(spec.columns), split=True)


class _HandOver:
    """The ids of rows the line path must place (header lines, rows a check rejects).

    Registered with DuckDB as a vectorised function with a side effect, called (by a
    ``CASE``) only on those rows: so the one streaming statement that inserts the
    region's good rows into ``events`` also reports, on the way, the few rows it leaves
    out for another reason than the region. It returns FALSE: such a row is not inserted.
    """

    NAME = "_panmun_hand_over"

    def __init__(self) -> None:
        self.ids: set[str] = set()

    def __call__(self, rid: pa.Array) -> pa.Array:
        self.ids.update(rid.to_pylist())
        return pa.array(np.zeros(len(rid), dtype=bool))


def _insert(run: Run, spec: Format, path: Path) -> tuple[int, set[str]]:
    """One streaming DuckDB statement: the region's good rows of ``path`` into ``events``.

    Returns the number of rows inserted and the ids handed to the line path. Rows already
    stored, and ids the file repeats, are removed afterwards by ``Run.finish``.
    """

    con = run.con
    columns = list(spec.columns)
    first_nf = _first_line_fields(path)
    if first_nf in spec.field_counts:   # GDELT 1.0: read as the first line's layout
        columns = columns[:first_nf]
    used = referenced_fields(spec) | {columns[0]}
    projection = ", ".join(q(c) if c in columns else f"NULL::{READER_TYPES.get(c, 'VARCHAR')} AS {q(c)}"
                           for c in spec.columns if c in used)
    types = "{" + ", ".join(f"'{c}': '{READER_TYPES.get(c, 'VARCHAR')}'" for c in columns) + "}"
    compression = ", compression='gzip'" if _is_gzip(path) else ""
    reader = (f"read_csv({lit(str(path))}, delim='\\t', quote='', escape='', header=false, "
              f"auto_detect=false, columns={types}, dateformat='%Y%m%d', store_rejects=true, "
              f"rejects_table='_fp_rejects', "
              f"rejects_scan='_fp_rejects_scan'{compression})")
    hand_over = _HandOver()
    # duckdb's stubs take only the PythonUDFType enum, whose module differs across duckdb
    # versions (duckdb.functional, duckdb.func); the string "arrow" works at runtime in all
    con.create_function(_HandOver.NAME, hand_over, [duckdb.sqltype("VARCHAR")], duckdb.sqltype("BOOLEAN"),
                        type="arrow", side_effects=True)  # type: ignore[call-overload]
    con.execute("DROP TABLE IF EXISTS _fp_rejects")
    con.execute("DROP TABLE IF EXISTS _fp_rejects_scan")
    con.execute(FAST_CODES_SQL)
    con.execute("SET preserve_insertion_order = false")   # rows carry no order here: faster, leaner
    # DuckDB cannot estimate the file's rows and would build the join's hash table on the
    # file rather than on the code table: twice as slow; keep the code table as build side
    disabled = con.execute("SELECT current_setting('disabled_optimizers')").fetchall()[0][0]
    ours = ",".join(filter(None, [disabled, "build_side_probe_side"]))
    con.execute(f"SET disabled_optimizers = {lit(ours)}")
    try:
        inserted = con.execute(_insert_sql(spec, columns[0], projection, reader, run.all_actors),
                               [run.summary.ingest_id]).fetchall()[0][0]
    finally:
        con.execute(f"SET disabled_optimizers = {lit(disabled or '')}")
        con.remove_function(_HandOver.NAME)
        con.execute(f"DROP TABLE IF EXISTS {FAST_CODES}")
    return inserted, hand_over.ids


def _insert_sql(spec: Format, id_field: str, projection: str, reader: str, all_actors: bool) -> str:
    """The statement inserting the region's good rows of ``reader`` into ``events``.

    The WHERE clause decides each row on the few expressions it needs (id, header,
    checks, spaces, actors); it holds the side-effect function, so DuckDB keeps it right
    above the reader and computes the other columns (summary, URL, location ...) only for
    the rows it keeps.
    """
    expressions = dict(spec.expressions, **FAST_EXPRESSIONS)
    rid = f"r.{q(id_field)}"
    handed = [f"coalesce({rid} = {lit(id_field)}, FALSE)"]           # a header line
    handed += [f"({inline_normalised(c.bad, expressions)})" for c in spec.checks]   # a check rejects it
    handed += [f"contains(r.{q(f)}, ' ')" for f in SPACED_FIELDS]      # the line path strips it
    region = "TRUE" if all_actors else " OR ".join(
        f"({expressions[a]}) IN {sql_list(REGION_ACTORS)}" for a in ("actor1", "actor2"))
    cols = [c for c in EVENT_COLUMNS if c not in ("source", "line")]
    return f"""INSERT INTO events (id, origin, source, line, ingest_id, {", ".join(cols)})
               SELECT {lit(spec.name + ':')} || ({expressions['source_id']}), {lit('ingest:' + spec.name)},
                      {lit(spec.name)}, NULL, ?, {", ".join(expressions[c] for c in cols)}
               FROM (SELECT {projection} FROM {reader}) r {FAST_JOIN}
               WHERE CASE WHEN {" OR ".join(handed)} THEN {_HandOver.NAME}(coalesce({rid}, ''))
                          ELSE {region} END"""


def _find_lines(path: Path, lines: set[int], ids: set[str]) -> pa.Table:
    """The (line, text) of the lines numbered ``lines`` or whose first field is in ``ids``.

    Blank lines and lines that are not UTF-8 are left out (the pre-pass counts them).
    """
    wanted_lines = pa.array(sorted(lines), type=pa.int64())
    wanted_ids = pa.array(sorted(ids), type=pa.string())
    parts = []
    with open_members(path) as members:
        for _, stream in members:
            for batch in line_batches(stream):
                first = _first_field(batch.text)
                mask = pc.or_kleene(pc.is_in(batch.lines, value_set=wanted_lines),
                                    pc.is_in(first, value_set=wanted_ids))
                mask = pc.and_(pc.fill_null(mask, False),   # not blank, and UTF-8 (the pre-pass
                               pc.fill_null(pc.not_equal(batch.text, ""), False))   # rejects those)
                if pc.any(mask).as_py():
                    parts.append(pa.table({"line": batch.lines.filter(mask),
                                           "text": batch.text.filter(mask)}))
    if not parts:
        return pa.table({"line": pa.array([], pa.int64()), "text": pa.array([], pa.string())})
    return pa.concat_tables(parts)


def _first_field(text: pa.Array) -> pa.Array:
    """The text before the first tab of each line (the GLOBALEVENTID)."""
    return pc.list_element(pc.split_pattern(text, "\t", max_splits=1), 0)
