"""Both directions of a dyad and their reciprocity (docs/environment.md)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from panmun.environment.reciprocity import COLUMNS, mutual, reciprocity, with_directions


def test_mutual_and_reciprocity_by_hand():
    nan = np.nan
    ab = np.array([1.0, 1.0, 1.0, -1.0, 0.5, nan])
    ba = np.array([1.0, nan, -1.0, -1.0, -0.5, nan])
    assert mutual(ab, ba)[:5].tolist() == [1.0, 0.0, -1.0, -1.0, -0.5]
    assert reciprocity(ab, ba)[:5].tolist() == [1.0, 0.5, 0.0, 1.0, 0.5]
    assert np.isnan(mutual(ab, ba)[5]) and np.isnan(reciprocity(ab, ba)[5])


@pytest.fixture
def kor_prk(store):
    return with_directions(store, dyad="KOR-PRK", freq="quarter", since="2024-01-01", until="2026-06-30",
                           sources=["kb"], n_boot=200)


def test_both_directions_sum_to_the_pooled_index(kor_prk):
    assert set(COLUMNS) <= set(kor_prk.columns)
    assert set(kor_prk["a_to_b"]) == {"KOR→PRK"} and set(kor_prk["b_to_a"]) == {"PRK→KOR"}
    assert (kor_prk["a_to_b_n_events"] + kor_prk["b_to_a_n_events"] == kor_prk["n_events"]).all()


def test_seouls_one_sided_gestures_are_not_a_thaw(kor_prk):
    q3 = kor_prk.set_index("period").loc[__import__("datetime").date(2025, 7, 1)]
    # the pooled index reads +1 (all cooperation) ...
    assert q3["net_coop"] == 1.0 and q3["a_to_b_net_coop"] == 1.0
    # ... from KOR->PRK alone: the North did nothing towards the South that quarter
    assert q3["b_to_a_n_events"] == 0
    assert q3["mutual_net_coop"] == 0.0 and q3["reciprocity"] == 0.5


def test_cli_index_gives_both_directions(cli):
    result = cli("environment", "index", "--dyad", "KOR-PRK", "--freq", "quarter", "--since", "2025-01-01",
                 "--boot", "50", "-f", "json")
    assert result.code == 0, result.err
    rows = json.loads(result.out)
    assert rows and {"a_to_b", "b_to_a", "a_to_b_net_coop", "b_to_a_net_coop", "mutual_net_coop",
                     "reciprocity", "net_coop", "goldstein_mean"} <= set(rows[0])
    assert rows[0]["a_to_b"] == "KOR→PRK"
    directed = json.loads(cli("environment", "index", "--dyad", "PRK-KOR", "--directed", "--freq", "quarter",
                              "--since", "2025-01-01", "--boot", "0", "-f", "json").out)
    assert directed and "reciprocity" not in directed[0] and directed[0]["dyad"] == "PRK-KOR"


def test_api_indices_answers_both_directions(builtin_template, app_client):
    client = app_client(builtin_template)
    body = client.get("/api/indices", params={"dyad": "KOR-PRK", "since": "2025-01-01",
                                              "until": "2025-12-31"}).json()
    assert body["directions"] == {"a_to_b": "KOR→PRK", "b_to_a": "PRK→KOR"}
    point = {p["month"]: p for p in body["points"]}["2025-08"]
    assert {"value", "a_to_b", "b_to_a", "mutual", "reciprocity"} <= set(point)
    assert point["a_to_b"] == 1.0 and point["b_to_a"] is None
