"""The roadmap step catalogue: built-in data, overlay validation, conversion, data package."""

from __future__ import annotations

import csv
import json

import frictionless
import pytest

import panmun
from panmun.errors import ValidationError
from panmun.kb.schema import BUILTIN_MEASURES, STEP_DRIVERS
from panmun.roadmap.catalogue import COLUMNS, load_catalogue, steps_table
from panmun.roadmap.steps import VECTORS, Step
from panmun.vectors.parameters import DRIVERS

from conftest import write_overlay

# ------------------------------------------------------------------ built-in catalogue


@pytest.fixture(scope="module")
def catalogue() -> dict[str, Step]:
    return load_catalogue()


def test_builtin_catalogue_validates_and_is_large_enough(catalogue):
    report = panmun.validate_path()
    assert report.counts["steps"] == len(catalogue) >= 60
    assert all(isinstance(s, Step) for s in catalogue.values())
    assert {s.vector for s in catalogue.values()} == set(VECTORS)


def test_every_step_is_sourced_and_every_measure_is_restored(catalogue):
    assert all(s.sources and all(u.startswith("http") for u in s.sources) for s in catalogue.values())
    restored = {s.measure for s in catalogue.values() if s.measure}
    assert restored == set(BUILTIN_MEASURES)


def test_catalogue_follows_the_roadmap_contract(catalogue):
    for step in catalogue.values():
        assert 0 <= step.advance <= 1 and step.duration >= 0 and step.lead >= 0
        assert all(-3 <= v <= 3 and isinstance(v, int) for v in step.value.values())
        assert set(step.requires) <= set(VECTORS) and set(step.drivers) <= set(DRIVERS)
        assert all(p in catalogue for p in step.prerequisites)
    # the sequencing the sources name, and the vector names the roadmap uses
    assert "inter-korean-project-exemptions" in catalogue["rail-joint-survey"].prerequisites
    assert {"yongbyon-freeze", "iaea-inspectors-return"} <= set(
        catalogue["yongbyon-reprocessing-dismantlement"].prerequisites)
    assert catalogue["end-of-war-declaration"].vector == "peace_regime"
    assert catalogue["peace-treaty"].requires == {"denuclearization": 0.3}
    assert catalogue["yongbyon-freeze"].wait == 1 + 6


def test_schema_drivers_match_the_three_vector_model():
    assert set(STEP_DRIVERS) == set(DRIVERS)


def test_steps_table_shapes_values_for_the_cli(catalogue):
    table = steps_table(catalogue)
    assert list(table.columns) == list(COLUMNS) and len(table) == len(catalogue)
    row = table.set_index("id").loc["yongbyon-freeze"]
    assert row["value"].split() == ["PRK:-2", "USA:+2", "KOR:+2", "JPN:+1", "CHN:+1"]
    assert row["prerequisites"] == "nuclear-test-moratorium" and row["lead"] == 6
    assert table.set_index("id").loc["restore-no-fly-zone", "measure"] == "no-fly-zone"


# ------------------------------------------------------------------ overlays

STEPS = """\
steps:
  - id: step-a
    name: First overlay step
    actors: [KOR, PRK]
    vector: exchange
    advance: 0.05
    prerequisites: [nuclear-test-moratorium]
    value: {KOR: 1, PRK: -1}
    value_note: a judgement for a test
    advance_note: a judgement for a test
    duration_months: 1
    verification: {means: [observers], lead_months: 1}
    reversibility: easy
    summary: a step that only tests validation
    sources:
      - {url: "https://example.org/a", date: 2018-09-19}
  - id: step-b
    name: Second overlay step
    actors: [KOR]
    vector: peace-regime
    advance: 0.05
    prerequisites: [step-a]
    value: {KOR: 1}
    value_note: a judgement for a test
    advance_note: a judgement for a test
    duration_months: 1
    verification: {means: [none], lead_months: 0}
    reversibility: easy
    summary: a step that only tests validation
    sources:
      - {url: "https://example.org/b"}
  - id: step-c
    name: Third overlay step
    actors: [PRK]
    vector: arms-control
    advance: 0.05
    prerequisites: [step-b]
    value: {PRK: 1}
    value_note: a judgement for a test
    advance_note: a judgement for a test
    duration_months: 1
    verification: {means: [none], lead_months: 0}
    reversibility: easy
    measure: no-fly-zone
    summary: a step that only tests validation
    sources:
      - {url: "https://example.org/c"}
"""
FILE = "steps-overlay/steps/extra.yaml"


def _overlay(tmp_path, text: str):
    return write_overlay(tmp_path, "steps-overlay", "steps", text)


def _problems(folder) -> list:
    with pytest.raises(ValidationError) as info:
        panmun.validate_path(folder)
    return info.value.problems


def test_overlay_may_add_steps_that_need_builtin_ones(tmp_path):
    folder = _overlay(tmp_path, STEPS)
    report = panmun.validate_path(folder)
    assert report.counts["steps"] == 3
    steps = load_catalogue(panmun.load_overlay(folder))
    assert list(steps) == ["step-a", "step-b", "step-c"]
    assert steps["step-a"].prerequisites == ("nuclear-test-moratorium",)


