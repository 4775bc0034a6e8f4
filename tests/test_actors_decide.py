"""Tests of Decide's equal-gain exchange model (panmun.actors.decide).

Published reference: the expected values in the tests of foarsitter/decide-exchange-model at
commit 173dd58e on its data/input/sample_data.txt (see tests/fixtures/decide/SOURCE.txt).
Tolerance: 1e-8 absolute on gains, outcome shifts and moves (Decide's own tests use 1e-8 on
the gains and 1e-3 on the shifts and moves); the candidate count exactly.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pytest

from panmun.actors.decide import (
    Candidate,
    candidate_pairs,
    equal_gain_model,
    equal_gain_round,
    nbs,
)
from panmun.errors import InputError

FIXTURES = Path(__file__).parent / "fixtures" / "decide"
TOL = 1e-8


def _key(name: str) -> str:
    """Decide's identifier: drop non-word characters and underscores, lower case."""
    return re.sub(r"[\W_]+", "", name).lower()


def read_decide_sample(path: Path):
    """Read Decide's tab-separated input (#A actors, #P issues, #M scale marks, #D data).

    Positions are rescaled to 0-100 by each issue's lowest and highest #M mark, as Decide does.
    Returns actor ids, issue ids, and position, salience, capability (actors x issues).
    """
    actors, issues, marks, rows = [], [], {}, []
    with path.open(encoding="utf-8") as fh:
        lines = list(csv.reader(fh, delimiter="\t"))
    for fields in lines:
        tag = fields[0]
        if tag == "#A":
            actors.append(_key(fields[1]))
        elif tag == "#P":
            issues.append(_key(fields[1]))
        elif tag == "#M":
            marks.setdefault(_key(fields[1]), []).append(float(fields[2]))
        elif tag == "#D":
            rows.append((_key(fields[1]), _key(fields[2]), *map(float, fields[3:6])))
    shape = (len(actors), len(issues))
    position, salience, capability = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    for actor, issue, x, s, c in rows:
        a, k = actors.index(actor), issues.index(issue)
        lo, hi = min(marks[issue]), max(marks[issue])
        position[a, k], salience[a, k], capability[a, k] = (x - lo) * 100 / (hi - lo), s, c
    return actors, issues, position, salience, capability


@pytest.fixture(scope="module")
def sample():
    return read_decide_sample(FIXTURES / "sample_data.txt")


@pytest.fixture(scope="module")
def expected():
    with (FIXTURES / "expected_first_round.csv").open(encoding="utf-8") as fh:
        return {row["quantity"]: float(row["value"]) for row in csv.DictReader(fh)}


@pytest.fixture(scope="module")
def first_round(sample):
    _, _, position, salience, capability = sample
    return equal_gain_round(position, salience, capability)


def test_sample_input_is_read_as_decide_reads_it(sample):
    actors, issues, position, salience, capability = sample
    assert position.shape == (10, 6)
    assert issues[1] == "tolhoogte"
    # tol-hoogte is marked 0.5 .. 7 euro; Willems's 3 euro is (3 - 0.5) * 100 / 6.5 on 0-100.
    assert position[actors.index("willems"), 1] == pytest.approx(2.5 * 100 / 6.5)
    assert np.all(salience > 0) and np.all(capability > 0)


def test_reference_candidate_count(first_round, expected):
    # Decide: sum over the 15 issue pairs of |A||D| + |B||C| = 240.
    assert len(first_round.candidates) == expected["candidate_exchanges"]


def test_reference_first_exchange(sample, first_round, expected):
    actors, issues, *_ = sample
    best = first_round.realized[0]
    assert best.gain == pytest.approx(expected["gain_first_exchange"], abs=TOL)
    # Decide's test_by_absolute_move names this exchange: Willems gives on extra-investering,
    # Wcentr gives on tolheffing-binnenstad.
    assert (actors[best.i], issues[best.q]) == ("willems", "extrainvestering")
    assert (actors[best.j], issues[best.p]) == ("wcentr", "tolheffingbinnenstad")
    assert best.shift_q == pytest.approx(expected["shift_extrainvestering_willems_wcentr"], abs=TOL)
    assert best.shift_p == pytest.approx(expected["shift_tolheffingbinnenstad_willems_wcentr"], abs=TOL)
    assert best.move_j == pytest.approx(expected["move_wcentr_tolheffingbinnenstad"], abs=TOL)
    assert best.move_i == pytest.approx(75.0)  # Willems moves all the way, 25 -> 100


