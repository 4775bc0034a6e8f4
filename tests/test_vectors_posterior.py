"""The record's error model and posterior: the AR(1) likelihood, the sampler's diagnostics, coverage.

The coverage test fits synthetic records shaped like the real one: step drivers, and errors
that hold their value for months and then jump (a step-shaped, autocorrelated process), on
an observed series rounded to the scorecard's steps. It runs few replicates (``REPLICATES``)
with short chains in a few parameters, to stay fast; the acceptance band is set for that
number of replicates.
"""

from __future__ import annotations

import numpy as np
import pytest

from panmun.vectors.likelihood import RHO_GRID, RHOS, find_map, mean_field
from panmun.vectors.model import Intervention, Setup, full_parameters, run_batch
from panmun.vectors.parameters import DRIVERS
from panmun.vectors.posterior import Posterior, sample, split_rhat
from panmun.vectors.synthetic import (
    MONTHS,
    TRUTH,
    step_drivers,
    synthetic_problem,
    synthetic_record,
    truth_path,
)

pytestmark = pytest.mark.slow

REPLICATES = 8


# --- the fast runner and the likelihood against plain computations ------------------------------------

def test_mean_field_runner_equals_the_models_runner():
    rng = np.random.default_rng(4)
    drivers = rng.random((60, len(DRIVERS)))
    n = 17
    speeds = {name: rng.uniform(0.0, 0.3, n) for name in ("speed_D", "speed_P", "speed_A")}
    params = dict(full_parameters(speeds))
    params["w_PA"] = rng.uniform(-2, 2, n)
    params["t_reversal"] = 11.0
    setup = Setup((0.1, 0.2, 0.3, 0.4), drivers,
                  (Intervention(10, "arms_control", 0.5), Intervention(30, "trust", 0.9),
                   Intervention(31, "peace_regime", 0.2, "add")))
    assert np.array_equal(mean_field(setup, params, n), run_batch(setup, params, n, None))


def test_ar1_sums_give_the_prais_winsten_sum_of_squares():
    rng = np.random.default_rng(0)
    observed = rng.random((MONTHS, 3))
    observed[[20, 21, 90], 1] = np.nan                                # gaps split the runs
    problem = synthetic_problem(observed, step_drivers())
    path = problem.paths(problem.to_z({})[None, :])
    e = (path[:, :3, 0] - np.nan_to_num(observed))[:, 1]
    inc = problem.include[:, 1]
    rho = 0.7
    direct, runs = 0.0, 0
    for t in range(MONTHS):
        if not inc[t]:
            continue
        if t > 0 and inc[t - 1] and problem.segment[t] == problem.segment[t - 1]:
            direct += (e[t] - rho * e[t - 1]) ** 2
        else:
            direct += (1 - rho**2) * e[t] ** 2
            runs += 1
    ssr = problem.ssr(problem.sums(path), np.array([rho]))[0, 1, 0] - problem.n[1] * 1e-6
    assert ssr == pytest.approx(direct, rel=1e-10)
    assert problem.m[1] == runs == 4          # runs from month 1, after the gap, after the anchor, after 90
    assert problem.n[1] == inc.sum() == MONTHS - 2 - 3


def test_rho_and_sigma_are_integrated_out_as_a_brute_force_integral_says():
    rng = np.random.default_rng(1)
    observed = rng.random((MONTHS, 3)) * 0.2
    problem = synthetic_problem(observed, step_drivers())
    path = problem.paths(problem.to_z({})[None, :])
    sums = problem.sums(path)
    # brute force for vector 0: integrate sigma on a fine log grid, rho on the same grid as the model
    n, m = problem.n[0], problem.m[0]
    ssr = problem.ssr(sums, RHOS)[:, 0, 0]
    sig = np.exp(np.linspace(np.log(1e-4), np.log(10), 20001))
    logs = (-n * np.log(sig)[None, :] - ssr[:, None] / (2 * sig[None, :] ** 2)
            + 0.5 * m * np.log1p(-RHOS[:, None] ** 2))
    integrand = np.exp(logs - logs.max())                             # d(log sigma): the 1/sigma prior
    brute = np.log(np.trapezoid(integrand, np.log(sig), axis=1).mean()) + logs.max()
    # the closed form drops log(Gamma(n/2) 2^(n/2 - 1)); put it back to compare
    from scipy.special import gammaln

    constant = gammaln(n / 2) + (n / 2 - 1) * np.log(2)
    grid = problem.grid_loglik(sums)[:, 0, 0]
    closed = np.log(np.exp(grid - grid.max()).mean()) + grid.max() + constant
    assert closed == pytest.approx(brute, abs=1e-6)
    assert len(RHOS) == RHO_GRID and RHOS.max() < 1


