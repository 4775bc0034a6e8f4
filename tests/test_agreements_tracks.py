"""Tracks: the implementation index by vector counts the peace-process
agreements only; the 2021 ROK-US statement is reported on the alliance track; the end of
the ROK missile guidelines is not arms-control progress."""

from __future__ import annotations

import json

import pytest

import panmun
from panmun.agreements.scoring import implementation_series, scorecard
from panmun.errors import InputError
from panmun.kb.schema import Agreement, track_of

AT = "2026-06-30"


def test_every_builtin_agreement_states_its_track_and_only_the_rok_us_statement_is_alliance():
    kb = panmun.load_kb()
    tracks = {a.id: a.track for a in kb.agreements.values()}
    assert None not in tracks.values()
    assert {k for k, t in tracks.items() if t == "alliance"} == {"rok-us-2021"}
    for a in kb.agreements.values():
        assert a.track == track_of(a.parties)


def test_a_track_that_contradicts_the_parties_rule_is_refused():
    base = {"id": "x-2020", "title": "X", "date": "2020-01-01", "summary": "abc",
            "sources": [{"url": "https://example.org/x"}],
            "provisions": [{"article": "1", "summary": "abc", "vector": "exchange",
                            "confidence": "verified"}]}
    assert Agreement.model_validate({**base, "parties": ["KOR", "PRK"]}).track is None
    with pytest.raises(ValueError, match="parties rule"):
        Agreement.model_validate({**base, "parties": ["USA", "KOR"], "track": "peace-process"})
    with pytest.raises(ValueError, match="parties rule"):
        Agreement.model_validate({**base, "parties": ["KOR", "PRK"], "track": "alliance"})


def test_the_index_by_vector_counts_peace_process_agreements_only(store):
    card = scorecard(store, at=AT, by="vector")
    assert card.track == "peace-process"
    assert set(card.provisions["agreement"]) and "rok-us-2021" not in set(card.provisions["agreement"])
    assert set(card.table["track"]) == {"peace-process"}
    assert set(card.table["vector"]) == {"denuclearization", "peace-regime", "arms-control", "exchange"}
    # the same numbers as aggregating the peace-process agreements by hand
    every = scorecard(store, at=AT, by="provision", track="all").table
    mine = every[every["track"] == "peace-process"]
    arms = mine[(mine["vector"] == "arms-control") & (mine["state"] != "untracked")]
    row = card.table.set_index("vector").loc["arms-control"]
    assert row["tracked"] == len(arms) and row["score"] == int(arms["score"].sum())


def test_the_alliance_track_is_reported_on_its_own(store):
    alliance = scorecard(store, at=AT, by="vector", track="alliance")
    assert set(alliance.provisions["agreement"]) == {"rok-us-2021"}
    assert set(alliance.table["track"]) == {"alliance"}
    assert "arms-control" not in set(alliance.table["vector"])     # the missile guidelines moved
    security = alliance.table.set_index("vector").loc["peace-regime"]
    assert security["provisions"] == 5                              # alliance.1-2, region.1-3


def test_the_missile_guidelines_are_not_arms_control_progress(store):
    prov = scorecard(store, at=AT, by="provision", agreement="rok-us-2021").table.set_index("provision")
    assert prov.loc["rok-us-2021/alliance.2", "vector"] == "peace-regime"
    assert prov.loc["rok-us-2021/alliance.2", "score"] == 3          # the guidelines did end: a fact kept
    everything = scorecard(store, at=AT, by="vector", track="all").table.set_index("vector")
    peace = scorecard(store, at=AT, by="vector").table.set_index("vector")
    # with every agreement the arms-control row is exactly the peace process's: nothing of 2021 in it
    assert everything.loc["arms-control", "score"] == peace.loc["arms-control", "score"]
    assert everything.loc["arms-control", "tracked"] == peace.loc["arms-control", "tracked"]


def test_per_agreement_and_one_agreement_keep_every_track(store):
    by_agreement = scorecard(store, at=AT, by="agreement").table.set_index("agreement")
    assert by_agreement.loc["rok-us-2021", "track"] == "alliance"
    assert by_agreement.loc["cma-2018", "track"] == "peace-process"
    one = scorecard(store, at=AT, by="vector", agreement="rok-us-2021")
    assert one.track == "all" and not one.table.empty
    with pytest.raises(InputError):
        scorecard(store, at=AT, by="vector", track="nope")


def test_implementation_series_takes_a_track_and_keeps_its_default(store):
    every = implementation_series(store, "2021-01-01", "2021-12-31", by="agreement")
    assert "rok-us-2021" in set(every["agreement"])
    end = "2021-12-31"
    peace = implementation_series(store, "2021-01-01", end, by="vector", track="peace-process")
    alliance = implementation_series(store, "2021-01-01", end, by="vector", track="alliance")
    every = implementation_series(store, "2021-01-01", end, by="vector")
    last = lambda df: df[df["at"] == df["at"].max()].set_index("vector")  # noqa: E731
    assert (last(peace)["tracked"] + last(alliance)["tracked"].reindex(last(peace).index, fill_value=0)
            == last(every)["tracked"]).all()
    cycle = implementation_series(store, "2021-01-01", end, by="vector", agreements=["rok-us-2021"],
                                  track="all")
    assert not cycle.empty                                           # an explicit list is taken as given


def test_cli_scorecard_by_vector_json_and_table(cli):
    result = cli("agreements", "scorecard", "--at", AT, "--by", "vector", "-f", "json")
    assert result.code == 0, result.err
    rows = json.loads(result.out)
    assert {r["track"] for r in rows} == {"peace-process"}
    alliance = json.loads(cli("agreements", "scorecard", "--at", AT, "--by", "vector", "--track", "alliance",
                              "-f", "json").out)
    assert {r["track"] for r in alliance} == {"alliance"}
    assert "arms-control" not in {r["vector"] for r in alliance}
    table = cli("agreements", "scorecard", "--at", AT, "--by", "vector")
    assert "peace-process agreements" in table.out and "Alliance track" in table.out
    wrong = cli("agreements", "scorecard", "--by", "vector", "--track", "nope")
    assert wrong.code == 2
