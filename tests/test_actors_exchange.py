"""Tests of the vote-trading exchange model (panmun.actors.exchange)."""

from __future__ import annotations

import numpy as np
import pytest

from panmun.actors.exchange import best_exchange, exchange, kb_inputs, outcomes, utilities
from panmun.errors import InputError


def _two_by_two():
    # actor A: positions (20, 30), saliences (0.9, 0.1); actor B: (80, 70), (0.2, 0.8); c = (1, 1)
    return np.array([[20.0, 30.0], [80.0, 70.0]]), np.array([[0.9, 0.1], [0.2, 0.8]]), np.ones(2)


def test_hand_worked_two_actors_two_issues():
    pos, sal, cap = _two_by_two()
    # Weights w = c s: issue 1: A 0.9, B 0.2 (W = 1.1); issue 2: A 0.1, B 0.8 (W = 0.9).
    # O_1 = (0.9*20 + 0.2*80)/1.1 = 34/1.1 = 30.909...; O_2 = (0.1*30 + 0.8*70)/0.9 = 59/0.9 = 65.556...
    # A cares more about issue 1, B about issue 2, and they sit on opposite sides of both outcomes:
    # A gives on issue 2 (towards 70), B gives on issue 1 (towards 20).
    # Caps on the outcome shifts: a_max = min(|70 - 59/0.9|, (0.1/0.9)*(70-30)) = 40/9
    #                             b_max = min(|20 - 34/1.1|, (0.2/1.1)*(80-20)) = 120/11
    # Equal-gain rate: b = a (s_A2 + s_B2)/(s_A1 + s_B1) = a * 0.9/1.1;
    # a = min(40/9, (120/11) * 1.1/0.9) = 40/9, so b = 40/9 * 0.9/1.1 = 40/11.
    # Moves: A on issue 2: a * W_2/w_A2 = (40/9) * 0.9/0.1 = +40 (30 -> 70);
    #        B on issue 1: b * W_1/w_B1 = (40/11) * 1.1/0.2 = 20 (80 -> 60).
    # Outcomes: O_1 = (0.9*20 + 0.2*60)/1.1 = 30/1.1 = 27.2727...; O_2 = 70.
    # Gain each: a (s_A1 s_B2 - s_A2 s_B1)/(s_A1 + s_B1) = (40/9) * (0.72 - 0.02)/1.1 = 28/9.9.
    r = exchange(pos, sal, cap)
    assert len(r.exchanges) == 1
    e = r.exchanges[0]
    assert (e.giver_k, e.issue_k, e.giver_l, e.issue_l) == (0, 1, 1, 0)
    assert e.move_k == pytest.approx(40.0)
    assert e.move_l == pytest.approx(-20.0)
    assert e.shift_k == pytest.approx(40 / 9)
    assert e.shift_l == pytest.approx(-40 / 11)
    assert e.gain == pytest.approx(28 / 9.9)
    np.testing.assert_allclose(r.initial_outcomes, [34 / 1.1, 59 / 0.9])
    np.testing.assert_allclose(r.outcomes, [30 / 1.1, 70.0])
    np.testing.assert_allclose(r.positions, [[20.0, 70.0], [60.0, 70.0]])
    gain = utilities(pos, sal, r.outcomes) - utilities(pos, sal, r.initial_outcomes)
    np.testing.assert_allclose(gain, [28 / 9.9, 28 / 9.9])
    assert r.linkage.to_dict("records") == [
        {"issue_a": "0", "issue_b": "1", "exchanges": 1, "outcome_shift": pytest.approx(40 / 9 + 40 / 11)}]


def test_no_exchange_when_saliences_proportional():
    pos, _, cap = _two_by_two()
    sal = np.array([[0.6, 0.3], [0.4, 0.2]])  # same ratio 2:1 for both actors
    r = exchange(pos, sal, cap)
    assert r.exchanges == []
    np.testing.assert_array_equal(r.positions, pos)
    assert r.linkage.empty


def _random(seed: int, n: int = 6, m: int = 4):
    rng = np.random.default_rng(seed)
    return rng.uniform(0, 100, (n, m)), rng.uniform(0, 1, (n, m)), rng.uniform(0.1, 10, n)


@pytest.mark.parametrize("seed", range(5))
def test_both_parties_gain_in_every_exchange(seed):
    pos, sal, cap = _random(seed)
    r = exchange(pos, sal, cap)
    assert r.exchanges, "random inputs should admit some exchange"
    voting = pos.copy()
    for e in r.exchanges:
        before = utilities(pos, sal, outcomes(voting, sal, cap))
        voting[e.giver_k, e.issue_k] += e.move_k
        voting[e.giver_l, e.issue_l] += e.move_l
        after = utilities(pos, sal, outcomes(voting, sal, cap))
        gain = after - before
        assert gain[e.giver_k] > 0 and gain[e.giver_l] > 0
        np.testing.assert_allclose(gain[[e.giver_k, e.giver_l]], [e.gain, e.gain], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(voting, r.positions)
    assert np.all((r.positions >= 0) & (r.positions <= 100))
    _, _, _, left = best_exchange(pos, r.positions, sal, cap)
    assert left <= 1e-9 or len(r.exchanges) == 200


def test_deterministic():
    pos, sal, cap = _random(11, n=8, m=5)
    a, b = exchange(pos, sal, cap), exchange(pos, sal, cap)
    np.testing.assert_array_equal(a.positions, b.positions)
    assert a.exchanges == b.exchanges
    assert a.linkage.equals(b.linkage)


def test_round_limit():
    pos, sal, cap = _random(3, n=8, m=5)
    assert len(exchange(pos, sal, cap, max_exchanges=2).exchanges) == 2


def test_bad_input():
    pos, sal, cap = _two_by_two()
    with pytest.raises(InputError, match="salience"):
        exchange(pos, sal * 2, cap)
    with pytest.raises(InputError, match="shapes"):
        exchange(pos, sal[:, :1], cap)


@pytest.mark.slow
def test_kb_issues_as_of_2025():
    actors, issues, pos, sal, cap = kb_inputs("2025-12-31")
    assert {"CHN", "USA", "PRK", "KOR"} <= set(actors) and "denuclearization" in issues
    # IAEA has no coding on cma-restoration: salience 0 there, position = that issue's outcome
    k, a = issues.index("cma-restoration"), actors.index("IAEA")
    assert sal[a, k] == 0 and pos[a, k] == pytest.approx(outcomes(pos, sal, cap)[k])
    r = exchange(pos, sal, cap, issues=issues)
    assert len(r.exchanges) > 0
    table = r.linkage
    assert list(table.columns) == ["issue_a", "issue_b", "exchanges", "outcome_shift"]
    assert table.exchanges.sum() == len(r.exchanges)
    assert set(table.issue_a) | set(table.issue_b) <= set(issues)
    assert (table.issue_a < table.issue_b).all() and table.outcome_shift.is_monotonic_decreasing
    assert np.all((r.positions >= 0) & (r.positions <= 100))
