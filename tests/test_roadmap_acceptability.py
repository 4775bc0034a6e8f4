"""Steps judged against the parties' dated positions (panmun.roadmap.acceptability): the rule at
its threshold, worked by hand; dated values; blocked steps and what would admit them; plans and
checks as of a date."""

from __future__ import annotations

import datetime as dt
import json

import pytest

import panmun
from panmun.months import month_index, month_label
from panmun.roadmap import acceptability as A
from panmun.roadmap.catalogue import load_catalogue
from panmun.roadmap.ranking import dated_inputs
from panmun.roadmap.steps import Admit, Constraints, IssueLink, Step

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def kb():
    return panmun.load_kb()


@pytest.fixture(scope="module")
def catalogue(kb):
    return load_catalogue(kb)


def _stance(position: float, salience: float, actor: str = "PRK",
            issue: str = "denuclearization") -> A.Stance:
    return A.Stance(actor, issue, position, salience, dt.date(2025, 1, 1), "https://example.org", "test")


# ---------------------------------------------------------------------------- the rule, by hand

@pytest.mark.parametrize(("toward", "by", "to", "position", "salience", "refused"), [
    # towards high: salience x (to - position) > 25
    ("high", 5, 25, 0, 1.0, False),        # 1.0 x 25 = 25: at the threshold, admitted
    ("high", 5, 25.5, 0, 1.0, True),       # 1.0 x 25.5 = 25.5
    ("high", 20, 60, 10, 0.5, False),      # 0.5 x 50 = 25
    ("high", 20, 60, 9.8, 0.5, True),      # 0.5 x 50.2 = 25.1
    ("high", 20, 60, 80, 1.0, False),      # the step stops short of the position: no excess
    # towards low: salience x (position - to) > 25
    ("low", 15, 35, 70, 0.7, False),       # 0.7 x 35 = 24.5
    ("low", 15, 34, 70, 0.7, True),        # 0.7 x 36 = 25.2
    ("low", 15, 35, 20, 1.0, False),       # the position lies beyond the step: no excess
])
def test_the_rule_at_its_threshold(toward, by, to, position, salience, refused):
    link = IssueLink("denuclearization", toward, by, to)
    assert A.refuses(link, _stance(position, salience)) is refused


def test_only_takers_with_a_coding_block_and_admit_lifts_a_block():
    link = IssueLink("denuclearization", "high", 15, 40)
    step = Step("freeze", "a freeze", ("PRK",), "denuclearization", 0.1, value={"PRK": -2, "USA": 2},
                issues=(link,))
    stances = {("PRK", "denuclearization"): _stance(0, 1.0),
               ("CHN", "denuclearization"): _stance(0, 1.0, "CHN")}   # CHN does not take the step
    found = A.blocks({"freeze": step}, stances)
    assert [(b.step, b.party, b.excess, b.weighted) for b in found] == [("freeze", "PRK", 40.0, 40.0)]
    assert found[0].admitting_position == 15.0                  # 40 - 25 / 1.0
    assert A.blocks({"freeze": step}, {}) == []                 # no coding: no derived red line
    assert A.blocks({"freeze": step}, stances, admit=(Admit("PRK", "freeze", "a listed condition"),)) == []


def test_dated_values_by_hand():
    # the freeze moves denuclearization from 25 to 40; K = 25 weighted points per value unit
    link = IssueLink("denuclearization", "high", 15, 40)
    step = Step("freeze", "a freeze", ("PRK",), "denuclearization", 0.1, value={"PRK": -2, "USA": 2},
                issues=(link,))
    ref = {("PRK", "denuclearization"): _stance(60, 1.0),
           ("USA", "denuclearization"): _stance(95, 0.9, "USA")}
    # unchanged positions: the prior
    assert A.dated_value(step, "PRK", ref, ref) == -2 and A.dated_value(step, "USA", ref, ref) == 2
    now = {("PRK", "denuclearization"): _stance(0, 1.0), ("USA", "denuclearization"): _stance(95, 0.6, "USA")}
    # PRK: u(ref) = |25-60| - |40-60| = 15; u(now) = |25-0| - |40-0| = -15; -2 + (-15 - 15)/25 = -3.2 -> -3
    assert A.dated_value(step, "PRK", now, ref) == -3
    # USA: 0.6 x 15 - 0.9 x 15 = -4.5; 2 - 0.18 = 1.82 -> 2
    assert A.dated_value(step, "USA", now, ref) == 2
    # a party coded now but not at the reference, without a prior: the change alone
    # CHN at 100, salience 1: |25-100| - |40-100| = 15 -> 0.6 -> 1
    now[("CHN", "denuclearization")] = _stance(100, 1.0, "CHN")
    assert A.dated_value(step, "CHN", now, ref) == 1
    # a party with no coding keeps its prior
    assert A.dated_value(step, "JPN", now, ref) == 0
    valued, changes = A.dated_steps({"freeze": step}, now, ref)
    assert valued["freeze"].value == {"PRK": -3, "USA": 2, "CHN": 1}
    assert changes == {"freeze": {"PRK": (-2, -3), "CHN": (0, 1)}}