def test_reference_second_exchange(first_round, expected):
    assert first_round.realized[1].gain == pytest.approx(expected["gain_second_exchange"], abs=TOL)


def test_round_invariants_on_sample(sample, first_round):
    _, _, position, *_ = sample
    assert len(first_round.realized) > 2
    assert all(e.valid and e.gain > 0 for e in first_round.realized)
    gains_in_order = [e.gain for e in first_round.realized[:2]]
    assert gains_in_order == sorted(gains_in_order, reverse=True)
    v, nxt = first_round.voting, first_round.next_position
    assert np.all((v >= 0) & (v <= 100))
    # Next start positions lie between the round-start and the voting positions, strictly
    # inside for every giver (lambda is between 0.1 and 0.5).
    low, high = np.minimum(position, v), np.maximum(position, v)
    assert np.all((nxt >= low - 1e-12) & (nxt <= high + 1e-12))
    moved = v != position
    assert np.all(nxt[moved] != v[moved])


def test_full_move_to_the_end_of_the_scale_is_valid(sample, first_round):
    # Decide sets an "all the way" move to the exact distance, so KvK's move 0 -> 100 on
    # wanneer-tol (traded with GL's move on woonwerkverkeer) is valid (<= 100, ends at 100);
    # a float recomputation of it from the outcome shift would land just above 100.
    actors, issues, *_ = sample
    kvk, gl = actors.index("kvk"), actors.index("gl")
    e = next(e for e in first_round.initial if (e.i, e.j, e.p, e.q) == (gl, kvk, 2, 3))
    assert e.valid and e.move_j == 100.0 and e.start_j + e.move_j == 100.0


def _hand_case():
    # A: positions (0, 0), saliences (0.8, 0.2); B: (100, 100), (0.4, 0.6); capabilities 1, 1.
    return np.array([[0.0, 0.0], [100.0, 100.0]]), np.array([[0.8, 0.2], [0.4, 0.6]]), np.ones(2)


def test_hand_worked_two_actors_two_issues():
    pos, sal, cap = _hand_case()
    # Outcomes: O_1 = (0.8*0 + 0.4*100)/1.2 = 33.33; O_2 = (0.2*0 + 0.6*100)/0.8 = 75.
    # A is left of both, B right of both: one candidate. s_1/s_2 is 4 for A and 0.667 for B,
    # so A (i) receives on issue 1 and gives on issue 2; B (j) gives on issue 1.
    # Rate d_2 = d_1 (0.8 + 0.4)/(0.2 + 0.6) = 1.5 d_1.
    # B all the way (100 -> 0): d_1 = 100*0.4/1.2 = 33.33, d_2 = 50, A's move 50*0.8/0.2 = 200
    #   > 100 = |100 - 0|, so A moves all the way instead: 0 -> 100, d_2 = 100*0.2/0.8 = 25,
    #   d_1 = 25/1.5 = 16.67, B's move = 16.67*1.2/0.4 = 50 (100 -> 50).
    # Gains: A 0.8*16.67 - 0.2*25 = 8.33; B 0.6*25 - 0.4*16.67 = 8.33 (= 25/3).
    # Outcome caps: O_2 75 -> 100, not past B's 100; O_1 33.33 -> 16.67, not past A's 0.
    # New outcomes (16.67, 100). Next start: A on 2: 0 + (0.4*0.8 + 0.1)*100 = 42;
    #   B on 1: 100 + (0.4*0.6 + 0.1)*(50 - 100) = 83.
    r = equal_gain_round(pos, sal, cap)
    assert r.candidates == [Candidate(i=0, j=1, p=0, q=1)]
    assert len(r.realized) == 1
    e = r.realized[0]
    assert e.move_i == pytest.approx(100.0)
    assert e.move_j == pytest.approx(-50.0)
    assert e.shift_p == pytest.approx(50 / 3)
    assert e.shift_q == pytest.approx(25.0)
    assert e.gain == pytest.approx(25 / 3)
    np.testing.assert_allclose(r.nbs_before, [100 / 3, 75.0])
    np.testing.assert_allclose(r.nbs_after, [50 / 3, 100.0])
    np.testing.assert_allclose(r.next_position, [[0.0, 42.0], [83.0, 100.0]])


