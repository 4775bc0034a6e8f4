r"""The three-vector model: equations, and its deterministic and stochastic runs.

State, each a fraction in [0, 1]: progress on denuclearization :math:`D`, on a peace
regime :math:`P`, on arms control and military confidence building :math:`A`, and mutual
trust :math:`T`. Inputs: seven driver series :math:`x(t)` (see
:data:`~panmun.vectors.parameters.DRIVERS`): rivalry :math:`R`, sanctions :math:`S`,
border closure :math:`B`, leadership change :math:`L`, summits :math:`M`, exercises
:math:`X`, inter-Korean exchange :math:`E`. Time :math:`t` in months; Euler steps of
:math:`\Delta t` months (1 by default). Parameters: :mod:`panmun.vectors.parameters`.

**Drive** of vector :math:`i \in \{D, P, A\}` (dimensionless)::

    u_i = b_i + sum_j W_ij V_j + g_T (T - 0.5) + g_M M + g_E E
              - g_R R - g_X X - g_B B - g_L L + g_Si S

with :math:`W` the interaction matrix (zero diagonal): how progress on vector *j* pushes
(:math:`W_{ij} > 0`) or holds back (:math:`< 0`) vector *i*.

**Shock rates** (expected events per month) depend on the state::

    lambda_p = lambda_p0 exp(theta_T (0.5 - T) + theta_X X + theta_R R)   provocations
    lambda_c = lambda_c0 (1 - A) (1 + X)                                  accidental clashes
    lambda_b = lambda_b0 T (1 + M)                                        breakthroughs

**Vectors.** Up- and down-rates (1/month), capped at 1/dt so a step cannot leave [0, 1]::

    up_i   = min(r_i max(u_i, 0) + [eta lambda_b], 1/dt)
    down_i = min(r_i max(-u_i, 0) + [epsilon_c lambda_c if i = A], 1/dt)
    in_i   = up_i (1 - V_i)          out_i = down_i V_i
    V_i(t + dt) = V_i + dt (in_i - out_i)

**Trust** rises with reciprocated steps (net progress on any vector), summits and
exchange, and falls with reversals (net regress), exercises, provocations and clashes::

    up_T   = min(k_up sum_i max(in_i - out_i, 0) + k_M M + k_E E + [eta lambda_b], 1/dt)
    down_T = min(k_rev sum_i max(out_i - in_i, 0) + k_X X
                 + [delta_p lambda_p + delta_c lambda_c], 1/dt)
    T(t + dt) = T + dt (up_T (1 - T) - down_T T)

The bracketed terms are the shocks' *expected* effects: they are in the **deterministic**
(mean-field) run. In a **stochastic** run they are left out of the flows; instead, after
each Euler step, event counts are drawn, ``n ~ Poisson(lambda dt)`` with the rates of the
step's start, and applied as jumps: each provocation keeps a fraction ``1 - delta_p`` of
trust, each clash keeps ``1 - delta_c`` of trust and ``1 - epsilon_c`` of arms control,
and each breakthrough closes a fraction ``eta`` of the distance to 1 of every stock
(``V <- 1 - (1 - V)(1 - eta)^n``). Both runs stay in [0, 1] by construction.

**Interventions** (scenario steps such as "the CMA fully restored in 2027") set a stock
to a value at a month: the stock's value at month *k* is the set value (that step's own
flows are ignored for that stock). An ``add`` intervention (a roadmap step completed
that month) instead adds its value to the stock after the month's flows, within [0, 1].

Ensembles are computed in chunks of runs, every chunk vectorised over its runs, with
its own random stream (``SeedSequence([seed, chunk])``): the result does not depend on
which process computes which chunk. Per month the ensemble keeps integer histograms of
each stock (so quantiles stream: memory does not grow with the number of runs, and
sums of counts are exact in any order) and the number of runs that have reached each
threshold.

**Performance.** :func:`step` is the equations as written above, for reading and for
tests; runs use :class:`_Block`, the same equations evaluated in place on preallocated
arrays (terms that depend only on the month's drivers computed once a month; parameters
one number, or one value per run). Shock counts are drawn exactly: ``n ~ Poisson(m)``,
``m = lambda dt``, is the number of partial sums of unit exponential variates that stay
at or below ``m`` (means above :data:`DIRECT_POISSON` use the generator's Poisson
sampler). An ensemble counts each month as it is computed (histograms, running maxima
for the thresholds), so it never stores trajectories.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

import numpy as np

from panmun.vectors.parameters import DRIVERS, PARAMETER_NAMES, STOCKS, defaults

#: Columns of a driver array, in order.
DRIVER_NAMES: tuple[str, ...] = tuple(DRIVERS)
#: Histogram bins per unit of a stock: quantiles are read to 1/BINS (0.00025).
BINS = 4000
#: Runs per chunk of an ensemble (each chunk has its own random stream).
CHUNK = 16384
#: Expected counts per step above which a shock count is drawn by ``Generator.poisson``.
DIRECT_POISSON = 20.0

Params = Mapping[str, float | np.ndarray]


@dataclass(frozen=True)
class Intervention:
    """At month ``month`` (>= 1): set ``stock`` to ``value`` (``kind="set"``), or add
    ``value`` to it, capped at 1 and floored at 0 (``kind="add"``: a step's jump, e.g. a
    roadmap step completed that month)."""

    month: int
    stock: str
    value: float
    kind: str = "set"


@dataclass(frozen=True)
class Setup:
    """Everything a run needs besides the parameters: start state, drivers, interventions.

    ``drivers`` has one row per month 0..horizon (the step from month k to k + 1 uses
    row k; the last row is not used) and one column per driver (:data:`DRIVER_NAMES`); a third
    axis, if any, gives each run of an ensemble its own drivers (one value per run).
    """

    initial: tuple[float | np.ndarray, ...]     # (D, P, A, T); an array gives each run its own value
    drivers: np.ndarray
    interventions: tuple[Intervention, ...] = ()
    dt: float = 1.0

    @property
    def horizon(self) -> int:
        return self.drivers.shape[0] - 1

    @property
    def steps_per_month(self) -> int:
        return int(round(1 / self.dt))


def full_parameters(overrides: Params | None = None) -> dict[str, float | np.ndarray]:
    """The defaults, with ``overrides`` (unknown names are an error)."""
    params: dict[str, float | np.ndarray] = dict(defaults())
    for name, value in (overrides or {}).items():
        if name not in params:
            raise KeyError(f"unknown parameter {name!r}")
        params[name] = value
    return params


def drives(state: Sequence[np.ndarray], x: np.ndarray, p: Params) -> tuple[np.ndarray, ...]:
    """The drives u_D, u_P, u_A for a state (D, P, A, T) and one month of drivers ``x``."""
    d, pr, a, t = state
    rivalry, sanctions, border, leadership, summits, exercises, exchange = x
    common = (p["g_trust"] * (t - 0.5) + p["g_summits"] * summits + p["g_exchange"] * exchange
              - p["g_rivalry"] * rivalry - p["g_exercises"] * exercises - p["g_border"] * border
              - p["g_leadership"] * leadership)
    u_d = p["base_D"] + p["w_DP"] * pr + p["w_DA"] * a + common + p["g_sanctions_D"] * sanctions
    u_p = p["base_P"] + p["w_PD"] * d + p["w_PA"] * a + common + p["g_sanctions_P"] * sanctions
    u_a = p["base_A"] + p["w_AD"] * d + p["w_AP"] * pr + common + p["g_sanctions_A"] * sanctions
    return u_d, u_p, u_a


def shock_rates(state: Sequence[np.ndarray], x: np.ndarray, p: Params) -> tuple[np.ndarray, ...]:
    """Expected provocations, accidental clashes and breakthroughs per month."""
    _, _, a, t = state
    rivalry, exercises, summits = x[0], x[5], x[4]
    provocations = p["provocation_rate"] * np.exp(
        p["provocation_trust"] * (0.5 - t) + p["provocation_exercises"] * exercises
        + p["provocation_rivalry"] * rivalry)
    clashes = p["incident_rate"] * (1 - a) * (1 + exercises)
    breakthroughs = p["breakthrough_rate"] * t * (1 + summits)
    return provocations, clashes, breakthroughs


def step(state: Sequence[np.ndarray], x: np.ndarray, p: Params, dt: float,
         mean_field: bool) -> tuple[list[np.ndarray], tuple[np.ndarray, ...]]:
    """One Euler step of the flows; returns the next state and the shock rates used."""
    d, pr, a, t = state
    cap = 1.0 / dt
    u = drives(state, x, p)
    lam_p, lam_c, lam_b = shock_rates(state, x, p)
    speeds = (p["speed_D"], p["speed_P"], p["speed_A"])
    vectors = (d, pr, a)
    nxt, gains, losses = [], 0.0, 0.0
    for i, (v, ui, r) in enumerate(zip(vectors, u, speeds, strict=True)):
        up = r * np.maximum(ui, 0.0)
        down = r * np.maximum(-ui, 0.0)
        if mean_field:
            up = up + p["breakthrough_effect"] * lam_b
            if i == 2:
                down = down + p["incident_arms_control"] * lam_c
        flow_in = np.minimum(up, cap) * (1 - v)
        flow_out = np.minimum(down, cap) * v
        net = flow_in - flow_out
        gains = gains + np.maximum(net, 0.0)
        losses = losses + np.maximum(-net, 0.0)
        nxt.append(v + dt * net)
    summits, exercises, exchange = x[4], x[5], x[6]
    up_t = p["t_reciprocity"] * gains + p["t_summits"] * summits + p["t_exchange"] * exchange
    down_t = p["t_reversal"] * losses + p["t_exercises"] * exercises
    if mean_field:
        up_t = up_t + p["breakthrough_effect"] * lam_b
        down_t = down_t + p["provocation_effect"] * lam_p + p["incident_trust"] * lam_c
    nxt.append(t + dt * (np.minimum(up_t, cap) * (1 - t) - np.minimum(down_t, cap) * t))
    return nxt, (lam_p, lam_c, lam_b)


def _rows(a: float | np.ndarray, b: float | np.ndarray, c: float | np.ndarray) -> np.ndarray:
    """Three per-vector coefficients as a column (3, 1), or (3, n) if any is per run."""
    if np.ndim(a) == np.ndim(b) == np.ndim(c) == 0:
        return np.array([[a], [b], [c]], dtype=float)
    return np.vstack(np.broadcast_arrays(a, b, c)).astype(float)


class _Block:
    """``n`` runs stepped together: the equations of :func:`step`, in place on preallocated arrays.

    The state is one array ``S`` of shape (4, n) (rows :data:`STOCKS`). Call :meth:`month`
    with a month's drivers before the steps of that month; :meth:`step` then advances ``S``
    by one Euler step of ``dt`` months and leaves the shock rates of the step's start
    (expected events per month, rows provocations, clashes, breakthroughs) in ``lam``.
    """

    def __init__(self, p: Params, n: int, dt: float, mean_field: bool):
        self.p = {k: (float(v) if np.ndim(v) == 0 else np.asarray(v, dtype=float)) for k, v in p.items()}
        self.dt, self.cap, self.mean_field = dt, 1.0 / dt, mean_field
        q = self.p
        self.speed = _rows(q["speed_D"], q["speed_P"], q["speed_A"])
        # vector i is pushed by the other two: (i, j, w_ij), (i, k, w_ik)
        self.pulls = ((0, 1, q["w_DP"], 2, q["w_DA"]), (1, 0, q["w_PD"], 2, q["w_PA"]),
                      (2, 0, q["w_AD"], 1, q["w_AP"]))
        self.u = np.empty((3, n))
        self.pos = np.empty((3, n))
        self.rest = np.empty((3, n))      # 1 - V
        self.lam = np.empty((3, n))
        self.tmp = np.empty(n)
        self.gt = np.empty(n)
        self.gains = np.empty(n)
        self.losses = np.empty(n)
        self.eta_b = np.empty(n)
        self.up_t = np.empty(n)
        self.down_t = np.empty(n)

    def month(self, x: np.ndarray) -> None:
        """The terms that depend on the month's drivers only."""
        q = self.p
        values = [float(v) for v in x] if x.ndim == 1 else list(x)     # (7,) or per run (7, n)
        rivalry, sanctions, border, leadership, summits, exercises, exchange = values
        common = (q["g_summits"] * summits + q["g_exchange"] * exchange - q["g_rivalry"] * rivalry
                  - q["g_exercises"] * exercises - q["g_border"] * border - q["g_leadership"] * leadership)
        self.const = (q["base_D"] + common + q["g_sanctions_D"] * sanctions,
                      q["base_P"] + common + q["g_sanctions_P"] * sanctions,
                      q["base_A"] + common + q["g_sanctions_A"] * sanctions)
        self.log_p = q["provocation_exercises"] * exercises + q["provocation_rivalry"] * rivalry
        self.rate_c = q["incident_rate"] * (1 + exercises)
        self.rate_b = q["breakthrough_rate"] * (1 + summits)
        self.trust_in = q["t_summits"] * summits + q["t_exchange"] * exchange
        self.trust_out = q["t_exercises"] * exercises

    def rates(self, S: np.ndarray) -> None:
        """Shock rates at state ``S`` into ``lam``; also ``rest`` = 1 - V."""
        q, lam = self.p, self.lam
        np.subtract(1.0, S[:3], out=self.rest)
        np.subtract(S[3], 0.5, out=self.tmp)                       # T - 0.5
        np.multiply(self.tmp, q["provocation_trust"], out=lam[0])
        np.subtract(self.log_p, lam[0], out=lam[0])
        np.exp(lam[0], out=lam[0])
        np.multiply(lam[0], q["provocation_rate"], out=lam[0])
        np.multiply(self.rest[2], self.rate_c, out=lam[1])
        np.multiply(S[3], self.rate_b, out=lam[2])

    def drives(self, S: np.ndarray) -> None:
        """The drives u_D, u_P, u_A into ``u`` (needs ``tmp`` = T - 0.5 from :meth:`rates`)."""
        np.multiply(self.tmp, self.p["g_trust"], out=self.gt)
        for (i, j, w_j, k, w_k), c in zip(self.pulls, self.const, strict=True):
            u = self.u[i]
            np.multiply(S[j], w_j, out=u)
            np.add(u, c, out=u)
            np.multiply(S[k], w_k, out=self.tmp)
            np.add(u, self.tmp, out=u)
            np.add(u, self.gt, out=u)

    def step(self, S: np.ndarray) -> None:
        """One Euler step of the flows, in place."""
        q, cap, lam = self.p, self.cap, self.lam
        self.rates(S)
        self.drives(S)
        up, down = self.pos, self.u
        np.maximum(self.u, 0.0, out=up)
        np.subtract(up, self.u, out=down)                          # max(-u, 0)
        np.multiply(up, self.speed, out=up)
        np.multiply(down, self.speed, out=down)
        if self.mean_field:                                        # the shocks' expected effects
            np.multiply(lam[2], q["breakthrough_effect"], out=self.eta_b)
            np.add(up, self.eta_b, out=up)
            np.multiply(lam[1], q["incident_arms_control"], out=self.tmp)
            np.add(down[2], self.tmp, out=down[2])
        np.minimum(up, cap, out=up)
        np.multiply(up, self.rest, out=up)                         # in_i
        np.minimum(down, cap, out=down)
        np.multiply(down, S[:3], out=down)                         # out_i
        net = up
        np.subtract(up, down, out=net)
        np.maximum(net, 0.0, out=down)
        np.add(down[0], down[1], out=self.gains)
        np.add(self.gains, down[2], out=self.gains)
        np.subtract(down, net, out=down)                           # max(-net, 0)
        np.add(down[0], down[1], out=self.losses)
        np.add(self.losses, down[2], out=self.losses)
        self.trust(S)
        if self.dt != 1.0:
            np.multiply(net, self.dt, out=net)
        np.add(S[:3], net, out=S[:3])

    def trust(self, S: np.ndarray) -> None:
        """Trust's Euler step, in place (uses ``gains``, ``losses`` and, mean field, ``eta_b``)."""
        q, cap, lam = self.p, self.cap, self.lam
        t, up_t, down_t = S[3], self.up_t, self.down_t
        np.multiply(self.gains, q["t_reciprocity"], out=up_t)
        np.add(up_t, self.trust_in, out=up_t)
        np.multiply(self.losses, q["t_reversal"], out=down_t)
        np.add(down_t, self.trust_out, out=down_t)
        if self.mean_field:
            np.add(up_t, self.eta_b, out=up_t)
            np.multiply(lam[0], q["provocation_effect"], out=self.tmp)
            np.add(down_t, self.tmp, out=down_t)
            np.multiply(lam[1], q["incident_trust"], out=self.tmp)
            np.add(down_t, self.tmp, out=down_t)
        np.minimum(up_t, cap, out=up_t)
        np.minimum(down_t, cap, out=down_t)
        np.subtract(1.0, t, out=self.tmp)
        np.multiply(up_t, self.tmp, out=up_t)
        np.multiply(down_t, t, out=down_t)
        np.subtract(up_t, down_t, out=up_t)
        if self.dt != 1.0:
            np.multiply(up_t, self.dt, out=up_t)
        np.add(t, up_t, out=t)


