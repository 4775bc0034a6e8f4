"""Bargaining models: compromise, weighted median, Nash, and the expected-utility model.

Reference cases (see docs/actors-models.md for sources and tolerances):
* Greece/EU debt case, muratk3n/thirdwave en/2015/07/mesquita-game-theory.md: published
  "mean voter 82" (Python 2 integer division of the weighted mean) and weighted median 100.
* EU emissions case of Bueno de Mesquita (1994) as used by Scholz et al. (2011), input from
  jmckib/bdm-scholz-expected-utility-model ExampleActors.csv; full 10-round published run
  in dmasad/bdm-scholz-expected-utility-model Example.log (variant "scholz_code").
"""

from __future__ import annotations

import numpy as np
import pytest

from panmun.actors.expected_utility import (
    COMPROMISE,
    CONFRONTATION,
    _reference_positions,
    expected_utility,
    risk_exponents,
    win_probability,
)
from panmun.actors.models import check_inputs, compromise, nash, weighted_median
from panmun.errors import InputError

# Greece/EU 2015 (clout, position, salience on 0-100 scales), thirdwave blog post.
GREECE_C = np.array([100, 30, 20, 10, 100, 70, 70, 70, 50, 20, 20], dtype=float)
GREECE_X = np.array([40, 60, 70, 80, 100, 100, 100, 100, 100, 100, 100], dtype=float)
GREECE_S = np.array([100, 100, 100, 100, 80, 100, 40, 40, 100, 70, 100], dtype=float) / 100

# EU emissions (BdM 1994 / Scholz et al. 2011), jmckib ExampleActors.csv, in file order.
EU_NAMES = ["Netherlands", "Belgium", "Luxembourg", "Germany", "France", "Italy", "UK", "Ireland",
            "Denmark", "Greece"]
EU_C = np.array([0.08, 0.08, 0.03, 0.16, 0.16, 0.16, 0.16, 0.05, 0.05, 0.08])
EU_X = np.array([4, 7, 4, 4, 10, 10, 10, 7, 4, 7], dtype=float)
EU_S = np.array([0.8, 0.4, 0.2, 0.8, 0.6, 0.6, 0.9, 0.1, 1.0, 0.7])

# Example.log: (round, actor, kind, sender, new position) for every move, rounds 1-10.
EXAMPLE_LOG = [
    (1, "Belgium", "France", 8.415932315426764), (1, "Luxembourg", "Belgium", 7.0),
    (1, "Ireland", "Luxembourg", 4.0),
    (2, "Belgium", "France", 9.610859134120188), (2, "Luxembourg", "Belgium", 8.415932315426764),
    (2, "Ireland", "Luxembourg", 7.0),
    (3, "Belgium", "France", 9.961979590401311), (3, "Luxembourg", "Belgium", 9.610859134120188),
    (3, "Ireland", "Luxembourg", 8.415932315426764),
    (4, "Belgium", "Netherlands", 4.800881140632622), (4, "Luxembourg", "Belgium", 9.961979590401311),
    (4, "Ireland", "Luxembourg", 9.610859134120188),
    (5, "Belgium", "France", 5.524237694197356), (5, "Luxembourg", "Belgium", 4.800881140632622),
    (5, "Ireland", "Luxembourg", 9.961979590401311),
    (6, "Belgium", "France", 7.47204636191629), (6, "Luxembourg", "Belgium", 5.524237694197356),
    (6, "Ireland", "Belgium", 5.524237694197356),
    (7, "Belgium", "France", 8.824593855262423), (7, "Luxembourg", "Belgium", 7.47204636191629),
    (7, "Ireland", "Belgium", 7.47204636191629),
    (8, "Belgium", "France", 9.671129769802048), (8, "Luxembourg", "Belgium", 8.824593855262423),
    (8, "Ireland", "Belgium", 8.824593855262423),
    (9, "Belgium", "Netherlands", 4.144849062500606), (9, "Luxembourg", "Belgium", 9.671129769802048),
    (9, "Ireland", "Belgium", 9.671129769802048),
    (10, "Belgium", "France", 4.291541224979646), (10, "Luxembourg", "Belgium", 4.144849062500606),
    (10, "Ireland", "Belgium", 4.144849062500606),
]
EXAMPLE_MEANS = [7.389955686853767, 7.461314378277189, 7.552500865855845, 7.590144997451547,
                 7.358130531334201, 7.3491739896752115, 7.414877545372958, 7.510457183677219,
                 7.5724470975503, 7.324989065683666, 7.242130958473938]


