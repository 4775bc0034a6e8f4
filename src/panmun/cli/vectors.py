"""``panmun vectors``: the three-vector model (denuclearization, peace regime, arms control).

The model modules (numpy, SALib, Dask, scipy behind them) are imported inside the
commands so that other ``panmun`` commands do not pay for loading them.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer

from panmun.cli.common import FormatOption, store_from
from panmun.cli.output import Format, console, render, render_mapping
from panmun.errors import InputError

app = typer.Typer(help="The three-vector model: scenarios, ensembles, calibration, sensitivity, XMILE.",
                  no_args_is_help=True)

ScenarioArg = typer.Argument(..., help="A built-in scenario (see `panmun vectors scenarios`) or a YAML file.")
HorizonOption = typer.Option(None, "--horizon", help="Months to simulate (1..360; default the scenario's).")
SeedOption = typer.Option(0, "--seed", help="Seed of the random shocks (same seed, same result).")
RunsOption = typer.Option(1000, "--runs", "-n", help="Runs in the ensemble.")
SchedulerOption = typer.Option(None, "--scheduler", help="Run the ensemble on Dask: 'local' or tcp://HOST:PORT.")


def _scenario(name: str):
    from panmun.vectors.scenarios import load_scenario

    return load_scenario(name)


def _check_runs(runs: int) -> None:
    if runs < 1:
        raise InputError(f"--runs {runs}: give at least 1 run")


@app.command("scenarios")
def scenarios_(fmt: Format = FormatOption) -> None:
    """List the built-in scenarios."""
    from panmun.vectors.scenarios import BUILTIN

    rows = []
    for name in BUILTIN:
        sc = _scenario(name)
        rows.append({"name": sc.name, "title": sc.title, "start": sc.start, "horizon": sc.horizon,
                     "changes": len(sc.changes), "interventions": len(sc.interventions)})
    render(pd.DataFrame(rows), fmt, title="Built-in scenarios")


@app.command("parameters")
def parameters_(fmt: Format = FormatOption) -> None:
    """The model's parameters: symbol, meaning, unit, default (judgement) and range."""
    from panmun.vectors.parameters import PARAMETERS

    frame = pd.DataFrame([{"name": p.name, "symbol": p.symbol, "meaning": p.meaning, "unit": p.unit,
                           "default": p.default, "low": p.low, "high": p.high} for p in PARAMETERS])
    render(frame, fmt, title="Three-vector model parameters (defaults are judgement; see docs/vectors.md)")


@app.command("simulate")
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
        if fmt == Format.table:
            frame = frame[frame["month"] % 12 == 0].round(4)
        render(frame, fmt, title=f"{sc.title}: deterministic run (every 12th month shown)")
        return
    _check_runs(runs)
    if any(not 0 < t <= 1 for t in threshold):
        raise InputError(f"--threshold {threshold}: each threshold must be in (0, 1]")
    from rich.progress import Progress

    with Progress(console=console(stderr=True), transient=True) as bar:
        task = bar.add_task(f"{sc.name}: {runs:,} runs", total=runs)
        counts = vruns.run_ensemble(sc, runs, horizon, seed, scheduler, thresholds=tuple(threshold),
                                    progress=lambda n: bar.advance(task, n))
    table = vruns.bands(sc, counts)
    if fmt == Format.json:
        render_mapping(vruns.summary_json(sc, counts, table), fmt)
        return
    if fmt == Format.table:
        table = table[table["month"] % 12 == 0].round(3)
        cols = ["date", "stock", "q05", "q50", "q95"] + \
            [c for c in table.columns if c.startswith("p_reached")]
        render(table, fmt, title=f"{sc.title}: {runs:,} runs, median and 5-95 % band (yearly)", columns=cols)
        return
    render(table, fmt)


@app.command("compare")
def compare_(
    scenarios: list[str] = typer.Argument(..., help="Two or more scenarios (names or files)."),
    runs: int = RunsOption,
    horizon: int = typer.Option(120, "--horizon", help="Months to simulate."),
    seed: int = SeedOption,
    scheduler: str | None = SchedulerOption,
    chart: Path | None = typer.Option(None, "--chart", help="Also draw the medians and bands (PNG or SVG)."),
    fmt: Format = FormatOption,
) -> None:
    """Compare scenarios: medians, bands and differences from the first, at 1, 5 and 10 years."""
    from panmun.vectors import runs as vruns

    if len(scenarios) < 2:
        raise InputError("give two or more scenarios to compare")
    _check_runs(runs)
    loaded = [_scenario(s) for s in scenarios]
    frame = vruns.compare(loaded, runs, horizon, seed, scheduler=scheduler)
    render(frame.round(3), fmt, title=f"Scenarios compared ({runs:,} runs each, seed {seed}); diff_* = "
           f"quantiles of the run-by-run difference from {loaded[0].name}, p_higher = share of runs above it")
    if chart is not None:
        from panmun.vectors.charts import comparison_chart

        comparison_chart(loaded, runs, horizon, seed, chart)
        console(stderr=True).print(f"chart written to {chart}")


