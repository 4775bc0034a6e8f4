"""The roadmap's rules applied to one schedule: balances, surrogate state, violations.

Everything here is plain Python over a schedule ``{step id: start month}``: the
reference the constraint solver (:mod:`panmun.roadmap.planner`) is checked against, the
engine of ``panmun roadmap check`` and of the explanations. The timing, value and
reciprocity rules are those of :mod:`panmun.roadmap.steps`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from panmun.roadmap.steps import VECTORS, Constraints, Step


@dataclass(frozen=True)
class Violation:
    """One broken rule: ``kind`` is one of prerequisite, red-line, reciprocity, horizon,
    deadline, required, excluded, requires, capacity, unknown-step."""

    kind: str
    message: str
    step: str | None = None
    party: str | None = None
    month: int | None = None


def parties_of(steps: dict[str, Step], constraints: Constraints) -> tuple[str, ...]:
    """The parties whose reciprocity is enforced: the constraints' list, else every party
    that values some step (sorted)."""
    if constraints.parties is not None:
        return tuple(constraints.parties)
    return tuple(sorted({p for s in steps.values() for p, v in s.value.items() if v != 0}))


def balances(steps: dict[str, Step], schedule: dict[str, int], parties: tuple[str, ...],
             horizon: int) -> np.ndarray:
    """Cumulative balance per party and month, shape (parties, horizon + 1), value units.

    ``b_p(t) = sum_{start_s <= t} min(v_ps, 0) + sum_{start_s + wait_s <= t} max(v_ps, 0)``:
    costs count from a step's start, gains once it is verified.
    """
    out = np.zeros((len(parties), horizon + 1))
    for j, party in enumerate(parties):
        for sid, start in schedule.items():
            v = steps[sid].value.get(party, 0)
            if v < 0 and start <= horizon:
                out[j, start:] += v
            elif v > 0 and start + steps[sid].wait <= horizon:
                out[j, start + steps[sid].wait:] += v
    return out


def surrogate(steps: dict[str, Step], schedule: dict[str, int], constraints: Constraints) -> np.ndarray:
    """Surrogate state per vector (:data:`VECTORS`) and month, shape (4, horizon + 1):
    the start level plus the advances of the steps complete by then, capped at 1."""
    h = constraints.horizon
    out = np.array([[constraints.initial.get(k, 0.0)] * (h + 1) for k in VECTORS])
    for sid, start in schedule.items():
        s = steps[sid]
        done = start + s.duration
        if done <= h:
            out[VECTORS.index(s.vector), done:] += s.advance
    return np.minimum(out, 1.0)


def violations(steps: dict[str, Step], schedule: dict[str, int], constraints: Constraints) -> list[Violation]:
    """Every rule the schedule breaks (empty: the schedule is admissible)."""
    unknown = [Violation("unknown-step", f"unknown step {sid!r}", step=sid)
               for sid in schedule if sid not in steps]
    if unknown:
        return unknown
    out: list[Violation] = []
    out += _timing(steps, schedule, constraints)
    out += _red_lines(steps, schedule, constraints)
    out += _membership(schedule, constraints)
    out += _requires(steps, schedule, constraints)
    out += _reciprocity(steps, schedule, constraints)
    out += _capacity(schedule, constraints)
    return out


def _timing(steps: dict[str, Step], schedule: dict[str, int], c: Constraints) -> list[Violation]:
    out = []
    for sid, start in schedule.items():
        s = steps[sid]
        if start < 0 or start + s.duration > c.horizon:
            out.append(Violation("horizon", f"{sid} starts at month {start} and completes at month "
                                 f"{start + s.duration}, outside months 0..{c.horizon}",
                                 step=sid, month=start))
        deadline = c.deadlines.get(sid)
        if deadline is not None and start + s.duration > deadline:
            out.append(Violation("deadline", f"{sid} completes at month {start + s.duration}, after its "
                                 f"deadline (month {deadline})", step=sid, month=start))
        for pre in s.prerequisites:
            out += _after(steps, schedule, sid, pre, "prerequisite", f"{sid} needs {pre}")
    return out


def _after(steps: dict[str, Step], schedule: dict[str, int], sid: str, pre: str, kind: str,
           rule: str, party: str | None = None) -> list[Violation]:
    """``sid`` may start only once ``pre`` is verified."""
    start = schedule[sid]
    if pre not in schedule:
        return [Violation(kind, f"{rule}, which is not in the plan", step=sid, party=party, month=start)]
    ready = schedule[pre] + steps[pre].wait
    if start < ready:
        return [Violation(kind, f"{rule} verified first: {pre} is verified at month {ready}, "
                          f"{sid} starts at month {start}", step=sid, party=party, month=start)]
    return []


def _red_lines(steps: dict[str, Step], schedule: dict[str, int], c: Constraints) -> list[Violation]:
    out = []
    for line in c.red_lines:
        if line.step not in schedule:
            continue
        start = schedule[line.step]
        if line.until is not None:
            out += _after(steps, schedule, line.step, line.until, "red-line",
                          f"{line.party} refuses {line.step} until {line.until} is", party=line.party)
        elif line.not_before is not None:
            if start < line.not_before:
                out.append(Violation("red-line", f"{line.label}; it starts at month {start}",
                                     step=line.step, party=line.party, month=start))
        else:
            out.append(Violation("red-line", line.label, step=line.step, party=line.party, month=start))
    return out


def _membership(schedule: dict[str, int], c: Constraints) -> list[Violation]:
    out = [Violation("required", f"required step {sid} is not in the plan", step=sid)
           for sid in c.require if sid not in schedule]
    out += [Violation("excluded", f"excluded step {sid} is in the plan", step=sid, month=schedule[sid])
            for sid in c.exclude if sid in schedule]
    return out


def _requires(steps: dict[str, Step], schedule: dict[str, int], c: Constraints) -> list[Violation]:
    out = []
    state = surrogate(steps, schedule, c)
    for sid, start in schedule.items():
        for vector, level in steps[sid].requires.items():
            have = state[VECTORS.index(vector), min(max(start, 0), c.horizon)]
            if have < level - 1e-9:
                out.append(Violation("requires", f"{sid} needs {vector} at {level:g} or more; the "
                                     f"surrogate state is {have:.3f} at month {start}",
                                     step=sid, month=start))
    return out


def _reciprocity(steps: dict[str, Step], schedule: dict[str, int], c: Constraints) -> list[Violation]:
    out = []
    parties = parties_of(steps, c)
    bal = balances(steps, schedule, parties, c.horizon)
    for j, party in enumerate(parties):
        floor = -c.margin_of(party)
        below = np.flatnonzero(bal[j] < floor)
        if below.size:
            t, worst = int(below[0]), int(np.argmin(bal[j]))
            out.append(Violation("reciprocity", f"{party}'s cumulative cost exceeds its verified gain by "
                                 f"{-bal[j, t]:g} at month {t} (trust margin {-floor}); worst "
                                 f"{-bal[j, worst]:g} at month {worst}", party=party, month=t))
    return out


def _capacity(schedule: dict[str, int], c: Constraints) -> list[Violation]:
    if c.max_starts is None:
        return []
    counts: dict[int, int] = {}
    for start in schedule.values():
        counts[start] = counts.get(start, 0) + 1
    return [Violation("capacity", f"{n} steps start at month {t}; at most {c.max_starts} may", month=t)
            for t, n in sorted(counts.items()) if n > c.max_starts]


def progress(steps: dict[str, Step], schedule: dict[str, int], constraints: Constraints,
             vectors: tuple[str, ...] = VECTORS) -> float:
    """Surrogate progress at the horizon: the sum over ``vectors`` of the capped state."""
    state = surrogate(steps, schedule, constraints)
    return float(sum(state[VECTORS.index(k), -1] for k in vectors))


def progress_months(steps: dict[str, Step], schedule: dict[str, int], constraints: Constraints,
                    vectors: tuple[str, ...] = VECTORS) -> float:
    """The area under the surrogate progress curve: sum over months 1..horizon of the
    uncapped advance complete by then (rewards steps done early)."""
    h = constraints.horizon
    total = 0.0
    for sid, start in schedule.items():
        s = steps[sid]
        if s.vector in vectors and start + s.duration <= h:
            total += s.advance * (h - (start + s.duration) + 1)
    return total
