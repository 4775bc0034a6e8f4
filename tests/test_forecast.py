"""Escalation forecasts: targets, features, models, metrics, the rolling-origin backtest,
the CLI and the briefing section."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import average_precision_score, brier_score_loss, log_loss

from panmun.environment.forecast import ForecastSettings, forecast_data, monthly_target, predict_next
from panmun.environment.forecast import metrics as m
from panmun.environment.forecast.backtest import paths_for, run_backtest
from panmun.environment.forecast.features import history_features
from panmun.environment.forecast.models import climatology, fit_logistic, markov, persistence
from panmun.environment.forecast.targets import read_cns_launches
from panmun.errors import InputError
from panmun.months import last_full_month, month_index, parse_month

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).parent / "fixtures"
USER_CNS = FIXTURES / "cns_user_sample.csv"
SCORE_KEYS = {"brier", "log_loss", "auc_pr", "bss_climatology", "bss_persistence"}


# --- metrics: a hand-worked case and scikit-learn as the second implementation ---------------

def test_metrics_on_a_hand_worked_four_month_case():
    p = np.array([0.1, 0.8, 0.4, 0.6])
    y = np.array([0, 1, 1, 0])
    # Brier: (0.1² + 0.2² + 0.6² + 0.6²) / 4 = 0.77 / 4
    assert m.brier_score(p, y) == pytest.approx(0.1925)
    # log loss: −(ln 0.9 + ln 0.8 + ln 0.4 + ln 0.4) / 4
    assert m.log_loss(p, y) == pytest.approx(-(math.log(0.9) + math.log(0.8) + 2 * math.log(0.4)) / 4)
    # ranked 0.8 (hit), 0.6 (miss), 0.4 (hit), 0.1: precision 1 at recall ½, 2/3 at recall 1
    assert m.average_precision(p, y) == pytest.approx(0.5 * 1 + 0.5 * 2 / 3)
    # against a constant 0.5 forecast (Brier 0.25): 1 − 0.1925 / 0.25
    assert m.brier_skill(0.1925, 0.25) == pytest.approx(0.23)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_metrics_match_scikit_learn(seed):
    rng = np.random.default_rng(seed)
    y = (rng.random(300) < 0.3).astype(int)
    p = np.round(np.clip(0.3 * y + 0.7 * rng.random(300), 0.001, 0.999), 2)   # rounding makes ties
    assert m.brier_score(p, y) == pytest.approx(brier_score_loss(y, p), rel=1e-12)
    assert m.log_loss(p, y) == pytest.approx(log_loss(y, p), rel=1e-12)
    assert m.average_precision(p, y) == pytest.approx(average_precision_score(y, p), rel=1e-12)


def test_average_precision_is_undefined_without_events():
    assert math.isnan(m.average_precision([0.2, 0.4], [0, 0]))


def test_reliability_table_counts_every_forecast_once_and_is_right_on_a_small_case():
    p = np.array([0.05, 0.05, 0.15, 0.95, 1.0])
    y = np.array([0, 1, 0, 1, 1])
    table = m.reliability_table(p, y, bins=10)
    assert table["n"].sum() == 5
    first, last = table.iloc[0], table.iloc[9]
    assert (first.n, first.events, first.observed, first.mean_forecast) == (2, 1, 0.5, pytest.approx(0.05))
    assert (last.n, last.observed) == (2, 1.0)       # 1.0 lands in the top bin
    assert first.observed_lo < 0.5 < first.observed_hi


def test_wilson_interval_matches_its_formula():
    lo, hi = m.wilson_interval(np.array([3]), np.array([10]))
    z = m.Z90
    centre = (3 + z * z / 2) / (10 + z * z)
    half = z * math.sqrt(3 * 7 / 10 + z * z / 4) / (10 + z * z)
    assert (lo[0], hi[0]) == (pytest.approx(centre - half), pytest.approx(centre + half))


# --- models and features ------------------------------------------------------------------

def test_baselines_on_hand_worked_cases():
    assert climatology(np.array([1, 0, 0, 1])) == pytest.approx(2.5 / 5)
    assert persistence(np.array([0, 1]), 0.02).tolist() == pytest.approx([0.02, 0.98])
    # transitions of 1,1,0,0,1: from 1 → (1, 0); from 0 → (0, 1)
    y = np.array([1, 1, 0, 0, 1])
    lag = np.array([0, 1, 1, 0, 0])
    assert markov(lag, y, np.array([1, 0])).tolist() == pytest.approx([(1 + 0.5) / 3, (2 + 0.5) / 4])


def _history_reference(y: list[int], days: list[int]) -> list[dict]:
    """A plain loop over months, written independently of the vectorised code."""
    rows = []
    lam = 2 ** (-1 / 3)
    for t in range(len(y) + 1):
        past = y[:t]
        row = {"lag1": past[-1] if past else 0}
        for k in (3, 6, 12):
            row[f"frac{k}"] = sum(past[-k:]) / k
        hits = [i for i, v in enumerate(past) if v]
        row["log_months_since"] = math.log(t - hits[-1]) if hits else math.log(t + 1)
        for k in (1, 3, 6):
            row[f"log_days{k}"] = math.log(1 + sum(days[max(0, t - k):t]))
        row["ewma3"] = (1 - lam) * sum(lam ** (i - 1) * y[t - i] for i in range(1, t + 1))
        rows.append(row)
    return rows


def test_history_features_match_a_plain_loop():
    rng = np.random.default_rng(7)
    y = (rng.random(40) < 0.35).astype(int)
    days = (y * rng.integers(1, 5, size=40)).tolist()
    got = history_features(y, np.array(days)).to_dict(orient="records")
    for a, b in zip(got, _history_reference(y.tolist(), days), strict=True):
        assert a == pytest.approx(b)


def test_logistic_fit_satisfies_its_optimality_conditions():
    """At the penalised optimum: Σ(p − y) = 0 (free intercept) and Zᵀ(p − y) + β/C = 0."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=(150, 4)) * [1, 2, 0.5, 3] + [0, 1, 2, 3]
    y = (rng.random(150) < 1 / (1 + np.exp(-(x[:, 0] - 0.5 * x[:, 1])))).astype(int)
    c = 0.7
    fit = fit_logistic(x, y, ("a", "b", "c", "d"), c)
    z = (x - x.mean(axis=0)) / x.std(axis=0)
    p = fit.predict(x)
    assert abs(np.sum(p - y)) < 1e-6
    np.testing.assert_allclose(z.T @ (p - y) + fit.coef / c, 0, atol=1e-6)
    contrib = fit.contributions(x[0])
    assert fit.intercept + contrib["contribution"].sum() == pytest.approx(np.log(p[0] / (1 - p[0])))


