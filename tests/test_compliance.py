"""Compliance links: rules in the knowledge base tie events to the provisions they confirm
or violate; the links on the shipped data, the rule format's validation, zone polygons."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.path import Path as MplPath

import panmun
from panmun.agreements.evidence import (
    compliance,
    evidence,
    load_rules,
    points_in_polygon,
    provision_timeline,
)
from panmun.agreements.history import provision_history
from panmun.codes import quad_class
from panmun.errors import InputError, NotFoundError, ValidationError
from panmun.ingest.cns import read_cns_missiles, shipped_file
from panmun.report.compliance_section import compliance_section

from conftest import OVERLAYS, write_overlay

pytestmark = pytest.mark.slow

MORATORIUM = dt.date(2018, 4, 21)
DENUCLEARIZATION = {"panmunjom-2018/3.4", "singapore-2018/preamble", "singapore-2018/3",
                    "pyongyang-2018/5.3"}


@pytest.fixture(scope="module")
def kb():
    return panmun.load_kb()


@pytest.fixture(scope="module")
def rules():
    return load_rules()


def _register(store, name: str, frame: pd.DataFrame) -> None:
    # open_store leaves a statement's result unfetched, and DuckDB 2 refuses register() until
    # it is consumed; any query does that.
    store.query("SELECT 1")
    store.con.register(name, frame)


def _rank(change) -> int:
    return {"reversed": -2, "suspended": -1}[change.state] if change.state else change.score


# ------------------------------------------------------------------ the shipped rules

def test_shipped_rules_validate_and_cite_their_dates(kb):
    assert len(kb.rules) >= 25
    assert kb.zones == []                      # no sourced zone polygon ships (docs/compliance.md)
    events = {e.id: e for e, _ in kb.events}
    for rule, _, _ in kb.rules:
        if rule.since is not None:
            assert rule.since_event in events or rule.sources, rule.id
    icbm = next(r for r, _, _ in kb.rules if r.id == "dprk-icbm-launch")
    halt = events[icbm.since_event]
    assert icbm.since == MORATORIUM and halt.date == dt.date(2018, 4, 20)
    assert "ICBM" in halt.summary and "21 April" in halt.summary


def test_every_shipped_rule_is_documented(kb):
    docs = (Path(__file__).parents[1] / "docs" / "compliance.md").read_text(encoding="utf-8")
    missing = [r.id for r, _, _ in kb.rules if f"`{r.id}`" not in docs]
    assert not missing, f"rules not described in docs/compliance.md: {missing}"


def test_cma_violations_2019_2023_recorded_in_the_kb_are_flagged(store, kb):
    """Every CMA setback the implementation history records for 2019-2023 (computed here
    from the YAML records, independently of the SQL) is violating evidence, and the events
    of those years that rules link to the CMA are the expected incidents."""
    cma = kb.agreements["cma-2018"]
    changes = sorted(((pid, c) for a, c, _ in kb.changes if a == "cma-2018" for pid in c.provisions),
                     key=lambda pc: (pc[0], pc[1].date))
    expected, last = set(), {}
    for pid, change in changes:
        before = last.get(pid, 0)
        if change.date > cma.date and _rank(change) < before \
                and dt.date(2019, 1, 1) <= change.date <= dt.date(2023, 12, 31):
            expected.add((pid, change.date))
        last[pid] = _rank(change)
    assert (("cma-2018/1.2", dt.date(2019, 11, 25)) in expected         # Changrin islet firing
            and ("cma-2018/1.2", dt.date(2022, 10, 14)) in expected)    # artillery into the zones

    result = compliance(store, provision_id="cma-2018", since="2019-01-01", until="2023-12-31")
    v = result.detail[result.detail["relation"] == "violates"]
    flagged = {(r.provision, r.history_date) for r in v.itertuples() if r.history_date is not None}
    assert expected <= flagged, expected - flagged

    changrin = v[(v["provision"] == "cma-2018/1.2") & (v["date"] == dt.date(2019, 11, 25))].iloc[0]
    assert "Changrin" in changrin["summary"] and "donga.com" in changrin["source_url"]
    assert changrin["status_before"] == "full"

    by_rule = set(v.loc[v["basis"] == "rule", "event_id"])
    assert set(v.loc[v["basis"] == "rule", "type"]) <= {"border-incident", "statement", "declaration",
                                                        "other"}
    assert by_rule >= {"2020-05-03-gp-gunfire-exchange", "2020-06-09-dprk-cuts-communication-lines",
                       "2020-09-22-fisheries-official-killed", "2022-12-26-drone-incursion-seoul",
                       "2023-11-22-rok-suspends-cma-no-fly-zone", "2023-11-23-dprk-scraps-cma"}
    drone = v[v["event_id"] == "2022-12-26-drone-incursion-seoul"]
    assert set(drone["provision"]) == {"cma-2018/1.1", "cma-2018/1.3"}
    assert set(drone["history_date"]) == {dt.date(2022, 12, 26)}     # corroborated by the history...
    assert not v["event_id"].str.startswith("history:cma-2018/1.3@2022-12-26").any()   # ...shown once


def test_icbm_launches_after_the_moratorium_violate_the_denuclearization_provisions(store, kb):
    pattern = re.compile(r"\bICBMs?\b|Hwasong-1[4578]\b|Hwasong-19\b", re.IGNORECASE)
    launches = {e.id: e for e, _ in kb.events if e.type == "missile-launch"}
    icbm_after = {i for i, e in launches.items() if e.date >= MORATORIUM and pattern.search(e.summary)}
    assert len(icbm_after) >= 9 and "2022-03-24-icbm-launch-moratorium-ends" in icbm_after

    detail = compliance(store, basis=("rule",)).detail
    linked = detail[detail["event_id"].isin(launches)]
    assert set(linked["event_id"]) == icbm_after          # no SRBM, IRBM, SLBM or cruise missile
    for event_id, grp in linked.groupby("event_id"):
        assert set(grp["provision"]) == DENUCLEARIZATION, event_id
        assert set(grp["relation"]) == {"violates"} and set(grp["rule"]) == {"dprk-icbm-launch"}
    assert "2017-11-29-hwasong-15-icbm" not in set(linked["event_id"])    # before the halt
    assert "2022-10-04-irbm-overflies-japan" not in set(linked["event_id"])
    first = linked[(linked["event_id"] == "2022-03-24-icbm-launch-moratorium-ends")
                   & (linked["provision"] == "panmunjom-2018/3.4")].iloc[0]
    assert first["status_before"] == "minimal"            # history: score 1 since 24 May 2018
    assert first["history_date"] == dt.date(2022, 3, 24)  # the history records the reversal


def test_icbm_pattern_on_the_real_cns_database(rules):
    """On the CNS missile-test database the rule's summary pattern picks out exactly the
    rows CNS classes as ICBMs."""
    rows = read_cns_missiles(shipped_file()).events
    icbm = next(r for r in rules.rules if r.id == "dprk-icbm-launch")
    hit = rows["summary"].str.contains(icbm.match.summary, case=False, regex=True)
    assert (hit == (rows["missile_type"] == "ICBM")).all()
    assert hit.sum() >= 3          # the Hwasong-14 (twice) and Hwasong-15 flights of 2017


def test_ingested_cns_rows_after_the_halt_have_no_link(store):
    """CNS rows run to October 2021: no ICBM or nuclear test after April 2018, so none of
    them is linked (the 2017 ICBMs predate the halt)."""
    rows = read_cns_missiles(shipped_file()).events
    frame = rows.drop(columns=["missile_type", "line"]).assign(
        id="cns-test-" + rows["source_id"].astype(str), origin="test", source="cns-test")
    _register(store, "_cns", frame)
    cols = ", ".join(frame.columns)
    store.con.execute(f"INSERT INTO events ({cols}) SELECT {cols} FROM _cns")
    store.con.unregister("_cns")
    result = compliance(store, source="cns-test", basis=("rule",))
    assert result.detail.empty
    everything = compliance(store, basis=("rule",)).detail
    assert not everything["event_id"].str.startswith("cns-test-").any()


def test_vectorised_matching_agrees_with_a_plain_loop(store, kb, rules):
    """A second implementation: every kb event against every rule in Python."""
    events = [e for e, _ in kb.events]
    signed = {a.provision_id(p.article): a.date for a in kb.agreements.values() for p in a.provisions}
    expected = set()
    for rule, event in ((r, e) for r in rules.rules for e in events):
        m = rule.match
        ok = ((m.types is None or event.type in m.types)
              and (m.actor1 is None or event.actor1 in m.actor1)
              and (m.actor2 is None or event.actor2 in m.actor2)
              and (m.between is None or (event.actor1 != event.actor2 and event.actor1 in m.between
                                         and event.actor2 in m.between))
              and (m.cameo is None or any(event.cameo.startswith(c) for c in m.cameo))
              and (m.plover is None or event.plover in m.plover)
              and (m.quad_class is None or quad_class(event.cameo) in m.quad_class)
              and (m.summary is None or re.search(m.summary, event.summary, re.IGNORECASE))
              and (m.events is None or event.id in m.events)
              and (rule.since is None or event.date >= rule.since)
              and (rule.until is None or event.date <= rule.until))
        if ok:
            expected |= {(event.id, pid, rule.relation) for pid in rule.provisions
                         if event.date > signed[pid]}
    detail = compliance(store, basis=("rule",), source="kb").detail
    found = set(zip(detail["event_id"], detail["provision"], detail["relation"], strict=True))
    assert found == expected
    assert len(found) >= 100


def test_summary_counts_agree_with_the_detail_and_periods(store):
    result = compliance(store, provision_id="cma-2018/1.2", freq="year")
    s = result.summary.set_index("period")
    assert s.loc["2019", "violating"] == 1 and s.loc["2019", "confirming"] == 0
    # the Changrin coastal artillery firing: an event, paired with its history record of the same day
    ids = [e["id"] for e in s.loc["2019", "violating_events"]]
    assert ids == ["2019-11-25-changrin-coastal-artillery-firing"]
    assert s.loc["2019", "status_end"] == "intermediate"
    full = compliance(store)
    counts = full.detail.assign(year=pd.to_datetime(full.detail["date"]).dt.strftime("%Y")) \
        .groupby(["provision", "year", "relation"]).size()
    for row in full.summary.itertuples():
        assert row.confirming == counts.get((row.provision, row.period, "confirms"), 0)
        assert row.violating == counts.get((row.provision, row.period, "violates"), 0)
        assert row.violating == len(row.violating_events)
    quarter = compliance(store, provision_id="cma-2018/1.2", freq="quarter").summary
    month = compliance(store, provision_id="cma-2018/1.2", freq="month").summary
    assert "2019Q4" in set(quarter["period"]) and "2019-11" in set(month["period"])


def test_provision_timeline_interleaves_history_and_events(store):
    timeline = provision_timeline(store, "cma-2018/1.3")
    history = provision_history(store, "cma-2018/1.3")
    assert (timeline["kind"] == "status").sum() == len(history)
    assert list(timeline["date"]) == sorted(timeline["date"])
    drone = timeline[timeline["event_id"] == "2022-12-26-drone-incursion-seoul"].iloc[0]
    assert drone["kind"] == "violates" and drone["status"] == "full"
    zones = timeline[timeline["event_id"] == "2018-11-01-buffer-zones-take-effect"].iloc[0]
    assert zones["kind"] == "confirms"


def test_bad_arguments_give_clear_errors(store):
    with pytest.raises(InputError, match="--freq"):
        compliance(store, freq="week")
    with pytest.raises(InputError, match="after --until"):
        compliance(store, since="2023-01-01", until="2019-01-01")
    with pytest.raises(InputError, match="--since"):
        compliance(store, since="2019-02-30")
    with pytest.raises(NotFoundError, match="cma-2018/1.2"):
        compliance(store, provision_id="cma-2018/1.20")
    with pytest.raises(NotFoundError):
        compliance(store, provision_id="no-such-agreement")
    with pytest.raises(InputError, match="basis"):
        compliance(store, basis=("rules",))


# ------------------------------------------------------------------ zones

SQUARE = np.array([(0, 0), (0, 1), (1, 1), (1, 0)], dtype=float)          # (lat, lon)
ELL = np.array([(0, 0), (0, 3), (1, 3), (1, 1), (3, 1), (3, 0)], dtype=float)


def test_points_in_polygon_hand_worked():
    lat = np.array([0.5, 0.5, 1.5, -0.1, 0.999])
    lon = np.array([0.5, 1.5, 0.5, 0.5, 0.001])
    assert points_in_polygon(lat, lon, SQUARE).tolist() == [True, False, False, False, True]
    # the L: in its foot, in its leg, and in the notch it leaves out
    lat = np.array([0.5, 2.5, 2.0, 2.0])
    lon = np.array([2.5, 0.5, 2.0, 0.9])
    assert points_in_polygon(lat, lon, ELL).tolist() == [True, True, False, True]
    closed = np.vstack([ELL, ELL[:1]])                                      # a closed ring is the same
    assert points_in_polygon(lat, lon, closed).tolist() == [True, True, False, True]


def test_points_in_polygon_agrees_with_matplotlib():
    rng = np.random.default_rng(20181119)
    lat, lon = rng.uniform(-0.5, 3.5, 20_000), rng.uniform(-0.5, 3.5, 20_000)
    for ring in (SQUARE, ELL):
        ours = points_in_polygon(lat, lon, ring)
        ref = MplPath(ring[:, ::-1]).contains_points(np.column_stack([lon, lat]))
        assert (ours == ref).all()


ZONE_RULES = """\
zones:
  - id: test-l-zone
    title: "Hand-made L-shaped test polygon (not a CMA zone)"
    polygon:
      - {lat: 37.0, lon: 125.0}
      - {lat: 37.0, lon: 125.3}
      - {lat: 37.1, lon: 125.3}
      - {lat: 37.1, lon: 125.1}
      - {lat: 37.3, lon: 125.1}
      - {lat: 37.3, lon: 125.0}
    sources:
      - {url: "https://example.org/test-fixture"}
