"""Charts of the risk model (matplotlib object API): packages compared, measures' effects."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from panmun.charts import style


def comparison_figure(ranked: pd.DataFrame, effects: pd.DataFrame | None = None) -> Figure:
    """Left: each package's yearly P(deadly clash), median and 90 % interval (the
    calibration's uncertainty). Right: the change from adding (blue) or removing (red)
    each measure, median and 90 % interval."""
    panels = 2 if effects is not None and len(effects) else 1
    height = max(2.6, 0.28 * (len(effects) if effects is not None and panels == 2 else len(ranked)) + 1.2)
    fig = Figure(figsize=(10, height))
    axes = np.atleast_1d(fig.subplots(1, panels, gridspec_kw={"width_ratios": [1, 1.4][:panels]}))
    ax = axes[0]
    y = np.arange(len(ranked))[::-1]
    med = ranked["p_deadly_clash_median"].to_numpy()
    lo, hi = ranked["p_deadly_clash_low"].to_numpy(), ranked["p_deadly_clash_high"].to_numpy()
    ax.errorbar(med, y, xerr=[med - lo, hi - med], fmt="o", color="#0571b0", ecolor="#92c5de", capsize=3)
    ax.set_yticks(y, ranked["package"], fontsize=8)
    ax.set_xlabel("P(at least one deadly clash in a year)", fontsize=8)
    ax.set_xlim(left=0)
    ax.tick_params(axis="x", labelsize=7)
    ax.set_title("Packages: median and 90 % interval", fontsize=9)
    style(ax, grid="x")
    if panels == 2:
        assert effects is not None  # two panels only with effects
        ax = axes[1]
        eff = effects.sort_values("d_p_deadly_median")
        y = np.arange(len(eff))[::-1]
        colours = ["#0571b0" if a == "add" else "#ca0020" for a in eff["action"]]
        m = eff["d_p_deadly_median"].to_numpy()
        ax.barh(y, m, color=colours, height=0.6)
        low, high = eff["d_p_deadly_low"].to_numpy(), eff["d_p_deadly_high"].to_numpy()
        ax.errorbar(m, y, xerr=[m - low, high - m], fmt="none", ecolor="#555555", capsize=2, lw=0.8)
        ax.axvline(0, color="#333333", lw=0.7)
        labels = [f"{a} {mm}" for a, mm in zip(eff["action"], eff["measure"], strict=True)]
        ax.set_yticks(y, labels, fontsize=7)
        ax.set_xlabel("change in P(deadly clash in a year)", fontsize=8)
        ax.tick_params(axis="x", labelsize=7)
        ax.set_title("Each measure added (blue) or removed (red)", fontsize=9)
        style(ax, grid="x")
    return fig
