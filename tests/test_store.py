"""The store: migrations, transactions, the audit log, analysts' updates."""

from __future__ import annotations

import duckdb
import pytest

import panmun
from panmun.errors import InputError, NotFoundError, StoreError
from panmun.store import load as load_module
from panmun.store.db import connect
from panmun.store.migrations import LATEST, MIGRATIONS, Migration, current_version, migrate

from conftest import OVERLAYS


def test_fresh_store_migrates_to_latest_and_loads_builtin(tmp_path):
    store = panmun.open_store(tmp_path / "fresh.duckdb")
    assert store.schema_version == LATEST
    names = store.query("SELECT version, name FROM schema_migrations ORDER BY version")
    assert list(names["version"]) == [m.version for m in MIGRATIONS]
    counts = store.counts()
    assert counts["agreements"] == 16 and counts["events"] >= 150
    assert counts["audit"] == counts["status_changes"]   # every loaded change is audited
    assert counts["loads"] == 1


def test_opening_again_is_idempotent(db_path, cli):
    before = panmun.open_store(db_path).counts()
    assert cli("init").code == 0
    assert cli("init").code == 0
    assert panmun.open_store(db_path).counts() == before


def test_upgrade_from_version_1_keeps_the_data(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    migrate(con, target=1)
    assert current_version(con) == 1
    con.execute("""INSERT INTO agreements (id, title, date, origin)
                   VALUES ('old-record-1999', 'kept across upgrades', DATE '1999-01-01', 'analyst')""")
    con.close()
    store = connect(path)
    assert store.schema_version == LATEST
    kept = store.query("SELECT title FROM agreements WHERE id = 'old-record-1999'")
    assert list(kept["title"]) == ["kept across upgrades"]
    assert "audit" in set(store.query("SHOW TABLES")["name"])


def test_failing_migration_rolls_back_to_the_version_before():
    con = duckdb.connect(":memory:")
    broken = MIGRATIONS[:1] + (Migration(2, "half-broken", (
        "CREATE TABLE created_then_rolled_back (x INTEGER)",
        "THIS IS NOT SQL",
    )),)
    with pytest.raises(StoreError, match="migration 2 \\(half-broken\\) failed"):
        migrate(con, migrations=broken)
    assert current_version(con) == 1
    tables = set(r[0] for r in con.execute("SHOW TABLES").fetchall())
    assert "created_then_rolled_back" not in tables


def test_store_newer_than_the_code_is_refused(tmp_path):
    path = tmp_path / "future.duckdb"
    con = duckdb.connect(str(path))
    migrate(con)
    con.execute("INSERT INTO schema_migrations VALUES (?, 'from the future', now())", [LATEST + 1])
    con.close()
    with pytest.raises(StoreError, match="newer than this panmun knows"):
        connect(path)


def test_interrupted_load_leaves_the_store_exactly_as_before(store, monkeypatch):
    before = store.counts()
    before_rows = store.query("SELECT * FROM status_changes ORDER BY id")
    real_insert = load_module._insert

    def insert_then_die(con, table, frame):
        real_insert(con, table, frame)
        if table == "events":          # after agreements and provisions went in
            raise KeyboardInterrupt("power cut")

    monkeypatch.setattr(load_module, "_insert", insert_then_die)
    with pytest.raises(KeyboardInterrupt):
        panmun.load_overlay_folder(store, OVERLAYS / "worked")
    assert store.counts() == before
    assert store.query("SELECT * FROM status_changes ORDER BY id").equals(before_rows)


def test_database_error_during_load_is_a_store_error_and_writes_nothing(store, monkeypatch):
    before = store.counts()
    real_insert = load_module._insert

    def insert_into_missing_table(con, table, frame):
        real_insert(con, table, frame)
        if table == "provisions":
            con.execute("INSERT INTO no_such_table VALUES (1)")

    monkeypatch.setattr(load_module, "_insert", insert_into_missing_table)
    with pytest.raises(StoreError, match="nothing was written"):
        panmun.load_overlay_folder(store, OVERLAYS / "worked")
    assert store.counts() == before


def test_set_status_is_audited_and_undo_reverts_it(store):
    before = store.counts()
    card_before = panmun.scorecard(store, at="2026-11-01", by="provision").table
    change_id = panmun.set_status(store, "cma-2018/1.3", date="2026-10-01", score=3,
                                  source="https://example.org/restored", note="Test restoration.",
                                  who="tester")
    card = panmun.scorecard(store, at="2026-11-01", by="provision").table.set_index("provision")
    assert card.loc["cma-2018/1.3", "score"] == 3 and card.loc["cma-2018/1.3", "state"] == "full"
    audit = store.query("SELECT * FROM audit WHERE change_id = ? AND action = 'set-status'", [change_id])
    assert list(audit["who"]) == ["tester"] and list(audit["source"]) == ["https://example.org/restored"]
    assert list(audit["why"]) == ["Test restoration."]

    removed = panmun.undo_status(store, "cma-2018/1.3", who="tester")
    assert removed["change_id"] == change_id and removed["score"] == 3
    after = store.counts()
    assert after["status_changes"] == before["status_changes"]
    assert after["audit"] == before["audit"] + 2          # the update and its undo
    assert panmun.scorecard(store, at="2026-11-01", by="provision").table.equals(card_before)
    with pytest.raises(NotFoundError, match="no analyst change"):
        panmun.undo_status(store, "cma-2018/1.3")


@pytest.mark.parametrize("kwargs, words", [
    (dict(score=4), "must be 0, 1, 2 or 3"),
    (dict(score=1, state="reversed"), "exactly one"),
    (dict(state="paused"), "suspended or reversed"),
    (dict(score=1, date="2018-09-18"), "before cma-2018 was signed"),
    (dict(score=1, date="2018-02-30"), "not a valid date"),
    (dict(score=1, date="2199-01-01"), "in the future"),
    (dict(score=1, source="ftp://example.org"), "--source"),
    (dict(score=1, note=" "), "--note"),
])
def test_set_status_refuses_bad_input_and_writes_nothing(store, kwargs, words):
    before = store.counts()
    args = dict(date="2026-10-01", source="https://example.org/x", note="A note.") | kwargs
    with pytest.raises(InputError, match=words):
        panmun.set_status(store, "cma-2018/1.3", **args)
    assert store.counts() == before


def test_unknown_provision_suggests_close_ids(store):
    with pytest.raises(NotFoundError, match="Did you mean cma-2018/1.3"):
        panmun.provision_history(store, "cma-2018/1.33")


def test_upgrade_from_version_3_gives_curated_events_their_source_and_quad_class(tmp_path):
    """Migration 4 alters a table that has rows and an index (a real upgrade path)."""
    path = tmp_path / "v3.duckdb"
    con = duckdb.connect(str(path))
    migrate(con, target=3)
    con.execute("""INSERT INTO events (id, date, actor1, type, cameo, goldstein, plover, source_url, origin)
                   VALUES ('2019-01-01-old', DATE '2019-01-01', 'PRK', 'statement', '0311', 5.2,
                           'COOPERATE', 'https://example.org/old', 'kb')""")
    con.close()
    store = connect(path)
    assert store.schema_version == LATEST
    row = store.query("SELECT source, source_id, quad_class, root_code FROM events").iloc[0]
    assert (row["source"], row["source_id"], row["quad_class"], row["root_code"]) == \
        ("kb", "2019-01-01-old", 1, "03")


def test_upgrade_to_version_8_keeps_every_event_and_drops_the_event_indexes(tmp_path):
    """Migration 8 rebuilds events without the primary key and the date index."""
    path = tmp_path / "v7.duckdb"
    con = duckdb.connect(str(path))
    migrate(con, target=7)
    con.execute("""INSERT INTO events (id, date, actor1, type, cameo, goldstein, plover, source_url, origin,
                                       source, source_id, quad_class, lat, ingest_id, line)
                   VALUES ('gdelt2:1', DATE '2019-05-04', 'PRK', 'coded', '195', -10, 'ASSAULT', NULL,
                           'ingest:gdelt2', 'gdelt2', '1', 4, 39.0, 1, 7),
                          ('2018-04-27-summit', DATE '2018-04-27', 'KOR', 'summit', '036', 4,
                           'CONSULT', 'https://example.org/s', 'kb', 'kb', '2018-04-27-summit', 1,
                           NULL, NULL, NULL)""")
    before = con.execute("SELECT * FROM events ORDER BY id").fetchall()
    con.close()
    store = connect(path)
    assert store.schema_version == LATEST
    assert store.con.execute("SELECT * FROM events ORDER BY id").fetchall() == before
    indexes = store.con.execute(
        "SELECT index_name FROM duckdb_indexes() WHERE table_name = 'events'").fetchall()
    assert indexes == []
    keys = store.con.execute("""SELECT count(*) FROM duckdb_constraints()
                                WHERE table_name = 'events' AND constraint_type = 'PRIMARY KEY'""").fetchall()
    assert keys == [(0,)]


def test_upgrade_to_version_12_adds_korean_provision_titles(tmp_path):
    """Migration 12 adds provisions.title_ko; rows already stored keep their data (NULL title_ko)
    and the built-in load fills the column from the knowledge base."""
    path = tmp_path / "v11.duckdb"
    con = duckdb.connect(str(path))
    migrate(con, target=11)
    con.execute("""INSERT INTO provisions (id, agreement_id, article, ordinal, title, summary, vector, origin)
                   VALUES ('old-record-1999/1', 'old-record-1999', '1', 0, 'kept', 'kept across upgrades',
                           'exchange', 'analyst')""")
    con.close()
    store = panmun.open_store(path)
    assert store.schema_version == LATEST
    old = store.rows("SELECT title, title_ko FROM provisions WHERE id = 'old-record-1999/1'")
    assert old == [{"title": "kept", "title_ko": None}]
    row = store.rows("SELECT title_ko FROM provisions WHERE id = 'denuclearization-declaration-1992/2'")
    assert row == [{"title_ko": "남과 북은 핵에너지를 오직 평화적 목적에만 이용한다."}]
