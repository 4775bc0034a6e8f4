"""Ingestion: every format's sample, rows = events + rejects + skipped, rejects with
line and reason, idempotence, zipped input, and the store untouched by a failed run."""

from __future__ import annotations

import gzip
import json
import zipfile

import numpy as np
import pandas as pd
import pytest

import panmun
from panmun.codes import PLOVER_QUAD, cameo_codes, plover_for, quad_class
from panmun.errors import InputError, StoreError
from panmun.ingest import engine, fastpath
from panmun.ingest.formats import ACLED_CAMEO
from panmun.ingest.layouts import GDELT1_COLUMNS, GDELT2_COLUMNS

from conftest import FIXTURES

INGEST = FIXTURES / "ingest"

# format, fixture, expected (rows, events, rejects, skipped_region, skipped_stored)
SAMPLES = [
    ("gdelt1", "gdelt1_sample.tsv", (710, 282, 0, 428, 0)),
    ("gdelt2", "gdelt2_from_gdelt1_sample.tsv", (509, 234, 0, 275, 0)),
    ("polecat", "polecat_from_plover_gsr.tsv", (322, 67, 0, 255, 0)),
    ("icews", "icews_from_kb_2018.tsv", (27, 27, 0, 0, 0)),
    ("acled", "acled_pre2023.csv", (5, 3, 1, 1, 0)),
    ("acled", "acled_post2023.csv", (4, 3, 1, 0, 0)),
    ("csv", "team_events.csv", (7, 2, 4, 0, 1)),
]


@pytest.fixture(autouse=True, params=["line", "fast"])
def path_kind(request, monkeypatch):
    """Every test runs twice: through the exact line path, and through the fast path
    (DuckDB's CSV reader) that large GDELT files take; see panmun.ingest.fastpath."""
    monkeypatch.setattr(fastpath, "FAST_PATH_BYTES", 0 if request.param == "fast" else 1 << 62)
    return request.param


def _lines(path) -> int:
    return sum(1 for line in path.read_bytes().split(b"\n") if line.strip())


@pytest.mark.slow
@pytest.mark.parametrize("fmt, name, expected", SAMPLES)
def test_each_format_reads_its_sample(store, fmt, name, expected):
    s = panmun.ingest_file(store, fmt, INGEST / name)
    assert (s.rows, s.events, s.rejects, s.skipped_region, s.skipped_stored) == expected
    assert s.rows == s.events + s.rejects + s.skipped
    # every non-blank line is a data row or a header line: nothing vanishes
    assert s.rows + s.header_lines == _lines(INGEST / name)
    stored = store.query("SELECT count(*) AS n FROM events WHERE source = ?", [fmt])["n"].iloc[0]
    assert stored == s.events


def test_cns_shipped_database(store):
    from panmun.ingest.cns import shipped_file
    s = panmun.ingest_file(store, "cns-missiles", shipped_file())
    assert (s.rows, s.events, s.rejects) == (160, 152, 8)
    rejects = panmun.list_rejects(store)
    assert set(rejects["field"]) == {"Date"} and all("only a month" in r for r in rejects["reason"])
    assert list(rejects["line"]) == [5, 6, 7, 8, 9, 10, 11, 12]
    last = store.query("SELECT * FROM events WHERE source = 'cns-missiles' ORDER BY date DESC LIMIT 1")
    assert str(last["date"].iloc[0].date()) == "2021-10-19" and last["actor1"].iloc[0] == "PRK"
    assert last["line"].iloc[0] == 177    # the record's first line (quoted fields span lines)


