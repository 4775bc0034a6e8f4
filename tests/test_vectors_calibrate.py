"""Calibration of the three-vector model: synthetic recovery, the real record, out of sample."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import panmun
from panmun.vectors.calibrate import DEFAULT_FIT, calibrate, fit, out_of_sample, parameter, trajectory
from panmun.vectors.history import observed_history
from panmun.vectors.parameters import DRIVERS, VECTORS

MONTHS = 84
#: the parameters of the synthetic world (the rest at their defaults)
TRUTH = {"speed_D": 0.05, "speed_P": 0.08, "speed_A": 0.10, "base_D": -0.3, "base_P": -0.2, "base_A": -0.1,
         "g_summits": 1.5, "trust0": 0.4}


def synthetic_drivers() -> np.ndarray:
    """Seven years of hand-made drivers: a summit season, exercises off and back, a closure."""
    x = np.zeros((MONTHS, len(DRIVERS)))
    col = {name: i for i, name in enumerate(DRIVERS)}
    x[:, col["rivalry"]] = 0.6
    x[:, col["sanctions"]] = 0.8
    x[25:67, col["border_closure"]] = 1.0
    x[[3, 4, 5, 8, 13, 15, 18], col["summits"]] = 1.0
    x[:, col["exercises"]] = 1.0
    x[5:14, col["exercises"]] = 0.0
    x[14:55, col["exercises"]] = 0.3
    ramp = np.concatenate([np.linspace(0.0, 0.45, 12), np.full(MONTHS - 12, 0.4)])
    x[:, col["exchange"]] = ramp - np.where(np.arange(MONTHS) > 60, 0.2, 0.0)
    return x


def synthetic_path() -> tuple[np.ndarray, np.ndarray]:
    drivers = synthetic_drivers()
    params = {k: v for k, v in TRUTH.items() if k != "trust0"}
    return trajectory((0.05, 0.05, 0.05, TRUTH["trust0"]), drivers, params), drivers


def noisy(path: np.ndarray, seed: int, sd: float = 0.01) -> np.ndarray:
    obs = path[:, :3] + np.random.default_rng(seed).normal(0.0, sd, (MONTHS, 3))
    obs[0] = path[0, :3]                 # the start is taken as observed exactly
    return obs


def test_noise_free_fit_returns_the_true_parameters():
    path, drivers = synthetic_path()
    result = fit(path[:, :3], drivers, tuple(TRUTH))
    for name, value in zip(result.names, result.estimate, strict=True):
        assert value == pytest.approx(TRUTH[name], abs=1e-4), name


def test_recovers_known_parameters_within_their_intervals():
    path, drivers = synthetic_path()
    result = fit(noisy(path, seed=5), drivers, tuple(TRUTH))
    table = result.table().set_index("parameter")
    for name, truth in TRUTH.items():
        row = table.loc[name]
        assert row.low90 <= truth <= row.high90, name
        assert row.identifiable, name
    # the ML noise estimate is close to the 0.01 that was added; the fit is near perfect
    assert np.allclose(result.sigma, 0.01, atol=0.002)
    assert (result.r2 > 0.99).all()
    assert result.unidentified == []


def test_ninety_percent_intervals_cover_about_ninety_percent():
    path, drivers = synthetic_path()
    truth = np.array(list(TRUTH.values()))
    covered = []
    for seed in range(8):
        result = fit(noisy(path, seed), drivers, tuple(TRUTH))
        covered.append((result.low90 <= truth) & (truth <= result.high90))
    assert 0.75 <= np.mean(covered) <= 0.98


def test_parameter_that_does_not_matter_is_flagged_unidentifiable():
    # with no breakthroughs possible, eta cannot be learnt from the data
    path, drivers = synthetic_path()
    fixed = {"breakthrough_rate": 0.0}
    result = fit(noisy(path, seed=5), drivers, ("speed_D", "base_D", "breakthrough_effect"), fixed=fixed)
    table = result.table().set_index("parameter")
    assert not table.loc["breakthrough_effect", "identifiable"]
    assert table.loc["breakthrough_effect", "low90"] == parameter("breakthrough_effect").low
    assert any("breakthrough_effect" in text for text in result.unidentified)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = panmun.open_store(tmp_path_factory.mktemp("cal") / "s.duckdb")
    yield s
    s.close()


def test_history_codes_the_kb_drivers(store):
    h = observed_history(store, "2018-01", "2025-06")
    x = h.driver_frame()
    assert isinstance(h.months, pd.PeriodIndex) and h.drivers.shape == (90, 7)
    assert list(h.targets.columns) == list(VECTORS)
    assert x.loc["2018-04", "summits"] == 1 and x.loc["2018-06", "summits"] == 1
    assert x.loc["2018-07", "summits"] == 0
    assert x.loc["2018-05", "exercises"] == 1 and x.loc["2018-07", "exercises"] == 0
    assert 0 < x.loc["2019-06", "exercises"] < 1 and x.loc["2023-03", "exercises"] == 1
    assert x.loc["2019-12", "border_closure"] == 0 and x.loc["2021-06", "border_closure"] == 1
    assert x.loc["2020-01", "border_closure"] == pytest.approx(10 / 31)
    assert x.loc["2023-09", "border_closure"] == 0
    # the only ROK/US leader taking office in the kb up to mid-2025 is Lee Jae-myung, June 2025
    assert x["leadership_change"].sum() == 1 and x.loc["2025-06", "leadership_change"] == 1
    assert np.isfinite(h.drivers).all() and ((h.drivers >= 0) & (h.drivers <= 1)).all()
    assert any("judgement" in note for note in h.notes)


def test_calibration_on_the_record(store):
    result = calibrate(store)
    table = result.table()
    assert list(table["parameter"]) == list(DEFAULT_FIT)
    assert np.isfinite(table[["estimate", "low90", "high90"]].to_numpy()).all()
    assert ((table["low"] <= table["estimate"]) & (table["estimate"] <= table["high"])).all()
    assert ((table["low90"] <= table["estimate"]) & (table["estimate"] <= table["high90"])).all()
    assert len(result.fitted) == 84 and np.isfinite(result.rmse).all()
    # the fit is better than the flat line at each vector's mean
    assert (result.r2 > 0).all()


def test_out_of_sample_reports_both_errors(store):
    table = out_of_sample(store)
    assert list(table["vector"]) == [*VECTORS, "all"]
    assert (table["months"] == 36).all()
    for column in ("model_rmse", "carry_forward_rmse"):
        assert np.isfinite(table[column]).all() and (table[column] >= 0).all()
    # carry-forward from 2021-12: hand-check for denuclearization (0.10 held; 0.10 twice, then 0)
    h = observed_history(store, "2018-01", "2024-12")
    actual = h.targets.loc["2022-01":, "denuclearization"].to_numpy()
    expected = np.sqrt(np.mean((actual - h.targets.loc["2021-12", "denuclearization"]) ** 2))
    assert table.loc[0, "carry_forward_rmse"] == pytest.approx(expected)
