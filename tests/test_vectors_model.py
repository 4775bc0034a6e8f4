"""The three-vector model's runs: a hand-worked step, bounds, monotone responses, exact shock
counts, the fast in-place kernel against the equations as written (:func:`model.step`), and
the ensembles' reproducibility (same seed: the same counts, however the chunks are computed).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from panmun.vectors import model
from panmun.vectors.model import Intervention, Setup
from panmun.vectors.parameters import DRIVERS, PARAMETERS, STOCKS, defaults

SUMMITS = list(DRIVERS).index("summits")


def _drivers(months: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).random((months + 1, len(DRIVERS)))


def test_first_step_by_hand():
    """One deterministic month from (D, P, A, T) = (0.2, 0.3, 0.1, 0.5), a summit, every other driver 0.

    Defaults: r = (0.04, 0.06, 0.08), b = (-0.4, -0.3, -0.3), W_DP 0.8, W_DA 0.4, W_PD 0.8,
    W_PA 0.6, W_AD 0.4, W_AP 0.6, g_T 1.2, g_M 1.0, k_up 3, k_M 0.1, lambda_p0 0.4, theta_T 2,
    lambda_c0 0.15, lambda_b0 0.02, eta 0.15, delta_p 0.08, delta_c 0.1, epsilon_c 0.1.
    """
    drivers = np.zeros((2, len(DRIVERS)))
    drivers[0, SUMMITS] = 1.0
    traj = model.simulate(Setup((0.2, 0.3, 0.1, 0.5), drivers))
    # T = 0.5: the trust term is 0; the summit adds g_M * 1 = 1.0 to every drive
    u_d = -0.4 + 0.8 * 0.3 + 0.4 * 0.1 + 1.0          # = 0.88
    u_p = -0.3 + 0.8 * 0.2 + 0.6 * 0.1 + 1.0          # = 0.92
    u_a = -0.3 + 0.4 * 0.2 + 0.6 * 0.3 + 1.0          # = 0.96
    lam_p = 0.4 * math.exp(2.0 * (0.5 - 0.5))          # = 0.4
    lam_c = 0.15 * (1 - 0.1) * (1 + 0)                 # = 0.135
    lam_b = 0.02 * 0.5 * (1 + 1)                       # = 0.02
    in_d = (0.04 * u_d + 0.15 * lam_b) * (1 - 0.2)     # = 0.0382 * 0.8 = 0.03056
    in_p = (0.06 * u_p + 0.15 * lam_b) * (1 - 0.3)     # = 0.0582 * 0.7 = 0.04074
    in_a = (0.08 * u_a + 0.15 * lam_b) * (1 - 0.1)     # = 0.0798 * 0.9 = 0.07182
    out_a = (0.1 * lam_c) * 0.1                        # = 0.00135 (clashes undo arms control)
    expected_vectors = [0.2 + in_d, 0.3 + in_p, 0.1 + in_a - out_a]
    assert expected_vectors == pytest.approx([0.23056, 0.34074, 0.17047], abs=1e-12)
    gains = in_d + in_p + (in_a - out_a)               # = 0.14177
    up_t = 3.0 * gains + 0.10 * 1 + 0.15 * lam_b       # = 0.42531 + 0.1 + 0.003 = 0.52831
    down_t = 0.08 * lam_p + 0.10 * lam_c               # = 0.032 + 0.0135 = 0.0455
    t1 = 0.5 + up_t * (1 - 0.5) - down_t * 0.5         # = 0.741405
    assert t1 == pytest.approx(0.741405, abs=1e-12)
    np.testing.assert_allclose(traj[0], [0.2, 0.3, 0.1, 0.5])
    np.testing.assert_allclose(traj[1], expected_vectors + [t1], rtol=0, atol=1e-12)


def _reference(setup: Setup, p: dict, n: int) -> np.ndarray:
    """Mean-field runs with :func:`model.step`, the equations as written (no interventions)."""
    state = [np.full(n, v, dtype=float) for v in setup.initial]
    out = [np.stack(state)]
    for k in range(setup.horizon):
        for _ in range(setup.steps_per_month):
            state, _ = model.step(state, setup.drivers[k], p, setup.dt, mean_field=True)
        out.append(np.stack(state))
    return np.array(out)


@pytest.mark.parametrize("dt", [1.0, 0.5])
def test_fast_kernel_equals_the_written_equations_with_per_run_parameters(dt):
    rng = np.random.default_rng(3)
    runs = 64
    params = {p.name: rng.uniform(p.low, p.high, runs) for p in PARAMETERS}
    setup = Setup((0.3, 0.2, 0.4, 0.6), _drivers(48, seed=4), dt=dt)
    fast = model.states_at(setup, params, runs, list(range(49)))
    slow = _reference(setup, model.full_parameters(params), runs)
    np.testing.assert_allclose(fast, slow, rtol=0, atol=1e-12)


def _extremes() -> list[dict[str, float]]:
    return [{p.name: p.low for p in PARAMETERS}, {p.name: p.high for p in PARAMETERS}]


@pytest.mark.slow
@pytest.mark.parametrize("params", _extremes(), ids=["all-low", "all-high"])
@pytest.mark.parametrize("level", ["random", 0.0, 1.0])
def test_bounds_hold_for_extreme_parameters(params, level):
    drivers = _drivers(360, seed=1) if level == "random" else np.full((361, len(DRIVERS)), level)
    for initial in [(0.0, 0.0, 0.0, 0.0), (1.0, 1.0, 1.0, 1.0), (0.3, 0.7, 0.1, 0.5)]:
        setup = Setup(initial, drivers, (Intervention(100, "trust", 0.0),))
        det = model.simulate(setup, params)
        rng = np.random.default_rng(np.random.SeedSequence([9, 0]))
        sto = model.run_batch(setup, model.full_parameters(params), 500, rng)
        for traj in (det, sto):
            assert np.isfinite(traj).all()
            assert traj.min() >= 0.0 and traj.max() <= 1.0


def test_higher_summit_push_gives_more_peace_regime_progress():
    """With summits > 0 the drives rise with g_summits; so (deterministic) does P at month 12."""
    drivers = np.full((13, len(DRIVERS)), 0.3)
    drivers[:, SUMMITS] = 0.5
    g = np.linspace(0.0, 4.0, 41)
    p12 = model.states_at(Setup((0.1, 0.1, 0.1, 0.4), drivers), {"g_summits": g}, g.size, [12])[0, 1]
    assert np.all(np.diff(p12) >= -1e-12)
    assert p12[-1] > p12[0] + 0.05


def test_deterministic_ensemble_matches_simulate():
    setup = Setup((0.2, 0.1, 0.3, 0.5), _drivers(60, seed=2))
    runs = model.CHUNK + 10
    counts = model.ensemble(setup, runs, stochastic=False)
    traj = model.simulate(setup)
    bins = np.minimum((traj * model.BINS).astype(int), model.BINS - 1)
    for k in (0, 30, 60):
        for s in range(4):
            assert counts.hist[k, s, bins[k, s]] == runs
    np.testing.assert_allclose(counts.total / runs, traj, rtol=0, atol=1e-12)
    reached = np.maximum.accumulate(traj, axis=0)[:, :, None] >= np.array([0.5, 0.8])
    np.testing.assert_array_equal(counts.reached, reached * runs)


def _same(a: model.EnsembleCounts, b: model.EnsembleCounts) -> bool:
    return (a.runs == b.runs and np.array_equal(a.hist, b.hist) and np.array_equal(a.reached, b.reached)
            and np.array_equal(a.total, b.total))


def test_seed_reproducibility_and_sensitivity():
    setup = Setup((0.1, 0.1, 0.1, 0.5), _drivers(36, seed=5))
    runs = model.CHUNK + 1000
    a = model.ensemble(setup, runs, seed=7, threads=1)
    assert _same(a, model.ensemble(setup, runs, seed=7, threads=2))
    b = model.ensemble(setup, runs, seed=8)
    assert not np.array_equal(a.hist, b.hist)
    assert a.hist.sum() == b.hist.sum() == runs * 37 * 4


def test_chunks_add_up_in_any_order():
    setup = Setup((0.1, 0.1, 0.1, 0.5), _drivers(24, seed=6))
    runs = 2 * model.CHUNK + 77
    parts = [model.chunk_counts(setup, None, 3, c, n, (0.5, 0.8)) for c, n in model.chunks(runs)]
    whole = model.ensemble(setup, runs, seed=3)
    backwards = parts[2] + parts[1] + parts[0]
    assert np.array_equal(backwards.hist, whole.hist) and np.array_equal(backwards.reached, whole.reached)
    np.testing.assert_allclose(backwards.total, whole.total, rtol=1e-12)


@pytest.mark.parametrize("mean", [0.05, 0.4, 3.0, 40.0])
def test_shock_counts_are_poisson(mean):
    """Counts over many runs and steps: mean, variance and P(0) of Poisson(mean)."""
    shocks = model._Shocks(20000, np.random.default_rng(1))
    lam = np.full((3, 20000), mean)
    counts = np.concatenate([shocks.draw(lam).ravel() for _ in range(5)])
    se = math.sqrt(mean / counts.size)
    assert abs(counts.mean() - mean) < 5 * se
    assert counts.var() == pytest.approx(mean, rel=0.05)
    assert (counts == 0).mean() == pytest.approx(math.exp(-mean), abs=0.005)


def test_stochastic_ensemble_mean_is_near_the_mean_field_with_rare_small_shocks():
    """With tiny shock effects the stochastic mean is the mean-field run (a sanity check of the jumps)."""
    setup = Setup((0.2, 0.2, 0.2, 0.5), _drivers(24, seed=8))
    small = {"provocation_effect": 0.001, "incident_trust": 0.001, "incident_arms_control": 0.001,
             "breakthrough_effect": 0.001}
    counts = model.ensemble(setup, 4000, seed=1, params=small)
    np.testing.assert_allclose(counts.total / counts.runs, model.simulate(setup, small), atol=2e-3)


def test_states_at_rejects_months_outside_the_horizon():
    with pytest.raises(ValueError, match="months"):
        model.states_at(Setup((0, 0, 0, 0), _drivers(5)), None, 3, [6])


def test_defaults_unchanged_by_runs():
    before = defaults()
    model.ensemble(Setup((0.1, 0.1, 0.1, 0.1), _drivers(3)), 10)
    assert defaults() == before and len(STOCKS) == 4
