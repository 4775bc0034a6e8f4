"""The one chart style of panmun's figures (matplotlib's object API, no global state).

Every figure, in the briefing, the CLI's ``--chart`` files and the docs, is drawn on axes
styled by :func:`style` (no top or right spine, a light grid behind the data) and written by
:func:`save` (the format follows the suffix: .png, .svg or .pdf; 150 dpi for raster).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

#: the grid's colour and width
GRID_COLOUR = "#e3e3e3"
GRID_WIDTH = 0.6


def style(ax, grid: Literal["both", "x", "y"] = "both") -> None:
    """Style ``ax``: no top or right spine, a light grid along ``grid`` drawn below the data."""
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis=grid, color=GRID_COLOUR, linewidth=GRID_WIDTH)
    ax.set_axisbelow(True)


def save(fig, path: Path | str) -> None:
    """Write the figure; the format follows the suffix (.png, .svg or .pdf)."""
    fig.savefig(path, bbox_inches="tight", dpi=150)


__all__ = ["GRID_COLOUR", "GRID_WIDTH", "save", "style"]
