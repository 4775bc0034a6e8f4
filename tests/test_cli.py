"""The `panmun` command: JSON/CSV output shapes, exit codes, errors that say what to do."""

from __future__ import annotations

import csv
import io
import json

import pytest

from conftest import OVERLAYS


def _json(result):
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_version(cli):
    import panmun
    result = cli("--version")
    assert result.code == 0 and result.out.strip() == f"panmun {panmun.__version__}"


def test_init_reports_counts(cli, db_path):
    data = _json(cli("init", "--format", "json"))
    assert data["store"] == str(db_path)
    assert data["agreements"] == 16 and data["provisions"] > 100 and data["events"] >= 150


def test_db_option_overrides_the_environment(cli, tmp_path):
    other = tmp_path / "other.duckdb"
    data = _json(cli("--db", str(other), "init", "-f", "json"))
    assert data["store"] == str(other) and other.exists()


def test_agreements_list_json(cli, db_path):
    rows = _json(cli("agreements", "list", "-f", "json"))
    assert len(rows) == 16
    for row in rows:
        assert {"id", "title", "date", "provisions"} <= set(row)
        assert isinstance(row["provisions"], int) and row["provisions"] > 0
    cma = next(r for r in rows if r["id"] == "cma-2018")
    assert cma["date"] == "2018-09-19" and cma["provisions"] == 21


def test_scorecard_by_agreement_json(cli, db_path):
    rows = _json(cli("agreements", "scorecard", "--at", "2019-06-30", "--by", "agreement", "-f", "json"))
    by_id = {r["agreement"]: r for r in rows}
    for row in rows:
        assert {"agreement", "implementation", "provisions"} <= set(row)
    assert 0 <= by_id["cma-2018"]["implementation"] <= 1
    assert by_id["cma-2018"]["implementation"] == pytest.approx(by_id["cma-2018"]["score"] / 63)
    assert by_id["armistice-1953"]["implementation"] is None
    assert "rok-us-2021" not in by_id          # not yet signed in 2019


def test_scorecard_by_provision_json(cli, db_path):
    rows = _json(cli("agreements", "scorecard", "--at", "2024-06-30", "--by", "provision", "-f", "json"))
    for row in rows:
        assert {"provision", "agreement", "vector", "score", "state"} <= set(row)
    liaison = next(r for r in rows if r["provision"] == "panmunjom-2018/1.3")
    assert liaison["state"] == "reversed" and liaison["score"] == 0 and liaison["since"] == "2020-06-16"


def test_scorecard_by_vector_csv(cli, db_path):
    result = cli("agreements", "scorecard", "--at", "2019-06-30", "--by", "vector", "-f", "csv")
    assert result.code == 0
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert {r["vector"] for r in rows} == {"denuclearization", "peace-regime", "arms-control", "exchange"}


def test_scorecard_table_lists_halted_provisions(cli, db_path):
    result = cli("agreements", "scorecard", "--at", "2024-06-30", "--agreement", "cma-2018")
    assert result.code == 0
    assert "Suspended or reversed (counted as 0)" in result.out and "cma-2018/1.3" in result.out


def test_show_and_history_json(cli, db_path):
    detail = _json(cli("agreements", "show", "cma-2018", "-f", "json"))
    assert detail["id"] == "cma-2018" and len(detail["provisions"]) == 21
    assert all(s["url"].startswith("http") for s in detail["sources"])
    history = _json(cli("agreements", "history", "panmunjom-2018/1.3", "-f", "json"))
    assert [h["status"] for h in history][-1] == "reversed"
    assert all(h["source_url"].startswith("http") for h in history)


def test_set_status_and_undo_through_the_cli(cli, db_path):
    args = ("agreements", "set-status", "cma-2018/5.2", "--score", "1", "--date", "2026-11-01",
            "--source", "https://example.org/jmc", "--note", "Committee talks resume.", "-f", "json")
    recorded = _json(cli(*args))
    assert recorded["provision"] == "cma-2018/5.2" and recorded["score"] == 1
    history = _json(cli("agreements", "history", "cma-2018/5.2", "-f", "json"))
    assert history[-1]["origin"] == "analyst" and history[-1]["note"] == "Committee talks resume."
    undone = _json(cli("agreements", "set-status", "cma-2018/5.2", "--undo", "-f", "json"))
    assert undone["undone"] is True and undone["change_id"] == recorded["change_id"]
    again = _json(cli("agreements", "history", "cma-2018/5.2", "-f", "json"))
    assert all(h["origin"] != "analyst" for h in again)


def test_events_list_json_and_filters(cli, db_path):
    rows = _json(cli("events", "list", "--from", "2018-01-01", "--to", "2018-12-31", "--actor", "PRK",
                     "-f", "json"))
    assert rows and all(r["date"].startswith("2018") for r in rows)
    assert all("PRK" in (r["actor1"], r["actor2"]) for r in rows)
    for row in rows:
        assert {"date", "actor1", "cameo", "goldstein", "plover", "summary", "source_url"} <= set(row)
    # the names the rest of panmun uses; --from, --to and --type stay as the older names
    assert _json(cli("events", "list", "--since", "2018-01-01", "--until", "2018-12-31", "--actor", "PRK",
                     "-f", "json")) == rows
    summits = _json(cli("events", "list", "--since", "2018-01-01", "--until", "2018-12-31",
                        "--kind", "summit", "-f", "json"))
    assert summits and summits == _json(cli("events", "list", "--from", "2018-01-01", "--to", "2018-12-31",
                                            "--type", "summit", "-f", "json"))
    assert all(r["type"] == "summit" for r in summits)


def test_kb_load_json(cli, db_path):
    data = _json(cli("kb", "load", str(OVERLAYS / "worked"), "-f", "json"))
    assert data["agreements"] == 1 and data["status_changes"] == 9


@pytest.mark.parametrize("args, code, words", [
    (("agreements", "show", "cma-2019"), 4, "Did you mean cma-2018"),
    (("agreements", "history", "cma-2018/9.9"), 4, "no provision 'cma-2018/9.9'"),
    (("agreements", "scorecard", "--at", "2019-02-30"), 2, "not a valid date"),
    (("agreements", "scorecard", "--by", "month"), 2, "month"),
    (("events", "list", "--after", "2019"), 2, "No such option"),
    (("agreements", "list", "--format", "xml"), 2, "xml"),
])
def test_errors_exit_with_their_code_and_say_what_to_do(cli, db_path, args, code, words):
    result = cli(*args)
    assert result.code == code
    assert words in result.err
    assert "Traceback" not in result.err


def test_history_with_linked_events(cli, db_path):
    rows = _json(cli("agreements", "history", "cma-2018/1.2", "--events", "-f", "json"))
    kinds = {r["kind"] for r in rows}
    assert {"status", "violates"} <= kinds
    changrin = [r for r in rows if r["event_id"] == "2019-11-25-changrin-coastal-artillery-firing"]
    assert changrin and changrin[0]["kind"] == "violates" and changrin[0]["source_url"].startswith("http")
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)
