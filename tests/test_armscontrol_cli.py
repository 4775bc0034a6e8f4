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


def test_tension_raises_the_modelled_risk_and_is_read_from_ingested_events(cli, store, tmp_path):
    def p_deadly(*extra):
        result = cli("armscontrol", "risk", "--package", "none", "--runs", "40", "--sims", "200",
                     "--format", "json", *extra)
        assert result.code == 0, result.err
        return json.loads(result.out)["p_deadly_clash"]["median"]

    assert p_deadly("--tension", "0.1") < p_deadly("--tension", "0.9")
    assert cli("armscontrol", "risk", "--tension", "1.7").code == 2
    no_data = cli("armscontrol", "risk", "--tension", "index")
    assert no_data.code == 2 and "Ingest an event dataset" in no_data.err

    # three years of monthly KOR-PRK events in panmun's csv layout: cooperative, then hostile
    lines = ["id,date,actor1,actor2,cameo,source_url"]
    for k in range(36):
        year, month = 2020 + k // 12, k % 12 + 1
        cameo = "057" if k < 24 else "190"          # sign an agreement / use conventional force
        for j in range(3):
            lines.append(f"e{k}-{j},{year}-{month:02d}-{10 + j},KOR,PRK,{cameo},https://example.org/{k}/{j}")
    path = tmp_path / "events.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    import panmun
    assert panmun.ingest_file(store, "csv", path).events == 108
    from panmun.armscontrol.tension import tension_from_index
    reading = tension_from_index(store, start="2020-01", end="2022-12")
    assert reading.source == "csv" and reading.months == 36
    assert reading.value == 1.0 - 1 / 25     # the last window is the most hostile of the 25
