"""`panmun actors positions/issues` and the "as of" analysis on the knowledge base's codings."""

from __future__ import annotations

import json

import pytest

from panmun.actors.positions import positions_at
from panmun.actors.roles import predict_all


def test_issues_lists_the_scales(cli):
    result = cli("actors", "issues", "--format", "json")
    assert result.code == 0, result.err
    ids = {r["id"] for r in json.loads(result.out)}
    assert {"denuclearization", "sanctions-relief", "end-of-war-declaration", "peace-treaty",
            "us-force-posture", "cma-restoration", "humanitarian-exchange"} <= ids


@pytest.mark.slow
def test_china_and_russia_moved_away_from_denuclearization_and_the_outcome_follows(cli, tmp_path):
    before = positions_at("denuclearization", "2018-12-31")
    after = positions_at("denuclearization", "2025-12-31")
    b, a = before.set_index("actor"), after.set_index("actor")
    assert a.loc["CHN", "position"] < b.loc["CHN", "position"]
    assert a.loc["RUS", "position"] < b.loc["RUS", "position"]
    cols = ["actor", "position", "salience", "capability"]
    assert predict_all(after[cols])["compromise"] < predict_all(before[cols])["compromise"]

    chart = tmp_path / "positions.png"
    result = cli("actors", "positions", "--issue", "denuclearization", "--at", "2018-12-31", "--at",
                 "2025-12-31", "--chart", str(chart), "--format", "csv")
    assert result.code == 0, result.err
    assert "as_of,actor,position,salience,capability,date,source_url" in result.out
    outcomes = cli("actors", "positions", "--issue", "denuclearization", "--at", "2018-12-31", "--at",
                   "2025-12-31", "--format", "csv", "--table", "outcomes")
    # the veto-aware outcome (and who holds the veto) leads, beside the four models
    assert outcomes.out.startswith("as_of,veto,veto_holders,compromise,median,nash,expected-utility\n")
    assert chart.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.slow
def test_bargain_on_a_kb_issue_and_bad_issue(cli):
    result = cli("actors", "bargain", "--issue", "denuclearization", "--at", "2025-12-31",
                 "--model", "median", "--format", "json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    frame = positions_at("denuclearization", "2025-12-31")
    assert data["outcome"] == predict_all(frame[["actor", "position", "salience", "capability"]])["median"]
    assert cli("actors", "positions", "--issue", "no-such-issue").code == 2


@pytest.mark.slow
def test_linkage_command_lists_traded_issue_pairs(cli):
    result = cli("actors", "linkage", "--at", "2025-12-31", "--format", "json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert {"outcomes", "exchanges", "linkage"} <= set(data)
    assert len(data["outcomes"]) == 7 and data["exchanges"]
    total = sum(r["exchanges"] for r in data["linkage"])
    assert total == len(data["exchanges"])
    assert all(r["gain_each"] > 0 for r in data["exchanges"])
    assert cli("actors", "linkage", "--max-exchanges", "-1").code == 2