def test_gdelt_fields_are_mapped(store, path_kind):
    panmun.ingest_file(store, "gdelt1", INGEST / "gdelt1_sample.tsv")
    row = store.query("SELECT * FROM events WHERE id = 'gdelt1:564443022'").iloc[0]
    # the real row: USA threatens North Korea, CAMEO 130, Goldstein -4.4, QuadClass 3
    assert (row["actor1"], row["actor2"], row["cameo"], row["quad_class"], row["goldstein"]) == \
        ("USA", "PRK", "130", 3, -4.4)
    assert row["plover"] == plover_for("130") == "THREATEN" and row["root_code"] == "13"
    assert row["source_url"].startswith("http")
    if path_kind == "line":
        assert row["line"] > 0
    else:   # the fast path numbers only the rows it hands to the line path
        assert pd.isna(row["line"])
    pre2013 = store.query("SELECT count(*) AS n FROM events WHERE source = 'gdelt1' AND source_url IS NULL")
    assert pre2013["n"].iloc[0] > 0          # 57-field historical rows have no SOURCEURL


def test_malformed_file_rejects_bad_rows_with_line_and_reason(store):
    before = store.counts()
    s = panmun.ingest_file(store, "gdelt1", INGEST / "gdelt1_malformed.tsv")
    assert (s.rows, s.rejects, s.blank_lines) == (20, 5, 1)
    rejects = panmun.list_rejects(store).set_index("line")
    assert rejects.loc[3, "reason"] == "expected 57 or 58 fields, found 42"
    assert rejects.loc[5, "reason"] == "expected 57 or 58 fields, found 59"
    assert (rejects.loc[7, "field"], rejects.loc[7, "reason"]) == ("SQLDATE", "not a valid date: 20180230")
    assert rejects.loc[9, "reason"] == "not UTF-8 text"
    assert (rejects.loc[11, "field"], rejects.loc[11, "reason"]) == \
        ("EventCode", "unknown CAMEO event code: 999")
    after = store.counts()
    assert after["events"] == before["events"] + s.events
    assert after["agreements"] == before["agreements"] and after["status_changes"] == before["status_changes"]


def test_reingesting_adds_nothing(store):
    first = panmun.ingest_file(store, "gdelt1", INGEST / "gdelt1_sample.tsv")
    again = panmun.ingest_file(store, "gdelt1", INGEST / "gdelt1_sample.tsv")
    assert again.events == 0 and again.skipped_stored == first.events
    assert again.rows == again.events + again.rejects + again.skipped


def test_all_actors_keeps_everything(store):
    s = panmun.ingest_file(store, "gdelt1", INGEST / "gdelt1_sample.tsv", all_actors=True)
    assert (s.events, s.skipped_region) == (710, 0)


def test_zipped_and_gzipped_files(store, tmp_path):
    archive = tmp_path / "gdelt.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(INGEST / "gdelt1_sample.tsv", "20160728.export.CSV")
    s = panmun.ingest_file(store, "gdelt1", archive)
    assert (s.rows, s.events) == (710, 282)
    gz = tmp_path / "gdelt2.tsv.gz"
    gz.write_bytes(gzip.compress((INGEST / "gdelt2_from_gdelt1_sample.tsv").read_bytes()))
    assert panmun.ingest_file(store, "gdelt2", gz).events == 234


def test_small_blocks_give_the_same_lines(store, monkeypatch):
    """Block boundaries fall inside lines: numbering and counts must not change."""
    from panmun.ingest import textio
    real = textio.line_batches
    monkeypatch.setattr(engine, "line_batches", lambda stream: real(stream, block_size=4096))
    s = panmun.ingest_file(store, "gdelt1", INGEST / "gdelt1_malformed.tsv")
    assert (s.rows, s.rejects) == (20, 5)
    assert list(panmun.list_rejects(store)["line"]) == [3, 5, 7, 9, 11]


def test_interrupted_ingest_stores_nothing(store, monkeypatch):
    before = store.counts()
    real = engine.Run.finish
    calls = []

    def insert_then_die(self, source):  # the events go in, then the power goes
        real(self, source)
        calls.append(1)
        raise KeyboardInterrupt("power cut")

    monkeypatch.setattr(engine.Run, "finish", insert_then_die)
    with pytest.raises(KeyboardInterrupt):
        panmun.ingest_file(store, "gdelt1", INGEST / "gdelt1_malformed.tsv")
    assert calls and store.counts() == before


