"""Calibration of the three-vector model: synthetic recovery, the real record, out of sample."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import panmun
from panmun.vectors.calibrate import (
    DEFAULT_FIT,
    calibrate,
    fit,
    measurement,
    out_of_sample,
    parameter,
    trajectory,
)
from panmun.vectors.history import CYCLE_2018, MIN_INDEX_MONTHS, index_candidates, observed_history
from panmun.vectors.parameters import DRIVERS, VECTORS

from conftest import FIXTURES

pytestmark = pytest.mark.slow

INGEST = FIXTURES / "ingest"
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
    assert x.loc["2018-07", "summits"] in (0, 0.3)                       # talks, or nothing, but no summit
    assert x.loc["2018-05", "exercises"] == 1 and x.loc["2018-07", "exercises"] == 0
    assert 0 < x.loc["2019-06", "exercises"] < 1 and x.loc["2023-03", "exercises"] == 1
    assert x.loc["2019-12", "border_closure"] == 0 and x.loc["2021-06", "border_closure"] == 1
    assert x.loc["2020-01", "border_closure"] == pytest.approx(10 / 31)
    assert x.loc["2023-09", "border_closure"] == 0
    # leaders taking office 2018-01..2025-06 (vectors/data/leaders.yaml): Biden 2021-01, Yoon 2022-05,
    # Trump 2025-01, Lee Jae-myung 2025-06
    assert x["leadership_change"].sum() == 4 and x.loc["2025-06", "leadership_change"] == 1
    assert x.loc["2021-01", "leadership_change"] == 1 and x.loc["2022-05", "leadership_change"] == 1
    assert np.isfinite(h.drivers).all() and ((h.drivers >= 0) & (h.drivers <= 1)).all()
    assert any("judgement" in note for note in h.notes)


@pytest.fixture(scope="module")
def record(store):
    """The calibration on the built-in kb alone (no ingested events)."""
    return calibrate(store)


def test_calibration_on_the_record(record):
    result = record
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
    h = observed_history(store, "2018-01", "2024-12", agreements=CYCLE_2018)
    actual = h.targets.loc["2022-01":, "denuclearization"].to_numpy()
    expected = np.sqrt(np.mean((actual - h.targets.loc["2021-12", "denuclearization"]) ** 2))
    assert table.loc[0, "carry_forward_rmse"] == pytest.approx(expected)


# --- the environment index as a fourth series -------------------------------------------------------------

def synthetic_events_csv(path, first: str = "2018-01", last: str = "2024-12",
                         gap: tuple[str, str] = ("2020-06", "2020-08")) -> int:
    """SYNTHETIC KOR-PRK events in panmun's csv ingest layout (docs/ingest.md): ten a month,
    cooperative (CAMEO 036, 057) falling from 9 to 1 of the ten over 2018-01..2020-07, the rest
    conflictual (111, 190); no events in the ``gap`` months. Not real events."""
    rows = []
    months = pd.period_range(first, last, freq="M")
    for k, month in enumerate(pd.period_range("2018-01", last, freq="M")):
        if month not in months or gap[0] <= str(month) <= gap[1]:
            continue
        coop = int(round(10 * (0.85 - 0.7 * min(k, 30) / 30)))
        for j in range(10):
            cooperative = j < coop
            actors = ("KOR", "PRK") if cooperative else ("PRK", "KOR")
            code = ("036", "057")[j % 2] if cooperative else ("111", "190")[j % 2]
            rows.append({"id": f"syn-{month}-{j}", "date": f"{month}-{1 + 2 * j:02d}", "actor1": actors[0],
                         "actor2": actors[1], "type": "statement", "cameo": code, "plover": "",
                         "goldstein": "", "lat": "", "lon": "", "summary": "SYNTHETIC test event",
                         "source_url": f"https://example.org/synthetic/{month}/{j}"})
    pd.DataFrame(rows).to_csv(path, index=False)
    return len(rows)


def test_measurement_is_least_squares_with_nonnegative_slope():
    trust = np.array([[0.0, 0.0, 0.2], [0.5, 0.5, 0.2], [1.0, 1.0, 0.2]])
    y = np.array([0.1, 0.6, 1.1])
    a, b = measurement(trust, y)
    assert a[0] == pytest.approx(0.1) and b[0] == pytest.approx(1.0)
    # a falling index would need b < 0: the constrained optimum is b = 0, a = mean
    assert b[2] == 0 and a[2] == pytest.approx(0.6)          # flat trust: no slope
    # a falling index would need b < 0: the constrained optimum is b = 0, a = mean
    a, b = measurement(trust[:, :1], y[::-1].copy())
    assert b[0] == 0 and a[0] == pytest.approx(0.6)


def test_index_measurement_is_recovered_on_synthetic_data():
    path, drivers = synthetic_path()
    index = -0.4 + 1.2 * path[:, 3] + np.random.default_rng(3).normal(0.0, 0.03, MONTHS)
    index[30:36] = np.nan                                       # months without events
    result = fit(noisy(path, seed=5), drivers, tuple(TRUTH), index=index, index_source="test")
    plain = fit(noisy(path, seed=5), drivers, tuple(TRUTH))
    m = result.index
    assert result.index_used and not plain.index_used and m.source == "test"
    assert len(m.months) == MONTHS - 6 and result.n_obs == plain.n_obs + MONTHS - 6
    assert abs(m.a + 0.4) < 3 * m.se_a + 0.01 and abs(m.b - 1.2) < 3 * m.se_b + 0.03
    assert m.sigma == pytest.approx(0.03, abs=0.006)
    assert np.allclose(m.fitted.to_numpy(), m.a + m.b * result.fitted["trust"].to_numpy())
    table = result.table().set_index("parameter")
    for name, truth in TRUTH.items():
        assert table.loc[name, "low90"] <= truth <= table.loc[name, "high90"], name
    # trust is observed now, so the initial trust is pinned down better than from D, P, A alone
    se = dict(zip(result.names, result.se, strict=True))
    assert se["trust0"] < dict(zip(plain.names, plain.se, strict=True))["trust0"]


def test_kb_and_out_of_window_events_leave_the_fit_unchanged(store, record, tmp_path):
    # the kb alone has KOR-PRK events in more than 24 months of 2018-2024, yet it is not ingested data
    assert index_candidates(store, observed_history(store).months).columns.empty
    assert not record.index_used and record.index_months == []
    other = panmun.open_store(tmp_path / "other.duckdb")
    try:
        panmun.ingest_file(other, "gdelt1", INGEST / "gdelt1_sample.tsv")   # real GDELT, 1982-2016
        panmun.ingest_file(other, "csv", INGEST / "team_events.csv")        # one KOR-PRK month, 2024-06
        assert index_candidates(other, observed_history(other).months).notna().sum().max() == 1
        result = calibrate(other)
    finally:
        other.close()
    assert not result.index_used
    for name in ("estimate", "se", "sigma", "rmse", "r2"):
        assert np.array_equal(getattr(result, name), getattr(record, name)), name
    assert result.loglik == record.loglik and result.n_obs == record.n_obs
    assert result.fitted.equals(record.fitted)


def test_index_needs_enough_months(tmp_path):
    s = panmun.open_store(tmp_path / "s.duckdb")
    try:
        synthetic_events_csv(tmp_path / "a.csv", "2018-01", f"2019-{MIN_INDEX_MONTHS - 13:02d}", gap=("", ""))
        panmun.ingest_file(s, "csv", tmp_path / "a.csv")
        assert observed_history(s).index is None
        synthetic_events_csv(tmp_path / "b.csv", "2019-12", "2019-12", gap=("", ""))
        panmun.ingest_file(s, "csv", tmp_path / "b.csv")
        h = observed_history(s)
        assert h.index_source == "csv" and h.index.notna().sum() == MIN_INDEX_MONTHS
        assert any("environment index" in note for note in h.notes)
    finally:
        s.close()


def test_ingested_index_enters_the_calibration(record, tmp_path):
    s = panmun.open_store(tmp_path / "s.duckdb")
    try:
        n = synthetic_events_csv(tmp_path / "e.csv")
        assert panmun.ingest_file(s, "csv", tmp_path / "e.csv").events == n == 810
        result = calibrate(s)
    finally:
        s.close()
    m = result.index
    assert result.index_used and m.source == "csv"
    assert len(result.index_months) == 81 and result.index_months[0] == "2018-01"
    assert "2020-07" not in result.index_months and result.n_obs == record.n_obs + 81
    assert m.b >= 0 and np.isfinite([m.a, m.b, m.se_a, m.se_b, m.sigma, m.rmse]).all()
    assert list(m.table()["parameter"]) == ["index_a", "index_b", "index_sigma"]
    # the synthetic index falls as the fitted trust falls: a positive slope that fits well
    assert m.b > 0 and m.r2 > 0.5
    assert np.isnan(m.observed.loc["2020-07"]) and m.observed.loc["2018-01"] == pytest.approx(0.6)
    assert not np.allclose(result.estimate, record.estimate)
    # the vectors are fitted about as well as without the index (now that the drivers come from the kb,
    # the peace regime's R^2 is near 0 with and without it)
    assert (result.r2 > record.r2 - 0.1).all()