class _Shocks:
    """Shock counts of ``n`` runs, step after step, drawn exactly (the next-reaction method).

    Each run and shock type keeps the integrated rate left until its next event, an Exp(1)
    variate. A step of mean ``m = lambda dt`` uses up ``m`` of it; every time it runs out,
    an event happens and a new Exp(1) variate is added. The counts per step are then
    Poisson(``m``), independent given the rates (the exponential is memoryless), and
    variates are drawn only for events. Means above :data:`DIRECT_POISSON` are drawn by
    ``rng.poisson`` and the run's next-event variate drawn anew.
    """

    def __init__(self, n: int, rng: np.random.Generator):
        self.n, self.rng = n, rng
        self.left = rng.standard_exponential((3, n))

    def draw(self, lam_dt: np.ndarray) -> np.ndarray:
        """The step's counts (3, n) for means ``lam_dt`` (3, n)."""
        left, m = self.left.reshape(-1), lam_dt.reshape(-1)
        np.subtract(left, m, out=left)
        counts = np.zeros(left.size, dtype=np.int64)
        idx = np.flatnonzero(left <= 0.0)
        big = m[idx] > DIRECT_POISSON
        if big.any():
            counts[idx[big]] = self.rng.poisson(m[idx[big]])
            left[idx[big]] = self.rng.standard_exponential(int(big.sum()))
            idx = idx[~big]
        deficit = -left[idx]                     # >= 0: one event each, then one more per Exp(1) it covers
        events = 1
        while idx.size:
            deficit -= self.rng.standard_exponential(idx.size)
            over = deficit < 0.0
            done = np.flatnonzero(over)
            left[idx[done]] = -deficit[done]
            counts[idx[done]] = events
            going = np.flatnonzero(~over)
            idx, deficit = idx[going], deficit[going]
            events += 1
        return counts.reshape(lam_dt.shape)


