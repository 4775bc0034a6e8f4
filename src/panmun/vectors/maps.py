"""Conditions for durable progress: the long-run vectors over a grid of two drivers' levels.

For two drivers *x* and *y* and a grid of their levels (each held constant from the start),
every other driver and the start state as in a scenario (default ``baseline``), the model
is run deterministically (mean field) once per posterior draw of the parameters
(:meth:`panmun.vectors.posterior.Posterior.draws`) for ``horizon`` months (default 120,
ten years). Per cell and vector the map reports the median over the draws at the horizon,
its 5-95 % band, and ``p_hold``: the share of draws in which the vector stays at or above
:data:`HOLD` through the second half of the horizon (years 5-10 by default): progress that
*held*, not a passing peak.

The scenario's parameter overrides apply over the draws. The runs ignore the random
shocks (their expected effects are in the mean field), so the spread is parameter
uncertainty only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from panmun.vectors.model import states_at
from panmun.vectors.parameters import DRIVERS, VECTORS

#: the level a vector must hold
HOLD = 0.5
#: the default grid: six levels from 0 to 1
LEVELS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
#: pairs of drivers the briefing considers for its two maps
CANDIDATES = (("summits", "sanctions"), ("summits", "exercises"), ("exchange", "exercises"),
              ("sanctions", "exercises"), ("summits", "exchange"))


def driver_map(scenario, posterior_draws: dict[str, np.ndarray] | None, x: str, y: str,
               levels: tuple[float, ...] = LEVELS, horizon: int = 120, draws: int = 200) -> pd.DataFrame:
    """Long table: ``x_level``, ``y_level``, ``vector``, ``q05``, ``q50``, ``q95``, ``p_hold``.

    ``posterior_draws``: per parameter, ``draws`` values (None: the judgement defaults, one run per cell).
    """
    for name in (x, y):
        if name not in DRIVERS:
            raise ValueError(f"unknown driver {name!r}; expected one of {', '.join(DRIVERS)}")
    if x == y:
        raise ValueError("give two different drivers")
    n = draws if posterior_draws is not None else 1
    setup = scenario.setup(horizon)
    cells = [(a, b) for b in levels for a in levels]
    base = setup.drivers                                              # (months, 7)
    col = list(DRIVERS)
    drivers = np.repeat(base[:, :, None], len(cells) * n, axis=2)
    for c, (a, b) in enumerate(cells):
        drivers[:, col.index(x), c * n:(c + 1) * n] = a
        drivers[:, col.index(y), c * n:(c + 1) * n] = b
    params: dict[str, float | np.ndarray] = {}
    if posterior_draws is not None:
        params.update({k: np.tile(np.asarray(v)[:n], len(cells)) for k, v in posterior_draws.items()})
    params.update(scenario.parameters)
    from dataclasses import replace

    months = list(range(horizon // 2, horizon + 1))
    states = states_at(replace(setup, drivers=drivers), params, len(cells) * n, months)   # (m, 4, runs)
    rows = []
    for c, (a, b) in enumerate(cells):
        part = states[:, :3, c * n:(c + 1) * n]
        for i, vector in enumerate(VECTORS):
            final = part[-1, i]
            q05, q50, q95 = np.quantile(final, [0.05, 0.5, 0.95])
            rows.append({"x": x, "y": y, "x_level": a, "y_level": b, "vector": vector, "q05": float(q05),
                         "q50": float(q50), "q95": float(q95),
                         "p_hold": float((part[:, i] >= HOLD).all(axis=0).mean())})
    return pd.DataFrame(rows)


def informativeness(table: pd.DataFrame) -> float:
    """How much the map's medians move across the grid: the largest range (max - min) of a vector's median."""
    return float(table.groupby("vector")["q50"].agg(lambda s: s.max() - s.min()).max())


__all__ = ["CANDIDATES", "HOLD", "LEVELS", "driver_map", "informativeness"]
