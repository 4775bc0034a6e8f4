"""The briefing's three-vector section: the five built-in scenarios run as ensembles and
compared (a fan chart per vector, a comparison table), and the sensitivity of D and P at
ten years to the model's parameters (a chart).

The model is imported when the section is built, so that ``import panmun`` stays quick.
"""

from __future__ import annotations

import datetime as dt

from panmun.report.charts import to_svg
from panmun.report.section import Section
from panmun.store.db import Store

#: Ensemble runs per scenario, horizon and seed of the briefing (the CLI can run more).
BRIEFING_RUNS = 1000
BRIEFING_HORIZON = 120
BRIEFING_SEED = 0
#: Morris trajectories behind the briefing's sensitivity chart (quick; the CLI can run Sobol).
BRIEFING_MORRIS = 20


def vectors_section(store: Store, at: dt.date) -> Section:
    """Scenario fan charts, comparison table and sensitivity chart."""
    from panmun.vectors.charts import fan_chart, sensitivity_figure
    from panmun.vectors.model import DRIVER_NAMES
    from panmun.vectors.runs import bands, compare_bands, paired_differences, run_ensemble
    from panmun.vectors.scenarios import BUILTIN, load_scenario
    from panmun.vectors.sensitivity import sensitivity

    scenarios = [load_scenario(name) for name in BUILTIN]
    tables = {sc.name: bands(sc, run_ensemble(sc, BRIEFING_RUNS, BRIEFING_HORIZON, BRIEFING_SEED))
              for sc in scenarios}
    marks = (12, 60)
    comparison = compare_bands(tables, marks).merge(
        paired_differences(scenarios, BRIEFING_RUNS, BRIEFING_HORIZON, BRIEFING_SEED, marks),
        on=["stock", "month", "scenario"])
    comparison = comparison[comparison["stock"] != "trust"]
    base = scenarios[0]
    indices = sensitivity(base.setup(BRIEFING_HORIZON), method="morris", n=BRIEFING_MORRIS,
                          seed=BRIEFING_SEED, drivers=DRIVER_NAMES, params=base.parameters)
    title = "Denuclearization, peace regime and arms control: scenarios"
    return Section("vectors", title, "vectors.html.j2", {
        "scenarios": [{"name": sc.name, "title": sc.title, "description": sc.description}
                      for sc in scenarios],
        "start": base.start, "runs": BRIEFING_RUNS, "horizon": BRIEFING_HORIZON, "seed": BRIEFING_SEED,
        "fan_svg": to_svg(fan_chart(tables)),
        "comparison": _wide(comparison, [sc.name for sc in scenarios]),
        "sensitivity_svg": to_svg(sensitivity_figure(indices, "morris")),
        "morris": BRIEFING_MORRIS,
    })


def _wide(comparison, names: list[str]) -> list[dict]:
    """One row per vector and month, one cell per scenario (for a compact printed table)."""
    rows = []
    for (stock, month), part in comparison.groupby(["stock", "month"], sort=False):
        cells = part.set_index("scenario")
        rows.append({"stock": stock.replace("_", " "), "month": int(month),
                     "cells": [cells.loc[name].to_dict() for name in names]})
    return rows
