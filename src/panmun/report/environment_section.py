"""The briefing's environment section: conflict–cooperation indices per dyad and their change points."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from panmun.environment.changepoints import changepoints
from panmun.environment.dyads import DYADS
from panmun.environment.indices import index, source_coverage
from panmun.report.environment_charts import dyad_index_chart
from panmun.report.section import Section
from panmun.store.db import Store

#: First date shown (the knowledge base's events begin in 2017).
START = dt.date(2017, 1, 1)
#: Source drawn: the knowledge base's key events, which every install has.
SOURCE = "kb"
#: A dyad is drawn when it has at least this many events in the window; the rest are listed.
MIN_EVENTS = 10
N_BOOT, SEED = 1000, 0


def environment_section(store: Store, at: dt.date) -> Section:
    """Indices per dyad (quarterly mean Goldstein with a 90% bootstrap band, monthly counts),
    change points of the monthly counts with their nearest key events, and the dyads with
    too few events to draw."""
    title = "Security environment: conflict–cooperation by dyad"
    data = {"source": SOURCE, "start": START, "min_events": MIN_EVENTS, "chart": "",
            "changepoints": pd.DataFrame(), "counts": pd.DataFrame(), "drawn": [], "n_boot": N_BOOT}
    if SOURCE not in set(source_coverage(store)["source"]) or at < START:
        return Section("environment", title, "environment.html.j2", data)
    monthly = index(store, freq="month", since=START, until=at, sources=[SOURCE], n_boot=0)
    quarterly = index(store, freq="quarter", since=START, until=at, sources=[SOURCE],
                      n_boot=N_BOOT, seed=SEED)
    cps = changepoints(monthly, store)
    counts = (monthly.groupby("dyad", sort=False)
              .agg(events=("n_events", "sum"), cooperative=("q1", "sum"), coop2=("q2", "sum"),
                   verbal_conflict=("q3", "sum"), material_conflict=("q4", "sum"),
                   goldstein_sum=("goldstein_sum", "sum"))
              .reindex([d.name for d in DYADS]).reset_index())
    counts["cooperative"] = counts.pop("cooperative") + counts.pop("coop2")
    counts["conflictual"] = counts.pop("verbal_conflict") + counts.pop("material_conflict")
    counts["goldstein_mean"] = counts.pop("goldstein_sum") / counts["events"].where(counts["events"] > 0)
    counts["changepoints"] = counts["dyad"].map(cps["dyad"].value_counts()).fillna(0).astype(int)
    drawn = [d for d, n in zip(counts["dyad"], counts["events"], strict=True) if n >= MIN_EVENTS]
    counts["drawn"] = counts["dyad"].isin(drawn)
    end = min(at, pd.to_datetime(monthly["period_end"]).max().date())
    chart = dyad_index_chart(quarterly, monthly, cps, drawn, START, end) if drawn else ""
    data.update(chart=chart, changepoints=cps, counts=counts, drawn=drawn,
                series=pd.DataFrame(cps.attrs["series"]))
    return Section("environment", title, "environment.html.j2", data)
