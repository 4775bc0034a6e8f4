"""Roadmap plan and constraint files: good files parse; bad ones name the file, line and field."""

from __future__ import annotations

import pytest

from panmun.months import as_month
from panmun.months import month_after as month_label
from panmun.months import months_between as month_index
from panmun.roadmap.constraints_file import ConstraintsError, builtin_constraints_path, read_constraints
from panmun.roadmap.plans import PlanError, prerequisite_cycle, read_plan
from panmun.roadmap.steps import Constraints, Plan, RedLine, Scheduled, Step
from panmun.vectors.scenarios import load_scenario

# A hand-made catalogue of five steps. ``sanctions-relief`` needs the dismantlement, which
# needs ``inspectors-return``: a step no catalogue entry defines, so a plan may define it.
CATALOGUE = {s.id: s for s in (
    Step("yongbyon-freeze", "Freeze at Yongbyon", ("PRK",), "denuclearization", 0.05,
         value={"PRK": -1, "USA": 1}, duration=1, lead=2),
    Step("yongbyon-dismantlement", "Dismantle Yongbyon", ("PRK",), "denuclearization", 0.1,
         prerequisites=("yongbyon-freeze", "inspectors-return"), value={"PRK": -2, "USA": 2}, duration=6),
    Step("sanctions-relief", "Partial sanctions relief", ("USA", "UNO"), "exchange", 0.05,
         prerequisites=("yongbyon-dismantlement",), value={"USA": -1, "PRK": 2}),
    Step("liaison-offices", "Liaison offices", ("USA", "PRK"), "peace_regime", 0.03),
    Step("end-of-war-declaration", "End-of-war declaration", ("KOR", "PRK", "USA"), "peace_regime", 0.1),
)}

CONSTRAINTS = """\
horizon: 60
start: 2027-01
trust_margin: {default: 2, PRK: 1, USA: 3}
parties: [KOR, PRK, USA]
initial: {denuclearization: 0.0, peace_regime: 0.07, arms_control: 0.07}
require: [end-of-war-declaration]
exclude: [liaison-offices]
deadlines:
  end-of-war-declaration: 2028-06
max_starts_per_month: 3
red_lines:
  - {party: USA, step: sanctions-relief, until: yongbyon-dismantlement, why: after dismantlement}
  - {party: PRK, step: yongbyon-dismantlement, never: true, why: the deterrent}
  - {party: KOR, step: yongbyon-freeze, not_before: 2028-01, why: test}
"""

PLAN = """\
name: test-plan
title: A test plan
start: 2027-01
steps:
  - id: inspectors-return
    name: IAEA inspectors return
    actors: [PRK, UNO]
    vector: peace-regime
    advance: 0.05
    prerequisites: [yongbyon-freeze]
    value: {PRK: -1, USA: 1}
    duration_months: 2
    verification: {lead_months: 3}
    requires: {arms-control: 0.1}
    drivers: {summits: 0.5}
    summary: Inspectors back at Yongbyon.
schedule:
  - {step: yongbyon-freeze, at: 2027-03}
  - {step: inspectors-return, month: 7}
  - {step: liaison-offices, at: 2027-05-15}
"""


