"""Scenario runs as tables: the deterministic trajectory, ensemble bands, comparisons.

An ensemble is summarised per month by the 5 %, 50 % and 95 % quantiles of every stock
(read from the ensemble's histograms, to 1/BINS) and by the probability that a stock
has reached a threshold at some month up to then (the share of runs). A comparison of
scenarios runs each with the same seed (common random numbers: run *i* draws its shocks
from the same stream in every scenario, so differences come from the scenarios, not
from the draws) and reports, per stock and checkpoint, each scenario's median and band
and the distribution of its run-by-run difference from the first scenario.

**Parameters.** By default a run uses the judgement defaults with the scenario's
overrides. Given ``params`` (e.g. :func:`posterior_parameters`: one value per run drawn
from the calibration's posterior), every run uses its own draw, and the scenario's
overrides still apply on top: the bands then carry parameter uncertainty as well as the
shocks'. Run *i* uses draw *i* in every scenario of a comparison (the same draws and the
same random streams).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from panmun.vectors.model import EnsembleCounts, ensemble, quantiles, simulate, states_at
from panmun.vectors.parameters import STOCKS
from panmun.vectors.scenarios import Scenario

PROBS = (0.05, 0.5, 0.95)
THRESHOLDS = (0.5, 0.8)


def record_history(store):
    """The whole record in ``store`` as the calibration reads it (no environment index)."""
    from panmun.vectors.history import observed_history

    return observed_history(store, environment=False)


def with_scenario(scenario: Scenario, params: dict | None) -> dict:
    """``params`` (per-run draws, or None) with the scenario's overrides on top."""
    return {**(params or {}), **scenario.parameters}


def posterior_parameters(posterior, runs: int, seed: int) -> dict[str, np.ndarray]:
    """One draw of the posterior per run (see :meth:`panmun.vectors.posterior.Posterior.draws`)."""
    return posterior.draws(runs, seed)


#: where a run's parameters come from: the calibration's posterior or the judgement defaults
SOURCES = ("posterior", "defaults")


def parameter_draws(history, source: str, runs: int, seed: int,
                    quick: bool = False) -> tuple[dict[str, np.ndarray] | None, dict]:
    """The parameters of ``runs`` runs and a description of them (the ``parameters`` field of
    the JSON outputs).

    ``source`` ``posterior``: one draw per run of the posterior on ``history`` (the record:
    :func:`panmun.vectors.history.observed_history` with ``environment=False``; the posterior
    is :func:`panmun.vectors.posterior.history_posterior`'s, cached), with replacement;
    ``defaults``: None (every run uses the judgement defaults; ``history`` is not read).
    Scenario overrides apply on top of either (:func:`with_scenario`).
    """
    if source not in SOURCES:
        raise ValueError(f"parameters {source!r}: give one of {', '.join(SOURCES)}")
    if source == "defaults":
        return None, {"source": "defaults", "draws": 0,
                      "note": "every run uses the judgement defaults (docs/vectors.md) and the scenario's "
                              "overrides"}
    from panmun.vectors.posterior import history_posterior

    post, _ = history_posterior(history, quick=quick)
    diag = post.diagnostics()
    return posterior_parameters(post, runs, seed), {
        "source": "posterior", "draws": runs, "record": f"{post.start}..{post.end}",
        "fitted": [n for n in post.names if n != "trust0"], "converged": diag["converged"],
        "rhat_max": diag["rhat_max"],
        "note": "each run draws its fitted parameters from the posterior on the record (with replacement); "
                "the scenario's overrides apply on top; the other parameters keep their defaults"}


def deterministic(scenario: Scenario, horizon: int | None = None, params: dict | None = None) -> pd.DataFrame:
    """One row per month (month 0 = the start): ``month``, ``date`` and one column per stock.

    ``params``: parameter values (numbers) replacing the defaults, under the scenario's overrides."""
    setup = scenario.setup(horizon)
    traj = simulate(setup, with_scenario(scenario, params))
    frame = pd.DataFrame(traj, columns=list(STOCKS))
    frame.insert(0, "date", [scenario.month_label(k) for k in range(len(frame))])
    frame.insert(0, "month", np.arange(len(frame)))
    return frame


