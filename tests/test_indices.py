"""Conflict–cooperation indices, their bootstrap intervals and change points.

The hand-computed checks use tests/fixtures/index_events.csv (13 synthetic events,
January–March 2020, source ``gdelt2``), inserted into a private copy of the built-in store.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from panmun.environment.changepoints import (
    PoissonCost,
    changepoints,
    dyad_changepoints,
    find_breaks,
    find_count_breaks,
)
from panmun.environment.dyads import DYADS, Dyad, parse_dyad, select_dyads
from panmun.environment.indices import bootstrap_ci, index
from panmun.errors import InputError, NotFoundError

from conftest import FIXTURES

D = dt.date
JAN, FEB, MAR = D(2020, 1, 1), D(2020, 2, 1), D(2020, 3, 1)


def read_fixture() -> pd.DataFrame:
    return pd.read_csv(FIXTURES / "index_events.csv", comment="#", dtype={"cameo": str, "actor2": str})


def insert_events(store, rows: pd.DataFrame) -> None:
    """Insert event rows (columns of the fixture) as ingested-like events, ``type`` coded.

    Written through a CSV file that DuckDB reads: one statement however many rows."""
    cols = ["id", "date", "actor1", "actor2", "cameo", "goldstein", "quad_class", "mentions", "source"]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "rows.csv"
        rows[cols].to_csv(path, index=False)
        store.con.execute(
            """INSERT INTO events (id, date, actor1, actor2, cameo, goldstein, quad_class, mentions,
                                   source, type, source_id, origin)
               SELECT id, date, actor1, actor2, cameo, goldstein, quad_class, mentions, source,
                      'coded', id, 'test'
               FROM read_csv(?, header = true, columns = {
                   'id': 'VARCHAR', 'date': 'DATE', 'actor1': 'VARCHAR', 'actor2': 'VARCHAR',
                   'cameo': 'VARCHAR', 'goldstein': 'DOUBLE', 'quad_class': 'INTEGER',
                   'mentions': 'INTEGER', 'source': 'VARCHAR'})""", [str(path)])


def load_fixture(store, copies: int = 1, first: int = 0) -> pd.DataFrame:
    """Insert the fixture's events ``copies`` times (ids suffixed ``-first`` ...) into ``events``."""
    fx = read_fixture()
    rows = pd.concat([fx.assign(id=fx["id"] + f"-{k}") for k in range(first, first + copies)],
                     ignore_index=True)
    insert_events(store, rows)
    return rows


@pytest.fixture
def fx_store(store):
    load_fixture(store)
    return store


def cell(df: pd.DataFrame, dyad: str, period: dt.date) -> pd.Series:
    rows = df[(df["dyad"] == dyad) & (df["period"] == period)]
    assert len(rows) == 1, (dyad, period, len(rows))
    return rows.iloc[0]


# --- dyads --------------------------------------------------------------------------------

def test_builtin_dyads_and_parsing():
    assert [d.name for d in DYADS] == ["KOR-PRK", "USA-PRK", "CHN-PRK", "JPN-PRK", "RUS-PRK",
                                       "USA-CHN", "USA-KOR"]
    assert parse_dyad("prk–kor") == Dyad("KOR", "PRK")            # undirected: built-in order
    assert parse_dyad("PRK-KOR", directed=True) == Dyad("PRK", "KOR")
    assert len(select_dyads(None, directed=True)) == 14
    with pytest.raises(InputError, match="unknown dyad"):
        parse_dyad("KOR-JPN")
    with pytest.raises(InputError, match="two actor codes"):
        parse_dyad("KORPRK")


# --- hand-computed index values -------------------------------------------------------------

