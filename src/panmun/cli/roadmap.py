"""``panmun roadmap``: sequenced, reciprocal next steps found with a constraint solver.

The model modules are imported inside the commands so that other ``panmun`` commands do
not pay for loading them.
"""

from __future__ import annotations

from pathlib import Path

import typer

from panmun import limits
from panmun.cli.common import (
    FormatOption,
    ParametersOption,
    SeedOption,
    TableOption,
    chart_option,
    input_file,
    output_file,
    store_from,
    vector_parameter_draws,
)
from panmun.cli.output import Format, Output, Table, console, emit, say
from panmun.errors import InputError

app = typer.Typer(help="Roadmap: sequenced, reciprocal steps that each party can accept (CP-SAT planner).",
                  no_args_is_help=True)

ConstraintsOption = typer.Option(None, "--constraints", callback=input_file,
                                 help="A constraints YAML file (default: the built-in "
                                 "one; format in docs/roadmap.md).")
HorizonOption = typer.Option(None, "--horizon", min=1, max=limits.MAX_HORIZON,
                             help="Months planned (overrides the constraints file).")
ObjectiveOption = typer.Option("progress", "--objective", help="progress (the three vectors and exchange at "
                               "the horizon), risk (lowest deadly-clash risk), or one vector: "
                               "denuclearization, peace_regime, arms_control, exchange.")
TimeLimitOption = typer.Option(10.0, "--time-limit", min=0.1, max=3600.0,
                               help="Seconds per solver stage (two stages per plan).")
VECTORS_SHOWN = ("denuclearization", "peace_regime", "arms_control", "trust")


#: The months ``--start`` accepts: from the record's first years to a quarter-century ahead
#: (a later start only lengthens the three-vector model's run to the plan).
START_RANGE = ("1991-01", "2050-12")


