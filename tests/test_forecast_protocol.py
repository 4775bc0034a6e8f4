"""The frozen configuration, the track record, the count and horizon targets, the nuclear-test
target and the plain CSV launch file, on the real record."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest

from panmun.environment.forecast import ForecastSettings, forecast_data, monthly_target, track_record
from panmun.environment.forecast.frozen import frozen_config, periods
from panmun.environment.forecast.nuclear import NUCLEAR_TESTS, nuclear_forecasts, nuclear_months
from panmun.environment.forecast.protocol import STACK_CANDIDATES
from panmun.environment.forecast.targets import read_cns_launches, read_plain_launches

FIXTURES = Path(__file__).parent / "fixtures"
USER_CNS = FIXTURES / "cns_user_sample.csv"
UNTIL = dt.date(2026, 11, 29)


def test_frozen_configuration_is_dated_and_is_what_the_models_use():
    config = frozen_config()
    assert isinstance(config["frozen"], dt.date) and config["version"] >= 1
    assert periods()["selection"] == ("1995-01", "2015-12")
    assert periods()["check"] == ("2016-01", "2021-12")
    assert config["selection_data"]["until"] == dt.date(2015, 12, 31)     # nothing after 2015
    settings = ForecastSettings()
    frozen = config["settings"]
    assert settings.chosen == frozen["chosen"] and settings.window == frozen["window"]
    assert list(settings.stack_components) == frozen["stack_components"]
    # the record of the selection holds the scores that decided, and the choice is their minimum
    trials = config["selection"]
    window = frozen["window"] or 0
    final = [t for t in trials if t["step"] == "d-chosen" and t["window"] == window]
    assert min(final, key=lambda t: t["value"])["model"] == frozen["chosen"]
    stacks = {t["candidate"]: t["value"] for t in trials
              if t["step"] == "c-stack" and t["window"] == window and t["model"] == "stack"
              and t["score"] == "brier"}
    assert list(STACK_CANDIDATES[min(stacks, key=stacks.get)][0]) == frozen["stack_components"]


def test_track_record_running_brier_by_hand():
    import pandas as pd

    forecasts = pd.DataFrame({"month": ["2024-01", "2024-02", "2024-03"], "y": [1, 0, 1], "days": [2, 0, 1],
                              "coverage": "store", "stack": [0.6, 0.3, 0.5], "climatology": [0.4, 0.4, 0.4],
                              "persistence": [0.02, 0.98, 0.02], "markov": [0.5, 0.5, 0.5],
                              "moving-average": [0.5, 0.6, 0.5], "ewma": [0.45, 0.5, 0.45]})
    track, best = track_record(forecasts, "stack", months=3)
    assert best == "markov"                               # (0.25 + 0.25 + 0.25) / 3 is the lowest
    assert track["running_brier_chosen"].tolist() == pytest.approx([0.16, (0.16 + 0.09) / 2,
                                                                   (0.16 + 0.09 + 0.25) / 3])
    assert track["running_brier_baseline"].tolist() == pytest.approx([0.25, 0.25, 0.25])


def test_plain_csv_launch_file_gives_the_same_series_as_the_cns_file(store, tmp_path):
    """The same launches written in panmun's plain CSV layout (a second reader) give the same
    months and launch days."""
    cns = read_cns_launches(USER_CNS)
    plain = tmp_path / "launches.csv"
    with plain.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "date", "actor1", "type", "source_url"])
        for i, row in enumerate(cns.launches.itertuples()):
            kind = "missile-launch" if row.ballistic else "satellite-launch"
            writer.writerow([f"r{i}", row.day.date().isoformat(), "PRK", kind, "https://example.org"])
        writer.writerow(["other", "2019-05-04", "KOR", "missile-launch", "https://example.org"])
        writer.writerow(["talks", "2019-06-30", "PRK", "summit", "https://example.org"])
    a = monthly_target(store, "missile-launch", cns, until=UNTIL).frame
    b = monthly_target(store, "missile-launch", read_plain_launches(plain), until=UNTIL).frame
    assert a[["month", "y", "days"]].equals(b[["month", "y", "days"]])


def test_plain_csv_errors_name_the_line(tmp_path):
    from panmun.errors import InputError

    bad = tmp_path / "bad.csv"
    bad.write_text("date,type\n2019-05-04,missile-launch\n2019-13-01,missile-launch\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.csv:3: date"):
        read_plain_launches(bad)
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("day,kind\n", encoding="utf-8")
    with pytest.raises(InputError, match="missing column"):
        read_plain_launches(wrong)


def test_nuclear_target_and_its_rate_forecast_by_hand(store):
    data = forecast_data(store, "missile-launch", until=UNTIL)
    months = data.series.frame["mi"].to_numpy()
    tests = nuclear_months(store, months, UNTIL)
    assert tests.sum() == len(NUCLEAR_TESTS)              # the store's 2017 test is the same day
    labels = data.series.frame["month"].tolist()
    assert tests[labels.index("2016-09")] == 1 and tests[labels.index("2016-08")] == 0
    p = nuclear_forecasts(tests, ForecastSettings())
    t = labels.index("2018-01")       # window 2008-01..2017-12: test months 2009-05, 2013-02,
    k, n = 5, 120                     # 2016-01, 2016-09, 2017-09
    assert int((tests[t - n:t] > 0).sum()) == k
    assert p["climatology"].iloc[t] == pytest.approx(1 - (n / (n + 12)) ** (k + 0.5))
    assert p["persistence"].iloc[t] == pytest.approx(0.98)   # a test in 2017-09


@pytest.mark.slow
def test_cli_count_horizon_and_nuclear_targets(cli, db_path):
    res = cli("forecast", "backtest", "--target", "launch-days", "--start", "2019-01", "-f", "json")
    assert res.code == 0, res.err
    out = json.loads(res.out)
    assert out["target"] == "launch-days"
    assert {"climatology", "moving-average", "ewma", "dynamic", "regime", "stack"} <= set(out["count_models"])
    assert all(v["crps"] > 0 for v in out["count_models"].values())
    assert {"moving-average", "ewma"} <= set(out["models"])
    assert len(out["track_record"]) == 24 and out["chosen"] == ForecastSettings().chosen
    res = cli("forecast", "backtest", "--target", "launch-6m", "--start", "2019-01", "-f", "csv")
    assert res.code == 0 and res.out.splitlines()[1].startswith("6,")
    res = cli("forecast", "backtest", "--target", "nuclear-test-12m", "--start", "2005-01", "-f", "json")
    assert res.code == 0, res.err
    out = json.loads(res.out)
    assert set(out["models"]) == {"climatology", "climatology-all", "persistence"} and not out["count_models"]
    assert cli("forecast", "backtest", "--target", "coup").code == 2


def test_cli_next_gives_the_headline(cli, db_path):
    res = cli("forecast", "next", "--boot", "20", "-f", "json")
    assert res.code == 0, res.err
    head = json.loads(res.out)["chosen"]
    assert head["lo"] <= head["probability"] <= head["hi"]
    assert head["expected_days_lo"] <= head["expected_days"] <= head["expected_days_hi"] + 1e-9
    assert head["days_lo"] <= head["days_hi"]
    assert head["within_3_months"] <= head["within_6_months"]
    assert np.isclose(sum(w["weight"] for w in json.loads(res.out)["weights"]), 1.0)