def _factor(base: float | np.ndarray, counts: np.ndarray) -> np.ndarray:
    """``base ** counts`` elementwise (a table look-up when ``base`` is one number)."""
    if np.ndim(base) == 0:
        return np.take(float(base) ** np.arange(int(counts.max()) + 1), counts)
    return np.power(base, counts)


def _jumps(S: np.ndarray, lam: np.ndarray, p: Params, dt: float, shocks: _Shocks) -> None:
    """Draw the step's shock counts from the rates ``lam`` and apply them as jumps to ``S`` in place."""
    n_p, n_c, n_b = shocks.draw(lam * dt if dt != 1.0 else lam)
    trust = _factor(1 - p["provocation_effect"], n_p)
    trust *= _factor(1 - p["incident_trust"], n_c)
    S[3] *= trust
    S[2] *= _factor(1 - p["incident_arms_control"], n_c)
    hit = np.flatnonzero(n_b)
    if hit.size:
        eta = p["breakthrough_effect"]
        # a parameter is one value, or one per run in a vectorised batch (Params types it float)
        keep = _factor(1 - (eta if np.ndim(eta) == 0 else eta[hit]), n_b[hit])  # type: ignore[index]
        S[:, hit] = 1 - (1 - S[:, hit]) * keep


def _interventions_by_month(setup: Setup) -> dict[int, list[Intervention]]:
    out: dict[int, list[Intervention]] = {}
    for iv in setup.interventions:
        out.setdefault(iv.month, []).append(iv)
    return out


