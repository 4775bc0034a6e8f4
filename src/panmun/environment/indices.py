"""Conflict–cooperation indices per dyad and period, with bootstrap confidence intervals.

For one event source ``s``, dyad ``d`` and period ``t`` (a calendar week, month or quarter)
let ``E`` be the events between the dyad's actors in that period, each with a weight
``w_i`` (1 when counting events; its news-volume count, e.g. GDELT ``NumMentions``, when
weighting by mentions), a Goldstein score ``g_i`` in [−10, +10] and a quad class
``c_i`` ∈ {1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material
conflict}. Then::

    q_k          = Σ_{i∈E, c_i=k} w_i                       (k = 1..4; events or mentions)
    total        = Σ_{i∈E} w_i
    goldstein_sum  = Σ_{i∈E, g_i known} w_i g_i            (Goldstein units × events)
    goldstein_mean = goldstein_sum / Σ_{i∈E, g_i known} w_i  (Goldstein units, −10..+10)
    net_coop     = (q1 + q2 − q3 − q4) / (q1 + q2 + q3 + q4)  (dimensionless, −1..+1)

``net_coop`` is the mean of ``s_i = +1`` (cooperation) / ``−1`` (conflict) over the classed
events: +1 all cooperation, −1 all conflict. For a news-volume source (GDELT 1.0/2.0,
:data:`NEWS_VOLUME_SOURCES`) the counts are also divided by that source's whole event
volume in the store in the same period, ``V = Σ_{all events of s in t} w_i`` (GDELT's
advice: normalise by all events of the period, since the volume of news coded grows
over the years)::

    share = total / V,   coop_share = (q1 + q2) / V,   conflict_share = (q3 + q4) / V

Sources are never pooled: each dataset codes the same world events on its own, so adding
their counts would count an event once per dataset. A source's periods run from its
first to its last event in the store (clipped to ``since``/``until``); inside that range
a period without dyad events is listed with zero counts and empty (NaN) means, so gaps
stay visible. The first and last periods may be partial.

**Uncertainty.** ``goldstein_lo/hi`` and ``net_coop_lo/hi`` are percentile bootstrap
intervals (level ``level``, default 90%) over the events of each cell: a replicate
resamples the cell's ``n`` events with replacement (a multinomial draw of ``n`` over its
distinct events, all replicates and cells in one array operation) and recomputes the
weighted mean; the bounds are the ``(1 − level)/2`` and ``(1 + level)/2`` quantiles
(linear interpolation) of the ``n_boot`` replicates. The interval is conditional on the
number of events in the cell; a cell with one event has a zero-width interval, and one
with none has no interval.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from panmun.dates import as_date
from panmun.environment.dyads import Dyad, membership_rows, select_dyads
from panmun.errors import InputError, NotFoundError
from panmun.store.db import Store

#: Period lengths: DuckDB ``date_trunc`` part and the step between period starts.
#: Weeks start on Monday (ISO 8601).
FREQS: dict[str, tuple[str, str]] = {
    "week": ("week", "INTERVAL 7 DAY"),
    "month": ("month", "INTERVAL 1 MONTH"),
    "quarter": ("quarter", "INTERVAL 3 MONTH"),
}
WEIGHTS = ("events", "mentions")
#: Sources whose event counts follow the volume of news coded, normalised per period.
NEWS_VOLUME_SOURCES = frozenset({"gdelt1", "gdelt2"})
#: Largest number of multinomial cells (replicates × cells × categories) drawn at once.
MAX_DRAW_ELEMENTS = 10_000_000

COLUMNS = ["source", "dyad", "period", "period_end", "n_events", "q1", "q2", "q3", "q4", "total",
           "goldstein_sum", "goldstein_mean", "goldstein_lo", "goldstein_hi",
           "net_coop", "net_coop_lo", "net_coop_hi", "volume", "share", "coop_share",
           "conflict_share"]


def check_freq(freq: str) -> str:
    """``freq`` if it is a known period length, else an :class:`InputError` saying which are."""
    if freq not in FREQS:
        raise InputError(f"unknown period {freq!r}", hint=f"Use one of: {', '.join(FREQS)}.")
    return freq


def _check_options(weight: str, n_boot: int, level: float) -> None:
    if weight not in WEIGHTS:
        raise InputError(f"unknown weight {weight!r}", hint=f"Use one of: {', '.join(WEIGHTS)}.")
    if n_boot < 0:
        raise InputError(f"n_boot must be 0 or more, not {n_boot}",
                         hint="Use e.g. 1000; 0 skips the intervals.")
    if not 0 < level < 1:
        raise InputError(f"level must lie between 0 and 1, not {level}", hint="Use e.g. 0.9 for 90%.")


def source_coverage(store: Store, sources: Iterable[str] | None = None) -> pd.DataFrame:
    """First and last event date of every source in the store (or of ``sources``).

    Raises :class:`~panmun.errors.NotFoundError` for a named source with no events.
    """
    cov = store.query("SELECT source, min(date) AS first, max(date) AS last, count(*) AS events "
                      "FROM events GROUP BY source ORDER BY source")
    if sources is None:
        return cov
    wanted = list(dict.fromkeys(sources))
    missing = [s for s in wanted if s not in set(cov["source"])]
    if missing:
        raise NotFoundError(f"no events from source {', '.join(map(repr, missing))} in the store",
                            hint=f"Sources in the store: {', '.join(cov['source'])}. "
                                 "Ingest a file with `panmun ingest FORMAT FILE` first.")
    return cov[cov["source"].isin(wanted)].reset_index(drop=True)


def _bounds(cov: pd.DataFrame, since: dt.date | None, until: dt.date | None) -> pd.DataFrame:
    lo = pd.to_datetime(cov["first"]).dt.date
    hi = pd.to_datetime(cov["last"]).dt.date
    if since is not None:
        lo = lo.map(lambda d: max(d, since))
    if until is not None:
        hi = hi.map(lambda d: min(d, until))
    out = pd.DataFrame({"source": cov["source"], "lo": lo, "hi": hi})
    return out[out["lo"] <= out["hi"]].reset_index(drop=True)


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object if c in ("source", "dyad", "period", "period_end")
                                      else float) for c in COLUMNS})


def index(store: Store, dyad: str | Dyad | Iterable[str | Dyad] | None = None, freq: str = "month",
          since: dt.date | str | None = None, until: dt.date | str | None = None,
          directed: bool = False, sources: Iterable[str] | None = None, weight: str = "events",
          n_boot: int = 1000, seed: int = 0, level: float = 0.90) -> pd.DataFrame:
    """The conflict–cooperation index per source, dyad and period (equations: module docstring).

    ``dyad``: a built-in dyad name (``KOR-PRK``), a :class:`Dyad`, a list of them, or
    ``None`` for all built-in dyads. ``directed``: count only ``actor1 → actor2`` events (both
    directions of every dyad are then listed when ``dyad`` is ``None``). ``sources``: event
    sources to use (default every source in the store, each as its own series). ``weight``:
    ``events`` counts events, ``mentions`` weights each by its news-volume count
    (``mentions``, 1 when unknown). ``n_boot`` bootstrap replicates drawn from
    ``numpy.random.default_rng(seed)``; ``level`` the interval's coverage.

    One row per source, dyad and period, columns :data:`COLUMNS`; ``df.attrs`` records the
    parameters (freq, directed, weight, n_boot, seed, level).
    """
    check_freq(freq)
    _check_options(weight, n_boot, level)
    since_d = as_date(since, "--since") if since is not None else None
    until_d = as_date(until, "--until") if until is not None else None
    if since_d and until_d and since_d > until_d:
        raise InputError(f"--since {since_d} is after --until {until_d}", hint="Swap the two dates.")
    dyads = select_dyads(dyad, directed=directed)
    bounds = _bounds(source_coverage(store, sources), since_d, until_d)
    attrs = {"freq": freq, "directed": directed, "weight": weight, "n_boot": n_boot, "seed": seed,
             "level": level, "dyads": [d.name for d in dyads], "sources": list(bounds["source"])}
    if bounds.empty:
        out = _empty()
        out.attrs = attrs
        return out
    table = f"_panmun_index_{uuid.uuid4().hex}"
    try:
        cats = _categories(store, table, dyads, directed, bounds, freq, weight)
        out = _cells(store, table, dyads, bounds, freq, weight)
    finally:
        store.con.execute(f"DROP TABLE IF EXISTS {table}")
    lo_hi = _intervals(cats, n_boot, level, np.random.default_rng(seed))
    out = out.merge(lo_hi, on=["source", "dyad", "period"], how="left")
    for col in ("period", "period_end"):
        out[col] = pd.to_datetime(out[col]).dt.date
    if weight == "events":
        for col in ("q1", "q2", "q3", "q4", "total"):
            out[col] = out[col].astype("int64")
    out = out[COLUMNS]
    out.attrs = attrs
    return out


def _params(dyads: list[Dyad], directed: bool, bounds: pd.DataFrame) -> list:
    names, first, second = membership_rows(dyads, directed)
    return [names, first, second, list(bounds["source"]), list(bounds["lo"]), list(bounds["hi"])]


_WITH = """
dy AS (SELECT unnest(?::VARCHAR[]) AS dyad, unnest(?::VARCHAR[]) AS a1, unnest(?::VARCHAR[]) AS a2),
cov AS (SELECT unnest(?::VARCHAR[]) AS source, unnest(?::DATE[]) AS lo, unnest(?::DATE[]) AS hi)"""


def _weight_sql(weight: str) -> str:
    return "CAST(coalesce(e.mentions, 1) AS DOUBLE)" if weight == "mentions" else "1.0"


def _categories(store: Store, table: str, dyads: list[Dyad], directed: bool, bounds: pd.DataFrame,
                freq: str, weight: str) -> pd.DataFrame:
    """Distinct (source, dyad, period, goldstein, quad class, weight) with their event count ``m``,
    kept in the temporary table ``table`` and returned."""
    part, _ = FREQS[freq]
    sql = f"""CREATE TEMP TABLE {table} AS WITH {_WITH}
        SELECT e.source, dy.dyad, CAST(date_trunc('{part}', e.date) AS DATE) AS period,
               e.goldstein AS g, e.quad_class AS q, {_weight_sql(weight)} AS w, count(*) AS m
        FROM events e
        JOIN dy ON e.actor1 = dy.a1 AND e.actor2 = dy.a2
        JOIN cov ON e.source = cov.source AND e.date BETWEEN cov.lo AND cov.hi
        GROUP BY ALL"""
    store.con.execute(sql, _params(dyads, directed, bounds))
    return store.query(f"SELECT * FROM {table} ORDER BY source, dyad, period, g NULLS LAST, "
                       "q NULLS LAST, w")


def _cells(store: Store, name: str, dyads: list[Dyad], bounds: pd.DataFrame, freq: str,
           weight: str) -> pd.DataFrame:
    """Point estimates on the full calendar of periods (SQL over the categories table ``name``
    and the events)."""
    part, step = FREQS[freq]
    volume_sources = sorted(NEWS_VOLUME_SOURCES & set(bounds["source"]))
    sql = f"""WITH {_WITH},
    spine AS (
        SELECT cov.source, dn.dyad,
               CAST(unnest(generate_series(date_trunc('{part}', cov.lo), date_trunc('{part}', cov.hi),
                                           {step})) AS DATE) AS period
        FROM cov CROSS JOIN (SELECT DISTINCT dyad FROM dy) dn),
    cells AS (
        SELECT source, dyad, period, sum(m) AS n_events,
               sum(m * w) FILTER (WHERE q = 1) AS q1, sum(m * w) FILTER (WHERE q = 2) AS q2,
               sum(m * w) FILTER (WHERE q = 3) AS q3, sum(m * w) FILTER (WHERE q = 4) AS q4,
               sum(m * w) AS total,
               sum(m * w * g) FILTER (WHERE g IS NOT NULL) AS gsum,
               sum(m * w) FILTER (WHERE g IS NOT NULL) AS gw
        FROM {name} GROUP BY ALL),
    vol AS (
        SELECT e.source, CAST(date_trunc('{part}', e.date) AS DATE) AS period,
               sum({_weight_sql(weight)}) AS volume
        FROM events e JOIN cov ON e.source = cov.source AND e.date BETWEEN cov.lo AND cov.hi
        WHERE e.source IN (SELECT unnest(?::VARCHAR[]))
        GROUP BY ALL),
    filled AS (
        SELECT s.source, s.dyad, s.period,
               CAST(s.period + {step} - INTERVAL 1 DAY AS DATE) AS period_end,
               coalesce(c.n_events, 0) AS n_events,
               coalesce(c.q1, 0) AS q1, coalesce(c.q2, 0) AS q2,
               coalesce(c.q3, 0) AS q3, coalesce(c.q4, 0) AS q4,
               coalesce(c.total, 0) AS total, coalesce(c.gsum, 0) AS goldstein_sum,
               c.gsum / c.gw AS goldstein_mean, v.volume
        FROM spine s
        LEFT JOIN cells c ON c.source = s.source AND c.dyad = s.dyad AND c.period = s.period
        LEFT JOIN vol v ON v.source = s.source AND v.period = s.period)
    SELECT *, (q1 + q2 - q3 - q4) / nullif(q1 + q2 + q3 + q4, 0) AS net_coop,
           total / volume AS share, (q1 + q2) / volume AS coop_share,
           (q3 + q4) / volume AS conflict_share
    FROM filled ORDER BY source, dyad, period"""
    out = store.query(sql, [*_params(dyads, False, bounds), volume_sources])
    for col in ("goldstein_mean", "net_coop", "volume", "share", "coop_share", "conflict_share"):
        out[col] = out[col].astype("float64")
    out["n_events"] = out["n_events"].astype("int64")
    return out


def _intervals(cats: pd.DataFrame, n_boot: int, level: float, rng: np.random.Generator) -> pd.DataFrame:
    keys = cats[["source", "dyad", "period"]]
    cell = keys.groupby(["source", "dyad", "period"], sort=False).ngroup().to_numpy()
    first = cats.drop_duplicates(["source", "dyad", "period"])[["source", "dyad", "period"]]
    first = first.reset_index(drop=True)
    if n_boot == 0 or cats.empty:
        nan = np.full(len(first), np.nan)
        return first.assign(goldstein_lo=nan, goldstein_hi=nan, net_coop_lo=nan, net_coop_hi=nan)
    ci = bootstrap_ci(cell, cats["m"].to_numpy(), cats["w"].to_numpy(dtype=float),
                      cats["g"].to_numpy(dtype=float, na_value=np.nan),
                      cats["q"].to_numpy(dtype=float, na_value=np.nan),
                      n_boot=n_boot, level=level, rng=rng)
    return first.assign(goldstein_lo=ci.goldstein[:, 0], goldstein_hi=ci.goldstein[:, 1],
                        net_coop_lo=ci.net_coop[:, 0], net_coop_hi=ci.net_coop[:, 1])


@dataclass(frozen=True)
class BootstrapResult:
    """Per-cell interval bounds ``(lo, hi)`` and, on request, the replicate draws.

    ``goldstein`` and ``net_coop``: arrays of shape ``(cells, 2)``. ``draws``: ``(n_boot, rows)``,
    the number of times each input row was drawn in each replicate (``None`` unless asked).
    """

    goldstein: np.ndarray
    net_coop: np.ndarray
    draws: np.ndarray | None = None


def _quantiles(stat: np.ndarray, probs: list[float]) -> np.ndarray:
    """Linear-interpolation quantiles over replicates (axis 0), ignoring NaN replicates."""
    out = np.full((stat.shape[1], len(probs)), np.nan)
    finite = np.isfinite(stat)
    full = finite.all(axis=0)
    if full.any():
        out[full] = np.quantile(stat[:, full], probs, axis=0).T
    partial = ~full & finite.any(axis=0)
    if partial.any():
        out[partial] = np.nanquantile(stat[:, partial], probs, axis=0).T
    return out


def bootstrap_ci(cell: np.ndarray, m: np.ndarray, w: np.ndarray, g: np.ndarray, q: np.ndarray, *,
                 n_boot: int, level: float, rng: np.random.Generator,
                 return_draws: bool = False) -> BootstrapResult:
    """Percentile bootstrap intervals of mean Goldstein and net cooperation for many cells at once.

    Each row is a distinct kind of event in cell ``cell`` (sorted, numbered 0..C−1), drawn
    ``m`` times, with weight ``w``, Goldstein score ``g`` (NaN unknown) and quad class ``q``
    (NaN unknown). Per cell, ``n = Σ m`` and a replicate draws counts
    ``k ~ Multinomial(n, m / n)`` over its rows, then computes

        goldstein* = Σ k w g / Σ k w     (rows with g known)
        net_coop*  = Σ k w s / Σ k w     (rows with q known; s = +1 for q ≤ 2, −1 for q ≥ 3)

    All replicates of a chunk of cells are one ``Generator.multinomial`` call of shape
    ``(n_boot, cells, K)`` (cells padded to the chunk's largest K on the left, so the real
    last row takes any rounding remainder); chunks keep the array under
    :data:`MAX_DRAW_ELEMENTS`. The bounds are the ``(1 ∓ level)/2`` quantiles.
    """
    cell = np.asarray(cell)
    rows = len(cell)
    starts = np.flatnonzero(np.r_[True, cell[1:] != cell[:-1]]) if rows else np.array([], int)
    sizes = np.diff(np.r_[starts, rows])
    n_cells = len(starts)
    if n_cells and not np.array_equal(cell[starts], np.arange(n_cells)):
        raise ValueError("cell ids must be sorted and numbered 0..C-1")
    n = np.add.reduceat(np.asarray(m, dtype=np.int64), starts) if rows else np.array([], np.int64)
    g_ok = np.isfinite(g)
    q_ok = np.isfinite(q)
    s = np.where(q_ok, np.where(q <= 2, 1.0, -1.0), 0.0)
    g_num = np.where(g_ok, w * np.where(g_ok, g, 0.0), 0.0)
    g_den = np.where(g_ok, w, 0.0)
    q_num = np.where(q_ok, w * s, 0.0)
    q_den = np.where(q_ok, w, 0.0)
    probs = [(1 - level) / 2, (1 + level) / 2]
    gold = np.full((n_cells, 2), np.nan)
    net = np.full((n_cells, 2), np.nan)
    draws_all = np.zeros((n_boot, rows), dtype=np.int64) if return_draws else None
    order = np.argsort(sizes, kind="stable")  # chunk cells of similar size together
    per_row_n = np.repeat(n, sizes)
    for chunk in _chunks(order, sizes, n_boot):
        sz, kmax = sizes[chunk], int(sizes[chunk].max())
        # row r of cell c goes to column kmax - size_c + (r - start_c): padding on the left
        offset = np.arange(sz.sum()) - np.repeat(np.cumsum(sz) - sz, sz)
        row_idx = np.repeat(starts[chunk], sz) + offset
        cell_pos = np.repeat(np.arange(len(chunk)), sz)
        col = kmax - np.repeat(sz, sz) + offset
        layout = (len(chunk), kmax, cell_pos, col, row_idx)
        pvals = _padded(np.asarray(m, dtype=float) / per_row_n, *layout)
        k = rng.multinomial(n[chunk], pvals, size=(n_boot, len(chunk)))
        with np.errstate(invalid="ignore", divide="ignore"):
            gstat = _dot(k, _padded(g_num, *layout)) / _dot(k, _padded(g_den, *layout))
            qstat = _dot(k, _padded(q_num, *layout)) / _dot(k, _padded(q_den, *layout))
        gold[chunk] = _quantiles(gstat, probs)
        net[chunk] = _quantiles(qstat, probs)
        if draws_all is not None:
            draws_all[:, row_idx] = k[:, cell_pos, col]
    return BootstrapResult(gold, net, draws_all)


def _dot(k: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``Σ_j k[b, c, j] x[c, j]`` for every replicate ``b`` and cell ``c``."""
    return np.einsum("bcj,cj->bc", k, x)


def _padded(values: np.ndarray, n_cells: int, kmax: int, cell_pos: np.ndarray, col: np.ndarray,
            row_idx: np.ndarray) -> np.ndarray:
    """Rows' ``values`` laid out as a ``(cells, kmax)`` array, zero where padded."""
    arr = np.zeros((n_cells, kmax))
    arr[cell_pos, col] = values[row_idx]
    return arr


def _chunks(order: np.ndarray, sizes: np.ndarray, n_boot: int) -> Iterable[np.ndarray]:
    """Consecutive runs of ``order`` whose padded draw array stays under the element budget."""
    start = 0
    while start < len(order):
        stop = start + 1
        while stop < len(order) and n_boot * (stop + 1 - start) * sizes[order[stop]] <= MAX_DRAW_ELEMENTS:
            stop += 1
        yield order[start:stop]
        start = stop

