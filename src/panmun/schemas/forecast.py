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
    bss_best_baseline: float | None
    """Brier skill score against the best baseline of the months scored (the baseline with the
    lowest Brier score over them: climatology, persistence, markov, moving-average or ewma)."""
    bss_best_baseline_lo: float | None
    bss_best_baseline_hi: float | None
    dm_best_baseline: float | None
    """Diebold-Mariano statistic of the squared errors against the best baseline's (negative:
    the model is better; null for the best baseline itself)."""
    dm_p: float | None
    """Its two-sided p-value."""
    reliability: float | None
    """Brier decomposition: reliability (0 best)."""
    resolution: float | None
    """Brier decomposition: resolution (higher is better)."""
    uncertainty: float | None
    """Brier decomposition: uncertainty (the sample's own variance)."""
    residual: float | None
    """Brier score minus (reliability - resolution + uncertainty): the within-bin spread."""


class CountScores(Row):
    """A launch-day forecast's scores over the months forecast (lower CRPS and log score are better)."""

    crps: float
    """Continuous ranked probability score, in launch days."""
    log_score: float
    """Mean negative log probability of the observed count (nats)."""
    mean_forecast: float
    """Mean of the expected launch days."""
    mean_observed: float
    coverage90: float
    """Share of months whose count fell in the 90% predictive interval."""
    crpss_best_baseline: float | None
    """CRPS skill against the best count baseline (> 0 beats it)."""
    crpss_best_baseline_lo: float | None
    crpss_best_baseline_hi: float | None
    dm_best_baseline: float | None
    """Diebold-Mariano statistic of the CRPS against the best count baseline's."""
    dm_p: float | None


class HorizonScore(Row):
    """Scores of the probability of at least one launch within ``horizon`` months."""

    horizon: int
    model: str
    first: Month
    last: Month
    months: int
    positive: int
    brier: float
    log_loss: float
    auc_pr: float | None
    best_baseline: str
    bss_best_baseline: float | None
    bss_best_baseline_lo: float | None
    bss_best_baseline_hi: float | None
    dm_best_baseline: float | None
    dm_p: float | None


class PeriodScore(Row):
    """A model's score over one period of the protocol, beside the best baseline's."""

    period: str
    """selection (1995-2015), check (2016-2021) or after (2022 on)."""
    first: Month
    last: Month
    months: int
    positive: int
    score: str
    """brier (the month's launch probability) or crps (its launch days)."""
    model: str
    value: float
    best_baseline: str
    best_baseline_value: float
    skill: float | None
    """1 - value / best_baseline_value."""
    dm: float | None
    dm_p: float | None


class TrackMonth(Row):
    """One month of the track record: forecasts against what happened."""

    month: Month
    launch: int
    """1 if the event happened that month."""
    launch_days: int
    chosen_model: str
    expected_days: float | None = None
    """The chosen count model's expected launch days."""
    chosen: float
    """The chosen model's probability."""
    best_baseline: str
    baseline: float
    """The best baseline's probability."""
    running_brier_chosen: float
    """Mean Brier score of the chosen model over the track record up to this month."""
    running_brier_baseline: float
    coverage: str


class Weight(Row):
    """A model's weight in the combination."""

    kind: str
    """binary or count."""
    model: str
    weight: float


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
    """The models' settings (docs/forecast.md; defaults frozen in the forecast configuration)."""

    c: float
    persistence_eps: float
    window: int | None
    bins: int
    n_boot: int
    block: int
    seed: int
    next_boot: int
    logistic_features: str
    ma_windows: list[int]
    ewma_decays: list[float]
    dynamic_q: list[float]
    hmm_states: int
    refit: int
    stack_components: list[str]
    count_stack_components: list[str]
    stack_window: int | None
    horizons: list[int]
    chosen: str
    chosen_count: str


class Backtest(Row):
    """``panmun forecast backtest``: each month forecast by models fitted on earlier months only."""

    target: str
    start: Month
    end: Month
    n_months: int
    n_positive: int
    """Months in which the event happened."""
    chosen: str
    """The model chosen on 1995-2015 (the frozen configuration)."""
    best_baseline: str
    """The baseline with the lowest Brier score over the months forecast."""
    models: dict[str, ModelScores]
    """Scores per model (climatology, persistence, markov, moving-average, ewma, dynamic,
    regime, logistic, logistic-history, stack)."""
    chosen_count: str
    count_best_baseline: str
    count_models: dict[str, CountScores]
    """Launch-day forecasts' scores per model (empty for nuclear-test-12m)."""
    horizons: list[HorizonScore]
    periods: list[PeriodScore]
    track_record: list[TrackMonth]
    weights: list[Weight]
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


class Headline(Row):
    """The chosen models' forecast for the coming month."""

    model: str
    probability: float
    lo: float | None
    hi: float | None
    count_model: str
    expected_days: float
    """Expected launch days in the month."""
    expected_days_lo: float
    """90 % interval of that expectation (the rate's uncertainty)."""
    expected_days_hi: float
    days_lo: int
    """90 % predictive interval of the launch days themselves."""
    days_hi: int
    within_3_months: float | None = None
    """Probability of at least one launch within the next 3 months."""
    within_6_months: float | None = None


class LaunchDays(Row):
    """A count model's forecast of the coming month's launch days."""

    model: str
    mean: float
    mean_lo: float
    mean_hi: float
    lo: int
    """5 % quantile of the count."""
    hi: int
    """95 % quantile of the count."""
    p_zero: float
    """Probability of no launch day."""


class HorizonProbability(Row):
    model: str
    horizon: int
    probability: float


class PoolWeight(Row):
    """A model's weight in the combination and its share of the pooled probability."""

    model: str
    weight: float
    probability: float
    contribution: float


class NextMonth(Row):
    """``panmun forecast next``: the forecast for the month after the data."""

    target: str
    month: Month
    """The month forecast."""
    data_through: Month
    last_record: str
    training_months: int
    chosen: Headline
    models: dict[str, Probability]
    launch_days: list[LaunchDays]
    horizons: list[HorizonProbability]
    weights: list[PoolWeight]
    logistic_intercept: float
    contributions: list[Contribution]
    settings: ForecastSettings


COMMANDS = {
    "forecast backtest": Backtest,
    "forecast next": NextMonth,
}
