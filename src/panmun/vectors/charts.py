"""Charts of the three-vector model (matplotlib object API, no pyplot): fan charts per
vector and scenario, scenario comparisons, sensitivity indices, the interaction matrix.

Each function returns a Figure; :func:`save` writes one as PNG or SVG, and the briefing
embeds them as SVG (``panmun.report.charts.to_svg``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from panmun.charts import save, style
from panmun.vectors.parameters import BY_NAME, INTERACTIONS, STOCKS

STOCK_COLOURS = {"denuclearization": "#7b3294", "peace_regime": "#008837", "arms_control": "#0571b0",
                 "trust": "#e08214"}
SCENARIO_COLOURS = ["#333333", "#0571b0", "#d95f02", "#7b3294", "#1b9e77", "#e7298a", "#66a61e"]
LABELS = {"denuclearization": "Denuclearization (D)", "peace_regime": "Peace regime (P)",
          "arms_control": "Arms control (A)", "trust": "Trust (T)"}






def fan_chart(bands: dict[str, pd.DataFrame], stocks: Sequence[str] = STOCKS) -> Figure:
    """One panel per stock: each scenario's median and 5-95 % band over the months.

    ``bands`` maps a scenario's name to its :func:`panmun.vectors.runs.bands` table.
    """
    fig = Figure(figsize=(10, 2.6 * ((len(stocks) + 1) // 2)))
    axes = fig.subplots((len(stocks) + 1) // 2, 2, sharex=True, sharey=True).ravel()
    for ax, stock in zip(axes, stocks, strict=False):
        for i, (name, table) in enumerate(bands.items()):
            part = table[table["stock"] == stock]
            years = part["month"].to_numpy() / 12
            colour = SCENARIO_COLOURS[i % len(SCENARIO_COLOURS)]
            ax.fill_between(years, part["q05"], part["q95"], color=colour, alpha=0.15, linewidth=0)
            ax.plot(years, part["q50"], color=colour, lw=1.4, label=name)
        ax.set_title(LABELS.get(stock, stock), fontsize=10)
        ax.set_ylim(0, 1)
        ax.tick_params(labelsize=8)
        style(ax)
    for ax in axes[len(stocks):]:
        ax.set_visible(False)
    for ax in axes[-2:]:
        ax.set_xlabel("years from the start", fontsize=8)
    axes[0].legend(fontsize=7, frameon=False, loc="upper left")
    fig.suptitle("Median and 5–95 % band of the ensemble, per scenario", fontsize=10)
    return fig


def comparison_chart(scenarios, runs: int, horizon: int, seed: int, path: Path,
                     params: dict | None = None) -> None:
    """Fan charts of several scenarios on the same axes, written to ``path``."""
    from panmun.vectors.runs import bands, run_ensemble

    tables = {sc.name: bands(sc, run_ensemble(sc, runs, horizon, seed, params=params)) for sc in scenarios}
    save(fan_chart(tables), path)


def sensitivity_figure(frame: pd.DataFrame, method: str, top: int = 12) -> Figure:
    """Horizontal bars per output: Sobol first-order and total indices (or Morris mu*)."""
    outputs = list(dict.fromkeys(frame["output"]))
    fig = Figure(figsize=(10, 0.35 * top + 1.2))
    axes = np.atleast_1d(fig.subplots(1, len(outputs), sharey=False))
    for ax, output in zip(axes, outputs, strict=True):
        part = frame[frame["output"] == output]
        key = "ST" if method == "sobol" else "mu_star"
        part = part.sort_values(key, ascending=True).tail(top)
        y = np.arange(len(part))
        if method == "sobol":
            ax.barh(y + 0.2, part["ST"], height=0.4, color="#0571b0", label="total (ST)")
            ax.barh(y - 0.2, part["S1"], height=0.4, color="#92c5de", label="first order (S1)")
        else:
            ax.barh(y, part["mu_star"], height=0.6, color="#0571b0", label="mu*")
        ax.set_yticks(y, part["parameter"], fontsize=7)
        ax.set_title(str(output), fontsize=9)
        ax.tick_params(axis="x", labelsize=7)
        style(ax)
    axes[0].legend(fontsize=7, frameon=False, loc="lower right")
    fig.suptitle(f"Which parameters and drivers move the outcome ({method})", fontsize=10)
    return fig


def sensitivity_chart(frame: pd.DataFrame, method: str, path: Path) -> None:
    save(sensitivity_figure(frame, method), path)


def interaction_figure(estimates: dict[str, float], low: dict[str, float] | None = None,
                       high: dict[str, float] | None = None) -> Figure:
    """The interaction matrix W as a heat map: the row vector's drive per unit of the column's
    progress, with its interval when given."""
    order = ("D", "P", "A")
    matrix = np.full((3, 3), np.nan)
    fig = Figure(figsize=(4.2, 3.6))
    ax = fig.subplots()
    for (i, j), name in INTERACTIONS.items():
        matrix[order.index(i), order.index(j)] = estimates.get(name, BY_NAME[name].default)
    bound = max(0.5, float(np.nanmax(np.abs(matrix))))
    image = ax.imshow(matrix, cmap="RdBu", vmin=-bound, vmax=bound)
    for (i, j), name in INTERACTIONS.items():
        r, c = order.index(i), order.index(j)
        text = f"{matrix[r, c]:+.2f}"
        if low is not None and high is not None and name in low:
            text += f"\n[{low[name]:+.2f}, {high[name]:+.2f}]"
        dark = abs(matrix[r, c]) > 0.6 * bound
        ax.text(c, r, text, ha="center", va="center", fontsize=7, color="white" if dark else "black")
    ax.set_xticks(range(3), ["from D", "from P", "from A"], fontsize=8)
    ax.set_yticks(range(3), ["on D", "on P", "on A"], fontsize=8)
    fig.colorbar(image, ax=ax, shrink=0.8).ax.tick_params(labelsize=7)
    ax.set_title("Interaction matrix W (push per unit progress)", fontsize=9)
    return fig


HINDCAST_STYLE = {"observed": ("#000000", "-", "observed"), "coupled": ("#0571b0", "-", "coupled model"),
                  "w0": ("#d95f02", "--", "W = 0, no coupling"),
                  "carry_forward": ("#999999", ":", "carry-forward")}


def hindcast_figure(months, observed: pd.DataFrame, predictions: dict[str, np.ndarray],
                    cycle_starts: Sequence[int] = ()) -> Figure:
    """One panel per vector: the record and each leave-one-cycle-out prediction over the months
    (each cycle predicted from its first month by a fit without it); cycle starts marked."""
    from panmun.vectors.parameters import VECTORS

    years = np.array([m.year + (m.month - 1) / 12 for m in months])
    fig = Figure(figsize=(10, 6.6))
    axes = fig.subplots(3, 1, sharex=True)
    for i, (ax, vector) in enumerate(zip(axes, VECTORS, strict=True)):
        ax.plot(years, observed.iloc[:, i].to_numpy(), color="#000000", lw=1.6, label="observed")
        for name, pred in predictions.items():
            colour, line, label = HINDCAST_STYLE.get(name, ("#7b3294", "-", name))
            ax.plot(years, pred[:, i], color=colour, ls=line, lw=1.1, label=label)
        for k in cycle_starts:
            ax.axvline(years[k], color="#cccccc", lw=0.8)
        ax.set_title(LABELS.get(vector, vector), fontsize=9)
        ax.set_ylim(0, max(0.1, float(np.nanmax(observed.to_numpy())) * 1.3))
        ax.tick_params(labelsize=7)
        style(ax)
    axes[0].legend(fontsize=7, frameon=False, ncol=4, loc="upper left")
    axes[-1].set_xlabel("year (grey lines: cycle starts; each cycle predicted by a fit without it)",
                        fontsize=8)
    fig.suptitle("Hindcasts: each cycle of the record predicted from its start", fontsize=10)
    return fig


def map_figure(table: pd.DataFrame) -> Figure:
    """The long-run median of each vector over a grid of two drivers' levels (one panel per
    vector), each cell annotated with P(holding 0.5)."""
    from panmun.vectors.parameters import VECTORS

    x, y = str(table["x"].iloc[0]), str(table["y"].iloc[0])
    xs = sorted(table["x_level"].unique())
    ys = sorted(table["y_level"].unique())
    fig = Figure(figsize=(11, 3.8))
    axes = fig.subplots(1, 3)
    image = None
    for ax, vector in zip(axes, VECTORS, strict=True):
        part = table[table["vector"] == vector]
        grid = part.pivot(index="y_level", columns="x_level", values="q50").reindex(index=ys, columns=xs)
        hold = part.pivot(index="y_level", columns="x_level", values="p_hold").reindex(index=ys, columns=xs)
        image = ax.imshow(grid.to_numpy(), origin="lower", cmap="viridis", vmin=0, vmax=1, aspect="auto")
        for r in range(len(ys)):
            for c in range(len(xs)):
                value = grid.iloc[r, c]
                ax.text(c, r, f"{value:.2f}\np {hold.iloc[r, c]:.2f}", ha="center", va="center", fontsize=6,
                        color="white" if value < 0.5 else "black")
        ax.set_xticks(range(len(xs)), [f"{v:g}" for v in xs], fontsize=7)
        ax.set_yticks(range(len(ys)), [f"{v:g}" for v in ys], fontsize=7)
        ax.set_xlabel(x, fontsize=8)
        ax.set_title(LABELS.get(vector, vector), fontsize=9)
    axes[0].set_ylabel(y, fontsize=8)
    if image is not None:
        fig.colorbar(image, ax=list(axes), shrink=0.8).ax.tick_params(labelsize=7)
    fig.suptitle("Median after ten years over the posterior (p: share of draws holding 0.5 in years 5-10)",
                 fontsize=10)
    return fig
