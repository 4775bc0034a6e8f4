"""Confidence-building measures and the incident-escalation risk model (docs/armscontrol.md).

The public API; every name is imported on first use::

    import panmun
    store = panmun.open_store()
    base = panmun.armscontrol.base_rate_draws(store, 400, seed=0)
    packages = [panmun.armscontrol.load_package(n) for n in ("status-today", "cma-restored")]
    panmun.armscontrol.compare(packages, base)
"""

from panmun._lazy import attach

__getattr__, __dir__, __all__ = attach(__name__, {
    "calibration": "calibrate:calibrate",
    "base_rate_draws": "calibrate",
    "Calibration": "calibrate",
    "BaseRates": "model",
    "Params": "model",
    "risk": "model",
    "Package": "packages",
    "load_package": "packages",
    "compare": "packages",
    "marginal_table": "packages",
    "measures_table": "measures",
    "verification": "measures",
    "force_balance": "measures",
})
