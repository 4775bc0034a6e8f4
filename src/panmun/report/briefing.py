"""Build the briefing's content from the store: numbers, tables and charts, no printing.

The briefing is a list of sections; each capability adds its own section builder to
:data:`SECTIONS` (a function ``(store, at) -> Section``), so the report grows with panmun.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import pandas as pd

from panmun._version import __version__
from panmun.agreements.catalogue import list_agreements
from panmun.agreements.scoring import implementation_series, scorecard
from panmun.dates import as_date
from panmun.environment.events import list_events
from panmun.i18n import Translator, format_date, format_month, format_percent, translator
from panmun.report import charts

# Section builders of the later capabilities (each in a module of its own).
from panmun.report.actors_section import actors_section
from panmun.report.alerts_section import alerts_section
from panmun.report.armscontrol_section import armscontrol_section
from panmun.report.cache import SectionTiming, build_sections
from panmun.report.changes_section import changes_section
from panmun.report.compliance_section import compliance_section
from panmun.report.environment_section import environment_section
from panmun.report.forecast_section import forecast_section
from panmun.report.judgements import Indicator, Judgement, Options, bottom_line, indicators, options
from panmun.report.obstacles_section import obstacles_section
from panmun.report.records import provision_titles_ko
from panmun.report.roadmap_section import roadmap_section
from panmun.report.section import Section
from panmun.report.vectors_section import vectors_section
from panmun.store.db import Store

START = dt.date(2018, 1, 1)
#: The briefing warns when its newest event is more than this many days older than its date.
STALE_DAYS = 30


@dataclass
class Briefing:
    """Everything the briefing shows, as data."""

    at: dt.date
    generated: dt.datetime
    version: str
    summary: list[str]
    sections: list[Section]
    record_through: dt.date | None = None
    """The newest event or implementation change on or before ``at``."""
    newest_event: dt.date | None = None
    judgements: list[Judgement] = field(default_factory=list)
    """The bottom line: one key judgement per seed question and one on the interaction."""
    indicators: list[Indicator] = field(default_factory=list)
    options: Options = field(default_factory=Options)

    stale_limit: int = STALE_DAYS
    lang: str = "en"
    """The language of its sentences (``en`` or ``ko``): :func:`in_language` gives another."""

    def __repr__(self) -> str:
        through = self.record_through.isoformat() if self.record_through else "unknown"
        return (f"Briefing(at {self.at.isoformat()}, {self.lang}, {len(self.sections)} sections, "
                f"{len(self.judgements)} key judgements, record through {through})")

    @property
    def glossary(self) -> list[tuple[str, str]]:
        """The three-vector model's parameter names, as the annexes' charts show them, and
        what each means."""
        from panmun.vectors.parameters import PARAMETERS

        return [(p.name, p.meaning) for p in PARAMETERS]

    @property
    def main(self) -> list[Section]:
        """The sections of the main body (after the bottom line): what changed."""
        return [s for s in self.sections if s.id in MAIN]

    @property
    def annexes(self) -> list[Section]:
        """Every other section, in briefing order: the annexes."""
        return [s for s in self.sections if s.id not in MAIN]

    @property
    def stale_days(self) -> int | None:
        """Days from the newest event to the briefing's date, when more than :data:`STALE_DAYS`."""
        if self.newest_event is None:
            return None
        days = (self.at - self.newest_event).days
        return days if days > STALE_DAYS else None


def _pct(x: float | None, lang: str = "en") -> str:
    return "n/a" if x is None or pd.isna(x) else format_percent(x, lang, space=False)


def _peak(series: pd.DataFrame, key: str, value) -> tuple[float, dt.date | None]:
    grp = series[series[key] == value].dropna(subset=["implementation"])
    if grp.empty:
        return float("nan"), None
    row = grp.loc[grp["implementation"].idxmax()]
    return float(row["implementation"]), row["at"]


def summary_lines(by_vector: pd.DataFrame, card_vector: pd.DataFrame, card_agreement: pd.DataFrame,
                  events: pd.DataFrame, at: dt.date, tr: Translator | None = None) -> list[str]:
    """The one-page summary: plain sentences computed from the scorecards and events, in the
    language of ``tr`` (English by default)."""
    tr = tr or translator("en")
    lang = tr.lang
    day = format_date(at, lang)
    lines = []
    tracked = card_agreement.dropna(subset=["implementation"])
    if not tracked.empty:
        total = tracked["score"].sum() / tracked["max_score"].sum()
        lines.append(tr("Across the {n} agreements with an implementation record, {pct} of the maximum "
                        "implementation score is in force on {date}.",
                        n=len(tracked), pct=_pct(total, lang), date=day))
    for row in card_vector.itertuples():
        peak, when = _peak(by_vector, "vector", row.vector)
        halted = row.suspended + row.reversed
        text = tr("{vector}: {pct} implemented ({n} tracked provisions)",
                  vector=tr.label(row.vector), pct=_pct(row.implementation, lang), n=row.tracked)
        if when is not None and peak > (row.implementation or 0) + 1e-9:
            text += tr(", down from a peak of {pct} at the end of {month}",
                       pct=_pct(peak, lang), month=format_month(when, lang))
        if halted:
            text += tr("; {suspended} suspended and {reversed} reversed",
                       suspended=row.suspended, reversed=row.reversed)
        lines.append(text + ".")
    year_ago = at - dt.timedelta(days=365)
    recent = events[(events["date"] > year_ago) & (events["date"] <= at)]
    before = events[(events["date"] > year_ago - dt.timedelta(days=365)) & (events["date"] <= year_ago)]
    if len(recent):
        lines.append(tr("{n} key events in the twelve months to {date} (mean Goldstein weight {mean}; the "
                        "twelve months before: {n_before} events, mean {mean_before}).",
                        n=len(recent), date=day, mean=f"{recent['goldstein'].mean():+.1f}",
                        n_before=len(before), mean_before=f"{before['goldstein'].mean():+.1f}")
                     if len(before) else
                     tr("{n} key events in the twelve months to {date}.", n=len(recent), date=day))
    return lines


