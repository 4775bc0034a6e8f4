"""The briefing's obstacles section: per flagged period, a short ranked list of factors."""

from __future__ import annotations

import datetime as dt

from panmun.environment.obstacle_factors import obstacles
from panmun.report.section import Section
from panmun.store.db import Store

PERIODS_SHOWN = 8
FACTORS_SHOWN = 3


def obstacles_section(store: Store, at: dt.date) -> Section:
    """The latest flagged periods (newest first), each with its top factors."""
    table = obstacles(store, until=at)
    periods = []
    for (period, period_end, trigger), grp in table.groupby(["period", "period_end", "trigger"], sort=False):
        periods.append({"period": period, "period_end": period_end, "trigger": trigger,
                        "factors": grp.head(FACTORS_SHOWN).to_dict(orient="records")})
    periods = sorted(periods, key=lambda p: p["period"], reverse=True)[:PERIODS_SHOWN]
    return Section("obstacles", "Obstacles: what accounts for the setbacks", "obstacles.html.j2",
                   {"periods": periods, "total": len({p for p in table["period"]})})