def test_counts_sums_means_and_net_cooperation_by_hand(fx_store):
    df = index(fx_store, dyad=["KOR-PRK", "USA-PRK"], sources=["gdelt2"], n_boot=0)
    # the source's coverage (3 Jan - 30 Mar 2020) gives three months for each dyad
    assert list(df["period"]) == [JAN, FEB, MAR] * 2
    assert list(df["period_end"]) == [D(2020, 1, 31), D(2020, 2, 29), D(2020, 3, 31)] * 2
    # KOR-PRK, January: fx-01 KOR>PRK q1 +4.0, fx-02 PRK>KOR q3 -2.0, fx-03 KOR>PRK q1 +8.0
    #   q = (2, 0, 1, 0); sum = 4 - 2 + 8 = 10; mean = 10/3; net = (2 - 1)/3 = 1/3
    jan = cell(df, "KOR-PRK", JAN)
    assert (jan.n_events, jan.q1, jan.q2, jan.q3, jan.q4, jan.total) == (3, 2, 0, 1, 0, 3)
    assert jan.goldstein_sum == pytest.approx(10.0)
    assert jan.goldstein_mean == pytest.approx(10 / 3)
    assert jan.net_coop == pytest.approx(1 / 3)
    # KOR-PRK, February: fx-06 PRK>KOR q4 -10, fx-07 KOR>PRK q2 +7, fx-13 KOR>PRK q3 (no Goldstein)
    #   q = (0, 1, 1, 1); sum = -3; mean over the two scored events = -3/2; net = (1 - 2)/3
    feb = cell(df, "KOR-PRK", FEB)
    assert (feb.n_events, feb.q1, feb.q2, feb.q3, feb.q4, feb.total) == (3, 0, 1, 1, 1, 3)
    assert feb.goldstein_sum == pytest.approx(-3.0)
    assert feb.goldstein_mean == pytest.approx(-1.5)
    assert feb.net_coop == pytest.approx(-1 / 3)
    # KOR-PRK, March: no events -> listed, zero counts, no means
    mar = cell(df, "KOR-PRK", MAR)
    assert (mar.n_events, mar.total, mar.goldstein_sum) == (0, 0, 0.0)
    assert math.isnan(mar.goldstein_mean) and math.isnan(mar.net_coop)
    # USA-PRK: Jan fx-04 q4 -8; Feb fx-09 PRK>USA q3 -2; Mar fx-10 q1 +1.9 (one event each)
    usa = df[df["dyad"] == "USA-PRK"].set_index("period")
    assert list(usa["goldstein_mean"]) == pytest.approx([-8.0, -2.0, 1.9])
    assert list(usa["net_coop"]) == [-1.0, -1.0, 1.0]
    assert list(usa["q4"]) == [1, 0, 0] and list(usa["q3"]) == [0, 1, 0]


def test_normalisation_by_the_periods_volume(fx_store):
    df = index(fx_store, dyad=["KOR-PRK", "USA-PRK"], n_boot=0)
    gd = df[df["source"] == "gdelt2"]
    # volume = every gdelt2 event of the month, any actors:
    #   Jan fx-01..05 = 5; Feb fx-06, 07, 08, 09, 13 = 5; Mar fx-10, 11, 12 = 3
    assert list(gd[gd["dyad"] == "KOR-PRK"]["volume"]) == [5, 5, 3]
    kp = gd[gd["dyad"] == "KOR-PRK"]
    assert list(kp["share"]) == pytest.approx([3 / 5, 3 / 5, 0 / 3])
    assert list(kp["coop_share"]) == pytest.approx([2 / 5, 1 / 5, 0])
    assert list(kp["conflict_share"]) == pytest.approx([1 / 5, 2 / 5, 0])
    up = gd[gd["dyad"] == "USA-PRK"]
    assert list(up["share"]) == pytest.approx([1 / 5, 1 / 5, 1 / 3])
    # the curated kb events are not a news-volume stream: no shares, and their own series
    kb = df[df["source"] == "kb"]
    assert len(kb) > 100 and kb["volume"].isna().all() and kb["share"].isna().all()


def test_weighting_by_mentions(fx_store):
    df = index(fx_store, dyad="KOR-PRK", sources=["gdelt2"], weight="mentions", n_boot=0)
    jan, feb = cell(df, "KOR-PRK", JAN), cell(df, "KOR-PRK", FEB)
    # Jan: weights 10 (q1, +4), 4 (q3, -2), 6 (q1, +8): q1 = 16, q3 = 4, total = 20
    #   sum = 40 - 8 + 48 = 80; mean = 80/20 = 4; net = (16 - 4)/20 = 0.6; volume 10+4+6+20+5 = 45
    assert (jan.q1, jan.q3, jan.total) == (16, 4, 20)
    assert (jan.goldstein_sum, jan.goldstein_mean, jan.net_coop) == pytest.approx((80, 4.0, 0.6))
    assert (jan.volume, jan.share) == pytest.approx((45, 20 / 45))
    # Feb: 30 (q4, -10), 2 (q2, +7), 1 (q3, no Goldstein): total 33; sum -300 + 14 = -286
    #   mean = -286 / 32; net = (2 - 31)/33; volume 30+2+8+3+1 = 44
    assert (feb.q2, feb.q3, feb.q4, feb.total) == (2, 1, 30, 33)
    assert feb.goldstein_mean == pytest.approx(-286 / 32)
    assert feb.net_coop == pytest.approx(-29 / 33)
    assert feb.share == pytest.approx(33 / 44)
    assert list(df["n_events"]) == [3, 3, 0]  # events, whatever the weight


