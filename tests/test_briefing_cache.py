"""The briefing cache: sections reused while the store tables they read are unchanged,
recomputed when those tables (or the date, or the installed code) change."""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle

import pandas as pd
import pytest

import panmun
from panmun.report import briefing, cache
from panmun.store.generation import generation, marks

from conftest import FIXTURES

pytestmark = pytest.mark.slow

AT = dt.date(2024, 6, 30)
#: Real section builders that are quick to compute; each reads different tables.
BUILDERS = [briefing.implementation_section, briefing.scorecard_section, briefing.events_section]
CODE_DIGEST = cache.code_digest


@pytest.fixture(autouse=True)
def fixed_code(monkeypatch):
    """The installed files as they are now: other work on this tree must not change the digest
    while a test runs (:func:`test_code_digest_follows_the_files` checks the digest itself)."""
    digest = cache.code_digest()
    monkeypatch.setattr(cache, "code_digest", lambda root=None: digest)


def _build(store, at=AT):
    timings: list[cache.SectionTiming] = []
    sections = cache.build_sections(store, at, BUILDERS, timings=timings)
    return {s.id: s for s in sections}, {t.section: t.reused for t in timings}


def _same(a, b) -> bool:
    for key, value in a.data.items():
        other = b.data[key]
        if isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(value, other)
        elif value != other:
            return False
    return True


def test_unchanged_store_reuses_every_section(store):
    first, reused = _build(store)
    assert not any(reused.values())
    again, reused = _build(store)
    assert all(reused.values())
    assert all(_same(first[k], again[k]) for k in first)
    assert list(cache.cache_folder(store).glob("*.pickle"))


def test_each_section_records_the_tables_it_reads(store):
    _build(store)
    read = {}
    for path in cache.cache_folder(store).glob("*.pickle"):
        key, section = pickle.loads(path.read_bytes())
        read[section.id] = set(key["tables"])
    assert read["events"] == {"events"}
    assert {"status_changes", "provisions"} <= read["implementation"]
    assert "events" not in read["implementation"] and "status_changes" not in read["events"]


def test_a_status_update_recomputes_only_the_sections_reading_status_changes(store):
    first, _ = _build(store)
    provision = store.query("SELECT id FROM provisions ORDER BY id LIMIT 1")["id"].iloc[0]
    panmun.set_status(store, provision, date="2024-05-01", score=3, note="test",
                      source="https://example.org/s", who="tester")
    again, reused = _build(store)
    assert reused == {"implementation": False, "scorecard": False, "events": True}
    changed = again["scorecard"].data["provisions"].set_index("provision").loc[provision]
    assert changed["score"] == 3


def test_an_ingest_recomputes_only_the_sections_reading_events(store):
    _build(store)
    panmun.ingest_file(store, "gdelt2", FIXTURES / "ingest" / "gdelt2_from_gdelt1_sample.tsv")
    _, reused = _build(store)
    assert reused == {"implementation": True, "scorecard": True, "events": False}
    panmun.ingest_file(store, "gdelt2", FIXTURES / "ingest" / "gdelt2_from_gdelt1_sample.tsv")  # adds nothing
    _, reused = _build(store)
    assert all(reused.values())


def test_another_date_or_a_written_briefing_before_it(store):
    _build(store)
    _, reused = _build(store, AT - dt.timedelta(days=1))
    assert not any(reused.values())
    before = marks(store, AT)["briefings"]
    store.con.execute("INSERT INTO briefings (made_at, state_at, who) VALUES (now(), ?, 'tester')", [AT])
    assert generation(store, ("briefings",), AT) == {"briefings": before}   # only earlier dates count
    assert generation(store, ("briefings",), AT + dt.timedelta(days=1)) == {"briefings": AT}


def test_unreadable_cache_files_are_recomputed(store):
    _build(store)
    for path in cache.cache_folder(store).glob("*.pickle"):
        path.write_bytes(b"not a pickle")
    _, reused = _build(store)
    assert not any(reused.values())
    _, reused = _build(store)
    assert all(reused.values())


def test_no_cache_computes_everything_and_writes_nothing(store):
    timings: list[cache.SectionTiming] = []
    cache.build_sections(store, AT, BUILDERS, cache=False, timings=timings)
    assert not any(t.reused for t in timings)
    assert not cache.cache_folder(store).exists()
    memory = panmun.open_store(":memory:")
    assert cache.cache_folder(memory) is None


def test_code_digest_follows_the_files(tmp_path):
    (tmp_path / "a.py").write_text("x = 1\n")
    (tmp_path / "__pycache__").mkdir()
    digest = CODE_DIGEST(tmp_path)
    (tmp_path / "__pycache__" / "a.pyc").write_bytes(b"compiled")
    assert CODE_DIGEST(tmp_path) == digest
    (tmp_path / "a.py").write_text("x = 2\n")
    os.utime(tmp_path / "a.py", ns=(1, 1))
    assert CODE_DIGEST(tmp_path) != digest


def test_cli_brief_reports_timings_and_reuses(cli, db_path, tmp_path, monkeypatch):
    monkeypatch.setattr(briefing, "SECTIONS", BUILDERS)
    out = tmp_path / "b.html"
    first = cli("brief", "--out", str(out), "--at", str(AT), "--timings", "--format", "json")
    assert first.code == 0, first.err
    doc = json.loads(first.out)
    assert [t["section"] for t in doc["timings"]] == ["implementation", "scorecard", "events", "(write html)"]
    assert not any(t["reused"] for t in doc["timings"]) and "seconds per section" in first.err
    second = json.loads(cli("brief", "--out", str(out), "--at", str(AT), "--timings", "--format", "json").out)
    assert all(t["reused"] for t in second["timings"][:-1])
    third = cli("brief", "--out", str(out), "--at", str(AT), "--no-cache", "--format", "json")
    assert "timings" not in json.loads(third.out)
