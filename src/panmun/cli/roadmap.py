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
    SeedOption,
    TableOption,
    chart_option,
    input_file,
    output_file,
    store_from,
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


def _inputs(constraints: Path | None, horizon: int | None):
    from panmun.roadmap.catalogue import load_catalogue
    from panmun.roadmap.ranking import load_constraints

    steps = load_catalogue()
    return steps, load_constraints(constraints, steps, horizon)


def _base_rates(ctx: typer.Context, runs: int, seed: int):
    from panmun.armscontrol.calibrate import calibrate

    return calibrate(store_from(ctx)).posterior.draw(runs, seed)


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
                                           "lead", "value"])}), fmt)


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

    steps, c = _inputs(constraints, horizon)
    base = _base_rates(ctx, 400, seed)
    with console(stderr=True).status(f"Planning {len(steps)} steps over {c.horizon} months "
                                     f"(objective {objective}), then running the models ..."):
        roadmap = best_plans(c, steps, objective=objective, alternatives=alternatives, base_rates=base,
                             runs=runs, seed=seed, time_limit=time_limit)
    if not roadmap.feasible:
        _print_conflicts(roadmap, fmt)
        raise typer.Exit(1)
    records = [plan_record(roadmap, p) for p in roadmap.plans]
    _charts(roadmap, chart, balance_chart)
    if save_plan is not None:
        from panmun.roadmap.files import write_plan

        write_plan(save_plan, roadmap.best.schedule, c.start, name=f"best-{objective.replace('_', '-')}",
                   title=f"The planner's best plan ({objective}, horizon {c.horizon} months)")
    best = records[0]
    out = Output({
        "plans": Table(_summary_table(records), f"Plans ranked ({objective}); horizon {c.horizon} months "
                       f"from {c.start}; solver {roadmap.seconds:.1f} s"),
        "steps": Table(best["steps"] if fmt == Format.table
                       else [{"plan": r["rank"], **step} for r in records for step in r["steps"]],
                       "The best plan, step by step (why_here: what stops an earlier start)",
                       ["start_month", "step", "actors", "vector", "verified", "why_here"])},
        document={"objective": objective, "horizon": c.horizon, "start": c.start, "feasible": True,
                  "solver_seconds": roadmap.seconds, "plans": records})
    emit(out, fmt, table or ("steps" if fmt == Format.csv else None))


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


def _print_conflicts(roadmap, fmt: Format) -> None:
    conflicts = [{"kind": x.kind, "constraint": x.label} for x in roadmap.conflicts]
    say(f"no plan satisfies the constraints within {roadmap.constraints.horizon} months: "
        f"{len(conflicts)} of them cannot hold together")
    title = ("No plan satisfies the constraints: these cannot hold together within "
             f"{roadmap.constraints.horizon} months (relax one of them)")
    emit(Output({"conflicts": Table(conflicts, title, ["kind", "constraint"])},
                document={"objective": roadmap.objective, "feasible": False, "conflicts": conflicts}), fmt)


def _charts(roadmap, chart: Path | None, balance_chart: Path | None) -> None:
    from panmun.roadmap import charts, explain

    c, steps, schedule = roadmap.constraints, roadmap.steps, roadmap.best.schedule
    if chart is not None:
        charts.save(charts.timeline_figure(explain.timeline(steps, schedule, c), c.horizon), chart)
    if balance_chart is not None:
        charts.save(charts.balance_figure(explain.balance_table(steps, schedule, c)), balance_chart)


@app.command("check", epilog="Example: panmun roadmap check plan.yaml\n\nExit status 1 when the plan "
             "breaks a rule.")
def check_(plan_file: Path = typer.Argument(..., callback=input_file,
                                            help="A plan YAML file (format in docs/roadmap.md)."),
           constraints: Path | None = ConstraintsOption,
           horizon: int | None = HorizonOption,
           fmt: Format = FormatOption) -> None:
    """Check your own plan against the rules: every broken one, where and when (exit 1 if any)."""
    import pandas as pd

    from panmun.roadmap import rules
    from panmun.roadmap.files import month_label, read_plan

    steps, _ = _inputs(None, None)
    plan = read_plan(plan_file, steps)
    steps = {**steps, **{s.id: s for s in plan.steps}}
    _, c = _inputs(constraints, horizon)
    from dataclasses import replace

    c = replace(c, start=plan.start)
    found = rules.violations(steps, plan.month_of(), c)
    frame = pd.DataFrame([{"kind": v.kind, "step": v.step or "", "party": v.party or "",
                           "month": "" if v.month is None else month_label(c.start, v.month),
                           "problem": v.message} for v in found],
                         columns=["kind", "step", "party", "month", "problem"])
    out = Output({"violations": Table(frame, f"{plan_file}: {len(found)} broken rule(s)")},
                 document={"plan": plan.name, "start": plan.start, "steps": len(plan.items),
                           "admissible": not found,
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
           fmt: Format = FormatOption) -> None:
    """What each actor would do next under the best plan."""
    from panmun.roadmap.explain import tasks
    from panmun.roadmap.ranking import best_plans

    steps, c = _inputs(constraints, horizon)
    base = _base_rates(ctx, 400, 0) if objective == "risk" else None
    with console(stderr=True).status("Planning ..."):
        roadmap = best_plans(c, steps, objective=objective, alternatives=0, base_rates=base,
                             evaluate_plans=False, time_limit=time_limit)
    if not roadmap.feasible:
        _print_conflicts(roadmap, fmt)
        raise typer.Exit(1)
    emit(Output({"tasks": Table(tasks(steps, roadmap.best.schedule, c, per_actor=per_actor),
                                f"Next tasks per actor under the best plan ({objective})")}), fmt)
