"""Validation errors name file, line and field; exit 2; a failed load changes nothing."""

from __future__ import annotations

import shutil

import pytest

import panmun
from panmun.errors import ValidationError

from conftest import OVERLAYS

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


@pytest.mark.parametrize("name", sorted(BAD_OVERLAYS))
def test_cli_validate_exits_2_and_prints_the_place(cli, name):
    result = cli("kb", "validate", str(OVERLAYS / name))
    assert result.code == 2
    file, line, field, _ = BAD_OVERLAYS[name][0]
    place = file + (f":{line}" if line else "") + (f": {field}" if field else "")
    assert place in result.err


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
    folder = tmp_path / "measures-overlay"
    (folder / "measures").mkdir(parents=True)
    (folder / "measures" / "extra.yaml").write_text(text, encoding="utf-8")
    return folder


def _only_problem(folder):
    with pytest.raises(ValidationError) as info:
        panmun.validate_path(folder)
    assert len(info.value.problems) == 1, [str(p) for p in info.value.problems]
    return info.value.problems[0]


def test_overlay_may_add_a_measure(tmp_path):
    report = panmun.validate_path(_measure_overlay(tmp_path, MEASURE))
    assert report.counts["measures"] == 1
    assert report.files == ["measures-overlay/measures/extra.yaml"]


@pytest.mark.parametrize(("old", "new", "line", "field", "words"), [
    ("provision: cma-2018/3.1", "provision: cma-2018/9.9", 6, "provision",
     "unknown provision id 'cma-2018/9.9'"),
    ("domains: [sea]", "domains: [sea, space]", 5, "measures[0].domains[1]", "'ground'"),
    ("id: sea-hotline", "id: no-fly-zone", 2, "id", "duplicate measure id 'no-fly-zone'"),
    ("    reversibility: easy\n", "    reversibility: easy\n    reversability: easy\n", 10,
     "measures[0].reversability", "unknown field"),
    ("date: 2018-09-19", "date: 2999-09-19", 12, "sources", "in the future"),
])
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
