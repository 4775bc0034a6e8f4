"""The incident-escalation risk model, its measure effects, packages and calibration."""

from __future__ import annotations

import datetime as dt
import math
import textwrap

import numpy as np
import pytest

from panmun.armscontrol import effects
from panmun.armscontrol.calibrate import calibrate, rate_ratio
from panmun.armscontrol.history import classify_domain, inter_korean_disputes
from panmun.armscontrol.model import DOMAINS, BaseRates, Params, analytic, risk, simulate
from panmun.armscontrol.packages import (
    BUILTIN,
    PackageError,
    compare,
    levels_from_scorecard,
    load_package,
    marginal_effects,
)
from panmun.errors import ValidationError


def one_domain(lam: float, p1: float, p2: float, p3: float = 0.0) -> BaseRates:
    """Base rates with every incident in the ground domain."""
    z = np.zeros(4)
    return BaseRates(np.array([lam, 0, 0, 0.0]), z + p1, z + p2, z + p3)


def test_hand_worked_case_one_domain_two_steps():
    # Ground only: lambda = 2 incidents/year; p1 = 0.25 and the channels leave 80 % of
    # incidents unresolved (unresolved.1 = 0.8), so s1 = 0.25 * 0.8 = 0.2; p2 = 0.5.
    # Deadly clashes are Poisson with rate 2 * 0.2 * 0.5 = 0.2 per year, so
    # P(at least one in a year) = 1 - exp(-0.2) = 0.181269246922018...
    # Over 3 years: 1 - exp(-0.6) = 0.451188363905974...
    params = Params(one_domain(2.0, 0.25, 0.5), {"unresolved.1": 0.8})
    assert analytic(params)["p_deadly_clash"] == pytest.approx(0.181269246922018, abs=1e-12)
    assert analytic(params, years=3)["p_deadly_clash"] == pytest.approx(0.451188363905974, abs=1e-12)
    assert analytic(params)["incidents"][0] == 2.0
    out = simulate(params, 400_000, seed=3)
    p = out["any_deadly"].mean()
    se = math.sqrt(0.1813 * 0.8187 / 400_000)
    assert abs(p - 0.181269246922018) < 4 * se
    assert out["incidents"][:, 0].mean() == pytest.approx(2.0, abs=4 * math.sqrt(2 / 400_000))
    assert out["incidents"][:, 1:].sum() == 0


def test_simulation_matches_analytic_all_domains():
    base = BaseRates(np.array([1.1, 0.4, 0.2, 0.5]), np.array([0.2, 0.15, 0.1, 0.1]),
                     np.array([0.3, 0.6, 0.5, 0.4]), np.full(4, 0.2))
    params = Params(base, {"unresolved.1": 0.9}, tension=0.7, trust=0.3)
    exact = analytic(params)
    n = 500_000
    out = simulate(params, n, seed=11)
    sims = {"p_deadly_clash": out["any_deadly"].mean(), "p_escalation": out["any_escalation"].mean()}
    for key, sim in sims.items():
        p = float(exact[key])
        assert abs(sim - p) < 4 * math.sqrt(p * (1 - p) / n) + 1e-9, key
    np.testing.assert_allclose(out["incidents"].mean(axis=0), exact["incidents"], rtol=0.02)


def test_seed_reproducibility():
    params = Params(BaseRates(np.full(4, 0.8), np.full(4, 0.2), np.full(4, 0.5), np.full(4, 0.1)))
    a, b = risk(params, runs=20, sims=500, seed=5), risk(params, runs=20, sims=500, seed=5)
    assert a == b
    c = simulate(params, 1000, seed=6)
    assert not np.array_equal(simulate(params, 1000, seed=5)["incidents"], c["incidents"])


def test_effect_table_multipliers_never_raise_risk():
    effects.check_table()
    assert all(0 < e.multiplier <= 1 for e in effects.EFFECTS)
    assert all(e.reason and e.sources for e in effects.EFFECTS)


def test_adding_risk_lowering_measures_never_raises_risk():
    rng = np.random.default_rng(2024)
    base = BaseRates(rng.gamma(2, 0.5, (50, 4)), rng.beta(2, 8, (50, 4)), rng.beta(3, 3, (50, 4)),
                     rng.beta(1, 10, (50, 4)))
    for _ in range(200):
        chosen = rng.choice(effects.MEASURES, size=rng.integers(0, 8), replace=False)
        levels = {m: float(rng.uniform()) for m in chosen}
        more = dict(levels)
        for m in rng.choice(effects.MEASURES, size=rng.integers(1, 5), replace=False):
            more[m] = float(min(1.0, levels.get(m, 0.0) + rng.uniform()))
        params = Params(base, tension=float(rng.uniform()), trust=float(rng.uniform()))
        before = analytic(params.with_knobs(effects.knobs_for(levels)), years=3)
        after = analytic(params.with_knobs(effects.knobs_for(more)), years=3)
        for key in ("p_deadly_clash", "p_escalation", "incidents"):
            assert np.all(after[key] <= before[key] + 1e-15), key