# ---------------------------------------------------------------------------- the built-in record

def test_values_move_with_the_record(kb, catalogue):
    then = A.assess(catalogue, dt.date(2019, 1, 1), kb).steps
    now = A.assess(catalogue, dt.date(2026, 6, 1), kb).steps
    # 2019-01: no coding moved since the reference (2018-12-31): the judged values stand
    assert all(then[sid].value == s.value for sid, s in catalogue.items() if "PRK" in s.value)
    # the test moratorium (0 -> 15): PRK at 60 then, at 0 (2025-09-21) now: -1 + (-15 - 15)/25 -> -2
    assert then["nuclear-test-moratorium"].value["PRK"] == -1
    assert now["nuclear-test-moratorium"].value["PRK"] == -2
    # steps with no issue keep their values on every date
    assert now["us-dprk-summit"].value == catalogue["us-dprk-summit"].value


def test_red_lines_as_of_a_date(kb, catalogue):
    def refused(at):
        return {(b.step, b.party) for b in A.assess(catalogue, at, kb).blocks}

    early, late = refused(dt.date(2019, 1, 1)), refused(dt.date(2026, 6, 1))
    assert ("yongbyon-freeze", "PRK") not in early and ("yongbyon-freeze", "PRK") in late
    # abandonment to 100 against PRK at 60 with salience 1: 40 > 25, refused in 2019 already
    assert ("nuclear-weapons-abandonment", "PRK") in early
    # the Sohae engine stand moves denuclearization to 25: PRK at 0 with salience 1 is at the threshold
    assert ("sohae-engine-stand-dismantlement", "PRK") not in late
    # peace-treaty talks (to 60): PRK at 10, salience 0.5 (2024-01-15) gives exactly 25;
    # at 5 (2026-02-26) 27.5
    assert ("peace-treaty-talks", "PRK") not in refused(dt.date(2025, 1, 1))
    assert ("peace-treaty-talks", "PRK") in late


def test_smallest_admitting_change_by_hand(kb, catalogue):
    c = Constraints(start="2026-06")
    assessment = A.assess(catalogue, A.as_of(c.start), kb)
    blocked = {b.step: b for b in A.blocked_steps(assessment.steps, c, assessment.blocks)}
    # the Yongbyon freeze moves denuclearization to 40; PRK at 0, salience 1 -> admitted from 40 - 25/1 = 15
    freeze = blocked["yongbyon-freeze"]
    assert freeze.parties == ["PRK"] and not freeze.via
    assert [(x.party, x.issue, x.before, x.after) for x in freeze.changes] == [
        ("PRK", "denuclearization", 0, 15)]
    assert freeze.blocks[0].stance.date == dt.date(2025, 9, 21)
    # the disablement (to 50) needs the freeze (15) and the inspectors (to 45: 20): the tightest bound, 25
    disable = blocked["yongbyon-disablement"]
    assert set(disable.via) == {"yongbyon-freeze", "iaea-inspectors-return"}
    assert [(x.party, x.after) for x in disable.changes] == [("PRK", 25)]
    # peace-treaty talks (to 60): PRK at 5, salience 0.5 -> 60 - 25/0.5 = 10
    talks = blocked["peace-treaty-talks"]
    assert [(x.party, x.issue, x.before, x.after) for x in talks.changes] == [("PRK", "peace-treaty", 5, 10)]
    # the reactor's dismantlement (to 60) is refused itself and through the disablement: 60 - 25 = 35
    reactor = blocked["yongbyon-reactor-dismantlement"]
    assert reactor.via == ["yongbyon-disablement"] and reactor.parties == ["PRK"]
    assert {b.step for b in reactor.blocks} == {"yongbyon-reactor-dismantlement", "yongbyon-disablement",
                                                "yongbyon-freeze", "iaea-inspectors-return"}
    assert [(x.party, x.after) for x in reactor.changes] == [("PRK", 35)]
    # a step blocked only through a prerequisite (the ROK and the US take it; it has no issue)
    # names the refusal of its prerequisite: the inspectors' return, to 45 -> 20
    mutual = blocked["rok-mutual-inspection"]
    assert mutual.parties == ["PRK"] and [b.step for b in mutual.blocks] == ["iaea-inspectors-return"]
    assert [(x.party, x.after) for x in mutual.changes] == [("PRK", 20)]


