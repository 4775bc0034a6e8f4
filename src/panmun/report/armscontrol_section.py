"""The briefing's arms-control section: the built-in packages of measures compared by the
yearly risk of a deadly clash they leave, with the calibration's uncertainty, and each
measure's marginal effect on today's situation (a chart).

The model is imported when the section is built, so that ``import panmun`` stays quick.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from panmun.report.charts import to_svg
from panmun.report.section import Section
from panmun.store.db import Store

PACKAGES = ("none", "cma-2018", "cma-2018-full", "status-today")
#: Posterior draws and simulated years per draw behind the briefing's comparison.
BRIEFING_RUNS = 300
BRIEFING_SIMS = 1500
BRIEFING_SEED = 0


def armscontrol_section(store: Store, at: dt.date) -> Section:
    """Packages ranked with intervals, the marginal-effects chart, the calibration's caveats."""
    from panmun.armscontrol.calibrate import base_rate_draws, calibrate
    from panmun.armscontrol.charts import comparison_figure
    from panmun.armscontrol.packages import compare, flat_risk, load_package, marginal_table

    calibration = calibrate(store)
    base = base_rate_draws(store, BRIEFING_RUNS, BRIEFING_SEED)
    packages = [load_package(name) for name in PACKAGES]
    rows = compare(packages, base, sims=BRIEFING_SIMS, seed=BRIEFING_SEED)
    ranked = pd.DataFrame([flat_risk(r) for r in rows])
    effects = marginal_table(load_package("status-today"), base)
    title = "Arms control: the risk that an incident becomes a clash"
    return Section("armscontrol", title, "armscontrol.html.j2", {
        "ranked": ranked, "effects": effects, "chart_svg": to_svg(comparison_figure(ranked, effects)),
        "cma_rate_ratio": calibration.cma_rate_ratio, "cma_counts": calibration.cma_counts,
        "exposure": calibration.exposure, "runs": BRIEFING_RUNS, "sims": BRIEFING_SIMS,
    })
