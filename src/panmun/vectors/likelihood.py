r"""The three-vector model's likelihood on the whole record, with autocorrelated errors.

**Observation model.** For month :math:`t` and vector :math:`i \in \{D, P, A\}` the observed
implementation is the model's deterministic (mean-field) trajectory plus an error that
follows a stationary AR(1) process within each cycle (:mod:`panmun.vectors.cycles`)::

    y_i(t) = V_i(t; theta) + e_i(t),     e_i(t) = rho_i e_i(t-1) + nu_i(t),   nu_i(t) ~ N(0, s_i^2)

The record's series are step functions (a provision's status changes on a few dates and
holds between them), so the errors of neighbouring months are strongly correlated: with
independent errors the likelihood would count each flat month as new evidence. The exact
(Prais-Winsten) Gaussian likelihood of the errors of vector *i*, over its ``n_i`` months in
the likelihood forming ``m_i`` runs of consecutive months, is::

    log L_i = - n_i/2 log(2 pi s_i^2) + m_i/2 log(1 - rho_i^2) - SSR_i(rho_i) / (2 s_i^2)
    SSR_i(rho) = sum_all e^2 - 2 rho sum_pairs e_t e_{t-1} + rho^2 (sum_pairs e_{t-1}^2 - sum_first e^2)

(``pairs``: consecutive months of the same run; ``first``: the first month of each run).
The noise scale and the autocorrelation are **integrated out**: ``s_i`` under the Jeffreys
prior ``1/s``, which gives ``log L_i = const + m_i/2 log(1 - rho^2) - n_i/2 log SSR_i(rho)``,
and ``rho_i`` under a uniform prior on [0, :data:`RHO_MAX`], by a sum over a grid of
:data:`RHO_GRID` points (``SSR_i`` is a quadratic in ``rho``, so the grid costs nothing).
``SSR_i`` is floored at ``n_i`` x :data:`SIGMA_FLOOR`\ ^2. When ``rho`` is near 1 the
likelihood weighs the *changes* of the errors, i.e. how well the model's moves match the
record's steps, rather than their levels month by month.

**Runs and anchoring.** The model runs from 1991-01 with D = P = A = 0 (no agreement yet)
and a free initial trust ``trust0``. At the first month of each later cycle, the vectors
are set to their observed values (an intervention, :class:`~panmun.vectors.model.Intervention`)
and trust carries on: each cycle is then the model's prediction from the cycle's start
given its drivers. Anchor months, months without an observation and held-out months are
not in the likelihood. The step into month *k* uses the drivers of calendar month *k*.

**Prior.** Each fitted parameter has an independent Gaussian prior centred on its default
(judgement) with standard deviation :data:`PRIOR_SD` of its range, truncated to the range;
parameters are handled in coordinates ``z`` scaled to [0, 1].
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import minimize
from scipy.special import logsumexp

from panmun.vectors.calibrate import TRUST0, step_drivers
from panmun.vectors.model import Intervention, Setup, full_parameters, run_batch
from panmun.vectors.parameters import BY_NAME, VECTORS, Parameter

#: the parameters fitted on the record: speeds, bases, the interaction matrix W, the drivers'
#: pushes that vary in the record (trust, summits, exercises, leadership, US-China rivalry,
#: sanctions per vector), trust's response to steps and reversals, and the initial trust
FIT: tuple[str, ...] = ("speed_D", "speed_P", "speed_A", "base_D", "base_P", "base_A",
                        "w_DP", "w_DA", "w_PD", "w_PA", "w_AD", "w_AP",
                        "g_trust", "g_summits", "g_exercises", "g_leadership", "g_rivalry",
                        "g_sanctions_D", "g_sanctions_P", "g_sanctions_A",
                        "t_reciprocity", "t_reversal", "trust0")
#: the interaction matrix's entries
W_NAMES: tuple[str, ...] = ("w_DP", "w_DA", "w_PD", "w_PA", "w_AD", "w_AP")
#: trust's response to the vectors' steps: the trust link between vectors
TRUST_LINK: tuple[str, ...] = ("t_reciprocity", "t_reversal")
#: prior standard deviation of a fitted parameter, as a fraction of its range
PRIOR_SD = 0.25
#: largest AR(1) coefficient of the errors, and the grid it is integrated over
RHO_MAX = 0.99
RHO_GRID = 100
#: smallest error scale (a vector fitted exactly must not get infinite weight)
SIGMA_FLOOR = 1e-3
#: forward-difference step in the scaled coordinates (MAP gradient)
STEP = 1e-5

RHOS = (np.arange(RHO_GRID) + 0.5) / RHO_GRID * RHO_MAX


def parameter(name: str) -> Parameter:
    """A fittable parameter's definition (a model parameter or ``trust0``)."""
    return TRUST0 if name == "trust0" else BY_NAME[name]