def _months(setup: Setup, p: Params, n: int, rng: np.random.Generator | None) -> Iterator[np.ndarray]:
    """Run ``n`` runs together; yields the state (4, n) at months 0..horizon (the same array, updated)."""
    S = np.empty((4, n))
    for i, v in enumerate(setup.initial):
        S[i] = v
    block = _Block(p, n, setup.dt, mean_field=rng is None)
    shocks = _Shocks(n, rng) if rng is not None else None
    by_month = _interventions_by_month(setup)
    index = {s: i for i, s in enumerate(STOCKS)}
    yield S
    for k in range(setup.horizon):
        block.month(setup.drivers[k])
        for _ in range(setup.steps_per_month):
            block.step(S)
            if shocks is not None:
                _jumps(S, block.lam, block.p, setup.dt, shocks)
        for iv in by_month.get(k + 1, ()):
            if iv.kind == "add":
                np.clip(S[index[iv.stock]] + iv.value, 0.0, 1.0, out=S[index[iv.stock]])
            else:
                S[index[iv.stock]] = iv.value
        yield S


def run_batch(setup: Setup, p: Params, n: int, rng: np.random.Generator | None,
         record: bool = True) -> np.ndarray | None:
    """Run ``n`` runs together; the trajectories, shape (horizon + 1, 4, n), if ``record``."""
    out = np.empty((setup.horizon + 1, 4, n)) if record else None
    for k, S in enumerate(_months(setup, p, n, rng)):
        if out is not None:
            out[k] = S
    return out


