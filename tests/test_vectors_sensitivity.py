"""SALib sensitivity of the deterministic model: finite indices, S1 <= ST, inert factors get zero."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from panmun.vectors.model import Setup, simulate
from panmun.vectors.parameters import DRIVERS
from panmun.vectors.sensitivity import evaluate, problem, sensitivity

SUMMITS = list(DRIVERS).index("summits")
#: With summits at 0 every month, g_summits (g_M M) and t_summits (k_M M) cannot matter.
INERT = ("g_summits", "t_summits")
SUBSET = ("speed_D", "speed_P", "base_D", "base_P", "g_trust", "g_rivalry") + INERT
OUTPUTS = (("denuclearization", 24), ("peace_regime", 24))


def _setup() -> Setup:
    drivers = np.random.default_rng(2).random((25, len(DRIVERS)))
    drivers[:, SUMMITS] = 0.0
    return Setup((0.3, 0.3, 0.2, 0.5), drivers)


@pytest.fixture(scope="module")
def sobol() -> pd.DataFrame:
    return sensitivity(_setup(), OUTPUTS, method="sobol", n=64, seed=1, params_subset=SUBSET,
                       drivers=("rivalry",))


def test_sobol_indices_are_finite_and_first_order_within_total(sobol):
    assert list(sobol.columns) == ["output", "parameter", "S1", "S1_conf", "ST", "ST_conf"]
    assert len(sobol) == len(OUTPUTS) * (len(SUBSET) + 1)
    assert set(sobol["output"]) == {"denuclearization@24", "peace_regime@24"}
    values = sobol[["S1", "S1_conf", "ST", "ST_conf"]].to_numpy()
    assert np.isfinite(values).all()
    # estimates at n = 64 are rough: S1 <= ST within the two confidence half-widths
    assert (sobol["S1"] <= sobol["ST"] + sobol["S1_conf"] + sobol["ST_conf"] + 0.05).all()


def test_inert_parameters_have_zero_total_index(sobol):
    inert = sobol[sobol["parameter"].isin(INERT)]
    assert (inert["ST"].abs() < 1e-9).all() and (inert["S1"].abs() < 1e-9).all()
    active = sobol[~sobol["parameter"].isin(INERT)].groupby("output")["ST"].max()
    assert (active > 0.1).all()


def test_driver_factor_matters(sobol):
    rivalry = sobol[sobol["parameter"] == "driver:rivalry"]
    assert (rivalry["ST"] > 0.001).all()


def test_morris_inert_parameters_have_no_effect():
    frame = sensitivity(_setup(), OUTPUTS, method="morris", n=10, seed=2, params_subset=SUBSET)
    assert list(frame.columns) == ["output", "parameter", "mu_star", "mu_star_conf", "sigma"]
    assert np.isfinite(frame[["mu_star", "mu_star_conf", "sigma"]].to_numpy()).all()
    inert = frame[frame["parameter"].isin(INERT)]
    assert (inert["mu_star"] == 0).all() and (inert["sigma"] == 0).all()
    assert frame[~frame["parameter"].isin(INERT)]["mu_star"].max() > 0.01


def test_evaluate_is_the_deterministic_model_per_sample():
    setup = _setup()
    prob = problem(("speed_P", "g_trust"), drivers=("rivalry",))
    sample = np.array([[0.1, 2.0, 0.0], [0.2, 0.5, -0.2], [0.05, 3.0, 0.25]])
    y = evaluate(setup, prob["names"], sample, OUTPUTS)
    for row, values in zip(sample, y, strict=True):
        drivers = setup.drivers.copy()
        drivers[:, 0] = np.clip(drivers[:, 0] + row[2], 0, 1)
        traj = simulate(Setup(setup.initial, drivers), {"speed_P": row[0], "g_trust": row[1]})
        np.testing.assert_allclose(values, [traj[24, 0], traj[24, 1]], rtol=0, atol=1e-12)


def test_bad_arguments():
    with pytest.raises(ValueError, match="power of 2"):
        sensitivity(_setup(), OUTPUTS, n=50, params_subset=SUBSET)
    with pytest.raises(KeyError):
        sensitivity(_setup(), OUTPUTS, n=8, params_subset=("nope",))
    with pytest.raises(ValueError, match="outside"):
        sensitivity(_setup(), (("trust", 99),), n=8, params_subset=SUBSET)
    with pytest.raises(ValueError, match="method"):
        sensitivity(_setup(), OUTPUTS, method="fast", n=8, params_subset=SUBSET)


def test_fixed_parameters_are_used():
    """A fixed value of a non-factor parameter changes the outputs (here g_exercises)."""
    prob = problem(("speed_P",))
    sample = np.array([[0.1], [0.2]])
    plain = evaluate(_setup(), prob["names"], sample, OUTPUTS)
    fixed = evaluate(_setup(), prob["names"], sample, OUTPUTS, fixed={"g_exercises": 3.0})
    assert (fixed < plain).all()
