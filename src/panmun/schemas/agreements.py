"""Outputs of ``panmun agreements``: the catalogue, histories, scorecards and compliance."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from panmun.schemas.base import Row, SourceRef

Status = Literal["not-initiated", "minimal", "intermediate", "full", "suspended", "reversed"]


class AgreementRow(Row):
    """One agreement of the knowledge base."""

    id: str
    """Agreement id, e.g. ``cma-2018``."""
    title: str
    short_title: str | None
    title_ko: str | None
    """The official Korean title, where one was seen in a source."""
    date: dt.date
    """Signature date."""
    parties: list[str]
    """Actor codes of the parties."""
    provisions: int
    """Number of provisions (articles and numbered sub-measures)."""
    tracked: bool
    """True if the agreement has an implementation history."""
    origin: str
    """``kb`` for the built-in knowledge base, ``overlay:<path>`` for an analyst's folder."""


class ProvisionRow(Row):
    """One provision of an agreement."""

    id: str
    """Provision id, ``<agreement-id>/<article>``."""
    article: str
    title: str | None
    title_ko: str | None
    """The opening words of the provision's official Korean text, where one was seen in a
    source (the inter-Korean texts give their articles no headings); null otherwise."""
    vector: str
    """denuclearization, peace-regime, arms-control or exchange."""
    parties: list[str]
    """Who must carry the provision out."""
    confidence: str
    """verified (wording checked against the source) or recalled."""
    summary: str
    note: str | None
    sources: list[SourceRef]


class AgreementDetail(Row):
    """``panmun agreements show``: one agreement and its provisions."""

    id: str
    title: str
    short_title: str | None
    title_ko: str | None
    date: dt.date
    place: str | None
    parties: list[str]
    signatories: list[str]
    summary: str
    sources: list[SourceRef]
    note: str | None
    origin: str
    provisions: list[ProvisionRow]


class HistoryRow(Row):
    """A dated status change of one provision."""

    change_id: int
    date: dt.date
    score: int | None
    """0 not initiated .. 3 full; null when the change is a state."""
    status: Status
    state: str | None
    """suspended or reversed, when the change is one."""
    note: str | None
    source_url: str | None
    source_date: dt.date | None
    origin: str
    """``kb``, an overlay, or ``analyst`` for a recorded update."""
    recorded_by: str | None
    recorded_at: dt.datetime | None


class TimelineRow(Row):
    """``--events``: a status change or a linked event, in date order."""

    date: dt.date
    kind: str
    """status (a status change) or confirms / violates (a linked event)."""
    status: str | None
    text: str | None
    event_id: str | None
    rule: str | None
    """The compliance rule that links the event."""
    actors: str | None
    source_url: str | None
    origin: str | None
    history_date: dt.date | None


class ScoreRow(Row):
    """Implementation of an agreement or a vector at the date asked."""

    provisions: int
    tracked: int
    """Provisions with an implementation history."""
    score: int
    """Sum of the tracked provisions' scores (suspended and reversed count 0)."""
    max_score: int
    """3 per tracked provision."""
    implementation: float | None
    """score / max_score (null when nothing is tracked)."""
    full: int
    """Provisions fully implemented."""
    suspended: int
    reversed: int
    suspended_or_reversed: list[str]
    """Ids of the provisions suspended or reversed."""


class AgreementScore(ScoreRow):
    agreement: str
    track: str
    """peace-process (the DPRK a party) or alliance (the ROK-US alliance and deterrence)."""


class VectorScore(ScoreRow):
    vector: str
    track: str
    """The track the row counts: peace-process (the default of ``--by vector``: the
    implementation index), alliance, or all (``--track all``, when the vector has both)."""


class ProvisionScore(Row):
    """One provision's status at the date asked."""

    provision: str
    agreement: str
    article: str
    title: str | None
    vector: str
    score: int | None
    state: str
    """A status word, or ``untracked``."""
    since: dt.date | None
    """Date of the change that set the status."""
    track: str
    """The agreement's track: peace-process or alliance."""


class LinkedEvent(Row):
    """An event (or a status move) counted as evidence."""

    id: str
    date: dt.date
    summary: str | None
    source_url: str | None
    basis: str
    """rule (an event a compliance rule links) or history (a recorded status move)."""
    rule: str | None


class ComplianceRow(Row):
    """Evidence about one provision in one period."""

    agreement: str
    provision: str
    title: str | None
    vector: str
    period: str
    period_start: dt.date
    status_end: str
    """The provision's status at the end of the period."""
    confirming: int
    violating: int
    confirming_events: list[LinkedEvent]
    violating_events: list[LinkedEvent]


class ComplianceDetail(Row):
    """``--detail``: one event (or status move) and the provision it bears on."""

    date: dt.date
    agreement: str
    provision: str
    relation: str
    """confirms or violates."""
    basis: str
    rule: str | None
    event_id: str
    actor1: str | None
    actor2: str | None
    type: str | None
    summary: str | None
    source_url: str | None
    source: str
    """The dataset of the event (kb, gdelt2, ...)."""
    status_before: str
    history_date: dt.date | None


class StatusRecorded(Row):
    """``panmun agreements set-status``: the update recorded."""

    recorded: bool
    provision: str
    change_id: int
    date: dt.date
    score: int | None
    state: str | None


class StatusUndone(Row):
    """``panmun agreements set-status --undo``: the update removed."""

    undone: bool
    provision: str
    change_id: int
    date: dt.date
    score: int | None
    state: str | None
    note: str | None
    source: str | None
    """URL of the evidence the removed update cited."""


COMMANDS = {
    "agreements list": list[AgreementRow],
    "agreements show": AgreementDetail,
    "agreements history": list[HistoryRow] | list[TimelineRow],
    "agreements scorecard": list[AgreementScore] | list[VectorScore] | list[ProvisionScore],
    "agreements compliance": list[ComplianceRow] | list[ComplianceDetail],
    "agreements set-status": StatusRecorded | StatusUndone,
}
