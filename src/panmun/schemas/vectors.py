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


class Ensemble(Row):
    """``panmun vectors simulate``: an ensemble's quantiles and threshold probabilities per month."""

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
    "vectors calibrate": Calibration,
    "vectors sensitivity": list[SobolRow] | list[MorrisRow],
    "vectors interactions": list[InteractionRow],
}