def test_hand_written_never_lines_are_not_admitted_by_positions(kb, catalogue):
    from panmun.roadmap.steps import RedLine

    c = Constraints(start="2019-01", red_lines=(RedLine("USA", "us-dprk-summit", why="a test"),),
                    exclude=("family-reunions",))
    assessment = A.assess(catalogue, A.as_of(c.start), kb)
    blocked = {b.step: b for b in A.blocked_steps(assessment.steps, c, assessment.blocks)}
    summit = blocked["us-dprk-summit"]
    assert not summit.admissible_by_positions and summit.parties == ["USA"]
    assert blocked["family-reunions"].excluded and not blocked["family-reunions"].admissible_by_positions


def test_default_start_is_the_month_after_the_record(kb):
    end = A.record_end(kb)
    assert end == max([e.date for e, _ in kb.events] + [c.date for _, c, _ in kb.changes]
                      + [p.date for p, _ in kb.positions] + [c.date for c, _ in kb.codings])
    assert A.default_start(kb) == month_label(month_index(end) + 1)
    assert month_label(month_index(dt.date(2026, 12, 31)) + 1) == "2027-01"
    assert dated_inputs(None, 24, None, kb=kb).constraints.start == month_label(month_index(end) + 1)


# ---------------------------------------------------------------------------- the commands

