"""The veto-aware outcome (docs/actors-models.md "Veto players")."""

from __future__ import annotations

import json

import numpy as np
import pytest

from panmun.actors.positions import positions_at
from panmun.actors.roles import predict_all
from panmun.actors.veto import constrain, frame_veto_outcome, issue_veto, veto_outcome, winset
from panmun.errors import InputError

# A (80, s 1, c 3), B (60, s 1, c 1), V (veto holder, s 1, c 1); compromise = (240 + 60 + x_V) / 5
X = np.array([80.0, 60.0, 10.0])
S = np.ones(3)
C = np.array([3.0, 1.0, 1.0])
VETO = np.array([False, False, True])


def test_winset_by_hand():
    assert winset([10.0], 20.0) == (0.0, 20.0)          # |x - 10| <= 10, clipped at 0
    assert winset([40.0], 20.0) == (20.0, 60.0)         # |x - 40| <= 20
    assert winset([40.0, 70.0], 50.0) == (50.0, 50.0)   # [30, 50] and [50, 90]: only the status quo
    assert winset([30.0], 30.0) == (30.0, 30.0)         # a holder at the status quo blocks every move
    assert winset([], 30.0) == (0.0, 100.0)
    assert constrain(62.0, 0.0, 20.0) == 20.0 and constrain(5.0, 20.0, 60.0) == 20.0


def test_hand_worked_small_case():
    # V at 10, status quo 20: compromise 62 -> V accepts only [0, 20] -> 20
    v = veto_outcome(X, S, C, VETO, 20.0, names=["A", "B", "V"])
    assert v.unconstrained == pytest.approx(62.0)
    assert (v.low, v.high) == (0.0, 20.0) and v.outcome == pytest.approx(20.0) and v.binding
    assert v.holders == ["V"]
    # V at 40: compromise 68 -> [20, 60] -> 60
    x = X.copy()
    x[2] = 40.0
    assert veto_outcome(x, S, C, VETO, 20.0).outcome == pytest.approx(60.0)
    # V at 70: compromise 74, winset [20, 120] ∩ scale: the veto does not bind
    x[2] = 70.0
    free = veto_outcome(x, S, C, VETO, 20.0)
    assert free.outcome == pytest.approx(74.0) and not free.binding
    # the weighted median (80) is clipped the same way
    assert veto_outcome(X, S, C, VETO, 20.0, model="median").outcome == pytest.approx(20.0)


def test_veto_outcome_is_the_best_point_of_the_winset_for_the_compromise_objective():
    v = veto_outcome(X, S, C, VETO, 20.0)
    grid = np.linspace(v.low, v.high, 2001)
    loss = ((C * S)[None, :] * (grid[:, None] - X[None, :]) ** 2).sum(axis=1)
    assert v.outcome == pytest.approx(grid[np.argmin(loss)], abs=0.02)


def test_bad_inputs_are_refused():
    with pytest.raises(InputError):
        veto_outcome(X, S, C, [True], 20.0)
    with pytest.raises(InputError):
        veto_outcome(X, S, C, VETO, 120.0)


def test_denuclearization_declares_the_north_as_veto_holder():
    veto = issue_veto("denuclearization")
    assert veto is not None and veto.holders == ["PRK"] and 0 <= veto.status_quo <= 100
    assert veto.basis.position == "IAEA/denuclearization/2025-06-09"
    assert issue_veto("humanitarian-exchange") is None


def test_on_denuclearization_the_outcome_stays_near_the_norths_position():
    frame = positions_at("denuclearization", "2025-12-31")[["actor", "position", "salience", "capability"]]
    veto = issue_veto("denuclearization")
    north = float(frame.set_index("actor").loc["PRK", "position"])
    others = predict_all(frame)
    for model in ("compromise", "median", "nash", "expected-utility"):
        v = frame_veto_outcome(frame, veto.holders, veto.status_quo, model, unconstrained=others[model])
        assert abs(v.outcome - north) <= abs(veto.status_quo - north) + 1e-9
        assert v.outcome <= veto.status_quo + 1e-9 < others[model]      # the weighted models say far more
        assert v.binding


@pytest.mark.slow
def test_cli_bargain_leads_with_the_veto_aware_outcome(cli):
    result = cli("actors", "bargain", "--issue", "denuclearization", "--at", "2025-12-31", "-f", "json")
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    assert list(doc)[0] == "veto"
    assert doc["veto"]["holders"] == ["PRK"] and doc["veto"]["outcome"] <= doc["veto"]["status_quo"]
    assert doc["veto"]["unconstrained"] == pytest.approx(doc["outcome"])
    text = cli("actors", "bargain", "--issue", "denuclearization", "--at", "2025-12-31").out
    assert text.index("veto-aware outcome") < text.index("model")
    # a CSV with --veto and --status-quo; --veto alone is refused
    ok = cli("actors", "bargain", "--issue", "sanctions-relief", "--veto", "USA", "--status-quo", "10",
             "-f", "json")
    assert ok.code == 0, ok.err
    assert json.loads(ok.out)["veto"]["holders"] == ["USA"]
    assert cli("actors", "bargain", "--issue", "sanctions-relief", "--veto", "USA").code == 2
    assert cli("actors", "bargain", "--issue", "denuclearization", "--veto", "XXX").code == 2
    plain = json.loads(cli("actors", "bargain", "--issue", "humanitarian-exchange", "-f", "json").out)
    assert "veto" not in plain


@pytest.mark.slow
def test_cli_positions_shows_the_veto_beside_the_models(cli):
    result = cli("actors", "positions", "--issue", "denuclearization", "--at", "2018-12-31", "--at",
                 "2025-12-31", "-f", "json")
    assert result.code == 0, result.err
    rows = {r["as_of"]: r for r in json.loads(result.out)["outcomes"]}
    assert rows["2025-12-31"]["veto"] <= 5 and rows["2025-12-31"]["compromise"] > 50
    assert rows["2025-12-31"]["veto_holders"] == ["PRK"]
    # 2018: the North's coded position (60, Singapore) prefers the others' bargain to the status quo
    assert rows["2018-12-31"]["veto"] == pytest.approx(rows["2018-12-31"]["compromise"])
