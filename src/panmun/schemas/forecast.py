"""Outputs of ``panmun forecast``: rolling-origin backtests and next-month forecasts."""

from __future__ import annotations

from panmun.schemas.base import Month, Row


class ModelScores(Row):
    """A model's scores over the months forecast (lower Brier and log loss are better)."""

    brier: float
    log_loss: float
    auc_pr: float | None
    """Area under the precision-recall curve (null when no month had the event)."""
    bss_climatology: float | None
    """Brier skill score against climatology (> 0 beats it)."""
    bss_climatology_lo: float | None
    """Lower end of its 90 % block-bootstrap interval."""
    bss_climatology_hi: float | None
    bss_persistence: float | None
    """Brier skill score against persistence."""
    bss_persistence_lo: float | None
    bss_persistence_hi: float | None


class ReliabilityBin(Row):
    model: str
    bin: int
    lo: float
    hi: float
    n: int
    """Forecasts in the bin."""
    events: int
    """Of which the event happened."""
    mean_forecast: float | None
    observed: float | None
    observed_lo: float | None
    observed_hi: float | None


class Segment(Row):
    """Scores over the months decided by one record (CNS database or the store)."""

    coverage: str
    model: str
    first: Month
    last: Month
    months: int
    positive_months: int
    brier: float | None
    bss_climatology: float | None


class Coefficient(Row):
    """A logistic coefficient (log-odds per standard deviation): last fit and over all fits."""

    model: str
    feature: str
    last: float
    mean: float
    min: float
    max: float


class Coverage(Row):
    """Which record decides which months."""

    record: str
    first: Month
    last: Month
    months: int
    positive_months: int


class KbCheck(Row):
    """Where the CNS database and the knowledge base overlap: how many launch months each lists."""

    window: str | None = None
    cns_launch_months: int | None = None
    kb_lists: int | None = None
    kb_only_months: list[str] | None = None
    kb_launch_months_after_cns: int | None = None


class ForecastSettings(Row):
    """The models' settings (docs/forecast.md)."""

    c: float
    persistence_eps: float
    window: int | None
    bins: int
    n_boot: int
    block: int
    seed: int
    next_boot: int


class Backtest(Row):
    """``panmun forecast backtest``: each month forecast by models fitted on earlier months only."""

    target: str
    start: Month
    end: Month
    n_months: int
    n_positive: int
    """Months in which the event happened."""
    models: dict[str, ModelScores]
    """Scores per model (climatology, persistence, markov, logistic, ...)."""
    reliability: list[ReliabilityBin]
    segments: list[Segment]
    coefficients: list[Coefficient]
    coverage: list[Coverage]
    kb_check: KbCheck
    cns_file: str | None
    settings: ForecastSettings


class Probability(Row):
    probability: float
    lo: float | None
    """Lower end of the 90 % interval (null where the model has none)."""
    hi: float | None


class Contribution(Row):
    """A feature's contribution to the logistic forecast (log-odds)."""

    feature: str
    value: float
    z: float
    """The value standardised on the training months."""
    coef: float
    contribution: float


class NextMonth(Row):
    """``panmun forecast next``: the probability of the event in the month after the data."""

    target: str
    month: Month
    """The month forecast."""
    data_through: Month
    last_record: str
    training_months: int
    models: dict[str, Probability]
    logistic_intercept: float
    contributions: list[Contribution]
    settings: ForecastSettings


COMMANDS = {
    "forecast backtest": Backtest,
    "forecast next": NextMonth,
}
