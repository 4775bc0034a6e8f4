"""Static charts for the briefing, drawn with matplotlib's object API and returned as SVG text.

No pyplot and no global state: each function builds its own Figure.
"""

from __future__ import annotations

import io

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from panmun.charts import style

VECTOR_COLOURS = {
    "denuclearization": "#7b3294",
    "peace-regime": "#008837",
    "arms-control": "#0571b0",
    "exchange": "#e08214",
}
AGREEMENT_COLOURS = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d",
                     "#666666", "#1f78b4", "#b2df8a"]


def to_svg(fig: Figure) -> str:
    """The figure as inline SVG text (text kept as text, no external references)."""
    buf = io.StringIO()
    with mpl.rc_context({"svg.fonttype": "none"}):
        fig.savefig(buf, format="svg", bbox_inches="tight")
    svg = buf.getvalue()
    return svg[svg.index("<svg"):]




def implementation_chart(by_agreement: pd.DataFrame, by_vector: pd.DataFrame) -> str:
    """Implementation over time per agreement and per vector, with suspended/reversed counts.

    Inputs are :func:`panmun.agreements.scoring.implementation_series` frames.
    """
    fig = Figure(figsize=(9, 8.2))
    axes = fig.subplots(3, 1, sharex=True, gridspec_kw={"height_ratios": [3, 3, 1.4]})
    ax_a, ax_v, ax_s = axes
    tracked = by_agreement.dropna(subset=["implementation"])
    for i, (agreement, grp) in enumerate(tracked.groupby("agreement", sort=False)):
        ax_a.plot(pd.to_datetime(grp["at"]), grp["implementation"] * 100,
                  color=AGREEMENT_COLOURS[i % len(AGREEMENT_COLOURS)], lw=1.8, label=agreement)
    ax_a.set_ylabel("implemented (%)")
    ax_a.set_title("Implementation per agreement (Peace Accords Matrix, % of maximum score)",
                   loc="left", fontsize=10)
    ax_a.legend(fontsize=7.5, ncol=3, frameon=False, loc="upper right")
    for vector, grp in by_vector.dropna(subset=["implementation"]).groupby("vector", sort=False):
        ax_v.plot(pd.to_datetime(grp["at"]), grp["implementation"] * 100,
                  color=VECTOR_COLOURS.get(vector, "#333333"), lw=2, label=vector)
    ax_v.set_ylabel("implemented (%)")
    ax_v.set_title("Implementation per vector (2018 agreements and the 2021 ROK-US statement)",
                   loc="left", fontsize=10)
    ax_v.legend(fontsize=7.5, ncol=4, frameon=False, loc="upper right")
    halted = by_vector.groupby("at", sort=True)[["suspended", "reversed"]].sum()
    x = pd.to_datetime(halted.index)
    ax_s.stackplot(x, halted["suspended"], halted["reversed"], colors=["#fdb863", "#d7191c"],
                   labels=["suspended", "reversed"], step="post")
    ax_s.set_ylabel("provisions")
    ax_s.set_title("Provisions suspended or reversed (scored 0)", loc="left", fontsize=10)
    ax_s.legend(fontsize=7.5, ncol=2, frameon=False, loc="upper left")
    for ax in axes:
        style(ax, grid="y")
    for ax in (ax_a, ax_v):
        ax.set_ylim(0, 100)
    fig.tight_layout()
    return to_svg(fig)


def events_timeline(events: pd.DataFrame) -> str:
    """Key events by date and type, coloured by Goldstein weight (red conflict, blue cooperation)."""
    fig = Figure(figsize=(9, 4.6))
    ax = fig.subplots()
    types = sorted(events["type"].unique())
    ypos = {t: i for i, t in enumerate(types)}
    y = events["type"].map(ypos).to_numpy(dtype=float)
    # spread same-day events of one type a little so they stay visible
    y = y + (np.arange(len(y)) % 3 - 1) * 0.12
    sc = ax.scatter(pd.to_datetime(events["date"]), y, c=events["goldstein"], cmap="RdBu",
                    vmin=-10, vmax=10, s=22, edgecolor="#333333", linewidth=0.3)
    ax.set_yticks(range(len(types)), types, fontsize=8)
    ax.set_title("Key events by type (colour: Goldstein weight, -10 conflict .. +10 cooperation)",
                 loc="left", fontsize=10)
    cbar = fig.colorbar(sc, ax=ax, pad=0.01, fraction=0.03)
    cbar.ax.tick_params(labelsize=7)
    style(ax, grid="y")
    ax.grid(axis="x", color="#eeeeee", linewidth=0.6)
    fig.tight_layout()
    return to_svg(fig)
