"""``panmun update`` for GDELT 1.0, POLECAT, ACLED and the CNS database, against servers on 127.0.0.1.

POLECAT's Dataverse API and ACLED's API are imitated here (routes of the loopback server
answering the shapes docs/update.md describes); panmun has not been run against the real
services. The ACLED key must never appear in an output, a message, the store or the cache.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from panmun.update import acled as acled_module
from panmun.update.config import Secret, Settings
from panmun.update.dataverse import file_day, read_dataset
from panmun.update.gdelt import read_gdelt2_index, read_md5sums
from panmun.update.run import UpdateOptions, run_update
from test_update_loopback import FIXTURES

INGEST = FIXTURES.parent / "ingest"
KEY = "s3cr3t-KEY/+&="
EMAIL = "analyst@example.org"
DATASET = "doi:10.5072/FK2/EXAMPLE"


pytestmark = pytest.mark.usefixtures("update_settings")


def _settings(tmp_path: Path, **values) -> Settings:
    return Settings(cache_dir=tmp_path / "cache", **values)


def _statuses(result) -> list[tuple[str, str]]:
    return [(f.name, f.status) for f in result.files]


# -------------------------------------------------------------------------------- GDELT 1.0


def test_gdelt1_daily_files_from_a_mirror_with_md5sums_and_filesizes(store, loopback, tmp_path):
    options = UpdateOptions(sources=("gdelt1",), mirror=(loopback.url + "events/",),
                            since=dt.date(2016, 7, 28))
    result = run_update(store, options, settings=_settings(tmp_path))
    assert _statuses(result) == [("20160728.export.CSV.zip", "ingested"),
                                 ("20160729.export.CSV.zip", "ingested")]
    assert result.sources[0].rows == 710 and result.sources[0].status == "ok"
    assert store.con.execute("SELECT count(*) FROM events WHERE source = 'gdelt1'").fetchall()[0][0] == \
        result.sources[0].events > 0
    (loopback.root / "events" / "filesizes").unlink()     # optional: the MD5 alone then checks the files
    again = run_update(store, options, settings=_settings(tmp_path))
    assert again.files == [] and "no filesizes index" in again.sources[0].note


def test_index_readers_leave_out_what_they_do_not_understand(tmp_path):
    index = tmp_path / "masterfilelist.txt"
    base, md5 = "http://data.gdeltproject.org/gdeltv2/", "0123456789abcdef" * 2     # made-up values
    index.write_text(f"1000 {md5} {base}20150218230000.export.CSV.zip\n"
                     f"2000 {md5} {base}20150218230000.mentions.CSV.zip\n"
                     f"3000 {md5} {base}20150218230000.translation.export.CSV.zip\n"
                     f"{base}20150218231500.export.CSV.zip\n"
                     "\n"
                     "x y z\n")
    found, bad = read_gdelt2_index(index, lambda name, day: True)
    assert found == [("20150218230000.export.CSV.zip", 1000, md5)]
    assert bad == 2
    sums = tmp_path / "md5sums"
    sums.write_text(f"{md5}  20160728.export.CSV.zip\n{md5.upper()} *200601.zip\nnot a line\n")
    assert read_md5sums(sums) == ({"20160728.export.CSV.zip": md5, "200601.zip": md5}, 1)
    assert file_day("ngecEvents.20230101.txt") == dt.date(2023, 1, 1)
    assert file_day("polecat-2023-01-08.tsv.zip") == dt.date(2023, 1, 8)
    assert file_day("POLECAT_codebook.pdf") is None
    (tmp_path / "x.json").write_text('{"data": {"files": []}}')
    with pytest.raises(Exception, match="not a Dataverse dataset answer"):
        read_dataset(tmp_path / "x.json")


# ----------------------------------------------------------------------------------- POLECAT


def _dataverse(server) -> None:
    """Routes imitating the Dataverse native API for the one dataset of the fixtures."""
    listing = (server.root / "polecat" / "polecat-files.json").read_bytes()
    entries = json.loads(listing)["data"]["latestVersion"]["files"]
    files = {f["dataFile"]["id"]: f["dataFile"]["filename"] for f in entries}

    def dataset(query):
        if query.get("persistentId") != DATASET:
            return 404, b'{"status": "ERROR", "message": "Dataset not found"}', "application/json"
        return 200, listing, "application/json"

    server.routes["/api/datasets/:persistentId/"] = dataset
    for file_id, name in files.items():
        path = server.root / "polecat" / name
        server.routes[f"/api/access/datafile/{file_id}"] = lambda query, path=path: (
            (200, path.read_bytes(), "text/plain") if path.exists() else (404, b"", "text/plain"))


def test_polecat_weekly_files_listed_by_the_dataverse_api(store, loopback, tmp_path):
    _dataverse(loopback)
    settings = _settings(tmp_path, bases={"polecat": loopback.url}, polecat_dataset=DATASET)
    options = UpdateOptions(sources=("polecat",), since=dt.date(2023, 1, 1))
    result = run_update(store, options, settings=settings)
    assert _statuses(result) == [("ngecEvents.20230101.txt", "ingested"),
                                 ("ngecEvents.20230108.txt", "ingested")]
    assert [p for p, _, _, s in loopback.log] == ["/api/datasets/:persistentId/", "/api/access/datafile/1001",
                                                  "/api/access/datafile/1002"]
    assert result.sources[0].rows > 0 and result.sources[0].mode == "network"
    assert run_update(store, options, settings=settings).files == []
    wrong = _settings(tmp_path, bases={"polecat": loopback.url}, polecat_dataset="doi:10.5072/FK2/OTHER")
    refused = run_update(store, options, settings=wrong)
    assert refused.sources[0].status == "failed"
    assert "has no dataset doi:10.5072/FK2/OTHER" in refused.sources[0].note


def test_polecat_from_a_mirror_and_a_wrong_checksum(store, loopback, tmp_path):
    listing = loopback.root / "polecat" / "polecat-files.json"
    answer = json.loads(listing.read_text())
    answer["data"]["latestVersion"]["files"][1]["dataFile"]["checksum"]["value"] = "1" * 32
    listing.write_text(json.dumps(answer))
    options = UpdateOptions(sources=("polecat",), mirror=(loopback.url + "polecat/",),
                            since=dt.date(2023, 1, 1))
    result = run_update(store, options, settings=_settings(tmp_path))
    assert _statuses(result) == [("ngecEvents.20230101.txt", "ingested"),
                                 ("ngecEvents.20230108.txt", "failed")]
    failed = result.files[1]
    assert failed.expected == "md5:" + "1" * 32
    assert failed.actual.startswith("md5:") and failed.actual != failed.expected
    assert result.sources[0].status == "partial" and result.sources[0].checksum_failures == 1
    assert not (tmp_path / "cache" / "polecat" / "ngecEvents.20230108.txt").exists()


def test_polecat_needs_its_dataset_id_when_named(cli, db_path):
    result = cli("update", "polecat")
    assert result.code == 2 and "[polecat]" in result.err and "docs/update.md" in result.err


# ------------------------------------------------------------------------------------- ACLED


def _acled_rows() -> list[dict]:
    return json.loads((FIXTURES / "acled" / "acled-read.json").read_text())["data"]


def _acled(server, key: str = KEY, email: str = EMAIL) -> None:
    """A route imitating ACLED's read endpoint: key and e-mail checked, rows filtered and paged."""
    rows = _acled_rows()

    def read(query):
        if query.get("key") != key or query.get("email") != email:
            body = {"status": 403, "success": False,
                    "error": {"message": f"Access denied for key {query.get('key')} and "
                                         f"{query.get('email')}"}}
            return 403, json.dumps(body).encode(), "application/json"
        first, last = query["event_date"].split("|")
        found = [r for r in rows if r["country"] == query["country"] and first <= r["event_date"] <= last]
        limit, page = int(query["limit"]), int(query["page"])
        data = found[(page - 1) * limit: page * limit]
        return 200, json.dumps({"status": 200, "success": True, "count": len(data), "data": data}).encode(), \
            "application/json"

    server.routes["/acled/read"] = read


