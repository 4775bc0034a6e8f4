"""Plans judged by the other models: the three-vector model and the clash-risk model.

**Three-vector model** (:mod:`panmun.vectors`). A plan runs on top of the ``baseline``
scenario (its start state, drivers and parameters); the plan's month 0 is its
``start`` month, which may lie after the scenario's. For every step in the plan, at its
completion month:

* a step of vector D, P or A adds its ``advance`` to that stock (an ``add``
  intervention, within [0, 1]);
* a step of ``exchange`` raises the exchange driver by its ``advance`` from then on
  (capped at 1);
* a step's ``drivers`` set those drivers from then on (if two steps set one driver, the
  later completion wins).

The state at the horizon is read from an ensemble of stochastic runs (shocks drawn;
:func:`panmun.vectors.model.states_at`), each run with its own draw of the parameters from
the calibration's posterior on the record (or the judgement defaults when no draws are
given); the no-plan baseline is run with the same draws and random streams, so each run's
difference is paired (common random numbers), and the intervals carry parameter
uncertainty as well as the shocks'. Reported:
median and 90 % interval of each stock, of the sum D + P + A, and of that sum's
difference to the baseline.

**Clash-risk model** (:mod:`panmun.armscontrol`). The ``status-today`` package with
every measure the plan restores (steps with a ``measure``, complete by the horizon) set
to 1; exact probability of a deadly clash within a year (Poisson thinning) on each draw
of the calibration's posterior: median and 90 % interval, and the reduction against
``status-today``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from panmun.months import months_between
from panmun.roadmap.steps import Constraints, Step
from panmun.vectors.model import Intervention, Setup, states_at
from panmun.vectors.parameters import DRIVERS, STOCKS
from panmun.vectors.scenarios import Scenario, load_scenario

INTERVAL = (0.05, 0.95)
_DRIVER_NAMES = tuple(DRIVERS)


@dataclass(frozen=True)
class VectorOutcome:
    """Ensemble summary at the horizon: per stock and for ``D + P + A`` ("progress") and
    its paired difference to the baseline ("gain"): (median, low, high)."""

    stocks: dict[str, tuple[float, float, float]]
    progress: tuple[float, float, float]
    gain: tuple[float, float, float]
    runs: int


@dataclass(frozen=True)
class RiskOutcome:
    """Probability of a deadly clash within a year with the plan's measures restored, and
    without (``status-today``): (median, low, high) over posterior draws."""

    measures: tuple[str, ...]
    p_deadly: tuple[float, float, float]
    p_deadly_today: tuple[float, float, float]
    reduction: tuple[float, float, float]


def _summary(values: np.ndarray) -> tuple[float, float, float]:
    q = np.quantile(values, [0.5, *INTERVAL])
    return float(q[0]), float(q[1]), float(q[2])


def plan_setup(schedule: dict[str, int], steps: dict[str, Step], constraints: Constraints,
               base: Scenario | None = None) -> tuple[Setup, int]:
    """The three-vector model's input for a plan, and the model month of the plan's horizon."""
    base = base or load_scenario("baseline")
    offset = max(0, months_between(base.start, constraints.start))
    horizon = offset + constraints.horizon
    setup = base.setup(horizon)
    drivers = setup.drivers.copy()
    interventions = list(setup.interventions)
    exchange = _DRIVER_NAMES.index("exchange")
    for sid, start in sorted(schedule.items(), key=lambda kv: kv[1] + steps[kv[0]].duration):
        s = steps[sid]
        done = offset + start + s.duration
        if done > horizon:
            continue
        if s.vector in STOCKS:
            interventions.append(Intervention(max(done, 1), s.vector, s.advance, "add"))
        elif s.vector == "exchange":
            drivers[done:, exchange] = np.minimum(drivers[done:, exchange] + s.advance, 1.0)
        for name, level in s.drivers.items():
            drivers[done:, _DRIVER_NAMES.index(name)] = level
    interventions.sort(key=lambda iv: iv.month)
    return Setup(setup.initial, drivers, tuple(interventions), setup.dt), horizon


def vector_outcome(schedule: dict[str, int], steps: dict[str, Step], constraints: Constraints,
                   runs: int = 2000, seed: int = 0, base: Scenario | None = None,
                   params: dict[str, np.ndarray] | None = None) -> VectorOutcome:
    """The plan's state at the horizon in ``runs`` stochastic runs, against the baseline.

    ``params``: the runs' parameters, one value per run (draws of the calibration's posterior:
    :func:`panmun.vectors.runs.parameter_draws`), or None for the judgement defaults; the
    baseline scenario's overrides apply on top. Run *i* with and without the plan uses the
    same draw and the same random stream."""
    from panmun.vectors.runs import with_scenario

    base = base or load_scenario("baseline")
    with_plan, month = plan_setup(schedule, steps, constraints, base)
    without, _ = plan_setup({}, steps, constraints, base)
    params = with_scenario(base, params) or None
    a = states_at(with_plan, params, runs, [month], seed=seed)[0]
    b = states_at(without, params, runs, [month], seed=seed)[0]
    three = [STOCKS.index(k) for k in ("denuclearization", "peace_regime", "arms_control")]
    progress = a[three].sum(axis=0)
    return VectorOutcome({k: _summary(a[i]) for i, k in enumerate(STOCKS)}, _summary(progress),
                         _summary(progress - b[three].sum(axis=0)), runs)


def restored_measures(schedule: dict[str, int], steps: dict[str, Step], horizon: int) -> tuple[str, ...]:
    """Measures restored by steps complete by the horizon."""
    return tuple(sorted({m for sid, t in schedule.items()
                         if (m := steps[sid].measure) and t + steps[sid].duration <= horizon}))


def risk_outcome(measures: tuple[str, ...], base_rates) -> RiskOutcome:
    """Deadly-clash probability within a year with ``measures`` at level 1 on top of
    ``status-today``, on each draw of ``base_rates`` (:class:`~panmun.armscontrol.model.BaseRates`)."""
    from panmun.armscontrol.model import analytic
    from panmun.armscontrol.packages import load_package

    today = load_package("status-today")
    package = today
    for m in measures:
        package = package.with_level(m, 1.0)
    after = np.atleast_1d(analytic(package.params(base_rates))["p_deadly_clash"])
    before = np.atleast_1d(analytic(today.params(base_rates))["p_deadly_clash"])
    with np.errstate(divide="ignore", invalid="ignore"):
        reduction = np.where(before > 0, 1.0 - after / before, 0.0)
    return RiskOutcome(measures, _summary(after), _summary(before), _summary(reduction))


def risk_weights(steps: dict[str, Step], base_rates) -> dict[str, float]:
    """Planner weights for the ``risk`` objective: per step with a measure, the median
    reduction (in percentage points) of the annual deadly-clash probability from
    restoring that measure alone on top of ``status-today``."""
    out = {}
    for sid, s in steps.items():
        if s.measure:
            r = risk_outcome((s.measure,), base_rates)
            out[sid] = 100.0 * (r.p_deadly_today[0] - r.p_deadly[0])
    return out
