"""The one checker of user-written YAML files (panmun.kb.yamlcheck): a scenario, a package
and a plan, each with a type error, a missing field and an unknown field, reported together
with the file, the line and the field; a plan's own step checked with the knowledge base's
Step schema."""

from __future__ import annotations

import pytest

from panmun.armscontrol.packages import PackageError, read_package
from panmun.kb import schema
from panmun.kb.yamlcheck import FileChecker, read_mapping
from panmun.kb.yamlio import LineDict
from panmun.months import as_month
from panmun.roadmap.plans import PlanError, PlanStep, read_plan
from panmun.roadmap.steps import Step
from panmun.vectors.parameters import DRIVERS, STOCKS
from panmun.vectors.scenarios import ScenarioError, read_scenario

SCENARIO = ("name: mine\n"                                      # no start: missing
            "colour: red\n"                                     # unknown
            "initial:\n" + "".join(f"  {s}: 0.1\n" for s in STOCKS)
            + "drivers:\n" + "".join(f"  {d}: 0.5\n" for d in DRIVERS)
            + "changes:\n"
            "  - {from: 2027-01, driver: rivalry, value: high}\n")   # type

PACKAGE = """\
title: no name                      # missing
measures:
  military-hotline: lots            # type
settings:
  exercises: normal
  speed: 2                          # unknown
"""

PLAN = """\
name: my-plan
start: 2027-01
steps:
  - id: inspectors-return
    name: Inspectors return
    vector: peace-regime            # no actors: missing
    advance: many                   # type
    colour: red                     # unknown
  - id: talks
    name: Working-level talks
    actors: [USA, PRK]
    vector: peace-regime
    advance: 0.05
    value: {PRK: -4}                # the kb Step's value scale is -3..3
    reversibility: forever          # the kb Step's reversibility: easy, moderate or hard
schedule:
  - {step: talks, at: 2027-02}
"""

CATALOGUE = {"freeze": Step("freeze", "Freeze", ("PRK",), "denuclearization", 0.05)}


def _line(text: str, marker: str) -> int:
    return next(i for i, row in enumerate(text.splitlines(), 1) if marker in row)


def _problems(tmp_path, text, error, reader, *args):
    path = tmp_path / "mine.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(error) as info:
        reader(path, *args)
    return str(path), {(p.file, p.line, p.field): p.message for p in info.value.problems}


def test_a_scenario_reports_type_missing_and_unknown_fields_together(tmp_path):
    path, problems = _problems(tmp_path, SCENARIO, ScenarioError, read_scenario)
    assert "must be a number in [0, 1], not 'high'" in problems[(path, _line(SCENARIO, "high"),
                                                                 "changes[0].value")]
    assert "required: a month as YYYY-MM" in problems[(path, 1, "start")]
    assert "unknown key" in problems[(path, _line(SCENARIO, "colour"), "colour")]
    assert len(problems) == 3


def test_a_package_reports_type_missing_and_unknown_fields_together(tmp_path):
    path, problems = _problems(tmp_path, PACKAGE, PackageError, read_package)
    assert "must be a number in [0, 1], not 'lots'" in problems[(path, _line(PACKAGE, "lots"),
                                                                 "measures.military-hotline")]
    assert "required" in problems[(path, 1, "name")]
    assert "unknown setting" in problems[(path, _line(PACKAGE, "speed"), "settings.speed")]
    assert len(problems) == 3


def test_a_plan_and_its_own_steps_report_type_missing_and_unknown_fields_together(tmp_path):
    path, problems = _problems(tmp_path, PLAN, PlanError, read_plan, CATALOGUE)
    unknown = problems.pop((path, _line(PLAN, "colour"), "steps[0].colour"))
    assert unknown.startswith("unknown key; expected one of") and "'value_note'" in unknown
    assert problems == {
        (path, _line(PLAN, "many"), "steps[0].advance"): "must be a number, not 'many'",
        (path, _line(PLAN, "id: inspectors-return"), "steps[0].actors"): "required",
        (path, _line(PLAN, "PRK: -4"), "steps[1].value.PRK"): "out of range: -4 is not >= -3",
        (path, _line(PLAN, "forever"), "steps[1].reversibility"):
            "one of 'easy', 'moderate' or 'hard', not 'forever'",
    }


def test_a_good_plan_step_is_a_kb_step_record(tmp_path):
    text = PLAN.replace("    colour: red                     # unknown\n", "").replace(
        "advance: many", "advance: 0.1\n    actors: [PRK]").replace("-4", "-1").replace("forever", "hard")
    path = tmp_path / "good.yaml"
    path.write_text(text, encoding="utf-8")
    plan = read_plan(path, CATALOGUE)
    assert [(s.id, s.vector, s.actors, s.reversibility, s.value) for s in plan.steps] == [
        ("inspectors-return", "peace_regime", ("PRK",), "moderate", {}),
        ("talks", "peace_regime", ("USA", "PRK"), "hard", {"PRK": -1})]
    assert issubclass(PlanStep, schema.Step)


def test_the_checker_collects_and_raises_with_file_line_and_field(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("a: 1\nb:\n  - 2\n  - PRK\nc: 2027-13\n", encoding="utf-8")
    data = read_mapping(path, ScenarioError)
    checker = FileChecker(str(path))
    checker.keys(data, {"b", "c"})
    assert [checker.actor(v, line, fld) for v, line, fld in checker.listing(data, "b")] == [None, "PRK"]
    assert checker.month(data, "c") is None
    with pytest.raises(ScenarioError) as info:
        checker.raise_if_any(ScenarioError)
    assert [(p.file, p.line, p.field) for p in info.value.problems] == [
        (str(path), 1, "a"), (str(path), 3, "b[0]"), (str(path), 5, "c")]
    assert isinstance(data, LineDict)


def test_a_file_that_is_not_a_mapping_or_not_yaml(tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(PackageError) as info:
        read_package(path)
    assert (info.value.problems[0].line, "mapping" in info.value.problems[0].message) == (1, True)
    path.write_text("name: [unclosed\n", encoding="utf-8")
    with pytest.raises(PlanError) as info:
        read_plan(path, CATALOGUE)
    assert "invalid YAML" in info.value.problems[0].message and info.value.problems[0].file == str(path)


@pytest.mark.parametrize("value, month", [("2027-03", "2027-03"), ("2027-03-31", "2027-03")])
def test_as_month(value, month):
    assert as_month(value) == month
