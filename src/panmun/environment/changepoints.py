"""Change points in the dyad index series, dated and annotated with the nearest key events.

Every series (one source and dyad, one value per period of an index table) is segmented
with PELT (Killick, Fearnhead & Eckley 2012, *JASA* 107: 1590–1598) as implemented by
``ruptures`` (Truong, Oudre & Vayatis 2020, *Signal Processing* 167), which finds the
exact minimum of

    Σ_segments cost(segment)  +  β · (number of change points)

over all segmentations whose segments last at least ``min_size`` periods (default 3).

**Counts (the default signal).** The two-column series ``x_t = (q1 + q2, q3 + q4)``, the
number of cooperative and of conflictual events per period, modelled as Poisson with rates
``θ_seg,j · V_t`` constant within a segment (``V_t`` = 1, or the period's event volume for
a news-volume source, so the rate is a share of all events, as GDELT advises). The cost is
the negative log-likelihood at the segment's estimates ``θ̂_j = S_j / E`` (``S_j = Σ x_tj``,
``E = Σ V_t``), up to terms that do not depend on the segmentation::

    cost = Σ_j (S_j − S_j · ln(S_j / E))

The penalty is the Bayesian information criterion: each change point adds three
parameters (its location and two rates), β = φ̂ · (3/2) · ln n, where n is the number of
periods and φ̂ ≥ 1 a quasi-likelihood dispersion estimated from first differences
(under a constant rate, ``d_t = x_t/V_t − x_{t−1}/V_{t−1}`` has variance
``θ (1/V_t + 1/V_{t−1})``)::

    φ̂ = max(1, Σ_{t,j} d_tj² / Σ_{t,j} θ̂_j (1/V_t + 1/V_{t−1}))

A count model does not mistake one isolated event for a new regime, as a Gaussian model
of a mostly-zero series would.

**Any numeric index column** (``net_coop``, ``goldstein_mean``, ``goldstein_sum``, ``share``
…): the L2 cost (a change in the mean level, ``cost = Σ (x_t − x̄_seg)²``) with the modified
BIC of Zhang & Siegmund (2007, *Biometrics* 63: 22–32), the default of R's ``changepoint``
package, for Gaussian noise: β = 3 σ̂² ln n, where σ̂ = MAD(Δx) / (0.6745 √2) (robust to
the level shifts themselves) or, when more than half of the differences are zero,
sd(Δx) / √2. Periods where the column is undefined (no events) are left out. A constant
series has no change points.

**Calibration** (simulations in ``tests/test_indices.py``): on series without a change,
110 periods, the count model's BIC flags a change point in about 0–6% of series (Poisson
and overdispersed counts, sparse and dense, with and without a trend in the volume); the
plain BIC (2 σ̂² ln n) of the L2 model flagged 13% of Gaussian series of 60 periods, the
modified BIC 3%, hence the heavier penalty there.

**Output.** A change point is dated by the first period of the new segment. ``before`` and
``after`` are the signal's means in the segments either side (for counts: cooperative
minus conflictual events per period, per unit of volume for a news-volume source),
``coop_before`` … ``conflict_after`` the mean events per period of each kind (over the
periods kept in the series), and ``strength`` = (cost of the two segments merged − cost
split) / β: how many penalties the change point earns on its own (at least 1 for every
change point of the optimum; close to 1, a weak one). Each is annotated with up to
``n_events`` knowledge-base events (``source = 'kb'``) within ``window_days`` of its date
that involve one of the dyad's actors: events between the two actors first, then the
nearest in time.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import ruptures as rpt
from ruptures.base import BaseCost

from panmun.environment.dyads import Dyad
from panmun.environment.indices import NEWS_VOLUME_SOURCES, index
from panmun.errors import InputError
from panmun.store.db import Store

COUNTS = "counts"
#: Default half-width of the annotation window, in days, per period length.
WINDOW_DAYS = {"week": 28, "month": 62, "quarter": 183}
CP_COLUMNS = ["source", "dyad", "date", "position", "signal", "before", "after", "shift",
              "coop_before", "coop_after", "conflict_before", "conflict_after", "strength",
              "n_before", "n_after", "nearest", "events"]
_NOT_SIGNALS = ("source", "dyad", "period", "period_end")


class PoissonCost(BaseCost):
    """Poisson negative log-likelihood of a segment of counts with exposure (ruptures cost).

    ``fit`` takes an array ``(n, d + 1)``: ``d`` count columns, then the exposure ``V_t``.
    """

    model = "poisson"
    min_size = 1

    def fit(self, signal: np.ndarray) -> PoissonCost:
        self.signal = np.asarray(signal, dtype=float)
        cum = np.vstack([np.zeros((1, self.signal.shape[1])), np.cumsum(self.signal, axis=0)])
        # plain Python lists: PELT calls error() O(n²) times on tiny segments, where
        # float arithmetic beats numpy's per-call overhead by an order of magnitude
        self._counts = [cum[:, j].tolist() for j in range(cum.shape[1] - 1)]
        self._exposure = cum[:, -1].tolist()
        return self

    def error(self, start: int, end: int) -> float:
        exposure = self._exposure[end] - self._exposure[start]
        total = 0.0
        for col in self._counts:
            s = col[end] - col[start]
            if s > 0:
                total += s - s * math.log(s / exposure)
        return total


def _l2_cost(x: np.ndarray, start: int, end: int) -> float:
    seg = x[start:end]
    return float(((seg - seg.mean()) ** 2).sum())


@dataclass(frozen=True)
class Segmentation:
    """Change points of one series: ``breaks`` (index of the first period of each new
    segment), the ``model`` (``poisson`` or ``l2``), its noise ``scale`` (φ̂ or σ̂), the
    ``penalty`` β per change point, the series length ``n`` and each break's ``strength``."""

    breaks: tuple[int, ...]
    model: str
    scale: float
    penalty: float
    n: int
    strength: tuple[float, ...] = ()