@dataclass
class Problem:
    """The record as a likelihood over parameters ``names`` (the rest at ``fixed`` or defaults).

    ``observed``: (K, 3) D, P, A per month (NaN where missing); ``drivers``: (K, 7) calendar
    months; ``anchors``: rows where a cycle starts (the vectors set to the observed values);
    ``segment``: the cycle number of each row; ``held_out``: rows left out of the likelihood.
    """

    observed: np.ndarray
    drivers: np.ndarray
    anchors: tuple[int, ...]
    segment: np.ndarray
    names: tuple[str, ...] = FIT
    fixed: dict[str, float] = field(default_factory=dict)
    held_out: np.ndarray | None = None
    prior: float = PRIOR_SD

    def __post_init__(self) -> None:
        self.low = np.array([parameter(n).low for n in self.names])
        self.span = np.array([parameter(n).high for n in self.names]) - self.low
        self.centre = (np.array([parameter(n).default for n in self.names]) - self.low) / self.span
        obs = self.observed
        K = len(obs)
        interventions = tuple(Intervention(k, stock, float(obs[k, i]))
                              for k in self.anchors if k > 0
                              for i, stock in enumerate(VECTORS) if np.isfinite(obs[k, i]))
        first = tuple(float(v) if np.isfinite(v) else 0.0 for v in obs[0])
        self.setup = Setup((*first, TRUST0.default), step_drivers(self.drivers), interventions)
        include = np.isfinite(obs)
        include[0] = False
        for k in self.anchors:
            include[k] = False
        if self.held_out is not None:
            include[np.asarray(self.held_out, dtype=bool)] = False
        same = np.zeros(K, dtype=bool)
        same[1:] = self.segment[1:] == self.segment[:-1]
        self.include = include
        self.pairs = include & np.vstack([np.zeros((1, 3), bool), include[:-1]]) & same[:, None]
        self.firsts = include & ~self.pairs
        self.n = include.sum(axis=0).astype(float)
        self.m = self.firsts.sum(axis=0).astype(float)
        self.target = np.nan_to_num(obs)

    # -- coordinates -------------------------------------------------------------------------
    def values(self, z: np.ndarray) -> np.ndarray:
        return self.low + np.asarray(z) * self.span

    def to_z(self, values: dict[str, float]) -> np.ndarray:
        x = np.array([values.get(n, parameter(n).default) for n in self.names], dtype=float)
        return np.clip((x - self.low) / self.span, 0.0, 1.0)

    def params(self, x: np.ndarray) -> tuple[dict[str, float | np.ndarray], float | np.ndarray]:
        """Model parameters and initial trust for values ``x`` ((p,) or (n, p))."""
        params: dict[str, float | np.ndarray] = dict(full_parameters(self.fixed))
        trust0: float | np.ndarray = TRUST0.default
        for j, name in enumerate(self.names):
            value = x[..., j]
            if name == "trust0":
                trust0 = value
            else:
                params[name] = value
        return params, trust0

    # -- the model's runs ----------------------------------------------------------------------
    def paths(self, zs: np.ndarray) -> np.ndarray:
        """Trajectories (K, 4, n) for ``zs`` of shape (n, p): one vectorised batch (:func:`mean_field`)."""
        zs = np.atleast_2d(zs)
        params, trust0 = self.params(self.values(zs))
        initial = (*self.setup.initial[:3], trust0)
        return mean_field(Setup(initial, self.setup.drivers, self.setup.interventions), params, len(zs))

    def paths_reference(self, zs: np.ndarray) -> np.ndarray:
        """The same trajectories by the model's own runner (:func:`panmun.vectors.model.run_batch`)."""
        zs = np.atleast_2d(zs)
        params, trust0 = self.params(self.values(zs))
        initial = (*self.setup.initial[:3], trust0)
        out = run_batch(Setup(initial, self.setup.drivers, self.setup.interventions), params, len(zs), None)
        assert out is not None
        return out

    # -- the likelihood -----------------------------------------------------------------------
    def sums(self, paths: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Per vector and run (3, n): sum e^2, sum over pairs e_t e_{t-1}, e_{t-1}^2, sum over firsts e^2."""
        e = np.where(self.include[:, :, None], paths[:, :3, :] - self.target[:, :, None], 0.0)
        lag = np.vstack([np.zeros((1,) + e.shape[1:]), e[:-1]])
        pairs = self.pairs[:, :, None]
        a = (e**2).sum(axis=0)
        b = np.where(pairs, e * lag, 0.0).sum(axis=0)
        c = np.where(pairs, lag**2, 0.0).sum(axis=0)
        f = np.where(self.firsts[:, :, None], e**2, 0.0).sum(axis=0)
        return a, b, c, f

    def ssr(self, sums, rho: np.ndarray) -> np.ndarray:
        """SSR(rho) for every grid point: (G, 3, n)."""
        a, b, c, f = sums
        r = rho[:, None, None]
        floor = self.n[None, :, None] * SIGMA_FLOOR**2
        return np.maximum(a - 2 * r * b + r**2 * (c - f), 0.0) + floor

    def grid_loglik(self, sums) -> np.ndarray:
        """log L per rho grid point, vector and run: (G, 3, n) (s integrated out; constants dropped)."""
        ssr = self.ssr(sums, RHOS)
        return (0.5 * self.m[None, :, None] * np.log1p(-RHOS[:, None, None] ** 2)
                - 0.5 * self.n[None, :, None] * np.log(ssr))

    def loglik(self, paths: np.ndarray) -> np.ndarray:
        """The marginal log likelihood of each run (n,): rho and s integrated out."""
        grid = self.grid_loglik(self.sums(paths))
        per_vector = logsumexp(grid, axis=0) - np.log(RHO_GRID)
        used = self.n > 0
        return per_vector[used].sum(axis=0)

    def logprior(self, zs: np.ndarray) -> np.ndarray:
        zs = np.atleast_2d(zs)
        inside = np.all((zs >= 0.0) & (zs <= 1.0), axis=1)
        lp = -0.5 * (((zs - self.centre) / self.prior) ** 2).sum(axis=1)
        return np.where(inside, lp, -np.inf)

    def logpost(self, zs: np.ndarray) -> np.ndarray:
        """log posterior (up to a constant) of each row of ``zs`` (n, p); -inf outside [0, 1]."""
        zs = np.atleast_2d(zs)
        lp = self.logprior(zs)
        out = np.full(len(zs), -np.inf)
        ok = np.isfinite(lp)
        if ok.any():
            out[ok] = lp[ok] + self.loglik(self.paths(zs[ok]))
        return out

    def error_model(self, path: np.ndarray) -> dict[str, np.ndarray]:
        """For one trajectory (K, 4): per vector the posterior mean of rho, the innovation sd s at
        it, the errors' marginal sd, their lag-1 autocorrelation, the months in the likelihood and
        the effectively independent months n (1 - rho) / (1 + rho)."""
        sums = self.sums(path[:, :, None])
        grid = self.grid_loglik(sums)[:, :, 0]
        w = np.exp(grid - grid.max(axis=0))
        w /= w.sum(axis=0)
        rho = (w * RHOS[:, None]).sum(axis=0)
        ssr = self.ssr(sums, rho)[np.arange(3), np.arange(3), 0]       # vector i at its own rho_i
        n = np.maximum(self.n, 1)
        s = np.sqrt(ssr / n)
        a, b, c, _ = (x[:, 0] for x in sums)
        with np.errstate(invalid="ignore", divide="ignore"):
            lag1 = np.where(c > 0, b / np.sqrt(np.maximum(c, 1e-300) * np.maximum(a, 1e-300)), np.nan)
        return {"rho": rho, "s": s, "sd": s / np.sqrt(1 - rho**2), "lag1": lag1, "months": self.n,
                "independent": self.n * (1 - rho) / (1 + rho)}


def mean_field(setup: Setup, p: dict, n: int) -> np.ndarray:
    """The deterministic (mean-field) runs of :mod:`panmun.vectors.model`, ``dt = 1``, for ``n``
    parameter sets at once: trajectories (K, 4, n). The same equations as
    :func:`panmun.vectors.model.step` with the shocks' expected effects, written for speed
    in the calibration (every term that depends on the month only is computed for all months
    before the loop); ``tests/test_vectors_record.py`` checks it against the model's runner."""
    if setup.dt != 1.0:
        raise ValueError("mean_field runs monthly steps only (dt = 1)")
    q = {k: (np.asarray(v, dtype=float) if np.ndim(v) else float(v)) for k, v in p.items()}
    x = setup.drivers[:-1]                                             # (K-1, 7): the step into k+1
    col = [x[:, i][:, None] for i in range(7)]
    rivalry, sanctions, border, leadership, summits, exercises, exchange = col
    common = (q["g_summits"] * summits + q["g_exchange"] * exchange - q["g_rivalry"] * rivalry
              - q["g_exercises"] * exercises - q["g_border"] * border - q["g_leadership"] * leadership)
    const = np.stack(np.broadcast_arrays(q["base_D"] + common + q["g_sanctions_D"] * sanctions,
                                         q["base_P"] + common + q["g_sanctions_P"] * sanctions,
                                         q["base_A"] + common + q["g_sanctions_A"] * sanctions,
                                         np.zeros((1, n))), axis=1)[:, :3]   # (K-1, 3, n)
    ones = np.ones((len(x), n))
    log_p = (q["provocation_exercises"] * exercises + q["provocation_rivalry"] * rivalry) * ones
    rate_c = q["incident_rate"] * (1 + exercises) * ones
    rate_b = q["breakthrough_rate"] * (1 + summits) * ones
    t_in = (q["t_summits"] * summits + q["t_exchange"] * exchange) * ones
    t_out = (q["t_exercises"] * exercises) * ones

    def col3(a, b, c):
        return np.vstack(np.broadcast_arrays(np.atleast_1d(a) * np.ones(n), b, c))

    speed = col3(q["speed_D"], q["speed_P"], q["speed_A"])
    w1 = col3(q["w_DP"], q["w_PD"], q["w_AD"])                           # pulls by V[1], V[0], V[0]
    w2 = col3(q["w_DA"], q["w_PA"], q["w_AP"])                           # pulls by V[2], V[2], V[1]
    g_t, eta, eps = q["g_trust"], q["breakthrough_effect"], q["incident_arms_control"]
    p_rate, p_trust = q["provocation_rate"], q["provocation_trust"]
    k_up, k_rev, d_p, d_c = q["t_reciprocity"], q["t_reversal"], q["provocation_effect"], q["incident_trust"]
    sets: dict[int, list[tuple[int, float]]] = {}
    index = {"denuclearization": 0, "peace_regime": 1, "arms_control": 2, "trust": 3}
    adds: dict[int, list[tuple[int, float]]] = {}
    for iv in setup.interventions:
        (adds if iv.kind == "add" else sets).setdefault(iv.month, []).append((index[iv.stock], iv.value))
    K = len(x) + 1
    out = np.empty((K, 4, n))
    S = np.empty((4, n))
    for i, v in enumerate(setup.initial):
        S[i] = v
    out[0] = S
    for k in range(K - 1):
        V, T = S[:3], S[3]
        tm = T - 0.5
        lam_p = p_rate * np.exp(log_p[k] - p_trust * tm)
        lam_c = rate_c[k] * (1.0 - V[2])
        eb = eta * (rate_b[k] * T)
        u = const[k] + w1 * V[[1, 0, 0]] + w2 * V[[2, 2, 1]] + g_t * tm
        up = speed * np.maximum(u, 0.0) + eb
        down = speed * np.maximum(-u, 0.0)
        down[2] += eps * lam_c
        net = np.minimum(up, 1.0) * (1.0 - V) - np.minimum(down, 1.0) * V
        gains = np.maximum(net, 0.0).sum(axis=0)
        losses = np.maximum(-net, 0.0).sum(axis=0)
        up_t = np.minimum(k_up * gains + t_in[k] + eb, 1.0)
        down_t = np.minimum(k_rev * losses + t_out[k] + d_p * lam_p + d_c * lam_c, 1.0)
        S[3] = T + (up_t * (1.0 - T) - down_t * T)
        S[:3] = V + net
        for i, value in adds.get(k + 1, ()):
            np.clip(S[i] + value, 0.0, 1.0, out=S[i])
        for i, value in sets.get(k + 1, ()):
            S[i] = value
        out[k + 1] = S
    return out


def problem_for(history, names: Sequence[str] = FIT, fixed: dict[str, float] | None = None,
                held_out: np.ndarray | None = None, prior: float = PRIOR_SD) -> Problem:
    """The :class:`Problem` of a :class:`~panmun.vectors.history.History` (cycles as anchors)."""
    from panmun.vectors.cycles import CYCLES, cycle_of

    names_of = cycle_of(history.months)
    order = {c.name: i for i, c in enumerate(CYCLES)}
    segment = np.array([order.get(n, -1) if n is not None else -1 for n in names_of])
    anchors = tuple(int(k) for k in range(1, len(segment)) if segment[k] != segment[k - 1])
    return Problem(history.targets.to_numpy(dtype=float), np.asarray(history.drivers, dtype=float), anchors,
                   segment, tuple(names), dict(fixed or {}), held_out, prior)


def find_map(problem: Problem, start: dict[str, float] | None = None, maxiter: int = 400) -> np.ndarray:
    """The posterior mode in scaled coordinates: L-BFGS-B within [0, 1], with the gradient by
    forward differences computed as one batch of runs per iteration."""
    p = len(problem.names)
    z0 = problem.to_z(start or {})

    def fun(z: np.ndarray) -> tuple[float, np.ndarray]:
        h = np.where(z + STEP <= 1.0, STEP, -STEP)
        zs = np.vstack([z, z + np.diag(h)])
        lp = problem.logpost(zs)
        grad = (lp[1:] - lp[0]) / h
        if not np.isfinite(lp[0]):
            return 1e12, np.zeros(p)
        return -float(lp[0]), -np.nan_to_num(grad, nan=0.0, posinf=0.0, neginf=0.0)

    sol = minimize(fun, z0, jac=True, method="L-BFGS-B", bounds=[(0.0, 1.0)] * p,
                   options={"maxiter": maxiter, "ftol": 1e-10, "gtol": 1e-6})
    return np.clip(sol.x, 0.0, 1.0)


__all__ = ["FIT", "PRIOR_SD", "RHOS", "RHO_GRID", "RHO_MAX", "SIGMA_FLOOR", "TRUST_LINK", "W_NAMES",
           "Problem", "find_map", "mean_field", "parameter", "problem_for"]