def simulate(setup: Setup, params: Params | None = None) -> np.ndarray:
    """The deterministic (mean-field) trajectory: shape (horizon + 1, 4), columns :data:`STOCKS`."""
    p = full_parameters(params)
    traj = run_batch(setup, p, 1, None)
    assert traj is not None
    return traj[:, :, 0]


@dataclass
class EnsembleCounts:
    """What an ensemble keeps: integer counts, summable across chunks in any order.

    ``hist[k, s, b]``: runs with stock ``s`` in bin ``b`` at month ``k``;
    ``reached[k, s, h]``: runs whose stock ``s`` has been at or above ``thresholds[h]``
    at some month up to ``k``; ``total[k, s]``: the sum of the values (for the mean).
    """

    runs: int
    thresholds: tuple[float, ...]
    hist: np.ndarray
    reached: np.ndarray
    total: np.ndarray = field(repr=False)

    def __add__(self, other: EnsembleCounts) -> EnsembleCounts:
        assert self.thresholds == other.thresholds
        return EnsembleCounts(self.runs + other.runs, self.thresholds, self.hist + other.hist,
                              self.reached + other.reached, self.total + other.total)


def _runs_slice(p: Params, start: int, n: int) -> dict[str, float | np.ndarray]:
    """Parameters of runs ``start``..``start + n``: per-run arrays sliced, numbers as they are."""
    return {k: (v[start:start + n] if isinstance(v, np.ndarray) and v.ndim else v) for k, v in p.items()}


