"""The briefing's escalation-forecast section: next-month probabilities, backtest skill,
a reliability diagram and the backtest's forecasts over time (SVG, matplotlib object API).

The forecast package (and scikit-learn behind it) is imported when the section is built,
not when this module is imported, so that ``import panmun`` stays quick.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from panmun.charts import style
from panmun.report.charts import to_svg
from panmun.report.section import Section
from panmun.store.db import Store

if TYPE_CHECKING:
    from panmun.environment.forecast.backtest import BacktestResult

MODEL_COLOURS = {
    "climatology": "#7f7f7f", "persistence": "#e08214", "markov": "#7b3294",
    "logistic": "#0571b0", "logistic-history": "#4dac26", "moving-average": "#b35806",
    "ewma": "#8c510a", "dynamic": "#01665e", "regime": "#c51b7d", "stack": "#d7191c",
}
#: Models whose reliability diagrams the briefing shows (with the chosen model and the best
#: baseline, when they are not among them).
RELIABILITY_MODELS = ("climatology", "markov", "ewma", "dynamic", "regime", "stack")
BACKTEST_TARGET = "missile-launch"
#: Bootstrap refits behind the next-month intervals in the briefing (fewer than the CLI's
#: default, to keep the briefing quick; the interval is a 90% percentile interval either way).
BRIEFING_NEXT_BOOT = 100




def reliability_chart(reliability: pd.DataFrame, models: tuple[str, ...] | None = None) -> str:
    """One panel per model: observed frequency against mean forecast per bin (marker area ∝
    forecasts in the bin, bars the 90% Wilson interval), with the diagonal of perfect
    reliability."""
    names = list(models or dict.fromkeys(reliability["model"]))
    fig = Figure(figsize=(max(10, 1.9 * len(names)), 2.7))
    axes = fig.subplots(1, len(names), sharey=True)
    for ax, model in zip(np.atleast_1d(axes), names, strict=True):
        grp = reliability[(reliability["model"] == model) & (reliability["n"] > 0)]
        colour = MODEL_COLOURS.get(model, "#333333")
        ax.plot([0, 1], [0, 1], color="#333333", lw=0.7, ls="--")
        ax.vlines(grp["mean_forecast"], grp["observed_lo"], grp["observed_hi"], color=colour, lw=1,
                  alpha=0.5)
        ax.scatter(grp["mean_forecast"], grp["observed"], s=6 + 2.5 * grp["n"], color=colour,
                   alpha=0.8, edgecolor="white", linewidth=0.5, zorder=3)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_title(model, fontsize=9)
        ax.set_xlabel("forecast", fontsize=8)
        ax.tick_params(labelsize=7)
        style(ax)
    np.atleast_1d(axes)[0].set_ylabel("observed frequency", fontsize=8)
    fig.suptitle("Reliability of the backtest forecasts (marker area: months in the bin; bars: 90% "
                 "interval)", x=0.01, ha="left", fontsize=10)
    fig.tight_layout()
    return to_svg(fig)


def track_chart(track: pd.DataFrame) -> str:
    """The track record: each month's forecast of the chosen model and of the best baseline
    with the months that had a launch marked (top), and the running Brier score of each
    (bottom)."""
    x = pd.to_datetime(track["month"] + "-01")
    chosen, baseline = track["chosen_model"].iloc[0], track["best_baseline"].iloc[0]
    fig = Figure(figsize=(9, 4.2))
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[3, 2])
    for ax, cols, label in ((top, ("chosen", "baseline"), "P(launch in month)"),
                            (bottom, ("running_brier_chosen", "running_brier_baseline"), "running Brier")):
        for col, model in zip(cols, (chosen, baseline), strict=True):
            ax.plot(x, track[col], marker="o", ms=3, lw=1.3, color=MODEL_COLOURS.get(model, "#333333"),
                    label=f"{model} ({'chosen' if model == chosen else 'best baseline'})")
        ax.set_ylabel(label, fontsize=8)
        ax.tick_params(labelsize=7)
        style(ax)
    hits = x[track["launch"].to_numpy() == 1]
    top.scatter(hits, np.full(len(hits), 1.03), marker="|", s=60, color="#b00020",
                label="month with a launch", clip_on=False)
    top.set_ylim(0, 1.06)
    top.legend(fontsize=7, frameon=False, ncol=3, loc="lower left")
    top.set_title("Track record: the last months' forecasts against what happened", loc="left", fontsize=10)
    fig.tight_layout()
    return to_svg(fig)


def forecasts_chart(result: BacktestResult,
                    models: tuple[str, ...] = ("climatology", "ewma", "dynamic", "stack")) -> str:
    """The backtest's monthly forecasts over time, the months with the event marked, and the
    months decided by the store's curated record shaded."""
    f = result.forecasts
    x = pd.to_datetime(f["month"] + "-01")
    fig = Figure(figsize=(9, 3.4))
    ax = fig.subplots()
    store_months = x[f["coverage"].to_numpy() == "store"]
    if len(store_months):
        ax.axvspan(store_months.min(), store_months.max() + pd.offsets.MonthEnd(1), color="#fff2cc",
                   label="months decided by the curated record (key launches only)")
    for model in models:
        ax.step(x, f[model], where="post", color=MODEL_COLOURS.get(model, "#333333"), lw=1.2, label=model)
    hits = x[f["y"].to_numpy() == 1]
    ax.scatter(hits, np.full(len(hits), 1.03), marker="|", s=60, color="#b00020",
               label="month with the event", clip_on=False)
    ax.set_ylim(0, 1.06)
    ax.set_ylabel("P(event in month)")
    ax.set_title(f"Backtest forecasts of {result.target}, each from earlier months only",
                 loc="left", fontsize=10)
    ax.legend(fontsize=7, frameon=False, ncol=3, loc="upper left", bbox_to_anchor=(0, -0.1))
    style(ax)
    fig.tight_layout()
    return to_svg(fig)