def _acled_settings(tmp_path: Path, server, key: str = KEY) -> Settings:
    return _settings(tmp_path, bases={"acled": server.url}, acled_key=Secret(key), acled_email=Secret(EMAIL))


def test_acled_months_through_the_api_in_pages(store, loopback, tmp_path, monkeypatch):
    _acled(loopback)
    monkeypatch.setattr(acled_module, "PAGE", 2)
    options = UpdateOptions(sources=("acled",), since=dt.date(2024, 5, 1), today=dt.date(2024, 6, 20))
    result = run_update(store, options, settings=_acled_settings(tmp_path, loopback))
    assert _statuses(result) == [("acled-2024-05.csv", "ingested"), ("acled-2024-06.csv", "ingested")]
    assert result.sources[0].rows == 4
    pages = [(q["country"], q["event_date"], q["page"]) for p, q, _, _ in loopback.log if p == "/acled/read"]
    assert ("South Korea", "2024-06-01|2024-06-30", "2") in pages          # three rows, two a page
    assert ("South Korea", "2024-06-01|2024-06-30", "3") not in pages
    # a month is fetched again until a fetch more than 30 days after its end; an unchanged copy is not
    # ingested again
    again = run_update(store, options, settings=_acled_settings(tmp_path, loopback))
    assert _statuses(again) == [("acled-2024-05.csv", "unchanged"), ("acled-2024-06.csv", "unchanged")]
    later = UpdateOptions(sources=("acled",), today=dt.date(2024, 8, 2))
    months = run_update(store, later, settings=_acled_settings(tmp_path, loopback))
    assert _statuses(months) == [("acled-2024-05.csv", "unchanged"), ("acled-2024-06.csv", "unchanged"),
                                 ("acled-2024-07.csv", "empty"), ("acled-2024-08.csv", "empty")]
    settled = UpdateOptions(sources=("acled",), today=dt.date(2024, 9, 15))
    assert _statuses(run_update(store, settled, settings=_acled_settings(tmp_path, loopback))) == [
        ("acled-2024-07.csv", "empty"), ("acled-2024-08.csv", "empty"), ("acled-2024-09.csv", "empty")]