def test_directed_dyads(fx_store):
    df = index(fx_store, dyad=["KOR-PRK", "PRK-KOR"], directed=True, sources=["gdelt2"], n_boot=0)
    # KOR>PRK Jan: fx-01 (+4), fx-03 (+8) -> mean 6, net 1; Feb: fx-07 (q2 +7), fx-13 (q3) -> mean 7, net 0
    kp = df[df["dyad"] == "KOR-PRK"]
    assert list(kp["n_events"]) == [2, 2, 0]
    assert list(kp["goldstein_mean"])[:2] == pytest.approx([6.0, 7.0])
    assert list(kp["net_coop"])[:2] == pytest.approx([1.0, 0.0])
    # PRK>KOR: Jan fx-02 (-2), Feb fx-06 (-10)
    pk = df[df["dyad"] == "PRK-KOR"]
    assert list(pk["goldstein_sum"]) == pytest.approx([-2.0, -10.0, 0.0])
    # the two directions add up to the undirected dyad
    und = index(fx_store, dyad="KOR-PRK", sources=["gdelt2"], n_boot=0)
    assert list(und["n_events"]) == list(kp["n_events"].to_numpy() + pk["n_events"].to_numpy())


def test_quarter_and_date_limits(fx_store):
    q = index(fx_store, dyad="KOR-PRK", freq="quarter", sources=["gdelt2"], n_boot=0)
    # Q1 2020: the six KOR-PRK events: q = (2, 1, 2, 1); sum = 10 - 3 = 7 over 5 scored -> 1.4; net 0
    assert len(q) == 1
    r = q.iloc[0]
    assert (r.period, r.period_end) == (JAN, D(2020, 3, 31))
    assert (r.q1, r.q2, r.q3, r.q4) == (2, 1, 2, 1)
    assert (r.goldstein_mean, r.net_coop) == pytest.approx((1.4, 0.0))
    # --since 2020-01-15 keeps fx-03 only in January (the period itself is listed from its start)
    s = index(fx_store, dyad="KOR-PRK", sources=["gdelt2"], since="2020-01-15", until="2020-02-10",
              n_boot=0)
    assert list(s["period"]) == [JAN, FEB]
    assert list(s["n_events"]) == [1, 2]
    assert s.iloc[0].goldstein_sum == pytest.approx(8.0)
    # weeks start on Monday: 2020-01-03 (a Friday) falls in the week of 2019-12-30
    w = index(fx_store, dyad="KOR-PRK", freq="week", sources=["gdelt2"], n_boot=0)
    assert w.iloc[0].period == D(2019, 12, 30) and w.iloc[0].n_events == 1
    assert w["n_events"].sum() == 6 and (np.diff(pd.to_datetime(w["period"])).astype("timedelta64[D]")
                                         == np.timedelta64(7, "D")).all()


# --- bootstrap intervals --------------------------------------------------------------------

def test_bootstrap_intervals_by_hand(fx_store):
    df = index(fx_store, dyad=["KOR-PRK", "USA-PRK"], sources=["gdelt2"], n_boot=1000, seed=0)
    # one event: a zero-width interval at the event's value
    usa_jan = cell(df, "USA-PRK", JAN)
    assert (usa_jan.goldstein_lo, usa_jan.goldstein_hi) == (-8.0, -8.0)
    # KOR-PRK Feb: Goldstein -10, +7 and one unscored event. A replicate's mean is -10 when it
    # draws no +7 and at least one -10: P = (2/3)^3 - (1/3)^3 = 7/27 (26/27 of replicates have
    # a scored event), well above 5%, and +7 likewise: the 90% interval is exactly [-10, +7].
    feb = cell(df, "KOR-PRK", FEB)
    assert (feb.goldstein_lo, feb.goldstein_hi) == (-10.0, 7.0)
    # KOR-PRK Jan net cooperation: s = (+1, -1, +1). P(mean = 1) = (2/3)^3 = 0.30 > 5%, so the
    # upper bound is 1; P(mean = -1) = 1/27 < 5% < P(mean <= -1/3) = 7/27: lower bound -1/3.
    jan = cell(df, "KOR-PRK", JAN)
    assert jan.net_coop_hi == 1.0
    assert jan.net_coop_lo == pytest.approx(-1 / 3)
    # the empty month has no interval
    mar = cell(df, "KOR-PRK", MAR)
    assert math.isnan(mar.goldstein_lo) and math.isnan(mar.net_coop_hi)
    # directed KOR>PRK Jan: two events +4, +8: each alone in 1/4 of replicates -> [4, 8]
    d = index(fx_store, dyad="KOR-PRK", directed=True, sources=["gdelt2"], n_boot=1000)
    assert (cell(d, "KOR-PRK", JAN).goldstein_lo, cell(d, "KOR-PRK", JAN).goldstein_hi) == (4.0, 8.0)


