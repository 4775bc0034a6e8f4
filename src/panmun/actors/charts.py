"""Charts of actors on one issue (matplotlib object API, no pyplot).

:func:`positions_figure`: actors as points on the 0–100 scale, sized by effective weight
capability x salience, with each model's predicted outcome marked as a vertical line.
:func:`roles_figure`: the marginal roles of :func:`panmun.actors.roles.marginal_roles` as
grouped horizontal bars (outcome shift in points per actor and change).
:func:`save` writes a figure as PNG or SVG (by the suffix).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from panmun.charts import style

MODEL_COLOURS = {"compromise": "#0571b0", "median": "#d95f02", "nash": "#1b9e77",
                 "expected-utility": "#7b3294", "veto": "#b2182b"}
#: Legend names of the outcomes (the others are shown under their model names).
MODEL_LABELS = {"veto": "with the veto"}
ROLE_COLUMNS = {"toward": "position toward outcome", "away": "position away from outcome",
                "salience_up": "salience up", "capability_up": "capability up"}
ROLE_COLOURS = ("#0571b0", "#92c5de", "#d95f02", "#1b9e77")






def positions_figure(frame: pd.DataFrame, outcomes: dict[str, float], title: str = "") -> Figure:
    """Actors (one row each, in position order) on the 0–100 scale; outcomes as vertical lines.

    Marker area is proportional to capability x salience (the largest actor 600 pt^2).
    """
    part = frame.sort_values("position", kind="stable").reset_index(drop=True)
    weight = (part["capability"] * part["salience"]).to_numpy(dtype=float)
    sizes = 20 + 580 * weight / weight.max() if weight.max() > 0 else np.full(len(part), 20.0)
    fig = Figure(figsize=(8, 0.4 * len(part) + 1.6))
    ax = fig.subplots()
    y = np.arange(len(part))
    ax.scatter(part["position"], y, s=sizes, color="#555555", alpha=0.6, edgecolor="black", linewidth=0.5)
    for model, value in outcomes.items():
        veto = model == "veto"
        ax.axvline(value, color=MODEL_COLOURS.get(model, "#333333"), lw=2.2 if veto else 1.4,
                   ls="-" if veto else "--", label=f"{MODEL_LABELS.get(model, model)}: {value:.1f}")
    ax.set_yticks(y, part["actor"], fontsize=8)
    ax.set_xlim(-3, 103)
    ax.set_xlabel("position on the issue's scale (0-100); marker area = capability x salience", fontsize=8)
    ax.legend(fontsize=7, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.12 - 0.2 / len(part)),
              ncol=max(1, len(outcomes)))
    ax.set_title(title or "Positions and predicted outcomes", fontsize=10)
    style(ax)
    return fig


def roles_figure(roles: pd.DataFrame, model: str) -> Figure:
    """Grouped horizontal bars: the outcome shift (points) for each actor and each change."""
    fig = Figure(figsize=(8, 0.55 * len(roles) + 1.6))
    ax = fig.subplots()
    y = np.arange(len(roles))
    height = 0.8 / len(ROLE_COLUMNS)
    for k, (col, label) in enumerate(ROLE_COLUMNS.items()):
        ax.barh(y + (k - 1.5) * height, roles[col], height=height, color=ROLE_COLOURS[k], label=label)
    ax.axvline(0, color="black", lw=0.6)
    ax.set_yticks(y, roles["actor"], fontsize=8)
    ax.invert_yaxis()
    amounts = roles.attrs.get("amounts", {})
    note = ""
    if amounts:
        note = (f" (position ±{amounts['position_step']:g} points, salience +{amounts['salience_step']:g}, "
                f"capability +{100 * amounts['capability_share']:g} %)")
    ax.set_xlabel("change of the predicted outcome, points of the 0-100 scale", fontsize=8)
    ax.set_title(f"Marginal roles, {model} model{note}", fontsize=9)
    ax.legend(fontsize=7, frameon=False, loc="best")
    style(ax)
    return fig