def test_hand_worked_second_round():
    pos, sal, cap = _hand_case()
    # Round 2 from A = (0, 42), B = (83, 100): O_1 = 0.4*83/1.2 = 27.67, O_2 = (8.4 + 60)/0.8 = 85.5.
    # B all the way (83): d_1 = 27.67, d_2 = 41.5, A's move 166 > 58, so A moves 42 -> 100:
    # d_2 = 58*0.2/0.8 = 14.5, d_1 = 9.67, B's move 9.67*1.2/0.4 = 29 (83 -> 54);
    # gain 0.8*9.67 - 0.2*14.5 = 4.83. Next: A 42 + 0.42*58 = 66.36; B 83 - 0.34*29 = 73.14.
    rounds = equal_gain_model(pos, sal, cap, rounds=2)
    e = rounds[1].realized[0]
    assert (e.move_i, e.move_j) == (pytest.approx(58.0), pytest.approx(-29.0))
    assert e.gain == pytest.approx(0.8 * 29 / 3 - 0.2 * 14.5)
    np.testing.assert_allclose(rounds[1].next_position, [[0.0, 66.36], [73.14, 100.0]])


def test_hand_worked_outcome_cap():
    # Capability per actor and issue. Issue 2: A at 0 (w = 0.2*10 = 2), B at 60 (w = 0.8),
    # C at 100 (w = 0.2): O_2 = (48 + 20)/3 = 22.67. Issue 1: A at 0 (w 0.8), B at 100
    # (w = 0.2*5 = 1), C at 50 (w 0.5): O_1 = 125/2.3 = 54.35. C is left on 1, right on 2 and
    # has no partner, so the one candidate is A (i, receives on 1) with B (j, gives on 1).
    # Rate: d_2 = d_1 (0.8 + 0.2)/(0.2 + 0.8) = d_1. B all the way: d_1 = 100/2.3 = 43.48,
    # A's move 43.48*3/2 = 65.2 > 60, so A moves all the way (60): d_2 = 40 -- but then O_2
    # = 22.67 + 40 = 62.67 passes B's 60. Cut: A moves (60 - 22.67)*3/2 = 56, d_2 = d_1 = 37.33,
    # B moves 37.33*2.3 = 85.87 (100 -> 14.13); O_1 = 54.35 - 37.33 = 17.01, not past A's 0.
    # Gain 37.33*(0.8 - 0.2) = 22.4.
    pos = np.array([[0.0, 0.0], [100.0, 60.0], [50.0, 100.0]])
    sal = np.array([[0.8, 0.2], [0.2, 0.8], [0.5, 0.2]])
    cap = np.array([[1.0, 10.0], [5.0, 1.0], [1.0, 1.0]])
    r = equal_gain_round(pos, sal, cap)
    assert r.candidates == [Candidate(i=0, j=1, p=0, q=1)]
    e = r.realized[0]
    assert e.move_i == pytest.approx(56.0)
    assert e.move_j == pytest.approx(-112 / 3 * 2.3)
    assert e.gain == pytest.approx(22.4)
    assert r.nbs_after[1] == pytest.approx(60.0)  # exactly at B's position