@app.command("export")
def export_(
    xmile: Path = typer.Option(..., "--xmile", help="The XMILE file to write."),
    scenario: str = typer.Option("baseline", "--scenario",
                                 help="Whose drivers and interventions to build in."),
    horizon: int | None = HorizonOption,
) -> None:
    """Write the deterministic model, with a scenario's drivers, as a standard XMILE file."""
    from panmun.vectors.xmile import write_xmile

    sc = _scenario(scenario)
    write_xmile(xmile, sc.setup(horizon), sc.parameters, name=f"panmun three-vector model: {sc.name}")
    console(stderr=True).print(f"XMILE model written to {xmile}")


@app.command("calibrate")
def calibrate_(
    ctx: typer.Context,
    start: str = typer.Option("2018-01", "--start", help="First month fitted (YYYY-MM)."),
    end: str = typer.Option("2024-12", "--end", help="Last month fitted (YYYY-MM)."),
    check: bool = typer.Option(True, "--check/--no-check", help="Also the out-of-sample check "
                               "(fit 2018-2021, forecast 2022-2024, against carry-forward)."),
    fmt: Format = FormatOption,
) -> None:
    """Fit the model to the implementation record (maximum likelihood; see docs/vectors-calibration.md)."""
    from panmun.vectors.calibrate import calibrate, out_of_sample

    store = store_from(ctx)
    result = calibrate(store, start=start, end=end)
    render(result.table(), fmt, title=f"Calibration {start}..{end} (MAP, priors at the defaults)")
    render(result.fit_table(), fmt, title="Fit per vector")
    if result.index_used:
        render(result.index.table(), fmt, title=f"Environment index as a fourth series "
               f"({result.index_months} months): index = a + b x trust")
    else:
        console(stderr=True).print("No ingested KOR-PRK events in 24 or more months of the window: "
                                   "the fit uses the implementation record only.")
    if check:
        render(out_of_sample(store), fmt, title="Out of sample: fit 2018-2021, forecast 2022-2024 (RMSE)")


@app.command("sensitivity")
def sensitivity_(
    method: str = typer.Option("sobol", "--method", help="sobol or morris."),
    scenario: str = typer.Option("baseline", "--scenario"),
    samples: int = typer.Option(256, "--samples", help="Base samples (Sobol: N; Morris: trajectories)."),
    seed: int = SeedOption,
    chart: Path | None = typer.Option(None, "--chart", help="Also draw the indices (PNG or SVG)."),
    fmt: Format = FormatOption,
) -> None:
    """Which parameters and drivers move D and P at 10 years (SALib: Sobol or Morris)."""
    from panmun.vectors.model import DRIVER_NAMES
    from panmun.vectors.sensitivity import sensitivity

    if method not in ("sobol", "morris"):
        raise InputError(f"--method {method!r}: choose sobol or morris")
    if samples < 2 or (method == "sobol" and samples & (samples - 1)):
        raise InputError(f"--samples {samples}: Sobol sampling needs a power of 2 (e.g. 256 or 1024)")
    sc = _scenario(scenario)
    frame = sensitivity(sc.setup(120), method=method, n=samples, seed=seed, drivers=DRIVER_NAMES,
                        params=sc.parameters)
    render(frame.round(4), fmt, title=f"Sensitivity ({method}, {sc.name}, 10 years)")
    if chart is not None:
        from panmun.vectors.charts import sensitivity_chart

        sensitivity_chart(frame, method, chart)
        console(stderr=True).print(f"chart written to {chart}")


@app.command("interactions")
def interactions_(
    ctx: typer.Context,
    chart: Path | None = typer.Option(None, "--chart", help="Also draw W as a heat map (PNG or SVG)."),
    fmt: Format = FormatOption,
) -> None:
    """The interaction matrix W: defaults, and estimates with 90 % intervals from the record."""
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
    render(frame.round(3), fmt,
           title="Interaction matrix W (drive on a vector per unit of another's progress)")
    if chart is not None:
        from panmun.vectors.charts import interaction_figure, save

        save(interaction_figure(dict(zip(frame["parameter"], frame["estimate"], strict=True)),
                                dict(zip(frame["parameter"], frame["low90"], strict=True)),
                                dict(zip(frame["parameter"], frame["high90"], strict=True))), chart)
        console(stderr=True).print(f"chart written to {chart}")