def noise_sigma(values: np.ndarray) -> float:
    """σ̂ of a series' noise from its first differences (see the module docstring)."""
    diff = np.diff(np.asarray(values, dtype=float))
    if diff.size == 0:
        return 0.0
    if np.mean(diff == 0) <= 0.5:
        mad = np.median(np.abs(diff - np.median(diff)))
        return float(mad / (0.6744897501960817 * np.sqrt(2)))
    return float(np.std(diff, ddof=1) / np.sqrt(2)) if diff.size > 1 else 0.0


def poisson_dispersion(counts: np.ndarray, exposure: np.ndarray) -> float:
    """φ̂ ≥ 1 of counts ``(n, d)`` with exposure ``(n,)`` (see the module docstring)."""
    counts = np.asarray(counts, dtype=float)
    exposure = np.asarray(exposure, dtype=float)
    if len(counts) < 2 or counts.sum() == 0:
        return 1.0
    theta = counts.sum(axis=0) / exposure.sum()
    rates = counts / exposure[:, None]
    d2 = (np.diff(rates, axis=0) ** 2).sum()
    expected = (theta[None, :] * (1 / exposure[1:] + 1 / exposure[:-1])[:, None]).sum()
    return float(max(1.0, d2 / expected)) if expected > 0 else 1.0


def _strengths(cost, breaks: tuple[int, ...], n: int, beta: float) -> tuple[float, ...]:
    bounds = [0, *breaks, n]
    out = []
    for i, b in enumerate(breaks):
        lo, hi = bounds[i], bounds[i + 2]
        gain = cost(lo, hi) - cost(lo, b) - cost(b, hi)
        out.append(gain / beta if beta > 0 else float("inf"))
    return tuple(out)


def find_breaks(values: np.ndarray, min_size: int = 3, penalty: float | None = None) -> Segmentation:
    """PELT, L2 cost, on a 1-D series; ``penalty`` β per change defaults to 3 σ̂² ln n."""
    x = np.asarray(values, dtype=float)
    if x.ndim != 1 or not np.isfinite(x).all():
        raise InputError("a change-point series must be one-dimensional and finite")
    if min_size < 1:
        raise InputError(f"min_size must be 1 or more, not {min_size}")
    n = len(x)
    sigma = noise_sigma(x)
    beta = float(penalty) if penalty is not None else (3 * sigma**2 * np.log(n) if n > 1 else 0.0)
    if n < 2 * min_size or np.ptp(x) == 0 or beta <= 0:
        return Segmentation((), "l2", sigma, beta, n)
    ends = rpt.Pelt(model="l2", min_size=min_size, jump=1).fit(x).predict(pen=beta)
    breaks = tuple(int(b) for b in ends[:-1])
    return Segmentation(breaks, "l2", sigma, beta, n,
                        _strengths(lambda a, b: _l2_cost(x, a, b), breaks, n, beta))