def test_logistic_falls_back_to_climatology_when_training_has_one_outcome():
    fit = fit_logistic(np.zeros((10, 2)), np.zeros(10, dtype=int), ("a", "b"), 1.0)
    assert fit.degenerate and fit.predict(np.zeros(2))[0] == pytest.approx(0.5 / 11)


def test_months():
    assert month_index(dt.date(2018, 4, 27)) == 2018 * 12 + 3
    assert parse_month("2010-01", "--start") == 2010 * 12
    assert last_full_month(dt.date(2024, 6, 30)) == month_index(dt.date(2024, 6, 1))
    assert last_full_month(dt.date(2024, 6, 29)) == month_index(dt.date(2024, 5, 1))
    with pytest.raises(InputError, match="--start '2010-13'"):
        parse_month("2010-13", "--start")


# --- targets from the shipped CNS file and the store ---------------------------------------

def _y(series, month: str) -> int:
    return int(series.frame.set_index("month").loc[month, "y"])


def test_missile_target_reads_cns_then_the_store(store):
    s = monthly_target(store, "missile-launch", until=dt.date(2026, 11, 29))
    cov = s.coverage.set_index("record")
    assert (cov.loc["cns", "first"], cov.loc["cns", "last"]) == ("1984-04", "2021-10")
    assert cov.loc["store", "first"] == "2021-11"
    assert s.cns_month_only == 8                 # 'Sep-84' ... 'Jun-92' still give their month
    assert _y(s, "1984-09") == 1                  # known only from month-only rows
    assert _y(s, "2012-12") == 0                  # Unha-3 is a space launch vehicle: left out
    assert _y(s, "2017-07") == 1 and _y(s, "2018-06") == 0
    assert _y(s, "2022-03") == 1                  # from the curated record (2022-03-24 ICBM)
    incident_only = store.query(
        """SELECT DISTINCT strftime(date, '%Y-%m') AS month FROM events
           WHERE actor1 = 'PRK' AND type = 'border-incident' AND date > '2021-10-31'
             AND strftime(date, '%Y-%m') NOT IN (SELECT strftime(date, '%Y-%m') FROM events
                                                 WHERE actor1 = 'PRK' AND type = 'missile-launch')""")
    for month in incident_only["month"]:
        assert _y(s, month) == 0                  # a border incident, not a launch
    frame = s.frame.set_index("month")
    assert (frame.loc["2006-07", "days"], frame.loc["2006-07", "cns_rows"]) == (1, 6)   # one salvo day
    assert frame.loc["1993-05", "days"] == 2      # 29 and 30 May 1993
    assert ((frame["days"] > 0) == (frame["y"] == 1)).all()
    check = s.kb_check                            # counts depend on the knowledge base: none fixed
    assert 0 < check["kb_lists"] <= check["cns_launch_months"]
    assert check["kb_launch_months_after_cns"] == int(s.frame.loc[s.frame["coverage"] == "store", "y"].sum())


