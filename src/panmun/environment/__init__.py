"""Topic 1: the security environment. Key and ingested events, dyads, conflict-cooperation
indices, change points, reciprocity, escalation forecasts, alerts and obstacles.

The public API (docs/api.md); every name is imported on first use::

    import panmun
    store = panmun.open_store()
    panmun.environment.index(store, dyad="KOR-PRK", freq="quarter")
    panmun.environment.backtest(store, target="missile-launch")

Modules: :mod:`~panmun.environment.events` (the event table), :mod:`~panmun.environment.dyads`
(dyads), :mod:`~panmun.environment.indices` (indices), :mod:`~panmun.environment.changepoints`
(change points), :mod:`~panmun.environment.reciprocity` (both directions of a dyad),
:mod:`~panmun.environment.forecast` (escalation forecasts and backtests),
:mod:`~panmun.environment.alerting` (alerts) and :mod:`~panmun.environment.obstacle_factors`
(obstacles and their factors).
"""

from panmun._lazy import attach

__getattr__, __dir__, __all__ = attach(__name__, {
    "list_events": "events",
    "Dyad": "dyads",
    "parse_dyad": "dyads",
    "index": "indices",
    "dyad_changepoints": "changepoints",
    "with_directions": "reciprocity",
    "alerts": "alerting",
    "AlertSettings": "alerting",
    "obstacles": "obstacle_factors",
    "ObstacleSettings": "obstacle_factors",
    "backtest": "forecast",
    "next_month": "forecast",
    "BacktestResult": "forecast",
    "NextForecast": "forecast",
    "ForecastSettings": "forecast",
})
