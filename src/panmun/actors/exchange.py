r"""A vote-trading exchange model over several issues, in the spirit of Stokman and Van Oosten.

Inputs (numpy arrays): ``position`` :math:`y_{ak}` (actors x issues, 0-100 scale, each
actor's *ideal* position), ``salience`` :math:`s_{ak} \in [0, 1]` (actors x issues),
``capability`` :math:`c_a \ge 0` (one per actor, shared across issues).

**Outcome.** On each issue the compromise model of the *voting* positions :math:`x_{ak}`
(which start at the ideals): :math:`O_k = \sum_a w_{ak} x_{ak} / W_k`, with
:math:`w_{ak} = c_a s_{ak}` and :math:`W_k = \sum_a w_{ak}`. A move :math:`\Delta x_{ak}` of
one voting position shifts the outcome by :math:`(w_{ak}/W_k)\,\Delta x_{ak}`.

**Utility.** :math:`U_a = -\sum_k s_{ak} |y_{ak} - O_k|`, the salience-weighted distance of
the outcomes from the actor's ideal positions (units: salience x scale points).

**Exchange.** Actors *i*, *j* and issues *k* ≠ *l*: *i* gives on *k* (moves its voting
position towards :math:`y_{jk}`), *j* gives on *l* (moves towards :math:`y_{il}`). Admissible
when on both issues the two ideals lie strictly on opposite sides of the outcome and the
giver has positive weight there. Let :math:`a` and :math:`b` be the outcome shifts on *k* and
*l*. Each is capped so that the outcome does not pass the receiver's ideal and the giver's
voting position does not pass the receiver's ideal:

.. math:: a \le a^{\max} = \min\bigl(|y_{jk} - O_k|,\; (w_{ik}/W_k)\, D_{ik}\bigr),

with :math:`D_{ik}` the distance the giver can still move towards :math:`y_{jk}`; within the
caps the utilities are linear, so the gains are exactly

.. math:: G_i = s_{il} b - s_{ik} a, \qquad G_j = s_{jk} a - s_{jl} b.

**Rule (equal gains).** The exchange rate is set so that both gain equally,
:math:`G_i = G_j`, i.e. :math:`b = a (s_{ik} + s_{jk}) / (s_{il} + s_{jl})`, and the exchange
is the largest one the caps allow: :math:`a = \min(a^{\max}, b^{\max} (s_{il}+s_{jl})/(s_{ik}+s_{jk}))`
("the smaller of the two feasible moves"). Then

.. math:: G_i = G_j = a\, \frac{s_{il} s_{jk} - s_{ik} s_{jl}}{s_{il} + s_{jl}},

positive exactly when :math:`s_{il}/s_{ik} > s_{jl}/s_{jk}` (each is relatively more salient
on the issue it receives): proportional saliences give no exchange. The exchange with the
largest joint gain :math:`G_i + G_j` over all ordered actor pairs and issue pairs is made
(ties: the first in actor, actor, issue, issue order), outcomes are recomputed, and the search
repeats until no exchange gains more than ``tol`` or ``max_exchanges`` is reached. The search
is vectorised over the (actors, actors, issues, issues) array. Deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from panmun.errors import InputError
from panmun.kb.loader import KnowledgeBase


@dataclass(frozen=True)
class Exchange:
    """One exchange: ``giver_k`` moves on ``issue_k`` towards ``giver_l``, who moves on ``issue_l``.

    ``move_k``/``move_l`` are the signed changes of the voting positions (scale points),
    ``shift_k``/``shift_l`` the signed outcome shifts, ``gain`` each party's utility gain.
    """

    giver_k: int
    giver_l: int
    issue_k: int
    issue_l: int
    move_k: float
    move_l: float
    shift_k: float
    shift_l: float
    gain: float


@dataclass(frozen=True)
class ExchangeResult:
    """Final voting positions (actors x issues), outcomes per issue, the exchanges, the linkage."""

    positions: np.ndarray
    outcomes: np.ndarray
    initial_outcomes: np.ndarray
    exchanges: list[Exchange]
    linkage: pd.DataFrame


def outcomes(position: np.ndarray, salience: np.ndarray, capability: np.ndarray) -> np.ndarray:
    """Compromise outcome per issue, O_k = sum_a c_a s_ak x_ak / sum_a c_a s_ak (scale points)."""
    w = capability[:, None] * salience
    return (w * position).sum(axis=0) / w.sum(axis=0)


def utilities(ideal: np.ndarray, salience: np.ndarray, outcome: np.ndarray) -> np.ndarray:
    """U_a = -sum_k s_ak |y_ak - O_k| for each actor (salience x scale points)."""
    return -(salience * np.abs(ideal - outcome[None, :])).sum(axis=1)


def _check(position: np.ndarray, salience: np.ndarray, capability: np.ndarray) -> None:
    """Raise InputError for bad shapes, non-finite values or out-of-range numbers."""
    if position.ndim != 2 or salience.shape != position.shape or capability.shape != position.shape[:1]:
        raise InputError(f"shapes: position {position.shape}, salience {salience.shape}, "
                         f"capability {capability.shape}; expected (actors, issues) x2 and (actors,)")
    for name, arr in (("position", position), ("salience", salience), ("capability", capability)):
        if not np.all(np.isfinite(arr)):
            raise InputError(f"{name}: contains a non-finite value")
    if np.any((salience < 0) | (salience > 1)):
        raise InputError("salience: a value is outside [0, 1]")
    if np.any(capability < 0):
        raise InputError("capability: a value is negative")
    if np.any((capability[:, None] * salience).sum(axis=0) <= 0):
        raise InputError("every actor has zero capability x salience on an issue: no outcome")


def _caps(ideal: np.ndarray, voting: np.ndarray, w: np.ndarray, out: np.ndarray) -> np.ndarray:
    """Per (giver i, receiver j, issue k): the largest outcome shift i can give j (scale points).

    Shape (actors, actors, issues); 0 where i cannot give j anything on k (ideals on the same
    side of the outcome, zero weight, or i == j).
    """
    side = np.sign(ideal - out[None, :])  # (a, k)
    direction = np.broadcast_to(side[None, :, :], (ideal.shape[0],) + ideal.shape)  # receiver's side
    opposite = (side[:, None, :] * side[None, :, :]) < 0
    room = np.maximum(0.0, (ideal[None, :, :] - voting[:, None, :]) * direction)  # giver's move room
    share = w / w.sum(axis=0)  # outcome shift per unit move, (a, k)
    cap = np.minimum(np.abs(ideal[None, :, :] - out[None, None, :]), share[:, None, :] * room)
    cap = np.where(opposite & (w[:, None, :] > 0), cap, 0.0)
    return cap


def best_exchange(ideal: np.ndarray, voting: np.ndarray, salience: np.ndarray,
                  capability: np.ndarray) -> tuple[tuple[int, int, int, int], float, float, float]:
    """The most profitable exchange now: ((i, j, k, l), a, b, gain each); gain 0 if none.

    Vectorised over the (i, j, k, l) array: i gives shift a on k, j gives shift b on l.
    """
    w = capability[:, None] * salience
    out = (w * voting).sum(axis=0) / w.sum(axis=0)
    cap = _caps(ideal, voting, w, out)
    a_max = cap[:, :, :, None]  # i gives j on k
    b_max = np.swapaxes(cap, 0, 1)[:, :, None, :]  # j gives i on l
    s_ik, s_il = salience[:, None, :, None], salience[:, None, None, :]
    s_jk, s_jl = salience[None, :, :, None], salience[None, :, None, :]
    s_in, s_out = s_il + s_jl, s_ik + s_jk
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.minimum(a_max, np.where(s_out > 0, b_max * s_in / s_out, 0.0))
        gain = np.where(s_in > 0, a * (s_il * s_jk - s_ik * s_jl) / s_in, 0.0)
    m = salience.shape[1]
    gain = np.where(np.eye(m, dtype=bool)[None, None], 0.0, gain)
    idx = np.unravel_index(int(np.argmax(gain)), gain.shape)
    g = float(gain[idx])
    if g <= 0:    # the indices as Python ints, as below and as declared (numpy's before)
        return (int(idx[0]), int(idx[1]), int(idx[2]), int(idx[3])), 0.0, 0.0, 0.0
    a_sel = float(a[idx])
    i, j, k, q = idx  # q: the issue j gives on (l in the docstring)
    b_sel = a_sel * float(s_out[i, j, k, 0] / s_in[i, j, 0, q])
    return (int(i), int(j), int(k), int(q)), a_sel, b_sel, g


def linkage_table(exchanges: list[Exchange], issues: list[str]) -> pd.DataFrame:
    """Per unordered issue pair: number of exchanges linking them and total |outcome shift|.

    Columns: issue_a, issue_b, exchanges, outcome_shift (sum of |shift| on both issues, scale
    points), sorted by outcome_shift descending. Pairs never linked are left out.
    """
    rows: dict[tuple[str, ...], list[float]] = {}     # (issue a, issue b) -> [exchanges, shift]
    for e in exchanges:
        key = tuple(sorted((issues[e.issue_k], issues[e.issue_l])))
        entry = rows.setdefault(key, [0, 0.0])
        entry[0] += 1
        entry[1] += abs(e.shift_k) + abs(e.shift_l)
    table = pd.DataFrame([{"issue_a": a, "issue_b": b, "exchanges": int(n), "outcome_shift": s}
                          for (a, b), (n, s) in rows.items()],
                         columns=["issue_a", "issue_b", "exchanges", "outcome_shift"])
    return table.sort_values(["outcome_shift", "issue_a", "issue_b"], ascending=[False, True, True],
                             ignore_index=True)


def _towards(value: float, target: float, direction: float) -> float:
    """``value`` clipped so that it does not pass ``target`` in ``direction``."""
    return min(value, target) if direction > 0 else max(value, target)


def exchange(position: np.ndarray, salience: np.ndarray, capability: np.ndarray, *,
             issues: list[str] | None = None, max_exchanges: int = 200,
             tol: float = 1e-9) -> ExchangeResult:
    """Run the exchange model (see the module docstring) to convergence or ``max_exchanges``.

    Returns final voting positions (actors x issues, 0-100), final and initial outcomes per
    issue, the exchanges in the order made, and the linkage table (issue names default to
    "0", "1", ...).
    """
    ideal = np.asarray(position, dtype=float)
    sal = np.asarray(salience, dtype=float)
    cap = np.asarray(capability, dtype=float)
    _check(ideal, sal, cap)
    names = list(issues) if issues is not None else [str(k) for k in range(ideal.shape[1])]
    w = cap[:, None] * sal
    voting = ideal.copy()
    start = outcomes(voting, sal, cap)
    made: list[Exchange] = []
    for _ in range(max_exchanges):
        (i, j, k, q), a, b, gain = best_exchange(ideal, voting, sal, cap)  # q: l of the docstring
        if gain <= tol:
            break
        out = outcomes(voting, sal, cap)
        dir_k, dir_q = np.sign(ideal[j, k] - out[k]), np.sign(ideal[i, q] - out[q])
        move_k = dir_k * a * w[:, k].sum() / w[i, k]
        move_q = dir_q * b * w[:, q].sum() / w[j, q]
        # never past the partner's ideal (rounding could otherwise overshoot by an ulp),
        # so positions stay within the ideals' range
        voting[i, k] = _towards(voting[i, k] + move_k, ideal[j, k], dir_k)
        voting[j, q] = _towards(voting[j, q] + move_q, ideal[i, q], dir_q)
        made.append(Exchange(i, j, k, q, float(move_k), float(move_q), float(dir_k * a), float(dir_q * b),
                             gain))
    return ExchangeResult(voting, outcomes(voting, sal, cap), start, made, linkage_table(made, names))


def kb_inputs(at: str = "2025-12-31", kb: KnowledgeBase | None = None
              ) -> tuple[list[str], list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Actors, issues and (position, salience, capability) arrays from the knowledge base as of ``at``.

    Uses :func:`panmun.actors.positions.positions_at` for every issue of ``issue_table``. An
    actor with no coding on an issue gets salience 0 there and, as position, that issue's
    compromise outcome among the coded actors (so it neither pulls the outcome nor trades on
    it). Capability is the actor's dated capability (shared across issues); an actor with none
    by ``at`` gets 0.
    """
    from panmun.actors.models import compromise
    from panmun.actors.positions import issue_table, positions_at

    issues = list(issue_table(kb).id)
    tables = {issue: positions_at(issue, at, kb) for issue in issues}
    actors = sorted({a for t in tables.values() for a in t.actor})
    position = np.zeros((len(actors), len(issues)))
    salience = np.zeros_like(position)
    capability = np.zeros(len(actors))
    for k, issue in enumerate(issues):
        t = tables[issue]
        cap_k = np.nan_to_num(t.capability.to_numpy(float))
        position[:, k] = compromise(t.position.to_numpy(float), t.salience.to_numpy(float), cap_k)
        for row in t.itertuples():
            a = actors.index(row.actor)
            position[a, k], salience[a, k] = row.position, row.salience
            capability[a] = 0.0 if np.isnan(row.capability) else row.capability
    return actors, issues, position, salience, capability
