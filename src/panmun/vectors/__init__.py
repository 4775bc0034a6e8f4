"""The three-vector model: denuclearization, a peace regime and arms control, with trust.

See docs/vectors.md: :mod:`~panmun.vectors.parameters` (names, units, defaults),
:mod:`~panmun.vectors.model` (equations, runs, ensembles), :mod:`~panmun.vectors.scenarios`
(scenario files), :mod:`~panmun.vectors.runs` (tables and comparisons),
:mod:`~panmun.vectors.calibrate` (fit to the record), :mod:`~panmun.vectors.sensitivity`
(SALib), :mod:`~panmun.vectors.distributed` (Dask) and :mod:`~panmun.vectors.xmile` (export).
"""