def _setup_slice(setup: Setup, start: int, n: int) -> Setup:
    """The setup of runs ``start``..``start + n``: per-run drivers sliced."""
    if setup.drivers.ndim < 3:
        return setup
    return replace(setup, drivers=setup.drivers[:, :, start:start + n])


class _Tally:
    """One chunk's counts, month by month: histograms, threshold reach, sums (:class:`EnsembleCounts`)."""

    def __init__(self, months: int, n: int, thresholds: tuple[float, ...]):
        self.thresholds = np.asarray(thresholds, dtype=float)
        self.hist = np.zeros((months, 4, BINS), dtype=np.int64)
        self.reached = np.zeros((months, 4, len(thresholds)), dtype=np.int64)
        self.total = np.zeros((months, 4))
        self.peak = np.full((4, n), -np.inf)
        self.scaled = np.empty((4, n))
        self.bins = np.empty((4, n), dtype=np.intp)
        self.offset = (np.arange(4) * BINS)[:, None]

    def add(self, k: int, S: np.ndarray) -> None:
        """Count the state ``S`` (4, n) of month ``k``."""
        np.multiply(S, BINS, out=self.scaled)
        np.copyto(self.bins, self.scaled, casting="unsafe")        # truncation, as astype
        np.minimum(self.bins, BINS - 1, out=self.bins)
        np.add(self.bins, self.offset, out=self.bins)
        self.hist[k] = np.bincount(self.bins.reshape(-1), minlength=4 * BINS).reshape(4, BINS)
        np.maximum(self.peak, S, out=self.peak)
        for h, thr in enumerate(self.thresholds):
            self.reached[k, :, h] = np.count_nonzero(self.peak >= thr, axis=1)
        self.total[k] = S.sum(axis=1)


def chunk_counts(setup: Setup, params: Params | None, seed: int, chunk: int, runs: int,
                 thresholds: tuple[float, ...], stochastic: bool = True) -> EnsembleCounts:
    """Run chunk number ``chunk`` (``runs`` runs) of an ensemble and count its outcomes.

    Parameters given as arrays must have one value per run *of the whole ensemble*; the
    chunk takes its slice. ``stochastic=False``: mean-field runs (no random stream used).
    """
    p = full_parameters(params)
    start = chunk * CHUNK
    sliced = _runs_slice(p, start, runs)
    rng = np.random.default_rng(np.random.SeedSequence([seed, chunk])) if stochastic else None
    tally = _Tally(setup.horizon + 1, runs, tuple(thresholds))
    for k, S in enumerate(_months(_setup_slice(setup, start, runs), sliced, runs, rng)):
        tally.add(k, S)
    return EnsembleCounts(runs, tuple(thresholds), tally.hist, tally.reached, tally.total)


