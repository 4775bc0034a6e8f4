"""Global sensitivity of the three-vector model's outputs to its parameters and drivers (SALib).

**Factors.** Each parameter varies uniformly over its plausible range ``[low, high]``
(:data:`panmun.vectors.parameters.PARAMETERS`); each driver named in ``drivers`` is a factor
``driver:NAME``: a constant offset in ``[-DRIVER_OFFSET, +DRIVER_OFFSET]`` added to the
setup's series of that driver at every month (the result clipped to [0, 1]).

**Outputs.** A stock's value at a month (e.g. ``("peace_regime", 120)``: P at 10 years) in
the **deterministic** (mean-field) run; every sample is one run of one vectorised
computation (:func:`panmun.vectors.model.states_at`, parameters as arrays).

**Methods.** ``sobol``: Saltelli's sampling and Sobol' indices (first order ``S1``, total
``ST``, with bootstrap 95 % half-widths ``*_conf``), ``n * (factors + 2)`` runs; ``n`` must
be a power of 2. ``morris``: elementary effects, ``n`` trajectories of ``factors + 1``
runs on a 4-level grid: ``mu_star`` (mean absolute effect, in units of the output),
``mu_star_conf`` and ``sigma`` (spread: interactions and non-linearity).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from panmun.vectors.model import DRIVER_NAMES, Params, Setup, states_at
from panmun.vectors.parameters import BY_NAME, PARAMETER_NAMES, STOCKS

#: Half-width of a driver factor's offset range (driver levels are in [0, 1]).
DRIVER_OFFSET = 0.25
#: Prefix of a driver factor's name.
DRIVER_PREFIX = "driver:"
DEFAULT_OUTPUTS: tuple[tuple[str, int], ...] = (("denuclearization", 120), ("peace_regime", 120))
MORRIS_LEVELS = 4


def problem(params_subset: Sequence[str] | None = None, drivers: Sequence[str] = ()) -> dict:
    """The SALib problem: factor names and bounds (parameters first, then ``driver:NAME``)."""
    names = list(params_subset) if params_subset is not None else list(PARAMETER_NAMES)
    for name in names:
        if name not in BY_NAME:
            raise KeyError(f"unknown parameter {name!r}")
    for name in drivers:
        if name not in DRIVER_NAMES:
            raise KeyError(f"unknown driver {name!r}")
    bounds = [[BY_NAME[n].low, BY_NAME[n].high] for n in names]
    bounds += [[-DRIVER_OFFSET, DRIVER_OFFSET] for _ in drivers]
    names += [DRIVER_PREFIX + d for d in drivers]
    return {"num_vars": len(names), "names": names, "bounds": bounds}


#: Rows of a sample evaluated at once (memory: about months x drivers x rows x 8 bytes).
EVALUATE_CHUNK = 8192


def evaluate(setup: Setup, names: Sequence[str], sample: np.ndarray, outputs: Sequence[tuple[str, int]],
             fixed: Params | None = None) -> np.ndarray:
    """The outputs (samples, outputs) of the deterministic model at each row of ``sample``.

    Parameters that are not factors take their value in ``fixed``, else their default. The
    rows are evaluated :data:`EVALUATE_CHUNK` at a time (the model is deterministic, so the
    result does not depend on the chunks): memory stays flat in the number of samples.
    """
    if sample.shape[0] > EVALUATE_CHUNK:
        return np.vstack([_evaluate(setup, names, sample[i:i + EVALUATE_CHUNK], outputs, fixed)
                          for i in range(0, sample.shape[0], EVALUATE_CHUNK)])
    return _evaluate(setup, names, sample, outputs, fixed)


def _evaluate(setup: Setup, names: Sequence[str], sample: np.ndarray, outputs: Sequence[tuple[str, int]],
              fixed: Params | None) -> np.ndarray:
    runs = sample.shape[0]
    params: dict[str, float | np.ndarray] = dict(fixed or {})
    drivers = setup.drivers
    if any(name.startswith(DRIVER_PREFIX) for name in names):       # one column of drivers per run
        drivers = np.repeat(drivers[:, :, None], runs, axis=2) if drivers.ndim == 2 else drivers.copy()
    for j, name in enumerate(names):
        if name.startswith(DRIVER_PREFIX):
            col = DRIVER_NAMES.index(name[len(DRIVER_PREFIX):])
            drivers[:, col, :] = np.clip(drivers[:, col, :] + sample[:, j], 0.0, 1.0)
        else:
            params[name] = np.ascontiguousarray(sample[:, j])
    run_setup = Setup(setup.initial, drivers, setup.interventions, setup.dt)
    months = sorted({m for _, m in outputs})
    states = states_at(run_setup, params, runs, months)
    return np.column_stack([states[months.index(m), STOCKS.index(stock)] for stock, m in outputs])


def sensitivity(setup: Setup, outputs: Sequence[tuple[str, int]] = DEFAULT_OUTPUTS, method: str = "sobol",
                n: int = 256, seed: int = 0, params_subset: Sequence[str] | None = None,
                drivers: Sequence[str] = (), params: Params | None = None) -> pd.DataFrame:
    """Sensitivity indices, one row per output and factor.

    ``params_subset``: the parameters varied (default: all); ``drivers``: drivers varied as
    ``driver:NAME`` offsets (e.g. :data:`~panmun.vectors.model.DRIVER_NAMES` for all);
    ``params``: values of the parameters held fixed (e.g. a scenario's overrides).

    Columns: ``output`` (``STOCK@MONTH``), ``parameter`` (the factor), then ``S1, S1_conf, ST,
    ST_conf`` (sobol) or ``mu_star, mu_star_conf, sigma`` (morris).
    """
    for stock, month in outputs:
        if stock not in STOCKS:
            raise KeyError(f"unknown stock {stock!r}")
        if not 0 <= month <= setup.horizon:
            raise ValueError(f"month {month} is outside the setup's 0..{setup.horizon}")
    prob = problem(params_subset, drivers)
    if method == "sobol":
        return _sobol(setup, prob, outputs, n, seed, params)
    if method == "morris":
        return _morris(setup, prob, outputs, n, seed, params)
    raise ValueError(f"method must be 'sobol' or 'morris', not {method!r}")


def _label(output: tuple[str, int]) -> str:
    return f"{output[0]}@{output[1]}"


def _sobol(setup: Setup, prob: dict, outputs: Sequence[tuple[str, int]], n: int, seed: int,
           fixed: Params | None) -> pd.DataFrame:
    from SALib.analyze import sobol as analyze
    from SALib.sample import sobol as sample

    if n < 2 or n & (n - 1):
        raise ValueError(f"n must be a power of 2 for Sobol' sampling, not {n}")
    x = sample.sample(prob, n, calc_second_order=False, seed=seed)
    y = evaluate(setup, prob["names"], x, outputs, fixed)
    rows = []
    for i, out in enumerate(outputs):
        si = analyze.analyze(prob, y[:, i], calc_second_order=False, seed=seed)
        for j, name in enumerate(prob["names"]):
            rows.append({"output": _label(out), "parameter": name, "S1": si["S1"][j],
                         "S1_conf": si["S1_conf"][j], "ST": si["ST"][j], "ST_conf": si["ST_conf"][j]})
    return pd.DataFrame(rows)


def _morris(setup: Setup, prob: dict, outputs: Sequence[tuple[str, int]], n: int, seed: int,
            fixed: Params | None) -> pd.DataFrame:
    from SALib.analyze import morris as analyze
    from SALib.sample import morris as sample

    x = sample.sample(prob, n, num_levels=MORRIS_LEVELS, seed=seed)
    y = evaluate(setup, prob["names"], x, outputs, fixed)
    rows = []
    for i, out in enumerate(outputs):
        si = analyze.analyze(prob, x, y[:, i], num_levels=MORRIS_LEVELS, seed=seed)
        for j, name in enumerate(prob["names"]):
            rows.append({"output": _label(out), "parameter": name, "mu_star": si["mu_star"][j],
                         "mu_star_conf": si["mu_star_conf"][j], "sigma": si["sigma"][j]})
    return pd.DataFrame(rows)


__all__ = ["DEFAULT_OUTPUTS", "DRIVER_OFFSET", "DRIVER_PREFIX", "evaluate", "problem", "sensitivity"]
