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
BacktestTargetOption = typer.Option(
    "missile-launch", "--target", "-t",
    help="missile-launch, provocation (any launch in the month), launch-days (launch days in the "
    "month, scored by CRPS), launch-3m, launch-6m (a launch within 3 or 6 months) or "
    "nuclear-test-12m (a nuclear test within 12 months); see docs/forecast.md.")
DataOption = typer.Option(None, "--data", callback=input_file,
                          help="Your own file of launches, replacing the shipped CNS "
                          "copy (e.g. a newer CNS export).")
DataFormatOption = typer.Option("cns-missiles", "--data-format", help="Layout of --data: cns-missiles "
                                "(the CNS database) or csv (panmun's plain CSV layout).")
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


def _interval(lo, hi) -> list[str]:
    return [f"{a:+.2f}..{b:+.2f}" for a, b in zip(lo, hi, strict=True)]


def _backtest_tables(result, target: str, fmt: Format) -> dict:
    """The backtest's tables, the one the target asks for first."""
    scores = result.scores
    table_fmt = fmt == Format.table
    shown = scores.assign(
        bss_climatology_90=_interval(scores["bss_climatology_lo"], scores["bss_climatology_hi"]),
        bss_persistence_90=_interval(scores["bss_persistence_lo"], scores["bss_persistence_hi"]),
        bss_best_baseline_90=_interval(scores["bss_best_baseline_lo"], scores["bss_best_baseline_hi"]))
    tables = {
        "scores": Table(scores if not table_fmt else shown,
                        f"Scores (lower Brier and log loss are better; BSS > 0 beats the reference; best "
                        f"baseline: {result.best_baseline}; DM < 0: better than it)",
                        ["model", "brier", "log_loss", "auc_pr", "bss_climatology", "bss_persistence",
                         "bss_best_baseline", "bss_best_baseline_90", "dm_best_baseline", "dm_p",
                         "reliability", "resolution", "uncertainty"]),
        "counts": Table(result.count_scores, "Launch days in the month: CRPS and log score (lower is "
                        f"better), skill against the best count baseline ({result.count_best_baseline})",
                        ["model", "crps", "log_score", "mean_forecast", "mean_observed", "coverage90",
                         "crpss_best_baseline", "dm_best_baseline", "dm_p"]),
        "horizons": Table(result.horizon_scores, "A launch within h months: scores of the h-month "
                          "probabilities",
                          ["horizon", "model", "months", "positive", "brier", "best_baseline",
                           "bss_best_baseline", "dm_best_baseline", "dm_p"]),
        "periods": Table(result.periods, "Scores per period of the protocol (selection 1995-2015, check "
                         "2016-2021, after), against the best baseline of each",
                         ["period", "months", "positive", "score", "model", "value", "best_baseline",
                          "best_baseline_value", "skill", "dm", "dm_p"]),
        "track": Table(result.track, "Track record: the last months' forecasts of the chosen model and of "
                       "the best baseline, with running Brier scores"),
        "reliability": Table(result.reliability if not table_fmt else _reliability_wide(result.reliability),
                             "Reliability: observed frequency (forecasts) per forecast-probability bin"),
        "segments": Table(result.segments, "Scores by the record deciding the month",
                          ["coverage", "model", "first", "last", "months", "positive_months", "brier",
                           "bss_climatology"]),
        "weights": Table(result.weights, "Weights of the combination at the last month forecast"),
        "coefficients": Table(result.coefficients, "Logistic coefficients (log-odds per standard "
                              "deviation): last fit, and mean/min/max over all fits"),
        "coverage": Table(result.coverage, "Which record decides each month")}
    if target == "launch-days":
        first = "counts"
    elif target in ("launch-3m", "launch-6m"):
        h = int(target[len("launch-"):-1])
        horizons = result.horizon_scores
        tables["horizons"].rows = horizons[horizons["horizon"] == h].reset_index(drop=True)
        first = "horizons"
    else:
        first = "scores"
    if target == "nuclear-test-12m":
        for name in ("counts", "horizons", "weights", "coefficients"):
            tables.pop(name)
    return {first: tables.pop(first), **tables}


BACKTEST_TARGETS = ("missile-launch", "provocation", "launch-days", "launch-3m", "launch-6m",
                    "nuclear-test-12m")