def find_count_breaks(counts: np.ndarray, exposure: np.ndarray | None = None, min_size: int = 3,
                      penalty: float | None = None) -> Segmentation:
    """PELT, Poisson cost, on counts ``(n, d)`` (exposure ``(n,)``, default 1); ``penalty`` β
    per change defaults to φ̂ · (d + 1)/2 · ln n."""
    x = np.asarray(counts, dtype=float)
    x = x[:, None] if x.ndim == 1 else x
    n, d = x.shape
    v = np.ones(n) if exposure is None else np.asarray(exposure, dtype=float)
    if not (np.isfinite(x).all() and (x >= 0).all() and np.isfinite(v).all() and (v > 0).all()):
        raise InputError("counts must be finite and non-negative, exposures finite and positive")
    if min_size < 1:
        raise InputError(f"min_size must be 1 or more, not {min_size}")
    phi = poisson_dispersion(x, v)
    beta = float(penalty) if penalty is not None else (phi * (d + 1) / 2 * np.log(n) if n > 1 else 0.0)
    if n < 2 * min_size or x.sum() == 0 or beta <= 0:
        return Segmentation((), "poisson", phi, beta, n)
    cost = PoissonCost()
    algo = rpt.Pelt(custom_cost=cost, min_size=min_size, jump=1).fit(np.column_stack([x, v]))
    ends = algo.predict(pen=beta)
    breaks = tuple(int(b) for b in ends[:-1])
    return Segmentation(breaks, "poisson", phi, beta, n, _strengths(cost.error, breaks, n, beta))


def _series(grp: pd.DataFrame, signal: str, min_size: int,
            penalty: float | None) -> tuple[pd.DataFrame, Segmentation, np.ndarray]:
    """The periods kept, their segmentation and the 1-D signal summarised in before/after."""
    volume_source = grp["source"].iloc[0] in NEWS_VOLUME_SOURCES
    if signal == COUNTS:
        kept = grp[grp["volume"].notna()] if volume_source else grp
        counts = np.column_stack([kept["q1"] + kept["q2"], kept["q3"] + kept["q4"]]).astype(float)
        exposure = kept["volume"].to_numpy(float) if volume_source else None
        seg = find_count_breaks(counts, exposure, min_size=min_size, penalty=penalty)
        scale = exposure if exposure is not None else 1.0
        return kept, seg, (counts[:, 0] - counts[:, 1]) / scale
    values = grp[signal].astype(float)
    if volume_source and signal in ("n_events", "q1", "q2", "q3", "q4", "total", "goldstein_sum"):
        values = values / grp["volume"]
    keep = values.notna().to_numpy()
    kept = grp[keep]
    x = values.to_numpy()[keep]
    return kept, find_breaks(x, min_size=min_size, penalty=penalty), x


def changepoints(table: pd.DataFrame, store: Store | None = None, *, signal: str = COUNTS,
                 min_size: int = 3, penalty: float | None = None, window_days: int | None = None,
                 n_events: int = 3) -> pd.DataFrame:
    """Change points of every (source, dyad) series of an :func:`~panmun.environment.indices.index`
    table, one row each (columns :data:`CP_COLUMNS`), annotated with knowledge-base events
    from ``store`` when it is given. ``df.attrs["series"]`` lists every series with its
    model, length, noise scale and penalty, so a series without change points still shows.
    """
    if signal != COUNTS and (signal not in table.columns or signal in _NOT_SIGNALS):
        raise InputError(f"unknown signal {signal!r}",
                         hint="Use counts (the default), or a numeric index column such as "
                              "net_coop, goldstein_mean or goldstein_sum.")
    if min_size < 1:
        raise InputError(f"min_size must be 1 or more, not {min_size}", hint="Use e.g. 3.")
    freq = table.attrs.get("freq", "month")
    window = WINDOW_DAYS.get(freq, 62) if window_days is None else window_days
    rows, series_info = [], []
    for (source, dyad), grp in table.groupby(["source", "dyad"], sort=True):
        kept, seg, x = _series(grp, signal, min_size, penalty)
        series_info.append({"source": source, "dyad": dyad, "model": seg.model, "periods": seg.n,
                            "scale": seg.scale, "penalty": seg.penalty,
                            "changepoints": len(seg.breaks)})
        rows += _rows(source, dyad, signal, kept, seg, x)
    out = pd.DataFrame(rows, columns=CP_COLUMNS[:-2])
    events = _nearest_events(store, out, window, n_events) if store is not None and len(out) else None
    out["events"] = events if events is not None else [[] for _ in range(len(out))]
    out["nearest"] = out["events"].map(_describe)
    out = out[CP_COLUMNS]
    out.attrs = {**table.attrs, "signal": signal, "min_size": min_size,
                 "penalty": "BIC" if penalty is None else penalty, "window_days": window,
                 "series": series_info}
    return out