def test_intervals_bracket_the_estimate_and_are_reproducible(fx_store):
    df = index(fx_store, n_boot=500, seed=7)
    has = df[df["n_events"] > 0]
    assert len(has) > 80
    for point, lo, hi in (("goldstein_mean", "goldstein_lo", "goldstein_hi"),
                          ("net_coop", "net_coop_lo", "net_coop_hi")):
        ok = has[point].notna()
        assert (has.loc[ok, lo] <= has.loc[ok, point] + 1e-12).all()
        assert (has.loc[ok, point] <= has.loc[ok, hi] + 1e-12).all()
    again = index(fx_store, n_boot=500, seed=7)
    pd.testing.assert_frame_equal(df, again)


def test_intervals_shrink_like_one_over_root_n(store):
    load_fixture(store, copies=64)
    big = index(store, dyad="KOR-PRK", sources=["gdelt2"], n_boot=4000, seed=1)
    jan = cell(big, "KOR-PRK", JAN)
    # same point estimates with 64 copies of every event
    assert jan.goldstein_mean == pytest.approx(10 / 3)
    assert jan.n_events == 192
    # normal approximation of the bootstrap of a mean: width = 2 * 1.645 * sd / sqrt(n),
    # sd = population sd of (4, -2, 8) = sqrt(((2/3)^2 + (16/3)^2 + (14/3)^2) / 3)
    sd = np.std([4.0, -2.0, 8.0])
    width = jan.goldstein_hi - jan.goldstein_lo
    assert width == pytest.approx(2 * 1.6449 * sd / np.sqrt(192), rel=0.1)


def test_intervals_narrow_as_events_accumulate(store):
    load_fixture(store)
    widths = []
    for copies in (1, 4, 16):
        load_fixture_extra(store, copies)
        q = index(store, dyad="KOR-PRK", freq="quarter", sources=["gdelt2"], n_boot=2000, seed=3)
        assert q.iloc[0].n_events == 6 * copies
        widths.append(float(q.iloc[0].goldstein_hi - q.iloc[0].goldstein_lo))
    assert widths[0] > widths[1] > widths[2] > 0
    # four times the events: about half the width (1/sqrt(4))
    assert widths[1] < 0.7 * widths[0] and widths[2] < 0.7 * widths[1]


def load_fixture_extra(store, copies: int) -> None:
    """Top the store up to ``copies`` copies of the fixture."""
    have = store.query("SELECT count(*) AS n FROM events WHERE source = 'gdelt2'")["n"][0] // 13
    if copies > have:
        load_fixture(store, copies - have, first=have)


def _quantile_type7(values: list[float], p: float) -> float:
    """Hyndman & Fan type 7 (linear interpolation), written out."""
    xs = sorted(values)
    h = (len(xs) - 1) * p
    lo = math.floor(h)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (h - lo) * (xs[hi] - xs[lo])


def reference_intervals(cells, m, w, g, q, draws, level):
    """Slow reference: for every replicate and cell, rebuild the resampled events one by one
    and average them with plain Python; then type-7 quantiles. One loop per replicate."""
    n_cells = max(cells) + 1
    stats_g = [[] for _ in range(n_cells)]
    stats_q = [[] for _ in range(n_cells)]
    for b in range(draws.shape[0]):
        resampled = [[] for _ in range(n_cells)]
        for r, c in enumerate(cells):
            resampled[c] += [(w[r], g[r], q[r])] * int(draws[b, r])
        for c in range(n_cells):
            scored = [(wi, gi) for wi, gi, _ in resampled[c] if not math.isnan(gi)]
            classed = [(wi, 1.0 if qi <= 2 else -1.0) for wi, _, qi in resampled[c] if not math.isnan(qi)]
            if scored:
                stats_g[c].append(sum(wi * gi for wi, gi in scored) / sum(wi for wi, _ in scored))
            if classed:
                stats_q[c].append(sum(wi * si for wi, si in classed) / sum(wi for wi, _ in classed))
    probs = ((1 - level) / 2, (1 + level) / 2)
    return ([[_quantile_type7(v, p) for p in probs] for v in stats_g],
            [[_quantile_type7(v, p) for p in probs] for v in stats_q])


def _fixture_rows():
    fx = pd.read_csv(FIXTURES / "index_events.csv", comment="#")
    fx = fx[fx["actor2"].notna()]
    fx["cell"] = pd.factorize(fx["date"].str[:7] + fx["actor1"].str.cat(fx["actor2"]), sort=True)[0]
    fx = fx.sort_values("cell", kind="stable")
    return (fx["cell"].to_numpy(), np.ones(len(fx), int), fx["mentions"].to_numpy(float),
            fx["goldstein"].to_numpy(float), fx["quad_class"].to_numpy(float))