@app.command("backtest", epilog="Example: panmun forecast backtest --target missile-launch --start 2015-01")
def backtest_(
    ctx: typer.Context,
    target: str = BacktestTargetOption,
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
    Brier score, log loss, AUC-PR, skill against climatology, persistence and the best
    baseline (moving averages and a weighted average among them), Diebold-Mariano
    comparisons, launch-day forecasts scored by CRPS, 3- and 6-month probabilities, scores
    per protocol period and the track record of the last 24 months."""
    import datetime as dt

    from panmun.environment.forecast import forecast_data, run_backtest
    from panmun.environment.forecast.nuclear import run_nuclear_backtest
    from panmun.errors import InputError

    if target not in BACKTEST_TARGETS:
        raise InputError(f"--target {target!r} is not a backtest target; choose one of: "
                         + ", ".join(BACKTEST_TARGETS))
    settings = _settings(window)
    series = "provocation" if target == "provocation" else "missile-launch"
    until = dt.date.today()
    with store_from(ctx) as store:
        data_ = forecast_data(store, series, data=data, data_format=data_format, until=until)
        if target == "nuclear-test-12m":
            result = run_nuclear_backtest(data_, store, until, start, end, settings)
        else:
            result = run_backtest(data_, start, end, settings)
    document = result.as_dict()
    document["target"] = target
    out = Output(_backtest_tables(result, target, fmt), document=document)
    out.notes.append(f"Backtest of {target}: {result.n_months} months forecast, {result.start} to "
                     f"{result.end}, {result.n_positive} with the event; training window "
                     f"{settings.window or 'all'} months. Chosen model (frozen on 1995-2015): "
                     f"{result.chosen}; best baseline over these months: {result.best_baseline}. "
                     f"CNS file: {result.cns_file}")
    check = result.kb_check
    if check.get("window"):
        out.notes.append(
            f"Check: where CNS and the curated knowledge base overlap ({check['window']}), the knowledge "
            f"base lists {check['kb_lists']} of the {check['cns_launch_months']} months with a CNS "
            f"ballistic launch. After the CNS record it lists {check['kb_launch_months_after_cns']} launch "
            "months (docs/forecast.md).")
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
                             "models' 90% intervals (and parameter draws behind the regime model's)."),
    table: str | None = TableOption,
    fmt: Format = FormatOption,
) -> None:
    """The coming month (the month after the last month with data): the chosen model's
    probability of the event with its 90% interval, the expected launch days with 90%
    intervals, the probabilities of a launch within 3 and 6 months, every model's forecast,
    the combination's weights and the logistic model's top contributions."""
    import dataclasses

    from panmun.environment.forecast import next_month

    settings = dataclasses.replace(_settings(window), next_boot=boot)
    with store_from(ctx) as store:
        result = next_month(store, target, data=data, data_format=data_format, settings=settings)
    head = result.headline()
    out = Output({
        "chosen": Table([head], "The chosen models' forecast (90% intervals)"),
        "probabilities": Table(result.probabilities.assign(target=result.target, month=result.month),
                               "Probability of the event (90% interval), every model",
                               ["model", "probability", "lo", "hi"]),
        "launch_days": Table(result.launch_days, "Launch days in the month: expected number with the "
                             "90% interval of that expectation (mean_lo..mean_hi) and the 90% predictive "
                             "interval of the count (lo..hi)"),
        "horizons": Table(result.horizons, "Probability of a launch within h months"),
        "weights": Table(result.weights, "The combination: each model's weight and its share of the "
                         "probability"),
        "contributions": Table(result.contributions.head(top), "Top contributions to the logistic forecast "
                               f"(log-odds; intercept {result.intercept:+.2f})")},
        document=result.as_dict())
    out.notes.insert(0, f"{result.target} in {result.month} (data through {result.data_through}, last "
                     f"months decided by the {result.last_record} record; {result.training_months} "
                     f"training months): {head['model']} {head['probability']:.2f} "
                     f"[{head['lo']:.2f}, {head['hi']:.2f}]; expected launch days "
                     f"{head['expected_days']:.1f} "
                     f"(90% predictive interval {head['days_lo']}-{head['days_hi']})")
    emit(out, fmt, table)