def test_wrong_layout_is_refused_before_anything_is_stored(store, tmp_path):
    before = store.counts()
    with pytest.raises(InputError, match="line 1: not the icews layout"):
        panmun.ingest_file(store, "icews", INGEST / "polecat_from_plover_gsr.tsv")
    with pytest.raises(InputError, match="unknown format"):
        panmun.ingest_file(store, "gdelt3", INGEST / "gdelt1_sample.tsv")
    assert store.counts() == before


def test_database_error_is_a_store_error(store, monkeypatch):
    monkeypatch.setattr(engine, "REGION_ACTORS", ("KOR'); DROP TABLE events; --",))
    with pytest.raises(StoreError):
        # a hostile actor list is quoted, so this runs; break the SQL another way instead
        monkeypatch.setattr(engine, "_staged_sql", lambda *a: "SELECT * FROM no_such_table")
        panmun.ingest_file(store, "gdelt1", INGEST / "gdelt1_sample.tsv")
    assert "events" in set(store.query("SHOW TABLES")["name"])


def test_cli_ingest_json_summary_and_rejects(cli, db_path):
    result = cli("ingest", "gdelt1", str(INGEST / "gdelt1_malformed.tsv"), "-f", "json")
    assert result.code == 0, result.err
    (summary,) = json.loads(result.out)      # one summary per file
    assert {"rows", "events", "rejects", "skipped"} <= set(summary)
    assert summary["rows"] == summary["events"] + summary["rejects"] + summary["skipped"] == 20
    rejects = json.loads(cli("ingest", "rejects", "--file", "gdelt1_malformed.tsv", "-f", "json").out)
    assert [r["line"] for r in rejects] == [3, 5, 7, 9, 11]
    assert cli("ingest", "gdelt1", str(INGEST / "missing.tsv")).code == 4


# --- the code tables behind one continuous CAMEO/PLOVER series --------------------

def test_layouts_match_the_codebooks():
    assert len(GDELT1_COLUMNS) == 58 and GDELT1_COLUMNS[-1] == "SOURCEURL"
    assert len(GDELT2_COLUMNS) == 61 and GDELT2_COLUMNS[39] == "Actor1Geo_ADM2Code"


def test_plover_quad_classes_agree_with_the_crosswalk():
    for code in cameo_codes():
        event = plover_for(code)
        if event is not None and len(code) >= 3:
            assert PLOVER_QUAD[event] == quad_class(code), code


def test_acled_mapping_uses_real_cameo_codes():
    assert all(code in cameo_codes() for code in ACLED_CAMEO.values())


# --- the fast path (large GDELT files) gives what the line path gives -----------------

def _ingest_both(tmp_path, monkeypatch, fmt, path, **kw):
    """The summary, rejects and stored events of ``path`` by each path, each in a fresh store."""
    out = {}
    for kind, limit in (("line", 1 << 62), ("fast", 0)):
        monkeypatch.setattr(fastpath, "FAST_PATH_BYTES", limit)
        store = panmun.open_store(tmp_path / f"{kind}-{path.name}.duckdb")
        try:
            s = panmun.ingest_file(store, fmt, path, **kw).as_dict()
            for key in ("ingest_id", "seconds"):
                s.pop(key)
            rejects = panmun.list_rejects(store)[["line", "field", "reason", "raw"]]
            events = store.query(
                "SELECT * EXCLUDE (line, ingest_id) FROM events WHERE source = ? ORDER BY id", [fmt])
            lines = store.query("SELECT line FROM events WHERE source = ? ORDER BY id", [fmt])["line"]
        finally:
            store.close()
        out[kind] = (s, rejects.astype(str).values.tolist(), events, lines)
    return out["line"], out["fast"]


@pytest.mark.parametrize("fmt, name", [("gdelt1", "gdelt1_sample.tsv"),
                                       ("gdelt2", "gdelt2_from_gdelt1_sample.tsv"),
                                       ("gdelt1", "gdelt1_malformed.tsv")])
