"""Actors' numeric positions on an issue "as of" a date, from the built-in knowledge base."""

from __future__ import annotations

import datetime as dt
import math

import pytest

import panmun
from panmun.actors.positions import COLUMNS, issue_table, positions_at


@pytest.fixture(scope="module")
def kb():
    return panmun.load_kb()


def test_issue_table_lists_the_scales(kb):
    table = issue_table(kb)
    assert {"denuclearization", "sanctions-relief", "cma-restoration"} <= set(table["id"])
    row = table.set_index("id").loc["denuclearization"]
    assert "nuclear" in row["low"] and "irreversible" in row["high"] and row["codings"] >= 8


def test_positions_at_takes_the_latest_coding_on_or_before_the_date(kb):
    early = positions_at("denuclearization", "2018-12-31", kb=kb).set_index("actor")
    late = positions_at("denuclearization", "2025-12-31", kb=kb).set_index("actor")
    assert list(early.reset_index().columns) == list(COLUMNS)
    assert {"KOR", "PRK", "USA", "CHN", "JPN", "RUS", "UNO", "IAEA"} <= set(early.index)
    # China's and Russia's stated positions moved away from denuclearization (kb sources)
    assert early.loc["CHN", "position"] == 75 and early.loc["CHN", "date"] == dt.date(2018, 12, 7)
    assert late.loc["CHN", "position"] == 35 and late.loc["CHN", "date"] == dt.date(2025, 11, 27)
    assert early.loc["RUS", "position"] - late.loc["RUS", "position"] >= 50
    assert early.loc["RUS", "date"] <= dt.date(2018, 12, 31) < late.loc["RUS", "date"]
    # capability is the latest SIPRI figure by then: China 2018 vs 2024
    assert early.loc["CHN", "capability"] == pytest.approx(236.69)
    assert late.loc["CHN", "capability"] == pytest.approx(317.56)
    assert all(url.startswith("http") for url in late["source_url"])


def test_actors_without_a_coding_yet_are_left_out(kb):
    table = positions_at("denuclearization", "2017-06-30", kb=kb)
    assert list(table["actor"]) == ["CHN"]
    assert math.isnan(table.set_index("actor").loc["CHN", "capability"])   # SIPRI 2017 dated 2017-12-31
    assert positions_at("cma-restoration", "2018-09-18", kb=kb).empty


def test_default_kb_and_unknown_issue():
    assert not positions_at("sanctions-relief", dt.date(2024, 6, 1)).empty
    with pytest.raises(KeyError, match="unknown issue"):
        positions_at("reunification")