def write(tmp_path, text: str):
    path = tmp_path / "pkg.yaml"
    path.write_text(textwrap.dedent(text))
    return path


def test_package_unknown_measure_and_level_out_of_range(tmp_path):
    path = write(tmp_path, """\
        name: mine
        measures:
          ground-buffer-zone: 1
          laser-fence: 1
          military-hotline: 1.5
        """)
    with pytest.raises(ValidationError) as err:
        load_package(path)
    problems = {(p.line, p.field): p for p in err.value.problems}
    assert problems[(4, "measures.laser-fence")].file == str(path)
    assert "unknown measure" in problems[(4, "measures.laser-fence")].message
    assert "out of range" in problems[(5, "measures.military-hotline")].message


def test_package_contradiction_rule(tmp_path):
    path = write(tmp_path, """\
        name: mine
        measures:
          exercise-limits: 0.5
          military-hotline: 1
        settings:
          exercises: intensified
        """)
    with pytest.raises(PackageError) as err:
        load_package(path)
    (problem,) = err.value.problems
    assert (problem.file, problem.line, problem.field) == (str(path), 6, "settings.exercises")
    assert "contradicts measures.exercise-limits" in problem.message


def test_package_same_measure_twice(tmp_path):
    path = write(tmp_path, """\
        name: mine
        measures:
          military-hotline: 1
          military-hotline: 0.5
        """)
    with pytest.raises(PackageError) as err:
        load_package(path)
    (problem,) = err.value.problems
    assert (problem.file, problem.line, problem.field) == (str(path), 4, "military-hotline")
    assert "duplicate" in problem.message


def test_good_package_file_and_builtins(tmp_path):
    pkg = load_package(write(tmp_path, """\
        name: mine
        measures: {military-hotline: 1, exercise-limits: 1}
        settings: {exercises: reduced, tension: 0.8}
        """))
    assert pkg.levels == {"military-hotline": 1.0, "exercise-limits": 1.0} and pkg.tension == 0.8
    for name in BUILTIN:
        assert load_package(name).name == name


def test_cma_2018_package_matches_scorecard(store):
    levels = levels_from_scorecard(store, dt.date(2019, 6, 30))
    pkg = load_package("cma-2018")
    for measure, level in levels.items():
        assert pkg.levels.get(measure, 0.0) == pytest.approx(level, abs=0.001), measure


def test_compare_and_marginal_effects(store):
    base = calibrate(store).posterior.draw(60, seed=1)
    rows = compare([load_package(n) for n in BUILTIN], base, sims=500, seed=1)
    names = [r["package"] for r in rows]
    assert names.index("cma-2018-full") < names.index("none")
    assert {"p_deadly_clash", "p_escalation", "incidents_by_domain", "reduction"} <= set(rows[0])
    marg = marginal_effects(load_package("cma-2018"), base)
    adds = [r for r in marg if r["action"] == "add"]
    removes = [r for r in marg if r["action"] == "remove"]
    assert {r["measure"] for r in adds} >= {"military-hotline", "exercise-limits"}
    assert all(r["p_deadly_clash"]["median"] <= 0 for r in adds)
    assert all(r["p_deadly_clash"]["median"] >= 0 for r in removes)


def test_calibration_posteriors_and_cma_ratio(store):
    cal = calibrate(store)
    base = cal.posterior.mean()
    for arr in (base.lam0, base.p1, base.p2, base.p3):
        assert np.all(np.isfinite(arr)) and np.all(arr > 0)
    assert np.all(base.p1 < 1) and np.all(base.p2 < 1) and np.all(base.p3 < 1)
    rr = cal.cma_rate_ratio
    assert 0 < rr["low"] < rr["median"] < rr["high"] < np.inf
    assert cal.exposure["cma"] == pytest.approx(5.06, abs=0.01)
    assert cal.deadly_disputes >= 13 and cal.wider == 0
    assert sum(c["incidents"] for c in cal.counts.values()) == sum(cal.cma_counts.values())
    for name in ("lam0", "p1", "p2", "p3"):
        iv = cal.posterior.interval(name)
        assert all(lo <= m <= hi for lo, m, hi in zip(iv["low"], iv["median"], iv["high"], strict=True))


def test_rate_ratio_is_one_for_equal_rates():
    rr = rate_ratio(10, 5.0, 10, 5.0)
    assert rr["median"] == pytest.approx(1.0, abs=1e-12)
    assert rr["low"] < 1 < rr["high"]


def test_history_coding():
    assert classify_domain("Five DPRK drones cross the MDL") == "air"
    assert classify_domain("artillery rounds into the maritime buffer zone") == "sea"
    assert classify_domain("trash-laden balloons into the South") == "grey-zone"
    assert classify_domain("soldiers briefly cross the MDL") == "ground"
    disputes = inter_korean_disputes()
    assert len(disputes) == 27
    assert disputes.loc[disputes["dispnum3"] == 51, "hostlev"].item() == 5   # the Korean War
    assert len(DOMAINS) == 4
