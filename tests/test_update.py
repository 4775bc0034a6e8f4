"""``panmun update``: GDELT 2.0 from a mirror and from a folder, against a real server on 127.0.0.1.

The server (tests/test_update_loopback.py) serves copies of GDELT 2.0's index formats and three
small real export archives (tests/fixtures/update/README.md), and breaks on request: a truncated
download, a wrong checksum, a server error, a slow answer. Each test checks what the store holds
afterwards: what a failed file leaves (nothing), what a second run adds (nothing), the run records
and the messages.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from panmun.update.lock import update_lock
from panmun.update.progress import Reporter
from panmun.update.run import UpdateOptions, run_update
from panmun.update.status import source_status
from test_update_loopback import FIXTURES

from conftest import free_port

NAMES = ["20170701000000.export.CSV.zip", "20170701001500.export.CSV.zip", "20170701003000.export.CSV.zip"]
SINCE = "2017-07-01"
STORED = "SELECT source_id, date, actor1, actor2, cameo FROM events WHERE source = 'gdelt2' ORDER BY ALL"


pytestmark = [pytest.mark.usefixtures("update_settings"), pytest.mark.slow]


def _events(store, fmt: str = "gdelt2") -> int:
    return store.con.execute("SELECT count(*) FROM events WHERE source = ?", [fmt]).fetchall()[0][0]


def _files(store) -> dict[str, tuple]:
    return {name: (status, failures) for name, status, failures in store.con.execute(
        "SELECT name, status, failures FROM update_files ORDER BY name").fetchall()}


def _mirror(server) -> str:
    return server.url + "gdeltv2/"


def _run(store, server, **options):
    import datetime as dt

    options.setdefault("mirror", (_mirror(server),))
    options.setdefault("since", dt.date(2017, 7, 1))
    return run_update(store, UpdateOptions(sources=("gdelt2",), **options))


def _corrupt(path: Path) -> None:
    """Change bytes in the middle of a file, keeping its size."""
    data = bytearray(path.read_bytes())
    data[len(data) // 2: len(data) // 2 + 16] = bytes(16)
    path.write_bytes(bytes(data))


# ------------------------------------------------------------------------------------ the mirror


def test_gdelt2_from_a_mirror_ingests_the_new_exports_once(cli, db_path, loopback, tmp_path):
    first = cli("update", "gdelt2", "--mirror", _mirror(loopback), "--since", SINCE, "-f", "json")
    assert first.code == 0, first.err
    document = json.loads(first.out)
    assert [f["name"] for f in document["files"]] == NAMES
    assert {f["status"] for f in document["files"]} == {"ingested"}
    (source,) = document["sources"]
    assert source["status"] == "ok" and source["files"] == 3 and source["mode"] == "mirror"
    assert source["rows"] == 509 == sum(f["rows"] for f in document["files"])
    assert source["events"] == sum(f["events"] for f in document["files"]) > 0
    assert source["record_through"] is not None
    # only the exports were fetched: not the mentions or GKG files the index lists
    fetched = [p for p, _, _, s in loopback.log if s == 200]
    assert sorted(fetched) == sorted(["/gdeltv2/lastupdate.txt", "/gdeltv2/masterfilelist.txt",
                                      *(f"/gdeltv2/{n}" for n in NAMES)])

    import panmun

    with panmun.open_store(db_path) as store:
        stored = _events(store)
        assert stored == source["events"]
        runs = store.rows("SELECT source, mode, status, files, rows, events, rejects, bytes FROM update_runs")
        assert runs == [{"source": "gdelt2", "mode": "mirror", "status": "ok", "files": 3, "rows": 509,
                         "events": stored, "rejects": 0, "bytes": sum(f["bytes"] for f in document["files"])}]

    loopback.log.clear()
    second = cli("update", "gdelt2", "--mirror", _mirror(loopback), "-f", "json")
    assert second.code == 0, second.err
    again = json.loads(second.out)
    assert again["files"] == [] and again["sources"][0]["files"] == 0
    # the newest export is the one lastupdate.txt names: the master list is not even read
    assert [p for p, _, _, _ in loopback.log] == ["/gdeltv2/lastupdate.txt"]
    with panmun.open_store(db_path) as store:
        assert _events(store) == stored


def test_a_corrupted_export_is_reported_and_leaves_the_store_unchanged_for_it(cli, db_path, loopback):
    import panmun

    bad = loopback.root / "gdeltv2" / NAMES[1]
    good = bad.read_bytes()
    _corrupt(bad)
    listed = (FIXTURES / "gdeltv2" / "masterfilelist.txt").read_text().split()
    expected_md5 = listed[listed.index(f"http://data.gdeltproject.org/gdeltv2/{NAMES[1]}") - 1]
    result = cli("update", "gdelt2", "--mirror", _mirror(loopback), "--since", SINCE, "-f", "json")
    assert result.code == 1
    assert NAMES[1] in result.err and expected_md5 in result.err
    import hashlib

    actual_md5 = hashlib.md5(bad.read_bytes()).hexdigest()
    assert actual_md5 in result.err and "The store is unchanged for this file" in result.err
    document = json.loads(result.out)
    failed = [f for f in document["files"] if f["status"] == "failed"]
    assert [f["name"] for f in failed] == [NAMES[1]]
    assert failed[0]["expected"] == f"md5:{expected_md5}" and failed[0]["actual"] == f"md5:{actual_md5}"
    source = document["sources"][0]
    assert source["status"] == "partial" and source["checksum_failures"] == 1 and source["files"] == 2
    with panmun.open_store(db_path) as store:
        partial_events = _events(store)
        assert partial_events == source["events"]
        assert store.con.execute("SELECT count(*) FROM ingests WHERE file LIKE ?",
                                 [f"%{NAMES[1]}"]).fetchall()[0][0] == 0
        assert _files(store)[NAMES[1]] == ("failed", 1)
        run = store.rows("SELECT status, error FROM update_runs")[0]
        assert run["status"] == "partial" and NAMES[1] in run["error"]
    bad.write_bytes(good)                   # the mirror is repaired: the next run takes that file only
    loopback.log.clear()
    fixed = cli("update", "gdelt2", "--mirror", _mirror(loopback), "-f", "json")
    assert fixed.code == 0, fixed.err
    assert [(f["name"], f["status"]) for f in json.loads(fixed.out)["files"]] == [(NAMES[1], "ingested")]
    assert [p for p, _, _, s in loopback.log if p.endswith(".zip")] == [f"/gdeltv2/{NAMES[1]}"]
    with panmun.open_store(db_path) as store:
        assert _events(store) > partial_events
        assert _files(store)[NAMES[1]] == ("ingested", 0)


def test_a_truncated_download_resumes_where_it_stopped(store, loopback, tmp_path):
    path = f"/gdeltv2/{NAMES[0]}"
    loopback.fault(path, "truncate")
    first = _run(store, loopback)
    (failed,) = [f for f in first.files if f.status == "failed"]
    assert failed.name == NAMES[0] and "cut short" in failed.error
    part = tmp_path / "cache" / "gdelt2" / f"{NAMES[0]}.part"
    size = (FIXTURES / "gdeltv2" / NAMES[0]).stat().st_size
    assert part.stat().st_size == size // 2
    assert _events(store) == sum(f.events for f in first.files if f.status == "ingested")
    second = _run(store, loopback)
    assert [(f.name, f.status) for f in second.files] == [(NAMES[0], "ingested")]
    (query, asked, status), = loopback.requested(path)[1:]
    assert asked == f"bytes={size // 2}-" and status == 206
    assert not part.exists() and (tmp_path / "cache" / "gdelt2" / NAMES[0]).stat().st_size == size


def test_a_server_error_is_retried_and_a_file_failing_three_times_is_skipped(store, loopback):
    path = f"/gdeltv2/{NAMES[2]}"
    loopback.fault(path, "500", "500", "500")
    for attempt in (1, 2, 3):
        result = _run(store, loopback)
        (failed,) = [f for f in result.files if f.status == "failed"]
        assert "HTTP 500" in failed.error and _files(store)[NAMES[2]] == ("failed", attempt)
    skipped = _run(store, loopback)
    assert [(f.name, f.status) for f in skipped.files] == [(NAMES[2], "skipped")]
    assert "--retry-failed" in skipped.files[0].error and skipped.sources[0].skipped == 1
    assert len(loopback.requested(path)) == 3         # the fourth run did not ask for it
    (status,) = [s for s in source_status(store) if s.source == "gdelt2"]
    assert status.skipped_files == 1 and "HTTP 500" in status.last_error
    retried = _run(store, loopback, retry_failed=True)
    assert [(f.name, f.status) for f in retried.files] == [(NAMES[2], "ingested")]
    assert _files(store)[NAMES[2]] == ("ingested", 0)


def test_a_slow_answer_times_out_and_the_file_is_taken_next_time(store, loopback):
    path = f"/gdeltv2/{NAMES[1]}"
    loopback.fault(path, "slow")
    loopback.delay = 1.5
    started = time.perf_counter()
    first = _run(store, loopback, timeout=0.4)
    assert time.perf_counter() - started < 5
    (failed,) = [f for f in first.files if f.status == "failed"]
    assert failed.name == NAMES[1] and "no answer within 0.4 s" in failed.error
    second = _run(store, loopback, timeout=5)
    assert [(f.name, f.status) for f in second.files] == [(NAMES[1], "ingested")]


class _Interrupt(Reporter):
    """Interrupts the run (as Ctrl-C would) while the given file is being ingested."""

    def __init__(self, name: str):
        self.name, self.label = name, ""

    def begin(self, label: str, total) -> None:
        self.label = label

    def advance(self, nbytes: int = 0, rows: int = 0) -> None:
        if self.name in self.label and "ingest" in self.label:
            raise KeyboardInterrupt


def test_an_interrupted_run_leaves_the_store_as_it_was_for_that_file(store, loopback):
    import datetime as dt

    options = UpdateOptions(sources=("gdelt2",), mirror=(_mirror(loopback),), since=dt.date(2017, 7, 1))
    with pytest.raises(KeyboardInterrupt):
        run_update(store, options, reporter=_Interrupt(NAMES[1]))
    assert list(_files(store)) == [NAMES[0]]          # the first export was done before the interruption
    after_first = _events(store)
    assert store.con.execute("SELECT count(*) FROM ingests").fetchall()[0][0] == 1
    assert store.rows("SELECT status FROM update_runs") == [{"status": "interrupted"}]
    resumed = run_update(store, options)
    assert [(f.name, f.status) for f in resumed.files] == [(NAMES[1], "ingested"), (NAMES[2], "ingested")]
    assert _events(store) > after_first


def test_a_second_update_of_the_same_store_is_refused(cli, db_path, loopback):
    with update_lock(str(db_path)):
        result = cli("update", "gdelt2", "--mirror", _mirror(loopback), "--since", SINCE)
    assert result.code == 3
    assert "another update of the store" in result.err and "is running (process" in result.err
    assert loopback.log == []
    assert cli("update", "gdelt2", "--mirror", _mirror(loopback), "--since", SINCE).code == 0


# ------------------------------------------------------------------------------------- a folder


def test_from_dir_ingests_the_same_files_as_the_mirror(cli, db_path, builtin_template, loopback, tmp_path):
    import panmun

    media = tmp_path / "media" / "gdelt"
    shutil.copytree(FIXTURES / "gdeltv2", media)
    result = cli("update", "--from-dir", str(tmp_path / "media"), "-f", "json")
    assert result.code == 0, result.err
    document = json.loads(result.out)
    statuses = {s["source"]: s["status"] for s in document["sources"]}
    assert statuses == {"gdelt2": "ok", "gdelt1": "not in folder", "polecat": "not in folder",
                        "acled": "not in folder", "cns-missiles": "not in folder"}
    assert [(f["name"], f["status"]) for f in document["files"]] == [(n, "ingested") for n in NAMES]
    with panmun.open_store(db_path) as store:
        from_folder = store.rows(STORED)
    other = tmp_path / "other.duckdb"
    shutil.copy(builtin_template, other)
    with panmun.open_store(other) as store:
        _run(store, loopback)
        assert store.rows(STORED) == from_folder
    again = cli("update", "gdelt2", "--from-dir", str(tmp_path / "media"), "-f", "json")
    assert again.code == 0 and json.loads(again.out)["files"] == []


def test_from_dir_refuses_a_file_whose_checksum_differs_and_leaves_it_in_place(cli, db_path, tmp_path):
    media = tmp_path / "media"
    shutil.copytree(FIXTURES / "gdeltv2", media)
    _corrupt(media / NAMES[2])
    before = (media / NAMES[2]).read_bytes()
    result = cli("update", "gdelt2", "--from-dir", str(media), "-f", "json")
    assert result.code == 1 and NAMES[2] in result.err and "MD5 checksum mismatch" in result.err
    assert [(f["name"], f["status"]) for f in json.loads(result.out)["files"]] == [
        (NAMES[0], "ingested"), (NAMES[1], "ingested"), (NAMES[2], "failed")]
    assert (media / NAMES[2]).read_bytes() == before


def test_from_dir_needs_the_index_files(cli, db_path, tmp_path):
    media = tmp_path / "media"
    media.mkdir()
    shutil.copy(FIXTURES / "gdeltv2" / NAMES[0], media)
    result = cli("update", "gdelt2", "--from-dir", str(media))
    assert result.code == 2 and "none of its files is in" in result.err


# --------------------------------------------------------------------------- dry runs and plans


def test_a_dry_run_lists_the_new_files_and_writes_nothing(cli, db_path, loopback):
    import panmun

    with panmun.open_store(db_path) as store:
        before = store.counts()
    result = cli("update", "gdelt2", "--mirror", _mirror(loopback), "--since", SINCE, "--dry-run",
                 "-f", "csv", "--table", "files")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0].startswith("source,name,date,status") and len(lines) == 4
    assert all(",new," in line for line in lines[1:])
    assert not [p for p, _, _, _ in loopback.log if p.endswith(".zip")]
    with panmun.open_store(db_path) as store:
        assert store.counts() == before
        assert store.con.execute("SELECT count(*) FROM update_runs").fetchall()[0][0] == 0


def test_the_plan_lists_the_files_a_mirror_needs_with_their_checksums(cli, db_path, tmp_path):
    index_only = tmp_path / "index-only"
    index_only.mkdir()
    for name in ("masterfilelist.txt", "lastupdate.txt"):
        shutil.copy(FIXTURES / "gdeltv2" / name, index_only)
    shutil.copy(FIXTURES / "gdeltv2" / NAMES[0], index_only)    # one export is already here
    plan = tmp_path / "plan.tsv"
    result = cli("update", "gdelt2", "--from-dir", str(index_only), "--since", SINCE, "--plan", str(plan),
                 "-f", "json")
    assert result.code == 0, result.err
    assert [(f["name"], f["status"]) for f in json.loads(result.out)["files"]] == [
        (NAMES[0], "new"), (NAMES[1], "missing"), (NAMES[2], "missing")]
    rows = [line.split("\t") for line in plan.read_text().splitlines()]
    assert rows[0] == ["source", "path", "url", "bytes", "checksum", "date"]
    listed = {r[1]: r for r in rows[1:]}
    public = "http://data.gdeltproject.org/gdeltv2/"
    assert listed["gdeltv2/masterfilelist.txt"][2] == public + "masterfilelist.txt"
    master = (FIXTURES / "gdeltv2" / "masterfilelist.txt").read_text().split()
    for name in NAMES[1:]:
        row = listed[f"gdeltv2/{name}"]
        url = f"http://data.gdeltproject.org/gdeltv2/{name}"
        assert row[2] == url and row[4] == f"md5:{master[master.index(url) - 1]}"
        assert row[3] == master[master.index(url) - 2] and row[5] == "2017-07-01"
    assert f"gdeltv2/{NAMES[0]}" not in listed


# ---------------------------------------------------------------------------------- no network


def test_without_a_network_the_update_fails_fast_naming_the_offline_options(cli, db_path, tmp_path,
                                                                            monkeypatch):
    config = tmp_path / "update.toml"
    config.write_text(f'[gdelt2]\nbase = "http://127.0.0.1:{free_port()}/gdeltv2/"\n')
    monkeypatch.setenv("PANMUN_UPDATE_CONFIG", str(config))
    started = time.perf_counter()
    result = cli("update", "gdelt2")
    assert time.perf_counter() - started < 5
    assert result.code == 1 and result.out == ""
    for option in ("--mirror", "--from-dir", "--plan", "docs/update.md"):
        assert option in result.err
    assert "cannot reach 127.0.0.1" in result.err
    import panmun

    with panmun.open_store(db_path) as store:
        (status,) = [s for s in source_status(store) if s.source == "gdelt2"]
        assert status.last_status == "failed" and "cannot reach" in status.last_error
        assert status.last_success is None


def test_a_mirror_address_that_is_not_http_is_refused(cli, db_path):
    for value in ("ftp://mirror/gdeltv2/", "mirror/gdeltv2", ""):
        result = cli("update", "gdelt2", "--mirror", value)
        assert result.code == 2 and "is not an http or https address" in result.err
    both = cli("update", "gdelt2", "--mirror", "http://127.0.0.1:9/", "--from-dir", ".")
    assert both.code == 2 and "not both" in both.err
    unknown = cli("update", "gdelt3")
    assert unknown.code == 2 and "unknown source 'gdelt3'" in unknown.err


# ------------------------------------------------------------------------------ cache and status


def test_the_cache_is_kept_within_its_limit(store, loopback, tmp_path):
    _run(store, loopback, cache_max_mb=0)
    assert [p for p in (tmp_path / "cache").rglob("*") if p.is_file()] == []
    assert _events(store) > 0


def test_status_gives_each_sources_last_success_record_through_and_last_error(cli, db_path, loopback):
    loopback.fault(f"/gdeltv2/{NAMES[2]}", "500")
    assert cli("update", "gdelt2", "--mirror", _mirror(loopback), "--since", SINCE).code == 1
    result = cli("update", "status", "-f", "json")
    assert result.code == 0, result.err
    document = json.loads(result.out)
    gdelt2 = next(s for s in document["sources"] if s["source"] == "gdelt2")
    assert gdelt2["last_status"] == "partial" and gdelt2["last_success"] is None
    assert gdelt2["files_ingested"] == 2 and gdelt2["failing_files"] == 1
    assert NAMES[2] in gdelt2["last_error"] and "HTTP 500" in gdelt2["last_error"]
    assert gdelt2["record_through"] is not None
    assert cli("update", "gdelt2", "--mirror", _mirror(loopback)).code == 0
    gdelt2 = next(s for s in json.loads(cli("update", "status", "-f", "json").out)["sources"]
                  if s["source"] == "gdelt2")
    assert gdelt2["last_status"] == "ok" and gdelt2["last_success"] is not None
    assert gdelt2["failing_files"] == 0
    runs = json.loads(cli("update", "status", "-f", "json").out)["runs"]
    assert [r["status"] for r in runs] == ["ok", "partial"]
