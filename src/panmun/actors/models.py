r"""Static bargaining solutions over one issue: compromise, weighted median, Nash.

Inputs, one actor per element (numpy arrays of equal length *n*):

* ``position`` :math:`x_i` on the issue's 0–100 scale (any finite real is accepted);
* ``salience`` :math:`s_i \in [0, 1]`: how much the issue matters to the actor;
* ``capability`` :math:`c_i \ge 0`: the resources the actor can bring to bear.

The *effective weight* of an actor is :math:`w_i = c_i s_i` (Bueno de Mesquita 1994;
Stokman et al. 1994; Thomson et al. 2006). Actors with zero weight take no part; if every
weight is zero there is no solution and :class:`~panmun.errors.InputError` is raised.

Every function also accepts 2-D arrays of shape ``(issues, actors)`` and then returns one
outcome per issue. :func:`check_inputs` validates a set of actors and names the bad row.
The expected-utility model is in :mod:`panmun.actors.expected_utility`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from panmun.errors import InputError

_BISECTION_STEPS = 80


def check_inputs(
    position: np.ndarray,
    salience: np.ndarray,
    capability: np.ndarray,
    names: Sequence[str] | None = None,
) -> None:
    """Raise :class:`InputError` naming the first bad actor (1-based row) and field.

    Checks: equal 1-D lengths, at least one actor, finite numbers, salience in [0, 1],
    capability >= 0, and (when ``names`` is given) no duplicate actor names.
    """
    arrays = {"position": position, "salience": salience, "capability": capability}
    arrays = {k: np.asarray(v, dtype=float) for k, v in arrays.items()}
    n = arrays["position"].shape[0] if arrays["position"].ndim == 1 else -1
    for field, values in arrays.items():
        if values.ndim != 1 or values.shape[0] != n:
            raise InputError(f"{field}: expected a 1-D array of {n} actors, got shape {values.shape}")
    if n == 0:
        raise InputError("no actors given")
    if names is not None and len(names) != n:
        raise InputError(f"names: {len(names)} names for {n} actors")

    def where(row: int) -> str:
        label = f"row {row + 1}"
        return f"{label} (actor {names[row]!r})" if names is not None else label

    for field, values in arrays.items():
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            raise InputError(f"{where(bad[0])}: {field} = {values[bad[0]]} is not a finite number")
    bad = np.flatnonzero((arrays["salience"] < 0) | (arrays["salience"] > 1))
    if bad.size:
        raise InputError(f"{where(bad[0])}: salience = {arrays['salience'][bad[0]]} is outside [0, 1]")
    bad = np.flatnonzero(arrays["capability"] < 0)
    if bad.size:
        raise InputError(f"{where(bad[0])}: capability = {arrays['capability'][bad[0]]} is negative")
    if names is not None:
        seen: dict[str, int] = {}
        for row, name in enumerate(names):
            if name in seen:
                raise InputError(f"row {row + 1}: actor {name!r} duplicates row {seen[name] + 1}")
            seen[name] = row


def effective_weights(salience: np.ndarray, capability: np.ndarray) -> np.ndarray:
    """Effective weights w = c s, rejecting an issue on which every weight is zero."""
    w = np.asarray(capability, dtype=float) * np.asarray(salience, dtype=float)
    if np.any(w.sum(axis=-1) <= 0):
        raise InputError("every actor has zero capability x salience on an issue: no outcome")
    return w


def compromise(position: np.ndarray, salience: np.ndarray, capability: np.ndarray) -> np.ndarray | float:
    r"""The compromise model: the capability x salience weighted mean of positions.

    .. math:: x^* = \frac{\sum_i c_i s_i x_i}{\sum_i c_i s_i}

    Van den Bos (1991); Achen (2006, in Thomson et al., *The European Union Decides*,
    ch. 4), who shows it is the first-order approximation of the weighted Nash bargaining
    solution with quadratic losses. Exact (a single weighted average). Units: the
    position scale.
    """
    x = np.asarray(position, dtype=float)
    w = effective_weights(salience, capability)
    out = (w * x).sum(axis=-1) / w.sum(axis=-1)
    return float(out) if np.ndim(out) == 0 else out


def weighted_median(
    position: np.ndarray, salience: np.ndarray, capability: np.ndarray
) -> np.ndarray | float:
    r"""The median-voter solution: the capability x salience weighted median of positions.

    With weights :math:`w_i = c_i s_i` and total :math:`W`, sort the positions and let
    :math:`F(x) = \sum_{x_i \le x} w_i`. The weighted median is a position :math:`m` with
    :math:`F(m^-) \le W/2 \le F(m)`; it minimises :math:`\sum_i w_i |x_i - x|`, so it is
    the Condorcet winner of the pairwise weighted votes
    :math:`v_i^{jk} = w_i (|x_i - x_k| - |x_i - x_j|)` used by Bueno de Mesquita (1994)
    and Scholz, Calbert and Smith (2011) (Black 1948 for the unweighted case).

    **Tie rule.** If the cumulative weight equals :math:`W/2` exactly at a position
    :math:`x_a` (so every point of :math:`[x_a, x_b]`, :math:`x_b` the next position,
    minimises the weighted distance), the midpoint :math:`(x_a + x_b)/2` is returned.
    "Exactly" is tested with a relative tolerance of 1e-12 of :math:`W`.
    """
    x = np.asarray(position, dtype=float)
    w = effective_weights(salience, capability)
    x2, w2 = np.atleast_2d(x), np.atleast_2d(w)
    order = np.argsort(x2, axis=-1, kind="stable")
    xs = np.take_along_axis(x2, order, axis=-1)
    cum = np.cumsum(np.take_along_axis(w2, order, axis=-1), axis=-1)
    half = cum[:, -1:] / 2.0
    tol = 1e-12 * cum[:, -1:]
    first = np.argmax(cum >= half - tol, axis=-1)  # first index reaching half the weight
    rows = np.arange(xs.shape[0])
    lower = xs[rows, first]
    tie = np.abs(cum[rows, first] - half[:, 0]) <= tol[:, 0]
    # upper end of a tie: the next position that carries positive weight
    beyond = cum > cum[rows, first][:, None] + tol
    nxt = np.where(beyond.any(axis=-1), np.argmax(beyond, axis=-1), first)
    out = np.where(tie, (lower + xs[rows, nxt]) / 2.0, lower)
    return float(out[0]) if x.ndim == 1 else out


def _nash_gain(x: np.ndarray | float, ideal: np.ndarray, d: np.ndarray, loss: str) -> np.ndarray:
    """Gain over disagreement, g_i(x) = u_i(x) - u_i(d) per unit salience, shape (..., n)."""
    if loss == "quadratic":
        return (d - ideal) ** 2 - (x - ideal) ** 2
    return np.abs(d - ideal) - np.abs(x - ideal)


def nash(
    position: np.ndarray,
    salience: np.ndarray,
    capability: np.ndarray,
    *,
    loss: str = "quadratic",
    status_quo: float | None = None,
    scale: tuple[float, float] = (0.0, 100.0),
) -> float:
    r"""The asymmetric (weighted) Nash bargaining solution on one issue.

    Utilities: :math:`u_i(x) = -s_i (x - x_i)^2` (``loss="quadratic"``) or
    :math:`u_i(x) = -s_i |x - x_i|` (``"linear"``). Bargaining power :math:`c_i`.
    The solution maximises the weighted Nash product (Nash 1950; Kalai 1977 for the
    asymmetric form; Achen 2006 in Thomson et al., *The European Union Decides*, ch. 4;
    Schneider, Finke and Bailer 2010)

    .. math:: x^* = \arg\max_x \prod_i \bigl(u_i(x) - u_i(d_i)\bigr)^{c_i}
              = \arg\max_x \sum_i c_i \log g_i(x),

    over the points where every actor with :math:`c_i s_i > 0` gains
    (:math:`g_i(x) > 0`). Salience scales :math:`u_i - u_i(d)` by a constant and so drops
    out of the argmax, except that actors with :math:`s_i = 0` (indifferent) are ignored.

    Disagreement point :math:`d_i`: ``status_quo=None`` (default) takes each actor's
    worst point of the scale, :math:`d_i = \arg\max_{y \in \text{scale}} |y - x_i|`;
    otherwise the common status quo ``q`` (then :math:`d_i = q`). If with a status quo
    no point makes every actor better off, the status quo is returned (no agreement).

    The objective is strictly concave on the feasible interval (log of concave positive
    functions), so the root of its derivative is found by bisection to ~1e-12 of the
    scale. Returns a float on the position scale.
    """
    x = np.asarray(position, dtype=float)
    w = effective_weights(salience, capability)
    if loss not in ("quadratic", "linear"):
        raise InputError(f"loss must be 'quadratic' or 'linear', not {loss!r}")
    active = w > 0
    ideal, c = x[active], np.asarray(capability, dtype=float)[active]
    lo_s, hi_s = scale
    if status_quo is None:
        d = np.where(ideal - lo_s >= hi_s - ideal, lo_s, hi_s)
        lo, hi = lo_s, hi_s
    else:
        d = np.full_like(ideal, float(status_quo))
        reach = np.abs(d - ideal)  # each actor gains only within its ideal +- reach
        lo, hi = np.max(ideal - reach), np.min(ideal + reach)
        if not lo < hi:
            return float(status_quo)
    return _nash_bisect(ideal, c, d, loss, lo, hi)


def _nash_bisect(ideal: np.ndarray, c: np.ndarray, d: np.ndarray, loss: str, lo: float, hi: float) -> float:
    """Bisection on the derivative of sum_i c_i log g_i(x) over the open interval (lo, hi)."""
    for _ in range(_BISECTION_STEPS):
        mid = 0.5 * (lo + hi)
        g = _nash_gain(mid, ideal, d, loss)
        if loss == "quadratic":
            dg = -2.0 * (mid - ideal)
        else:
            dg = -np.sign(mid - ideal)
        with np.errstate(divide="ignore", invalid="ignore"):
            slope = np.sum(np.where(c > 0, c * dg / g, 0.0))
        if not np.isfinite(slope):  # an actor is at its disagreement value: move inward
            slope = 1.0 if np.any((g <= 0) & (ideal > mid)) else -1.0
        if slope > 0:
            lo = mid
        else:
            hi = mid
    return float(0.5 * (lo + hi))
