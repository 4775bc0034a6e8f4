"""``panmun armscontrol``: confidence-building measures and the incident–escalation risk model.

The model modules are imported inside the commands so that other ``panmun`` commands do
not pay for loading them.
"""

from __future__ import annotations

from pathlib import Path

import typer

from panmun import limits
from panmun.cli.common import FormatOption, SeedOption, TableOption, chart_option, store_from
from panmun.cli.output import Format, Output, Table, console, emit, say
from panmun.errors import InputError

app = typer.Typer(help="Arms-control measures, the incident–escalation risk model, packages compared.",
                  no_args_is_help=True)

BUILTIN_PACKAGES = ("none", "cma-2018", "cma-2018-full", "status-today")
YearsOption = typer.Option(1, "--years", min=1, max=limits.MAX_RISK_YEARS,
                          help="Years per period: risks are of at least one event within it.")
RunsOption = typer.Option(400, "--runs", min=1, max=limits.MAX_RISK_RUNS,
                         help="Parameter draws from the calibration's posterior (runs x sims x years at most "
                              f"{limits.MAX_SIMULATED_YEARS:,}).")
SimsOption = typer.Option(2500, "--sims", min=1, max=limits.MAX_SIMULATED_YEARS,
                          help="Simulated periods per parameter draw.")
TensionOption = typer.Option(None, "--tension", help="Tension in [0, 1] (0.5: the calibration record's "
                             "typical level), or 'index' to read it from the ingested KOR-PRK index.")


def _with_tension(ctx: typer.Context, packages: list, tension: str | None) -> list:
    """The packages with tension set from ``--tension`` (a number, or read from the index)."""
    from dataclasses import replace

    if tension is None:
        return packages
    if tension == "index":
        from panmun.armscontrol.tension import tension_from_index

        reading = tension_from_index(store_from(ctx))
        value = reading.value
        console(stderr=True).print(
            f"tension {value:.2f}: the last {reading.window} months of the {reading.source} KOR-PRK index "
            f"(to {reading.last_month}) ranked against every {reading.window}-month window since "
            f"{reading.first_month}")
    else:
        try:
            value = float(tension)
        except ValueError:
            raise InputError(f"--tension {tension!r}: give a number in [0, 1] or 'index'") from None
        if not 0 <= value <= 1:
            raise InputError(f"--tension {value}: give a number in [0, 1] or 'index'")
    return [replace(p, tension=value) for p in packages]


def _posterior_draws(ctx: typer.Context, runs: int, sims: int, years: int, seed: int, packages: int = 1):
    """The calibration's posterior drawn ``runs`` times, once the work is known to be within bounds."""
    from panmun.armscontrol.calibrate import base_rate_draws
    from panmun.armscontrol.model import check_budget

    check_budget(runs, sims, years, packages)
    return base_rate_draws(store_from(ctx), runs, seed)


@app.command("measures", epilog="Example: panmun armscontrol measures --status-at 2019-06-30")
def measures_(ctx: typer.Context,
              status_at: str | None = typer.Option(None, "--status-at", help="Status on this date "
                                                   "(YYYY-MM-DD; default today)."),
              fmt: Format = FormatOption) -> None:
    """The catalogue of measures: what each restricts, how it is verified, its status."""
    from panmun.armscontrol.measures import measures_table

    frame = measures_table(store_from(ctx), status_at)
    cols = [c for c in ("id", "kind", "domains", "provision", "status", "since", "burden", "reversibility")
            if c in frame.columns]
    title = f"Arms-control measures (status at {status_at or 'today'})"
    emit(Output({"measures": Table(frame, title, cols)}), fmt)


@app.command("risk", epilog="Example: panmun armscontrol risk --package cma-2018-full --years 5")
def risk_(ctx: typer.Context,
          package: str = typer.Option("status-today", "--package", help="A built-in package "
                                      f"({', '.join(BUILTIN_PACKAGES)}) or a package YAML file."),
          years: int = YearsOption, runs: int = RunsOption, sims: int = SimsOption, seed: int = SeedOption,
          tension: str | None = TensionOption, fmt: Format = FormatOption) -> None:
    """Probability of at least one deadly clash, and of escalation beyond one, with intervals."""
    from rich.progress import Progress

    from panmun.armscontrol.model import risk
    from panmun.armscontrol.packages import load_package

    pkg = _with_tension(ctx, [load_package(package)], tension)[0]
    base = _posterior_draws(ctx, runs, sims, years, seed)
    with Progress(console=console(stderr=True), transient=True) as bar:
        task = bar.add_task(f"{pkg.name}: {runs:,} draws x {sims:,} periods", total=runs)
        result = {"package": pkg.name, "title": pkg.title,
                  **risk(pkg.params(base), years=years, sims=sims, seed=seed,
                         progress=lambda n: bar.advance(task, n))}
    rows = [{"quantity": f"P(at least one deadly clash in {years} year(s))", **result["p_deadly_clash"]},
            {"quantity": f"P(escalation beyond a clash in {years} year(s))", **result["p_escalation"]}]
    rows += [{"quantity": f"incidents per year: {d}", **s} for d, s in result["incidents_by_domain"].items()]
    emit(Output({"risk": Table(rows, f"Risk with the package {pkg.name}: median and 90 % interval over "
                               f"{result['runs']} posterior draws ({result['simulated_years']:,} simulated "
                               "years)")}, document=result), fmt)


