"""Output of ``panmun kb status``: how complete and current the knowledge base is."""

from __future__ import annotations

import datetime as dt

from panmun.schemas.base import Row


class TypeStatus(Row):
    """One record type: how many, the date range, and its sources by publisher kind."""

    type: str
    records: int
    first: dt.date | None
    """The earliest dated record (null for undated types)."""
    last: dt.date | None
    sources: int
    """Sources cited by these records."""
    share_official_text: float | None
    share_official_statement: float | None
    share_news: float | None
    share_research: float | None
    share_other: float | None
    """Share of sources of kind other (blogs, mirrors, aggregators): cited beside a better one only."""
    share_unregistered: float | None
    recalled: int | None
    """Provisions only: those whose wording was not checked against a source."""


class AgreementStatus(Row):
    """One agreement: its provisions and its implementation record."""

    agreement: str
    date: dt.date
    provisions: int
    changes: int
    """Implementation records (dated status changes) of its provisions."""
    first_change: dt.date | None
    last_change: dt.date | None
    recalled: int


class KbStatus(Row):
    """``panmun kb status``."""

    root: str
    record_through: dt.date | None
    """The newest event or implementation change."""
    latest_event: dt.date | None
    latest_change: dt.date | None
    tracked_agreements: int
    """Agreements with at least one implementation record."""
    types: list[TypeStatus]
    agreements: list[AgreementStatus]


COMMANDS = {"kb status": KbStatus}
