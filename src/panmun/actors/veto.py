r"""A veto-aware bargaining outcome: no move that a veto holder does not gain from.

**The model** (a veto-player model, Tsebelis 2002, *Veto Players: How Political Institutions
Work*; Tsebelis 1995). On some issues one actor decides over its own assets: no one else can
dismantle the North's arsenal, so nothing moves on ``denuclearization`` unless the North
agrees. The four weighted models of :mod:`panmun.actors.models` and
:mod:`panmun.actors.expected_utility` let the other actors' weights (capability x salience)
carry the outcome wherever they lean, and so predict near-complete disarmament against the
North's stated position. Here the outcome is constrained to the **winset of the status quo**:
the points every veto holder likes at least as well as the status quo ``q``.

Assumptions, stated plainly:

1. Each veto holder ``v`` has an ideal point ``x_v`` and single-peaked, symmetric
   preferences on the 0-100 scale: it prefers points nearer its ideal (the same
   distance-based utilities as the other models).
2. Each veto holder can keep the status quo ``q`` by refusing (a veto), and accepts a move
   only if it gains or loses nothing: ``|x - x_v| <= |q - x_v|``. The winset is the
   intersection over veto holders of these intervals, clipped to the scale::

       W(q) = [max_v (x_v - r_v), min_v (x_v + r_v)] ∩ [0, 100],   r_v = |q - x_v|

   It always holds ``q``; with a veto holder whose ideal is ``q`` it is ``{q}``.
3. Within the winset the actors bargain as the chosen model says: the veto-aware outcome
   is the point of ``W(q)`` that the model's objective ranks best. For the compromise
   (weighted sum of squared distances), the weighted median (weighted sum of distances)
   and the Nash product (concave in the outcome) that point is the model's unconstrained
   outcome moved to the nearest end of ``W(q)`` (clipped), because each objective is
   convex (concave for Nash) on the line. For the expected-utility model, whose outcome is
   the end of a sequence of rounds, the final outcome is clipped the same way: an
   approximation (the rounds themselves are not constrained).
4. The status quo and the veto holders are declared per issue in
   ``kb/data/issues/issues.yaml`` (``veto``: holders, status quo, reason, sourced basis);
   the status quo is the project's judgement. Veto holders without a coding at the date
   asked are left out (their ideal point is unknown), and the output says so.

What it leaves out: a veto holder's gain from side payments on other issues (linkage,
:mod:`panmun.actors.exchange`), costs imposed on it (sanctions shift its ideal point only as
its coded position shifts), and who sets the agenda (Tsebelis's agenda setter picks its
preferred point of the winset; here the model's weighted bargain does). Capability is as
elsewhere (SIPRI military expenditure, or a labelled judgement: docs/actors-models.md); on
an issue with a binding veto it matters only inside the winset.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from panmun.errors import InputError

SCALE = (0.0, 100.0)
#: The model whose outcome the veto-aware outcome constrains unless told otherwise.
BASE_MODEL = "compromise"


def winset(ideals: Sequence[float] | np.ndarray, status_quo: float,
           scale: tuple[float, float] = SCALE) -> tuple[float, float]:
    """``(low, high)``: the points every veto holder (ideal points ``ideals``) likes at least
    as well as ``status_quo`` (module doc, assumption 2). No ideals: the whole scale."""
    x = np.asarray(ideals, dtype=float)
    if x.size == 0:
        return float(scale[0]), float(scale[1])
    r = np.abs(status_quo - x)
    low, high = float(np.max(x - r)), float(np.min(x + r))
    return max(low, scale[0]), min(high, scale[1])


def constrain(outcome: float, low: float, high: float) -> float:
    """The point of ``[low, high]`` nearest ``outcome``."""
    return float(min(max(outcome, low), high))


@dataclass(frozen=True)
class VetoOutcome:
    """The veto-aware outcome of one model on one issue."""

    model: str
    outcome: float
    """The veto-aware outcome (0-100)."""
    unconstrained: float
    """The model's outcome without the veto."""
    low: float
    """Lower end of the winset (the points every veto holder accepts)."""
    high: float
    status_quo: float
    holders: list[str]
    """The veto holders counted (those with a coding)."""
    missing: list[str] = field(default_factory=list)
    """Declared veto holders left out because they have no coding at the date."""

    @property
    def binding(self) -> bool:
        """True when the veto moves the outcome (the model's outcome lies outside the winset)."""
        return abs(self.outcome - self.unconstrained) > 1e-9

    def record(self) -> dict:
        return {"model": self.model, "outcome": self.outcome, "unconstrained": self.unconstrained,
                "low": self.low, "high": self.high, "status_quo": self.status_quo,
                "holders": list(self.holders), "missing": list(self.missing), "binding": self.binding}


def veto_outcome(position, salience, capability, veto: Sequence[bool] | np.ndarray, status_quo: float,
                 model: str = BASE_MODEL, rounds: int = 10, names: Sequence[str] | None = None,
                 unconstrained: float | None = None) -> VetoOutcome:
    """The outcome of ``model`` constrained to the winset of ``status_quo`` (module doc).

    ``veto``: one flag per actor (True for a veto holder). ``unconstrained``: the model's
    outcome if already computed (else it is computed here).
    """
    from panmun.actors.roles import predict

    x = np.asarray(position, dtype=float)
    flags = np.asarray(veto, dtype=bool)
    if flags.shape != x.shape:
        raise InputError(f"veto: {flags.size} flags for {x.size} actors")
    if not SCALE[0] <= float(status_quo) <= SCALE[1]:
        raise InputError(f"status quo {status_quo} is outside the scale 0-100")
    base = unconstrained if unconstrained is not None else predict(x, np.asarray(salience, dtype=float),
                                                                   np.asarray(capability, dtype=float),
                                                                   model, rounds)
    low, high = winset(x[flags], float(status_quo))
    labels = list(names) if names is not None else [str(i) for i in range(x.size)]
    return VetoOutcome(model, constrain(base, low, high), float(base), low, high, float(status_quo),
                       [labels[i] for i in np.flatnonzero(flags)])


def issue_veto(issue: str, kb=None):
    """The ``veto`` declared on ``issue`` in the knowledge base (a :class:`~panmun.kb.schema.Veto`),
    or None."""
    from panmun.kb.loader import load_kb

    kb = kb if kb is not None else load_kb()
    for item, _ in kb.issues:
        if item.id == issue:
            return item.veto
    return None


def frame_veto_outcome(frame, holders: Sequence[str], status_quo: float, model: str = BASE_MODEL,
                       rounds: int = 10, unconstrained: float | None = None) -> VetoOutcome:
    """:func:`veto_outcome` for an actors frame (columns actor, position, salience, capability):
    ``holders`` not in the frame are reported in ``missing``."""
    names = [str(a) for a in frame["actor"]]
    flags = np.array([n in set(holders) for n in names], dtype=bool)
    result = veto_outcome(frame["position"].to_numpy(dtype=float), frame["salience"].to_numpy(dtype=float),
                          frame["capability"].to_numpy(dtype=float), flags, status_quo, model, rounds,
                          names=names, unconstrained=unconstrained)
    missing = [h for h in holders if h not in names]
    return VetoOutcome(result.model, result.outcome, result.unconstrained, result.low, result.high,
                       result.status_quo, result.holders, missing)
