"""The briefing's actors section: where each actor stands on denuclearization now and at the
end of 2018 (the knowledge base's dated, sourced codings), what each bargaining model
predicts on both dates, led by the veto-aware outcome (the North decides over its own
arsenal: :mod:`panmun.actors.veto`), each model's assumptions in plain words, and each
actor's marginal role today (charts).

The actors modules are imported when the section is built, so ``import panmun`` stays quick.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from panmun.report.charts import to_svg
from panmun.report.section import Section
from panmun.store.db import Store

ISSUE = "denuclearization"
THEN = dt.date(2018, 12, 31)
COLUMNS = ["actor", "position", "salience", "capability"]


def actors_section(store: Store, at: dt.date) -> Section:
    """Positions then and now, predicted outcomes, the positions and roles charts."""
    from panmun.actors.charts import positions_figure, roles_figure
    from panmun.actors.positions import issue_table, positions_at
    from panmun.actors.roles import marginal_roles, predict_all
    from panmun.actors.veto import BASE_MODEL, frame_veto_outcome, issue_veto

    then, now = positions_at(ISSUE, THEN), positions_at(ISSUE, at)
    merged = now[["actor", "position", "salience", "date", "source_url"]].merge(
        then[["actor", "position"]].rename(columns={"position": "position_then"}), on="actor", how="left")
    declared = issue_veto(ISSUE)
    rows: list[dict[str, Any]] = []    # as_of (text), veto and each model's outcome (numbers or None)
    vetoes = []
    for d, f in ((THEN, then), (at, now)):
        predicted = predict_all(f[COLUMNS])
        veto = None
        if declared is not None:
            veto = frame_veto_outcome(f[COLUMNS], declared.holders, declared.status_quo, BASE_MODEL,
                                      unconstrained=predicted[BASE_MODEL])
            vetoes.append({"as_of": str(d), **veto.record()})
        rows.append({"as_of": str(d), "veto": veto.outcome if veto else None, **predicted})
    outcomes = pd.DataFrame(rows)
    lines = {k: v for k, v in rows[-1].items() if k != "as_of" and v is not None}   # the veto first
    roles = marginal_roles(now[COLUMNS], "compromise")
    issue = issue_table().set_index("id").loc[ISSUE]
    return Section("actors", "Neighbours and the international community: positions and bargaining",
                   "actors.html.j2", {
                       "issue": ISSUE, "low": issue.get("low", ""), "high": issue.get("high", ""),
                       "then": str(THEN), "at": str(at), "positions": merged, "outcomes": outcomes,
                       "veto": declared, "vetoes": vetoes,
                       "positions_svg": to_svg(positions_figure(now[COLUMNS], lines,
                                                                title=f"{ISSUE} as of {at}")),
                       "roles_svg": to_svg(roles_figure(roles, "compromise")),
                   })
