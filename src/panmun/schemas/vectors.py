"""Outputs of ``panmun vectors``: scenarios, ensembles, calibration, sensitivity."""

from __future__ import annotations

from pydantic import ConfigDict

from panmun.schemas.base import Month, Row


class ScenarioRow(Row):
    name: str
    title: str
    start: Month
    horizon: int
    """Months simulated by default."""
    changes: int
    """Driver changes the scenario makes."""
    interventions: int


class ParameterRow(Row):
    """A parameter of the three-vector model (defaults are judgement; docs/vectors.md)."""

    name: str
    symbol: str
    meaning: str
    unit: str
    default: float
    low: float
    high: float


class StockBands(Row):
    """One stock's quantiles per month (index k = month k of the run)."""

    q05: list[float]
    q50: list[float]
    q95: list[float]


class ParameterSource(Row):
    """Where an ensemble's parameters come from."""

    source: str
    """``posterior`` (each run draws its fitted parameters from the calibration on the record) or
    ``defaults`` (the judgement defaults)."""
    draws: int
    """Posterior draws used (one per run; 0 with the defaults)."""
    record: str | None = None
    """The calibration's months, ``YYYY-MM..YYYY-MM``."""
    fitted: list[str] | None = None
    """The parameters drawn from the posterior (the others keep their defaults)."""
    converged: bool | None = None
    """Whether every fitted parameter's chain converged (split R-hat, effective sample size)."""
    rhat_max: float | None = None
    """The largest split R-hat of the calibration's chain."""
    note: str


class Ensemble(Row):
    """``panmun vectors simulate``: an ensemble's quantiles and threshold probabilities per month."""

    parameters: ParameterSource
    """Where the runs' parameters come from."""
    scenario: str
    title: str
    runs: int
    start: Month
    months: int
    """Months in each series (the horizon + 1: month 0 is the start)."""
    dates: list[Month]
    quantiles: dict[str, StockBands]
    """Per stock (denuclearization, peace_regime, arms_control, trust)."""
    reached: dict[str, dict[str, list[float]]]
    """Per stock and threshold: the share of runs that have reached it by each month."""
    thresholds: list[float]


class DeterministicRow(Row):
    """``--deterministic``: the mean-field trajectory, one row per month."""

    month: int
    date: Month
    denuclearization: float
    peace_regime: float
    arms_control: float
    trust: float


class ComparisonRow(Row):
    """A scenario's band at a checkpoint month, and its run-by-run difference from the first.

    Also one ``p_reached_<threshold>`` key per threshold: the share of runs at or above it."""

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, float]

    stock: str
    month: int
    scenario: str
    q05: float
    q50: float
    q95: float
    diff_q05: float
    diff_q50: float
    diff_q95: float
    p_higher: float
    """Share of runs above the first scenario."""


class EstimateRow(Row):
    """A fitted parameter: estimate, standard error, 90 % interval, default, range and flags."""

    parameter: str
    estimate: float
    se: float | None
    low90: float | None
    high90: float | None
    default: float
    low: float
    high: float
    identifiable: bool
    at_bound: bool
    """The estimate lies on the edge of its range (its interval is then only indicative)."""


class FitRow(Row):
    vector: str
    sigma: float
    """Noise standard deviation (maximum likelihood)."""
    rmse: float
    r2: float | None


class IndexParameter(Row):
    """The environment index as a fourth series: index = a + b x trust."""

    parameter: str
    estimate: float
    se: float | None


class OutOfSampleRow(Row):
    vector: str
    model_rmse: float
    carry_forward_rmse: float
    months: int | None = None


class Calibration(Row):
    """``panmun vectors calibrate``: the fit to the implementation record."""

    start: Month
    end: Month
    index_used: bool
    """Whether ingested KOR-PRK events entered the fit as a fourth series."""
    parameters: list[EstimateRow]
    fit: list[FitRow]
    index: list[IndexParameter]
    """Empty when the index was not used."""
    out_of_sample: list[OutOfSampleRow]
    """Empty with --no-check."""


class PosteriorRow(Row):
    """A fitted parameter's posterior on the record, with the sampler's diagnostics."""

    parameter: str
    estimate: float
    """Posterior median."""
    low90: float
    """5 % posterior quantile."""
    high90: float
    """95 % posterior quantile."""
    mode: float
    """Posterior mode (the sampler's starting point)."""
    sd: float
    """Posterior standard deviation."""
    prior_sd: float
    """Prior standard deviation (Gaussian at the default, truncated to the range)."""
    default: float
    low: float
    high: float
    tau: float | None
    """Integrated autocorrelation time (steps); null when it cannot be estimated (a walker that
    never moved: the parameter is then not converged)."""
    ess: float
    """Effective sample size: walkers x kept steps / tau."""
    rhat: float
    """Split R-hat over the walkers' half-chains."""
    converged: bool
    """R-hat below 1.1 and effective sample size at least 100."""
    at_bound: bool
    """Median within 2 % of the range from an edge, or the 90 % interval or the mode within 0.5 % of it."""
    identified: bool
    """Converged, not at a bound, and the posterior sd below half the prior sd."""


