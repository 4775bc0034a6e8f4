"""The incident-escalation risk model: border incidents and the ladder they may climb.

Units: rates are per year, step quantities are probabilities (per incident or per step).

Domains ``d`` (:data:`DOMAINS`): ground (the MDL), sea (around the NLL), air, grey-zone
(balloons, drones, loudspeakers, GPS jamming). Ladder (:data:`LADDER`): incident ->
use of force (an exchange of fire, or other force against the other side) -> deadly clash
-> wider conflict.

Equations (one simulated year; every domain independent of the others)::

    lambda_d = lambda0_d * activity * rate_d * exp(k_rate * (T - T_ref))        incidents / year
    G        = exp(k_step * (T - T_ref) - k_trust * (R - R_ref))                 tension/trust factor
    s1_d     = min(1, p1_d * misperception * warning_failure_d * unresolved_1 * G)
    s2_d     = min(1, p2_d * lethality_d * unresolved_2 * G)
    s3_d     = min(1, p3_d * spillover * unresolved_3 * G)

    N_d ~ Poisson(lambda_d)        incidents in the year
    F_d ~ Binomial(N_d, s1_d)      of which become use of force / an exchange of fire
    D_d ~ Binomial(F_d, s2_d)      of which become deadly clashes
    W_d ~ Binomial(D_d, s3_d)      of which grow into a wider conflict

``lambda0, p1, p2, p3`` are the base rates (:class:`BaseRates`, calibrated on the record in
:mod:`panmun.armscontrol.calibrate`: a world without the measures, at reference activity,
tension and trust). ``T`` (tension) and ``R`` (trust) are in [0, 1]. The named *knobs*
(:data:`KNOBS`) are multipliers, 1 in that world, each on a quantity that raises risk:

- ``activity``: military activity (exercises) near the border, on every domain's rate;
- ``rate.<d>``: incident-generating presence in domain d's zone (guns, patrols, flights);
- ``misperception``: the chance an incident is read as an attack (step 1, all domains);
- ``warning_failure.<d>``: force used without a common warning procedure (step 1, domain d);
- ``unresolved.<k>``: 1 - the chance that talking settles an event at step k before it
  climbs (so a channel that *raises de-escalation* multiplies it by a number below 1);
- ``lethality.<d>``: firepower in range that makes an exchange deadly (step 2, domain d);
- ``spillover``: forces poised to widen a deadly clash (step 3).

Measures (:mod:`panmun.armscontrol.effects`) set knobs below 1. Poisson thinning makes the
deadly clashes of domain d Poisson with rate ``lambda_d * s1_d * s2_d``, independent across
domains, so exactly (:func:`analytic`)::

    P(at least one deadly clash in a year)         = 1 - exp(-sum_d lambda_d s1_d s2_d)
    P(at least one escalation beyond a clash)       = 1 - exp(-sum_d lambda_d s1_d s2_d s3_d)
    E[incidents in domain d per year]               = lambda_d

and over ``H`` independent years ``1 - exp(-H * sum ...)``. :func:`simulate` draws the chain
above (not the thinned shortcut) so that :func:`analytic` is an independent check of it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from panmun import limits
from panmun.errors import InputError

DOMAINS = ("ground", "sea", "air", "grey-zone")
LADDER = ("incident", "use of force", "deadly clash", "wider conflict")
KNOBS = (("activity", "misperception", "spillover", "unresolved.1", "unresolved.2", "unresolved.3")
         + tuple(f"rate.{d}" for d in DOMAINS)
         + tuple(f"warning_failure.{d}" for d in DOMAINS)
         + tuple(f"lethality.{d}" for d in DOMAINS))

T_REF = 0.5      # tension of the calibration period (assumed, on the [0, 1] scale)
R_REF = 0.5      # trust of the calibration period (assumed)
K_RATE = 1.0     # log-change of incident rates per unit of tension (assumed)
K_STEP = 1.0     # log-change of step probabilities per unit of tension (assumed)
K_TRUST = 1.0    # log-change of step probabilities per unit of trust (assumed)


@dataclass(frozen=True)
class BaseRates:
    """Base rates; each array is (4,) per domain, or (runs, 4) for a draw per run.

    lam0: incidents per year; p1, p2, p3: probabilities of steps 1, 2, 3 per event.
    """

    lam0: np.ndarray
    p1: np.ndarray
    p2: np.ndarray
    p3: np.ndarray

    @property
    def runs(self) -> int | None:
        """The number of parameter draws, or None for a single point."""
        return None if np.ndim(self.lam0) == 1 else int(np.shape(self.lam0)[0])


@dataclass(frozen=True)
class Params:
    """Everything the model needs: base rates, knob multipliers, tension and trust."""

    base: BaseRates
    knobs: dict[str, float] = field(default_factory=dict)   # missing knobs are 1
    tension: float = T_REF
    trust: float = R_REF

    def knob(self, name: str) -> float:
        if name not in KNOBS:
            raise KeyError(f"unknown knob {name!r}")
        return float(self.knobs.get(name, 1.0))

    def with_knobs(self, knobs: dict[str, float]) -> Params:
        return replace(self, knobs=dict(knobs))


@dataclass(frozen=True)
class Effective:
    """The model's effective quantities: lam (incidents/year) and step probabilities s1..s3."""

    lam: np.ndarray
    s1: np.ndarray
    s2: np.ndarray
    s3: np.ndarray


