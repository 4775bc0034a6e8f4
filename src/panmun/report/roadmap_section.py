"""The briefing's roadmap section: the planner's best plans on the built-in catalogue and
constraints, judged against the parties' positions on the plan's start (docs/roadmap.md,
"Acceptability as of a date"), ranked by their outcome in the three-vector model with
intervals; the same planning as of 2018-12 and 2021-06 beside today's, so a reader sees what
the record's changes did to the space of agreements; the top of the blocked-steps table
(who blocks, on which dated position, and what change would admit the step); the next
tasks of each actor; the first year of the best plan with why each step sits where it does;
the timeline and reciprocity charts.

"Today" is the month after the record ends as of the briefing's date (the knowledge base's
and the store's events, changes, positions and codings): the section reads the store's
events and status changes for it, and the briefing cache keys the section on them.

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
#: The earlier start months the briefing plans from, beside today's.
COMPARED_STARTS = ("2018-12", "2021-06")
#: Solver seconds per stage for the earlier plans (one plan each, no alternatives).
COMPARED_TIME_LIMIT = 2.0
#: Rows of the blocked-steps table shown.
BLOCKED_SHOWN = 12


def roadmap_section(store: Store, at: dt.date) -> Section:
    """Ranked plans as of today, the plans as of earlier dates beside them, the blocked steps,
    tasks per actor, the first year of the best plan, two charts."""
    from panmun.armscontrol.calibrate import base_rate_draws
    from panmun.roadmap import charts, explain
    from panmun.roadmap.acceptability import THRESHOLD, as_of
    from panmun.roadmap.ranking import best_plans, dated_inputs, plan_record
    from panmun.vectors.runs import parameter_draws, record_history

    dated = dated_inputs(store=store, at=at)
    steps, constraints = dated.steps, dated.constraints
    base = base_rate_draws(store, 300, BRIEFING_SEED)
    vector_params, _ = parameter_draws(record_history(store), "posterior", BRIEFING_RUNS, BRIEFING_SEED)
    roadmap = best_plans(constraints, steps, alternatives=1, base_rates=base, runs=BRIEFING_RUNS,
                         seed=BRIEFING_SEED, time_limit=BRIEFING_TIME_LIMIT, vector_params=vector_params)
    data = {"horizon": constraints.horizon, "start": constraints.start, "steps": len(steps),
            "as_of": dated.assessment.at, "record_end": dated.record_end, "threshold": THRESHOLD,
            "red_lines": [{"label": r.label, "why": r.why} for r in constraints.red_lines if not r.basis],
            "derived": sum(1 for r in constraints.red_lines if r.basis),
            "feasible": roadmap.feasible, "runs": BRIEFING_RUNS,
            "blocked": pd.DataFrame(_blocked_rows(dated.blocked, _korean_summaries(steps))[:BLOCKED_SHOWN]),
            "blocked_total": len(dated.blocked)}
    compared = [(start, dated_inputs(start=start, store=store, at=at)) for start in COMPARED_STARTS
                if as_of(start) <= at and start < constraints.start]
    data["comparison"] = pd.DataFrame(
        [_compare(start, d, base, vector_params) for start, d in compared]
        + ([_compare_row(constraints.start, dated, roadmap.best.schedule, plan_record(roadmap, roadmap.best))]
           if roadmap.feasible else []))
    if not roadmap.feasible:
        data["conflicts"] = [c.label for c in roadmap.conflicts]
        return Section("roadmap", "Roadmap: reciprocal next steps", "roadmap.html.j2", data)
    records = [plan_record(roadmap, p) for p in roadmap.plans]
    schedule = roadmap.best.schedule
    timeline = explain.timeline(steps, schedule, constraints)
    korean = _korean_summaries(steps)
    tasks = explain.tasks(steps, schedule, constraints)
    timeline = timeline.assign(summary_ko=timeline["step"].map(korean))
    data.update({
        "plans": pd.DataFrame([_row(r) for r in records]),
        "tasks": tasks.assign(summary_ko=tasks["step"].map(korean)),
        "first_year": timeline[timeline["start"] < FIRST_MONTHS],
        "first_months": FIRST_MONTHS,
        "timeline_svg": to_svg(charts.timeline_figure(timeline, constraints.horizon)),
        "balance_svg": to_svg(charts.balance_figure(explain.balance_table(steps, schedule, constraints))),
    })
    return Section("roadmap", "Roadmap: reciprocal next steps", "roadmap.html.j2", data)


def _compare(start: str, dated, base, vector_params) -> dict:
    """The best plan as of ``start`` (one plan, evaluated as today's are)."""
    from panmun.roadmap.ranking import best_plans, plan_record

    roadmap = best_plans(dated.constraints, dated.steps, alternatives=0, base_rates=base, runs=BRIEFING_RUNS,
                         seed=BRIEFING_SEED, time_limit=COMPARED_TIME_LIMIT, vector_params=vector_params)
    if not roadmap.feasible:
        return {"start": start, "as_of": dated.assessment.at, "feasible": False, "admitted": None,
                "blocked": len(dated.blocked), "by_vector": "", "progress": None, "progress_low": None,
                "progress_high": None, "gain": None, "gain_low": None, "gain_high": None,
                "denuclearization": ""}
    return _compare_row(start, dated, roadmap.best.schedule, plan_record(roadmap, roadmap.best))


def _compare_row(start: str, dated, schedule: dict[str, int], record: dict) -> dict:
    from panmun.roadmap.steps import VECTORS

    steps = dated.steps
    counts = {k: sum(1 for sid in schedule if steps[sid].vector == k) for k in VECTORS}
    short = {"denuclearization": "D", "peace_regime": "P", "arms_control": "A", "exchange": "E"}
    v = record["three_vector_model"]
    denuclear = [steps[sid] for sid in schedule
                 if steps[sid].vector == "denuclearization" and steps[sid].advance > 0]
    levels = {s.id: max((x.to for x in s.issues if x.issue == "denuclearization"), default=0.0)
              for s in denuclear}
    furthest = max(denuclear, key=lambda s: (levels[s.id], s.advance), default=None)
    return {"start": start, "as_of": dated.assessment.at, "feasible": True, "admitted": len(schedule),
            "blocked": len(dated.blocked),
            "by_vector": " · ".join(f"{short[k]} {n}" for k, n in counts.items()),
            "progress": v["progress"]["median"], "progress_low": v["progress"]["low"],
            "progress_high": v["progress"]["high"], "gain": v["gain_over_baseline"]["median"],
            "gain_low": v["gain_over_baseline"]["low"], "gain_high": v["gain_over_baseline"]["high"],
            "denuclearization": (f"{len(denuclear)} steps, the furthest: {furthest.name}" if furthest
                                 else "none")}


def _korean_summaries(steps: dict) -> dict[str, str]:
    """Step id -> the step's Korean summary (``summary_ko``), where the catalogue has one."""
    out = {}
    for sid, step in steps.items():
        ko = getattr(step, "summary_ko", None)
        if isinstance(ko, str) and ko.strip():
            out[sid] = ko
    return out


def _blocked_rows(blocked, korean: dict[str, str] | None = None) -> list[dict]:
    """Steps refused on their own account first (each with its refusing party, the dated
    position and source, and the smallest admitting change), then those blocked through a
    prerequisite."""
    rows = []
    for b in sorted(blocked, key=lambda b: not any(x.step == b.step for x in b.blocks)):
        own = [x for x in b.blocks if x.step == b.step]
        first = (own or b.blocks or [None])[0]
        line = (b.lines or [None])[0]
        change = "; ".join(c.text for c in b.changes)
        if not b.admissible_by_positions:
            change = ((change + "; " if change else "")
                      + "no position change (a hand-written red line or exclusion)")
        rows.append({
            "step": b.name, "summary_ko": (korean or {}).get(b.step), "parties": ", ".join(b.parties),
            "via": ", ".join(b.via),
            "issue": first.link.issue if first else "", "position": first.stance.position if first else None,
            "salience": first.stance.salience if first else None,
            "moves_to": first.link.to if first else None,
            "date": first.stance.date if first else None, "source": first.stance.source if first else "",
            "line": line.why if (line and not first) else "", "change": change})
    return rows


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