@pytest.mark.slow
def test_fast_path_gives_the_line_paths_summary_rejects_and_events(tmp_path, monkeypatch, fmt, name):
    line, fast = _ingest_both(tmp_path, monkeypatch, fmt, INGEST / name)
    assert fast[0] == line[0]
    assert fast[1] == line[1]                      # same lines, fields, reasons, raw text
    pd.testing.assert_frame_equal(fast[2], line[2])
    assert line[3].notna().all()
    # fast-path events have no line, except those it handed to the line path (57 fields here)
    assert fast[3].isna().any() and (fast[3].dropna() > 0).all()


@pytest.mark.slow
def test_fast_path_edge_cases_match_the_line_path(tmp_path, monkeypatch):
    """A header line, blank lines, a line that is not UTF-8 sharing its id with a
    good line, a check-rejected row whose id repeats, duplicate ids, no final newline."""
    rows = (INGEST / "gdelt1_sample.tsv").read_bytes().split(b"\n")[:60]
    good = [r for r in rows if r.count(b"\t") == 57]
    ids = [r.split(b"\t", 1)[0] for r in good]
    first, _, rest = good[5].split(b"\t", 2)
    bad_date = b"\t".join([first, b"20180230", rest])                    # same id as good[5]
    latin1 = ids[7] + b"\tCAF\xe9" + good[8].split(b"\t", 2)[2]           # same id as good[7]
    header = "\t".join(GDELT1_COLUMNS).encode()

    def edited(row: bytes, field: str, value: bytes) -> bytes:
        fields = row.split(b"\t")
        fields[GDELT1_COLUMNS.index(field)] = value
        return b"\t".join(fields)
    odd = [edited(good[10], "NumMentions", b"many"),         # the reader rejects it, the line path keeps it
           edited(good[11], "ActionGeo_Lat", b"north"),      # likewise (no location)
           edited(good[12], "SOURCEURL", b" https://example.org/a "),   # spaces trimmed
           edited(good[13], "QuadClass", b"7")]              # a check rejects it
    data = b"\n".join([header, *good[:10], *odd, *good[14:20], b"", b"", bad_date, latin1, good[3], b"  ",
                       *rows[20:40], good[1].replace(ids[1], b"", 1)])   # no final newline
    path = tmp_path / "edge.export.CSV"
    path.write_bytes(data)
    line, fast = _ingest_both(tmp_path, monkeypatch, "gdelt1", path)
    assert fast[0] == line[0] and fast[1] == line[1]
    assert fast[3].isna().any()
    s = line[0]
    assert s["rows"] == s["events"] + s["rejects"] + s["skipped"]
    assert (s["header_lines"], s["blank_lines"]) == (1, 2)
    reasons = {r[2] for r in line[1]}
    assert "not UTF-8 text" in reasons and "missing GLOBALEVENTID" in reasons
    assert "not a valid date: 20180230" in reasons and "QuadClass must be 1-4, not 7" in reasons
    stored = line[2].set_index("source_id")
    assert pd.isna(stored.loc[ids[10].decode(), "mentions"]) and pd.isna(stored.loc[ids[11].decode(), "lat"])
    assert stored.loc[ids[12].decode(), "source_url"] == "https://example.org/a"
    assert any(r.startswith("expected 57 or 58 fields, found 1") for r in reasons)


