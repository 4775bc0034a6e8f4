"""Alerts and obstacles: hand-worked synthetic cases and what the shipped record shows."""

from __future__ import annotations

import pandas as pd
import pytest

from panmun.environment.alerting import AlertSettings, alerts
from panmun.environment.obstacle_factors import ObstacleSettings, obstacles


def _add(store, rows):
    """Insert synthetic events: (id, date, actor1, actor2, cameo, quad, goldstein)."""
    for id_, date, a1, a2, cameo, quad, g in rows:
        store.con.execute(
            """INSERT INTO events (id, date, actor1, actor2, type, cameo, goldstein, plover, origin,
                                   source, source_id, quad_class, root_code)
               VALUES (?, ?, ?, ?, 'coded', ?, ?, NULL, 'test', 'test', ?, ?, left(?, 2))""",
            [id_, date, a1, a2, cameo, g, id_, quad, cameo])


# 1990 lies before the knowledge base's events (1991 on) and before every agreement with an
# implementation history, so only these synthetic events count.
COOPERATIVE_Q1 = [(f"t-coop-{i}", f"1990-02-0{i}", "KOR", "PRK", "043", 1, 2.8) for i in range(1, 5)]
CONFLICT_Q2 = [
    ("t-conf-1", "1990-05-01", "PRK", "KOR", "190", 4, -10.0),
    ("t-conf-2", "1990-05-02", "PRK", "KOR", "190", 4, -10.0),
    ("t-conf-3", "1990-05-03", "PRK", "KOR", "190", 4, -10.0),
    ("t-conf-4", "1990-05-04", "KOR", "PRK", "173", 4, -5.0),
]


def test_obstacles_hand_worked(store):
    _add(store, COOPERATIVE_Q1 + CONFLICT_Q2)
    out = obstacles(store, since="1990-01-01", until="1990-06-30",
                    settings=ObstacleSettings(dyads=("KOR-PRK",)))
    # net cooperation: Q1 (4 - 0) / 4 = +1.00, Q2 (0 - 4) / 4 = -1.00: a fall of 2.00 >= 0.25
    assert set(out["period"].astype(str)) == {"1990-04-01"}
    assert out["trigger"].iloc[0] == "KOR-PRK net cooperation (test) fell from +1.00 to -1.00"
    actors = out[out["kind"] == "actor"].set_index("factor")["score"]
    # conflict weights: PRK 3 x 10 = 30, KOR 5; shares 30/35 and 5/35
    assert actors["PRK"] == pytest.approx(0.857, abs=1e-3) and actors["KOR"] == pytest.approx(0.143, abs=1e-3)
    prk = out[(out["kind"] == "actor") & (out["factor"] == "PRK")].iloc[0]
    assert prk["events"] == ["t-conf-1", "t-conf-2", "t-conf-3"]
    assert list(out["rank"]) == list(range(1, len(out) + 1))


def test_obstacles_on_the_record_name_the_cma_collapse_and_the_pandemic(store):
    out = obstacles(store, since="2018-01-01", until="2024-12-31")
    q4_2023 = out[out["period"].astype(str) == "2023-10-01"]
    assert not q4_2023.empty and "arms-control implementation fell" in q4_2023["trigger"].iloc[0]
    implementation = q4_2023[q4_2023["kind"] == "implementation"]["factor"].iloc[0]
    assert "cma-2018/1.3" in implementation
    q1_2020 = out[out["period"].astype(str) == "2020-01-01"]
    assert any("pandemic border closure" in f for f in q1_2020["factor"])
    assert all(isinstance(s, list) for s in out["sources"])


def test_threshold_alert_names_its_events(store):
    _add(store, CONFLICT_Q2)
    settings = AlertSettings(kinds=("threshold",), dyads=("KOR-PRK",), net_coop_below=-0.5)
    out = alerts(store, since="1990-01-01", until="1990-12-31", settings=settings)
    assert len(out) == 1
    row = out.iloc[0]
    assert row["value"] == pytest.approx(-1.0) and row["subject"] == "KOR-PRK"
    assert set(row["events"]) == {"t-conf-1", "t-conf-2", "t-conf-3", "t-conf-4"}
    # below the event minimum, nothing fires
    quiet = alerts(store, since="1990-01-01", until="1990-12-31",
                   settings=AlertSettings(kinds=("threshold",), dyads=("KOR-PRK",), min_events=5))
    assert quiet.empty


@pytest.mark.slow
def test_violation_and_forecast_alerts_on_the_record(store):
    out = alerts(store, since="2023-01-01", until="2023-12-31",
                 settings=AlertSettings(kinds=("violation", "forecast-jump")))
    violations = out[out["kind"] == "violation"]
    assert (violations["subject"].str.contains("cma-2018/1.3")).any()       # 22 Nov 2023 suspension
    assert all(len(e) == 1 for e in violations["events"])
    jumps = out[out["kind"] == "forecast-jump"]
    assert (jumps["value"] - 0.2 >= 0).all()
    assert pd.to_datetime(out["date"]).between("2023-01-01", "2023-12-31").all()
