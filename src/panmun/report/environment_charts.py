"""Charts of the conflict–cooperation indices: one panel per dyad, matplotlib object API, SVG.

No pyplot and no global state: each function builds its own Figure.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from panmun.report.charts import to_svg

COOP, CONFLICT, LINE = "#4393c3", "#d6604d", "#1d2433"


def _short(event_id: str) -> str:
    """A kb event id without its leading date: ``2018-04-27-panmunjom-declaration`` →
    ``panmunjom-declaration``."""
    parts = event_id.split("-")
    if len(parts) > 3 and all(p.isdigit() for p in parts[:3]):
        return "-".join(parts[3:])
    return event_id


def dyad_index_chart(index_q: pd.DataFrame, counts_m: pd.DataFrame, cps: pd.DataFrame,
                     dyads: list[str], start: dt.date, end: dt.date) -> str:
    """Per dyad: mean Goldstein per quarter with its bootstrap band (left axis), cooperative
    (up) and conflictual (down) events per month as bars (right axis), change points of the
    monthly counts as dashed vertical lines, each labelled with its nearest key event.

    ``index_q``: a quarterly :func:`~panmun.environment.indices.index` table; ``counts_m``: a
    monthly one; ``cps``: :func:`~panmun.environment.changepoints.changepoints` of the monthly
    table. All for one source.
    """
    level = index_q.attrs.get("level", 0.9)
    fig = Figure(figsize=(9, 2.9 * len(dyads) + 0.4))
    axes = np.atleast_1d(fig.subplots(len(dyads), 1, sharex=True))
    for ax, dyad in zip(axes, dyads, strict=True):
        q = index_q[index_q["dyad"] == dyad]
        m = counts_m[counts_m["dyad"] == dyad]
        bars = ax.twinx()
        x_m = pd.to_datetime(m["period"]) + pd.Timedelta(days=14)
        bars.bar(x_m, m["q1"] + m["q2"], width=24, color=COOP, alpha=0.45, lw=0,
                 label="cooperative events (month)")
        bars.bar(x_m, -(m["q3"] + m["q4"]), width=24, color=CONFLICT, alpha=0.45, lw=0,
                 label="conflictual events (month)")
        peak = max(1.0, float((m["q1"] + m["q2"]).max()), float((m["q3"] + m["q4"]).max()))
        bars.set_ylim(-3 * peak, 3 * peak)
        bars.set_ylabel("events per month", fontsize=7.5, color="#777777")
        bars.tick_params(labelsize=7, colors="#777777")
        bars.spines[["top", "left"]].set_visible(False)
        ax.set_zorder(bars.get_zorder() + 1)
        ax.patch.set_visible(False)
        x_q = pd.to_datetime(q["period"]) + pd.Timedelta(days=45)
        # the band and the error bars both show the interval: the band where quarters follow
        # each other, the bar also for a quarter standing alone between empty ones
        ax.fill_between(x_q, q["goldstein_lo"], q["goldstein_hi"], color="#888888", alpha=0.2, lw=0)
        mean = q["goldstein_mean"]
        ax.errorbar(x_q, mean, yerr=[mean - q["goldstein_lo"], q["goldstein_hi"] - mean], fmt="none",
                    ecolor="#888888", elinewidth=1.0, capsize=2,
                    label=f"{100 * level:.0f}% bootstrap interval")
        ax.plot(x_q, mean, color=LINE, lw=1.4, marker="o", ms=3.2, label="mean Goldstein (quarter)")
        ax.axhline(0, color="#999999", lw=0.6)
        ax.set_ylim(-10.5, 10.5)
        ax.set_ylabel("Goldstein", fontsize=8)
        ax.tick_params(labelsize=7.5)
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(axis="y", color="#e5e5e5", linewidth=0.6)
        n = int(m["n_events"].sum())
        ax.set_title(f"{dyad}: {n} key events", loc="left", fontsize=9.5)
        for k, cp in enumerate(cps[cps["dyad"] == dyad].itertuples()):
            when = pd.Timestamp(cp.date)
            ax.axvline(when, color="#6a3d9a", ls="--", lw=1.1,
                       label="change point (monthly counts)" if k == 0 else None)
            label = f"{when:%b %Y}"
            if cp.events:
                first = cp.events[0]
                ax.plot(pd.Timestamp(first["date"]), 9.4, marker="v", color="#6a3d9a", ms=5)
                label += f"\n{_short(first['id'])}"
            ax.text(when + pd.Timedelta(days=12), -9.8 + 3.2 * (k % 2), label, fontsize=6.3,
                    color="#4a2a72", va="bottom")
        if ax is axes[0]:
            handles, labels = ax.get_legend_handles_labels()
            h2, l2 = bars.get_legend_handles_labels()
            ax.legend(handles + h2, labels + l2, fontsize=6.8, ncol=3, frameon=False,
                      loc="lower left", bbox_to_anchor=(0, 1.12))
    axes[-1].set_xlim(pd.Timestamp(start), pd.Timestamp(end))
    fig.tight_layout()
    return to_svg(fig)