def test_vectorised_bootstrap_matches_a_slow_reference_loop():
    cells, m, w, g, q = _fixture_rows()
    res = bootstrap_ci(cells, m, w, g, q, n_boot=300, level=0.9, rng=np.random.default_rng(11),
                       return_draws=True)
    # every replicate draws each cell's n events
    n = np.bincount(cells, weights=m)
    for c in range(len(n)):
        assert (res.draws[:, cells == c].sum(axis=1) == n[c]).all()
    ref_g, ref_q = reference_intervals(list(cells), m, w, g, q, res.draws, 0.9)
    other = bootstrap_ci(cells, m, w, g, q, n_boot=300, level=0.9, rng=np.random.default_rng(12),
                         return_draws=True)
    assert not np.array_equal(res.draws, other.draws)   # the seed matters
    np.testing.assert_allclose(res.goldstein, np.array(ref_g), rtol=0, atol=1e-12)
    np.testing.assert_allclose(res.net_coop, np.array(ref_q), rtol=0, atol=1e-12)


def test_bootstrap_agrees_with_independent_resampling_of_events():
    """An independent reference: resample event indices with ``Generator.integers``, one
    replicate at a time, for a 200-event cell; the 5% and 95% quantiles agree to Monte Carlo
    error (about 0.01 Goldstein units at 20 000 replicates)."""
    rng = np.random.default_rng(2024)
    g = rng.choice([-10.0, -7.2, -4.0, -2.0, 1.0, 1.9, 3.4, 4.0, 7.0, 8.0], size=200)
    q = np.where(g > 0, 1.0, 4.0)
    w = rng.integers(1, 20, size=200).astype(float)
    res = bootstrap_ci(np.zeros(200, int), np.ones(200, int), w, g, q, n_boot=20_000, level=0.9,
                       rng=np.random.default_rng(1))
    ref_rng = np.random.default_rng(99)
    stats = np.empty(20_000)
    for b in range(20_000):
        idx = ref_rng.integers(0, 200, size=200)
        stats[b] = np.sum(w[idx] * g[idx]) / np.sum(w[idx])
    ref = np.quantile(stats, [0.05, 0.95])
    np.testing.assert_allclose(res.goldstein[0], ref, atol=0.05)


def test_bootstrap_handles_grouped_rows_like_repeated_rows():
    """Rows may stand for several identical events (m > 1): the intervals are those of the
    events written out one by one (same multinomial law; compared at large n_boot)."""
    g = np.array([-10.0, 7.0, 2.0])
    grouped = bootstrap_ci(np.zeros(3, int), np.array([5, 3, 2]), np.ones(3), g, np.array([4.0, 2, 1]),
                           n_boot=40_000, level=0.9, rng=np.random.default_rng(5))
    rows = np.repeat(np.arange(3), [5, 3, 2])
    single = bootstrap_ci(np.zeros(10, int), np.ones(10, int), np.ones(10), g[rows],
                          np.array([4.0, 2, 1])[rows], n_boot=40_000, level=0.9,
                          rng=np.random.default_rng(6))
    np.testing.assert_allclose(grouped.goldstein, single.goldstein, atol=0.35)
    np.testing.assert_allclose(grouped.net_coop, single.net_coop, atol=0.05)


# --- knowledge base alone ---------------------------------------------------------------------

def test_index_on_the_knowledge_base_alone(store):
    df = index(store, n_boot=200)
    assert set(df["source"]) == {"kb"}
    assert set(df["dyad"]) == {d.name for d in DYADS}
    # the calendar is complete: every month from the first to the last kb event, for every dyad
    first, last = store.query("SELECT min(date) AS a, max(date) AS b FROM events WHERE source = 'kb'").iloc[0]
    months = pd.period_range(pd.Timestamp(first), pd.Timestamp(last), freq="M")
    for _, grp in df.groupby("dyad"):
        assert list(pd.to_datetime(grp["period"]).dt.to_period("M")) == list(months)
    # counts agree with a direct count of the events between the two actors
    direct = store.query("""SELECT count(*) AS n FROM events WHERE source = 'kb' AND
                            ((actor1 = 'KOR' AND actor2 = 'PRK') OR (actor1 = 'PRK' AND actor2 = 'KOR'))""")
    kp = df[df["dyad"] == "KOR-PRK"]
    assert kp["n_events"].sum() == direct["n"][0]
    assert (kp["q1"] + kp["q2"] + kp["q3"] + kp["q4"]).sum() == direct["n"][0]
    # months without events are present, with zero counts and no means
    empty = kp[kp["n_events"] == 0]
    assert len(empty) > 0 and empty["goldstein_mean"].isna().all() and (empty["total"] == 0).all()
    assert df.attrs["n_boot"] == 200 and df.attrs["freq"] == "month"


