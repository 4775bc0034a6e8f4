"""`panmun roadmap` on the built-in catalogue and constraints: plan, check, tasks, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from panmun.roadmap import rules
from panmun.roadmap.catalogue import load_catalogue
from panmun.roadmap.ranking import dated_inputs

pytestmark = pytest.mark.slow

HANOI = Path(__file__).parent / "fixtures" / "roadmap" / "hanoi-2019-at-once.yaml"


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


def test_steps_command_lists_the_catalogue(cli):
    result = cli("roadmap", "steps", "--format", "json")
    assert result.code == 0, result.err
    rows = json.loads(result.out)
    assert len(rows) >= 60 and all(r["source"].startswith("http") for r in rows)
    result = cli("roadmap", "steps", "--vector", "arms-control", "--format", "csv")
    assert result.code == 0 and all(",arms_control," in line for line in result.out.splitlines()[1:])
    assert cli("roadmap", "steps", "--vector", "economy").code == 2


def test_plan_ranks_admissible_plans_and_judges_them(cli, tmp_path, catalogue):
    saved, chart, balance = tmp_path / "best.yaml", tmp_path / "timeline.png", tmp_path / "balance.png"
    result = cli("roadmap", "plan", "--horizon", "36", "--alternatives", "1", "--runs", "200",
                 "--time-limit", "4",
                 "--save-plan", str(saved), "--chart", str(chart), "--balance-chart", str(balance),
                 "--format", "json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["feasible"] and data["horizon"] == 36 and [p["rank"] for p in data["plans"]] == [1, 2]
    # the plans keep every rule with the steps judged as of their start (the month after the record ends)
    dated = dated_inputs(None, 36, data["start"])
    assert data["as_of"] == f"{data['start']}-01" and data["record_end"] < data["as_of"]
    excluded = {e["step"] for e in data["excluded"]}
    assert excluded == {b.step for b in dated.blocked}
    for p in data["plans"]:
        schedule = {s["step"]: s["start"] for s in p["steps"]}
        assert rules.violations(dated.steps, schedule, dated.constraints) == []
        assert not excluded & set(schedule)
        assert 0 <= p["optimality_gap"] <= 0.05 and p["solver_status"].startswith("OPTIMAL")
        gain = p["three_vector_model"]["gain_over_baseline"]
        assert gain["low"] <= gain["median"] <= gain["high"] and gain["median"] > 0
        risk = p["clash_risk"]
        assert risk["p_deadly_clash_1y"]["median"] < risk["p_deadly_clash_1y_today"]["median"]
        assert all(s["why_here"] for s in p["steps"])
    first = {s["step"]: s for s in data["plans"][0]["steps"]}
    # the built-in red line: PRK declares its inventory only once the end-of-war declaration is verified
    if "nuclear-inventory-declaration" in first:
        assert first["nuclear-inventory-declaration"]["start"] >= first["end-of-war-declaration"]["verified"]
    assert data["plans"][0]["three_vector_model"]["progress"]["median"] >= \
        data["plans"][1]["three_vector_model"]["progress"]["median"]
    assert chart.read_bytes()[:4] == b"\x89PNG" and balance.read_bytes()[:4] == b"\x89PNG"
    # the saved plan is a plan file that keeps every rule
    check = cli("roadmap", "check", str(saved), "--horizon", "36", "--format", "json")
    assert check.code == 0, check.out + check.err
    assert json.loads(check.out)["admissible"] is True


def test_check_reports_every_broken_rule_of_a_plan(cli):
    result = cli("roadmap", "check", str(HANOI), "--format", "json")
    assert result.code == 1
    data = json.loads(result.out)
    kinds = {v["kind"] for v in data["violations"]}
    # from 2027-01 the steps are judged against the positions the record holds by then: the
    # DPRK's coding of 2025-09-21 (0 on denuclearization, salience 1) refuses the Yongbyon steps
    assert kinds == {"prerequisite", "reciprocity", "red-line"}
    assert data["as_of"] == "2027-01-01"
    assert any(v["party"] == "PRK" and v["month"] == "2027-02" for v in data["violations"])
    red = {v["step"]: v for v in data["violations"] if v["kind"] == "red-line"}
    assert set(red) == {"yongbyon-freeze", "yongbyon-reprocessing-dismantlement",
                        "yongbyon-enrichment-dismantlement"}
    assert all(v["party"] == "PRK" and "2025-09-21" in v["problem"] and "http" in v["problem"]
               for v in red.values())
    table = cli("roadmap", "check", str(HANOI))
    assert table.code == 1 and "iaea-inspectors-return" in table.out


def test_malformed_plan_files_name_file_line_and_field(cli, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nstart: 2027-01\nschedule:\n  - {step: yongbyon-freez, at: 2027-03}\n"
                   "  - {step: end-of-war-declaration, at: 2027-13}\n", encoding="utf-8")
    result = cli("roadmap", "check", str(bad))
    assert result.code == 2
    assert "bad.yaml:4: schedule[0].step" in result.err and "yongbyon-freeze" in result.err
    assert "bad.yaml:5: schedule[1].at" in result.err and "2027-13" in result.err
    cycle = tmp_path / "cycle.yaml"
    cycle.write_text("name: cycle\nstart: 2027-01\nsteps:\n"
                     "  - {id: a-step, name: step a, actors: [KOR], vector: exchange, advance: 0.1,\n"
                     "     prerequisites: [b-step], value: {KOR: 1}, duration_months: 1}\n"
                     "  - {id: b-step, name: step b, actors: [PRK], vector: exchange, advance: 0.1,\n"
                     "     prerequisites: [a-step], value: {PRK: 1}, duration_months: 1}\n"
                     "schedule:\n  - {step: a-step, month: 0}\n", encoding="utf-8")
    result = cli("roadmap", "check", str(cycle))
    assert result.code == 2 and "cycle" in result.err and "a-step" in result.err and "b-step" in result.err


def test_infeasible_constraints_are_explained(cli, tmp_path):
    strict = tmp_path / "strict.yaml"
    strict.write_text(
        "horizon: 24\nstart: 2027-01\ntrust_margin: 2\n"
        "require: [nuclear-inventory-declaration]\n"
        "red_lines:\n"
        "  - {party: PRK, step: nuclear-inventory-declaration, until: end-of-war-declaration}\n"
        "  - {party: USA, step: end-of-war-declaration, until: nuclear-inventory-declaration}\n",
        encoding="utf-8")
    # as of 2019-01 no position refuses the declaration: the two hand-written red lines conflict
    result = cli("roadmap", "plan", "--constraints", str(strict), "--start", "2019-01", "--time-limit", "5",
                 "--format", "json")
    assert result.code == 1, result.err
    data = json.loads(result.out)
    assert data["feasible"] is False
    kinds = sorted(c["kind"] for c in data["conflicts"])
    assert kinds == ["red-line", "red-line", "required"]


def test_tasks_per_actor(cli):
    result = cli("roadmap", "tasks", "--horizon", "24", "--per-actor", "2", "--format", "json")
    assert result.code == 0, result.err
    rows = json.loads(result.out)
    assert {r["actor"] for r in rows} == {"KOR", "PRK", "USA", "CHN", "JPN", "RUS", "UNO"}
    assert all(r["order"] <= 2 for r in rows)
    assert any(r["actor"] == "PRK" and r["step"] for r in rows)
