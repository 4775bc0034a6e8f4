"""Outputs of ``panmun roadmap``: the step catalogue, plans, checks and tasks."""

from __future__ import annotations

from panmun.schemas.base import Interval, Month, Row


class StepRow(Row):
    """A step of the catalogue."""

    id: str
    name: str
    actors: str
    """Who takes the step (actor codes, space-separated)."""
    vector: str
    advance: float
    """How far the step moves its vector (0-1 scale)."""
    prerequisites: str
    """Steps that must be verified first (space-separated ids)."""
    duration: int
    """Months from start to completion."""
    lead: int
    """Months from completion to verification."""
    value: str
    """Value to each party, -3..+3, as ``PRK:-2 USA:+2``."""
    measure: str
    source: str


class PlanStep(Row):
    """A step in a plan, with when it starts, completes and is verified."""

    step: str
    name: str
    actors: str
    vector: str
    start: int
    """Month index from the plan's start."""
    start_month: Month
    complete: int
    verified: int
    values: str
    why_here: str
    """What stops an earlier start."""


class VectorsJudgement(Row):
    """The plan judged in the three-vector model (paired runs against the baseline)."""

    runs: int
    at_horizon: dict[str, Interval]
    progress: Interval
    """D + P + A at the horizon."""
    gain_over_baseline: Interval


class RiskJudgement(Row):
    """The plan judged in the clash-risk model."""

    measures_restored: list[str]
    p_deadly_clash_1y: Interval
    p_deadly_clash_1y_today: Interval
    reduction: Interval


class PlanRecord(Row):
    rank: int
    score: float
    optimality_gap: float | None
    optimality_gap_earliness: float | None
    solver_status: str
    surrogate_progress: float
    steps: list[PlanStep]
    three_vector_model: VectorsJudgement | None = None
    clash_risk: RiskJudgement | None = None
    clearly_better_than_next: bool | None
    """Whether the plan's 90 % interval lies above the next plan's (null for the last)."""


class Conflict(Row):
    kind: str
    constraint: str


class Plans(Row):
    """``panmun roadmap plan``: the best plans found, or the constraints that conflict."""

    objective: str
    horizon: int | None = None
    start: Month | None = None
    feasible: bool
    solver_seconds: float | None = None
    plans: list[PlanRecord] = []
    conflicts: list[Conflict] = []
    """When no plan exists: a minimal set of constraints that cannot hold together."""


class Violation(Row):
    kind: str
    step: str
    party: str
    month: str
    problem: str


class PlanCheck(Row):
    """``panmun roadmap check``: every rule a plan breaks (exit 1 if any)."""

    plan: str
    start: Month
    steps: int
    admissible: bool
    violations: list[Violation]
    surrogate_progress: float


class TaskRow(Row):
    """An actor's next task under the best plan."""

    actor: str
    order: int
    step: str
    name: str
    start_month: str
    waits_for: str


COMMANDS = {
    "roadmap steps": list[StepRow],
    "roadmap plan": Plans,
    "roadmap check": PlanCheck,
    "roadmap tasks": list[TaskRow],
}
