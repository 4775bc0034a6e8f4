"""Validation errors name file, line and field; exit 2; a failed load changes nothing."""

from __future__ import annotations

import shutil

import pytest

import panmun
from panmun.errors import ValidationError

from conftest import OVERLAYS, write_overlay

# overlay folder -> the problems expected: (file, line, field, words in the message)
BAD_OVERLAYS = {
    "bad-yaml": [("bad-yaml/events/2026.yaml", 6, None, "invalid YAML")],
    "unknown-provision": [("unknown-provision/implementation/cma-2018.yaml", 8, "provisions",
                           "unknown provision id 'cma-2018/9.9'")],
    "impossible-date": [("impossible-date/events/2026.yaml", 3, "date", "'2026-02-30'")],
    "unknown-field": [("unknown-field/agreements/worked-example-2019.yaml", 1, "title", "missing"),
                      ("unknown-field/agreements/worked-example-2019.yaml", 2, "titel", "unknown field")],
    "unrecognised-file": [("unrecognised-file/events/2019.json", None, None, "not recognised"),
                          ("unrecognised-file/notes.txt", None, None, "not recognised")],
    "wrong-codes": [("wrong-codes/events/2026.yaml", 5, "actor2", "unknown actor code 'XYZ'"),
                    ("wrong-codes/events/2026.yaml", 7, "cameo", "unknown CAMEO event code '999'")],
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(BAD_OVERLAYS))
def test_problems_name_file_line_and_field(name):
    with pytest.raises(ValidationError) as info:
        panmun.validate_path(OVERLAYS / name)
    found = sorted(info.value.problems, key=lambda p: (p.file, p.line or 0))
    expected = BAD_OVERLAYS[name]
    assert len(found) == len(expected), [str(p) for p in found]
    for problem, (file, line, field, words) in zip(found, expected, strict=True):
        assert problem.file == file
        assert problem.line == line
        assert problem.field == field
        assert words in problem.message


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(BAD_OVERLAYS))
def test_cli_validate_exits_2_and_prints_the_place(cli, name):
    result = cli("kb", "validate", str(OVERLAYS / name))
    assert result.code == 2
    file, line, field, _ = BAD_OVERLAYS[name][0]
    place = file + (f":{line}" if line else "") + (f": {field}" if field else "")
    assert place in result.err


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(BAD_OVERLAYS))
def test_failed_load_leaves_the_store_unchanged(cli, store, name):
    before = store.counts()
    store.close()
    result = cli("kb", "load", str(OVERLAYS / name))
    assert result.code == 2
    after = panmun.open_store().counts()
    assert after == before


def test_good_overlay_loads_and_reloading_replaces_it(cli, store):
    before = store.counts()
    store.close()
    assert cli("kb", "load", str(OVERLAYS / "worked")).code == 0
    once = panmun.open_store().counts()
    assert once["agreements"] == before["agreements"] + 1
    assert once["provisions"] == before["provisions"] + 3
    assert once["status_changes"] == before["status_changes"] + 9   # 7 records, one names 3 provisions
    assert once["events"] == before["events"] + 1
    assert cli("kb", "load", str(OVERLAYS / "worked")).code == 0
    twice = panmun.open_store().counts()
    assert {k: v for k, v in twice.items() if k not in ("audit", "loads")} == \
        {k: v for k, v in once.items() if k not in ("audit", "loads")}
    assert twice["loads"] == once["loads"] + 1


def _copy(tmp_path, name="worked"):
    folder = tmp_path / name
    shutil.copytree(OVERLAYS / name, folder)
    return folder


def test_overlay_may_not_redefine_a_builtin_agreement(tmp_path):
    folder = _copy(tmp_path)
    src = folder / "agreements" / "worked-example-2019.yaml"
    src.rename(folder / "agreements" / "cma-2018.yaml")
    text = (folder / "agreements" / "cma-2018.yaml").read_text().replace(
        "id: worked-example-2019", "id: cma-2018")
    (folder / "agreements" / "cma-2018.yaml").write_text(text)
    with pytest.raises(ValidationError) as info:
        panmun.validate_path(folder)
    assert any(p.field == "id" and "already exists" in p.message and p.line == 1
               for p in info.value.problems)