@pytest.mark.slow
def test_fast_path_leaves_spaced_fields_to_the_line_path(tmp_path, monkeypatch):
    """Ids, actor codes and event codes edged by spaces (the line path strips them): the
    fast path hands those rows over, so both paths store and reject the same."""
    rows = [r for r in (INGEST / "gdelt1_sample.tsv").read_bytes().split(b"\n") if r.count(b"\t") == 57]

    def edited(row: bytes, **values: bytes) -> bytes:
        fields = row.split(b"\t")
        for name, value in values.items():
            fields[GDELT1_COLUMNS.index(name)] = value
        return b"\t".join(fields)
    odd = [edited(rows[0], Actor1CountryCode=b" PRK "),
           edited(rows[1], Actor1CountryCode=b"  ", Actor1KnownGroupCode=b"UNO", Actor2CountryCode=b"FRA"),
           edited(rows[2], GLOBALEVENTID=b" 42 "),
           edited(rows[3], GLOBALEVENTID=b"   "),
           edited(rows[4], EventCode=b" 010"),
           edited(rows[5], Actor2KnownGroupCode=b"IAEA ", Actor2CountryCode=b"", Actor1CountryCode=b"FRA")]
    path = tmp_path / "spaces.export.CSV"
    path.write_bytes(b"\n".join([*odd, *rows[10:40]]) + b"\n")
    line, fast = _ingest_both(tmp_path, monkeypatch, "gdelt1", path)
    assert fast[0] == line[0] and fast[1] == line[1]
    pd.testing.assert_frame_equal(fast[2], line[2])
    stored = line[2].set_index("source_id")
    assert stored.loc[odd[0].split(b"\t", 1)[0].decode(), "actor1"] == "PRK"
    assert stored.loc["42", "source_url"].startswith("http")
    assert "missing GLOBALEVENTID" in {r[2] for r in line[1]}
    coded = odd[4].split(b"\t", 1)[0].decode()
    assert coded not in stored.index or stored.loc[coded, "cameo"] == "010"


@pytest.mark.slow
def test_mixed_line_ends_fall_back_to_the_line_path(tmp_path, monkeypatch):
    rows = (INGEST / "gdelt1_malformed.tsv").read_bytes().split(b"\n")
    mixed = b"\n".join(rows[:5] + [b"\r"] + rows[5:])
    for name, data in (("crlf.tsv", b"\r\n".join(rows)), ("mixed.tsv", mixed)):
        (tmp_path / name).write_bytes(data)
        line, fast = _ingest_both(tmp_path, monkeypatch, "gdelt1", tmp_path / name)
        assert fast[0] == line[0] and fast[1] == line[1] and fast[0]["rows"] == 20
        assert fast[3].isna().any() == (name == "crlf.tsv")   # CR LF throughout: the fast path


@pytest.mark.slow
def test_a_line_whose_id_is_not_text_sends_the_file_to_the_line_path(tmp_path, monkeypatch):
    rows = (INGEST / "gdelt1_malformed.tsv").read_bytes().split(b"\n")
    path = tmp_path / "badid.tsv"
    path.write_bytes(b"\n".join(rows[:4] + [b"\xff" + rows[4]] + rows[5:]))
    line, fast = _ingest_both(tmp_path, monkeypatch, "gdelt1", path)
    assert fast[0] == line[0] and fast[1] == line[1]
    assert fast[3].notna().all()              # every event numbered: the line path read the file


def test_fast_path_reads_gzip_with_and_without_the_extension(store, tmp_path):
    data = gzip.compress((INGEST / "gdelt2_from_gdelt1_sample.tsv").read_bytes())
    for name in ("a.export.CSV.gz", "b.export.CSV"):
        (tmp_path / name).write_bytes(data)
        s = panmun.ingest_file(store, "gdelt2", tmp_path / name)
        assert (s.rows, s.rejects) == (509, 0)
    assert store.query("SELECT count(*) AS n FROM events WHERE source = 'gdelt2'")["n"].iloc[0] == 234


def test_fast_path_only_for_large_plain_or_gzipped_gdelt(monkeypatch, tmp_path):
    from panmun.ingest.formats import FORMATS
    sample = INGEST / "gdelt1_sample.tsv"
    monkeypatch.setattr(fastpath, "FAST_PATH_BYTES", sample.stat().st_size - 1)
    assert fastpath.applies(FORMATS["gdelt1"], sample)
    assert not fastpath.applies(FORMATS["icews"], INGEST / "icews_from_kb_2018.tsv")
    archive = tmp_path / "g.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(sample, "g.tsv")
    monkeypatch.setattr(fastpath, "FAST_PATH_BYTES", 0)
    assert not fastpath.applies(FORMATS["gdelt1"], archive)
    monkeypatch.setattr(fastpath, "FAST_PATH_BYTES", sample.stat().st_size)
    assert not fastpath.applies(FORMATS["gdelt1"], sample)