# --- diagnostics ---------------------------------------------------------------------------------------

def test_split_rhat_is_one_for_mixed_chains_and_large_for_stuck_ones():
    rng = np.random.default_rng(2)
    mixed = rng.normal(size=(400, 32, 2))
    assert np.all(np.abs(split_rhat(mixed) - 1) < 0.02)
    stuck = mixed + np.arange(32)[None, :, None] * 0.5                # every walker at its own level
    assert np.all(split_rhat(stuck) > 1.5)
    drifting = mixed + np.linspace(0, 3, 400)[:, None, None]          # first and second halves differ
    assert np.all(split_rhat(drifting) > 1.1)


def _posterior(samples: np.ndarray, names=("speed_A", "base_A"), rhat=(1.0, 1.0), ess=(500.0, 500.0)):
    return Posterior(tuple(names), samples, samples.mean(axis=0), np.array([10.0, 10.0]), np.array(ess),
                     np.array(rhat), np.full(8, 0.3), 8, 100, 50, "2000-01", "2009-12", 120)


def test_a_parameter_at_its_bound_is_never_identified():
    rng = np.random.default_rng(3)
    tight_at_zero = np.abs(rng.normal(0.0, 0.002, 4000))              # speed_A piled at its lower bound 0
    tight_inside = rng.normal(-0.5, 0.01, 4000)                        # base_A well inside its range
    table = _posterior(np.column_stack([tight_at_zero, tight_inside])).table().set_index("parameter")
    assert table.loc["speed_A", "at_bound"] and not table.loc["speed_A", "identified"]
    assert not table.loc["base_A", "at_bound"] and table.loc["base_A", "identified"]
    # the same sample without convergence: nothing is identified
    table = _posterior(np.column_stack([tight_at_zero, tight_inside]), rhat=(1.0, 1.3)).table()
    assert not table.set_index("parameter").loc["base_A", "identified"]


# --- recovery and coverage on synthetic records shaped like the real one -------------------------------

def test_noise_free_record_gives_back_the_truth():
    drivers = step_drivers()
    observed = truth_path(drivers)
    problem = synthetic_problem(observed, drivers)
    z = find_map(problem, start={"speed_A": 0.08, "base_A": -0.3, "g_summits": 1.0, "g_exercises": 0.3})
    values = dict(zip(problem.names, problem.values(z), strict=True))
    for name, truth in TRUTH.items():
        assert values[name] == pytest.approx(truth, rel=0.02, abs=0.01), name


def test_ninety_percent_intervals_cover_about_ninety_percent_on_step_shaped_records(monkeypatch):
    monkeypatch.setenv("PANMUN_VECTORS_CACHE", "off")
    truth = np.array(list(TRUTH.values()))
    covered, rhats = [], []
    for seed in range(REPLICATES):
        observed, drivers = synthetic_record(seed)
        problem = synthetic_problem(observed, drivers)
        post = sample(problem, walkers=24, steps=240, burn=80, seed=seed, cache=False)
        table = post.table()
        covered.append((table["low90"].to_numpy() <= truth) & (truth <= table["high90"].to_numpy()))
        rhats.append(table["rhat"].max())
    rate = float(np.mean(covered))
    print(f"coverage of the 90 % intervals: {rate:.3f} ({covered and len(covered) * len(TRUTH)} intervals)")
    # 32 intervals: a true rate of 0.9 falls in [0.75, 1] with probability about 0.99
    assert 0.75 <= rate <= 1.0, rate
    assert max(rhats) < 1.3


def test_independent_errors_would_undercover_the_same_records():
    """The reason for the AR(1) model: with rho fixed at 0 (independent errors) the same records'
    intervals are too narrow."""
    truth = np.array(list(TRUTH.values()))
    covered = []
    for seed in range(REPLICATES // 2):                               # fewer replicates: the gap is wide
        observed, drivers = synthetic_record(seed)
        problem = synthetic_problem(observed, drivers)
        problem.pairs[:] = False                        # no pairs: every month its own run, so that
        problem.firsts = problem.include.copy()         # rho's (1 - rho^2) terms cancel: independent errors
        problem.m = problem.n.copy()
        post = sample(problem, walkers=24, steps=240, burn=80, seed=seed, cache=False)
        table = post.table()
        covered.append((table["low90"].to_numpy() <= truth) & (truth <= table["high90"].to_numpy()))
    rate = float(np.mean(covered))
    print(f"coverage with independent errors: {rate:.3f}")
    assert rate < 0.75
