"""Escalation forecasts: monthly DPRK missile-launch and provocation probabilities, launch
days and h-month probabilities, their models, and a rolling-origin backtest against simple
baselines, with the protocol that froze the choices.

Modules: :mod:`.months` (month arithmetic), :mod:`.targets` (the monthly outcomes, launch
days and their sources), :mod:`.features` (interpretable features), :mod:`.models` (settings,
climatology, persistence, Markov chain, logistic regression), :mod:`.baselines` (moving and
weighted averages), :mod:`.dynamic` (the local-level state-space model), :mod:`.regime` (the
hidden Markov model), :mod:`.stacking` (the combination), :mod:`.counts` (launch-day
distributions and their scores), :mod:`.metrics` (scores and comparisons), :mod:`.engine`
(every model's forecasts over a range of months), :mod:`.backtest` (the rolling-origin
evaluation and the track record), :mod:`.next` (the coming month), :mod:`.nuclear` (nuclear
test within 12 months), :mod:`.frozen` (the frozen configuration) and :mod:`.protocol` (the
selection that froze it).
"""

from panmun.environment.forecast.backtest import (
    BacktestResult,
    backtest,
    forecast_data,
    run_backtest,
    track_record,
)
from panmun.environment.forecast.models import MODELS, ForecastSettings
from panmun.environment.forecast.next import NextForecast, next_month, predict_next
from panmun.environment.forecast.targets import TARGETS, monthly_target, read_cns_launches

__all__ = [
    "MODELS", "TARGETS", "BacktestResult", "ForecastSettings", "NextForecast", "backtest",
    "forecast_data", "monthly_target", "next_month", "predict_next", "read_cns_launches",
    "run_backtest", "track_record",
]
