"""A greedy earliest-start schedule: the planner's starting point (a solver hint).

Month by month, steps are tried in order of decreasing weight, and a step starts in the
first month where it keeps every rule given the steps already placed: its prerequisites
and red-line conditions are verified, its state requirements hold, the month's capacity
is not used up, and no party's reciprocity balance falls below its floor in any month
(costs from the start, gains from verification). Passes over a month repeat until no
step can be added, so that a step made possible by another step of the same month (a
gain that covers a cost) is found. Required steps are not forced: the result is a
feasible start for the solver, not an optimum.
"""

from __future__ import annotations

import numpy as np

from panmun.roadmap import rules
from panmun.roadmap.steps import VECTORS, Constraints, Step


def earliest_schedule(steps: dict[str, Step], constraints: Constraints,
                      weights: dict[str, float] | None = None) -> dict[str, int]:
    """The greedy schedule (step id -> start month); see the module docstring."""
    c, h = constraints, constraints.horizon
    weights = weights if weights is not None else {sid: s.advance for sid, s in steps.items()}
    order = sorted(steps, key=lambda sid: -weights.get(sid, 0.0))
    parties = rules.parties_of(steps, c)
    floor = np.array([-c.margin_of(p) for p in parties], dtype=float)[:, None]
    balance = np.zeros((len(parties), h + 1))
    level = np.array([[c.initial.get(k, 0.0)] * (h + 1) for k in VECTORS])
    starts = np.zeros(h + 1, dtype=int)
    blocked = {line.step for line in c.red_lines if line.until is None and line.not_before is None}
    blocked |= set(c.exclude)
    schedule: dict[str, int] = {}

    def verified(sid: str, t: int) -> bool:
        return sid in schedule and schedule[sid] + steps[sid].wait <= t

    def admissible(sid: str, t: int) -> np.ndarray | None:
        s = steps[sid]
        if sid in blocked or t + s.duration > h or t + s.duration > c.deadlines.get(sid, h):
            return None
        if not all(verified(p, t) for p in s.prerequisites):
            return None
        for line in c.red_lines:
            if line.step == sid and ((line.until and not verified(line.until, t))
                                     or (line.not_before is not None and t < line.not_before)):
                return None
        if any(level[VECTORS.index(k), t] < r - 1e-9 for k, r in s.requires.items()):
            return None
        if c.max_starts is not None and starts[t] >= c.max_starts:
            return None
        delta = np.zeros_like(balance)
        for j, p in enumerate(parties):
            v = s.value.get(p, 0)
            if v < 0:
                delta[j, t:] += v
            elif v > 0 and t + s.wait <= h:
                delta[j, t + s.wait:] += v
        if np.any(balance + delta < floor):
            return None
        return delta

    for t in range(h + 1):
        added = True
        while added:
            added = False
            for sid in order:
                if sid in schedule:
                    continue
                delta = admissible(sid, t)
                if delta is None:
                    continue
                schedule[sid] = t
                balance += delta
                starts[t] += 1
                s = steps[sid]
                if s.vector in VECTORS and t + s.duration <= h:
                    level[VECTORS.index(s.vector), t + s.duration:] += s.advance
                added = True
    return schedule