def _per_domain(params: Params, prefix: str) -> np.ndarray:
    return np.array([params.knob(f"{prefix}.{d}") for d in DOMAINS])


def effective(params: Params) -> Effective:
    """The equations of the module docstring, vectorised over domains (and runs)."""
    b = params.base
    tension_rate = np.exp(K_RATE * (params.tension - T_REF))
    g = np.exp(K_STEP * (params.tension - T_REF) - K_TRUST * (params.trust - R_REF))
    lam = np.asarray(b.lam0) * params.knob("activity") * _per_domain(params, "rate") * tension_rate
    s1 = (np.asarray(b.p1) * params.knob("misperception") * _per_domain(params, "warning_failure")
          * params.knob("unresolved.1") * g)
    s2 = np.asarray(b.p2) * _per_domain(params, "lethality") * params.knob("unresolved.2") * g
    s3 = np.asarray(b.p3) * params.knob("spillover") * params.knob("unresolved.3") * g
    return Effective(lam, np.minimum(s1, 1.0), np.minimum(s2, 1.0), np.minimum(s3, 1.0))


def analytic(params: Params, years: int = 1) -> dict[str, np.ndarray]:
    """Exact probabilities by Poisson thinning (see the module docstring).

    Returns ``p_deadly_clash`` and ``p_escalation`` (probability of at least one within
    ``years`` years) and ``incidents`` (expected incidents per year by domain); arrays have
    a leading runs dimension when the base rates do.
    """
    e = effective(params)
    deadly_rate = np.sum(e.lam * e.s1 * e.s2, axis=-1)
    wider_rate = np.sum(e.lam * e.s1 * e.s2 * e.s3, axis=-1)
    return {"p_deadly_clash": 1.0 - np.exp(-years * deadly_rate),
            "p_escalation": 1.0 - np.exp(-years * wider_rate),
            "incidents": e.lam}


def simulate(params: Params, years: int, seed: int | np.random.Generator | None = 0) -> dict[str, np.ndarray]:
    """Simulate ``years`` independent years of the ladder.

    Point base rates give arrays shaped (years, 4) / (years,); base rates with a runs
    dimension give (runs, years, 4) / (runs, years). Keys: ``incidents``, ``force``,
    ``deadly`` (counts by domain), ``any_deadly`` and ``any_escalation`` (booleans per year).
    """
    rng = np.random.default_rng(seed)
    e = effective(params)
    lam, s1, s2, s3 = (np.asarray(a, dtype=float) for a in (e.lam, e.s1, e.s2, e.s3))
    shape: tuple[int, ...]
    if lam.ndim == 2:  # one parameter draw per run: broadcast over the years axis
        lam, s1, s2, s3 = (a[:, None, :] for a in (lam, s1, s2, s3))
        shape = (lam.shape[0], years, len(DOMAINS))
    else:
        shape = (years, len(DOMAINS))
    incidents = rng.poisson(np.broadcast_to(lam, shape))
    force = rng.binomial(incidents, np.broadcast_to(s1, shape))
    deadly = rng.binomial(force, np.broadcast_to(s2, shape))
    wider = rng.binomial(deadly, np.broadcast_to(s3, shape))
    return {"incidents": incidents, "force": force, "deadly": deadly,
            "any_deadly": deadly.sum(axis=-1) > 0, "any_escalation": wider.sum(axis=-1) > 0}