def _texts_in_store(store) -> str:
    out = []
    for table in ("update_runs", "update_files", "ingests", "rejects", "audit", "loads"):
        columns = [r[0] for r in store.con.execute(
            """SELECT column_name FROM information_schema.columns
               WHERE table_name = ? AND data_type = 'VARCHAR'""", [table]).fetchall()]
        for column in columns:
            out += [str(v[0]) for v in store.con.execute(f"SELECT {column} FROM {table}").fetchall()]
    return "\n".join(out)


@pytest.mark.slow
def test_the_acled_key_is_never_shown_logged_or_stored(cli, db_path, loopback, tmp_path, monkeypatch):
    import panmun

    _acled(loopback)
    config = tmp_path / "update.toml"
    config.write_text(f'[acled]\nbase = "{loopback.url}"\nemail = "{EMAIL}"\n')
    monkeypatch.setenv("PANMUN_UPDATE_CONFIG", str(config))
    monkeypatch.setenv("PANMUN_ACLED_KEY", KEY)
    plan = tmp_path / "plan.tsv"
    outputs = [cli("update", "acled", "--since", "2024-05-01", "-f", fmt) for fmt in ("json", "table")]
    outputs.append(cli("update", "acled", "--plan", str(plan), "-f", "csv"))
    outputs.append(cli("update", "status", "-f", "json"))
    assert all(o.code == 0 for o in outputs), [o.err for o in outputs]
    monkeypatch.setenv("PANMUN_ACLED_KEY", KEY + "-wrong")       # refused: ACLED's message quotes the key
    refused = cli("update", "acled", "--retry-failed", "-f", "json")
    assert refused.code == 1 and "Access denied for key ***" in refused.err
    outputs.append(refused)
    shown = "\n".join(o.out + o.err for o in outputs) + plan.read_text()
    cached = "\n".join(p.read_text(errors="replace") for p in (tmp_path / "cache").rglob("*") if p.is_file())
    with panmun.open_store(db_path) as store:
        stored = _texts_in_store(store)
    from urllib.parse import quote, quote_plus

    for secret in (KEY, quote(KEY, safe=""), quote_plus(KEY), KEY + "-wrong", quote_plus(EMAIL)):
        assert secret not in shown and secret not in stored and secret not in cached, secret
    assert "acled-2024-05.csv" in stored        # the run was recorded, without the key


def test_acled_needs_a_key_and_email_when_named(cli, db_path):
    result = cli("update", "acled")
    assert result.code == 2 and "PANMUN_ACLED_KEY" in result.err
    everything = cli("update", "--dry-run", "--from-dir", str(FIXTURES / "gdeltv2"), "-f", "json")
    assert everything.code == 0, everything.err


# --------------------------------------------------------------------------------------- CNS


def test_cns_database_from_its_address_then_unchanged_then_a_spreadsheet(store, loopback, tmp_path):
    (loopback.root / "cns").mkdir()
    served = loopback.root / "cns" / "north_korea_missile_test_database.csv"
    shutil.copy(FIXTURES.parent / "cns_user_sample.csv", served)
    settings = _settings(tmp_path, cns_url=loopback.url + "cns/north_korea_missile_test_database.csv")
    options = UpdateOptions(sources=("cns-missiles",))
    first = run_update(store, options, settings=settings)
    assert _statuses(first) == [("north_korea_missile_test_database.csv", "ingested")]
    assert first.sources[0].events > 0
    assert _statuses(run_update(store, options, settings=settings)) == [
        ("north_korea_missile_test_database.csv", "unchanged")]
    served.write_bytes(b"PK\x03\x04" + bytes(100))
    sheet = run_update(store, options, settings=settings)
    assert _statuses(sheet) == [("north_korea_missile_test_database.csv", "failed")]
    assert "save the sheet as CSV" in sheet.files[0].error
