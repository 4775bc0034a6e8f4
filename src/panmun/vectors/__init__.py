"""The three-vector model: denuclearization, a peace regime and arms control, with trust.

The public API (docs/vectors.md); every name is imported on first use::

    import panmun
    sc = panmun.vectors.load_scenario("cma-restored")
    counts = panmun.vectors.ensemble(sc, runs=10_000, horizon=120)
    panmun.vectors.bands(sc, counts)                 # 5/50/95 % per month and stock
    post, _ = panmun.vectors.record_posterior(panmun.open_store())

Modules: :mod:`~panmun.vectors.parameters` (names, units, defaults),
:mod:`~panmun.vectors.model` (equations, runs, ensembles), :mod:`~panmun.vectors.scenarios`
(scenario files), :mod:`~panmun.vectors.runs` (tables and comparisons),
:mod:`~panmun.vectors.calibrate` (the first fit, to the 2018 cycle), :mod:`~panmun.vectors.sensitivity`
(SALib), :mod:`~panmun.vectors.distributed` (Dask) and :mod:`~panmun.vectors.xmile` (export).
On the whole record: :mod:`~panmun.vectors.cycles` (the cycles), :mod:`~panmun.vectors.history`
(targets and drivers), :mod:`~panmun.vectors.likelihood` (AR(1) errors),
:mod:`~panmun.vectors.posterior` (emcee and diagnostics), :mod:`~panmun.vectors.validate`
(leave one cycle out, interactions), :mod:`~panmun.vectors.records` (cached analyses),
:mod:`~panmun.vectors.maps` (driver maps), :mod:`~panmun.vectors.synthetic` (synthetic
records for the coverage checks) and :mod:`~panmun.vectors.calibrated` (the shipped
calibration of the built-in record).
"""

from panmun._lazy import attach

__getattr__, __dir__, __all__ = attach(__name__, {
    "PARAMETERS": "parameters",
    "DRIVERS": "parameters",
    "STOCKS": "parameters",
    "Scenario": "scenarios",
    "load_scenario": "scenarios",
    "deterministic": "runs",
    "ensemble": "runs:run_ensemble",
    "bands": "runs",
    "compare": "runs",
    "parameter_draws": "runs",
    "record_history": "runs",
    "CYCLES": "cycles",
    "Posterior": "posterior",
    "record_posterior": "posterior",
    "record_validation": "records",
    "record_interactions": "records",
    "driver_map": "maps",
    "sensitivity_indices": "sensitivity:sensitivity",
    "write_xmile": "xmile",
})
