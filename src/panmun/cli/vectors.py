"""``panmun vectors``: the three-vector model (denuclearization, peace regime, arms control).

The model modules (numpy, SALib, Dask, scipy behind them) are imported inside the
commands so that other ``panmun`` commands do not pay for loading them.
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
    output_file,
    store_from,
    vector_parameter_draws,
)
from panmun.cli.output import Format, Output, Table, console, emit, say
from panmun.errors import InputError

app = typer.Typer(help="The three-vector model: scenarios, ensembles, calibration, sensitivity, XMILE.",
                  no_args_is_help=True)

ScenarioArg = typer.Argument(..., help="A built-in scenario (see `panmun vectors scenarios`) or a YAML file.")
HorizonOption = typer.Option(None, "--horizon", min=1, max=limits.MAX_HORIZON,
                             help="Months to simulate (default the scenario's).")
RunsOption = typer.Option(1000, "--runs", "-n", min=1, max=limits.MAX_ENSEMBLE_RUNS,
                          help="Runs in the ensemble.")
def _scheduler(value: str | None) -> str | None:
    """``local`` or ``tcp://HOST:PORT`` (a typer callback: anything else is a usage error)."""
    import re

    if value is None or value == "local" or re.fullmatch(r"tcp://[A-Za-z0-9.\-\[\]:]+:\d{1,5}", value):
        return value
    raise typer.BadParameter(f"{value!r}: give 'local' or tcp://HOST:PORT")


SchedulerOption = typer.Option(None, "--scheduler", callback=_scheduler,
                               help="Run the ensemble on Dask: 'local' or tcp://HOST:PORT.")


QuickOption = typer.Option(False, "--quick", help="A short sampler run and few optimiser steps (for tests "
                           "and a first look; the diagnostics say how far to trust it).")


def _posterior(ctx: typer.Context, quick: bool = False, steps: int | None = None, walkers: int | None = None):
    """The calibration's posterior on the whole record (cached: docs/vectors.md), and its problem;
    a progress bar while the sampler runs."""
    from rich.progress import Progress

    from panmun.vectors.posterior import record_posterior

    store = store_from(ctx)
    try:
        with Progress(console=console(stderr=True), transient=True) as bar:
            task = bar.add_task("Sampling the posterior on the record", total=1.0, visible=False)

            def advance(fraction: float) -> None:
                bar.update(task, completed=fraction, visible=True)

            return record_posterior(store, quick=quick, steps=steps, walkers=walkers, progress=advance)
    finally:
        store.close()



def _scenario(name: str):
    from panmun.vectors.scenarios import load_scenario

    return load_scenario(name)


@app.command("scenarios", epilog="Example: panmun vectors scenarios")
def scenarios_(fmt: Format = FormatOption) -> None:
    """List the built-in scenarios."""
    from panmun.vectors.scenarios import BUILTIN

    rows = []
    for name in BUILTIN:
        sc = _scenario(name)
        rows.append({"name": sc.name, "title": sc.title, "start": sc.start, "horizon": sc.horizon,
                     "changes": len(sc.changes), "interventions": len(sc.interventions)})
    emit(Output({"scenarios": Table(rows, "Built-in scenarios")}), fmt)


@app.command("parameters", epilog="Example: panmun vectors parameters")
def parameters_(fmt: Format = FormatOption) -> None:
    """The model's parameters: symbol, meaning, unit, default (judgement) and range."""
    from panmun.vectors.parameters import PARAMETERS

    rows = [{"name": p.name, "symbol": p.symbol, "meaning": p.meaning, "unit": p.unit,
             "default": p.default, "low": p.low, "high": p.high} for p in PARAMETERS]
    emit(Output({"parameters": Table(rows, "Three-vector model parameters (defaults are judgement; see "
                                     "docs/vectors.md)")}), fmt)


@app.command("simulate", epilog="Examples: panmun vectors simulate baseline --runs 2000 --horizon 120\n\n"
             "panmun vectors simulate cma-restored --deterministic --parameters defaults\n\n"
             "panmun vectors simulate baseline --runs 1000")
