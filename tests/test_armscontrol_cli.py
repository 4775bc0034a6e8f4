"""`panmun armscontrol`: measures, risk, compare, verification and balance from the command line."""

from __future__ import annotations

import json

from panmun.armscontrol.measures import MEASURE_IDS


def test_measures_status_at_two_dates(cli):
    result = cli("armscontrol", "measures", "--status-at", "2019-06-30", "--format", "json")
    assert result.code == 0, result.err
    rows = {r["id"]: r for r in json.loads(result.out)}
    assert set(rows) == set(MEASURE_IDS)
    assert rows["no-fly-zone"]["status"] == "full" and rows["missile-limits"]["status"] == "not agreed"
    later = {r["id"]: r for r in json.loads(cli("armscontrol", "measures", "--status-at", "2024-06-30",
                                                "--format", "json").out)}
    assert later["no-fly-zone"]["status"] in ("suspended", "reversed")


def test_risk_json_has_the_documented_keys_and_is_reproducible(cli):
    args = ("armscontrol", "risk", "--package", "cma-2018", "--runs", "50", "--sims", "200", "--seed", "4",
            "--format", "json")
    first = cli(*args)
    assert first.code == 0, first.err
    data = json.loads(first.out)
    assert {"package", "p_deadly_clash", "p_escalation", "incidents_by_domain"} <= set(data)
    for key in ("p_deadly_clash", "p_escalation"):
        s = data[key]
        assert 0 <= s["low"] <= s["median"] <= s["high"] <= 1
    assert set(data["incidents_by_domain"]) == {"ground", "sea", "air", "grey-zone"}
    assert json.loads(cli(*args).out) == data


def test_compare_ranks_the_full_cma_below_none_and_draws_the_chart(cli, tmp_path):
    chart = tmp_path / "packages.png"
    result = cli("armscontrol", "compare", "--runs", "60", "--sims", "300", "--chart", str(chart),
                 "--format", "csv")
    assert result.code == 0, result.err
    lines = result.out.strip().splitlines()
    assert lines[0].startswith("rank,package,")
    order = [line.split(",")[1] for line in lines[1:5]]
    assert order.index("cma-2018-full") < order.index("none")
    assert chart.read_bytes()[:4] == b"\x89PNG"


def test_bad_package_file_and_bad_options(cli, tmp_path):
    bad = tmp_path / "mine.yaml"
    bad.write_text("name: mine\ntitle: Mine\nmeasures:\n  no-fly-zone: 1.0\n  moon-base: 1.0\n",
                   encoding="utf-8")
    result = cli("armscontrol", "risk", "--package", str(bad), "--runs", "5", "--sims", "10")
    assert result.code == 2 and f"{bad}:5" in result.err and "moon-base" in result.err
    assert cli("armscontrol", "risk", "--years", "0").code == 2
    assert cli("armscontrol", "risk", "--package", "no-such-package").code == 4


def test_verification_and_balance(cli):
    result = cli("armscontrol", "verification", "--package", "cma-2018-full", "--format", "json")
    assert result.code == 0, result.err
    rows = json.loads(result.out)
    total = rows[-1]
    assert total["id"] == "package total"
    assert total["burden_score"] == sum(r["burden_score"] for r in rows[:-1]) > 0
    assert "joint-on-site" in total["means"]
    balance = json.loads(cli("armscontrol", "balance", "--format", "json").out)
    assert balance
    assert all(r["source_url"].startswith(("http://", "https://")) and r["as_of"] for r in balance)