def test_hand_worked_giver_trades_twice_in_a_round():
    # A (20, 0), s (0.8, 0.2), c (1, 10); B (100, 100), s (0.4, 0.6), c 1; C (100, 100),
    # s (0.2, 0.8), c (2, 1). W_1 = 0.8 + 0.4 + 0.4 = 1.6, O_1 = 96/1.6 = 60;
    # W_2 = 2 + 0.6 + 0.8 = 3.4, O_2 = 140/3.4 = 41.18. A left of both, B and C right of both:
    # candidates A-B and A-C, A receiving on issue 1 and giving on issue 2 in both.
    # A-B: rate 1.2/0.8 = 1.5; B all the way (80): d_1 = 80*0.4/1.6 = 20, d_2 = 30, A moves
    #   30*3.4/2 = 51 (< 100); gain 0.8*20 - 0.2*30 = 10.
    # A-C: rate 1.0/1.0 = 1; C all the way (80): d_1 = 80*0.4/1.6 = 20, d_2 = 20, A moves 34;
    #   gain 0.8*20 - 0.2*20 = 12  -> made first: A 0 -> 34 on 2, C 100 -> 20 on 1.
    # A-B is recomputed with A starting from 34: B all the way again (d_1 = 20, d_2 = 30), A's
    #   move 51 fits in |100 - 34| = 66, so A 34 -> 85, B 100 -> 20, gain 10 (the outcome on 1,
    #   seen with C's new 20, goes 40 -> 20 = A's position: not past it).
    # Outcomes: O_1 = (16 + 8 + 8)/1.6 = 20, O_2 = (2*85 + 60 + 80)/3.4 = 91.18.
    # Next start (x + lambda (y - x), lambda = 0.4 (1 - s) + 0.1): A on 2 from 0 towards its
    # last voting position 85: 0.42*85 = 35.7; B on 1: 100 - 0.34*80 = 72.8; C on 1: 100 - 0.42*80 = 66.4.
    pos = np.array([[20.0, 0.0], [100.0, 100.0], [100.0, 100.0]])
    sal = np.array([[0.8, 0.2], [0.4, 0.6], [0.2, 0.8]])
    cap = np.array([[1.0, 10.0], [1.0, 1.0], [2.0, 1.0]])
    r = equal_gain_round(pos, sal, cap)
    assert [(e.i, e.j) for e in r.realized] == [(0, 2), (0, 1)]
    first, second = r.realized
    assert (first.move_i, first.move_j, first.gain) == (pytest.approx(34), pytest.approx(-80),
                                                         pytest.approx(12))
    assert (second.start_i, second.move_i, second.gain) == (pytest.approx(34), pytest.approx(51),
                                                            pytest.approx(10))
    np.testing.assert_allclose(r.nbs_after, [20.0, 310 / 3.4])
    np.testing.assert_allclose(r.next_position, [[20.0, 35.7], [72.8, 100.0], [66.4, 100.0]])


def test_proportional_saliences_give_no_exchange():
    pos = np.array([[0.0, 0.0], [100.0, 100.0]])
    sal = np.array([[0.6, 0.3], [0.4, 0.2]])  # same s_1/s_2 = 2: zero gain
    r = equal_gain_round(pos, sal, np.ones(2))
    assert len(r.candidates) == 1 and r.realized == []
    np.testing.assert_allclose(r.nbs_after, nbs(pos, sal, np.ones(2)))


def test_candidates_skip_actors_without_weight():
    pos, sal, cap = _hand_case()
    sal = sal.copy()
    sal[1, 0] = 0.0  # B has no stake in issue 1: takes no part in the pair (1, 2)
    assert candidate_pairs(pos, sal, cap) == []


@pytest.mark.parametrize("bad", [
    {"position": np.array([[0.0, 120.0], [100.0, 100.0]])},
    {"salience": np.array([[0.8, 1.2], [0.4, 0.6]])},
    {"capability": np.array([1.0, -1.0])},
    {"capability": np.ones(3)},
])
def test_bad_inputs_raise(bad):
    pos, sal, cap = _hand_case()
    args = {"position": pos, "salience": sal, "capability": cap, **bad}
    with pytest.raises(InputError):
        equal_gain_round(**args)


def test_rounds_must_be_positive():
    with pytest.raises(InputError):
        equal_gain_model(*_hand_case(), rounds=0)


def test_panmun_exchange_model_reproduces_the_published_first_two_exchanges(sample, expected):
    # panmun's own trading rule (one exchange at a time, largest joint gain first, equal
    # gains) makes the same first two exchanges as Decide on Decide's sample: the published
    # gains, outcome shifts and Wcentr's move
    from panmun.actors.exchange import exchange

    actors, issues, position, salience, capability = sample
    r = exchange(position, salience, capability[:, 0], max_exchanges=2)
    first, second = r.exchanges
    assert first.gain == pytest.approx(expected["gain_first_exchange"], abs=TOL)
    assert second.gain == pytest.approx(expected["gain_second_exchange"], abs=TOL)
    assert actors[first.giver_k] == "wcentr" and issues[first.issue_k] == "tolheffingbinnenstad"
    assert first.move_k == pytest.approx(expected["move_wcentr_tolheffingbinnenstad"], abs=TOL)
    assert abs(first.shift_k) == pytest.approx(expected["shift_tolheffingbinnenstad_willems_wcentr"], abs=TOL)
    assert abs(first.shift_l) == pytest.approx(expected["shift_extrainvestering_willems_wcentr"], abs=TOL)