class ErrorModelRow(Row):
    """A vector's error model at the posterior median: AR(1) residuals."""

    vector: str
    rho: float
    """Posterior mean of the errors' AR(1) coefficient."""
    innovation_sd: float
    error_sd: float
    """Marginal sd of the errors, innovation_sd / sqrt(1 - rho^2)."""
    lag1: float | None
    """Lag-1 autocorrelation of the residuals."""
    months: int
    """Months in the likelihood."""
    independent_months: float
    """Effectively independent months, months x (1 - rho) / (1 + rho)."""
    rmse: float
    """RMSE of the fitted run (each cycle from its observed start)."""


class SamplerRow(Row):
    """The sampler's settings and overall diagnostics."""

    sampler: str
    walkers: int
    steps: int
    burn: int
    """Steps discarded as burn-in."""
    draws: int
    acceptance: float
    """Mean acceptance fraction."""
    acceptance_min: float
    tau_max: float | None
    """The largest tau; null when one cannot be estimated."""
    ess_min: float
    rhat_max: float
    steps_per_tau: float
    """Kept steps per largest autocorrelation time (emcee advises 50 or more for a reliable tau)."""
    stranded: int
    """Walkers moved after the burn-in because they were stuck far below the others."""
    converged: bool
    cached: bool
    """The posterior came from the cache (the same record and settings)."""


class NoteRow(Row):
    note: str


class RecordCalibration(Row):
    """``panmun vectors calibrate``: the posterior on the whole record."""

    start: Month
    end: Month
    months: int
    """Months of the record in the run."""
    converged: bool
    identified: int
    """How many parameters the record identifies."""
    parameters: list[PosteriorRow]
    errors: list[ErrorModelRow]
    diagnostics: list[SamplerRow]
    notes: list[NoteRow]
    """How the record is coded (judgement and gaps)."""


class CycleScore(Row):
    """A cycle's leave-one-cycle-out RMSE (over its months after the first and the three vectors)."""

    cycle: str
    title: str
    months: int
    start: Month
    end: Month
    rmse_coupled: float
    rmse_w0: float
    """W = 0 and the trust link cut: no cross-vector coupling."""
    rmse_carry_forward: float
    best: str
    margin: float
    """Second-best RMSE minus the best."""


class HindcastRow(Row):
    month: Month
    cycle: str | None
    vector: str
    observed: float | None
    coupled: float | None
    w0: float | None
    carry_forward: float | None


class Validation(Row):
    """``panmun vectors validate``: every cycle predicted from its start by a fit on the others."""

    start: Month
    end: Month
    months: int
    cycles: list[CycleScore]
    """One row per cycle, then ``all`` (pooled)."""
    hindcasts: list[HindcastRow]


class VerdictRow(Row):
    """What the record says about one interaction (or the trust link, or all couplings)."""

    interaction: str
    pull: str
    estimate: float | None
    low90: float | None
    high90: float | None
    rmse_with: float
    """Pooled held-out RMSE of the model with this coupling alone (or the full model)."""
    rmse_without: float
    """Pooled held-out RMSE of the uncoupled model (W = 0, trust link cut)."""
    cycles_better: int
    cycles: int
    verdict: str
    """``supported: a push``, ``supported: a drag``, ``supported`` or ``the record cannot tell``."""
    reason: str


class MatrixRow(Row):
    """An entry of W: its default and its posterior on the record."""

    parameter: str
    pull: str
    default: float
    estimate: float
    low90: float
    high90: float
    rhat: float
    identified: bool
    at_bound: bool


class VariantScore(Row):
    """Leave-one-cycle-out RMSE of every model variant for one cycle (or ``all``)."""

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, float | None]

    cycle: str
    title: str
    months: int
    start: Month
    end: Month


class Interactions(Row):
    """``panmun vectors interactions``: which couplings of the vectors the record supports."""

    start: Month
    end: Month
    converged: bool
    verdicts: list[VerdictRow]
    matrix: list[MatrixRow]
    scores: list[VariantScore]


class MapCell(Row):
    """One cell of a driver map: a vector's long-run distribution over the posterior draws."""

    x: str
    y: str
    x_level: float
    y_level: float
    vector: str
    q05: float
    q50: float
    q95: float
    p_hold: float
    """Share of draws in which the vector stays at or above 0.5 through the second half of the horizon."""


class MorrisRow(Row):
    output: str
    """Stock and month, e.g. ``denuclearization@120``."""
    parameter: str
    mu_star: float
    mu_star_conf: float
    sigma: float


class SobolRow(Row):
    output: str
    parameter: str
    S1: float
    S1_conf: float
    ST: float
    ST_conf: float


class InteractionRow(Row):
    """An entry of the interaction matrix W: default and estimate with its 90 % interval."""

    parameter: str
    pull: str
    """Which vector pulls which, e.g. ``P -> D``."""
    default: float
    estimate: float
    low90: float | None
    high90: float | None
    identifiable: bool
    at_bound: bool


class XmileWritten(Row):
    """``panmun vectors export``: the XMILE file written."""

    xmile: str
    scenario: str
    months: int
    """Months simulated by the exported model."""


COMMANDS = {
    "vectors export": XmileWritten,
    "vectors scenarios": list[ScenarioRow],
    "vectors parameters": list[ParameterRow],
    "vectors simulate": Ensemble | list[DeterministicRow],
    "vectors compare": list[ComparisonRow],
    "vectors calibrate": RecordCalibration,
    "vectors validate": Validation,
    "vectors sensitivity": list[SobolRow] | list[MorrisRow],
    "vectors interactions": Interactions,
    "vectors map": list[MapCell],
}