def chunks(runs: int) -> list[tuple[int, int]]:
    """(chunk number, runs in it) for an ensemble of ``runs`` runs."""
    return [(c, min(CHUNK, runs - c * CHUNK)) for c in range((runs + CHUNK - 1) // CHUNK)]


def ensemble(setup: Setup, runs: int, seed: int = 0, params: Params | None = None,
             thresholds: tuple[float, ...] = (0.5, 0.8), progress=None, *,
             stochastic: bool = True, threads: int | None = None) -> EnsembleCounts:
    """An ensemble of ``runs`` runs in this process (see :func:`chunk_counts`).

    ``stochastic=False``: the mean-field model, run once per parameter set (parameters
    given as arrays vary per run; with scalars every run is the same). Chunks are computed
    by ``threads`` threads (default: one per CPU, at most 2; numpy releases the GIL in its
    loops) and added in chunk order, so the result does not depend on ``threads``.
    """
    workers = threads or min(2, os.cpu_count() or 1)
    todo = chunks(runs)
    total: EnsembleCounts | None = None
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for first in range(0, len(todo), workers):          # a wave per worker count: bounded memory
            wave = todo[first:first + workers]
            for part in pool.map(lambda cn: chunk_counts(setup, params, seed, cn[0], cn[1], thresholds,
                                                         stochastic=stochastic), wave):
                total = part if total is None else _accumulate(total, part)
                if progress:
                    progress(part.runs)
    assert total is not None
    return total


def _accumulate(total: EnsembleCounts, part: EnsembleCounts) -> EnsembleCounts:
    """``total + part``, in place in ``total``'s arrays."""
    assert total.thresholds == part.thresholds
    total.runs += part.runs
    total.hist += part.hist
    total.reached += part.reached
    total.total += part.total
    return total


def states_at(setup: Setup, params: Params | None, runs: int, months: Sequence[int],
              seed: int | None = None) -> np.ndarray:
    """States of ``runs`` runs at ``months``: shape (len(months), 4, runs).

    Mean-field runs when ``seed`` is None; otherwise stochastic runs, chunk ``c`` drawing
    from ``SeedSequence([seed, c])`` as in :func:`ensemble` (so run *i* of two scenarios
    with the same seed shares its random stream: common random numbers). Parameters
    given as arrays have one value per run (e.g. a sensitivity sample); runs are
    computed :data:`CHUNK` at a time.
    """
    if any(not 0 <= m <= setup.horizon for m in months):
        raise ValueError(f"months must be within 0..{setup.horizon}: {list(months)}")
    p = full_parameters(params)
    wanted = {m: i for i, m in enumerate(months)}
    out = np.empty((len(months), 4, runs))
    for c, n in chunks(runs):
        start = c * CHUNK
        rng = None if seed is None else np.random.default_rng(np.random.SeedSequence([seed, c]))
        for k, S in enumerate(_months(_setup_slice(setup, start, n), _runs_slice(p, start, n), n, rng)):
            if k in wanted:
                out[wanted[k], :, start:start + n] = S
    return out


def quantiles(counts: EnsembleCounts, probs: Sequence[float] = (0.05, 0.5, 0.95)) -> np.ndarray:
    """Quantiles per month and stock from the histograms: shape (months, 4, len(probs)).

    The value is the midpoint of the bin holding the quantile (resolution 1/BINS).
    """
    cum = np.cumsum(counts.hist, axis=2)
    out = np.empty(cum.shape[:2] + (len(probs),))
    for j, q in enumerate(probs):
        target = np.ceil(q * counts.runs)
        idx = np.argmax(cum >= max(target, 1), axis=2)
        out[:, :, j] = (idx + 0.5) / BINS
    return out


__all__ = ["BINS", "CHUNK", "DRIVER_NAMES", "EnsembleCounts", "Intervention", "PARAMETER_NAMES", "Setup",
           "chunk_counts", "chunks", "drives", "ensemble", "full_parameters", "quantiles", "shock_rates",
           "simulate", "states_at", "step"]