def _month(value: str | None) -> str | None:
    if value is None:
        return None
    from panmun.months import as_month

    try:
        month = as_month(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    if not START_RANGE[0] <= month <= START_RANGE[1]:
        raise typer.BadParameter(f"{month} is outside {START_RANGE[0]}..{START_RANGE[1]}")
    return month


StartOption = typer.Option(None, "--start", callback=_month, metavar="YYYY-MM",
                           help="Month 0 of the plan (1991-01..2050-12); steps are judged against the "
                           "parties' positions on its first day (default: the month after the record ends).")


def _inputs(constraints: Path | None, horizon: int | None):
    from panmun.roadmap.catalogue import load_catalogue
    from panmun.roadmap.ranking import load_constraints

    steps = load_catalogue()
    return steps, load_constraints(constraints, steps, horizon)


def _dated(ctx: typer.Context | None, constraints: Path | None, horizon: int | None, start: str | None):
    """Catalogue and constraints as of the plan's start (positions, derived red lines)."""
    from panmun.roadmap.ranking import dated_inputs

    store = store_from(ctx) if ctx is not None else None
    try:
        return dated_inputs(constraints, horizon, start, store=store)
    finally:
        if store is not None:
            store.close()


def _excluded_rows(blocked) -> list[dict]:
    """One row per blocked step and blocking party or prerequisite (the tables of plan and blocked)."""
    from panmun.roadmap.acceptability import excluded_records

    rows = []
    for record in excluded_records(blocked):
        change = "; ".join(f"{c['party']} on {c['issue']}: {c['from']:g} -> "
                           + ("none" if c["to"] is None else f"{c['to']:g}")
                           for c in record["admitting_changes"])
        if not record["admissible_by_positions"]:
            change = ((change + "; " if change else "")
                      + "no position change: a hand-written red line or exclusion")
        base = {"step": record["step"], "via": " ".join(record["via_prerequisites"]),
                "admitting_change": change}
        whys = record["blocked_by"] or [{"step": record["step"], "party": "", "kind": "excluded"}]
        own = [w for w in whys if w["step"] == record["step"]]
        if not own:                         # the table: its own refusals, else one per party and issue
            own = list({(w["party"], w.get("issue")): w for w in reversed(whys)}.values())[::-1]
        for why in own:
            kind = why["kind"] if why["step"] == record["step"] else f"{why['kind']} on {why['step']}"
            rows.append({**base, "party": why["party"], "kind": kind, "issue": why.get("issue") or "",
                         "position": why.get("position"), "salience": why.get("salience"),
                         "moves_to": why.get("moves_to"),
                         "date": "" if why.get("date") is None else why["date"].isoformat(),
                         "source": why.get("source") or ""})
    return rows




def _base_rates(ctx: typer.Context, runs: int, seed: int):
    from panmun.armscontrol.calibrate import base_rate_draws

    return base_rate_draws(store_from(ctx), runs, seed)



@app.command("steps", epilog="Example: panmun roadmap steps --vector arms-control")
def steps_(vector: str | None = typer.Option(None, "--vector", help="Only this vector's steps."),
           fmt: Format = FormatOption) -> None:
    """The step catalogue: who takes each step, what it needs, what it is worth to each party."""
    from panmun.roadmap.catalogue import load_catalogue, steps_table
    from panmun.roadmap.steps import VECTORS

    steps = load_catalogue()
    if vector is not None:
        if vector.replace("-", "_") not in VECTORS:
            raise InputError(f"--vector {vector!r}: choose one of {', '.join(VECTORS)}")
        steps = {k: s for k, s in steps.items() if s.vector == vector.replace("-", "_")}
    emit(Output({"steps": Table(steps_table(steps), f"Step catalogue ({len(steps)} steps; values -3..+3 per "
                                "party)", ["id", "actors", "vector", "advance", "prerequisites", "duration",
                                           "lead", "value", "issues"])}), fmt)


@app.command("plan", epilog="Example: panmun roadmap plan --horizon 36 --runs 100 --alternatives 1 "
             "--time-limit 2\n\nExit status 1 when no plan satisfies the constraints (the JSON names "
             "the conflicting ones).")
def plan_(ctx: typer.Context,
          horizon: int | None = HorizonOption,
          objective: str = ObjectiveOption,
          constraints: Path | None = ConstraintsOption,
          alternatives: int = typer.Option(2, "--alternatives", min=0, max=10,
                                           help="Further plans with other step sets."),
          runs: int = typer.Option(1000, "--runs", min=10, max=limits.MAX_PLAN_RUNS,
                                   help="Runs of the three-vector model per plan."),
          seed: int = SeedOption,
          time_limit: float = TimeLimitOption,
          start: str | None = StartOption,
          parameters: str = ParametersOption,
          chart: Path | None = chart_option("Write the best plan's timeline (PNG, SVG or PDF)."),
          balance_chart: Path | None = chart_option(
              "Write the best plan's reciprocity balances (PNG, SVG or PDF).", "--balance-chart"),
          save_plan: Path | None = typer.Option(None, "--save-plan", callback=output_file,
                                                help="Write the best plan as a plan file (YAML) that "
                                                     "`panmun roadmap check` reads."),
          table: str | None = TableOption,
          fmt: Format = FormatOption) -> None:
    """Find the best sequences of steps, judge them in the three-vector and clash-risk models."""
    from panmun.roadmap.ranking import best_plans, plan_record

    dated = _dated(ctx, constraints, horizon, start)
    steps, c = dated.steps, dated.constraints
    base = _base_rates(ctx, 400, seed)
    vector_params, source = vector_parameter_draws(ctx, parameters, runs, seed)
    with console(stderr=True).status(f"Planning {len(steps)} steps over {c.horizon} months "
                                     f"(objective {objective}), then running the models ..."):
        roadmap = best_plans(c, steps, objective=objective, alternatives=alternatives, base_rates=base,
                             runs=runs, seed=seed, time_limit=time_limit, vector_params=vector_params)
    if not roadmap.feasible:
        _print_conflicts(roadmap, fmt, dated)
        raise typer.Exit(1)
    records = [plan_record(roadmap, p) for p in roadmap.plans]
    _charts(roadmap, chart, balance_chart)
    if save_plan is not None:
        from panmun.roadmap.plans import write_plan

        write_plan(save_plan, roadmap.best.schedule, c.start, name=f"best-{objective.replace('_', '-')}",
                   title=f"The planner's best plan ({objective}, horizon {c.horizon} months)")
    best = records[0]
    out = Output({
        "plans": Table(_summary_table(records), f"Plans ranked ({objective}); horizon {c.horizon} months "
                       f"from {c.start}, steps judged against the positions of {dated.assessment.at}; "
                       f"solver {roadmap.seconds:.1f} s"),
        "steps": Table(best["steps"] if fmt == Format.table
                       else [{"plan": r["rank"], **step} for r in records for step in r["steps"]],
                       "The best plan, step by step (why_here: what stops an earlier start)",
                       ["start_month", "step", "actors", "vector", "verified", "why_here"]),
        "excluded": Table(_excluded_rows(dated.blocked),
                          f"Steps no plan may contain as of {dated.assessment.at} ({len(dated.blocked)}): "
                          "who blocks them and what would admit them", ["step", "party", "issue", "position",
                                                                         "date", "admitting_change"])},
        document={"objective": objective, "horizon": c.horizon, "start": c.start, "feasible": True,
                  "solver_seconds": roadmap.seconds, "parameters": source, "plans": records,
                  **_dated_document(dated)})
    emit(out, fmt, table or ("steps" if fmt == Format.csv else None))


def _dated_document(dated) -> dict:
    """The keys of the dated judgement in the JSON of plan and tasks."""
    from panmun.roadmap.acceptability import excluded_records

    values = [{"step": sid, "party": party, "prior": prior, "as_of_start": now}
              for sid, parties in dated.assessment.value_changes.items()
              for party, (prior, now) in parties.items()]
    return {**dated.header(), "excluded": excluded_records(dated.blocked), "values_changed": values}


def _summary_table(records: list[dict]) -> list[dict]:
    rows = []
    for r in records:
        row = {"rank": r["rank"], "steps": len(r["steps"]), "surrogate": round(r["surrogate_progress"], 3),
               "gap": f"{r['optimality_gap']:.2%} / {r['optimality_gap_earliness']:.2%}"}
        if "three_vector_model" in r:
            p = r["three_vector_model"]["progress"]
            g = r["three_vector_model"]["gain_over_baseline"]
            row["D+P+A median [90%]"] = f"{p['median']:.2f} [{p['low']:.2f}, {p['high']:.2f}]"
            row["gain vs baseline"] = f"{g['median']:+.2f} [{g['low']:+.2f}, {g['high']:+.2f}]"
        if "clash_risk" in r:
            q = r["clash_risk"]["p_deadly_clash_1y"]
            row["P(deadly clash, 1 y)"] = f"{q['median']:.3f} [{q['low']:.3f}, {q['high']:.3f}]"
        row["clearly better than next"] = r["clearly_better_than_next"]
        rows.append(row)
    return rows


def _print_conflicts(roadmap, fmt: Format, dated=None) -> None:
    conflicts = [{"kind": x.kind, "constraint": x.label} for x in roadmap.conflicts]
    say(f"no plan satisfies the constraints within {roadmap.constraints.horizon} months: "
        f"{len(conflicts)} of them cannot hold together")
    title = ("No plan satisfies the constraints: these cannot hold together within "
             f"{roadmap.constraints.horizon} months (relax one of them)")
    extra = {} if dated is None else {"start": roadmap.constraints.start, **_dated_document(dated)}
    emit(Output({"conflicts": Table(conflicts, title, ["kind", "constraint"])},
                document={"objective": roadmap.objective, "feasible": False, "conflicts": conflicts,
                          **extra}),
         fmt)


def _charts(roadmap, chart: Path | None, balance_chart: Path | None) -> None:
    from panmun.charts import save
    from panmun.roadmap import charts, explain

    c, steps, schedule = roadmap.constraints, roadmap.steps, roadmap.best.schedule
    if chart is not None:
        save(charts.timeline_figure(explain.timeline(steps, schedule, c), c.horizon), chart)
    if balance_chart is not None:
        save(charts.balance_figure(explain.balance_table(steps, schedule, c)), balance_chart)


@app.command("check", epilog="Example: panmun roadmap check first-steps.yaml\n\nExit status 1 when the "
             "plan breaks a rule, including a step that is a red line on the plan's start date.")
def check_(plan_file: Path = typer.Argument(..., callback=input_file,
                                            help="A plan YAML file (format in docs/roadmap.md)."),
           constraints: Path | None = ConstraintsOption,
           horizon: int | None = HorizonOption,
           fmt: Format = FormatOption) -> None:
    """Check your own plan against the rules, and against the parties' positions on its start
    date: every broken rule, where and when (exit 1 if any)."""
    import pandas as pd

    from panmun.months import month_after
    from panmun.roadmap import rules
    from panmun.roadmap.plans import read_plan

    steps, _ = _inputs(None, None)
    plan = read_plan(plan_file, steps)
    steps = {**steps, **{s.id: s for s in plan.steps}}
    from panmun.roadmap.ranking import dated_inputs

    dated = dated_inputs(constraints, horizon, plan.start, steps=steps)   # the plan's own steps too
    steps, c = dated.steps, dated.constraints
    found = rules.violations(steps, plan.month_of(), c)
    frame = pd.DataFrame([{"kind": v.kind, "step": v.step or "", "party": v.party or "",
                           "month": "" if v.month is None else month_after(c.start, v.month),
                           "problem": v.message} for v in found],
                         columns=["kind", "step", "party", "month", "problem"])
    out = Output({"violations": Table(frame, f"{plan_file}: {len(found)} broken rule(s)")},
                 document={"plan": plan.name, "start": plan.start, "as_of": dated.assessment.at,
                           "steps": len(plan.items), "admissible": not found,
                           "violations": frame.to_dict("records"),
                           "surrogate_progress": rules.progress(steps, plan.month_of(), c)})
    if not found:
        out.notes.append(f"{plan_file}: the plan keeps every rule ({len(plan.items)} steps, horizon "
                         f"{c.horizon} months).")
    emit(out, fmt)
    if found:
        say(f"{plan_file}: the plan breaks {len(found)} rule(s)")
        raise typer.Exit(1)


@app.command("tasks", epilog="Example: panmun roadmap tasks --horizon 36 --per-actor 2 --time-limit 2")
def tasks_(ctx: typer.Context,
           constraints: Path | None = ConstraintsOption,
           horizon: int | None = HorizonOption,
           objective: str = ObjectiveOption,
           per_actor: int = typer.Option(3, "--per-actor", min=1, max=100, help="Tasks listed per actor."),
           time_limit: float = TimeLimitOption,
           start: str | None = StartOption,
           fmt: Format = FormatOption) -> None:
    """What each actor would do next under the best plan (as of the plan's start)."""
    from panmun.roadmap.explain import tasks
    from panmun.roadmap.ranking import best_plans

    dated = _dated(ctx, constraints, horizon, start)
    steps, c = dated.steps, dated.constraints
    base = _base_rates(ctx, 400, 0) if objective == "risk" else None
    with console(stderr=True).status("Planning ..."):
        roadmap = best_plans(c, steps, objective=objective, alternatives=0, base_rates=base,
                             evaluate_plans=False, time_limit=time_limit)
    if not roadmap.feasible:
        _print_conflicts(roadmap, fmt, dated)
        raise typer.Exit(1)
    emit(Output({"tasks": Table(tasks(steps, roadmap.best.schedule, c, per_actor=per_actor),
                                f"Next tasks per actor under the best plan ({objective})")}), fmt)


@app.command("blocked", epilog="Example: panmun roadmap blocked --start 2019-01")
def blocked_(ctx: typer.Context,
             start: str | None = StartOption,
             constraints: Path | None = ConstraintsOption,
             fmt: Format = FormatOption) -> None:
    """Steps no plan may contain on the start date: who blocks each, the dated position and
    source that make it a red line, and the smallest position change that would admit it."""
    from panmun.roadmap.acceptability import THRESHOLD, excluded_records

    dated = _dated(ctx, constraints, None, start)
    rows = _excluded_rows(dated.blocked)
    records = excluded_records(dated.blocked)
    out = Output({"blocked": Table(rows, f"Steps no plan may contain as of {dated.assessment.at} "
                                   f"({len(dated.blocked)} of {len(dated.steps)}; rule: salience x points "
                                   f"beyond the taker's position > {THRESHOLD:g})",
                                   ["step", "party", "issue", "position", "moves_to", "date", "via",
                                    "admitting_change"])},
                 document={"start": dated.constraints.start, **dated.header(), "steps": len(dated.steps),
                           "blocked": records})
    if not records:
        out.notes.append(f"no step is blocked as of {dated.assessment.at}")
    emit(out, fmt)
