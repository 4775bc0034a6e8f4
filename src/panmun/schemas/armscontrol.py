"""Outputs of ``panmun armscontrol``: measures, clash risk and packages compared."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from panmun.schemas.base import Interval, Row


class MeasureRow(Row):
    """A confidence-building or arms-control measure and its status."""

    id: str
    name: str
    kind: str
    """operational or structural."""
    domains: str
    provision: str | None
    """The agreement provision that holds the measure."""
    zone: str | None
    distance_km: float | None
    activity: str | None
    """What the measure restricts."""
    means: str
    """How it is verified."""
    burden: str
    reversibility: str
    status: str
    score: int | None
    since: dt.date | None
    in_force: bool


class Risk(Row):
    """``panmun armscontrol risk``: yearly risks with a package, median and 90 % interval."""

    package: str
    title: str
    years: int
    """Years per period: the risks are of at least one event within it."""
    runs: int
    """Parameter draws from the calibration's posterior."""
    simulated_years: int
    p_deadly_clash: Interval
    p_escalation: Interval
    """Probability of escalation beyond one deadly clash."""
    incidents_by_domain: dict[str, Interval]
    """Incidents per year in each domain (ground, sea, air, grey-zone)."""


class PackageRow(Row):
    """A package's risks, ranked by the probability of at least one deadly clash."""

    rank: int
    package: str
    years: int
    runs: int
    simulated_years: int
    reduction: float | None
    """Relative reduction of the deadly-clash probability against the package 'none'."""
    p_deadly_clash_median: float
    p_deadly_clash_low: float
    p_deadly_clash_high: float
    p_escalation_median: float
    p_escalation_low: float
    p_escalation_high: float
    incidents_ground: float
    incidents_sea: float
    incidents_air: float
    incidents_grey_zone: float = Field(alias="incidents_grey-zone")


class MarginalRow(Row):
    """The change in P(deadly clash) from adding or removing one measure."""

    measure: str
    action: str
    """add or remove."""
    level: float
    d_p_deadly_median: float
    d_p_deadly_low: float
    d_p_deadly_high: float


class Comparison(Row):
    """``panmun armscontrol compare``: packages ranked, and each measure's marginal effect."""

    packages: list[PackageRow]
    marginal_effects: list[MarginalRow]
    """Empty without --marginal."""


class VerificationRow(Row):
    id: str
    what: str
    """What must be verified."""
    means: str
    burden: str | None
    burden_score: int | None
    why: str | None


class BalanceRow(Row):
    """A sourced open figure of the conventional forces near the border."""

    id: str
    side: str
    quantity: str
    value: float | None
    unit: str | None
    as_of: str | None
    uncertainty: str | None
    source_url: str
    source_title: str | None
    source_date: dt.date | None
    sources: int


COMMANDS = {
    "armscontrol measures": list[MeasureRow],
    "armscontrol risk": Risk,
    "armscontrol compare": Comparison,
    "armscontrol verification": list[VerificationRow],
    "armscontrol balance": list[BalanceRow],
}