def simulate_(
    ctx: typer.Context,
    scenario: str = ScenarioArg,
    deterministic: bool = typer.Option(False, "--deterministic", help="The deterministic (mean-field) "
                                       "trajectory: one row per month, one column per stock (with "
                                       "--parameters posterior: at the posterior median)."),
    runs: int = RunsOption,
    horizon: int | None = HorizonOption,
    seed: int = SeedOption,
    scheduler: str | None = SchedulerOption,
    threshold: list[float] = typer.Option([0.5, 0.8], "--threshold", help="Report the probability that "
                                          "each stock has reached this level by each month (repeatable)."),
    parameters: str = ParametersOption,
    fmt: Format = FormatOption,
) -> None:
    """Simulate a scenario: an ensemble's median and 5-95 % band per month, or one deterministic run."""
    from panmun.vectors import runs as vruns

    sc = _scenario(scenario)
    if deterministic:
        params, where = None, "judgement defaults"
        if parameters == "posterior":
            post, _ = _posterior(ctx)
            params = {k: v for k, v in post.median().items() if k != "trust0"}
            where = "posterior median"
        frame = vruns.deterministic(sc, horizon, params)
        shown = frame[frame["month"] % 12 == 0].round(4) if fmt == Format.table else frame
        emit(Output({"trajectory": Table(shown, f"{sc.title}: deterministic run, {where} "
                                               "(every 12th month shown)")}), fmt)
        return
    if any(not 0 < t <= 1 for t in threshold):
        raise InputError(f"--threshold {threshold}: each threshold must be in (0, 1]")
    if len(threshold) > 10:
        raise InputError(f"--threshold given {len(threshold)} times: at most 10 thresholds")
    from rich.progress import Progress

    draws, source = vector_parameter_draws(ctx, parameters, runs, seed)
    with Progress(console=console(stderr=True), transient=True) as bar:
        task = bar.add_task(f"{sc.name}: {runs:,} runs", total=runs)
        counts = vruns.run_ensemble(sc, runs, horizon, seed, scheduler, thresholds=tuple(threshold),
                                    progress=lambda n: bar.advance(task, n), params=draws)
    full = vruns.bands(sc, counts)
    cols = ["date", "stock", "q05", "q50", "q95"] + [c for c in full.columns if c.startswith("p_reached")]
    shown = full[full["month"] % 12 == 0].round(3) if fmt == Format.table else full
    emit(Output({"bands": Table(shown, f"{sc.title}: {runs:,} runs, parameters from the {parameters}, "
                                       "median and 5-95 % band (yearly)", cols)},
                document=vruns.summary_json(sc, counts, full, source)), fmt)


@app.command("compare", epilog="Example: panmun vectors compare baseline cma-restored freeze-for-relief "
             "--runs 500 --horizon 60")
def compare_(
    ctx: typer.Context,
    scenarios: list[str] = typer.Argument(..., help="Two or more scenarios (names or files)."),
    runs: int = RunsOption,
    horizon: int = typer.Option(120, "--horizon", min=1, max=limits.MAX_HORIZON, help="Months to simulate."),
    seed: int = SeedOption,
    scheduler: str | None = SchedulerOption,
    chart: Path | None = chart_option("Also draw the medians and bands (PNG, SVG or PDF)."),
    parameters: str = ParametersOption,
    fmt: Format = FormatOption,
) -> None:
    """Compare scenarios: medians, bands and differences from the first, at 1, 5 and 10 years."""
    from panmun.vectors import runs as vruns

    if len(scenarios) < 2:
        raise InputError("give two or more scenarios to compare")
    if len(scenarios) * runs > limits.MAX_ENSEMBLE_RUNS:
        most = limits.MAX_ENSEMBLE_RUNS
        raise InputError(f"{len(scenarios)} scenarios x {runs:,} runs: at most {most:,} runs in all "
                         f"(--runs {most // len(scenarios):,} with {len(scenarios)} scenarios)")
    loaded = [_scenario(s) for s in scenarios]
    draws, _ = vector_parameter_draws(ctx, parameters, runs, seed)
    frame = vruns.compare(loaded, runs, horizon, seed, scheduler=scheduler, params=draws)
    if chart is not None:
        from panmun.vectors.charts import comparison_chart

        comparison_chart(loaded, runs, horizon, seed, chart, draws)
        say(f"chart written to {chart}")
    emit(Output({"comparison": Table(frame.round(3), f"Scenarios compared ({runs:,} runs each, seed {seed}, "
                                     f"parameters from the {parameters}); "
                                     "diff_* = quantiles of the run-by-run difference from "
                                     f"{loaded[0].name}, "
                                     "p_higher = share of runs above it")}), fmt)


@app.command("export",
             epilog="Example: panmun vectors export --xmile three-vectors.xmile --scenario baseline")
