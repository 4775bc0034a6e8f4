"""Outputs of ``panmun events`` and ``panmun environment``: events, indices, change points,
alerts and obstacles."""

from __future__ import annotations

import datetime as dt

from panmun.schemas.base import Row


class EventRow(Row):
    """A key event, with its CAMEO, Goldstein and PLOVER codes."""

    id: str
    date: dt.date
    end_date: dt.date | None
    actor1: str
    """Who acts (actor code)."""
    actor2: str | None
    """Toward whom (actor code)."""
    type: str
    """Event type, e.g. missile-launch, summit."""
    cameo: str | None
    goldstein: float | None
    """Goldstein conflict-cooperation weight, -10 .. +10."""
    plover: str | None
    summary: str | None
    source_url: str | None
    source_date: dt.date | None
    origin: str


class IndexRow(Row):
    """Conflict-cooperation index of one dyad in one period, from one event source."""

    source: str
    """The event dataset (kb, gdelt2, ...)."""
    dyad: str
    period: dt.date
    """First day of the period."""
    period_end: dt.date
    n_events: int
    q1: int
    """Verbal cooperation (CAMEO quad class 1)."""
    q2: int
    """Material cooperation."""
    q3: int
    """Verbal conflict."""
    q4: int
    """Material conflict."""
    total: float
    """Events counted (or summed mentions with --weight mentions)."""
    goldstein_sum: float | None
    goldstein_mean: float | None
    goldstein_lo: float | None
    """Lower end of the bootstrap interval of the mean Goldstein weight."""
    goldstein_hi: float | None
    net_coop: float | None
    """(cooperative - conflictual) / all, in [-1, 1]."""
    net_coop_lo: float | None
    net_coop_hi: float | None
    volume: float | None
    """GDELT only: all events of the period in the dataset, the denominator of ``share``."""
    share: float | None
    coop_share: float | None
    conflict_share: float | None
    a_to_b: str | None = None
    """The dyad's first direction, e.g. ``KOR→PRK`` (absent with ``--directed``)."""
    b_to_a: str | None = None
    """The reverse direction, e.g. ``PRK→KOR``."""
    a_to_b_n_events: int | None = None
    """Events from the dyad's first actor to its second in the period."""
    a_to_b_net_coop: float | None = None
    """Net cooperation of those events (null when there are none)."""
    a_to_b_net_coop_lo: float | None = None
    a_to_b_net_coop_hi: float | None = None
    a_to_b_goldstein_mean: float | None = None
    b_to_a_n_events: int | None = None
    """Events from the dyad's second actor to its first."""
    b_to_a_net_coop: float | None = None
    b_to_a_net_coop_lo: float | None = None
    b_to_a_net_coop_hi: float | None = None
    b_to_a_goldstein_mean: float | None = None
    mutual_net_coop: float | None = None
    """The cooperation both sides show: the smaller of the two directions' net cooperation,
    a direction without events counting 0 (null when neither acted)."""
    mutual_goldstein: float | None = None
    """The smaller of the two directions' mean Goldstein weights, same convention."""
    reciprocity: float | None = None
    """1 - |a_to_b - b_to_a| / 2 on net cooperation (a silent side counting 0): 1 when both
    sides act alike, 0.5 when one cooperates and the other does nothing, 0 when opposite."""


class NearEvent(Row):
    """A knowledge-base event near a change point."""

    id: str
    date: dt.date
    days: int
    """Days from the change point (negative: before it)."""
    actors: str
    type: str
    goldstein: float | None
    in_dyad: bool
    summary: str | None
    source_url: str | None


class ChangePointRow(Row):
    """A change point of a dyad's series."""

    source: str
    dyad: str
    date: dt.date
    position: int
    """Index of the first period after the change."""
    signal: str
    before: float | None
    after: float | None
    shift: float | None
    coop_before: float | None
    coop_after: float | None
    conflict_before: float | None
    conflict_after: float | None
    strength: float | None
    n_before: int
    n_after: int
    nearest: str
    """The nearest key events, as text."""
    events: list[NearEvent]


class AlertRow(Row):
    """An alert: a change point, an index threshold, a forecast jump or a new violation."""

    date: dt.date
    kind: str
    subject: str
    message: str
    value: float | None
    threshold: float | None
    events: list[str]
    """Ids of the events behind the alert."""
    sources: list[str]
    """URLs of their sources."""


class ObstacleRow(Row):
    """A ranked factor of a period in which cooperation fell or implementation went back."""

    period: dt.date
    period_end: dt.date
    trigger: str
    """Why the period is flagged."""
    rank: int
    kind: str
    """actor, category, implementation or external."""
    factor: str
    score: float
    events: list[str]
    sources: list[str]


COMMANDS = {
    "events list": list[EventRow],
    "environment index": list[IndexRow],
    "environment changepoints": list[ChangePointRow],
    "environment alerts": list[AlertRow],
    "environment obstacles": list[ObstacleRow],
}
