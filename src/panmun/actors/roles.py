r"""Roles of actors on one issue: marginal effects on the predicted outcome, deciding coalitions.

**Marginal roles** (:func:`marginal_roles`). For each actor *i* and a bargaining model *M*
(compromise, median, nash, expected-utility), the change of the predicted outcome
:math:`M(\cdot)`, in points of the issue's 0–100 scale, when only actor *i* changes:

* ``toward``: its position moves ``position_step`` (default 10) points toward the predicted
  outcome, but not past it (an actor at the outcome does not move);
* ``away``: its position moves ``position_step`` points away from the outcome, clipped to
  the scale [0, 100] (an actor exactly at the outcome moves up);
* ``salience_up``: its salience rises by ``salience_step`` (default 0.1), capped at 1;
* ``capability_up``: its capability rises by ``capability_share`` (default 10 %).

Each is a finite difference ``M(changed) - M(base)`` (not a derivative), so it is exact for
the step stated. For the compromise model they have closed forms, with :math:`w_i = c_i s_i`,
:math:`W = \sum w` and :math:`x^*` the outcome: a position step :math:`\pm h` gives
:math:`\pm h w_i / W`; a weight step :math:`\Delta w_i` gives
:math:`\Delta w_i (x_i - x^*) / (W + \Delta w_i)`.

**Deciding coalitions** (:func:`deciding_coalitions`): the minimal connected winning
coalitions of the weighted-median model (Axelrod 1970): sets of actors adjacent on the
scale (in position order) that hold more than half the total weight :math:`c s` and stop
doing so if either end actor leaves. Every one contains the pivotal actor (the one at the
weighted median), so they are the pivot plus the smallest runs of neighbours on each side
that carry the median. Actors with zero weight are left out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from panmun.actors.expected_utility import expected_utility
from panmun.actors.models import compromise, nash, weighted_median
from panmun.errors import InputError

MODELS = ("compromise", "median", "nash", "expected-utility")
POSITION_STEP = 10.0
SALIENCE_STEP = 0.1
CAPABILITY_SHARE = 0.10
SCALE = (0.0, 100.0)


def _arrays(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return (frame["position"].to_numpy(dtype=float), frame["salience"].to_numpy(dtype=float),
            frame["capability"].to_numpy(dtype=float))


def check_model(model: str) -> str:
    """Return ``model`` if it is one of :data:`MODELS`, else raise :class:`InputError`."""
    if model not in MODELS:
        raise InputError(f"model {model!r}: choose one of {', '.join(MODELS)}")
    return model


def predict(position: np.ndarray, salience: np.ndarray, capability: np.ndarray, model: str,
            rounds: int = 10) -> float:
    """The outcome (0–100 scale) of ``model``; ``rounds`` is used by expected-utility only."""
    check_model(model)
    if model == "compromise":
        return float(compromise(position, salience, capability))
    if model == "median":
        return float(weighted_median(position, salience, capability))
    if model == "nash":
        return nash(position, salience, capability)
    return expected_utility(position, salience, capability, rounds).outcome


def bargaining_path(frame: pd.DataFrame, model: str, rounds: int = 10):
    """Positions per round (rows; round 0 the input), the predicted outcome, and for the
    expected-utility model its full :class:`~panmun.actors.expected_utility.EUResult`
    (None for the one-shot models, whose path is the input alone)."""
    from panmun.actors.expected_utility import expected_utility

    x, s, c = _arrays(frame)
    if model == "expected-utility":
        result = expected_utility(x, s, c, rounds)
        return result.positions, result.outcome, result
    return x[None, :], predict(x, s, c, model), None


def predict_all(frame: pd.DataFrame, rounds: int = 10) -> dict[str, float]:
    """The outcome of every model in :data:`MODELS` for the actors in ``frame``."""
    x, s, c = _arrays(frame)
    return {m: predict(x, s, c, m, rounds) for m in MODELS}


def _moved(x: float, target: float, step: float, toward: bool) -> float:
    """x moved ``step`` toward ``target`` (not past it) or away from it (within the scale)."""
    if toward:
        return x + float(np.clip(target - x, -step, step))
    direction = 1.0 if x >= target else -1.0
    return float(np.clip(x + direction * step, *SCALE))


def marginal_roles(frame: pd.DataFrame, model: str, rounds: int = 10, position_step: float = POSITION_STEP,
                   salience_step: float = SALIENCE_STEP,
                   capability_share: float = CAPABILITY_SHARE) -> pd.DataFrame:
    """One row per actor: its weight share and the outcome shift of each change (module docstring).

    Columns: actor, position, salience, capability, weight_share (c s / sum c s), toward, away,
    salience_up, capability_up (outcome changes, points of the 0–100 scale). The base
    outcome is in ``frame.attrs["outcome"]``, the amounts in ``frame.attrs["amounts"]``.
    """
    x, s, c = _arrays(frame)
    if model == "expected-utility":       # one run for the base, four per actor
        from panmun.actors.expected_utility import check_size

        check_size(len(x), rounds, runs=4 * len(x) + 1)
    base = predict(x, s, c, model, rounds)
    w = c * s
    rows = []
    for i, actor in enumerate(frame["actor"]):
        def shift(xi=x[i], si=s[i], ci=c[i], i=i) -> float:
            xx, ss, cc = x.copy(), s.copy(), c.copy()
            xx[i], ss[i], cc[i] = xi, si, ci
            return predict(xx, ss, cc, model, rounds) - base

        rows.append({
            "actor": actor, "position": x[i], "salience": s[i], "capability": c[i],
            "weight_share": w[i] / w.sum(),
            "toward": shift(xi=_moved(x[i], base, position_step, True)),
            "away": shift(xi=_moved(x[i], base, position_step, False)),
            "salience_up": shift(si=min(1.0, s[i] + salience_step)),
            "capability_up": shift(ci=c[i] * (1.0 + capability_share)),
        })
    out = pd.DataFrame(rows)
    out.attrs["outcome"] = base
    out.attrs["amounts"] = {"position_step": position_step, "salience_step": salience_step,
                            "capability_share": capability_share}
    return out


def deciding_coalitions(frame: pd.DataFrame) -> pd.DataFrame:
    """The minimal connected winning coalitions of the weighted median (module docstring).

    Columns: actors (names in position order), weight_share (their share of sum c s),
    low, high (the span of their positions), pivot (the actor at the weighted median,
    common to all of them). Found with two pointers over the actors sorted by position.
    """
    x, s, c = _arrays(frame)
    w = c * s
    keep = np.flatnonzero(w > 0)
    if keep.size == 0:
        raise InputError("every actor has zero capability x salience: no coalition can decide")
    order = keep[np.argsort(x[keep], kind="stable")]
    ws = w[order]
    total = ws.sum()
    cum = np.concatenate([[0.0], np.cumsum(ws)])
    half = total / 2.0
    tol = 1e-12 * total
    rows = []
    right = 0
    for left in range(order.size):
        right = max(right, left)
        while right < order.size and cum[right + 1] - cum[left] <= half + tol:
            right += 1
        if right == order.size:
            break
        if cum[right + 1] - cum[left + 1] > half + tol:
            continue  # dropping the left end still wins: not minimal
        members = order[left:right + 1]
        rows.append({"actors": [str(frame["actor"].iloc[k]) for k in members],
                     "weight_share": (cum[right + 1] - cum[left]) / total,
                     "low": x[members].min(), "high": x[members].max()})
    pivots = set.intersection(*(set(r["actors"]) for r in rows)) if rows else set()
    names = [str(frame["actor"].iloc[k]) for k in order]
    pivot = ", ".join(n for n in names if n in pivots)
    for r in rows:
        r["pivot"] = pivot
    return pd.DataFrame(rows, columns=["actors", "weight_share", "low", "high", "pivot"])