def test_provocation_target_adds_space_launches_tests_and_border_incidents(store):
    s = monthly_target(store, "provocation", until=dt.date(2026, 11, 29))
    assert _y(s, "2012-12") == 1                  # CNS SLV row
    assert _y(s, "2020-05") == 1                  # kb: DPRK shots at a ROK guard post
    assert _y(s, "2024-01") == 1                  # kb: coastal artillery into the buffer zone
    m = monthly_target(store, "missile-launch", until=dt.date(2026, 11, 29))
    assert (s.frame["y"] >= m.frame["y"]).all()


def test_series_stops_at_the_last_full_month_before_until(store):
    s = monthly_target(store, "missile-launch", until=dt.date(2019, 8, 15))
    assert s.frame["month"].iloc[-1] == "2019-07"


def test_ingested_cns_rows_extend_the_cns_record(store):
    store.con.execute(
        """INSERT INTO events (id, date, actor1, type, origin, source, source_id)
           VALUES ('test-cns-1', DATE '2022-02-27', 'PRK', 'missile-launch', 'test', 'cns-missiles', 'x1')""")
    s = monthly_target(store, "missile-launch", until=dt.date(2026, 11, 29))
    cov = s.coverage.set_index("record")
    assert cov.loc["cns", "last"] == "2022-02" and _y(s, "2022-02") == 1


def test_unknown_target_is_an_input_error(store):
    with pytest.raises(InputError, match="choose one of: missile-launch, provocation"):
        monthly_target(store, "coup")


# --- the backtest --------------------------------------------------------------------------

def _flipped(data, pos: int):
    """The same data with month ``pos``'s outcome flipped (and its launch days to match)."""
    frame = data.series.frame.copy()
    frame.loc[pos, "y"] = 1 - frame.loc[pos, "y"]
    frame.loc[pos, "days"] = int(frame.loc[pos, "y"]) * 2
    return dataclasses.replace(data, series=dataclasses.replace(data.series, frame=frame))


def test_no_forecast_at_t_reads_month_t_or_later(store):
    """Flipping month T's outcome leaves every model's forecast (probability, launch-day
    distribution, h-month probability, combination weights, per-origin choices) for months
    up to T unchanged, and changes later ones."""
    data = forecast_data(store, "missile-launch", until=dt.date(2026, 11, 29))
    frame = data.series.frame
    first = int(np.flatnonzero(frame["month"] == "2015-01")[0])
    last, flip = first + 30, first + 18
    settings = ForecastSettings()
    before = paths_for(data, first, last, settings)
    after = paths_for(_flipped(data, flip), first, last, settings)
    upto = before.positions <= flip
    pd.testing.assert_frame_equal(before.binary[upto], after.binary[upto])
    for model, pmf in before.counts.items():
        np.testing.assert_array_equal(pmf[upto], after.counts[model][upto], err_msg=model)
    for h, frame_h in before.horizons.items():
        pd.testing.assert_frame_equal(frame_h[upto], after.horizons[h][upto])
    pd.testing.assert_frame_equal(before.weights[upto], after.weights[upto])
    pd.testing.assert_frame_equal(before.choices[upto], after.choices[upto])
    later = ~upto
    for model in ("logistic", "dynamic", "ewma", "markov"):
        assert not np.allclose(before.binary.loc[later, model], after.binary.loc[later, model]), model
    assert not np.allclose(before.counts["dynamic"][later], after.counts["dynamic"][later])


