"""Outputs of ``panmun roadmap``: the step catalogue, plans, checks and tasks."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from panmun.schemas.base import Interval, Month, Row
from panmun.schemas.vectors import ParameterSource


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
    """Value to each party, -3..+3, as ``PRK:-2 USA:+2`` (the judged prior; ``roadmap plan``
    moves it with the parties' positions on the start date)."""
    issues: str
    """The issues of the actors' record the step moves, from and to on their 0-100 scale, as
    ``denuclearization:25->40`` (empty: none)."""
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


class AcceptabilityRule(Row):
    """The parameters of the rule that judges steps against the parties' dated positions
    (docs/roadmap.md, "Acceptability as of a date")."""

    threshold: float
    """A taker refuses a step that moves an issue beyond its position by more than this many
    salience-weighted points."""
    value_points: float
    """Salience-weighted points of spatial utility per unit of value."""
    value_reference: dt.date
    """The date the catalogue's judged values describe; dated values move from them."""


class BlockReason(Row):
    """Why a party refuses a step: its coded position (kind ``position``) or a hand-written red
    line of the constraints (kind ``red-line``; ``source`` holds its reason)."""

    step: str
    """The step refused: the blocked step itself or one of its blocked prerequisites."""
    party: str
    kind: str
    issue: str | None
    toward: str | None
    """The end of the issue's 0-100 scale the step moves the issue towards (high or low)."""
    moves_to: float | None
    """The level the step moves the issue to."""
    position: float | None
    """The party's coded position on the issue (0-100) on ``date``."""
    salience: float | None
    date: dt.date | None
    """Date of the coded statement."""
    source: str | None
    basis: str | None
    """The knowledge-base record the coding rests on (a position id, an event id or a statement)."""
    weighted_excess: float | None
    """Salience x points by which the step moves the issue beyond the position."""
    threshold: float | None


class AdmittingChange(Row):
    """A change of one party's position on one issue that would lift its refusal."""

    party: str
    issue: str
    from_: float = Field(alias="from")
    """The coded position."""
    to: float | None
    """The nearest position that admits the step (null: no single position admits it)."""
    coded_on: dt.date
    source: str


class ExcludedStep(Row):
    """A step no plan may contain on the start date, and what would admit it."""

    step: str
    name: str
    blocking_parties: list[str]
    excluded: bool
    """Excluded by the constraints file."""
    blocked_by: list[BlockReason]
    """The refusals that keep it out: its own, then those of its blocked prerequisites."""
    via_prerequisites: list[str]
    """Prerequisites that are blocked themselves."""
    admitting_changes: list[AdmittingChange]
    """Every position change needed (for the step and its blocked prerequisites)."""
    admissible_by_positions: bool
    """False when a hand-written red line or an exclusion blocks it whatever the positions."""


class ValueChange(Row):
    """A step's value to a party as of the start, where it differs from the judged prior."""

    step: str
    party: str
    prior: int
    as_of_start: int


class Plans(Row):
    """``panmun roadmap plan``: the best plans found, or the constraints that conflict."""

    objective: str
    horizon: int | None = None
    start: Month | None = None
    feasible: bool
    solver_seconds: float | None = None
    parameters: ParameterSource | None = None
    """Where the three-vector runs' parameters come from (the same draws judge every plan)."""
    plans: list[PlanRecord] = []
    conflicts: list[Conflict] = []
    """When no plan exists: a minimal set of constraints that cannot hold together."""
    as_of: dt.date | None = None
    """The date the steps are judged on: the first day of the start month."""
    record_end: dt.date | None = None
    """The date the record runs to (the default start is the month after)."""
    acceptability: AcceptabilityRule | None = None
    excluded: list[ExcludedStep] = []
    """Steps no plan may contain on that date, with the blocking party, position, date and source."""
    values_changed: list[ValueChange] = []
    """Values that the parties' positions on that date move away from the judged prior."""


class Blocked(Row):
    """``panmun roadmap blocked``: the steps no plan may contain on the start date."""

    start: Month
    as_of: dt.date
    record_end: dt.date | None
    acceptability: AcceptabilityRule
    steps: int
    """Steps in the catalogue."""
    blocked: list[ExcludedStep]


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
    as_of: dt.date | None = None
    """The date the plan's steps are judged on (red lines from the positions on that date)."""
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
    "roadmap blocked": Blocked,
    "roadmap tasks": list[TaskRow],
}
