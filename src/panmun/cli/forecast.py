"""``panmun forecast``: escalation forecasts and their rolling-origin backtests.

The analysis modules (and scikit-learn behind them) are imported inside the commands, so
that other ``panmun`` commands do not pay for loading them at start-up.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer

from panmun.cli.common import FormatOption, store_from
from panmun.cli.output import Format, console, render, render_mapping
from panmun.errors import InputError

app = typer.Typer(help="Escalation forecasts (next month) and backtests.", no_args_is_help=True)

TargetOption = typer.Option("missile-launch", "--target", "-t",
                            help="missile-launch or provocation (see docs/forecast.md).")
DataOption = typer.Option(None, "--data", help="Your own file of launches, replacing the shipped CNS "
                          "copy (e.g. a newer CNS export).")
DataFormatOption = typer.Option("cns-missiles", "--data-format", help="Layout of --data: cns-missiles.")
WindowOption = typer.Option(120, "--window", help="Training window in months before each forecast "
                            "month; 0 uses every earlier month.")


def _settings(window: int):
    """The model settings with the training window of ``--window`` (0: every earlier month)."""
    from panmun.environment.forecast import ForecastSettings

    if window < 0:
        raise InputError(f"--window {window} is negative; give months (0 for every earlier month)")
    return ForecastSettings(window=window or None)


def _reliability_wide(reliability: pd.DataFrame) -> pd.DataFrame:
    """One row per bin, one column per model: observed frequency (number of forecasts)."""
    cells = reliability.assign(
        cell=[f"{o:.2f} ({n})" if n else "–" for o, n in zip(reliability["observed"], reliability["n"],
                                                             strict=True)],
        forecast=[f"{lo:.1f}–{hi:.1f}" for lo, hi in zip(reliability["lo"], reliability["hi"], strict=True)])
    wide = cells.pivot(index="forecast", columns="model", values="cell")
    return wide[list(dict.fromkeys(reliability["model"]))].reset_index()


@app.command("backtest")
def backtest_(
    ctx: typer.Context,
    target: str = TargetOption,
    data: Path | None = DataOption,
    data_format: str = DataFormatOption,
    start: str | None = typer.Option(None, "--start", help="First month forecast (YYYY-MM; default "
                                     "2010-01)."),
    end: str | None = typer.Option(None, "--end", help="Last month forecast (YYYY-MM; default the "
                                   "last month with data)."),
    window: int = WindowOption,
    fmt: Format = FormatOption,
) -> None:
    """Rolling-origin backtest: each month is forecast by models fitted on earlier months only;
    Brier score, log loss, AUC-PR and skill against climatology and persistence."""
    from panmun.environment.forecast import backtest

    settings = _settings(window)
    with store_from(ctx) as store:
        result = backtest(store, target, start=start, end=end, data=data, data_format=data_format,
                          settings=settings)
    if fmt == Format.json:
        render_mapping(result.as_dict(), fmt)
        return
    scores = result.scores
    if fmt == Format.csv:
        render(scores, fmt)
        return
    out = console()
    out.print(f"Backtest of {result.target}: {result.n_months} months forecast, {result.start} to "
              f"{result.end}, {result.n_positive} with the event; training window "
              f"{settings.window or 'all'} months. CNS file: {result.cns_file}", highlight=False)
    shown = scores.assign(
        bss_climatology_90=[f"{lo:+.2f}..{hi:+.2f}" for lo, hi in
                            zip(scores["bss_climatology_lo"], scores["bss_climatology_hi"], strict=True)],
        bss_persistence_90=[f"{lo:+.2f}..{hi:+.2f}" for lo, hi in
                            zip(scores["bss_persistence_lo"], scores["bss_persistence_hi"], strict=True)])
    render(shown, fmt, title="Scores (lower Brier and log loss are better; BSS > 0 beats the reference)",
           columns=["model", "brier", "log_loss", "auc_pr", "bss_climatology", "bss_climatology_90",
                    "bss_persistence", "bss_persistence_90"])
    render(_reliability_wide(result.reliability), fmt,
           title="Reliability: observed frequency (forecasts) per forecast-probability bin")
    render(result.segments, fmt, title="Scores by the record deciding the month",
           columns=["coverage", "model", "first", "last", "months", "positive_months", "brier",
                    "bss_climatology"])
    render(result.coefficients, fmt, title="Logistic coefficients (log-odds per standard deviation): "
           "last fit, and mean/min/max over all fits")
    render(result.coverage, fmt, title="Which record decides each month")
    check = result.kb_check
    if check.get("window"):
        out.print(f"Check: where CNS and the curated knowledge base overlap ({check['window']}), the "
                  f"knowledge base lists {check['kb_lists']} of the {check['cns_launch_months']} months "
                  f"with a CNS ballistic launch. After the CNS record it lists "
                  f"{check['kb_launch_months_after_cns']} launch months, chosen as key events: months "
                  "without a listed launch may still have had one (docs/forecast.md).", highlight=False)


@app.command("next")
def next_(
    ctx: typer.Context,
    target: str = TargetOption,
    data: Path | None = DataOption,
    data_format: str = DataFormatOption,
    window: int = WindowOption,
    top: int = typer.Option(5, "--top", help="Number of contributing features shown."),
    boot: int = typer.Option(200, "--boot", help="Bootstrap refits behind the logistic models' 90% "
                             "intervals (at least 10)."),
    fmt: Format = FormatOption,
) -> None:
    """Probability of the event in the month after the last month with data, from each model,
    with the logistic model's top contributing features."""
    import dataclasses

    from panmun.environment.forecast import next_month

    if boot < 10:
        raise InputError(f"--boot {boot} is too few refits for a 90% interval; give at least 10")
    settings = dataclasses.replace(_settings(window), next_boot=boot)
    with store_from(ctx) as store:
        result = next_month(store, target, data=data, data_format=data_format, settings=settings)
    if fmt == Format.json:
        render_mapping(result.as_dict(), fmt)
        return
    if fmt == Format.csv:
        render(result.probabilities.assign(target=result.target, month=result.month), fmt)
        return
    console().print(f"{result.target} in {result.month} (data through {result.data_through}, last "
                    f"months decided by the {result.last_record} record; {result.training_months} "
                    "training months)", highlight=False)
    render(result.probabilities, fmt, title="Probability of the event (90% interval)")
    render(result.contributions.head(top), fmt,
           title=f"Top contributions to the logistic forecast (log-odds; intercept {result.intercept:+.2f})")