def test_forecasts_do_not_depend_on_where_the_backtest_starts(store):
    data = forecast_data(store, "missile-launch", until=dt.date(2019, 12, 31))
    frame = data.series.frame
    a = int(np.flatnonzero(frame["month"] == "2017-01")[0])
    settings = ForecastSettings()
    early = paths_for(data, a - 14, a + 6, settings)
    late = paths_for(data, a, a + 6, settings)
    pd.testing.assert_frame_equal(early.binary.loc[a:], late.binary)
    np.testing.assert_allclose(early.counts["stack"][-7:], late.counts["stack"])


def test_run_backtest_scores_and_reliability(store):
    data = forecast_data(store, "missile-launch", until=dt.date(2026, 11, 29))
    r = run_backtest(data, "2012-01", "2021-10")
    assert r.n_months == 118 and r.end == "2021-10"
    assert set(r.scores["model"]) == {"climatology", "persistence", "markov", "moving-average", "ewma",
                                      "dynamic", "regime", "logistic", "logistic-history", "stack"}
    assert r.best_baseline in {"climatology", "persistence", "markov", "moving-average", "ewma"}
    best = r.scores.set_index("model")["brier"]
    assert best[r.best_baseline] == min(best[m] for m in ("climatology", "persistence", "markov",
                                                          "moving-average", "ewma"))
    row = r.scores.set_index("model").loc["logistic"]
    f = r.forecasts
    assert row["brier"] == pytest.approx(brier_score_loss(f["y"], f["logistic"]))
    assert row["bss_persistence"] == pytest.approx(
        1 - brier_score_loss(f["y"], f["logistic"]) / brier_score_loss(f["y"], f["persistence"]))
    assert row["bss_climatology_lo"] <= row["bss_climatology"] <= row["bss_climatology_hi"]
    rel = r.reliability[r.reliability["model"] == "logistic"]
    assert rel["n"].sum() == r.n_months and rel["events"].sum() == r.n_positive
    assert (f["coverage"] == "cns").all()


def test_backtest_start_needs_training_months(store):
    data = forecast_data(store, "missile-launch", USER_CNS, until=dt.date(2026, 11, 29))
    with pytest.raises(InputError, match="fewer than 24 training months"):
        run_backtest(data, "2016-06")


def test_next_month_forecast_explains_the_logistic_probability(store):
    data = forecast_data(store, "missile-launch", until=dt.date(2024, 6, 30))
    nxt = predict_next(data, ForecastSettings(next_boot=30))
    assert (nxt.month, nxt.data_through) == ("2024-07", "2024-06")
    probs = nxt.probabilities.set_index("model")
    p = probs.loc["logistic", "probability"]
    logit = nxt.intercept + nxt.contributions["contribution"].sum()
    assert p == pytest.approx(1 / (1 + math.exp(-logit)))
    assert probs.loc["persistence", "probability"] == pytest.approx(0.98)   # launch on 2024-06-26
    lo, hi = probs.loc["climatology", ["lo", "hi"]]
    assert lo < probs.loc["climatology", "probability"] < hi


# --- the command line ----------------------------------------------------------------------

def test_cli_backtest_json(cli, db_path):
    res = cli("forecast", "backtest", "--target", "missile-launch", "--start", "2010-01", "-f", "json")
    assert res.code == 0, res.err
    out = json.loads(res.out)
    assert out["n_months"] > 150 and out["start"] == "2010-01"
    assert set(out["models"]) >= {"climatology", "persistence", "logistic"}
    for scores in out["models"].values():
        assert SCORE_KEYS <= set(scores)
    assert {"model", "lo", "hi", "n", "observed", "mean_forecast"} <= set(out["reliability"][0])


