"""The `rivalry` driver of the three-vector model: a step series from the sourced milestones of
US-China competition (src/panmun/vectors/data/rivalry.yaml), its coding rule and its sources."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from panmun.errors import InputError
from panmun.kb.publishers import Registry
from panmun.kb.schema import PublishersFile
from panmun.kb.yamlio import read_yaml
from panmun.vectors.history import RIVALRY_FILE, read_rivalry, rivalry_milestones, rivalry_series

DATA = Path(str(resources.files("panmun.vectors") / "data" / RIVALRY_FILE))
MONTHS = pd.period_range("1991-01", "2026-12", freq="M")
#: publisher kinds a milestone may rest on (the registry's `other` never alone)
ACCEPTABLE = {"official-text", "official-statement", "news", "research"}


@pytest.fixture(scope="module")
def registry() -> Registry:
    path = Path(str(resources.files("panmun.kb") / "data" / "sources" / "publishers.yaml"))
    return Registry(PublishersFile.model_validate(read_yaml(path)).publishers)


def test_the_file_states_its_rule_and_ships_with_the_package():
    data = read_yaml(DATA)
    assert "held until the next milestone" in data["rule"] and "first milestone" in data["rule"]
    assert DATA.is_file() and DATA.parent.name == "data"


def test_the_series_is_a_step_function_changing_only_at_the_file_dates():
    rows = rivalry_milestones()
    series = pd.Series(rivalry_series(MONTHS), index=MONTHS)
    assert ((series >= 0) & (series <= 1)).all() and np.isfinite(series).all()
    changes = set(series.index[1:][series.diff().iloc[1:] != 0])
    steps = {pd.Period(r["date"], "M") for r in rows}
    assert changes and changes <= steps
    last_in_month = {pd.Period(r["date"], "M"): r["level"] for r in rows}   # dates increase: the last wins
    for month, level in last_in_month.items():                             # and holds from its month
        assert series[month] == level
    # months before the first milestone take its level
    first = pd.Period(rows[0]["date"], "M")
    assert (series[series.index < first] == rows[0]["level"]).all()
    # the last level holds to the end of the window
    assert series.iloc[-1] == rows[-1]["level"]


def test_the_series_follows_the_documented_milestones():
    series = pd.Series(rivalry_series(MONTHS), index=MONTHS)
    assert series["1995-06"] == 0.2                       # engagement, before the 1996 Taiwan Strait crisis
    assert series["2017-11"] < series["2017-12"] == 0.6   # the 2017 National Security Strategy
    assert series["2018-07"] == 0.8                       # the first Section 301 tariffs take effect
    assert series["2025-04"] == 1.0                       # 145 % / 125 %
    assert series["2025-05"] < 1.0                        # the Geneva truce


def test_every_milestone_rests_on_an_acceptable_registered_publisher(registry):
    for row in rivalry_milestones():
        kinds = {registry.kind(s["url"]) for s in row["sources"]}
        assert kinds & ACCEPTABLE, f"{row['date'].date()}: no source on a registered news/official domain"
        for source in row["sources"]:
            assert source["url"].startswith(("http://", "https://")) and source["title"]


def test_the_history_uses_the_series(store):
    from panmun.vectors.history import observed_history
    from panmun.vectors.parameters import DRIVERS

    history = observed_history(store, end="2019-12", environment=False)
    column = history.drivers[:, list(DRIVERS).index("rivalry")]
    assert np.array_equal(column, rivalry_series(history.months))
    assert any(n.startswith("rivalry: sourced proxy") and RIVALRY_FILE in n for n in history.notes)


GOOD = """rule: a rule
milestones:
  - {date: 2001-04-01, level: 0.4, what: w, sources: [{url: "https://a.org/x", title: t, date: 2001-04-01}]}
  - {date: 2001-12-11, level: 0.2, what: v, sources: [{url: "https://a.org/y", title: t, date: 2001-12-11}]}
"""


@pytest.mark.parametrize(("old", "new", "says"), [
    ("level: 0.2", "level: 1.5", "level out of range"),
    ("level: 0.2", "level: high", "level must be a number"),
    ("date: 2001-12-11, level", "date: 2001-03-01, level", "dates must increase"),
    ("date: 2001-12-11, level", "date: 2001/12/11, level", "date must be YYYY-MM-DD"),
    ('sources: [{url: "https://a.org/y", title: t, date: 2001-12-11}]', "sources: []", "cites no source"),
    ('url: "https://a.org/y"', "url: apnews", "has no http(s) url"),
    ("what: v, ", "", "'what' must say"),
])
def test_a_malformed_row_is_refused_naming_the_file_and_the_row(tmp_path, old, new, says):
    path = tmp_path / "rivalry.yaml"
    path.write_text(GOOD)
    assert [r["level"] for r in read_rivalry(path)] == [0.4, 0.2]
    assert GOOD.count(old) == 1
    path.write_text(GOOD.replace(old, new))
    with pytest.raises(InputError) as err:
        read_rivalry(path)
    message = str(err.value)
    assert str(path) in message and "milestone 2 (line 4)" in message and says in message


def test_a_file_without_a_rule_or_rows_is_refused(tmp_path):
    path = tmp_path / "rivalry.yaml"
    path.write_text("milestones: []\n")
    with pytest.raises(InputError, match="rule"):
        read_rivalry(path)
    path.write_text("rule: r\nmilestones: []\n")
    with pytest.raises(InputError, match="non-empty"):
        read_rivalry(path)