def test_blocked_command_lists_the_admitting_change(cli):
    result = cli("roadmap", "blocked", "--start", "2026-06", "--format", "json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["as_of"] == "2026-06-01" and data["acceptability"]["threshold"] == 25
    freeze = next(b for b in data["blocked"] if b["step"] == "yongbyon-freeze")
    why = freeze["blocked_by"][0]
    assert (why["party"], why["issue"], why["position"], why["salience"], why["date"]) == (
        "PRK", "denuclearization", 0, 1, "2025-09-21")
    assert why["source"].startswith("http") and why["weighted_excess"] == 40
    assert freeze["admitting_changes"] == [{"party": "PRK", "issue": "denuclearization", "from": 0, "to": 15,
                                            "coded_on": "2025-09-21", "source": why["source"]}]
    csv = cli("roadmap", "blocked", "--start", "2019-01", "--format", "csv")
    assert csv.code == 0 and "nuclear-weapons-abandonment,PRK" in csv.out
    assert cli("roadmap", "blocked", "--start", "2019-13").code == 2


def test_plans_of_2019_and_of_today_differ(cli):
    args = ("--horizon", "36", "--alternatives", "0", "--runs", "20", "--time-limit", "2", "--format", "json")
    then = json.loads(cli("roadmap", "plan", "--start", "2019-01", *args).out)
    now = json.loads(cli("roadmap", "plan", *args).out)
    admitted_then = {s["step"] for s in then["plans"][0]["steps"]}
    admitted_now = {s["step"] for s in now["plans"][0]["steps"]}
    assert admitted_then != admitted_now
    assert "yongbyon-freeze" in admitted_then and "yongbyon-freeze" not in admitted_now
    excluded = {e["step"]: e for e in now["excluded"]}
    assert "yongbyon-freeze" in excluded and not admitted_now & set(excluded)
    for e in now["excluded"]:
        for why in e["blocked_by"]:
            assert why["party"] and why["source"]
            if why["kind"] == "position":
                assert why["position"] is not None and why["date"]
        assert e["blocked_by"] or e["via_prerequisites"] or e["excluded"]


def test_check_flags_a_red_line_step_on_the_plans_start(cli, tmp_path):
    def check(start: str):
        plan = tmp_path / f"plan-{start}.yaml"
        plan.write_text(f"name: drills\nstart: {start}\nschedule:\n"
                        "  - {step: exercise-suspension, month: 0}\n", encoding="utf-8")
        return cli("roadmap", "check", str(plan), "--format", "json")

    early = check("2019-01")
    assert early.code == 0, early.out + early.err          # USA at 35 (2018-06-12), salience 0.5: 2.5
    late = check("2026-06")
    assert late.code == 1
    red = [v for v in json.loads(late.out)["violations"] if v["kind"] == "red-line"]
    # the US at 70 on force posture (2025-11-13), salience 0.7; the suspension moves it to 30: 28 > 25
    assert [(v["step"], v["party"], v["month"]) for v in red] == [("exercise-suspension", "USA", "2026-06")]
    assert "2025-11-13" in red[0]["problem"] and "0.7 x 40 = 28 > 25" in red[0]["problem"]


# ---------------------------------------------------------------------------- kb validate

_OVERLAY_STEP = """\
steps:
  - id: step-a
    name: An overlay step
    actors: [KOR, PRK]
    vector: exchange
    advance: 0.05
    value: {KOR: 1, PRK: -1}
    issues: [ISSUES]
    value_note: a judgement for a test
    advance_note: a judgement for a test
    duration_months: 1
    verification: {means: [observers], lead_months: 1}
    reversibility: easy
    summary: a step that only tests validation
    sources:
      - {url: "https://example.org/a", date: 2018-09-19}
"""


def _problems_of(tmp_path, issues: str) -> list:
    from panmun.errors import ValidationError

    from conftest import with_example_publisher

    folder = tmp_path / "links"
    (folder / "steps").mkdir(parents=True)
    (folder / "steps" / "extra.yaml").write_text(_OVERLAY_STEP.replace("ISSUES", issues), encoding="utf-8")
    with_example_publisher(folder)
    try:
        panmun.validate_path(folder)
    except ValidationError as exc:
        return exc.problems
    return []


def test_kb_validate_checks_the_step_issue_links(tmp_path):
    assert _problems_of(tmp_path / "ok", "{issue: humanitarian-exchange, toward: high, by: 10, to: 60}") == []
    problems = _problems_of(tmp_path / "unknown", "{issue: reunification, toward: high, by: 10, to: 60}")
    assert len(problems) == 1
    p = problems[0]
    assert p.file.endswith("steps/extra.yaml") and p.line == 8 and p.field == "issues[0].issue"
    assert "step 'step-a'" in p.message and "unknown issue 'reunification'" in p.message
    twice = _problems_of(tmp_path / "twice", "{issue: cma-restoration, toward: high, by: 5, to: 20}, "
                                             "{issue: cma-restoration, toward: high, by: 5, to: 30}")
    assert [(q.field, "twice" in q.message) for q in twice] == [("issues[1].issue", True)]
    outside = _problems_of(tmp_path / "outside", "{issue: cma-restoration, toward: high, by: 30, to: 20}")
    assert len(outside) == 1 and "outside the 0-100 scale" in outside[0].message and outside[0].line == 8
    direction = _problems_of(tmp_path / "direction", "{issue: cma-restoration, toward: up, by: 5, to: 20}")
    assert len(direction) == 1 and "issues" in (direction[0].field or "")


def test_admit_in_a_constraints_file_lifts_a_derived_red_line(tmp_path, kb, catalogue):
    from panmun.roadmap.constraints_file import ConstraintsError

    path = tmp_path / "admit.yaml"
    path.write_text("horizon: 24\nadmit:\n  - {party: PRK, step: yongbyon-freeze, why: a listed condition}\n",
                    encoding="utf-8")
    dated = dated_inputs(path, None, "2026-06", steps=catalogue, kb=kb)
    blocked = {b.step for b in dated.blocked}
    assert "yongbyon-freeze" not in blocked and "iaea-inspectors-return" in blocked
    assert not any(r.step == "yongbyon-freeze" for r in dated.constraints.red_lines)
    bad = tmp_path / "bad.yaml"
    bad.write_text("admit:\n  - {party: PRK, step: yongbyon-freez}\n  - {party: prk, step: yongbyon-freeze, "
                   "why: x, when: now}\n", encoding="utf-8")
    with pytest.raises(ConstraintsError) as info:
        dated_inputs(bad, None, "2026-06", steps=catalogue, kb=kb)
    found = {(p.line, p.field) for p in info.value.problems}
    assert {(2, "admit[0].step"), (2, "admit[0].why"), (3, "admit[1].party"), (3, "admit[1].when")} <= found
    assert any("did you mean 'yongbyon-freeze'" in p.message for p in info.value.problems)


def test_a_hand_written_until_line_on_a_blocked_step_blocks(kb, catalogue):
    # the built-in US line of 2018: no end-of-war declaration before Yongbyon's disablement is
    # verified; as of 2026-06 the DPRK refuses the disablement, so no plan may hold the declaration
    dated = dated_inputs(None, None, "2026-06", steps=catalogue, kb=kb)
    blocked = {b.step: b for b in dated.blocked}
    eow = blocked["end-of-war-declaration"]
    assert eow.via == ["yongbyon-disablement"] and "USA" in eow.parties
    assert [(r.party, r.until) for r in eow.lines] == [("USA", "yongbyon-disablement")]
    assert eow.admissible_by_positions and [(c.party, c.after) for c in eow.changes] == [("PRK", 25)]
    # as of 2019-01 the disablement is admitted, so the declaration only waits
    early = dated_inputs(None, None, "2019-01", steps=catalogue, kb=kb)
    assert "end-of-war-declaration" not in {b.step for b in early.blocked}
