"""The three-vector model on the whole record: drivers from the kb, cycles, leave-one-cycle-out,
posterior draws in the ensembles, driver maps. Sampler and optimiser run in their quick settings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import panmun
from panmun.vectors import validate as V
from panmun.vectors.cycles import CYCLES, cycle_of, cycle_starts, latest_month
from panmun.vectors.history import (
    leaders,
    observed_history,
    sanctions_coding,
    sanctions_index,
    sanctions_steps,
)
from panmun.vectors.likelihood import FIT, problem_for
from panmun.vectors.maps import driver_map
from panmun.vectors.parameters import DRIVERS, VECTORS
from panmun.vectors.posterior import record_posterior
from panmun.vectors.records import record_interactions, validation
from panmun.vectors.runs import bands, run_ensemble
from panmun.vectors.scenarios import load_scenario

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = panmun.open_store(tmp_path_factory.mktemp("record") / "s.duckdb")
    yield s
    s.close()


@pytest.fixture(scope="module")
def history(store):
    return observed_history(store, environment=False)


@pytest.fixture(scope="module")
def posterior(store, tmp_path_factory):
    post, _ = record_posterior(store, quick=True, cache=False)
    return post


# --- the record ----------------------------------------------------------------------------------------

def test_the_record_runs_from_1991_to_the_latest_month(store, history):
    assert str(history.months[0]) == "1991-01" and str(history.months[-1]) == latest_month(store)
    assert len(history.months) >= 300
    # nothing is tracked before the Basic Agreement (signed 1991-12-13): missing, not 0; the first
    # denuclearization provisions come with the Joint Declaration (January 1992)
    assert history.targets.loc[:"1991-11"].isna().all().all()
    assert history.targets.loc["1991-12", ["peace_regime", "arms_control"]].notna().all()
    assert history.targets.loc["1992-01"].notna().all()
    assert np.isfinite(history.drivers).all() and ((history.drivers >= 0) & (history.drivers <= 1)).all()


def test_cycles_partition_the_record(history):
    names = cycle_of(history.months)
    assert None not in names
    assert [c.name for c in CYCLES] == list(dict.fromkeys(names))     # in order, each one contiguous
    starts = cycle_starts(history.months)
    assert str(history.months[starts["2018"]]) == "2018-01"
    problem = problem_for(history)
    assert problem.anchors == tuple(list(starts.values())[1:])


def test_sanctions_index_follows_the_kb_coding(store, history):
    steps = sanctions_steps(store).set_index("id")["step"]
    assert steps["1993-05-11-unscr-825"] == 0                        # sets no sanctions
    assert steps["2006-10-14-unscr-1718"] == 1 and steps["2005-09-15-treasury-banco-delta-asia"] == 0.5
    assert steps["2008-10-11-us-removes-dprk-terrorism-list"] == -0.5
    assert steps["2019-04-10-unscr-2464"] == 0                        # a panel renewal
    assert "2022-05-26-china-veto-sanctions-draft" not in steps.index  # a veto adopts nothing
    # by hand: -1 after the two US reliefs of 1999-2000 (the lowest), +1.5 by 2006-12, +14 by 2017-12
    assert steps[steps.index.str.startswith(("1", "200", "2010", "2011", "2012", "2013", "2014", "2015",
                                             "2016", "2017"))].sum() == pytest.approx(14.0)
    x = history.driver_frame()["sanctions"]
    assert x["1995-01"] == pytest.approx(1 / 15) and x["2000-06"] == 0.0
    assert x["2006-12"] == pytest.approx(2.5 / 15) and x["2017-12"] == 1.0 and x["2025-01"] == 1.0
    assert sanctions_coding()["full_at"] == "2017-12"
    # the index of a window is the same as that of the whole record over the same months
    part = sanctions_index(store, pd.period_range("2005-01", "2009-12", freq="M"))
    assert np.array_equal(part, x["2005-01":"2009-12"].to_numpy())


def test_leadership_changes_come_from_the_sourced_file(store, history):
    rows = leaders()
    assert all(r.get("kb_event") or r.get("url") for r in rows)
    kb = store.query("SELECT id, date FROM events")
    dates = dict(zip(kb["id"], pd.to_datetime(kb["date"]), strict=True))
    for r in rows:
        if r.get("kb_event"):                                          # the kb records the same day
            assert dates[r["kb_event"]] == r["date"], r["leader"]
    x = history.driver_frame()["leadership_change"]
    assert x["1994-07"] == 1 and x["2011-12"] == 1 and x["2017-05"] == 1 and x["2017-01"] == 1
    assert x.sum() == len({pd.Period(r["date"], "M") for r in rows})


def test_talks_count_less_than_summits(history):
    x = history.driver_frame()["summits"]
    assert x["2018-04"] == 1 and x["2018-01"] == pytest.approx(0.3)   # Panmunjom summit; January talks
    assert set(np.unique(x)) <= {0.0, 0.3, 1.0}


# --- the posterior ----------------------------------------------------------------------------------

def test_calibration_reports_every_parameter_with_its_diagnostics(posterior, history):
    table = posterior.table()
    assert list(table["parameter"]) == list(FIT)
    assert posterior.months == len(history.months) >= 300
    assert ((table["low90"] <= table["estimate"]) & (table["estimate"] <= table["high90"])).all()
    assert ((table["low"] <= table["low90"]) & (table["high90"] <= table["high"])).all()
    assert not (table["identified"] & table["at_bound"]).any()
    assert not (table["identified"] & ~table["converged"]).any()
    diag = posterior.diagnostics()
    assert 0 < diag["acceptance"] < 1 and diag["rhat_max"] >= 1 and diag["draws"] == len(posterior.samples)


def test_ensembles_draw_their_parameters_from_the_posterior(posterior):
    sc = load_scenario("baseline")
    draws = posterior.draws(300, seed=0)
    assert set(draws) == set(FIT) - {"trust0"} and all(len(v) == 300 for v in draws.values())
    assert len(np.unique(draws["speed_A"])) > 50                      # runs differ in their parameters
    again = posterior.draws(300, seed=0)
    assert all(np.array_equal(draws[k], again[k]) for k in draws)
    drawn = bands(sc, run_ensemble(sc, 300, 60, seed=1, params=draws))
    fixed = bands(sc, run_ensemble(sc, 300, 60, seed=1))
    assert not np.allclose(drawn["q50"], fixed["q50"])
    # the scenario's overrides still apply over the draws
    from panmun.vectors.runs import with_scenario

    assert with_scenario(sc, draws).keys() >= draws.keys()


# --- leave one cycle out ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def validated(history):
    return validation(history, quick=True, cache=False)


def test_validation_scores_every_cycle_against_carry_forward(validated, history):
    table = validated.table
    assert list(table["cycle"]) == [c.name for c in CYCLES] + ["all"]
    for col in ("rmse_coupled", "rmse_w0", "rmse_carry_forward"):
        assert np.isfinite(table[col]).all() and (table[col] >= 0).all()
    # carry-forward for the six-party cycle, by hand: its 2005-01 values held to 2009-12
    obs = history.targets.loc["2005-02":"2009-12"].to_numpy()
    hand = np.sqrt(np.nanmean((obs - history.targets.loc["2005-01"].to_numpy()) ** 2))
    assert table.set_index("cycle").loc["six-party", "rmse_carry_forward"] == pytest.approx(hand)
    assert set(table["best"]) <= {"coupled", "w0", "carry_forward"}


def test_a_held_out_cycle_does_not_inform_its_own_prediction(history):
    """Change the record inside one cycle: that cycle's prediction must not move (it was fitted
    without it), while the predictions of the other cycles may."""
    changed_targets = history.targets.copy()
    rows = V.held_out_rows(history, "june-15")
    first = np.flatnonzero(rows)[0]
    changed_targets.iloc[first + 1:np.flatnonzero(rows)[-1] + 1] = 0.9
    changed = type(history)(history.months, changed_targets, history.drivers, history.notes)
    a = V.loco(history, "w0", quick=True).predicted
    b = V.loco(changed, "w0", quick=True).predicted
    assert np.allclose(a[rows], b[rows], atol=1e-9)
    assert not np.allclose(a[~rows], b[~rows], atol=1e-6, equal_nan=True)


def test_variants_fix_what_they_say(history):
    for name, (_, names, fixed) in V.VARIANTS.items():
        assert set(names) | set(fixed) == set(FIT) and not set(names) & set(fixed), name
    assert V.VARIANTS["w0"][2] == {**dict.fromkeys(V.W_NAMES, 0.0), "t_reciprocity": 0.0, "t_reversal": 0.0}
    assert "w_PD" in V.VARIANTS["only-w_PD"][1] and "w_DP" not in V.VARIANTS["only-w_PD"][1]


def test_interactions_give_a_verdict_for_each_coupling(store, monkeypatch, tmp_path):
    monkeypatch.setenv("PANMUN_VECTORS_CACHE", str(tmp_path))
    result = record_interactions(store, quick=True)
    verdicts = result["interactions"]
    assert list(verdicts["interaction"]) == [*V.W_NAMES, "trust link", "all couplings"]
    assert set(verdicts["verdict"]) <= {"supported: a push", "supported: a drag", "supported",
                                        "the record cannot tell"}
    cannot = verdicts["verdict"] == "the record cannot tell"
    assert (verdicts.loc[cannot, "reason"].str.len() > 0).all()
    # a verdict of support needs an interval that excludes 0
    single = verdicts[verdicts["low90"].notna() & ~cannot]
    assert ((single["low90"] > 0) | (single["high90"] < 0)).all()
    assert len(result["matrix"]) == 6 and list(tmp_path.glob("*.npz"))   # the fits were cached


# --- maps --------------------------------------------------------------------------------------------

def test_driver_map_covers_the_grid_from_the_posterior(posterior):
    sc = load_scenario("baseline")
    table = driver_map(sc, posterior.draws(40, 0), "summits", "sanctions", levels=(0.0, 0.5, 1.0),
                       horizon=60, draws=40)
    assert len(table) == 9 * 3 and set(table["vector"]) == set(VECTORS)
    assert ((table["q05"] <= table["q50"]) & (table["q50"] <= table["q95"])).all()
    assert table["p_hold"].between(0, 1).all()
    # with the judgement defaults and one run per cell the band collapses to the run
    one = driver_map(sc, None, "summits", "sanctions", levels=(0.0, 1.0), horizon=24)
    assert np.allclose(one["q05"], one["q95"])
    with pytest.raises(ValueError):
        driver_map(sc, None, "summits", "summits")
    assert "weather" not in DRIVERS
