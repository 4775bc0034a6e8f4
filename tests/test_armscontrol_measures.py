"""The measures catalogue, its status from the implementation history, verification burden
and the force-balance figures (docs/armscontrol-measures.md)."""

from __future__ import annotations

import re
import textwrap

import pytest

import panmun
from panmun.armscontrol import measures as M
from panmun.errors import InputError, ValidationError

from conftest import with_example_publisher

CMA_OPERATIONAL = ["ground-buffer-zone", "maritime-buffer-zone", "no-fly-zone",
                   "accident-prevention-procedures"]

GOOD = """\
- id: ground-buffer-zone
  name: Ground buffer zone
  kind: operational
  domains: [ground]
  provision: cma-2018/1.2
  restricts: {zone: a 5 km band, distance_km: 5, activity: artillery drills}
  verification: {means: [national-technical-means], burden: medium, burden_why: watched from each side}
  reversibility: easy
  reversibility_why: drills resume on an order
  summary: no artillery drills near the line
  sources:
    - {url: "https://example.org/cma", date: 2018-09-19, title: CMA}
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = panmun.open_store(tmp_path_factory.mktemp("ac") / "s.duckdb")
    yield s
    s.close()


@pytest.fixture(scope="module")
def kb_provisions() -> set[str]:
    return panmun.load_kb().provision_ids()


def _write(tmp_path, text):
    path = tmp_path / "measures.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _problem(exc: ValidationError, field: str):
    hits = [p for p in exc.problems if p.field == field]
    assert hits, [str(p) for p in exc.problems]
    return hits[0]


def test_shipped_catalogue_covers_exactly_the_contract_ids(kb_provisions):
    ms = M.load_measures()
    ids = [m.id for m in ms]
    assert sorted(ids) == sorted(M.MEASURE_IDS) and len(ids) == len(set(ids)) == 17
    assert all(m.provision is None or m.provision in kb_provisions for m in ms)
    assert {m.id for m in ms if m.provision is None} == {
        "exercise-notification", "exercise-limits", "artillery-pullback", "missile-limits"}


def test_every_record_is_sourced_with_http_urls():
    for m in M.load_measures():
        assert m.sources, m.id
        assert all(re.match(r"^https?://", s.url) for s in m.sources), m.id
    for f in M.load_force_balance():
        assert f.sources and all(re.match(r"^https?://", s.url) for s in f.sources), f.id


def test_a_good_file_loads(tmp_path, kb_provisions):
    ms = M.load_measures(_write(tmp_path, GOOD), provision_ids=kb_provisions)
    assert ms[0].restricts.distance_km == 5 and ms[0].sources[0].date.year == 2018


@pytest.mark.parametrize(("old", "new", "field", "line"), [
    ("domains: [ground]", "domains: [ground, space]", "domains[1]", 4),
    ("provision: cma-2018/1.2", "provision: cma-2018/9.9", "provision", 5),
    ("id: ground-buffer-zone", "id: ground-buffer-zones", "id", 1),
    ("burden: medium", "burden: huge", "verification.burden", 7),
    ("date: 2018-09-19", "date: 2018-02-30", "date", 12),
])
def test_bad_file_names_file_line_and_field(tmp_path, kb_provisions, old, new, field, line):
    path = _write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(ValidationError) as err:
        M.load_measures(path, provision_ids=kb_provisions)
    problem = _problem(err.value, field)
    assert problem.file == str(path) and problem.line == line


def test_the_catalogue_is_the_knowledge_base_file(kb_provisions):
    assert M.MEASURES_FILE.parent.name == "measures" and M.MEASURES_FILE.parent.parent.name == "data"
    assert M.MEASURES_FILE.parent.parent == M.builtin_root()
    from_file = M.load_measures(M.MEASURES_FILE, provision_ids=kb_provisions)
    assert from_file == M.load_measures() == [m for m, _ in panmun.load_kb().measures]


def test_a_kb_format_file_names_file_line_and_field(tmp_path, kb_provisions):
    kb_format = "measures:\n" + textwrap.indent(GOOD, "  ")
    good = M.load_measures(_write(tmp_path, kb_format), provision_ids=kb_provisions)
    assert [m.id for m in good] == ["ground-buffer-zone"]
    twice = kb_format.replace("cma-2018/1.2", "cma-2018/9.9") + kb_format.split("measures:\n")[1]
    path = _write(tmp_path, twice)
    with pytest.raises(ValidationError) as err:
        M.load_measures(path, provision_ids=kb_provisions)
    assert [(p.line, p.field) for p in err.value.problems] == [(6, "provision"), (14, "id")]
    assert "duplicate measure id 'ground-buffer-zone'" in err.value.problems[1].message
    with pytest.raises(ValidationError, match="list of measures"):
        M.load_measures(_write(tmp_path, "catalogue: []\n"), provision_ids=kb_provisions)


def test_missing_sources_is_an_error(tmp_path, kb_provisions):
    text = GOOD.split("  sources:")[0]
    with pytest.raises(ValidationError) as err:
        M.load_measures(_write(tmp_path, text), provision_ids=kb_provisions)
    problem = _problem(err.value, "sources")
    assert problem.line == 1 and "required" in problem.message.lower()
    empty = text + "  sources: []\n"
    with pytest.raises(ValidationError) as err:
        M.load_measures(_write(tmp_path, empty), provision_ids=kb_provisions)
    assert _problem(err.value, "sources").line == 11


def test_status_in_force_2019_and_halted_2024(store):
    early = M.measures_table(store, "2019-06-30").set_index("id")
    assert early.loc[CMA_OPERATIONAL, "status"].eq("full").all()
    assert early.loc[CMA_OPERATIONAL, "in_force"].all()
    assert early.loc["guard-post-withdrawal", "status"] == "intermediate"
    assert early.loc["military-hotline", "status"] == "not-initiated"
    assert not early.loc["military-hotline", "in_force"]
    assert early.loc["artillery-pullback", "status"] == M.NOT_AGREED

    late = M.measures_table(store, "2024-06-30").set_index("id")
    cma = late[late["provision"].fillna("").str.startswith("cma-2018/")]
    assert len(cma) == 12
    assert cma["status"].isin(["suspended", "reversed"]).all()
    assert not late["in_force"].any()
    assert late.loc["ground-buffer-zone", "status"] == "reversed"
    assert late.loc["accident-prevention-procedures", "status"] == "suspended"
    assert late.loc["propaganda-halt", "status"] == "reversed"


def test_status_matches_the_scorecard(store):
    card = panmun.scorecard(store, at="2024-06-30", by="provision", agreement="cma-2018").table
    states = dict(zip(card["provision"], card["state"], strict=True))
    table = M.measures_table(store, "2024-06-30")
    for _, row in table[table["provision"].fillna("").str.startswith("cma-2018/")].iterrows():
        assert row["status"] == states[row["provision"]]


def test_before_signature_the_cma_measures_are_not_agreed(store):
    table = M.measures_table(store, "2018-06-30").set_index("id")
    assert table.loc["no-fly-zone", "status"] == M.NOT_AGREED
    assert table.loc["propaganda-halt", "in_force"]  # Panmunjom Declaration, halted 1 May 2018


def test_verification_burden_total():
    ids = ["ground-buffer-zone", "joint-verification", "communication-channels", "ground-buffer-zone"]
    table = M.verification(ids)
    assert list(table["id"]) == ["ground-buffer-zone", "joint-verification", "communication-channels",
                                 "package total"]
    assert list(table["burden_score"]) == [2, 3, 1, 6]
    assert M.package_burden(ids) == 6
    assert "joint-on-site" in table.iloc[-1]["means"]
    full = M.verification(list(M.MEASURE_IDS))
    assert full.iloc[-1]["burden_score"] == sum(M.BURDEN_SCORE[m.verification.burden]
                                               for m in M.load_measures())
    with pytest.raises(InputError, match="unknown measure"):
        M.verification(["no-such-measure"])


def test_force_balance_figures():
    fb = M.force_balance().set_index("id")
    assert len(fb) >= 5
    assert fb.loc["dprk-artillery-total", "value"] == 14100
    assert fb.loc["kpa-ground-forces-forward-share", "unit"] == "percent"
    assert fb["source_url"].str.match(r"^https?://").all()
    assert fb["uncertainty"].str.len().gt(10).all()


def test_bad_force_balance_file(tmp_path):
    path = tmp_path / "fb.yaml"
    path.write_text("- id: x\n  side: PRK\n  quantity: guns\n  value: 1\n  unit: pieces\n"
                    "  as_of: June 2018\n  uncertainty: a round number only\n  sources: []\n",
                    encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        M.force_balance(path)
    assert _problem(err.value, "as_of").line == 6
    assert _problem(err.value, "sources").line == 8


def test_an_overlay_measure_can_join_a_package(tmp_path):
    folder = tmp_path / "overlay"
    (folder / "measures").mkdir(parents=True)
    text = GOOD.replace("ground-buffer-zone", "sea-hotline").replace("cma-2018/1.2", "cma-2018/3.1")
    (folder / "measures" / "extra.yaml").write_text("measures:\n" + textwrap.indent(text, "  "),
                                                      encoding="utf-8")
    with_example_publisher(folder)
    added = [m for m, _ in panmun.load_overlay(folder).measures]
    catalogue = M.load_measures() + added
    assert M.package_burden(["sea-hotline", "joint-verification"], catalogue) == 2 + 3