def export_(
    xmile: Path = typer.Option(..., "--xmile", callback=output_file, help="The XMILE file to write."),
    scenario: str = typer.Option("baseline", "--scenario",
                                 help="Whose drivers and interventions to build in."),
    horizon: int | None = HorizonOption,
    fmt: Format = FormatOption,
) -> None:
    """Write the deterministic model, with a scenario's drivers, as a standard XMILE file."""
    from panmun.vectors.xmile import write_xmile

    sc = _scenario(scenario)
    write_xmile(xmile, sc.setup(horizon), sc.parameters, name=f"panmun three-vector model: {sc.name}")
    emit(Output(fields={"xmile": str(xmile), "scenario": sc.name, "months": horizon or sc.horizon},
                title="XMILE model written"), fmt)


@app.command("calibrate", epilog="Examples: panmun vectors calibrate\n\npanmun vectors calibrate --quick")
def calibrate_(
    ctx: typer.Context,
    quick: bool = QuickOption,
    steps: int | None = typer.Option(None, "--steps", min=20, max=20000, help="Sampler steps (default 8000, "
                                     "the first half burn-in: every split R-hat below 1.1 on the built-in "
                                     "record, whose posterior ships with panmun; a changed record takes "
                                     "about 5 minutes)."),
    walkers: int | None = typer.Option(None, "--walkers", min=48, max=512, help="Walkers (default 64)."),
    table: str | None = TableOption,
    fmt: Format = FormatOption,
) -> None:
    """Fit the model to the whole record (1991 to the latest month): AR(1) errors, the posterior by MCMC
    (emcee), estimates, 90 % intervals, identification and convergence diagnostics (docs/vectors.md)."""
    from panmun.vectors.history import observed_history
    from panmun.vectors.posterior import fit_table

    post, problem = _posterior(ctx, quick, steps, walkers)
    store = store_from(ctx)
    try:
        notes = observed_history(store, post.start, post.end, environment=False).notes
    finally:
        store.close()
    diag = post.diagnostics()
    frame = post.table()
    out = Output({
        "parameters": Table(frame, f"Posterior on the record {post.start}..{post.end} ({post.months} "
                                   "months): median, 90 % interval, diagnostics"),
        "errors": Table(fit_table(post, problem), "Error model per vector at the posterior median (AR(1))"),
        "diagnostics": Table([diag], "Sampler"),
        "notes": Table([{"note": n} for n in notes], "How the record is coded")},
        fields={"start": post.start, "end": post.end, "months": post.months,
                "converged": diag["converged"], "identified": int(frame["identified"].sum())},
        title="Calibration on the record")
    if not diag["converged"]:
        say(f"The sampler has not converged (largest split R-hat {diag['rhat_max']:.2f}): read the intervals "
            "as indicative; no parameter is called identified while it has not converged.")
    emit(out, fmt, table)


@app.command("validate", epilog="Examples: panmun vectors validate\n\npanmun vectors validate --quick")
def validate_(
    ctx: typer.Context,
    quick: bool = QuickOption,
    chart: Path | None = chart_option("Also draw the hindcasts (PNG, SVG or PDF)."),
    table: str | None = TableOption,
    fmt: Format = FormatOption,
) -> None:
    """Leave one cycle out: predict each cycle of the record from its start with a fit on the others;
    RMSE per cycle of the coupled model, of W = 0 and of carry-forward."""
    from panmun.vectors.records import record_validation

    store = store_from(ctx)
    try:
        result, history = record_validation(store, quick)
    finally:
        store.close()
    if chart is not None:
        from panmun.charts import save
        from panmun.vectors.charts import hindcast_figure
        from panmun.vectors.cycles import cycle_starts

        save(hindcast_figure(history.months, history.targets, result.predictions,
                             list(cycle_starts(history.months).values())[1:]), chart)
        say(f"chart written to {chart}")
    emit(Output({"cycles": Table(result.table, "Leave-one-cycle-out RMSE per cycle (lower is better)"),
                 "hindcasts": Table(result.trajectories(), "Observed and predicted, month by month")},
                fields={"start": str(history.months[0]), "end": str(history.months[-1]),
                        "months": len(history.months)},
                title="Hindcasts of the record's cycles"), fmt, table)


