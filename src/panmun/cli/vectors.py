"""``panmun vectors``: the three-vector model (denuclearization, peace regime, arms control).

The model modules (numpy, SALib, Dask, scipy behind them) are imported inside the
commands so that other ``panmun`` commands do not pay for loading them.
"""

from __future__ import annotations

from pathlib import Path

import typer

from panmun import limits
from panmun.cli.common import FormatOption, SeedOption, TableOption, chart_option, output_file, store_from
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
             "panmun vectors simulate cma-restored --deterministic")
def simulate_(
    scenario: str = ScenarioArg,
    deterministic: bool = typer.Option(False, "--deterministic", help="The deterministic (mean-field) "
                                       "trajectory: one row per month, one column per stock."),
    runs: int = RunsOption,
    horizon: int | None = HorizonOption,
    seed: int = SeedOption,
    scheduler: str | None = SchedulerOption,
    threshold: list[float] = typer.Option([0.5, 0.8], "--threshold", help="Report the probability that "
                                          "each stock has reached this level by each month (repeatable)."),
    fmt: Format = FormatOption,
) -> None:
    """Simulate a scenario: an ensemble's median and 5-95 % band per month, or one deterministic run."""
    from panmun.vectors import runs as vruns

    sc = _scenario(scenario)
    if deterministic:
        frame = vruns.deterministic(sc, horizon)
        shown = frame[frame["month"] % 12 == 0].round(4) if fmt == Format.table else frame
        emit(Output({"trajectory": Table(shown, f"{sc.title}: deterministic run (every 12th month shown)")}),
             fmt)
        return
    if any(not 0 < t <= 1 for t in threshold):
        raise InputError(f"--threshold {threshold}: each threshold must be in (0, 1]")
    if len(threshold) > 10:
        raise InputError(f"--threshold given {len(threshold)} times: at most 10 thresholds")
    from rich.progress import Progress

    with Progress(console=console(stderr=True), transient=True) as bar:
        task = bar.add_task(f"{sc.name}: {runs:,} runs", total=runs)
        counts = vruns.run_ensemble(sc, runs, horizon, seed, scheduler, thresholds=tuple(threshold),
                                    progress=lambda n: bar.advance(task, n))
    full = vruns.bands(sc, counts)
    cols = ["date", "stock", "q05", "q50", "q95"] + [c for c in full.columns if c.startswith("p_reached")]
    shown = full[full["month"] % 12 == 0].round(3) if fmt == Format.table else full
    emit(Output({"bands": Table(shown, f"{sc.title}: {runs:,} runs, median and 5-95 % band (yearly)", cols)},
                document=vruns.summary_json(sc, counts, full)), fmt)


@app.command("compare", epilog="Example: panmun vectors compare baseline cma-restored freeze-for-relief "
             "--runs 500 --horizon 60")
def compare_(
    scenarios: list[str] = typer.Argument(..., help="Two or more scenarios (names or files)."),
    runs: int = RunsOption,
    horizon: int = typer.Option(120, "--horizon", min=1, max=limits.MAX_HORIZON, help="Months to simulate."),
    seed: int = SeedOption,
    scheduler: str | None = SchedulerOption,
    chart: Path | None = chart_option("Also draw the medians and bands (PNG, SVG or PDF)."),
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
    frame = vruns.compare(loaded, runs, horizon, seed, scheduler=scheduler)
    if chart is not None:
        from panmun.vectors.charts import comparison_chart

        comparison_chart(loaded, runs, horizon, seed, chart)
        say(f"chart written to {chart}")
    emit(Output({"comparison": Table(frame.round(3), f"Scenarios compared ({runs:,} runs each, seed {seed}); "
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


@app.command("calibrate", epilog="Example: panmun vectors calibrate --start 2018-01 --end 2024-12")
def calibrate_(
    ctx: typer.Context,
    start: str = typer.Option("2018-01", "--start", help="First month fitted (YYYY-MM)."),
    end: str = typer.Option("2024-12", "--end", help="Last month fitted (YYYY-MM)."),
    check: bool = typer.Option(True, "--check/--no-check", help="Also the out-of-sample check "
                               "(fit 2018-2021, forecast 2022-2024, against carry-forward)."),
    table: str | None = TableOption,
    fmt: Format = FormatOption,
) -> None:
    """Fit the model to the implementation record (maximum likelihood; see docs/vectors-calibration.md)."""
    from panmun.vectors.calibrate import calibrate, out_of_sample

    store = store_from(ctx)
    result = calibrate(store, start=start, end=end)
    out = Output({
        "parameters": Table(result.table(), f"Calibration {start}..{end} (MAP, priors at the defaults)"),
        "fit": Table(result.fit_table(), "Fit per vector"),
        "index": Table(result.index.table() if result.index_used else [],
                       f"Environment index as a fourth series ({result.index_months} months): "
                       "index = a + b x trust", ["parameter", "estimate", "se"]),
        "out_of_sample": Table(out_of_sample(store) if check else [],
                               "Out of sample: fit 2018-2021, forecast 2022-2024 (RMSE)",
                               ["vector", "model_rmse", "carry_forward_rmse", "months"])},
        fields={"start": start, "end": end, "index_used": bool(result.index_used)},
        title="Calibration window")
    if not result.index_used:
        say("No ingested KOR-PRK events in 24 or more months of the window: the fit uses the implementation "
            "record only.")
    emit(out, fmt, table)


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


@app.command("interactions", epilog="Example: panmun vectors interactions")
def interactions_(
    ctx: typer.Context,
    chart: Path | None = chart_option("Also draw W as a heat map (PNG, SVG or PDF)."),
    fmt: Format = FormatOption,
) -> None:
    """The interaction matrix W: defaults, and estimates with 90 % intervals from the record."""
    import pandas as pd

    from panmun.vectors.calibrate import calibrate
    from panmun.vectors.parameters import BY_NAME, INTERACTIONS

    table = calibrate(store_from(ctx)).table().set_index("parameter")
    rows = []
    for (on, by), name in INTERACTIONS.items():
        est = table.loc[name]
        rows.append({"parameter": name, "pull": f"{by} -> {on}", "default": BY_NAME[name].default,
                     "estimate": est["estimate"], "low90": est["low90"], "high90": est["high90"],
                     "identifiable": bool(est["identifiable"]), "at_bound": bool(est["at_bound"])})
    frame = pd.DataFrame(rows)
    if chart is not None:
        from panmun.vectors.charts import interaction_figure, save

        save(interaction_figure(dict(zip(frame["parameter"], frame["estimate"], strict=True)),
                                dict(zip(frame["parameter"], frame["low90"], strict=True)),
                                dict(zip(frame["parameter"], frame["high90"], strict=True))), chart)
        say(f"chart written to {chart}")
    emit(Output({"interactions": Table(frame.round(3), "Interaction matrix W (drive on a vector per unit of "
                                       "another's progress)")}), fmt)