# --- compromise and weighted median -------------------------------------------------------

def test_greece_published_mean_and_median():
    mean = compromise(GREECE_X, GREECE_S, GREECE_C)
    assert mean == pytest.approx(3_700_000 / 45_000, rel=1e-12)  # hand-worked: 82.22
    assert int(mean) == 82  # published "mean voter 82" (integer division)
    assert weighted_median(GREECE_X, GREECE_S, GREECE_C) == 100.0  # published "weighted mode 100.0"


def test_eu_initial_mean_and_median_published():
    # Example.log line 1-2: "Median position: 7.0", "Mean position: 7.389955686853767"
    assert compromise(EU_X, EU_S, EU_C) == pytest.approx(7.389955686853767, abs=1e-12)
    assert weighted_median(EU_X, EU_S, EU_C) == 7.0


def test_weighted_median_tie_rule_and_issues_axis():
    x, s, c = np.array([10.0, 30.0, 80.0]), np.ones(3), np.array([1.0, 1.0, 2.0])
    assert weighted_median(x, s, c) == 55.0  # cumulative weight 2 of 4 at 30: midpoint of [30, 80]
    assert weighted_median(x, s, np.array([1.0, 1.5, 2.0])) == 30.0
    both = weighted_median(np.stack([x, x]), np.stack([s, s]), np.stack([c, [3.0, 1.0, 1.0]]))
    np.testing.assert_allclose(both, [55.0, 10.0])
    np.testing.assert_allclose(compromise(np.stack([x, x]), np.stack([s, s]), np.stack([c, c])), [50.0, 50.0])


def test_weighted_median_minimises_weighted_distance():
    rng = np.random.default_rng(3)
    x, s, c = rng.uniform(0, 100, 25), rng.uniform(0, 1, 25), rng.uniform(0, 1, 25)
    m = weighted_median(x, s, c)
    cost = np.abs(x[None, :] - x[:, None]) @ (s * c)
    assert np.sum(s * c * np.abs(x - m)) <= cost.min() + 1e-9


def test_zero_weights_rejected():
    with pytest.raises(InputError, match="zero capability"):
        compromise(np.array([1.0, 2.0]), np.zeros(2), np.ones(2))


# --- Nash ---------------------------------------------------------------------------------

def test_nash_symmetric_two_actors_is_midpoint():
    assert nash(np.array([0.0, 100.0]), np.ones(2), np.ones(2)) == pytest.approx(50.0, abs=1e-9)


def test_nash_hand_worked_asymmetric_quadratic():
    # actors at 0 and 100, capabilities 1 and 2, worst-case disagreement (100 and 0):
    # maximise log(1e4 - x^2) + 2 log(x (200 - x)); checked on a fine grid
    grid = np.linspace(0.001, 99.999, 2_000_001)
    objective = np.log(1e4 - grid**2) + 2 * np.log(grid * (200 - grid))
    expected = grid[np.argmax(objective)]
    got = nash(np.array([0.0, 100.0]), np.array([0.5, 1.0]), np.array([1.0, 2.0]))
    assert got == pytest.approx(expected, abs=1e-4)
    assert got > 50.0  # the stronger actor pulls the solution