def _write(tmp_path, text: str, name: str = "mine.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _line(text: str, marker: str) -> int:
    return next(i for i, row in enumerate(text.splitlines(), 1) if marker in row)


def _problems(error, reader, tmp_path, text: str):
    path = _write(tmp_path, text)
    with pytest.raises(error) as info:
        reader(path, CATALOGUE)
    return path, info.value.problems


# ---------------------------------------------------------------------------- months

def test_month_arithmetic():
    assert month_index("2027-01", "2028-06") == 17
    assert month_index("2027-05", "2027-01") == -4
    assert month_label("2027-01", 17) == "2028-06"
    assert month_label("2027-11", 2) == "2028-01"
    assert all(month_label("2027-01", month_index("2027-01", m)) == m for m in ("2026-12", "2031-01"))
    with pytest.raises(ValueError):
        month_index("2027-1", "2027-02")


@pytest.mark.parametrize("value", ["2027-13", "2027-1", "2027-02-30", 202701, None])
def test_bad_months_are_refused(value):
    with pytest.raises(ValueError):
        as_month(value)


# ---------------------------------------------------------------------------- constraints

def test_good_constraints_parse(tmp_path):
    c = read_constraints(_write(tmp_path, CONSTRAINTS), CATALOGUE)
    assert isinstance(c, Constraints)
    assert (c.horizon, c.start, c.default_margin, c.margin) == (60, "2027-01", 2, {"PRK": 1, "USA": 3})
    assert c.margin_of("KOR") == 2 and c.margin_of("PRK") == 1
    assert c.parties == ("KOR", "PRK", "USA") and c.max_starts == 3
    assert c.require == ("end-of-war-declaration",) and c.exclude == ("liaison-offices",)
    assert c.deadlines == {"end-of-war-declaration": 17}       # 2028-06 is month 17 from 2027-01
    assert c.initial == {"denuclearization": 0.0, "peace_regime": 0.07, "arms_control": 0.07}
    assert c.red_lines == (
        RedLine("USA", "sanctions-relief", until="yongbyon-dismantlement", why="after dismantlement"),
        RedLine("PRK", "yongbyon-dismantlement", why="the deterrent"),
        RedLine("KOR", "yongbyon-freeze", not_before=12, why="test"),
    )


def test_a_plain_margin_and_no_parties(tmp_path):
    text = "horizon: 24\nstart: 2027-06\ntrust_margin: 0\n"
    c = read_constraints(_write(tmp_path, text), CATALOGUE)
    assert (c.horizon, c.start, c.default_margin, c.margin, c.parties, c.max_starts) == (
        24, "2027-06", 0, {}, None, None)


@pytest.mark.parametrize("old, new, marker, field, words", [
    ("max_starts", "weather: sunny\nmax_starts", "weather", "weather", "unknown key"),
    ("require: [end-of-war-declaration]", "require: [end-of-war-declaraton]", "require:", "require[0]",
     "did you mean 'end-of-war-declaration'"),
    ("exclude: [liaison-offices]", "exclude: [liaison-office, yongbyon-freeze]", "exclude:", "exclude[0]",
     "unknown step"),
    ("  end-of-war-declaration: 2028-06", "  end-of-peace: 2028-06", "end-of-peace",
     "deadlines.end-of-peace", "unknown step"),
    ("step: sanctions-relief,", "step: sanction-relief,", "sanction-relief", "red_lines[0].step",
     "unknown step"),
    ("until: yongbyon-dismantlement", "until: dismantlement", "until: dismantlement", "red_lines[0].until",
     "did you mean 'yongbyon-dismantlement'"),
    ("exclude: [liaison-offices]", "exclude: [end-of-war-declaration]", "exclude:", "exclude[0]",
     "both required and excluded"),
    ("start: 2027-01", "start: 2027-13", "start:", "start", "not a month"),
    ("start: 2027-01", "start: 2027-1", "start:", "start", "not a month"),
    ("start: 2027-01", "start: 202701", "start:", "start", "not a month"),
    ("  end-of-war-declaration: 2028-06", "  end-of-war-declaration: 2028-13", "2028-13",
     "deadlines.end-of-war-declaration", "not a month"),
    ("  end-of-war-declaration: 2028-06", "  end-of-war-declaration: 2026-12", "2026-12",
     "deadlines.end-of-war-declaration", "before the start"),
    ("  end-of-war-declaration: 2028-06", "  end-of-war-declaration: 2032-02", "2032-02",
     "deadlines.end-of-war-declaration", "beyond the horizon"),
    ("trust_margin: {default: 2, PRK: 1, USA: 3}", "trust_margin: -1", "trust_margin", "trust_margin",
     "out of range"),
    ("PRK: 1, USA: 3}", "PRK: -2, USA: 3}", "trust_margin", "trust_margin.PRK", "out of range"),
    ("horizon: 60", "horizon: 0", "horizon", "horizon", "out of range"),
    ("horizon: 60", "horizon: 361", "horizon", "horizon", "out of range"),
    ("max_starts_per_month: 3", "max_starts_per_month: 0", "max_starts", "max_starts_per_month",
     "out of range"),
    ("peace_regime: 0.07,", "peace_regime: 1.07,", "initial:", "initial.peace_regime", "out of range"),
    ("parties: [KOR, PRK, USA]", "parties: [KOR, prk]", "parties:", "parties[1]", "not an actor code"),
    ("never: true, why", "why", "the deterrent", "red_lines[1]", "exactly one of"),
    ("not_before: 2028-01,", "not_before: 2028-01, until: liaison-offices,", "not_before",
     "red_lines[2]", "exactly one of"),
])
def test_bad_constraints_name_file_line_and_field(tmp_path, old, new, marker, field, words):
    assert old in CONSTRAINTS
    text = CONSTRAINTS.replace(old, new, 1)
    path, problems = _problems(ConstraintsError, read_constraints, tmp_path, text)
    assert [(p.file, p.line, p.field) for p in problems if words in p.message] == [
        (str(path), _line(text, marker), field)]
    assert str(path) in str(ConstraintsError(problems))


def test_constraint_problems_are_collected(tmp_path):
    text = CONSTRAINTS.replace("horizon: 60", "horizon: 0").replace("[liaison-offices]", "[liaison]")
    _, problems = _problems(ConstraintsError, read_constraints, tmp_path, text)
    assert {(p.line, p.field) for p in problems} == {(1, "horizon"), (7, "exclude[0]")}


def test_builtin_constraints_start_where_the_baseline_scenario_starts():
    from panmun.roadmap.catalogue import load_catalogue

    c = read_constraints(builtin_constraints_path(), load_catalogue())
    assert (c.horizon, c.start, c.default_margin, c.max_starts) == (60, "2027-01", 2, 4)
    assert c.parties == ("KOR", "PRK", "USA", "CHN", "JPN", "RUS", "UNO")
    assert (c.require, c.exclude, c.deadlines) == ((), (), {})
    # the parties' stated red lines of 2018, each with its source
    assert [(r.party, r.step, r.until) for r in c.red_lines] == [
        ("PRK", "nuclear-inventory-declaration", "end-of-war-declaration"),
        ("USA", "end-of-war-declaration", "yongbyon-disablement")]
    assert all("http" in r.why for r in c.red_lines)
    baseline = load_scenario("baseline")
    for vector in ("denuclearization", "peace_regime", "arms_control"):
        assert c.initial[vector] == baseline.initial[vector]
    assert c.initial["exchange"] == baseline.drivers["exchange"]


# ---------------------------------------------------------------------------- plans

def test_good_plan_parses(tmp_path):
    plan = read_plan(_write(tmp_path, PLAN), CATALOGUE)
    assert isinstance(plan, Plan)
    assert (plan.name, plan.title, plan.start) == ("test-plan", "A test plan", "2027-01")
    assert plan.items == (Scheduled("yongbyon-freeze", 2), Scheduled("inspectors-return", 7),
                          Scheduled("liaison-offices", 4))        # 2027-05-15: its month, 2027-05
    (step,) = plan.steps
    assert (step.id, step.name, step.actors, step.vector, step.advance) == (
        "inspectors-return", "IAEA inspectors return", ("PRK", "UNO"), "peace_regime", 0.05)
    assert step.prerequisites == ("yongbyon-freeze",) and step.value == {"PRK": -1, "USA": 1}
    assert (step.duration, step.lead, step.wait) == (2, 3, 5)
    assert step.requires == {"arms_control": 0.1} and step.drivers == {"summits": 0.5}
    assert step.summary == "Inspectors back at Yongbyon." and step.measure is None


@pytest.mark.parametrize("old, new, marker, field, words", [
    ("step: yongbyon-freeze,", "step: yongbyon-freez,", "yongbyon-freez,", "schedule[0].step",
     "unknown step 'yongbyon-freez'; did you mean 'yongbyon-freeze'"),
    ("{step: liaison-offices, at: 2027-05-15}", "{step: yongbyon-freeze, month: 9}", "month: 9",
     "schedule[2].step", "scheduled twice (first at line 18)"),
    ("at: 2027-03", "at: 2027-13", "2027-13", "schedule[0].at", "not a month"),
    ("at: 2027-05-15", 'at: "2027-02-30"', "2027-02-30", "schedule[2].at", "not a date"),
    ("at: 2027-03", "at: 2026-11", "2026-11", "schedule[0].at", "before the plan's start"),
    ("month: 7", "month: -1", "month: -1", "schedule[1].month", "before the plan's start"),
    ("month: 7", "month: 7, at: 2027-08", "month: 7", "schedule[1]", "exactly one of"),
    ("start: 2027-01", "start: 2027-00", "start:", "start", "not a month"),
    ("[yongbyon-freeze]", "[yongbyon-freeze, inspections]", "prerequisites", "steps[0].prerequisites[1]",
     "unknown step 'inspections'"),
    ("advance: 0.05", "advance: 1.5", "advance", "steps[0].advance", "out of range"),
    ("PRK: -1, USA: 1", "PRK: -4, USA: 1", "value:", "steps[0].value.PRK", "out of range"),
    ("vector: peace-regime", "vector: economy", "vector", "steps[0].vector", "required: one of"),
    ("duration_months: 2", "duration_months: -2", "duration_months", "steps[0].duration_months",
     "out of range"),
    ("lead_months: 3", "lead_month: 3", "verification", "steps[0].verification.lead_month", "unknown key"),
    ("actors: [PRK, UNO]", "actors: [PRK, un]", "actors", "steps[0].actors[1]", "not an actor code"),
    ("id: inspectors-return", "id: liaison-offices", "id:", "steps[0].id", "already a catalogue step"),
    ("drivers: {summits: 0.5}", "drivers: {weather: 0.5}", "drivers", "steps[0].drivers.weather",
     "unknown driver"),
    ("title: A test plan", "title: A test plan\ncolour: red", "colour", "colour", "unknown key"),
])
def test_bad_plans_name_file_line_and_field(tmp_path, old, new, marker, field, words):
    assert old in PLAN
    text = PLAN.replace(old, new, 1)
    path, problems = _problems(PlanError, read_plan, tmp_path, text)
    assert [(p.file, p.line, p.field) for p in problems if words in p.message] == [
        (str(path), _line(text, marker), field)]


def test_an_impossible_calendar_date_names_file_line_and_field(tmp_path):
    text = PLAN.replace("at: 2027-05-15", "at: 2027-02-30")
    path, problems = _problems(PlanError, read_plan, tmp_path, text)
    assert [(p.file, p.line, p.field) for p in problems] == [(str(path), _line(text, "2027-02-30"), "at")]
    assert "day is out of range" in problems[0].message


def test_a_prerequisite_cycle_is_named_in_order(tmp_path):
    # inspectors-return -> sanctions-relief -> yongbyon-dismantlement -> inspectors-return
    text = PLAN.replace("prerequisites: [yongbyon-freeze]", "prerequisites: [sanctions-relief]")
    path, problems = _problems(PlanError, read_plan, tmp_path, text)
    assert [(p.file, p.line, p.field) for p in problems] == [
        (str(path), _line(text, "prerequisites"), "steps[0].prerequisites")]
    assert ("inspectors-return -> sanctions-relief -> yongbyon-dismantlement -> inspectors-return"
            in problems[0].message)


def test_a_cycle_through_two_plan_steps_is_reported_once(tmp_path):
    second = ("  - {id: snapback, name: Snapback clause, actors: [UNO], vector: exchange, advance: 0,\n"
              "     prerequisites: [sanctions-relief]}\nschedule:")
    text = PLAN.replace("prerequisites: [yongbyon-freeze]", "prerequisites: [snapback]").replace(
        "schedule:", second)
    _, problems = _problems(PlanError, read_plan, tmp_path, text)
    assert [(p.line, p.field) for p in problems] == [(_line(text, "[snapback]"), "steps[0].prerequisites")]
    assert ("inspectors-return -> snapback -> sanctions-relief -> yongbyon-dismantlement -> inspectors-return"
            in problems[0].message)
    assert prerequisite_cycle("yongbyon-freeze", {s.id: s.prerequisites for s in CATALOGUE.values()}) is None


def test_plan_problems_are_collected(tmp_path):
    text = PLAN.replace("advance: 0.05", "advance: -0.1").replace("{step: liaison-offices", "{step: hotline")
    _, problems = _problems(PlanError, read_plan, tmp_path, text)
    assert {(p.line, p.field) for p in problems} == {(_line(text, "advance"), "steps[0].advance"),
                                                     (_line(text, "hotline"), "schedule[2].step")}


def test_a_plan_step_with_a_bad_field_is_still_a_known_step(tmp_path):
    # the bad advance is the only problem: scheduling the step does not add "unknown step"
    text = PLAN.replace("advance: 0.05", "advance: many")
    _, problems = _problems(PlanError, read_plan, tmp_path, text)
    assert [p.field for p in problems] == ["steps[0].advance"]


def test_a_file_that_is_not_a_mapping(tmp_path):
    _, problems = _problems(PlanError, read_plan, tmp_path, "- just\n- a list\n")
    assert problems[0].line == 1 and "mapping" in problems[0].message