def test_cli_backtest_with_a_users_cns_file(cli, db_path):
    res = cli("forecast", "backtest", "--data", str(USER_CNS), "--data-format", "cns-missiles",
              "--start", "2019-01", "-f", "json")
    assert res.code == 0, res.err
    out = json.loads(res.out)
    assert out["cns_file"].endswith("cns_user_sample.csv")
    cns = next(c for c in out["coverage"] if c["record"] == "cns")
    assert (cns["first"], cns["last"]) == ("2016-02", "2021-10")
    assert out["start"] == "2019-01" and SCORE_KEYS <= set(out["models"]["logistic"])
    table = cli("forecast", "backtest", "--data", str(USER_CNS), "--start", "2019-01", "--end", "2021-10")
    assert table.code == 0 and "logistic-history" in table.out and "Reliability" in table.out


def test_cli_next_formats(cli, db_path):
    res = cli("forecast", "next", "--target", "provocation", "--boot", "20", "-f", "json")
    assert res.code == 0, res.err
    out = json.loads(res.out)
    assert set(out["models"]) >= {"climatology", "persistence", "logistic"}
    assert out["contributions"] and {"feature", "coef", "contribution"} <= set(out["contributions"][0])
    assert out["settings"]["next_boot"] == 20
    table = cli("forecast", "next", "--boot", "20", "--top", "3")
    assert table.code == 0 and "Top contributions" in table.out


def _write_bad_cns(path: Path) -> Path:
    lines = USER_CNS.read_bytes().decode("latin-1").splitlines(keepends=True)
    header = lines[0]
    good = "1,14-May-17,1-Jan-18,,Hwasong-12,IRBM" + ",x" * 13 + "\r\n"
    bad = "2,31-Foo-17,1-Jan-18,,Hwasong-12,IRBM" + ",x" * 13 + "\r\n"
    path.write_bytes((header + good + bad).encode("latin-1"))
    return path


def test_malformed_data_file_names_file_and_line(cli, db_path, tmp_path):
    bad = _write_bad_cns(tmp_path / "mine.csv")
    res = cli("forecast", "backtest", "--data", str(bad), "-f", "json")
    assert res.code == 2
    assert f"{bad}:3: Date" in res.err and "31-Foo-17" in res.err
    with pytest.raises(InputError, match=r"mine\.csv:3"):
        read_cns_launches(bad)


def test_wrong_layout_missing_file_and_bad_options_are_refused(cli, db_path, tmp_path):
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n", encoding="utf-8")
    res = cli("forecast", "backtest", "--data", str(other))
    assert res.code == 2 and "line 1" in res.err and "other.csv" in res.err
    res = cli("forecast", "next", "--data", str(tmp_path / "missing.csv"))
    assert res.code == 4 and "missing.csv" in res.err      # a missing file is "not found", as for ingest
    res = cli("forecast", "backtest", "--data-format", "gdelt2")
    assert res.code == 2 and "cns-missiles" in res.err
    res = cli("forecast", "backtest", "--start", "2010-13")
    assert res.code == 2 and "--start" in res.err
    res = cli("forecast", "backtest", "--end", "2099-01")
    assert res.code == 2 and "last month with data" in res.err
    res = cli("forecast", "next", "--boot", "3")
    assert res.code == 2 and "--boot" in res.err


# --- the briefing section ------------------------------------------------------------------

def test_forecast_section_renders(store, tmp_path):
    from panmun.report.briefing import Briefing
    from panmun.report.forecast_section import forecast_section
    from panmun.report.render import render_html

    section = forecast_section(store, dt.date(2024, 6, 30))
    assert section.id == "forecast" and section.template == "forecast.html.j2"
    assert section.data["reliability_chart"].startswith("<svg")
    assert [t["name"] for t in section.data["targets"]] == ["missile-launch", "provocation"]
    html = render_html(Briefing(dt.date(2024, 6, 30), dt.datetime(2024, 7, 1), "test", [], [section]))
    assert "Escalation forecasts" in html and "2024-07" in html and "BSS vs persistence" in html
    assert dataclasses.is_dataclass(section.data["backtest"])
