"""Escalation forecasts: monthly DPRK missile-launch and provocation probabilities, their
models, and a rolling-origin backtest against climatology and persistence.

Modules: :mod:`.months` (month arithmetic), :mod:`.targets` (the 0/1 monthly outcomes and
their sources), :mod:`.features` (interpretable features), :mod:`.models` (climatology,
persistence, Markov chain, logistic regression), :mod:`.metrics` (Brier score, log loss,
average precision, skill, reliability), :mod:`.backtest` (the rolling-origin evaluation)
and :mod:`.next` (the forecast for the coming month).
"""

from panmun.environment.forecast.backtest import BacktestResult, backtest, forecast_data, run_backtest
from panmun.environment.forecast.models import MODELS, ForecastSettings
from panmun.environment.forecast.next import NextForecast, next_month, predict_next
from panmun.environment.forecast.targets import TARGETS, monthly_target, read_cns_launches

__all__ = [
    "MODELS", "TARGETS", "BacktestResult", "ForecastSettings", "NextForecast", "backtest",
    "forecast_data", "monthly_target", "next_month", "predict_next", "read_cns_launches",
    "run_backtest",
]
