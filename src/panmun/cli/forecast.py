"""``panmun forecast``: escalation forecasts and their rolling-origin backtests.

The analysis modules (and scikit-learn behind them) are imported inside the commands, so
that other ``panmun`` commands do not pay for loading them at start-up.
"""

from __future__ import annotations

from pathlib import Path

import typer

from panmun.cli.common import FormatOption, TableOption, input_file, store_from
from panmun.cli.output import Format, Output, Table, emit

app = typer.Typer(help="Escalation forecasts (next month) and backtests.", no_args_is_help=True)

TargetOption = typer.Option("missile-launch", "--target", "-t",
                            help="missile-launch or provocation (see docs/forecast.md).")
DataOption = typer.Option(None, "--data", callback=input_file,
                          help="Your own file of launches, replacing the shipped CNS "
                          "copy (e.g. a newer CNS export).")
DataFormatOption = typer.Option("cns-missiles", "--data-format", help="Layout of --data: cns-missiles.")
WindowOption = typer.Option(120, "--window", min=0, max=1200, help="Training window in months before "
                            "each forecast month; 0 uses every earlier month.")


def _settings(window: int):
    """The model settings with the training window of ``--window`` (0: every earlier month)."""
    from panmun.environment.forecast import ForecastSettings

    return ForecastSettings(window=window or None)


def _reliability_wide(reliability):
    """One row per bin, one column per model: observed frequency (number of forecasts)."""
    cells = reliability.assign(
        cell=[f"{o:.2f} ({n})" if n else "–" for o, n in zip(reliability["observed"], reliability["n"],
                                                             strict=True)],
        forecast=[f"{lo:.1f}–{hi:.1f}" for lo, hi in zip(reliability["lo"], reliability["hi"], strict=True)])
    wide = cells.pivot(index="forecast", columns="model", values="cell")
    return wide[list(dict.fromkeys(reliability["model"]))].reset_index()


@app.command("backtest", epilog="Example: panmun forecast backtest --target missile-launch --start 2015-01")
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
    table: str | None = TableOption,
    fmt: Format = FormatOption,
) -> None:
    """Rolling-origin backtest: each month is forecast by models fitted on earlier months only;
    Brier score, log loss, AUC-PR and skill against climatology and persistence."""
    from panmun.environment.forecast import backtest

    settings = _settings(window)
    with store_from(ctx) as store:
        result = backtest(store, target, start=start, end=end, data=data, data_format=data_format,
                          settings=settings)
    scores = result.scores
    shown = scores.assign(
        bss_climatology_90=[f"{lo:+.2f}..{hi:+.2f}" for lo, hi in
                            zip(scores["bss_climatology_lo"], scores["bss_climatology_hi"], strict=True)],
        bss_persistence_90=[f"{lo:+.2f}..{hi:+.2f}" for lo, hi in
                            zip(scores["bss_persistence_lo"], scores["bss_persistence_hi"], strict=True)])
    out = Output({
        "scores": Table(scores if fmt != Format.table else shown,
                        "Scores (lower Brier and log loss are better; BSS > 0 beats the reference)",
                        ["model", "brier", "log_loss", "auc_pr", "bss_climatology", "bss_climatology_90",
                         "bss_persistence", "bss_persistence_90"]),
        "reliability": Table(result.reliability if fmt != Format.table
                             else _reliability_wide(result.reliability),
                             "Reliability: observed frequency (forecasts) per forecast-probability bin"),
        "segments": Table(result.segments, "Scores by the record deciding the month",
                          ["coverage", "model", "first", "last", "months", "positive_months", "brier",
                           "bss_climatology"]),
        "coefficients": Table(result.coefficients, "Logistic coefficients (log-odds per standard "
                              "deviation): last fit, and mean/min/max over all fits"),
        "coverage": Table(result.coverage, "Which record decides each month")},
        document=result.as_dict())
    out.notes.append(f"Backtest of {result.target}: {result.n_months} months forecast, {result.start} to "
                     f"{result.end}, {result.n_positive} with the event; training window "
                     f"{settings.window or 'all'} months. CNS file: {result.cns_file}")
    check = result.kb_check
    if check.get("window"):
        out.notes.append(
            f"Check: where CNS and the curated knowledge base overlap ({check['window']}), the knowledge "
            f"base lists {check['kb_lists']} of the {check['cns_launch_months']} months with a CNS "
            f"ballistic launch. After the CNS record it lists {check['kb_launch_months_after_cns']} launch "
            "months, chosen as key events: months without a listed launch may still have had one "
            "(docs/forecast.md).")
    emit(out, fmt, table)


@app.command("next", epilog="Example: panmun forecast next --target missile-launch")
def next_(
    ctx: typer.Context,
    target: str = TargetOption,
    data: Path | None = DataOption,
    data_format: str = DataFormatOption,
    window: int = WindowOption,
    top: int = typer.Option(5, "--top", min=1, max=100, help="Number of contributing features shown."),
    boot: int = typer.Option(200, "--boot", min=10, max=10_000, help="Bootstrap refits behind the logistic "
                             "models' 90% intervals."),
    table: str | None = TableOption,
    fmt: Format = FormatOption,
) -> None:
    """Probability of the event in the month after the last month with data, from each model,
    with the logistic model's top contributing features."""
    import dataclasses

    from panmun.environment.forecast import next_month

    settings = dataclasses.replace(_settings(window), next_boot=boot)
    with store_from(ctx) as store:
        result = next_month(store, target, data=data, data_format=data_format, settings=settings)
    out = Output({
        "probabilities": Table(result.probabilities.assign(target=result.target, month=result.month),
                               "Probability of the event (90% interval)",
                               ["model", "probability", "lo", "hi"]),
        "contributions": Table(result.contributions.head(top), "Top contributions to the logistic forecast "
                               f"(log-odds; intercept {result.intercept:+.2f})")},
        document=result.as_dict())
    out.notes.insert(0, f"{result.target} in {result.month} (data through {result.data_through}, last "
                     f"months decided by the {result.last_record} record; {result.training_months} "
                     "training months)")
    emit(out, fmt, table)