@app.command("compare",
             epilog="Example: panmun armscontrol compare none cma-2018-full status-today --runs 200")
def compare_(ctx: typer.Context,
             packages: list[str] = typer.Argument(None, help="Packages (names or files); default the "
                                                  "four built-in ones."),
             marginal: str | None = typer.Option("status-today", "--marginal", help="Also the effect of "
                                                 "adding or removing each measure from this package."),
             years: int = YearsOption, runs: int = RunsOption, sims: int = SimsOption, seed: int = SeedOption,
             tension: str | None = TensionOption,
             chart: Path | None = chart_option("Also draw the comparison (PNG, SVG or PDF)."),
             table: str | None = TableOption,
             fmt: Format = FormatOption) -> None:
    """Packages ranked by the risk they leave, and each measure's marginal effect."""
    import pandas as pd

    from panmun.armscontrol.packages import compare, flat_risk, load_package, marginal_table

    loaded = _with_tension(ctx, [load_package(p) for p in (packages or BUILTIN_PACKAGES)], tension)
    if len(loaded) > limits.MAX_PACKAGES:
        raise InputError(f"{len(loaded)} packages: compare at most {limits.MAX_PACKAGES} at once")
    base = _posterior_draws(ctx, runs, sims, years, seed, packages=len(loaded))
    ranked = pd.DataFrame([flat_risk(r) for r in compare(loaded, base, years=years, sims=sims, seed=seed)])
    ranked.insert(0, "rank", range(1, len(ranked) + 1))
    ranked = ranked.drop(columns=["title"]).round(4)
    cols = ["rank", "package", "p_deadly_clash_median", "p_deadly_clash_low", "p_deadly_clash_high",
            "p_escalation_median", "reduction"]
    effects = None
    if marginal:
        reference = _with_tension(ctx, [load_package(marginal)], tension)[0]
        effects = marginal_table(reference, base, years).round(4)
    out = Output({
        "packages": Table(ranked, f"Packages ranked by P(at least one deadly clash in {years} year(s)); "
                          "reduction vs 'none'", cols),
        "marginal_effects": Table(effects if effects is not None else [],
                                  f"Change in P(deadly clash) from adding or removing each measure in "
                                  f"{marginal} (median and 90 % interval over the posterior)",
                                  ["measure", "action", "level", "d_p_deadly_median", "d_p_deadly_low",
                                   "d_p_deadly_high"])})
    if chart is not None:
        from panmun.armscontrol.charts import comparison_figure
        from panmun.charts import save

        save(comparison_figure(ranked, effects), chart)
        say(f"chart written to {chart}")
    emit(out, fmt, table)


@app.command("verification", epilog="Example: panmun armscontrol verification --package cma-2018-full")
def verification_(package: str = typer.Option("cma-2018-full", "--package", help="A built-in package or a "
                                              "package YAML file."),
                  fmt: Format = FormatOption) -> None:
    """What a package's measures need verified, by which means, and the burden."""
    from panmun.armscontrol.measures import verification
    from panmun.armscontrol.packages import load_package

    pkg = load_package(package)
    rows = verification(sorted(m for m, v in pkg.levels.items() if v > 0))
    title = f"Verification of {pkg.name} (burden: low 1, medium 2, high 3)"
    emit(Output({"verification": Table(rows, title)}), fmt)


@app.command("balance", epilog="Example: panmun armscontrol balance")
def balance_(fmt: Format = FormatOption) -> None:
    """The conventional force balance near the border, from sourced open figures."""
    from panmun.armscontrol.measures import force_balance

    emit(Output({"balance": Table(force_balance(), "Force balance near the border (sourced open figures)")}),
         fmt)
