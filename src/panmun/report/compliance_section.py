"""The briefing's compliance section: evidence for and against each agreement, by year,
beside its implementation score, and the latest violations with their sources.

Counts are of distinct pieces of evidence (events linked by the knowledge base's rules,
and moves of the implementation history that no linked event already accounts for; see
:mod:`panmun.agreements.evidence`). An agreement's yearly count takes each piece once,
however many of its provisions it bears on.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from panmun.agreements.catalogue import list_agreements
from panmun.agreements.evidence import compliance
from panmun.agreements.scoring import implementation_series, scorecard
from panmun.report.charts import to_svg
from panmun.store.db import Store

if TYPE_CHECKING:
    from matplotlib.container import BarContainer
    from matplotlib.lines import Line2D

START = dt.date(2018, 1, 1)
RECENT = 12
CONFIRM_COLOUR, VIOLATE_COLOUR, SCORE_COLOUR = "#1a7f37", "#b00020", "#0b5394"


def pieces(detail: pd.DataFrame) -> pd.Series:
    """The piece of evidence each detail row belongs to: the event for a rule-linked row;
    for a history row the record itself (date, source and note), since one record may name
    many provisions."""
    history = detail["basis"] == "history"
    record = (detail["date"].astype(str) + " " + detail["source_url"].fillna("") + " "
              + detail["summary"].fillna(""))
    return detail["event_id"].where(~history, record)


def yearly_counts(detail: pd.DataFrame) -> pd.DataFrame:
    """Distinct pieces of evidence per agreement, year and relation: columns agreement, year,
    confirming, violating."""
    if detail.empty:
        return pd.DataFrame(columns=["agreement", "year", "confirming", "violating"])
    d = detail.assign(year=pd.to_datetime(detail["date"]).dt.year, piece=pieces(detail))
    counts = (d.drop_duplicates(["agreement", "year", "relation", "piece"])
              .groupby(["agreement", "year", "relation"]).size()
              .unstack("relation", fill_value=0)
              .reindex(columns=["confirms", "violates"], fill_value=0)
              .rename(columns={"confirms": "confirming", "violates": "violating"}))
    return counts.reset_index()


def compliance_chart(yearly: pd.DataFrame, series: pd.DataFrame, agreements: list[str],
                     titles: dict[str, str], years: list[int]) -> str:
    """One panel per agreement: confirming (up) and violating (down) evidence per year as
    bars, and the agreement's implementation (% of its maximum score, monthly) as a line."""
    fig = Figure(figsize=(9, 1.9 * len(agreements) + 0.6))
    axes = np.atleast_1d(fig.subplots(len(agreements), 1, sharex=True))
    top = max(1, int(yearly[["confirming", "violating"]].to_numpy().max())) if len(yearly) else 1
    handles: list[BarContainer | Line2D] = []
    for ax, agreement in zip(axes, agreements, strict=True):
        grp = (yearly.loc[yearly["agreement"] == agreement, ["year", "confirming", "violating"]]
               .set_index("year").reindex(years, fill_value=0))
        x = pd.to_datetime([f"{y}-07-01" for y in years])
        up = ax.bar(x, grp["confirming"], width=250, color=CONFIRM_COLOUR)
        down = ax.bar(x, -grp["violating"], width=250, color=VIOLATE_COLOUR)
        for xi, c, v in zip(x, grp["confirming"], grp["violating"], strict=True):
            if c:
                ax.text(xi, c, str(c), ha="center", va="bottom", fontsize=7, color=CONFIRM_COLOUR)
            if v:
                ax.text(xi, -v, str(v), ha="center", va="top", fontsize=7, color=VIOLATE_COLOUR)
        ax.axhline(0, color="#888888", lw=0.6)
        ax.set_ylim(-top * 1.35, top * 1.35)
        ax.set_ylabel("evidence", fontsize=8)
        ax.tick_params(labelsize=7.5)
        ax.spines[["top"]].set_visible(False)
        ax.set_title(titles.get(agreement, agreement), loc="left", fontsize=9)
        line = series[series["agreement"] == agreement].dropna(subset=["implementation"])
        twin = ax.twinx()
        (score,) = twin.plot(pd.to_datetime(line["at"]), line["implementation"] * 100,
                             color=SCORE_COLOUR, lw=1.6)
        handles = handles or [up, down, score]
        twin.set_ylim(0, 100)
        twin.set_ylabel("implemented %", fontsize=8, color=SCORE_COLOUR)
        twin.tick_params(labelsize=7.5, colors=SCORE_COLOUR)
        twin.spines[["top"]].set_visible(False)
    # matplotlib takes bar containers as legend handles; its types declare Artists only
    fig.legend(handles,  # type: ignore[call-overload]
               ["confirming evidence", "violating evidence", "implementation (% of maximum)"],
               loc="upper right", ncol=3, fontsize=8, frameon=False)
    fig.subplots_adjust(hspace=0.45, top=1 - 0.45 / fig.get_figheight())
    return to_svg(fig)