def test_change_before_signature_and_in_the_future_are_errors(tmp_path):
    folder = _copy(tmp_path)
    path = folder / "implementation" / "worked-example-2019.yaml"
    text = path.read_text().replace("date: 2019-02-01", "date: 2018-12-01").replace(
        "date: 2019-07-01", "date: 2999-07-01")
    path.write_text(text)
    with pytest.raises(ValidationError) as info:
        panmun.validate_path(folder)
    messages = {(p.line, p.field): p.message for p in info.value.problems}
    assert (9, "date") in messages and "before" in messages[(9, "date")]
    assert (34, "date") in messages and "future" in messages[(34, "date")]


def test_duplicate_keys_are_errors(tmp_path):
    folder = _copy(tmp_path)
    path = folder / "events" / "2019.yaml"
    path.write_text(path.read_text().replace("    type: talks\n", "    type: talks\n    type: summit\n"))
    with pytest.raises(ValidationError) as info:
        panmun.validate_path(folder)
    assert any(p.line == 7 and p.field == "type" and "duplicate" in p.message
               for p in info.value.problems)


def test_hostile_text_is_reported_not_executed(tmp_path):
    folder = _copy(tmp_path)
    path = folder / "events" / "2019.yaml"
    path.write_text(path.read_text().replace('cameo: "043"', 'cameo: "043; DROP TABLE events"'))
    with pytest.raises(ValidationError) as info:
        panmun.validate_path(folder)
    assert any(p.field == "cameo" for p in info.value.problems)


def test_not_a_folder():
    with pytest.raises(ValidationError) as info:
        panmun.validate_path(OVERLAYS / "does-not-exist")
    assert "not a folder" in info.value.problems[0].message


def test_two_overlays_with_the_same_event_id_give_a_clear_store_error(cli, store, tmp_path):
    first = _copy(tmp_path)
    second = tmp_path / "second"
    (second / "events").mkdir(parents=True)
    shutil.copy(first / "events" / "2019.yaml", second / "events" / "2019.yaml")
    shutil.copytree(first / "sources", second / "sources")     # the publishers it cites
    store.close()
    assert cli("kb", "load", str(first)).code == 0
    before = panmun.open_store().counts()
    result = cli("kb", "load", str(second))
    assert result.code == 3
    assert "Duplicate key" in result.err and "2019-03-01-worked-example-talks" in result.err
    assert "another loaded folder" in result.err
    assert panmun.open_store().counts() == before


# ------------------------------------------------------------------ arms-control measures

MEASURE = """\
measures:
  - id: sea-hotline
    name: Naval hotline in the West Sea
    kind: operational
    domains: [sea]
    provision: cma-2018/3.1
    restricts: {zone: the West Sea near the NLL, distance_km: null, activity: encounters with no radio}
    verification: {means: [hotline-reporting], burden: low, burden_why: each call is logged by both sides}
    reversibility: easy
    reversibility_why: a side can stop answering at once
    summary: a direct line between the two navies in the West Sea
    sources:
      - {url: "https://example.org/west-sea", date: 2018-09-19}
"""


def _measure_overlay(tmp_path, text: str):
    return write_overlay(tmp_path, "measures-overlay", "measures", text)


def _only_problem(folder):
    with pytest.raises(ValidationError) as info:
        panmun.validate_path(folder)
    assert len(info.value.problems) == 1, [str(p) for p in info.value.problems]
    return info.value.problems[0]


def test_overlay_may_add_a_measure(tmp_path):
    report = panmun.validate_path(_measure_overlay(tmp_path, MEASURE))
    assert report.counts["measures"] == 1
    assert report.files == ["measures-overlay/measures/extra.yaml",
                            "measures-overlay/sources/publishers.yaml"]


