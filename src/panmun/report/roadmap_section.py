"""The briefing's roadmap section: the planner's best plans on the built-in catalogue and
constraints, ranked by their outcome in the three-vector model with intervals; the next
tasks of each actor; the first year of the best plan with why each step sits where it
does; the timeline and reciprocity charts.

The planner is imported when the section is built, so that ``import panmun`` stays quick.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from panmun.report.charts import to_svg
from panmun.report.section import Section
from panmun.store.db import Store

#: Solver seconds per stage, model runs per plan and the seed behind the briefing's plans.
BRIEFING_TIME_LIMIT = 3.0
BRIEFING_RUNS = 500
BRIEFING_SEED = 0
FIRST_MONTHS = 12


def roadmap_section(store: Store, at: dt.date) -> Section:
    """Ranked plans, tasks per actor, the first year of the best plan, two charts."""
    from panmun.armscontrol.calibrate import calibrate
    from panmun.roadmap import charts, explain
    from panmun.roadmap.catalogue import load_catalogue
    from panmun.roadmap.ranking import best_plans, load_constraints, plan_record

    steps = load_catalogue()
    constraints = load_constraints(None, steps)
    base = calibrate(store).posterior.draw(300, BRIEFING_SEED)
    roadmap = best_plans(constraints, steps, alternatives=1, base_rates=base, runs=BRIEFING_RUNS,
                         seed=BRIEFING_SEED, time_limit=BRIEFING_TIME_LIMIT)
    data = {"horizon": constraints.horizon, "start": constraints.start, "steps": len(steps),
            "red_lines": [{"label": r.label, "why": r.why} for r in constraints.red_lines],
            "feasible": roadmap.feasible, "runs": BRIEFING_RUNS}
    if not roadmap.feasible:
        data["conflicts"] = [c.label for c in roadmap.conflicts]
        return Section("roadmap", "Roadmap: reciprocal next steps", "roadmap.html.j2", data)
    records = [plan_record(roadmap, p) for p in roadmap.plans]
    schedule = roadmap.best.schedule
    timeline = explain.timeline(steps, schedule, constraints)
    data.update({
        "plans": pd.DataFrame([_row(r) for r in records]),
        "tasks": explain.tasks(steps, schedule, constraints),
        "first_year": timeline[timeline["start"] < FIRST_MONTHS],
        "first_months": FIRST_MONTHS,
        "timeline_svg": to_svg(charts.timeline_figure(timeline, constraints.horizon)),
        "balance_svg": to_svg(charts.balance_figure(explain.balance_table(steps, schedule, constraints))),
    })
    return Section("roadmap", "Roadmap: reciprocal next steps", "roadmap.html.j2", data)


def _row(record: dict) -> dict:
    v, r = record["three_vector_model"], record["clash_risk"]
    return {"rank": record["rank"], "steps": len(record["steps"]),
            "gap": record["optimality_gap"], "gap_earliness": record["optimality_gap_earliness"],
            "progress": v["progress"]["median"], "progress_low": v["progress"]["low"],
            "progress_high": v["progress"]["high"], "gain": v["gain_over_baseline"]["median"],
            "gain_low": v["gain_over_baseline"]["low"], "gain_high": v["gain_over_baseline"]["high"],
            "p_deadly": r["p_deadly_clash_1y"]["median"], "p_deadly_low": r["p_deadly_clash_1y"]["low"],
            "p_deadly_high": r["p_deadly_clash_1y"]["high"],
            "p_deadly_today": r["p_deadly_clash_1y_today"]["median"],
            "clearly_better": record["clearly_better_than_next"]}