def test_nash_status_quo_and_linear():
    x, s, c = np.array([20.0, 40.0, 90.0]), np.ones(3), np.ones(3)
    # with status quo 0 the actor at 20 gains only on (0, 40): the solution lies there
    assert 20.0 <= nash(x, s, c, status_quo=0.0) < 40.0
    # status quo between the actors: nobody-better-off set is empty -> no agreement
    assert nash(np.array([0.0, 100.0]), np.ones(2), np.ones(2), status_quo=50.0) == 50.0
    lin = nash(np.array([0.0, 100.0]), np.ones(2), np.ones(2), loss="linear")
    assert lin == pytest.approx(50.0, abs=1e-9)


def test_nash_reproduces_kalai_shares_proportional_to_power():
    # The published closed form of the nonsymmetric Nash solution (Kalai 1977): dividing a
    # unit surplus {u >= 0, u_1 + u_2 <= 1} with disagreement 0 and weights p gives the
    # shares u_i = p_i / (p_1 + p_2). Linear losses on a 0-100 issue with the
    # actors at the end points and worst-case disagreement are that problem scaled by 100:
    # the actor at 100 gains x, the actor(s) at 0 gain 100 - x. Several actors at one end
    # pool their powers.
    for c0, c100 in [(1.0, 2.0), (3.0, 1.0), (0.2, 0.7), (5.0, 5.0)]:
        got = nash(np.array([0.0, 100.0]), np.array([0.4, 0.9]), np.array([c0, c100]), loss="linear")
        assert got == pytest.approx(100.0 * c100 / (c0 + c100), abs=1e-9)
    pooled = nash(np.array([0.0, 0.0, 100.0]), np.ones(3), np.array([1.0, 2.0, 1.0]), loss="linear")
    assert pooled == pytest.approx(25.0, abs=1e-9)


# --- expected utility ---------------------------------------------------------------------

def test_eu_scholz_code_variant_reproduces_published_run():
    res = expected_utility(EU_X, EU_S, EU_C, rounds=10, variant="scholz_code")
    idx = {name: i for i, name in enumerate(EU_NAMES)}
    moved = {(k, i) for k in range(10) for i in range(10) if res.accepted[k, i] >= 0}
    assert moved == {(r - 1, idx[a]) for r, a, _, _ in EXAMPLE_LOG}
    for rnd, actor, sender, new_pos in EXAMPLE_LOG:
        i, j = idx[actor], idx[sender]
        assert res.accepted[rnd - 1, i] == j
        assert res.positions[rnd, i] == pytest.approx(new_pos, abs=1e-9)
    np.testing.assert_allclose(res.means, EXAMPLE_MEANS, atol=1e-9)
    kinds = {(k, EU_NAMES[i]): res.offer_kind[k, i, res.accepted[k, i]] for k, i in moved}
    assert kinds[(0, "Belgium")] == COMPROMISE and kinds[(0, "Luxembourg")] == CONFRONTATION


def test_eu_hand_worked_probability_and_risk():
    # three actors, weights 1 at 0, 1 at 60, 2 at 100 (c = weight, s = 1)
    x, w = np.array([0.0, 60.0, 100.0]), np.array([1.0, 1.0, 2.0])
    p = win_probability(x, w)
    # votes on (0 vs 60): +60, -60, -120 -> P = 60/240; (60 vs 100): +40, +40, -80 -> 80/160
    # (0 vs 100): +100, -20, -200 -> 100/320
    expected = np.array([[0, 60 / 240, 100 / 320], [180 / 240, 0, 80 / 160], [220 / 320, 80 / 160, 0]])
    np.testing.assert_allclose(p, expected, atol=1e-15)
    # risk exponents: danger D = (1, 2, 3) -> R = (-1, 0, 1) -> r = (2, 1, 0.5)
    eu = np.array([[0.0, 0.5, 2.0], [0.5, 0.0, 1.0], [0.5, 1.5, 0.0]])  # column sums 1, 2, 3
    np.testing.assert_allclose(risk_exponents(eu), [2.0, 1.0, 0.5])