def test_fast_path_prepass_counts_lines_and_finds_bad_utf8(tmp_path):
    path = tmp_path / "x.tsv"
    path.write_bytes(b"a\tb\n\nc\xff\n\r\nd\te\tf")
    counts = fastpath._prepass(path)
    assert (counts.lines, counts.blank, counts.first_nf) == (5, 2, 2)
    assert counts.bad == [(3, b"c\xff")]


def _naive_counts(data: bytes) -> tuple[int, int, list[tuple[int, bytes]]]:
    """Lines, blank lines and non-UTF-8 lines, one line at a time (the reference)."""
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()                    # a final newline ends the last line
    bad = []
    for i, line in enumerate(lines, 1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            bad.append((i, line.rstrip(b"\r")))
    return len(lines), sum(line in (b"", b"\r") for line in lines), bad


@pytest.mark.parametrize("block", [1, 7, 64, 1 << 20])
def test_fast_path_prepass_counts_match_a_line_by_line_count_at_any_block_size(tmp_path, monkeypatch, block):
    """Blank lines at block edges, runs of newlines, no final newline, CRs, bad bytes."""
    monkeypatch.setattr(fastpath, "PREPASS_BLOCK", block)
    rng = np.random.default_rng(block)
    pieces = [b"a\tb", b"", b"caf\xc3\xa9\tx", b"\xff\tz", b"1\t2\t3", b"\r"]
    for trial in range(40):
        lines = [pieces[i] for i in rng.integers(0, len(pieces) if trial % 2 else 5, size=30)]
        data = b"a\tb\n" + b"\n".join(lines) + (b"\n" if trial % 3 else b"")
        path = tmp_path / f"t{trial}.tsv"
        path.write_bytes(data)
        counts = fastpath._prepass(path)
        assert (counts.lines, counts.blank, counts.bad) == _naive_counts(data), data


@pytest.mark.slow
def test_fast_path_reads_a_file_opening_with_57_fields_as_the_57_field_layout(tmp_path, monkeypatch):
    rows = (INGEST / "gdelt1_sample.tsv").read_bytes().split(b"\n")
    path = tmp_path / "historical.tsv"
    path.write_bytes(b"\n".join([r for r in rows if r.count(b"\t") == 56] +
                                [r for r in rows if r.count(b"\t") == 57]) + b"\n")
    line, fast = _ingest_both(tmp_path, monkeypatch, "gdelt1", path)
    assert fast[0] == line[0] and fast[1] == line[1] and fast[0]["events"] == 282
    pd.testing.assert_frame_equal(fast[2], line[2])
    assert fast[3].isna().sum() == 48    # the 57-field rows in the region: read by DuckDB


@pytest.mark.parametrize("header, row", [
    ("id,date,actor1,actor2,cameo,source_url", "x1,2019-05-04,PRK,KOR,190,https://example.org/a"),
    ("id,date,actor1,plover,source_url", "x2,2019-05-04,North Korea,ASSAULT,https://example.org/b"),
])
def test_csv_layout_with_only_the_required_columns(store, tmp_path, header, row):
    """The optional columns (type, plover or cameo, goldstein, lat, lon, summary) may be left out."""
    path = tmp_path / "minimal.csv"
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    s = panmun.ingest_file(store, "csv", path)
    assert (s.rows, s.events, s.rejects) == (1, 1, 0)
    event = store.query("SELECT type, actor1, quad_class, goldstein, lat FROM events WHERE source = 'csv'")
    assert event["type"].iloc[0] == "coded" and event["actor1"].iloc[0] == "PRK"
    assert event["quad_class"].iloc[0] == 4 and event["goldstein"].iloc[0] < 0   # material conflict
    assert pd.isna(event["lat"].iloc[0])
