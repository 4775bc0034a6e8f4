"""Scenario runs as tables: the deterministic trajectory, ensemble bands, comparisons.

An ensemble is summarised per month by the 5 %, 50 % and 95 % quantiles of every stock
(read from the ensemble's histograms, to 1/BINS) and by the probability that a stock
has reached a threshold at some month up to then (the share of runs). A comparison of
scenarios runs each with the same seed (common random numbers: each run's shocks are
drawn from the same stream in every scenario, so differences come from the scenarios,
not from the draws) and reports, per stock and checkpoint, each scenario's median and
band and its difference from the first scenario's median.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from panmun.vectors.model import EnsembleCounts, ensemble, quantiles, simulate
from panmun.vectors.parameters import STOCKS
from panmun.vectors.scenarios import Scenario

PROBS = (0.05, 0.5, 0.95)
THRESHOLDS = (0.5, 0.8)


def deterministic(scenario: Scenario, horizon: int | None = None) -> pd.DataFrame:
    """One row per month (month 0 = the start): ``month``, ``date`` and one column per stock."""
    setup = scenario.setup(horizon)
    traj = simulate(setup, scenario.parameters)
    frame = pd.DataFrame(traj, columns=list(STOCKS))
    frame.insert(0, "date", [scenario.month_label(k) for k in range(len(frame))])
    frame.insert(0, "month", np.arange(len(frame)))
    return frame


def run_ensemble(scenario: Scenario, runs: int, horizon: int | None = None, seed: int = 0,
                 scheduler: str | None = None, thresholds: tuple[float, ...] = THRESHOLDS,
                 progress: Callable[[int], None] | None = None) -> EnsembleCounts:
    """The scenario's stochastic ensemble, here or on a Dask scheduler (same result)."""
    setup = scenario.setup(horizon)
    if scheduler:
        from panmun.vectors.distributed import ensemble_on

        return ensemble_on(scheduler, setup, runs, seed, scenario.parameters, thresholds)
    return ensemble(setup, runs, seed=seed, params=scenario.parameters, thresholds=thresholds,
                    progress=progress)


def bands(scenario: Scenario, counts: EnsembleCounts) -> pd.DataFrame:
    """Long table: month, date, stock, q05, q50, q95, mean, and P(reached >= h) per threshold."""
    q = quantiles(counts, PROBS)
    months = q.shape[0]
    rows = []
    for k in range(months):
        for s, stock in enumerate(STOCKS):
            row = {"month": k, "date": scenario.month_label(k), "stock": stock,
                   "q05": q[k, s, 0], "q50": q[k, s, 1], "q95": q[k, s, 2],
                   "mean": counts.total[k, s] / counts.runs}
            for h, thr in enumerate(counts.thresholds):
                row[f"p_reached_{thr:g}"] = counts.reached[k, s, h] / counts.runs
            rows.append(row)
    return pd.DataFrame(rows)


def summary_json(scenario: Scenario, counts: EnsembleCounts, table: pd.DataFrame) -> dict:
    """The ensemble as JSON: scenario, runs, months, quantiles per stock, threshold probabilities."""
    out: dict = {"scenario": scenario.name, "title": scenario.title, "runs": counts.runs,
                 "start": scenario.start, "months": int(table["month"].max()) + 1,
                 "dates": [scenario.month_label(k) for k in range(int(table["month"].max()) + 1)],
                 "quantiles": {}, "reached": {}, "thresholds": list(counts.thresholds)}
    for stock in STOCKS:
        part = table[table["stock"] == stock]
        out["quantiles"][stock] = {"q05": part["q05"].round(5).tolist(), "q50": part["q50"].round(5).tolist(),
                                   "q95": part["q95"].round(5).tolist()}
        out["reached"][stock] = {f"{thr:g}": part[f"p_reached_{thr:g}"].round(5).tolist()
                                 for thr in counts.thresholds}
    return out


def compare(scenarios: Sequence[Scenario], runs: int, horizon: int = 120, seed: int = 0,
            checkpoints: Sequence[int] = (12, 60, 120), scheduler: str | None = None) -> pd.DataFrame:
    """Per stock and checkpoint month: each scenario's median, band, and difference from the first."""
    tables = {sc.name: bands(sc, run_ensemble(sc, runs, horizon, seed, scheduler)) for sc in scenarios}
    return compare_bands(tables, [c for c in checkpoints if c <= horizon])


def compare_bands(tables: dict[str, pd.DataFrame], checkpoints: Sequence[int]) -> pd.DataFrame:
    """:func:`compare` from the scenarios' :func:`bands` tables (the first is the reference)."""
    frame = pd.concat([t.assign(scenario=name) for name, t in tables.items()], ignore_index=True)
    frame = frame[frame["month"].isin(list(checkpoints))]
    first = frame[frame["scenario"] == next(iter(tables))].set_index(["stock", "month"])["q50"]
    frame = frame.assign(diff_q50=[q - first.loc[(s, m)] for s, m, q in
                                   zip(frame["stock"], frame["month"], frame["q50"], strict=True)])
    cols = ["stock", "month", "scenario", "q05", "q50", "q95", "diff_q50"] + \
        [c for c in frame.columns if c.startswith("p_reached_")]
    return frame[cols].sort_values(["stock", "month", "scenario"], kind="stable").reset_index(drop=True)