def test_eu_first_round_offers_hand_worked():
    # two actors, salience 1: P(0 beats 100) = c0/(c0+c1); with r = (1, 1) risk spread is
    # zero only if dangers equal; use equal capability so everything is symmetric
    res = expected_utility(np.array([0.0, 100.0]), np.ones(2), np.ones(2), rounds=1)
    # EU(i,j) = P Us + (1-P) Uf - Usq = 0.5*2 + 0.5*(-2) - 0 = 0: no offers, nobody moves
    assert (res.offer_kind == 0).all()
    np.testing.assert_array_equal(res.positions[1], [0.0, 100.0])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_eu_vectorised_matches_loop_reference(seed):
    rng = np.random.default_rng(seed)
    n = 12
    x = np.round(rng.uniform(0, 100, n))  # rounded: ties in positions occur
    s, c = rng.uniform(0, 1, n), rng.uniform(0, 1, n)
    res = expected_utility(x, s, c, rounds=20)
    ref = np.array(_reference_positions(list(x), list(s), list(c), 20))
    np.testing.assert_allclose(res.positions, ref, atol=1e-9)
    assert res.outcome == weighted_median(res.positions[-1], s, c)


def test_eu_paper_variant_on_eu_case_and_shapes():
    res = expected_utility(EU_X, EU_S, EU_C, rounds=10)
    assert res.positions.shape == (11, 10) and res.offer_position.shape == (10, 10, 10)
    assert res.risk.min() >= 0.5 - 1e-12 and res.risk.max() <= 2.0 + 1e-12
    assert res.outcome == 7.0
    assert np.all((res.positions >= 4 - 1e-12) & (res.positions <= 10 + 1e-12))


def test_eu_options_and_degenerate():
    res = expected_utility(np.full(3, 50.0), np.ones(3), np.ones(3), rounds=4)
    assert res.outcome == 50.0 and (res.positions == 50.0).all()
    res = expected_utility(EU_X, EU_S, EU_C, rounds=3, q=0.5, t=0.5)
    assert np.isfinite(res.positions).all()
    with pytest.raises(InputError, match="variant"):
        expected_utility(EU_X, EU_S, EU_C, variant="other")


def test_eu_200_actors_100_rounds_stays_on_the_scale():
    """The benchmark's size (its time is printed by benchmarks/actors_bargain.py, not tested here)."""
    rng = np.random.default_rng(0)
    x, s, c = rng.uniform(0, 100, 200), rng.uniform(0, 1, 200), rng.uniform(0, 1, 200)
    res = expected_utility(x, s, c, rounds=100)
    assert np.isfinite(res.outcome) and 0 <= res.outcome <= 100
    assert np.all((res.positions >= 0) & (res.positions <= 100))


# --- input checking -----------------------------------------------------------------------

@pytest.mark.parametrize(
    ("pos", "sal", "cap", "message"),
    [
        ([10, 20], [0.5, 1.2], [1, 1], r"row 2 \(actor 'B'\): salience = 1.2 is outside \[0, 1\]"),
        ([10, 20], [0.5, 0.5], [-1, 1], r"row 1 \(actor 'A'\): capability = -1.0 is negative"),
        ([10, np.nan], [0.5, 0.5], [1, 1], r"row 2 \(actor 'B'\): position = nan is not a finite"),
        ([10, 20], [0.5, 0.5], [1, np.inf], r"row 2 \(actor 'B'\): capability = inf"),
    ],
)
def test_check_inputs_names_row_and_field(pos, sal, cap, message):
    with pytest.raises(InputError, match=message):
        check_inputs(np.array(pos, float), np.array(sal, float), np.array(cap, float), names=["A", "B"])


def test_check_inputs_duplicates_and_shapes():
    with pytest.raises(InputError, match="row 3: actor 'A' duplicates row 1"):
        check_inputs(np.zeros(3), np.ones(3), np.ones(3), names=["A", "B", "A"])
    with pytest.raises(InputError, match="salience"):
        check_inputs(np.zeros(3), np.ones(2), np.ones(3))
    check_inputs(np.zeros(2), np.ones(2), np.ones(2), names=["A", "B"])  # valid: no error
    with pytest.raises(InputError, match="salience"):
        expected_utility(np.zeros(2), np.array([0.5, 2.0]), np.ones(2))