def _kb_sentence(kb_check: dict) -> str:
    if not kb_check.get("window"):
        return ""
    return (f"Where the CNS database and the curated knowledge base overlap ({kb_check['window']}), "
            f"the knowledge base lists {kb_check['kb_lists']} of the {kb_check['cns_launch_months']} "
            "months with a CNS ballistic launch; after the CNS record it lists "
            f"{kb_check['kb_launch_months_after_cns']} launch months, chosen as key events, so "
            "later months without a listed launch may still have had one.")


def forecast_section(store: Store, at: dt.date) -> Section:
    """Next-month forecasts of both targets, the missile-launch backtest and its track record,
    using only events dated on or before ``at``."""
    from panmun.environment.forecast import (
        TARGETS,
        ForecastSettings,
        forecast_data,
        predict_next,
        run_backtest,
    )
    from panmun.environment.forecast.backtest import DEFAULT_START
    from panmun.months import month_index, parse_month

    settings = ForecastSettings(next_boot=BRIEFING_NEXT_BOOT)
    targets, backtest_result = [], None
    for name, spec in TARGETS.items():
        data = forecast_data(store, name, until=at)
        nxt = predict_next(data, settings)
        targets.append({"name": name, "description": spec.description, "next": nxt,
                        "headline": nxt.headline(), "contributions": nxt.contributions.head(5)})
        if name == BACKTEST_TARGET:
            backtest_result = run_backtest(data, DEFAULT_START, None, settings)
    result = backtest_result
    assert result is not None   # BACKTEST_TARGET is one of TARGETS
    shown = tuple(dict.fromkeys((*RELIABILITY_MODELS, result.chosen, result.best_baseline)))
    scores = result.scores.set_index("model")
    periods = result.periods
    return Section("forecast", "Escalation forecasts", "forecast.html.j2", {
        "targets": targets,
        "backtest": result,
        "scores": result.scores,
        "chosen_scores": scores.loc[result.chosen],
        "baseline_scores": scores.loc[result.best_baseline],
        "count_scores": result.count_scores,
        "horizon_scores": result.horizon_scores,
        "periods": periods[periods["model"].isin([result.chosen, result.chosen_count])
                           & (((periods["score"] == "brier") & (periods["model"] == result.chosen))
                              | ((periods["score"] == "crps") & (periods["model"] == result.chosen_count)))],
        "segments": result.segments,
        "track": result.track,
        "track_chart": track_chart(result.track),
        "reliability_chart": reliability_chart(result.reliability, shown),
        "forecasts_chart": forecasts_chart(result),
        "kb_note": _kb_sentence(result.kb_check),
        "window": settings.window,
        "stale": month_index(at) > parse_month(targets[0]["next"].month),
    })
