"""The briefing's "What changed": the record since the last briefing (or the last 90 days).

* **Implementation changes**: every status change dated in the window, with its agreement,
  provision, new state or score and source.
* **Notable events**: the events of the window with a Goldstein weight of magnitude
  :data:`NOTABLE` or more (the sharpest co-operation and conflict), newest first.
* **Per dyad, a verdict** in the manner of Crisis Group's CrisisWatch — deteriorated,
  improved or unchanged — from the mean Goldstein weight of the dyad's events in the window
  against the same length of time before it. Rule: deteriorated when the mean fell by
  :data:`SHIFT` or more, improved when it rose by as much, unchanged otherwise; a dyad with no
  event in either period is "no events"; with events in only one of them, the verdict
  compares against 0 (neither co-operation nor conflict). The reason names both means and
  counts; the sources are the events' own.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from panmun.environment.dyads import DYADS
from panmun.environment.events import list_events
from panmun.report.alerts_section import DEFAULT_LOOKBACK, last_briefing_date
from panmun.report.records import agreement_titles_ko, provision_titles_ko
from panmun.report.section import Section
from panmun.store.db import Store

#: Goldstein magnitude of a notable event (the scale runs from -10 to +10).
NOTABLE = 5.0
#: Change of a dyad's mean Goldstein weight that makes a verdict.
SHIFT = 1.0
#: Notable events shown.
SHOWN = 8


def dyad_verdicts(
    events: pd.DataFrame, since: dt.date, at: dt.date, names: dict[str, str] | None = None
) -> pd.DataFrame:
    """One row per dyad: its name (the actors' names from ``names``, else their codes),
    verdict, reason, the two means and counts, up to two sources."""
    names = names or {}
    length = at - since
    before_start = since - length
    rows: list[dict[str, object]] = []
    for dyad in DYADS:
        a, b = events["actor1"], events["actor2"]
        mine = events[((a == dyad.a) & (b == dyad.b)) | ((a == dyad.b) & (b == dyad.a))]
        now = mine[(mine["date"] >= since) & (mine["date"] <= at)]
        then = mine[(mine["date"] >= before_start) & (mine["date"] < since)]
        if not len(now) and not len(then):
            rows.append(
                {
                    "dyad": dyad.name,
                    "name": _pair_name(dyad, names),
                    "verdict": "no events",
                    "reason": "no event in either period",
                    "mean_now": None,
                    "n_now": 0,
                    "mean_before": None,
                    "n_before": 0,
                    "sources": [],
                }
            )
            continue
        m_now = float(now["goldstein"].mean()) if len(now) else 0.0
        m_then = float(then["goldstein"].mean()) if len(then) else 0.0
        change = m_now - m_then
        verdict = "deteriorated" if change <= -SHIFT else "improved" if change >= SHIFT else "unchanged"
        reason = (
            f"mean Goldstein weight {m_now:+.1f} over {len(now)} events, against {m_then:+.1f} over "
            f"{len(then)} in the {length.days} days before"
        )
        sources = [u for u in now.sort_values("date", ascending=False)["source_url"].dropna().tolist()[:2]]
        rows.append(
            {
                "dyad": dyad.name,
                "name": _pair_name(dyad, names),
                "verdict": verdict,
                "reason": reason,
                "mean_now": m_now if len(now) else None,
                "n_now": len(now),
                "mean_before": m_then if len(then) else None,
                "n_before": len(then),
                "sources": sources,
            }
        )
    return pd.DataFrame(rows)


#: Short names of the actors the dyads join (the store's names are the official, long ones).
SHORT_NAMES = {
    "KOR": "South Korea",
    "PRK": "North Korea",
    "USA": "United States",
    "CHN": "China",
    "JPN": "Japan",
    "RUS": "Russia",
}


def _pair_name(dyad, names: dict[str, str]) -> str:
    return f"{names.get(dyad.a, dyad.a)} – {names.get(dyad.b, dyad.b)}"


def changes_section(store: Store, at: dt.date) -> Section:
    """Implementation changes, notable events and dyad verdicts since the last briefing."""
    last = last_briefing_date(store, at)
    since = last + dt.timedelta(days=1) if last else at - DEFAULT_LOOKBACK
    changes = store.query(
        """SELECT c.date, p.agreement_id AS agreement, c.provision_id AS provision,
                  coalesce(a.short_title, a.title) AS agreement_title, p.title AS provision_title,
                  c.score, c.state, c.note, c.source_url
           FROM status_changes c JOIN provisions p ON p.id = c.provision_id
                JOIN agreements a ON a.id = p.agreement_id
           WHERE c.date BETWEEN ? AND ? ORDER BY c.date DESC, c.id DESC""",
        [since, at],
    )
    changes = changes.assign(agreement_title_ko=changes["agreement"].map(agreement_titles_ko(store)),
                             provision_title_ko=changes["provision"].map(provision_titles_ko(store)))
    events = list_events(store, since=since - (at - since), until=at)
    window = events[(events["date"] >= since) & (events["date"] <= at)]
    notable = (
        window[window["goldstein"].abs() >= NOTABLE].sort_values("date", ascending=False)
        if len(window)
        else window
    )
    return Section(
        "changes",
        f"What changed since {since}",
        "changes.html.j2",
        {
            "since": since,
            "after_briefing": last is not None,
            "changes": changes,
            "notable": notable.head(SHOWN),
            "notable_total": len(notable),
            "events_total": len(window),
            "dyads": dyad_verdicts(events, since, at, SHORT_NAMES),
            "notable_threshold": NOTABLE,
            "shift": SHIFT,
        },
    )