def test_bad_arguments(store):
    with pytest.raises(InputError, match="unknown period"):
        index(store, freq="day")
    with pytest.raises(InputError, match="unknown dyad"):
        index(store, dyad="KOR-JPN")
    with pytest.raises(InputError, match="--since"):
        index(store, since="2020-13-01")
    with pytest.raises(InputError, match="after --until"):
        index(store, since="2021-01-01", until="2020-01-01")
    with pytest.raises(InputError, match="weight"):
        index(store, weight="tone")
    with pytest.raises(NotFoundError, match="gdelt2"):
        index(store, sources=["gdelt2"])
    # a window outside the data: an empty table with the usual columns
    empty = index(store, since="1990-01-01", until="1990-12-31")
    assert empty.empty and "net_coop" in empty.columns


# --- change points --------------------------------------------------------------------------

def test_count_change_point_found_where_the_rate_changes():
    rng = np.random.default_rng(3)
    counts = np.column_stack([np.r_[rng.poisson(0.3, 40), rng.poisson(3.0, 40)],
                              rng.poisson(0.5, 80)])
    seg = find_count_breaks(counts, min_size=3)
    assert len(seg.breaks) == 1 and abs(seg.breaks[0] - 40) <= 2
    assert seg.strength[0] > 1


def test_no_change_point_in_a_homogeneous_or_sparse_series():
    rng = np.random.default_rng(4)
    assert find_count_breaks(rng.poisson(1.5, size=(120, 2))).breaks == ()
    # one isolated event is not a regime (a Gaussian model of a mostly-zero series says it is)
    lone = np.zeros((110, 2))
    lone[60, 1] = 1
    assert find_count_breaks(lone).breaks == ()
    assert find_breaks(lone[:, 1] * -5.0).breaks != ()   # why counts are the default signal


def test_count_change_points_with_exposure_follow_the_share_not_the_volume():
    rng = np.random.default_rng(5)
    volume = np.r_[np.full(50, 1000.0), np.full(50, 4000.0)]   # the news volume quadruples
    share = np.r_[np.full(50, 0.01), np.full(50, 0.01)]       # the dyad's share does not
    counts = rng.poisson(share * volume)[:, None]
    assert find_count_breaks(counts, volume).breaks == ()
    assert any(abs(b - 50) <= 2 for b in find_count_breaks(counts).breaks)   # raw counts do jump


def test_poisson_cost_is_the_poisson_negative_log_likelihood():
    """Reference: scipy's Poisson log-pmf at the segment's rate estimate. The cost omits only
    terms that do not depend on where the segments are cut."""
    from scipy.stats import poisson
    rng = np.random.default_rng(6)
    x = rng.poisson(2.0, size=(30, 2)).astype(float)
    v = rng.uniform(0.5, 2.0, size=30)
    cost = PoissonCost().fit(np.column_stack([x, v]))

    def nll(a, b):
        theta = x[a:b].sum(axis=0) / v[a:b].sum()
        return -poisson.logpmf(x[a:b], theta[None, :] * v[a:b, None]).sum()

    for a, b in ((0, 30), (0, 10), (10, 30), (5, 17), (17, 30)):
        assert nll(a, b) == pytest.approx(cost.error(a, b) + _offset(x, v, a, b), abs=1e-9)
    # so the difference between two segmentations is the same under both
    split = nll(0, 10) + nll(10, 30) - nll(0, 30)
    assert split == pytest.approx(cost.error(0, 10) + cost.error(10, 30) - cost.error(0, 30), abs=1e-9)


def _offset(x, v, a, b):
    """Segment-free terms of the Poisson NLL: Σ log x! − Σ x log V."""
    from scipy.special import gammaln
    return float(gammaln(x[a:b] + 1).sum() - (x[a:b] * np.log(v[a:b, None])).sum())


def test_mean_shift_found_in_a_gaussian_series_and_not_in_noise():
    rng = np.random.default_rng(8)
    x = np.r_[rng.normal(0, 1, 30), rng.normal(3, 1, 30)]
    seg = find_breaks(x)
    assert seg.breaks == (30,) or seg.breaks in ((29,), (31,))
    assert seg.model == "l2" and seg.scale == pytest.approx(1, rel=0.4)
    assert find_breaks(rng.normal(0, 1, 60)).breaks == ()


