"""Outputs of ``panmun actors``: positions, bargaining outcomes, roles and vote trading."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from panmun.schemas.base import Row


class IssueRow(Row):
    """An issue: a 0-100 scale with labelled end points."""

    id: str
    name: str
    low: str
    """What 0 means."""
    high: str
    """What 100 means."""
    description: str
    codings: int
    """Dated actor codings in the knowledge base."""


class Offer(Row):
    """An offer actor j makes to actor i in a round, as i perceives it."""

    round: int
    from_: str = Field(alias="from")
    kind: str
    """confrontation, compromise or capitulation."""
    position: float
    """Where the offer would move the receiving actor."""
    accepted: bool


class VetoOutcome(Row):
    """The veto-aware outcome: the model's outcome moved to the nearest point every veto
    holder likes at least as well as the status quo (docs/actors-models.md)."""

    model: str
    outcome: float
    """The veto-aware outcome on the 0-100 scale."""
    unconstrained: float
    """The model's outcome without the veto."""
    low: float
    """Lowest point every veto holder accepts (the winset of the status quo)."""
    high: float
    status_quo: float
    holders: list[str]
    """Veto holders counted (those with a coding)."""
    missing: list[str]
    """Declared veto holders without a coding at the date (left out)."""
    binding: bool
    """True when the veto moves the outcome."""


class Bargain(Row):
    """``panmun actors bargain``: the predicted outcome and the positions round by round."""

    veto: VetoOutcome | None = None
    """Where an actor holds a veto on the issue (the knowledge base's declaration, or --veto)."""
    model: str
    source: str
    """Where the actors came from: an issue of the knowledge base or a CSV file."""
    outcome: float
    """The predicted outcome on the 0-100 scale."""
    actors: int
    rounds: list[dict[str, float]]
    """Positions per round (round 0: the input), keyed by actor."""
    medians: list[float] | None = None
    """Expected utility only: the weighted median of each round."""
    means: list[float] | None = None
    """Expected utility only: the weighted mean of each round."""
    perceived_offers: dict[str, list[Offer]] | None = None
    """With --offers (expected utility): each actor's perceived offers per round."""


class RoleAmounts(Row):
    position_step: float
    """Points an actor's position moves toward or away from the outcome."""
    salience_step: float
    capability_share: float
    """Relative rise in capability."""


class RoleRow(Row):
    """An actor's marginal role: the outcome shift (points) when only it changes."""

    actor: str
    position: float
    salience: float
    capability: float
    weight_share: float
    toward: float
    away: float
    salience_up: float
    capability_up: float


class CoalitionRow(Row):
    """A minimal connected winning coalition of the weighted-median model."""

    actors: list[str]
    weight_share: float
    low: float
    """Lowest position in the coalition."""
    high: float
    pivot: str


class Roles(Row):
    """``panmun actors roles``."""

    model: str
    source: str
    outcome: float
    amounts: RoleAmounts
    roles: list[RoleRow]
    coalitions: list[CoalitionRow]


class PositionRow(Row):
    """An actor's coded position on the issue as of a date."""

    as_of: str
    """The date asked (YYYY-MM-DD) or ``today``."""
    actor: str
    position: float
    salience: float
    capability: float
    date: dt.date | None
    """Date of the coding in force."""
    source_url: str | None


class OutcomeRow(Row):
    """Each model's predicted outcome as of a date."""

    as_of: str
    veto: float | None = None
    """The veto-aware outcome (the compromise outcome within what every veto holder accepts);
    null where the issue declares no veto holder."""
    veto_holders: list[str] = []
    """The veto holders counted."""
    compromise: float
    median: float
    nash: float
    expected_utility: float = Field(alias="expected-utility")


class Positions(Row):
    """``panmun actors positions``."""

    issue: str
    positions: list[PositionRow]
    outcomes: list[OutcomeRow]


class IssueOutcome(Row):
    issue: str
    before: float
    after: float
    shift: float


class ExchangeRow(Row):
    """One vote trade: each giver moves on one issue toward the other."""

    giver_on_a: str
    issue_a: str
    move_a: float
    giver_on_b: str
    issue_b: str
    move_b: float
    gain_each: float


class LinkRow(Row):
    issue_a: str
    issue_b: str
    exchanges: int
    outcome_shift: float


class Linkage(Row):
    """``panmun actors linkage``: outcomes before and after vote trading, and the trades."""

    at: dt.date
    model: str
    outcomes: list[IssueOutcome]
    exchanges: list[ExchangeRow]
    linkage: list[LinkRow]


COMMANDS = {
    "actors bargain": Bargain,
    "actors roles": Roles,
    "actors issues": list[IssueRow],
    "actors positions": Positions,
    "actors linkage": Linkage,
}