@pytest.mark.parametrize(("old", "new", "line", "field", "words"), [
    ("prerequisites: [step-a]", "prerequisites: [step-z]", 22, "prerequisites",
     "unknown prerequisite step 'step-z'"),
    ("value: {KOR: 1, PRK: -1}", "value: {KOR: 5, PRK: -1}", 8, "steps[0].value", "outside -3..3"),
    ("value: {KOR: 1, PRK: -1}", "value: {KOR: 1.5, PRK: -1}", 8, "steps[0].value", "whole number"),
    ("actors: [KOR, PRK]", "actors: [KOR, XYZ]", 4, "actors", "unknown actor code 'XYZ'"),
    ("value: {PRK: 1}", "value: {QQQ: 1}", 38, "value", "unknown actor code 'QQQ'"),
    ("prerequisites: [step-b]", "prerequisites: [step-c]", 37, "prerequisites", "its own prerequisite"),
    ("id: step-c", "id: yongbyon-freeze", 32, "id", "duplicate step id 'yongbyon-freeze'"),
    ("measure: no-fly-zone", "measure: no-such-measure", 44, "measure", "unknown measure id"),
    ("    measure: no-fly-zone\n", "    provision: cma-2018/9.9\n", 44, "provision", "unknown provision id"),
    ("lead_months: 1}", "lead_months: -1}", 12, "steps[0].verification.lead_months", "greater than or equal"),
    ("vector: exchange", "vector: trade", 5, "steps[0].vector", "'denuclearization'"),
    ("advance: 0.05\n    prerequisites: [nuclear", "advance: 1.5\n    prerequisites: [nuclear", 6,
     "steps[0].advance", "less than or equal to 1"),
])
@pytest.mark.slow
def test_bad_step_names_file_line_and_field(tmp_path, old, new, line, field, words):
    assert STEPS.count(old) == 1
    problems = _problems(_overlay(tmp_path, STEPS.replace(old, new)))
    assert len(problems) == 1, [str(p) for p in problems]
    problem = problems[0]
    assert (problem.file, problem.line, problem.field) == (FILE, line, field)
    assert words in problem.message


def test_unknown_driver_and_bad_requires_level_are_schema_errors(tmp_path):
    text = STEPS.replace("    value: {KOR: 1}\n", "    value: {KOR: 1}\n    drivers: {sanction: 0.5}\n"
                         "    requires: {arms-control: 2}\n")
    problems = {(p.line, p.field): p.message for p in _problems(_overlay(tmp_path, text))}
    assert "unknown driver 'sanction'" in problems[(24, "steps[1].drivers")]
    assert "outside [0, 1]" in problems[(25, "steps[1].requires")]


def test_a_three_step_cycle_is_named(tmp_path):
    text = STEPS.replace("prerequisites: [nuclear-test-moratorium]", "prerequisites: [step-c]")
    problems = _problems(_overlay(tmp_path, text))
    assert len(problems) == 1, [str(p) for p in problems]
    problem = problems[0]
    assert (problem.file, problem.line, problem.field) == (FILE, 7, "prerequisites")
    assert "step-a -> step-c -> step-b -> step-a" in problem.message


def test_a_two_step_cycle_is_reported_once(tmp_path):
    """Two overlay steps that need each other: one problem, at the first of them in the file."""
    text = STEPS.replace("prerequisites: [nuclear-test-moratorium]", "prerequisites: [step-b]")
    problems = _problems(_overlay(tmp_path, text))
    assert [p.message.split(": ", 1)[1] for p in problems] == ["step-a -> step-b -> step-a"]


def test_cli_validate_reports_a_bad_step(cli, tmp_path):
    folder = _overlay(tmp_path, STEPS.replace("prerequisites: [step-a]", "prerequisites: [step-z]"))
    result = cli("kb", "validate", str(folder))
    assert result.code == 2
    assert f"{FILE}:22: prerequisites" in result.err


# ------------------------------------------------------------------ data package


@pytest.mark.slow
def test_datapackage_has_a_valid_steps_table(tmp_path):
    path = panmun.write_datapackage(tmp_path / "pkg")
    report = frictionless.validate(str(path))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    names = {r["name"] for r in json.loads(path.read_text(encoding="utf-8"))["resources"]}
    assert "steps" in names
    with (path.parent / "steps.csv").open(encoding="utf-8") as fh:
        rows = {row["id"]: row for row in csv.DictReader(fh)}
    assert len(rows) == len(load_catalogue())
    assert rows["restore-no-fly-zone"]["measure_id"] == "no-fly-zone"
    assert rows["yongbyon-freeze"]["value"].startswith("PRK:-2;USA:2")
    assert json.loads(rows["yongbyon-freeze"]["sources"])[0]["url"] == rows["yongbyon-freeze"]["source_url"]


def test_steps_table_foreign_keys_are_checked(tmp_path):
    path = panmun.write_datapackage(tmp_path / "pkg")
    steps = path.parent / "steps.csv"
    text = steps.read_text(encoding="utf-8")
    assert ",no-fly-zone," in text
    steps.write_text(text.replace(",no-fly-zone,", ",no-such-measure,", 1), encoding="utf-8")
    report = frictionless.validate(str(path))
    assert [e[0] for e in report.flatten(["type"])] == ["foreign-key"]
