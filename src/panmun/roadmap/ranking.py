"""Plans found, judged and ranked: the one call behind ``panmun roadmap plan``, the
briefing's roadmap section and the web API.

:func:`best_plans` runs the planner (:mod:`panmun.roadmap.planner`) for the best plan
and alternatives, evaluates each in the three-vector model and the clash-risk model
(:mod:`panmun.roadmap.evaluate`) and ranks them: by the median of D + P + A at the
horizon in the three-vector model (``progress`` and vector objectives), or by the median
probability of a deadly clash (``risk``). Ranks come with the 90 % intervals; two plans
whose intervals overlap are not clearly different, and the output says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from panmun.roadmap import acceptability, evaluate, explain, planner, rules
from panmun.roadmap.acceptability import default_start
from panmun.roadmap.catalogue import load_catalogue
from panmun.roadmap.constraints_file import builtin_constraints_path, read_constraints
from panmun.roadmap.steps import Constraints, Step


@dataclass
class RankedPlan:
    """One plan with its solver figures and its evaluation."""

    rank: int
    schedule: dict[str, int]
    score: float                 # the planner's primary score (surrogate)
    gap: float                   # the solver's optimality gap of the primary stage
    gap_earliness: float         # ... and of the second stage (earliness)
    status: str
    vectors: evaluate.VectorOutcome | None = None
    risk: evaluate.RiskOutcome | None = None
    clearly_better_than_next: bool | None = None


@dataclass
class Roadmap:
    """The answer: ranked plans (best first) or the conflicting constraints."""

    objective: str
    constraints: Constraints
    steps: dict[str, Step]
    plans: list[RankedPlan] = field(default_factory=list)
    conflicts: list[planner.Conflict] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def feasible(self) -> bool:
        return bool(self.plans)

    @property
    def best(self) -> RankedPlan:
        return self.plans[0]


def load_constraints(path: str | Path | None, steps: dict[str, Step],
                     horizon: int | None = None, start: str | None = None, kb=None, store=None,
                     at=None) -> Constraints:
    """The constraints file (the built-in one when None), with ``horizon`` overriding its own.

    Month 0 is ``start`` when given, else the file's ``start``, else the month after the
    record ends (:func:`panmun.roadmap.acceptability.default_start` over the knowledge base
    ``kb`` and, when given, the ``store``, as of ``at``)."""
    from dataclasses import replace

    default = None if start else default_start(kb, store, at)
    c = read_constraints(path or builtin_constraints_path(), steps,
                         display=None if path else "built-in constraints", start=start, default_start=default)
    if horizon is not None:
        c = replace(c, horizon=horizon, deadlines={k: v for k, v in c.deadlines.items() if v <= horizon})
    return c


@dataclass
class DatedInputs:
    """The planner's inputs as of the plan's start: steps with dated values, constraints with
    the red lines derived from positions, the assessment and the steps no plan may contain."""

    steps: dict[str, Step]
    constraints: Constraints
    assessment: acceptability.Assessment
    blocked: list[acceptability.BlockedStep]
    record_end: object = None

    def header(self) -> dict:
        """The JSON keys every dated roadmap document carries."""
        return {"as_of": self.assessment.at, "record_end": self.record_end,
                "acceptability": {"threshold": acceptability.THRESHOLD,
                                  "value_points": acceptability.VALUE_POINTS,
                                  "value_reference": acceptability.REFERENCE}}


def dated_inputs(path: str | Path | None = None, horizon: int | None = None, start: str | None = None,
                 steps: dict[str, Step] | None = None, kb=None, store=None, at=None) -> DatedInputs:
    """Catalogue and constraints judged against the parties' positions on the plan's start
    (:mod:`panmun.roadmap.acceptability`)."""
    from panmun.kb.loader import load_kb

    kb = kb if kb is not None else load_kb()
    steps = steps if steps is not None else load_catalogue(kb)
    c = load_constraints(path, steps, horizon, start, kb, store, at)
    dated, c, assessment = acceptability.with_positions(steps, c, kb, at)
    blocked = acceptability.blocked_steps(dated, c, assessment.blocks)
    return DatedInputs(dated, c, assessment, blocked, acceptability.record_end(kb, store, at))


def best_plans(constraints: Constraints, steps: dict[str, Step] | None = None, *, objective: str = "progress",
               alternatives: int = 2, base_rates=None, runs: int = 1000, seed: int = 0,
               time_limit: float = 10.0, evaluate_plans: bool = True,
               vector_params: dict[str, np.ndarray] | None = None) -> Roadmap:
    """Plan, evaluate and rank (see the module docstring). ``base_rates``: draws of the
    clash-risk model's posterior (needed for ``risk`` and for the risk evaluation; without
    them plans are not judged on risk). ``vector_params``: ``runs`` draws of the three-vector
    model's parameters (:func:`panmun.vectors.runs.parameter_draws`; None: the judgement
    defaults); every plan is judged on the same draws."""
    steps = steps if steps is not None else load_catalogue()
    weights = evaluate.risk_weights(steps, base_rates) if objective == "risk" else None
    result = planner.plan(steps, constraints, objective=objective, weights=weights,
                          alternatives=alternatives, time_limit=time_limit)
    out = Roadmap(objective, constraints, steps, conflicts=result.conflicts, seconds=result.seconds)
    for schedule, scores, gaps, status in zip(result.schedules, result.scores, result.gaps, result.status,
                                              strict=True):
        ranked = RankedPlan(0, schedule, scores[0], gaps[0], gaps[1], status)
        if evaluate_plans:
            ranked.vectors = evaluate.vector_outcome(schedule, steps, constraints, runs=runs, seed=seed,
                                                     params=vector_params)
            if base_rates is not None:
                measures = evaluate.restored_measures(schedule, steps, constraints.horizon)
                ranked.risk = evaluate.risk_outcome(measures, base_rates)
        out.plans.append(ranked)
    _rank(out)
    return out


def _risk(plan: RankedPlan) -> evaluate.RiskOutcome:
    assert plan.risk is not None    # _rank ranks by risk only when every plan has one
    return plan.risk


def _vectors(plan: RankedPlan) -> evaluate.VectorOutcome:
    assert plan.vectors is not None     # _rank ranks only when every plan has them
    return plan.vectors


def _rank(roadmap: Roadmap) -> None:
    plans = roadmap.plans
    if plans and all(p.vectors is not None for p in plans):
        if roadmap.objective == "risk" and all(p.risk is not None for p in plans):
            plans.sort(key=lambda p: _risk(p).p_deadly[0])
            for a, b in zip(plans, plans[1:], strict=False):
                a.clearly_better_than_next = _risk(a).p_deadly[2] < _risk(b).p_deadly[1]
        else:
            plans.sort(key=lambda p: -_vectors(p).progress[0])
            for a, b in zip(plans, plans[1:], strict=False):
                a.clearly_better_than_next = _vectors(a).progress[1] > _vectors(b).progress[2]
    for k, p in enumerate(plans, start=1):
        p.rank = k


def _band(q: tuple[float, float, float]) -> dict[str, float]:
    return dict(zip(("median", "low", "high"), q, strict=True))


def plan_record(roadmap: Roadmap, plan: RankedPlan) -> dict:
    """One plan as plain data (the CLI's JSON and the API's payload)."""
    c, steps = roadmap.constraints, roadmap.steps
    timeline = explain.timeline(steps, plan.schedule, c)
    record = {"rank": plan.rank, "score": plan.score, "optimality_gap": plan.gap,
              "optimality_gap_earliness": plan.gap_earliness, "solver_status": plan.status,
              "surrogate_progress": rules.progress(steps, plan.schedule, c),
              "steps": timeline.to_dict("records")}
    if plan.vectors is not None:
        v = plan.vectors
        record["three_vector_model"] = {
            "runs": v.runs, "at_horizon": {k: _band(q) for k, q in v.stocks.items()},
            "progress": _band(v.progress), "gain_over_baseline": _band(v.gain)}
    if plan.risk is not None:
        r = plan.risk
        record["clash_risk"] = {"measures_restored": list(r.measures),
                                "p_deadly_clash_1y": _band(r.p_deadly),
                                "p_deadly_clash_1y_today": _band(r.p_deadly_today),
                                "reduction": _band(r.reduction)}
    record["clearly_better_than_next"] = plan.clearly_better_than_next
    return record