@pytest.mark.slow
def test_calibration_false_alarms_and_detection_rates():
    """The rates the changepoints module docstring states, on 60 simulated series each:
    false alarms on series without a change stay under 10%, and a change is found (alone,
    within two periods of where it is) in at least 75% of series that have one."""
    rng = np.random.default_rng(2026)
    reps = 60

    def rate(make, detect) -> float:
        return sum(detect(make()) for _ in range(reps)) / reps

    flagged = lambda seg: len(seg.breaks) > 0  # noqa: E731
    assert rate(lambda: find_count_breaks(rng.poisson(1.5, (110, 2))), flagged) < 0.10
    overdispersed = lambda: rng.negative_binomial(0.75, 0.75 / 2.25, (110, 2))  # noqa: E731
    assert rate(lambda: find_count_breaks(overdispersed()), flagged) < 0.10
    assert rate(lambda: find_breaks(rng.normal(0, 1, 60)), flagged) < 0.10

    def step_counts():
        coop = np.r_[rng.poisson(0.3, 55), rng.poisson(1.5, 55)]
        return find_count_breaks(np.column_stack([coop, rng.poisson(0.3, 110)]))

    found = lambda at: lambda seg: len(seg.breaks) == 1 and abs(seg.breaks[0] - at) <= 2  # noqa: E731
    assert rate(step_counts, found(55)) >= 0.75
    assert rate(lambda: find_breaks(np.r_[rng.normal(0, 1, 30), rng.normal(2, 1, 30)]), found(30)) >= 0.75


def test_synthetic_break_through_the_index_and_annotation(store):
    """A store with a known regime change in a test source: KOR-PRK cooperative events at about
    0.3 a month before 2019-07 and 3 a month after; the change point is dated 2019-07 (± 2
    months) and annotated with kb events, the dyad's own first."""
    rng = np.random.default_rng(12)
    months = pd.date_range("2017-01-01", "2021-12-01", freq="MS")
    rows = []
    for m in months:
        rate = 0.3 if m < pd.Timestamp("2019-07-01") else 3.0
        for k in range(rng.poisson(rate)):
            rows.append({"id": f"syn-{m:%Y%m}-{k}", "date": (m + pd.Timedelta(days=int(k) % 27)).date()})
    syn = pd.DataFrame(rows).assign(actor1="KOR", actor2="PRK", cameo=None, goldstein=4.0, quad_class=1,
                                    mentions=None, source="test-synthetic")
    insert_events(store, syn)
    cps = dyad_changepoints(store, dyad="KOR-PRK", sources=["test-synthetic"])
    assert len(cps) == 1
    assert abs((pd.Timestamp(cps.iloc[0].date) - pd.Timestamp("2019-07-01")).days) <= 62
    assert cps.iloc[0].coop_after > 5 * cps.iloc[0].coop_before
    events = cps.iloc[0].events
    assert 0 < len(events) <= 3
    for e in events:
        assert abs(e["days"]) <= 62 and e["source_url"] and e["id"]
        assert e["date"] == cps.iloc[0].date + dt.timedelta(days=e["days"])
    assert [e["in_dyad"] for e in events] == sorted((e["in_dyad"] for e in events), reverse=True)


def test_change_points_on_the_knowledge_base(store):
    """KOR-PRK and USA-PRK monthly counts of the kb. Found (kb of 192 events): KOR-PRK 2018-01
    and 2019-01; USA-PRK 2017-12 and 2019-11 (with one KOR-PRK event fewer, also KOR-PRK
    2022-11 and 2025-06: weak breaks come and go with single events). Asserted: only what
    should survive edits of the kb: the 2018 détente opens with a rise in cooperation (a
    change point between October 2017 and June 2018) and ends with a fall (between September
    2018 and December 2019). The kb's events now start in 1991; over the whole record the
    strongest USA-PRK break is the end of the 2000 thaw (2000-12), so the détente is looked
    for in the series from 2016 on (found, kb of 547 events: KOR-PRK 2018-01 and 2019-01,
    USA-PRK 2018-03 and 2019-11)."""
    cps = dyad_changepoints(store, dyad=["KOR-PRK", "USA-PRK"], since="2016-01-01")
    assert (cps["strength"] >= 1 - 1e-9).all()   # PELT's optimum: every break pays its penalty
    for dyad in ("KOR-PRK", "USA-PRK"):
        c = cps[cps["dyad"] == dyad]
        dates = pd.to_datetime(c["date"])
        rise = c[(dates >= "2017-10-01") & (dates <= "2018-06-30") & (c["coop_after"] > c["coop_before"])]
        fall = c[(dates >= "2018-09-01") & (dates <= "2019-12-31") & (c["coop_after"] < c["coop_before"])]
        assert len(rise) == 1 and len(fall) == 1, c[["dyad", "date", "coop_before", "coop_after"]]
        for events in c["events"]:
            assert events and all(e["source_url"] for e in events)
    info = pd.DataFrame(cps.attrs["series"])
    assert set(info["dyad"]) == {"KOR-PRK", "USA-PRK"} and (info["model"] == "poisson").all()