rules:
  - id: test-artillery-in-zone
    title: "Artillery fire inside the test polygon"
    relation: violates
    provisions: [cma-2018/1.2]
    match:
      between: [KOR, PRK]
      cameo: ["194"]
      zones: [test-l-zone]
    rationale: "Test rule for the zone mechanism."
"""


def _overlay(tmp_path, text: str, name: str = "rules.yaml"):
    return write_overlay(tmp_path, "overlay", "rules", textwrap.dedent(text), name)


def _insert(store, rows: list[dict]) -> None:
    frame = pd.DataFrame(rows).assign(origin="test", source="zone-test", type="coded", quad_class=4,
                                      plover="FIGHT", goldstein=-10.0)
    frame["source_id"] = frame["id"]
    _register(store, "_rows", frame)
    cols = ", ".join(frame.columns)
    store.con.execute(f"INSERT INTO events ({cols}) SELECT {cols} FROM _rows")
    store.con.unregister("_rows")


def test_zone_rule_links_only_located_events_inside_the_polygon(store, tmp_path):
    rules = load_rules(_overlay(tmp_path, ZONE_RULES))
    assert [z.id for z in rules.zones] == ["test-l-zone"]
    base = {"actor1": "PRK", "actor2": "KOR", "cameo": "194"}
    _insert(store, [
        {"id": "z-foot", "date": dt.date(2019, 6, 1), "lat": 37.05, "lon": 125.25, **base},
        {"id": "z-leg", "date": dt.date(2020, 6, 1), "lat": 37.25, "lon": 125.05, **base},
        {"id": "z-notch", "date": dt.date(2019, 6, 1), "lat": 37.2, "lon": 125.2, **base},     # in the box
        {"id": "z-far", "date": dt.date(2019, 6, 1), "lat": 38.0, "lon": 124.0, **base},
        {"id": "z-no-place", "date": dt.date(2019, 6, 1), "lat": None, "lon": None, **base},
        {"id": "z-before", "date": dt.date(2018, 9, 1), "lat": 37.05, "lon": 125.25, **base},  # pre-CMA
        {"id": "z-other-code", "date": dt.date(2019, 6, 1), "lat": 37.05, "lon": 125.25,
         "actor1": "PRK", "actor2": "KOR", "cameo": "193"},
    ])
    detail = evidence(store, rules, basis=("rule",), source="zone-test", provision="cma-2018/1.2")
    assert sorted(detail["event_id"]) == ["z-foot", "z-leg"]
    assert set(detail["rule"]) == {"test-artillery-in-zone"}
    assert evidence(store, rules, basis=("rule",), source="zone-test", provision="cma-2018/1.2",
                    until="2019-12-31")["event_id"].tolist() == ["z-foot"]
    # the built-in rules still apply to the same rows (armed force between the Koreas, CAMEO 19)
    builtin = evidence(store, basis=("rule",), source="zone-test", provision="cma-2018/1.1")
    assert set(builtin["event_id"]) == {"z-foot", "z-leg", "z-notch", "z-far", "z-no-place",
                                        "z-other-code"}


def test_overlay_rules_need_their_provisions_in_the_store(cli, store, tmp_path):
    folder = tmp_path / "worked-with-rule"
    shutil.copytree(OVERLAYS / "worked", folder)
    (folder / "rules").mkdir()
    (folder / "rules" / "worked.yaml").write_text(textwrap.dedent("""\
        rules:
          - id: worked-talks
            title: "Talks confirm the worked example's first measure"
            relation: confirms
            provisions: [worked-example-2019/1]
            match:
              types: [talks]
              between: [KOR, PRK]
            rationale: "Test rule."
        """))
    rules = load_rules(folder)
    with pytest.raises(InputError, match="worked-example-2019/1"):
        evidence(store, rules, basis=("rule",))
    store.close()
    assert cli("kb", "load", str(folder)).code == 0
    with panmun.open_store() as reopened:
        detail = evidence(reopened, rules, provision="worked-example-2019/1", basis=("rule",))
    assert detail["event_id"].tolist() == ["2019-03-01-worked-example-talks"]
    result = cli("agreements", "compliance", "--rules", str(folder), "--provision",
                 "worked-example-2019/1", "--basis", "rule", "-f", "json")
    assert result.code == 0, result.err
    assert json.loads(result.out)[0]["confirming_events"][0]["id"] == "2019-03-01-worked-example-talks"


# ------------------------------------------------------------------ validation of rules

GOOD_RULE = """\
rules:
  - id: test-rule
    title: "A test rule"
    relation: violates
    provisions: [cma-2018/1.2]
    match:
      types: [border-incident]
      actor1: [PRK]
      summary: 'artillery'
    rationale: "Test rule."
