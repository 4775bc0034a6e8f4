"""Both directions of a dyad and their reciprocity, beside the undirected index.

The undirected index of a dyad (:func:`panmun.environment.indices.index`) pools what ``a``
does to ``b`` with what ``b`` does to ``a``. When one side makes gestures that the other
ignores or rejects, the pooled series reads as a thaw: in 2025 the ROK's loudspeaker halt
and offers of talks (KOR → PRK, all cooperative) lifted the KOR–PRK index while the North's
acts towards the South stayed conflictual or absent. This module puts the two directed
series beside the pooled one, per source and period, and measures how far they agree.

For the dyad ``a-b`` (the built-in order, e.g. KOR-PRK) and a period, with ``x_ab`` and
``x_ba`` the net cooperation (−1..+1, see :mod:`panmun.environment.indices`) of the events
``a → b`` and ``b → a``, and ``g_ab``, ``g_ba`` their mean Goldstein weights::

    x'_ab = x_ab if a acted on b in the period, else 0  (no act: neither cooperation nor conflict)
    mutual_net_coop   = min(x'_ab, x'_ba)              (−1..+1)
    mutual_goldstein  = min(g'_ab, g'_ba)              (−10..+10, same convention)
    reciprocity       = 1 − |x'_ab − x'_ba| / 2         (0..1)

all NaN in a period with no event in either direction. ``mutual_*`` is the cooperation both
sides show: a relation is only as warm as its colder side, so one side's gestures towards a
silent or hostile partner give at most 0 (the assumption: an unanswered gesture is not a
thaw). ``reciprocity`` is 1 when both directions act alike (both cooperate, or both
conflict: reciprocated hostility is reciprocal too), 0.5 when one side cooperates fully
and the other does nothing, 0 when one cooperates fully and the other's acts are all
conflictual. It is a per-period agreement measure, not a test of whether one side
responds to the other over time (as in Goldstein and Freeman's reciprocity models,
*Three-Way Street*, 1990); with the knowledge base's few events per month it reads best by
quarter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import numpy as np
import pandas as pd

from panmun.environment.dyads import Dyad, select_dyads
from panmun.environment.indices import index

#: Per-direction columns added for each of ``a_to_b_`` and ``b_to_a_``.
DIRECTION_FIELDS = ("n_events", "net_coop", "net_coop_lo", "net_coop_hi", "goldstein_mean")
DIRECTION_COLUMNS = [f"{side}_{f}" for side in ("a_to_b", "b_to_a") for f in DIRECTION_FIELDS]
COLUMNS = ["a_to_b", "b_to_a", *DIRECTION_COLUMNS, "mutual_net_coop", "mutual_goldstein", "reciprocity"]


def _arrow(dyad: Dyad) -> str:
    return f"{dyad.a}→{dyad.b}"


def mutual(x_ab: np.ndarray, x_ba: np.ndarray) -> np.ndarray:
    """``min`` of the two directions, a direction without events counting 0; NaN when neither has."""
    x_ab, x_ba = np.asarray(x_ab, dtype=float), np.asarray(x_ba, dtype=float)
    both_missing = np.isnan(x_ab) & np.isnan(x_ba)
    out = np.minimum(np.nan_to_num(x_ab, nan=0.0), np.nan_to_num(x_ba, nan=0.0))
    return np.where(both_missing, np.nan, out)


def reciprocity(x_ab: np.ndarray, x_ba: np.ndarray) -> np.ndarray:
    """``1 − |x'_ab − x'_ba| / 2`` (module doc): 1 alike, 0 opposite; NaN when neither acted."""
    x_ab, x_ba = np.asarray(x_ab, dtype=float), np.asarray(x_ba, dtype=float)
    both_missing = np.isnan(x_ab) & np.isnan(x_ba)
    out = 1.0 - np.abs(np.nan_to_num(x_ab, nan=0.0) - np.nan_to_num(x_ba, nan=0.0)) / 2.0
    return np.where(both_missing, np.nan, out)


def with_directions(store, dyad: str | Dyad | Iterable[str | Dyad] | None = None, freq: str = "month",
                    since: dt.date | str | None = None, until: dt.date | str | None = None,
                    sources: Iterable[str] | None = None, weight: str = "events", n_boot: int = 1000,
                    seed: int = 0, level: float = 0.90) -> pd.DataFrame:
    """The undirected index (every column of :func:`~panmun.environment.indices.index`) with
    the two directions and their reciprocity added (:data:`COLUMNS`, module doc).

    ``a_to_b`` / ``b_to_a`` name the directions (``KOR→PRK``, ``PRK→KOR``); the
    ``a_to_b_*`` and ``b_to_a_*`` columns are the directed index of each, with its own
    bootstrap interval (same replicates, level and seed).
    """
    pooled = index(store, dyad=dyad, freq=freq, since=since, until=until, directed=False,
                   sources=sources, weight=weight, n_boot=n_boot, seed=seed, level=level)
    dyads = select_dyads(dyad, directed=False)
    both = [d for pair in dyads for d in (pair, pair.reversed())]
    directed = index(store, dyad=both, freq=freq, since=since, until=until, directed=True,
                     sources=sources, weight=weight, n_boot=n_boot, seed=seed, level=level)
    parts = []
    for pair in dyads:
        rows = pooled[pooled["dyad"] == pair.name]
        for side, d in (("a_to_b", pair), ("b_to_a", pair.reversed())):
            one = directed.loc[directed["dyad"] == d.name, ["source", "period", *DIRECTION_FIELDS]]
            one = one.rename(columns={f: f"{side}_{f}" for f in DIRECTION_FIELDS})
            rows = rows.merge(one, on=["source", "period"], how="left")
            rows[side] = _arrow(d)
        parts.append(rows)
    out = pd.concat(parts, ignore_index=True) if parts else pooled.assign(**{c: [] for c in COLUMNS})
    for side in ("a_to_b", "b_to_a"):
        out[f"{side}_n_events"] = out[f"{side}_n_events"].fillna(0).astype("int64")
    out["mutual_net_coop"] = mutual(out["a_to_b_net_coop"], out["b_to_a_net_coop"])
    out["mutual_goldstein"] = mutual(out["a_to_b_goldstein_mean"], out["b_to_a_goldstein_mean"])
    out["reciprocity"] = reciprocity(out["a_to_b_net_coop"], out["b_to_a_net_coop"])
    out = out[[*pooled.columns, *COLUMNS]]
    out.attrs = {**pooled.attrs, "directions": True}
    return out
