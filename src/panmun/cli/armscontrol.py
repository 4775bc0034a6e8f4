"""``panmun armscontrol``: confidence-building measures and the incident–escalation risk model.

The model modules are imported inside the commands so that other ``panmun`` commands do
not pay for loading them.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer

from panmun.cli.common import FormatOption, store_from
from panmun.cli.output import Format, console, render, render_mapping
from panmun.errors import InputError

app = typer.Typer(help="Arms-control measures, the incident–escalation risk model, packages compared.",
                  no_args_is_help=True)

BUILTIN_PACKAGES = ("none", "cma-2018", "cma-2018-full", "status-today")
YearsOption = typer.Option(1, "--years", help="Years per period: risks are of at least one event within it.")
RunsOption = typer.Option(400, "--runs", help="Parameter draws from the calibration's posterior.")
SimsOption = typer.Option(2500, "--sims", help="Simulated periods per parameter draw.")
SeedOption = typer.Option(0, "--seed", help="Seed of the draws and simulations.")
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


def _check(years: int, runs: int, sims: int) -> None:
    for name, value, low in (("--years", years, 1), ("--runs", runs, 1), ("--sims", sims, 1)):
        if value < low:
            raise InputError(f"{name} {value}: give at least {low}")
    if years > 50:
        raise InputError(f"--years {years}: at most 50")


@app.command("measures")
def measures_(ctx: typer.Context,
              status_at: str | None = typer.Option(None, "--status-at", help="Status on this date "
                                                   "(YYYY-MM-DD; default today)."),
              fmt: Format = FormatOption) -> None:
    """The catalogue of measures: what each restricts, how it is verified, its status."""
    from panmun.armscontrol.measures import measures_table

    frame = measures_table(store_from(ctx), status_at)
    cols = [c for c in ("id", "kind", "domains", "provision", "status", "since", "burden", "reversibility")
            if c in frame.columns]
    render(frame, fmt, title=f"Arms-control measures (status at {status_at or 'today'})", columns=cols)


@app.command("risk")
def risk_(ctx: typer.Context,
          package: str = typer.Option("status-today", "--package", help="A built-in package "
                                      f"({', '.join(BUILTIN_PACKAGES)}) or a package YAML file."),
          years: int = YearsOption, runs: int = RunsOption, sims: int = SimsOption, seed: int = SeedOption,
          tension: str | None = TensionOption, fmt: Format = FormatOption) -> None:
    """Probability of at least one deadly clash, and of escalation beyond one, with intervals."""
    from panmun.armscontrol.calibrate import calibrate
    from panmun.armscontrol.model import risk
    from panmun.armscontrol.packages import load_package

    _check(years, runs, sims)
    pkg = _with_tension(ctx, [load_package(package)], tension)[0]
    base = calibrate(store_from(ctx)).posterior.draw(runs, seed)
    result = {"package": pkg.name, "title": pkg.title, **risk(pkg.params(base), years=years, sims=sims,
                                                             seed=seed)}
    if fmt == Format.json:
        render_mapping(result, fmt)
        return
    rows = [{"quantity": f"P(at least one deadly clash in {years} year(s))", **result["p_deadly_clash"]},
            {"quantity": f"P(escalation beyond a clash in {years} year(s))", **result["p_escalation"]}]
    rows += [{"quantity": f"incidents per year: {d}", **s} for d, s in result["incidents_by_domain"].items()]
    render(pd.DataFrame(rows).round(4), fmt, title=f"Risk with the package {pkg.name}: median and 90 % "
           f"interval over {result['runs']} posterior draws ({result['simulated_years']:,} simulated years)")


@app.command("compare")
def compare_(ctx: typer.Context,
             packages: list[str] = typer.Argument(None, help="Packages (names or files); default the "
                                                  "four built-in ones."),
             marginal: str | None = typer.Option("status-today", "--marginal", help="Also the effect of "
                                                 "adding or removing each measure from this package."),
             years: int = YearsOption, runs: int = RunsOption, sims: int = SimsOption, seed: int = SeedOption,
             tension: str | None = TensionOption,
             chart: Path | None = typer.Option(None, "--chart",
                                               help="Also draw the comparison (PNG or SVG)."),
             fmt: Format = FormatOption) -> None:
    """Packages ranked by the risk they leave, and each measure's marginal effect."""
    from panmun.armscontrol.calibrate import calibrate
    from panmun.armscontrol.packages import compare, flat_risk, load_package, marginal_table

    _check(years, runs, sims)
    loaded = _with_tension(ctx, [load_package(p) for p in (packages or BUILTIN_PACKAGES)], tension)
    base = calibrate(store_from(ctx)).posterior.draw(runs, seed)
    ranked = pd.DataFrame([flat_risk(r) for r in compare(loaded, base, years=years, sims=sims, seed=seed)])
    ranked.insert(0, "rank", range(1, len(ranked) + 1))
    cols = ["rank", "package", "p_deadly_clash_median", "p_deadly_clash_low", "p_deadly_clash_high",
            "p_escalation_median", "reduction"]
    render(ranked.drop(columns=["title"]).round(4), fmt, columns=cols,
           title=f"Packages ranked by P(at least one deadly clash in {years} year(s)); reduction vs 'none'")
    effects = None
    if marginal:
        reference = _with_tension(ctx, [load_package(marginal)], tension)[0]
        effects = marginal_table(reference, base, years)
        render(effects.round(4), fmt, title=f"Change in P(deadly clash) from adding or removing each measure "
               f"in {marginal} (median and 90 % interval over the posterior)")
    if chart is not None:
        from panmun.armscontrol.charts import comparison_figure
        from panmun.vectors.charts import save

        save(comparison_figure(ranked, effects), chart)
        console(stderr=True).print(f"chart written to {chart}")


@app.command("verification")
def verification_(package: str = typer.Option("cma-2018-full", "--package"),
                  fmt: Format = FormatOption) -> None:
    """What a package's measures need verified, by which means, and the burden."""
    from panmun.armscontrol.measures import verification
    from panmun.armscontrol.packages import load_package

    pkg = load_package(package)
    render(verification(sorted(m for m, v in pkg.levels.items() if v > 0)), fmt,
           title=f"Verification of {pkg.name} (burden: low 1, medium 2, high 3)")


@app.command("balance")
def balance_(fmt: Format = FormatOption) -> None:
    """The conventional force balance near the border, from sourced open figures."""
    from panmun.armscontrol.measures import force_balance

    render(force_balance(), fmt, title="Force balance near the border (sourced open figures)")