def implementation_section(store: Store, at: dt.date) -> Section:
    by_agreement = implementation_series(store, START, at, by="agreement")
    by_vector = implementation_series(store, START, at, by="vector", track="peace-process")
    return Section("implementation", "Implementation over time", "implementation.html.j2",
                   {"chart": charts.implementation_chart(by_agreement, by_vector),
                    "by_agreement": by_agreement, "by_vector": by_vector})


def scorecard_section(store: Store, at: dt.date) -> Section:
    by_agreement = scorecard(store, at=at, by="agreement").table
    by_vector = scorecard(store, at=at, by="vector").table
    provisions = scorecard(store, at=at, by="provision").table
    names = list_agreements(store).set_index("id")
    by_agreement = by_agreement.assign(
        title=by_agreement["agreement"].map(names["short_title"].fillna(names["title"])),
        title_ko=by_agreement["agreement"].map(names["title_ko"]),
        signed=by_agreement["agreement"].map(names["date"]))
    provisions = provisions.assign(title_ko=provisions["provision"].map(provision_titles_ko(store)))
    halted = provisions[provisions["state"].isin(["suspended", "reversed"])]
    return Section("scorecard", f"Scorecard on {at}", "scorecard.html.j2",
                   {"by_agreement": by_agreement, "by_vector": by_vector, "halted": halted,
                    "provisions": provisions[provisions["state"] != "untracked"]})


def events_section(store: Store, at: dt.date) -> Section:
    events = list_events(store, since=dt.date(2017, 1, 1), until=at)
    chart = charts.events_timeline(events) if len(events) else ""
    return Section("events", "Timeline of key events", "events.html.j2",
                   {"chart": chart, "events": events})


#: Sections of the main body; every other section is an annex.
MAIN = ("changes",)

#: Section builders in briefing order; each capability adds its own. "What changed" is in
#: the main body, after the bottom line; the others are annexes, the alerts first (the
#: template puts them before the implementation summary).
SECTIONS: list[Callable[[Store, dt.date], Section]] = [
    changes_section, alerts_section, implementation_section, scorecard_section, compliance_section,
    environment_section, forecast_section, obstacles_section, vectors_section, armscontrol_section,
    actors_section, roadmap_section, events_section,
]


def build_briefing(store: Store, at: dt.date | str | None = None, *, cache: bool = False,
                   timings: list[SectionTiming] | None = None, lang: str = "en") -> Briefing:
    """Compute every section of the briefing at ``at`` (default today), its sentences in
    ``lang`` (``en`` or ``ko``).

    ``cache=True`` reuses the sections computed before for the same date whose store tables
    are unchanged (:mod:`panmun.report.cache`); the seconds each section took are appended
    to ``timings`` when given. The sections hold no language, so the cache serves both.
    """
    when = as_date(at)
    sections = build_sections(store, when, SECTIONS, cache=cache, timings=timings)
    newest_event, newest_change = store.record_through(when)
    through = max((d for d in (newest_event, newest_change) if d is not None), default=None)
    briefing = Briefing(when, dt.datetime.now().replace(microsecond=0), __version__, [], sections,
                        record_through=through, newest_event=newest_event)
    return in_language(briefing, lang)


def in_language(briefing: Briefing, lang: str) -> Briefing:
    """The same briefing with its sentences (summary, judgements, indicators, options) written
    in ``lang``; the sections are shared, not recomputed."""
    from panmun.i18n.catalogue import LANGS

    if lang not in LANGS:
        raise ValueError(f"the briefing is written in {' or '.join(LANGS)}, not {lang!r}")
    tr = translator(lang)
    data = {s.id: s.data for s in briefing.sections}
    when = briefing.at
    summary = summary_lines(
        data["implementation"]["by_vector"], data["scorecard"]["by_vector"],
        data["scorecard"]["by_agreement"], data["events"]["events"], when, tr)
    return replace(briefing, lang=lang, summary=summary,
                   judgements=bottom_line(data, when, briefing.newest_event, tr),
                   indicators=indicators(data, tr), options=options(data, tr))