def test_other_signals_and_their_errors(store):
    table = index(store, dyad="KOR-PRK", n_boot=0)
    cps = changepoints(table, store, signal="net_coop")
    assert cps.attrs["series"][0]["model"] == "l2"
    # net_coop is undefined in empty months, which are left out
    assert cps.attrs["series"][0]["periods"] == int(table["net_coop"].notna().sum())
    with pytest.raises(InputError, match="unknown signal"):
        changepoints(table, store, signal="tone")


# --- command line ------------------------------------------------------------------------------

def test_cli_index_json_shape(cli, db_path):
    res = cli("environment", "index", "--dyad", "KOR-PRK", "--freq", "quarter", "--since", "2018-01-01",
              "--until", "2018-12-31", "-f", "json")
    assert res.code == 0, res.err
    rows = json.loads(res.out)
    assert [r["period"] for r in rows] == ["2018-01-01", "2018-04-01", "2018-07-01", "2018-10-01"]
    assert {"source", "dyad", "period", "period_end", "n_events", "q1", "q2", "q3", "q4", "total",
            "goldstein_sum", "goldstein_mean", "goldstein_lo", "goldstein_hi", "net_coop",
            "net_coop_lo", "net_coop_hi", "volume", "share"} <= set(rows[0])
    assert all(r["dyad"] == "KOR-PRK" and r["source"] == "kb" for r in rows)
    assert rows[0]["volume"] is None and rows[0]["goldstein_lo"] <= rows[0]["goldstein_mean"]
    csv = cli("environment", "index", "--dyad", "USA-PRK", "--directed", "--boot", "0", "-f", "csv")
    assert csv.code == 0 and csv.out.splitlines()[0].startswith("source,dyad,period")
    assert cli("environment", "index", "--dyad", "KOR-PRK").code == 0


def test_cli_changepoints_json_shape(cli, db_path):
    res = cli("environment", "changepoints", "--dyad", "KOR-PRK", "-f", "json")
    assert res.code == 0, res.err
    rows = json.loads(res.out)
    assert rows and {"dyad", "date", "before", "after", "strength", "events", "nearest"} <= set(rows[0])
    assert {"id", "date", "days", "summary", "source_url"} <= set(rows[0]["events"][0])
    assert cli("environment", "changepoints", "--freq", "quarter").code == 0
    csv = cli("environment", "changepoints", "--dyad", "KOR-PRK", "-f", "csv")
    assert csv.code == 0, csv.err
    lines = csv.out.splitlines()
    assert lines[0].split(",")[-1] == "events" and rows[0]["events"][0]["id"] in lines[1]


@pytest.mark.parametrize("args, needle", [
    (("index", "--dyad", "KOR-JPN"), "built-in dyads"),
    (("index", "--freq", "day"), "week, month, quarter"),
    (("index", "--since", "2020-02-30"), "YYYY-MM-DD"),
    (("changepoints", "--until", "yesterday"), "YYYY-MM-DD"),
    (("changepoints", "--dyad", "PRK"), "KOR-PRK"),
    (("changepoints", "--signal", "tone"), "net_coop"),
])
def test_cli_bad_input_exits_2_with_advice(cli, db_path, args, needle):
    res = cli("environment", *args)
    assert res.code == 2
    assert needle in res.err.replace("\n", " ")


# --- briefing section ----------------------------------------------------------------------

@pytest.mark.slow
def test_environment_section(store):
    from panmun.report.environment_section import START, environment_section
    sec = environment_section(store, D(2026, 3, 31))
    assert sec.id == "environment" and sec.template == "environment.html.j2"
    assert sec.data["chart"].startswith("<svg")
    per_dyad = (index(store, since=START, until="2026-03-31", sources=["kb"], n_boot=0)
                .groupby("dyad")["n_events"].sum())
    assert sec.data["drawn"] == [d.name for d in DYADS if per_dyad[d.name] >= 10]
    assert {"KOR-PRK", "USA-PRK"} <= set(sec.data["drawn"])
    n = store.query("""SELECT count(*) AS n FROM events WHERE source = 'kb' AND date <= '2026-03-31'
                        AND date >= ? AND ((actor1 = 'KOR' AND actor2 = 'PRK')
                                           OR (actor1 = 'PRK' AND actor2 = 'KOR'))""", [START])
    assert f"KOR-PRK: {n['n'][0]} key events" in sec.data["chart"]
    counts = sec.data["counts"].set_index("dyad")
    assert counts.loc["KOR-PRK", "events"] == counts.loc["KOR-PRK", "cooperative"] + counts.loc[
        "KOR-PRK", "conflictual"]
    early = environment_section(store, D(2016, 6, 30))
    assert early.data["chart"] == "" and early.data["changepoints"].empty