@app.command("sensitivity", epilog="Example: panmun vectors sensitivity --method morris --samples 16")
def sensitivity_(
    method: str = typer.Option("sobol", "--method", help="sobol or morris."),
    scenario: str = typer.Option("baseline", "--scenario", help="A built-in scenario or a YAML file."),
    samples: int = typer.Option(256, "--samples", min=2, max=limits.MAX_SENSITIVITY_SAMPLES,
                                help="Base samples (Sobol: N, a power of 2; Morris: trajectories)."),
    seed: int = SeedOption,
    chart: Path | None = chart_option("Also draw the indices (PNG, SVG or PDF)."),
    fmt: Format = FormatOption,
) -> None:
    """Which parameters and drivers move D and P at 10 years (SALib: Sobol or Morris)."""
    from panmun.vectors.model import DRIVER_NAMES
    from panmun.vectors.sensitivity import sensitivity

    if method not in ("sobol", "morris"):
        raise InputError(f"--method {method!r}: choose sobol or morris")
    if method == "sobol" and samples & (samples - 1):
        raise InputError(f"--samples {samples}: Sobol sampling needs a power of 2 (e.g. 256 or 1024)")
    sc = _scenario(scenario)
    frame = sensitivity(sc.setup(120), method=method, n=samples, seed=seed, drivers=DRIVER_NAMES,
                        params=sc.parameters)
    if chart is not None:
        from panmun.vectors.charts import sensitivity_chart

        sensitivity_chart(frame, method, chart)
        say(f"chart written to {chart}")
    emit(Output({"indices": Table(frame.round(4), f"Sensitivity ({method}, {sc.name}, 10 years)")}), fmt)


@app.command("interactions", epilog="Examples: panmun vectors interactions\n\n"
             "panmun vectors interactions --quick")
def interactions_(
    ctx: typer.Context,
    quick: bool = QuickOption,
    chart: Path | None = chart_option("Also draw W as a heat map (PNG, SVG or PDF)."),
    table: str | None = TableOption,
    fmt: Format = FormatOption,
) -> None:
    """Which interactions between the vectors the record supports: W's posterior intervals and
    the leave-one-cycle-out comparison of the coupled, uncoupled, trust-only and single-coupling models."""
    from panmun.vectors.records import record_interactions

    store = store_from(ctx)
    try:
        result = record_interactions(store, quick)
    finally:
        store.close()
    matrix = result["matrix"]
    if chart is not None:
        from panmun.charts import save
        from panmun.vectors.charts import interaction_figure

        save(interaction_figure(dict(zip(matrix["parameter"], matrix["estimate"], strict=True)),
                                dict(zip(matrix["parameter"], matrix["low90"], strict=True)),
                                dict(zip(matrix["parameter"], matrix["high90"], strict=True))), chart)
        say(f"chart written to {chart}")
    emit(Output({"verdicts": Table(result["interactions"], "What the record says about each interaction"),
                 "matrix": Table(matrix, "Interaction matrix W (drive on a vector per unit of another's "
                                         "progress): default and posterior"),
                 "scores": Table(result["scores"], "Leave-one-cycle-out RMSE of every variant")},
                fields={"start": result["start"], "end": result["end"], "converged": result["converged"]},
                title="Interactions"), fmt, table)


@app.command("map", epilog="Examples: panmun vectors map --x summits --y sanctions\n\n"
             "panmun vectors map --x exercises --y exchange --draws 50 --chart map.png")
def map_(
    ctx: typer.Context,
    x: str = typer.Option(..., "--x", help="The driver on the horizontal axis (see docs/vectors.md)."),
    y: str = typer.Option(..., "--y", help="The driver on the vertical axis."),
    scenario: str = typer.Option("baseline", "--scenario", help="Start and the other drivers' levels."),
    draws: int = typer.Option(200, "--draws", min=1, max=500, help="Posterior draws per cell."),
    horizon: int = typer.Option(120, "--horizon", min=2, max=limits.MAX_HORIZON, help="Months run."),
    parameters: str = ParametersOption,
    chart: Path | None = chart_option("Also draw the heat maps (PNG, SVG or PDF)."),
    fmt: Format = FormatOption,
) -> None:
    """Conditions for durable progress: each vector's median after the horizon, and the chance it holds
    0.5 through the second half, over a grid of two drivers' levels (from the posterior)."""
    from panmun.vectors.maps import driver_map
    from panmun.vectors.parameters import DRIVERS

    for flag, name in (("--x", x), ("--y", y)):
        if name not in DRIVERS:
            raise InputError(f"{flag} {name!r}: not a driver; choose from {', '.join(DRIVERS)}")
    if x == y:
        raise InputError(f"--x and --y are both {x!r}: give two different drivers")
    sc = _scenario(scenario)
    params, source = vector_parameter_draws(ctx, parameters, draws, 0)
    frame = driver_map(sc, params, x, y, horizon=horizon, draws=draws)
    if chart is not None:
        from panmun.charts import save
        from panmun.vectors.charts import map_figure

        save(map_figure(frame), chart)
        say(f"chart written to {chart}")
    emit(Output({"map": Table(frame.round(4), f"{y} x {x}: median after {horizon} months and P(holding 0.5) "
                                              f"({scenario}, parameters from the {parameters})")}), fmt)