"""

# mutation of GOOD_RULE -> (line, field, words in the message)
BAD_RULES = {
    "unknown-provision": (("provisions: [cma-2018/1.2]", "provisions: [cma-2018/9.9]"),
                          5, "provisions", "unknown provision id 'cma-2018/9.9'"),
    "not-a-party": (("actor1: [PRK]", "actor1: [USA]"), 8, "match.actor1",
                    "USA is not a party to cma-2018/1.2"),
    "unknown-actor": (("actor1: [PRK]", "actor1: [PRK, XYZ]"), 8, "match.actor1",
                      "unknown actor code 'XYZ'"),
    "bad-regex": (("summary: 'artillery'", "summary: 'artil(lery'"), 9, "match.summary",
                  "invalid regular expression"),
    "lookahead": (("summary: 'artillery'", "summary: 'artil(?=lery)'"), 9, "match.summary",
                  "not supported"),
    "bad-type": (("types: [border-incident]", "types: [border-clash]"), 7, "rules[0].match.types[0]",
                 "Input should be"),
    "unquoted-cameo": (("types: [border-incident]", "cameo: [19]"), 7, "rules[0].match.cameo",
                       "quoted text"),
    "misspelt-key": (("relation: violates", "relaton: violates"), 4, "rules[0].relaton",
                     "unknown field"),
    "no-date-source": (("    rationale:", "    since: 2018-11-01\n    rationale:"), 2, "rules[0]",
                       "since date is a fact"),
    "since-before-its-event": (("    rationale:", "    since: 2018-10-01\n    since_event: "
                                "2018-11-01-buffer-zones-take-effect\n    rationale:"), 10, "since",
                               "before 2018-11-01-buffer-zones-take-effect"),
    "unknown-plover": (("types: [border-incident]", "plover: [BOMBARD]"), 7, "match.plover",
                       "unknown PLOVER event 'BOMBARD'"),
}


@pytest.mark.parametrize("name", sorted(BAD_RULES))
def test_bad_rule_is_reported_with_file_line_and_field(tmp_path, name):
    (old, new), line, field, words = BAD_RULES[name]
    assert GOOD_RULE.count(old) == 1
    folder = _overlay(tmp_path, GOOD_RULE.replace(old, new), "bad.yaml")
    with pytest.raises(ValidationError) as info:
        panmun.validate_path(folder)
    problems = [p for p in info.value.problems if words in p.message]
    assert problems, [str(p) for p in info.value.problems]
    assert problems[0].file == "overlay/rules/bad.yaml"
    assert (problems[0].line, problems[0].field) == (line, field)


def test_good_rule_overlay_validates(tmp_path):
    report = panmun.validate_path(_overlay(tmp_path, GOOD_RULE))
    assert report.counts["rules"] == 1


def test_self_crossing_zone_is_reported(tmp_path, cli):
    text = ZONE_RULES.replace("{lat: 37.1, lon: 125.3}", "{lat: 37.5, lon: 124.8}")
    folder = _overlay(tmp_path, text, "zones.yaml")
    with pytest.raises(ValidationError) as info:
        panmun.validate_path(folder)
    [problem] = info.value.problems
    assert (problem.file, problem.line, problem.field) == ("overlay/rules/zones.yaml", 4, "polygon")
    assert "cross" in problem.message
    result = cli("kb", "validate", str(folder))
    assert result.code == 2 and "overlay/rules/zones.yaml:4: polygon" in result.err


# ------------------------------------------------------------------ command line and briefing

def test_cli_compliance_formats_and_errors(cli, db_path):
    table = cli("agreements", "compliance", "--provision", "cma-2018/1.2")
    assert table.code == 0 and "2019-11-25-changrin-coastal-artillery-firing" in table.out
    rows = json.loads(cli("agreements", "compliance", "--provision", "cma-2018", "--since", "2019-01-01",
                          "--until", "2023-12-31", "--detail", "-f", "json").out)
    assert {r["event_id"] for r in rows} >= {"2022-12-26-drone-incursion-seoul",
                                             "2019-11-25-changrin-coastal-artillery-firing"}
    assert all(r["source_url"].startswith("http") for r in rows)
    csv = cli("agreements", "compliance", "--freq", "quarter", "-f", "csv")
    assert csv.code == 0 and csv.out.splitlines()[0].startswith("agreement,provision,title")
    assert cli("agreements", "compliance", "--since", "2019-13-01").code == 2
    assert cli("agreements", "compliance", "--freq", "week").code == 2
    assert cli("agreements", "compliance", "--basis", "rules").code == 2
    missing = cli("agreements", "compliance", "--provision", "cma-2018/1.20")
    assert missing.code == 4 and "cma-2018/1.2" in missing.err


def test_briefing_section_shows_counts_beside_the_score_and_recent_violations(store):
    section = compliance_section(store, dt.date(2023, 12, 31))
    data = section.data
    assert section.template == "compliance.html.j2" and data["chart"].startswith("<svg")
    cma = data["by_agreement"].set_index("agreement").loc["cma-2018"]
    assert 0 <= cma["implementation"] <= 1 and cma["violating"] > 0
    recent = data["recent"]
    assert recent["date"].max() <= dt.date(2023, 12, 31) and len(recent) == 12
    assert "2023-11-23-dprk-scraps-cma" in set(recent["event_id"])
    from panmun.report.briefing import Briefing
    from panmun.report.render import _env
    html = _env().get_template("briefing.html.j2").render(
        b=Briefing(dt.date(2023, 12, 31), dt.datetime(2024, 1, 1), "test", [], [section]))
    assert "Latest violations" in html and "dprk-scraps" not in html   # summaries shown, not ids
    assert "No longer be bound" in html or "no longer be bound" in html