@pytest.mark.parametrize(("old", "new", "line", "field", "words"), [
    ("provision: cma-2018/3.1", "provision: cma-2018/9.9", 6, "provision",
     "unknown provision id 'cma-2018/9.9'"),
    ("domains: [sea]", "domains: [sea, space]", 5, "measures[0].domains[1]", "'ground'"),
    ("id: sea-hotline", "id: no-fly-zone", 2, "id", "duplicate measure id 'no-fly-zone'"),
    ("    reversibility: easy\n", "    reversibility: easy\n    reversability: easy\n", 10,
     "measures[0].reversability", "unknown field"),
    ("date: 2018-09-19", "date: 2999-09-19", 12, "sources", "in the future"),
])
@pytest.mark.slow
def test_bad_overlay_measure_names_file_line_and_field(tmp_path, old, new, line, field, words):
    problem = _only_problem(_measure_overlay(tmp_path, MEASURE.replace(old, new)))
    assert problem.file == "measures-overlay/measures/extra.yaml"
    assert (problem.line, problem.field) == (line, field)
    assert words in problem.message


def test_measure_ids_must_be_unique_within_an_overlay(tmp_path):
    second = MEASURE.split("measures:\n")[1]
    problem = _only_problem(_measure_overlay(tmp_path, MEASURE + second))
    assert (problem.line, problem.field) == (14, "id")
    assert "duplicate measure id 'sea-hotline'" in problem.message


def test_cli_validate_reports_a_bad_measure(cli, tmp_path):
    folder = _measure_overlay(tmp_path, MEASURE.replace("cma-2018/3.1", "cma-2018/9.9"))
    result = cli("kb", "validate", str(folder))
    assert result.code == 2
    assert "measures-overlay/measures/extra.yaml:6: provision" in result.err


# ------------------------------------------------------------------ issues, codings, capabilities

CODING = """\
codings:
  - actor: CHN
    issue: denuclearization
    date: 2017-03-08
    position: 70
    salience: 0.7
    basis: {position: CHN/denuclearization/2017-03-08}
    coder_note: a second reading of the dual-track proposal
capabilities:
  - actor: MNG
    date: 2024-12-31
    value: 1.5
    basis: judgement
    note: a labelled guess for a test
"""


def _issue_overlay(tmp_path, text: str):
    return write_overlay(tmp_path, "issues-overlay", "issues", text)


def test_overlay_may_add_codings(tmp_path):
    text = CODING.replace("2017-03-08", "2025-09-04").replace("issue: denuclearization",
                                                               "issue: peace-treaty")
    report = panmun.validate_path(_issue_overlay(tmp_path, text))
    assert report.counts["codings"] == 1 and report.counts["capabilities"] == 1


@pytest.mark.parametrize(("old", "new", "line", "field", "words"), [
    ("issue: peace-treaty", "issue: reunification", 3, "issue", "unknown issue 'reunification'"),
    ("salience: 0.7", "salience: 1.5", 6, "codings[0].salience", "less than or equal to 1"),
    ("value: 1.5", "value: -1.5", 12, "capabilities[0].value", "greater than or equal to 0"),
    ("date: 2024-12-31", "date: 2999-12-31", 11, "date", "in the future"),
    ("position: 70", "position: 101", 5, "codings[0].position", "less than or equal to 100"),
    ("/2017-03-08}", "/2017-03-09}", 7, "basis", "unknown position 'CHN/denuclearization/2017-03-09'"),
    ("actor: CHN", "actor: RUS", 7, "basis", "statement of CHN, not of RUS"),
])
@pytest.mark.slow
def test_bad_overlay_coding_names_file_line_and_field(tmp_path, old, new, line, field, words):
    # the built-in kb already codes CHN's 2017-03-08 statement on denuclearization: code it on peace-treaty
    text = CODING.replace("issue: denuclearization", "issue: peace-treaty")
    problem = _only_problem(_issue_overlay(tmp_path, text.replace(old, new)))
    assert problem.file == "issues-overlay/issues/extra.yaml"
    assert (problem.line, problem.field) == (line, field)
    assert words in problem.message


def test_overlay_coding_may_not_repeat_a_builtin_one(tmp_path):
    problem = _only_problem(_issue_overlay(tmp_path, CODING))
    assert (problem.line, problem.field) == (4, "date")
    assert "duplicate coding of CHN on denuclearization dated 2017-03-08" in problem.message
