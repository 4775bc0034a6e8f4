"""The briefing's three-vector section: what the record says about the vectors' interactions
(the leave-one-cycle-out verdicts), each cycle's hindcast against carry-forward, the five
built-in scenarios run as ensembles whose runs draw their parameters from the posterior on
the record (a fan chart per vector, a comparison table), the two most informative driver
maps (as heat-map tables), and the sensitivity of D and P at ten years (a chart).

The section reads the record from the store (the posterior, the validation and the maps
depend on it), so the briefing cache recomputes it when the knowledge base changes; the
posterior and the leave-one-cycle-out fits are also kept in the vectors cache
(:mod:`panmun.vectors.posterior`), so a new briefing on the same record does not sample
again. The model is imported when the section is built, so that ``import panmun`` stays quick.
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
#: Posterior draws per cell of a driver map, and the map's grid
MAP_DRAWS = 100
MAP_LEVELS = (0.0, 0.25, 0.5, 0.75, 1.0)


def vectors_section(store: Store, at: dt.date) -> Section:
    """Interactions verdict, hindcasts, scenario fan charts and comparison, maps, sensitivity."""
    from panmun.vectors.charts import fan_chart, sensitivity_figure
    from panmun.vectors.maps import CANDIDATES, driver_map, informativeness
    from panmun.vectors.model import DRIVER_NAMES
    from panmun.vectors.posterior import record_posterior
    from panmun.vectors.records import record_interactions, record_validation
    from panmun.vectors.runs import (
        bands,
        compare_bands,
        paired_differences,
        posterior_parameters,
        run_ensemble,
    )
    from panmun.vectors.scenarios import BUILTIN, load_scenario
    from panmun.vectors.sensitivity import sensitivity

    post, _ = record_posterior(store)
    diag = post.diagnostics()
    draws = posterior_parameters(post, BRIEFING_RUNS, BRIEFING_SEED)
    scenarios = [load_scenario(name) for name in BUILTIN]
    tables = {sc.name: bands(sc, run_ensemble(sc, BRIEFING_RUNS, BRIEFING_HORIZON, BRIEFING_SEED,
                                              params=draws))
              for sc in scenarios}
    marks = (12, 60)
    comparison = compare_bands(tables, marks).merge(
        paired_differences(scenarios, BRIEFING_RUNS, BRIEFING_HORIZON, BRIEFING_SEED, marks, draws),
        on=["stock", "month", "scenario"])
    comparison = comparison[comparison["stock"] != "trust"]
    base = scenarios[0]
    indices = sensitivity(base.setup(BRIEFING_HORIZON), method="morris", n=BRIEFING_MORRIS,
                          seed=BRIEFING_SEED, drivers=DRIVER_NAMES, params=base.parameters)
    interactions = record_interactions(store)
    validation, _ = record_validation(store)
    map_draws = posterior_parameters(post, MAP_DRAWS, BRIEFING_SEED)
    maps = [driver_map(base, map_draws, x, y, levels=MAP_LEVELS, draws=MAP_DRAWS) for x, y in CANDIDATES]
    maps = sorted(maps, key=informativeness, reverse=True)[:2]
    title = "Denuclearization, peace regime and arms control: what the record says, and scenarios"
    return Section("vectors", title, "vectors.html.j2", {
        "scenarios": [{"name": sc.name, "title": sc.title, "description": sc.description}
                      for sc in scenarios],
        "start": base.start, "runs": BRIEFING_RUNS, "horizon": BRIEFING_HORIZON, "seed": BRIEFING_SEED,
        "fan_svg": to_svg(fan_chart(tables)),
        "comparison": _wide(comparison, [sc.name for sc in scenarios]),
        "sensitivity_svg": to_svg(sensitivity_figure(indices, "morris")),
        "morris": BRIEFING_MORRIS,
        "record": {"start": post.start, "end": post.end, "months": post.months, "steps": diag["steps"],
                   "walkers": diag["walkers"], "rhat_max": diag["rhat_max"], "converged": diag["converged"]},
        "verdicts": _verdicts(interactions["interactions"]),
        "interactions_verdict": _headline(interactions["interactions"], validation.table),
        "hindcasts": validation.table.to_dict("records"),
        "maps": [_map(m) for m in maps],
    })


def _verdicts(frame) -> list[dict]:
    """The verdict rows, named by the direction of the pull (no parameter names in the briefing)."""
    import math

    rows = []
    for r in frame.to_dict("records"):
        single = r["low90"] is not None and not math.isnan(r["low90"])
        rows.append({"what": r["pull"] if r["interaction"].startswith("w_") else r["interaction"],
                     "interval": (r["low90"], r["estimate"], r["high90"]) if single else None,
                     "with": r["rmse_with"], "without": r["rmse_without"], "won": r["cycles_better"],
                     "cycles": r["cycles"], "verdict": r["verdict"], "reason": r["reason"]})
    return rows


def _headline(frame, scores) -> str:
    """One sentence for the bottom line: the couplings the record supports, or that it cannot tell."""
    supported = [r["pull"] for r in frame.to_dict("records")
                 if r["interaction"].startswith("w_") and r["verdict"].startswith("supported")]
    pooled = scores[scores["cycle"] == "all"].iloc[0]
    skill = (f"held out cycle by cycle, the coupled model's error is {pooled['rmse_coupled']:.3f} against "
             f"{pooled['rmse_w0']:.3f} without coupling and {pooled['rmse_carry_forward']:.3f} for carrying "
             "the last level forward")
    if supported:
        return (f"The record since 1991 supports these pulls between the vectors: {', '.join(supported)}; "
                f"{skill}.")
    return ("The record since 1991 cannot tell how denuclearization, a peace regime and arms control drive "
            f"one another: no coupling's interval excludes zero with better predictions of held-out cycles; "
            f"{skill}.")


def _map(table) -> dict:
    """A driver map as rows of cells (median and chance of holding 0.5) per vector, for a table."""
    x, y = str(table["x"].iloc[0]), str(table["y"].iloc[0])
    xs = sorted(table["x_level"].unique())
    ys = sorted(table["y_level"].unique(), reverse=True)
    panels = []
    for vector, part in table.groupby("vector", sort=False):
        cells = part.set_index(["y_level", "x_level"])
        panels.append({"vector": vector.replace("_", " "),
                       "rows": [{"y": yv, "cells": [{"q50": float(cells.loc[(yv, xv), "q50"]),
                                                     "p": float(cells.loc[(yv, xv), "p_hold"])} for xv in xs]}
                                for yv in ys]})
    return {"x": x, "y": y, "xs": xs, "panels": panels}


def _wide(comparison, names: list[str]) -> list[dict]:
    """One row per vector and month, one cell per scenario (for a compact printed table)."""
    rows = []
    for (stock, month), part in comparison.groupby(["stock", "month"], sort=False):
        cells = part.set_index("scenario")
        rows.append({"stock": stock.replace("_", " "), "month": int(month),
                     "cells": [cells.loc[name].to_dict() for name in names]})
    return rows
