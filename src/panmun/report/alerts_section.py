"""The briefing's opening section: the alerts since the last briefing."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from panmun.environment.alerting import alerts
from panmun.report.section import Section
from panmun.store.db import Store

DEFAULT_LOOKBACK = dt.timedelta(days=90)
SHOWN = 25


def last_briefing_date(store: Store, before: dt.date) -> dt.date | None:
    """The state date of the last briefing written for a date before ``before``, if any."""
    rows = store.query("SELECT max(state_at) AS at FROM briefings WHERE state_at < ?", [before])
    value = rows["at"].iloc[0]
    return None if pd.isna(value) else pd.Timestamp(value).date()


def alerts_section(store: Store, at: dt.date) -> Section:
    """Alerts from the last briefing's date (or 90 days back) to ``at``, newest first."""
    last = last_briefing_date(store, at)
    since = last + dt.timedelta(days=1) if last else at - DEFAULT_LOOKBACK
    table = alerts(store, since=since, until=at)
    last_event = store.query("SELECT max(date) AS d FROM events WHERE date <= ?", [at])["d"].iloc[0]
    last_event = None if pd.isna(last_event) else pd.Timestamp(last_event).date()
    return Section("alerts", f"Alerts since {since}", "alerts.html.j2",
                   {"alerts": table.head(SHOWN), "total": len(table), "since": since,
                    "after_briefing": last is not None, "last_event": last_event,
                    "counts": table["kind"].value_counts().to_dict()})


def record_briefing(store: Store, at: dt.date, html: str | None, pdf: str | None, who: str) -> None:
    """Note that a briefing for ``at`` was written, so the next one starts its alerts after it."""
    with store.transaction() as con:
        con.execute("INSERT INTO briefings (made_at, state_at, html, pdf, who) VALUES (now(), ?, ?, ?, ?)",
                    [at, html, pdf, who])