def recent_violations(detail: pd.DataFrame, n: int = RECENT) -> pd.DataFrame:
    """The ``n`` latest violating pieces of evidence (see :func:`pieces`), one row each with
    the provisions it bears on: date, event_id (the first), basis, provisions, summary,
    source_url."""
    v = detail[detail["relation"] == "violates"]
    if v.empty:
        return pd.DataFrame(columns=["date", "event_id", "basis", "provisions", "summary", "source_url"])
    v = v.assign(piece=pieces(v))
    grouped = (v.groupby(["date", "piece", "basis", "summary", "source_url"], dropna=False)
               .agg(event_id=("event_id", "first"), provisions=("provision", list)).reset_index())
    grouped = grouped.sort_values(["date", "basis", "event_id"], ascending=[False, False, True])
    return grouped.head(n).drop(columns="piece").reset_index(drop=True)


def _korean_titles(names: pd.DataFrame, titles: dict[str, str]) -> dict[str, str]:
    """The chart's agreement titles -> the agreements' Korean titles, where the store has them."""
    if "title_ko" not in names:
        return {}
    return {titles[a]: str(names.loc[a, "title_ko"]) for a in names.index
            if a in titles and isinstance(names.loc[a, "title_ko"], str) and names.loc[a, "title_ko"].strip()}


def compliance_section(store: Store, at: dt.date):
    """The compliance section of the briefing at ``at``."""
    from panmun.report.section import Section

    result = compliance(store, until=at, freq="year")
    detail = result.detail
    names = list_agreements(store).set_index("id")
    series = implementation_series(store, START, at, by="agreement")
    card = scorecard(store, at=at, by="agreement").table.set_index("agreement")
    tracked = [a for a in card.index if not pd.isna(card.loc[a, "implementation"])]
    titles = {a: names.loc[a, "short_title"] or names.loc[a, "title"] for a in names.index}
    years = list(range(START.year, at.year + 1))
    yearly = yearly_counts(detail)
    shown = [a for a in tracked if a in set(yearly["agreement"])]
    chart = compliance_chart(yearly, series, shown, titles, years) if shown else ""

    cells = yearly.assign(cell=[f"+{c} / −{v}" if c or v else "" for c, v in
                                zip(yearly["confirming"], yearly["violating"], strict=True)])
    grid = cells.pivot(index="agreement", columns="year", values="cell").reindex(columns=years)
    by_agreement = pd.DataFrame({
        "agreement": shown,
        "title": [titles[a] for a in shown],
        "title_ko": [names.loc[a, "title_ko"] if "title_ko" in names else None for a in shown],
        "implementation": [card.loc[a, "implementation"] for a in shown],
        "confirming": [int(yearly.loc[yearly["agreement"] == a, "confirming"].sum()) for a in shown],
        "violating": [int(yearly.loc[yearly["agreement"] == a, "violating"].sum()) for a in shown],
        "years": [[("" if pd.isna(c) else c) for c in grid.loc[a]] for a in shown],
    })
    provisions = scorecard(store, at=at, by="provision").table.set_index("provision")
    per_provision = (detail.groupby(["agreement", "provision", "relation"]).size()
                     .unstack("relation", fill_value=0)
                     .reindex(columns=["confirms", "violates"], fill_value=0).reset_index())
    last = (detail[detail["relation"] == "violates"].sort_values("date")
            .groupby("provision").tail(1).set_index("provision"))
    per_provision = per_provision.assign(
        title=per_provision["provision"].map(provisions["title"]),
        state=per_provision["provision"].map(provisions["state"]),
        last_violation=per_provision["provision"].map(last["date"]),
        last_violation_id=per_provision["provision"].map(last["event_id"]))
    order = {a: i for i, a in enumerate(names.sort_values("date").index)}
    ordinal = store.query("SELECT id, ordinal FROM provisions").set_index("id")["ordinal"]
    per_provision = per_provision.assign(
        _a=per_provision["agreement"].map(order), _o=per_provision["provision"].map(ordinal),
    ).sort_values(["_a", "_o"]).drop(columns=["_a", "_o"])
    return Section("compliance", f"Compliance to {at}: evidence for and against the agreements",
                   "compliance.html.j2",
                   {"chart": chart, "years": years, "by_agreement": by_agreement,
                    "by_provision": per_provision.reset_index(drop=True),
                    "recent": recent_violations(detail), "rules": result.rules,
                    "chart_names": _korean_titles(names, titles),
                    "pieces": int(pieces(detail).nunique())})
