"""Scorecard arithmetic: hand-worked cases, a second implementation, and the record."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import panmun
from panmun.agreements.scoring import aggregate, aggregate_reference, provision_states

from conftest import OVERLAYS

W = "worked-example-2019"


@pytest.fixture
def worked(store):
    panmun.load_overlay_folder(store, OVERLAYS / "worked")
    return store


# The worked overlay's history (tests/fixtures/overlays/worked/implementation):
#   /1: 0 on 01-15, 3 on 03-01, reversed on 06-01
#   /2: 0 on 01-15, 1 on 02-01, suspended on 05-01, 3 on 07-01
#   /3: 0 on 01-15, 2 on 04-01
# implementation = sum of scores / (3 x 3 provisions), suspended and reversed count 0.
HAND_WORKED = [
    # at,          scores (1, 2, 3), states,                                         implementation
    ("2019-01-31", (0, 0, 0), ("not-initiated", "not-initiated", "not-initiated"), 0 / 9),
    ("2019-02-01", (0, 1, 0), ("not-initiated", "minimal", "not-initiated"), 1 / 9),
    ("2019-04-15", (3, 1, 2), ("full", "minimal", "intermediate"), 6 / 9),
    ("2019-05-01", (3, 0, 2), ("full", "suspended", "intermediate"), 5 / 9),
    ("2019-06-30", (0, 0, 2), ("reversed", "suspended", "intermediate"), 2 / 9),
    ("2019-07-01", (0, 3, 2), ("reversed", "full", "intermediate"), 5 / 9),
]


@pytest.mark.slow
@pytest.mark.parametrize("at, scores, states, implementation", HAND_WORKED)
def test_hand_worked_cases(worked, at, scores, states, implementation):
    by_provision = panmun.scorecard(worked, at=at, by="provision", agreement=W).table
    assert list(by_provision["score"]) == list(scores)
    assert list(by_provision["state"]) == list(states)
    row = panmun.scorecard(worked, at=at, by="agreement", agreement=W).table.iloc[0]
    assert row["implementation"] == pytest.approx(implementation)
    assert row["score"] == sum(scores) and row["max_score"] == 9 and row["provisions"] == 3
    halted = [f"{W}/{i + 1}" for i, s in enumerate(states) if s in ("suspended", "reversed")]
    assert row["suspended_or_reversed"] == halted
    assert row["suspended"] + row["reversed"] == len(halted)


def test_since_is_when_the_state_began(worked):
    card = panmun.scorecard(worked, at="2019-06-30", by="provision", agreement=W).table
    assert list(card["since"]) == [dt.date(2019, 6, 1), dt.date(2019, 5, 1), dt.date(2019, 4, 1)]


def test_agreement_absent_before_signature(worked):
    card = panmun.scorecard(worked, at="2019-01-14", by="agreement").table
    assert W not in set(card["agreement"])


def test_by_vector_on_hand_worked_case(worked):
    states = panmun.scorecard(worked, at="2019-04-15", by="provision", agreement=W).provisions
    by_vector = aggregate(states, "vector").set_index("vector")
    assert by_vector.loc["arms-control", "implementation"] == pytest.approx(4 / 6)
    assert by_vector.loc["exchange", "implementation"] == pytest.approx(2 / 3)


def test_untracked_agreements_are_not_counted_as_zero(store):
    card = panmun.scorecard(store, at="2019-06-30", by="agreement").table.set_index("agreement")
    assert pd.isna(card.loc["armistice-1953", "implementation"])
    assert card.loc["armistice-1953", "tracked"] == 0


def _walk_history(kb, at: dt.date) -> dict[str, tuple[int, str]]:
    """A second, plain-Python reading of the YAML history: (score, state) per provision."""
    latest = {}
    for _, change, _ in kb.changes:
        if change.date > at:
            continue
        for pid in change.provisions:
            if pid not in latest or change.date >= latest[pid][0]:
                latest[pid] = (change.date, change.score, change.state)
    labels = {0: "not-initiated", 1: "minimal", 2: "intermediate", 3: "full"}
    return {pid: (0, state) if state else (score, labels[score])
            for pid, (_, score, state) in latest.items()}


@pytest.mark.parametrize("at", ["2018-06-30", "2019-06-30", "2020-06-30", "2022-12-31",
                                "2024-06-30", "2025-12-31", "2026-11-01"])
@pytest.mark.slow
def test_store_scorecard_matches_a_walk_over_the_yaml(store, at):
    expected = _walk_history(panmun.load_kb(), dt.date.fromisoformat(at))
    card = panmun.scorecard(store, at=at, by="provision").table
    tracked = card[card["state"] != "untracked"]
    got = {r.provision: (int(r.score), r.state) for r in tracked.itertuples()}
    assert set(got) >= set(expected)
    for pid, value in got.items():
        assert value == expected.get(pid, (0, "not-initiated")), pid


def test_vectorised_aggregate_equals_the_reference_loop(store):
    dates = [dt.date(2018, 1, 31) + dt.timedelta(days=91 * k) for k in range(36)]
    states = provision_states(store, dates)
    for by in ("agreement", "vector"):
        fast, slow = aggregate(states, by), aggregate_reference(states, by)
        pd.testing.assert_frame_equal(fast, slow[fast.columns], check_dtype=False)


# --- the record: what the acceptance list of the foundation asks to see -------------

def test_cma_high_in_mid_2019_and_suspended_or_reversed_in_mid_2024(store):
    mid_2019 = panmun.scorecard(store, at="2019-06-30", by="provision", agreement="cma-2018").table
    mid_2024 = panmun.scorecard(store, at="2024-06-30", by="provision", agreement="cma-2018").table
    cma_2019 = panmun.scorecard(store, at="2019-06-30", agreement="cma-2018").table.iloc[0]
    # the buffer zones, no-fly zones and clash-prevention procedures were in full force
    full = set(mid_2019.loc[mid_2019["state"] == "full", "provision"])
    assert {"cma-2018/1.2", "cma-2018/1.3", "cma-2018/1.4"} <= full
    assert (mid_2019["score"] > 0).sum() >= 14
    assert cma_2019["implementation"] >= 0.45
    # the CMA's own peak: no later month end is higher than mid-2019 by much
    series = panmun.implementation_series(store, "2018-09-30", "2026-11-01")
    cma = series[series["agreement"] == "cma-2018"].set_index("at")["implementation"]
    assert cma_2019["implementation"] >= cma.max() - 0.02
    # mid-2024: every provision suspended or reversed, implementation 0
    assert set(mid_2024["state"]) <= {"suspended", "reversed"}
    assert mid_2024["score"].sum() == 0


def test_liaison_office_full_in_2019_reversed_after_june_2020(store):
    history = panmun.provision_history(store, "panmunjom-2018/1.3")
    by_date = dict(zip(history["date"].astype(str), history["status"], strict=True))
    assert by_date["2020-06-16"] == "reversed"
    at_2019 = panmun.scorecard(store, at="2019-06-30", by="provision",
                               agreement="panmunjom-2018").table.set_index("provision")
    assert at_2019.loc["panmunjom-2018/1.3", "state"] == "full"
    later = panmun.scorecard(store, at="2020-07-01", by="provision",
                             agreement="panmunjom-2018").table.set_index("provision")
    assert later.loc["panmunjom-2018/1.3", "state"] == "reversed"


def test_month_end_series_covers_every_month(store):
    series = panmun.implementation_series(store, "2018-01-01", "2019-12-31", by="vector")
    assert series["at"].nunique() == 24
    assert set(series["vector"]) == {"denuclearization", "peace-regime", "arms-control", "exchange"}
    assert series["implementation"].dropna().between(0, 1).all()