def _rows(source: str, dyad: str, signal: str, kept: pd.DataFrame, seg: Segmentation,
          x: np.ndarray) -> list[dict]:
    coop = (kept["q1"] + kept["q2"]).to_numpy(float)
    conflict = (kept["q3"] + kept["q4"]).to_numpy(float)
    periods = kept["period"].to_numpy()
    bounds = [0, *seg.breaks, len(x)]
    rows = []
    for i, b in enumerate(seg.breaks):
        lo, hi = bounds[i], bounds[i + 2]
        rows.append({"source": source, "dyad": dyad, "date": periods[b], "position": b, "signal": signal,
                     "before": x[lo:b].mean(), "after": x[b:hi].mean(),
                     "shift": x[b:hi].mean() - x[lo:b].mean(),
                     "coop_before": coop[lo:b].mean(), "coop_after": coop[b:hi].mean(),
                     "conflict_before": conflict[lo:b].mean(), "conflict_after": conflict[b:hi].mean(),
                     "strength": seg.strength[i], "n_before": b - lo, "n_after": hi - b})
    return rows


def _describe(events: list[dict]) -> str:
    return "; ".join(f"{e['date']} {e['id']} ({e['days']:+d} d)" for e in events)


def _nearest_events(store: Store, cps: pd.DataFrame, window: int, n_events: int) -> list[list[dict]]:
    """Up to ``n_events`` kb events near each change point (dyad events first, then nearest)."""
    actors = [d.split("-") for d in cps["dyad"]]
    found = store.query(
        """WITH cp AS (SELECT unnest(?::INTEGER[]) AS k, unnest(?::DATE[]) AS at,
                              unnest(?::VARCHAR[]) AS a, unnest(?::VARCHAR[]) AS b)
           SELECT cp.k, e.id, e.date, e.actor1, e.actor2, e.type, e.goldstein, e.summary, e.source_url,
                  datediff('day', cp.at, e.date) AS days,
                  coalesce((e.actor1 = cp.a AND e.actor2 = cp.b) OR (e.actor1 = cp.b AND e.actor2 = cp.a),
                           FALSE) AS in_dyad
           FROM cp JOIN events e ON e.source = 'kb'
                AND e.date BETWEEN cp.at - ? * INTERVAL 1 DAY AND cp.at + ? * INTERVAL 1 DAY
                AND (e.actor1 IN (cp.a, cp.b) OR e.actor2 IN (cp.a, cp.b))
           QUALIFY row_number() OVER (PARTITION BY cp.k
                                      ORDER BY in_dyad DESC, abs(days), e.date, e.id) <= ?
           ORDER BY cp.k, in_dyad DESC, abs(days), e.date, e.id""",
        [list(range(len(cps))), [pd.Timestamp(d).date() for d in cps["date"]],
         [a[0] for a in actors], [a[1] for a in actors], window, window, n_events])
    out: list[list[dict]] = [[] for _ in range(len(cps))]
    for r in found.itertuples(index=False):
        out[r.k].append({"id": r.id, "date": pd.Timestamp(r.date).date(), "days": int(r.days),
                         "actors": r.actor1 + (f"-{r.actor2}" if isinstance(r.actor2, str) else ""),
                         "type": r.type, "goldstein": float(r.goldstein),
                         "in_dyad": bool(r.in_dyad), "summary": r.summary, "source_url": r.source_url})
    return out


def dyad_changepoints(store: Store, dyad: str | Dyad | Iterable[str | Dyad] | None = None,
                      freq: str = "month", since: dt.date | str | None = None,
                      until: dt.date | str | None = None, directed: bool = False,
                      sources: Iterable[str] | None = None, weight: str = "events",
                      signal: str = COUNTS, min_size: int = 3, penalty: float | None = None,
                      window_days: int | None = None, n_events: int = 3) -> pd.DataFrame:
    """Change points of the dyads' index series (:func:`~panmun.environment.indices.index`,
    without bootstrap), annotated with the nearest knowledge-base events."""
    table = index(store, dyad=dyad, freq=freq, since=since, until=until, directed=directed,
                  sources=sources, weight=weight, n_boot=0)
    return changepoints(table, store, signal=signal, min_size=min_size, penalty=penalty,
                        window_days=window_days, n_events=n_events)
