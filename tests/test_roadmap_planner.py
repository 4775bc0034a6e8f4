"""The planner against exhaustive enumeration, hand-worked cases and infeasible problems."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from panmun.roadmap import rules
from panmun.roadmap.planner import PlannerError, plan
from panmun.roadmap.steps import VECTORS, Constraints, RedLine, Step


def _best_by_enumeration(steps: dict[str, Step], c: Constraints, vectors=VECTORS):
    """Every schedule (each step absent or started at any month), the admissible ones
    scored lexicographically by (capped progress at the horizon, progress-months)."""
    ids = list(steps)
    choices = [[None, *range(c.horizon - steps[i].duration + 1)] for i in ids]
    best, best_schedules = None, []
    for combo in itertools.product(*choices):
        schedule = {i: t for i, t in zip(ids, combo, strict=True) if t is not None}
        if rules.violations(steps, schedule, c):
            continue
        score = (round(rules.progress(steps, schedule, c, vectors), 6),
                 round(rules.progress_months(steps, schedule, c, vectors), 6))
        if best is None or score > best:
            best, best_schedules = score, [schedule]
        elif score == best:
            best_schedules.append(schedule)
    return best, best_schedules


def _random_instance(seed: int, n: int, horizon: int):
    rng = np.random.default_rng(seed)
    parties = ("KOR", "PRK", "USA")
    vectors = VECTORS
    steps = {}
    for k in range(n):
        pre = tuple(f"s{j}" for j in range(k) if rng.random() < 0.3)
        value = {p: int(rng.integers(-3, 4)) for p in parties if rng.random() < 0.7}
        steps[f"s{k}"] = Step(f"s{k}", f"step {k}", (str(rng.choice(parties)),), str(rng.choice(vectors)),
                              round(float(rng.uniform(0.05, 0.6)), 3), prerequisites=pre, value=value,
                              duration=int(rng.integers(0, 2)), lead=int(rng.integers(0, 2)))
    red = ()
    if rng.random() < 0.5 and n >= 3:
        red = (RedLine("USA", "s2", until="s0"),)
    c = Constraints(horizon=horizon, default_margin=int(rng.integers(0, 3)), red_lines=red,
                    initial={"peace_regime": 0.5}, max_starts=2 if rng.random() < 0.5 else None)
    return steps, c


@pytest.mark.parametrize("seed", range(8))
def test_planner_matches_exhaustive_enumeration_on_small_random_instances(seed):
    steps, c = _random_instance(seed, n=4, horizon=5)
    best, optimal = _best_by_enumeration(steps, c)
    res = plan(steps, c)
    if best is None:
        assert not res.feasible
        return
    assert res.feasible
    schedule = res.schedules[0]
    assert rules.violations(steps, schedule, c) == []
    got = (round(rules.progress(steps, schedule, c), 6), round(rules.progress_months(steps, schedule, c), 6))
    assert got == best
    assert schedule in optimal
    assert res.gaps[0][0] == pytest.approx(0.0, abs=1e-9)
    assert res.scores[0][0] == pytest.approx(best[0], abs=1e-3)


def _hand_worked():
    # Action for action, three parties' values (cost negative, gain positive):
    #   freeze:     PRK freezes a site (PRK -2, USA +2), 1 month, verified 2 months later
    #   exemption:  UN sanctions exemption (USA -1, PRK +2), 0 months, verified at once
    #   declare:    end-of-war declaration (USA -1, PRK +1, KOR +2) needs the freeze verified
    # Trust margin 1: PRK cannot start the freeze (-2) before it has a verified gain of at
    # least +1 (the exemption), and the USA cannot give the exemption (-1) and the
    # declaration (-1) before the freeze is verified (+2). So: exemption at month 0 (USA
    # -1 <= margin), freeze at month 0 too (PRK: -2 + 2 = 0 at month 0), freeze complete at
    # month 1, verified at month 3; declaration from month 3.
    steps = {
        "freeze": Step("freeze", "freeze", ("PRK",), "denuclearization", 0.3,
                       value={"PRK": -2, "USA": 2}, duration=1, lead=2),
        "exemption": Step("exemption", "exemption", ("UNO",), "peace_regime", 0.1,
                          value={"USA": -1, "PRK": 2}),
        "declare": Step("declare", "declaration", ("USA", "PRK", "KOR"), "peace_regime", 0.2,
                        prerequisites=("freeze",), value={"USA": -1, "PRK": 1, "KOR": 2}),
    }
    return steps, Constraints(horizon=6, default_margin=1)


def test_hand_worked_action_for_action_sequence():
    steps, c = _hand_worked()
    res = plan(steps, c)
    assert res.schedules[0] == {"exemption": 0, "freeze": 0, "declare": 3}
    best, optimal = _best_by_enumeration(steps, c)
    assert res.schedules[0] in optimal


def test_tighter_margin_delays_the_concession():
    steps, c = _hand_worked()
    # margin 0: the USA cannot give the exemption (-1) before anything is verified for it;
    # the freeze can't start before the exemption (PRK -2 uncovered): no step starts at all
    # until... nothing unlocks it, so neither happens and only a plan without them remains.
    res = plan(steps, Constraints(horizon=6, default_margin=0))
    assert res.feasible and res.schedules[0] == {}
    # the rule checker agrees that the margin-1 plan breaks margin 0 for the USA
    broken = rules.violations(steps, {"exemption": 0, "freeze": 0, "declare": 3}, Constraints(horizon=6))
    assert broken == []
    broken = rules.violations(steps, {"exemption": 0, "freeze": 0, "declare": 3},
                              Constraints(horizon=6, default_margin=0))
    assert {v.kind for v in broken} == {"reciprocity"}


def test_infeasible_requirements_are_explained_by_the_conflicting_constraints():
    steps, _ = _hand_worked()
    c = Constraints(horizon=6, default_margin=1, require=("declare",),
                    red_lines=(RedLine("PRK", "freeze", why="keeps its leverage"),))
    res = plan(steps, c)
    assert not res.feasible and res.schedules == []
    kinds = {x.kind for x in res.conflicts}
    assert kinds == {"required", "red-line", "prerequisite"}
    labels = " | ".join(x.label for x in res.conflicts)
    assert "declare is required" in labels and "PRK refuses freeze" in labels


def test_a_deadline_too_early_for_the_chain_conflicts_with_the_prerequisite():
    steps, _ = _hand_worked()
    c = Constraints(horizon=6, default_margin=1, deadlines={"declare": 2}, require=("declare",))
    res = plan(steps, c)
    assert not res.feasible
    assert {x.kind for x in res.conflicts} == {"deadline", "required", "prerequisite"}


def test_alternatives_differ_in_their_steps_and_score_no_better():
    steps, c = _hand_worked()
    res = plan(steps, c, alternatives=2)
    sets = [frozenset(s) for s in res.schedules]
    assert len(sets) == len(set(sets)) == 3
    assert res.scores[0][0] >= res.scores[1][0] >= res.scores[2][0]


def test_unknown_objective_and_prerequisite_are_refused():
    steps, c = _hand_worked()
    with pytest.raises(PlannerError, match="unknown objective"):
        plan(steps, c, objective="fastest")
    bad = {**steps, "x": Step("x", "x", ("KOR",), "exchange", 0.1, prerequisites=("nowhere",))}
    with pytest.raises(PlannerError, match="nowhere"):
        plan(bad, c)


@pytest.mark.parametrize("seed", range(3))
def test_risk_objective_matches_enumeration(seed):
    steps, c = _random_instance(seed + 20, n=4, horizon=4)
    weights = {"s1": 0.8, "s3": 0.3}
    res = plan(steps, c, objective="risk", weights=weights)

    def score(schedule):
        h = c.horizon
        primary = sum(w for sid, w in weights.items() if sid in schedule)
        months = sum((steps[sid].advance + weights.get(sid, 0.0)) * (h - (t + steps[sid].duration) + 1)
                     for sid, t in schedule.items())
        return round(primary, 6), round(months, 6)

    ids = list(steps)
    best = None
    for combo in itertools.product(*[[None, *range(c.horizon - steps[i].duration + 1)] for i in ids]):
        schedule = {i: t for i, t in zip(ids, combo, strict=True) if t is not None}
        if not rules.violations(steps, schedule, c):
            best = max(best, score(schedule)) if best else score(schedule)
    assert res.feasible and score(res.schedules[0]) == best


@pytest.mark.parametrize("seed", [104, 105, 109])
def test_planner_matches_enumeration_with_five_steps(seed):
    steps, c = _random_instance(seed, n=5, horizon=4)
    best, optimal = _best_by_enumeration(steps, c)
    res = plan(steps, c)
    schedule = res.schedules[0]
    got = (round(rules.progress(steps, schedule, c), 6), round(rules.progress_months(steps, schedule, c), 6))
    assert got == best and schedule in optimal and rules.violations(steps, schedule, c) == []


def test_a_time_limit_that_runs_out_gives_the_greedy_plan_not_infeasible(monkeypatch):
    import panmun.roadmap.planner as planner_module

    steps, c = _hand_worked()
    monkeypatch.setattr(planner_module, "_solve_lexicographic", lambda *args: None)   # no solution in time
    res = plan(steps, c, alternatives=1)
    assert res.feasible and res.status == ["UNKNOWN/greedy"] and len(res.schedules) == 1
    assert rules.violations(steps, res.schedules[0], c) == []