def run_ensemble(scenario: Scenario, runs: int, horizon: int | None = None, seed: int = 0,
                 scheduler: str | None = None, thresholds: tuple[float, ...] = THRESHOLDS,
                 progress: Callable[[int], None] | None = None, params: dict | None = None) -> EnsembleCounts:
    """The scenario's stochastic ensemble, here or on a Dask scheduler (same result).

    ``params``: per-run parameter draws (arrays of ``runs`` values) or numbers; None: the defaults."""
    setup = scenario.setup(horizon)
    merged = with_scenario(scenario, params)
    if scheduler:
        from panmun.vectors.distributed import ensemble_on

        return ensemble_on(scheduler, setup, runs, seed, merged, thresholds)
    return ensemble(setup, runs, seed=seed, params=merged, thresholds=thresholds, progress=progress)


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


def summary_json(scenario: Scenario, counts: EnsembleCounts, table: pd.DataFrame,
                 parameters: dict | None = None) -> dict:
    """The ensemble as JSON: scenario, runs, months, quantiles per stock, threshold probabilities,
    and where the runs' parameters came from (``parameters``)."""
    out: dict = {"parameters": parameters or {"source": "defaults", "draws": 0,
                                              "note": "every run uses the judgement defaults"},
                 "scenario": scenario.name, "title": scenario.title, "runs": counts.runs,
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
            checkpoints: Sequence[int] = (12, 60, 120), scheduler: str | None = None,
            params: dict | None = None) -> pd.DataFrame:
    """Per stock and checkpoint month: each scenario's median and band, and the paired
    difference from the first scenario (see :func:`paired_differences`)."""
    tables = {sc.name: bands(sc, run_ensemble(sc, runs, horizon, seed, scheduler, params=params))
              for sc in scenarios}
    marks = [c for c in checkpoints if c <= horizon] or [horizon]
    return compare_bands(tables, marks).merge(
        paired_differences(scenarios, runs, horizon, seed, marks, params), on=["stock", "month", "scenario"])


def compare_bands(tables: dict[str, pd.DataFrame], checkpoints: Sequence[int]) -> pd.DataFrame:
    """Each scenario's median, band and threshold probabilities at the checkpoints."""
    frame = pd.concat([t.assign(scenario=name) for name, t in tables.items()], ignore_index=True)
    frame = frame[frame["month"].isin(list(checkpoints))]
    cols = ["stock", "month", "scenario", "q05", "q50", "q95"] + \
        [c for c in frame.columns if c.startswith("p_reached_")]
    return frame[cols].sort_values(["stock", "month", "scenario"], kind="stable").reset_index(drop=True)


def paired_differences(scenarios: Sequence[Scenario], runs: int, horizon: int, seed: int,
                       checkpoints: Sequence[int], params: dict | None = None) -> pd.DataFrame:
    """The difference of each scenario from the first, run by run, at the checkpoints.

    Run *i* of every scenario draws from the same random stream (same seed, same chunk),
    so the difference of run *i* in two scenarios is the scenarios' effect under one
    sequence of chance events. Columns: ``diff_q05``, ``diff_q50``, ``diff_q95`` (quantiles
    of the run-by-run differences) and ``p_higher`` (share of runs in which the scenario
    is higher than the first by more than 0.001).
    """
    marks = list(checkpoints)
    ref = states_at(scenarios[0].setup(horizon), with_scenario(scenarios[0], params), runs, marks, seed=seed)
    rows = []
    for sc in scenarios:
        diff = states_at(sc.setup(horizon), with_scenario(sc, params), runs, marks, seed=seed) - ref
        q = np.quantile(diff, [0.05, 0.5, 0.95], axis=2)               # (3, months, 4)
        higher = (diff > 1e-3).mean(axis=2)
        for i, month in enumerate(marks):
            for s, stock in enumerate(STOCKS):
                rows.append({"stock": stock, "month": month, "scenario": sc.name, "diff_q05": q[0, i, s],
                             "diff_q50": q[1, i, s], "diff_q95": q[2, i, s], "p_higher": higher[i, s]})
    return pd.DataFrame(rows)
