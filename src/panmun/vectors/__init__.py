"""The three-vector model: denuclearization, a peace regime and arms control, with trust.

See docs/vectors.md: :mod:`~panmun.vectors.parameters` (names, units, defaults),
:mod:`~panmun.vectors.model` (equations, runs, ensembles), :mod:`~panmun.vectors.scenarios`
(scenario files), :mod:`~panmun.vectors.runs` (tables and comparisons),
:mod:`~panmun.vectors.calibrate` (the first fit, to the 2018 cycle), :mod:`~panmun.vectors.sensitivity`
(SALib), :mod:`~panmun.vectors.distributed` (Dask) and :mod:`~panmun.vectors.xmile` (export).
On the whole record: :mod:`~panmun.vectors.cycles` (the cycles), :mod:`~panmun.vectors.history`
(targets and drivers), :mod:`~panmun.vectors.likelihood` (AR(1) errors),
:mod:`~panmun.vectors.posterior` (emcee and diagnostics), :mod:`~panmun.vectors.validate`
(leave one cycle out, interactions), :mod:`~panmun.vectors.records` (cached analyses) and
:mod:`~panmun.vectors.maps` (driver maps).
"""
