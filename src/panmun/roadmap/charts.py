"""Charts of a plan (matplotlib object API, no pyplot).

:func:`timeline_figure`: steps as bars by actor row, from start to completion (solid)
and on to verification (hatched), coloured by vector. :func:`balance_figure`: each
party's reciprocity balance over the months, with its floor (minus the trust margin).
:func:`save` writes a figure as PNG or SVG (by the suffix).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from panmun.charts import style

VECTOR_COLOURS = {"denuclearization": "#7b3294", "peace_regime": "#0571b0", "arms_control": "#1b9e77",
                  "exchange": "#d95f02"}
PARTY_COLOURS = ("#0571b0", "#ca0020", "#1b9e77", "#d95f02", "#7b3294", "#666666", "#e7298a", "#a6761d")






def timeline_figure(timeline: pd.DataFrame, horizon: int, title: str = "") -> Figure:
    """One row per step (grouped by its first actor, in start order): a solid bar from start
    to completion (at least a sliver for instant steps), a hatched bar to verification."""
    rows = timeline.assign(lead_actor=timeline["actors"].str.split().str[0])
    rows = rows.sort_values(["lead_actor", "start", "step"], kind="stable").reset_index(drop=True)
    fig = Figure(figsize=(10, 0.28 * len(rows) + 1.8))
    ax = fig.subplots()
    y = np.arange(len(rows))
    for k, r in rows.iterrows():
        colour = VECTOR_COLOURS.get(r["vector"], "#555555")
        ax.barh(k, max(r["complete"] - r["start"], 0.4), left=r["start"], color=colour, height=0.7)
        if r["verified"] > r["complete"]:
            ax.barh(k, r["verified"] - r["complete"], left=r["complete"], color="white", edgecolor=colour,
                    hatch="////", height=0.7, linewidth=0.6)
    labels = [f"{r['lead_actor']:<4} {r['step']}" for _, r in rows.iterrows()]
    ax.set_yticks(y, labels, fontsize=6.5, family="monospace")
    ax.set_ylim(len(rows) - 0.5, -0.5)     # first row on top, no empty rows
    ax.set_xlim(0, horizon)
    ax.set_xlabel("month of the plan (solid: start to completion; hatched: until verified)", fontsize=8)
    handles = [Patch(color=c, label=v.replace("_", " ")) for v, c in VECTOR_COLOURS.items()]
    ax.legend(handles=handles, fontsize=7, frameon=False, loc="upper right")
    ax.set_title(title or "Plan timeline by actor", fontsize=10)
    style(ax)
    return fig


def balance_figure(balances: pd.DataFrame, title: str = "") -> Figure:
    """One small panel per party: its cumulative balance (verified gains minus costs, value
    units) per month as a step line, its floor (minus the trust margin) dashed, the band
    below the floor shaded. The reciprocity rule keeps every line on or above its floor; a
    party whose line runs along the floor is the one holding the plan back."""
    parties = sorted(balances["party"].unique())
    cols = min(4, len(parties))
    rows = -(-len(parties) // cols)
    fig = Figure(figsize=(2.6 * cols, 1.9 * rows + 0.6))
    axes = np.atleast_1d(fig.subplots(rows, cols, sharex=True, squeeze=False)).ravel()
    for k, party in enumerate(parties):
        ax, part = axes[k], balances[balances["party"] == party]
        colour = PARTY_COLOURS[k % len(PARTY_COLOURS)]
        floor = float(part["floor"].iloc[0])
        ax.step(part["month"], part["balance"], where="post", color=colour, lw=1.4)
        ax.axhline(floor, color="#444444", lw=0.8, ls="--")
        low = min(floor - 1, float(part["balance"].min()) - 1)
        ax.axhspan(low, floor, color="#f4cccc", alpha=0.6, lw=0)
        ax.axhline(0, color="black", lw=0.5)
        at_floor = float(np.mean(part["balance"] <= floor))
        ax.set_title(f"{party}: at the floor {at_floor:.0%} of months", fontsize=7.5)
        ax.tick_params(labelsize=7)
        style(ax)
    for ax in axes[len(parties):]:
        ax.set_visible(False)
    fig.supxlabel("month of the plan", fontsize=8)
    fig.supylabel("cumulative balance (value units)", fontsize=8)
    fig.suptitle(title or "Reciprocity: each party's verified gains minus its costs "
                 "(dashed: floor = minus the trust margin)", fontsize=9)
    fig.tight_layout()
    return fig