def summary(values: np.ndarray, low: float = 0.05, high: float = 0.95) -> dict[str, float]:
    """Median and a (by default 90 %) interval of ``values`` along the first axis."""
    q = np.quantile(np.asarray(values, dtype=float), [0.5, low, high], axis=0)
    return {"median": float(q[0]), "low": float(q[1]), "high": float(q[2])}


#: Simulated domain-years held in memory at once by :func:`risk` (a few tens of MB).
CHUNK_CELLS = 2**21
#: The most simulated years (runs x sims x years) :func:`risk` accepts: about a minute of work.
MAX_SIMULATED_YEARS = limits.MAX_SIMULATED_YEARS


def check_budget(runs: int, sims: int, years: int, packages: int = 1) -> None:
    """Refuse risk computations (one per package) larger than :data:`MAX_SIMULATED_YEARS` in all,
    naming the largest number of runs accepted."""
    total = packages * runs * sims * years
    if total > MAX_SIMULATED_YEARS:
        largest = max(MAX_SIMULATED_YEARS // (packages * sims * years), 0)
        each = f"{packages} packages x " if packages > 1 else ""
        raise InputError(
            f"{each}runs x sims x years = {total:,} simulated years ({runs:,} x {sims:,} x {years:,}), more "
            f"than the limit of {MAX_SIMULATED_YEARS:,}",
            hint=(f"With sims {sims:,} and years {years:,} the largest accepted runs is {largest:,}; "
                  "or lower sims (the Monte Carlo error of each run's probability is about "
                  "sqrt(p(1-p)/sims))." if largest else
                  f"Lower sims: sims x years must stay within {MAX_SIMULATED_YEARS:,}."))


def risk(params: Params, years: int = 1, runs: int = 400, sims: int = 2500,
         seed: int = 0, progress: Callable[[int], None] | None = None) -> dict[str, object]:
    """Risk with intervals from parameter uncertainty plus Monte Carlo.

    ``params.base`` should hold one draw per run (see ``Posterior.draw`` in
    :mod:`panmun.armscontrol.calibrate`); a point is repeated ``runs`` times. Each run
    simulates ``sims`` periods of ``years`` years (``runs * sims * years`` simulated years,
    at most :data:`MAX_SIMULATED_YEARS`), in blocks of at most :data:`CHUNK_CELLS`
    domain-years, each block with its own stream spawned from ``seed``: memory stays flat
    and the result depends only on the arguments. ``progress`` is called with the runs
    finished after each block of runs.
    Returns ``p_deadly_clash`` and ``p_escalation`` (probability of at least one within
    ``years`` years) and ``incidents_by_domain`` (incidents per year), each as
    ``{median, low, high}`` over runs (5 % and 95 % quantiles).
    """
    if params.base.runs is None:
        b = params.base
        params = replace(params, base=BaseRates(*(np.tile(a, (runs, 1)) for a in (b.lam0, b.p1, b.p2, b.p3))))
    runs = params.base.runs or runs
    check_budget(runs, sims, years)
    period_cells = years * len(DOMAINS)
    sims_block = max(1, min(sims, CHUNK_CELLS // period_cells))
    runs_block = max(1, CHUNK_CELLS // (sims_block * period_cells))
    run_starts = range(0, runs, runs_block)
    sim_starts = range(0, sims, sims_block)
    streams = iter(np.random.SeedSequence(seed).spawn(len(run_starts) * len(sim_starts)))
    deadly = np.zeros(runs)
    wider = np.zeros(runs)
    incidents = np.zeros((runs, len(DOMAINS)))
    for r0 in run_starts:
        rows = slice(r0, min(r0 + runs_block, runs))
        b = params.base
        part = replace(params, base=BaseRates(*(np.asarray(a)[rows] for a in (b.lam0, b.p1, b.p2, b.p3))))
        n = rows.stop - rows.start
        for s0 in sim_starts:
            k = min(sims_block, sims - s0)
            out = simulate(part, k * years, np.random.default_rng(next(streams)))
            deadly[rows] += out["any_deadly"].reshape(n, k, years).any(axis=2).sum(axis=1)
            wider[rows] += out["any_escalation"].reshape(n, k, years).any(axis=2).sum(axis=1)
            incidents[rows] += out["incidents"].sum(axis=1)
        if progress is not None:
            progress(n)
    return {"years": years, "runs": runs, "simulated_years": runs * sims * years,
            "p_deadly_clash": summary(deadly / sims), "p_escalation": summary(wider / sims),
            "incidents_by_domain": {d: summary(incidents[:, i] / (sims * years))
                                    for i, d in enumerate(DOMAINS)}}
