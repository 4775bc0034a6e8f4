"""Why a plan looks as it does: binding constraints per step, left-out steps, tasks.

**Binding constraints of a scheduled step.** The step is moved one month earlier (all
others fixed) and the schedule re-checked with :func:`panmun.roadmap.rules.violations`;
the rules broken by the move and not broken before are what holds the step where it is
(a prerequisite not yet verified, a party's reciprocity balance, a red line, the
capacity). A step at month 0 starts at once; a step whose earlier move breaks nothing
sits where it is because starting earlier does not improve the objective.

**A step left out.** It is tried at every start month; if some month admits it, it adds
nothing to the objective there (its vector is already at the cap, or it is outside the
objective's vectors); otherwise the rules it breaks at its least-broken month are given.

**Next tasks per actor**: the plan's steps each actor takes part in, in start order.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from panmun.months import month_after
from panmun.roadmap import rules
from panmun.roadmap.steps import Constraints, Step


@dataclass(frozen=True)
class Reason:
    """Why ``step`` starts at ``month`` (``binding``: the rules an earlier start breaks)."""

    step: str
    month: int
    binding: tuple[str, ...]
    kinds: tuple[str, ...]


def _messages(found: list[rules.Violation]) -> set[tuple[str, str]]:
    return {(v.kind, v.message) for v in found}


def binding(steps: dict[str, Step], schedule: dict[str, int], constraints: Constraints) -> list[Reason]:
    """For each scheduled step (in start order) the rules that stop it starting earlier."""
    before = _messages(rules.violations(steps, schedule, constraints))
    out = []
    for sid, month in sorted(schedule.items(), key=lambda kv: (kv[1], kv[0])):
        if month == 0:
            out.append(Reason(sid, 0, ("starts at once (month 0)",), ("start",)))
            continue
        trial = {**schedule, sid: month - 1}
        new = sorted(_messages(rules.violations(steps, trial, constraints)) - before)
        if new:
            out.append(Reason(sid, month, tuple(m for _, m in new), tuple(dict.fromkeys(k for k, _ in new))))
        else:
            why = "no rule binds: an earlier start would not improve the objective"
            out.append(Reason(sid, month, (why,), ("objective",)))
    return out


def left_out(steps: dict[str, Step], schedule: dict[str, int], constraints: Constraints) -> list[Reason]:
    """For each catalogue step not in the plan: why (see the module docstring)."""
    out = []
    for sid, s in steps.items():
        if sid in schedule:
            continue
        best: list[rules.Violation] | None = None
        best_month = 0
        for month in range(max(constraints.horizon - s.duration, 0) + 1):
            found = rules.violations(steps, {**schedule, sid: month}, constraints)
            if best is None or len(found) < len(best):
                best, best_month = found, month
            if not found:
                break
        if not best:
            out.append(Reason(sid, best_month, (f"admissible from month {best_month} but adds nothing to "
                                                "the objective",), ("objective",)))
        else:
            out.append(Reason(sid, best_month, tuple(v.message for v in best),
                              tuple(dict.fromkeys(v.kind for v in best))))
    return out


def timeline(steps: dict[str, Step], schedule: dict[str, int], constraints: Constraints) -> pd.DataFrame:
    """One row per scheduled step: start, completion and verification months and labels,
    actors, vector, values and the binding constraints."""
    reasons = {r.step: r for r in binding(steps, schedule, constraints)}
    rows = []
    for sid, month in sorted(schedule.items(), key=lambda kv: (kv[1], kv[0])):
        s = steps[sid]
        rows.append({"step": sid, "name": s.name, "actors": " ".join(s.actors), "vector": s.vector,
                     "start": month, "start_month": month_after(constraints.start, month),
                     "complete": month + s.duration, "verified": month + s.wait,
                     "values": " ".join(f"{p}:{v:+d}" for p, v in sorted(s.value.items()) if v),
                     "why_here": "; ".join(reasons[sid].binding)})
    return pd.DataFrame(rows, columns=["step", "name", "actors", "vector", "start", "start_month", "complete",
                                       "verified", "values", "why_here"])


def tasks(steps: dict[str, Step], schedule: dict[str, int], constraints: Constraints,
          actors: tuple[str, ...] = ("KOR", "PRK", "USA", "CHN", "JPN", "RUS", "UNO"),
          per_actor: int = 3) -> pd.DataFrame:
    """The next ``per_actor`` tasks of each actor in the plan (steps it takes, in start
    order), with what each waits for; an actor with no step in the plan gets one row
    saying so."""
    rows = []
    for actor in actors:
        mine = sorted((t, sid) for sid, t in schedule.items() if actor in steps[sid].actors)
        if not mine:
            rows.append({"actor": actor, "order": 0, "step": "", "name": "no step of its own in this plan",
                         "start_month": "", "waits_for": ""})
            continue
        for k, (t, sid) in enumerate(mine[:per_actor], start=1):
            s = steps[sid]
            waits = [p for p in s.prerequisites if p in schedule]
            rows.append({"actor": actor, "order": k, "step": sid, "name": s.name,
                         "start_month": month_after(constraints.start, t),
                         "waits_for": ", ".join(waits) if waits else "nothing: can start first"})
    return pd.DataFrame(rows, columns=["actor", "order", "step", "name", "start_month", "waits_for"])


def balance_table(steps: dict[str, Step], schedule: dict[str, int], constraints: Constraints) -> pd.DataFrame:
    """The reciprocity balance per party and month (long format: party, month, balance,
    floor = minus the trust margin)."""
    parties = rules.parties_of(steps, constraints)
    bal = rules.balances(steps, schedule, parties, constraints.horizon)
    rows = [{"party": p, "month": t, "balance": float(bal[j, t]), "floor": -constraints.margin_of(p)}
            for j, p in enumerate(parties) for t in range(constraints.horizon + 1)]
    return pd.DataFrame(rows)
