r"""Maximum-likelihood calibration of the three-vector model on the implementation record.

**Likelihood.** For months :math:`k = 1..K` after the start (month 0) and vectors
:math:`i \in \{D, P, A\}`, the observed implementation is the model's deterministic
(mean-field) trajectory plus independent Gaussian noise with one standard deviation per
vector::

    v_obs_i(k) = V_i(k; theta, T_0) + e_ik,     e_ik ~ N(0, sigma_i^2)

    log L(theta, T_0, sigma) = - sum_i [ n_i/2 log(2 pi sigma_i^2) + SSR_i(theta, T_0) / (2 sigma_i^2) ]

with :math:`SSR_i` the sum of squared residuals of vector *i* over its :math:`n_i`
observed months. The run starts at month 0 from the observed D, P, A of that month and a
free initial trust :math:`T_0` (``trust0``); the step into month *k* uses the drivers of
calendar month *k* (so a summit in April moves the April month-end value). Parameters
not fitted keep their defaults (:func:`panmun.vectors.parameters.defaults`).

**Estimation.** For fixed :math:`\sigma` the maximum over :math:`\theta` is a weighted
least-squares problem (residuals divided by :math:`\sigma_i`), solved by
``scipy.optimize.least_squares`` (trust-region reflective) within each parameter's
[low, high] range, in coordinates scaled to [0, 1]; for fixed :math:`\theta` the maximum
over :math:`\sigma` is :math:`\sigma_i^2 = SSR_i / n_i` (floored at
:data:`SIGMA_FLOOR`). The two steps alternate :data:`ROUNDS` times (coordinate ascent
on the likelihood). The Jacobian is a forward difference computed as one vectorised
batch of model runs.

**Uncertainty.** The covariance of the estimates is the inverse Fisher information of
the weighted problem, :math:`(J_w^T J_w)^{-1}` with :math:`J_w` the Jacobian of the
residuals divided by :math:`\sigma_i` (i.e. :math:`\sigma^2 (J^T J)^{-1}` per vector);
90 % intervals are estimate :math:`\pm 1.645` standard errors, clipped to the range.

**Prior (the default for the record).** The record is short and most parameters are
weakly identified by it: pure maximum likelihood then drives them to the edges of their
ranges (the six interaction weights all ended at -2 or +2, initial trust at 1). With
``prior=PRIOR_SD`` (what :func:`calibrate` uses unless told ``prior=None``) each fitted
parameter gets an independent Gaussian prior centred on its default with standard
deviation ``PRIOR_SD`` of its range, and the fit maximises the posterior (MAP): the
weighted residuals are augmented with ``(z - z_default) / PRIOR_SD`` in the scaled
coordinates. The intervals are then the Laplace approximation of the posterior
(:math:`(J_w^T J_w + I / PRIOR\_SD^2)^{-1}`), and a parameter counts as *identified by
the data* only if its posterior standard deviation is below :data:`LEARNED` times its
prior standard deviation: otherwise the estimate is mostly the prior (judgement).

**Identifiability.** From the singular value decomposition of :math:`J_w` in the scaled
coordinates: a direction whose singular value is below :data:`WEAK` times the largest
is a combination of parameters the data cannot pin down (it is reported as such). A
parameter is *identifiable* if its 90 % interval covers less than :data:`WIDE` of its
range and it loads less than half on the weak directions.

**Environment index (a fourth series, when ingested data is present).** When the
history carries the monthly KOR–PRK net-cooperation index of ingested event data
(:attr:`panmun.vectors.history.History.index`, :math:`y_k \in [-1, 1]`, missing in
months without events), it is linked to the model's trust by a linear measurement
equation over the months :math:`k = 0..K` where it is observed::

    y_k = a + b T(k; theta, T_0) + u_k,      u_k ~ N(0, sigma_y^2),   b >= 0

and its term ``- n_y/2 log(2 pi sigma_y^2) - SSR_y / (2 sigma_y^2)`` is added to
``log L``. The nuisance parameters ``a`` (index at zero trust) and ``b`` (index per unit
of trust) are *profiled out*: for every trajectory tried, they are the least-squares
fit of ``y`` on ``T`` under ``b >= 0`` (ordinary least squares; if its slope is negative,
``b = 0`` and ``a`` the mean of ``y``), which gives the same maximum as fitting them
jointly (variable projection). The weighted index residuals ``(a + b T - y) / sigma_y``
join the others in the least-squares problem, ``sigma_y^2 = SSR_y / n_y`` joins the
sigma update, and the forward-difference Jacobian of the profiled residuals gives the
intervals of theta with a and b integrated out (Kaufman's approximation). The reported
standard errors of a and b are those of the regression of ``y`` on the fitted trust
(conditional on the trajectory). Without the index every number is as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import least_squares

from panmun.store.db import Store
from panmun.vectors.history import CYCLE_2018, History, observed_history
from panmun.vectors.model import Setup, full_parameters, run_batch, simulate
from panmun.vectors.parameters import BY_NAME, VECTORS, Parameter

#: the initial trust, fitted alongside the model's parameters
TRUST0 = Parameter("trust0", "T_0", "mutual trust at the first month", "1 (dimensionless)", 0.3, 0.0, 1.0)
#: the parameters fitted by default: speeds, bases, the interaction matrix, trust's key gains
DEFAULT_FIT: tuple[str, ...] = ("speed_D", "speed_P", "speed_A", "base_D", "base_P", "base_A",
                                "w_DP", "w_DA", "w_PD", "w_PA", "w_AD", "w_AP",
                                "g_trust", "g_summits", "t_reciprocity", "t_reversal", "trust0")
#: smallest noise standard deviation (a vector fitted exactly must not get infinite weight)
SIGMA_FLOOR = 1e-3
#: alternations of the least-squares fit and the sigma update
ROUNDS = 3
#: a singular value below WEAK x the largest marks an unidentifiable direction
WEAK = 1e-3
#: a parameter whose 90 % interval covers WIDE of its range or more is not identifiable
WIDE = 0.5
#: two-sided 90 % normal quantile
Z90 = 1.6448536269514722
#: forward-difference step in the scaled [0, 1] coordinates
STEP = 1e-6
#: prior standard deviation of a fitted parameter, as a fraction of its range (MAP fit)
PRIOR_SD = 0.25
#: with a prior, a parameter is identified by the data if its posterior sd < LEARNED x prior sd
LEARNED = 0.5
#: a trust trajectory with less spread than this (sum of squared deviations) gets slope b = 0
FLAT = 1e-12


def parameter(name: str) -> Parameter:
    """The definition of a fittable parameter (a model parameter or ``trust0``)."""
    return TRUST0 if name == "trust0" else BY_NAME[name]


def measurement(trust: np.ndarray, index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Least-squares ``a``, ``b >= 0`` of ``index = a + b trust`` for each column of ``trust``.

    ``trust``: (m, n), the trust of n trajectories at the m months where ``index`` (m,) is
    observed. Returns ``a`` and ``b``, each (n,). A negative OLS slope, or a flat
    trajectory, gives ``b = 0`` and ``a = mean(index)`` (the constrained optimum).
    """
    dt = trust - trust.mean(axis=0)
    dy = index - index.mean()
    spread = (dt**2).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = np.where(spread > FLAT, (dt * dy[:, None]).sum(axis=0) / spread, 0.0)
    b = np.maximum(slope, 0.0)
    return index.mean() - b * trust.mean(axis=0), b


def step_drivers(drivers: np.ndarray) -> np.ndarray:
    """Calendar-month drivers as ``Setup.drivers``: the step into month k uses month k's row."""
    return np.vstack([drivers[1:], drivers[-1:]])


def trajectory(start: Sequence[float], drivers: np.ndarray, params: dict[str, float]) -> np.ndarray:
    """Deterministic run (months, 4) from ``start`` = (D, P, A, T) over calendar-month ``drivers``."""
    setup = Setup(tuple(float(v) for v in start), step_drivers(drivers), (), 1.0)
    return simulate(setup, params)


@dataclass
class _Problem:
    """The weighted least-squares problem in scaled coordinates z in [0, 1]."""

    observed: np.ndarray          # (K, 3), NaN where missing
    drivers: np.ndarray           # (K, 7) calendar months
    names: tuple[str, ...]
    fixed: dict[str, float]
    weights: np.ndarray           # (3,) = 1 / sigma
    prior: float | None = None    # prior sd in scaled coordinates (None: maximum likelihood)
    index: np.ndarray | None = None   # (K,) environment index, NaN where missing (None: not used)
    index_weight: float = 1.0         # 1 / sigma_y

    def __post_init__(self) -> None:
        self.low = np.array([parameter(n).low for n in self.names])
        self.span = np.array([parameter(n).high for n in self.names]) - self.low
        self.centre = (np.array([parameter(n).default for n in self.names]) - self.low) / self.span
        self.mask = ~np.isnan(self.observed[1:])
        self.setup = Setup(tuple(np.nan_to_num(self.observed[0])) + (0.0,), step_drivers(self.drivers))
        if self.index is not None:
            self.index_mask = ~np.isnan(self.index)
            self.index_values = self.index[self.index_mask]

    def values(self, z: np.ndarray) -> np.ndarray:
        return self.low + z * self.span

    def paths(self, zs: np.ndarray) -> np.ndarray:
        """Trajectories (K, 4, n) for ``zs`` of shape (n, p), one vectorised batch."""
        xs = self.values(zs)
        params = dict(full_parameters(self.fixed))
        initial = list(self.setup.initial)
        for j, name in enumerate(self.names):
            if name == "trust0":
                initial[3] = xs[:, j]
            else:
                params[name] = xs[:, j]
        setup = Setup(tuple(initial), self.setup.drivers)
        out = run_batch(setup, params, len(zs), None)
        assert out is not None
        return out

    def weighted(self, path: np.ndarray) -> np.ndarray:
        """Residuals (K-1, 3) divided by sigma, 0 where the observation is missing."""
        res = (path[1:, :3] - np.nan_to_num(self.observed[1:])) * self.weights
        return np.where(self.mask, res, 0.0)

    def index_residuals(self, path: np.ndarray) -> np.ndarray:
        """Raw index residuals ``a + b T - y`` at the observed months, (a, b) profiled."""
        trust = path[self.index_mask, 3]
        a, b = measurement(trust[:, None], self.index_values)
        return a[0] + b[0] * trust - self.index_values

    def data(self, path: np.ndarray) -> np.ndarray:
        """All weighted data residuals of one trajectory (K, 4): D, P, A, then the index if used."""
        out = self.weighted(path).ravel()
        if self.index is None:
            return out
        return np.concatenate([out, self.index_residuals(path) * self.index_weight])

    def residuals(self, z: np.ndarray) -> np.ndarray:
        data = self.data(self.paths(z[None, :])[:, :, 0])
        if self.prior is None:
            return data
        return np.concatenate([data, (z - self.centre) / self.prior])

    def jacobian(self, z: np.ndarray) -> np.ndarray:
        p = len(z)
        h = np.where(z + STEP <= 1.0, STEP, -STEP)
        zs = np.vstack([z, z + np.diag(h)])
        paths = self.paths(zs)
        base = self.data(paths[:, :, 0])
        cols = [(self.data(paths[:, :, j + 1]) - base) / h[j] for j in range(p)]
        data = np.column_stack(cols)
        if self.prior is None:
            return data
        return np.vstack([data, np.eye(p) / self.prior])


@dataclass
class IndexFit:
    """The environment index's measurement equation ``y = a + b T + u``, ``u ~ N(0, sigma^2)``.

    ``source``: the ingested event source; ``months``: the months with a value (``YYYY-MM``);
    ``a`` (index units), ``b`` (index units per unit trust) with standard errors of the
    regression on the fitted trust; ``sigma``, ``rmse`` (index units), ``r2``;
    ``observed`` and ``fitted`` (``a + b T``) per month of the window.
    """

    source: str | None
    months: list[str]
    a: float
    b: float
    se_a: float
    se_b: float
    sigma: float
    rmse: float
    r2: float
    loglik: float
    observed: pd.Series
    fitted: pd.Series

    def table(self) -> pd.DataFrame:
        """One row per measurement parameter: estimate and standard error."""
        return pd.DataFrame({"parameter": ["index_a", "index_b", "index_sigma"],
                             "estimate": [self.a, self.b, self.sigma], "se": [self.se_a, self.se_b, np.nan]})


@dataclass
class CalibrationResult:
    """Estimates, intervals, fit quality and identifiability of one calibration."""

    names: tuple[str, ...]
    estimate: np.ndarray
    se: np.ndarray
    low90: np.ndarray
    high90: np.ndarray
    identifiable: np.ndarray
    sigma: np.ndarray
    rmse: np.ndarray
    r2: np.ndarray
    loglik: float
    n_obs: int
    singular: np.ndarray
    unidentified: list[str]
    observed: pd.DataFrame
    fitted: pd.DataFrame
    fixed: dict[str, float]
    success: bool
    message: str
    index: IndexFit | None = None

    @property
    def index_used(self) -> bool:
        """Whether the environment index entered the likelihood."""
        return self.index is not None

    @property
    def index_months(self) -> list[str]:
        """The months (``YYYY-MM``) with an index value in the likelihood (empty if not used)."""
        return [] if self.index is None else list(self.index.months)

    def table(self) -> pd.DataFrame:
        """One row per fitted parameter: estimate, se, 90 % interval, default, range, flags."""
        defs = [parameter(n) for n in self.names]
        return pd.DataFrame({
            "parameter": list(self.names), "estimate": self.estimate, "se": self.se,
            "low90": self.low90, "high90": self.high90, "default": [d.default for d in defs],
            "low": [d.low for d in defs], "high": [d.high for d in defs], "identifiable": self.identifiable,
            "at_bound": self.at_bound()})

    def at_bound(self) -> np.ndarray:
        """Estimates on the edge of their range (there the normal interval is only indicative)."""
        low = np.array([parameter(n).low for n in self.names])
        high = np.array([parameter(n).high for n in self.names])
        tol = 1e-3 * (high - low)
        return (self.estimate <= low + tol) | (self.estimate >= high - tol)

    def fit_table(self) -> pd.DataFrame:
        """One row per vector: noise sigma (ML), RMSE and R^2 of the fitted trajectory."""
        return pd.DataFrame({"vector": list(VECTORS), "sigma": self.sigma, "rmse": self.rmse, "r2": self.r2})

    @property
    def trust0(self) -> float:
        values = dict(zip(self.names, self.estimate, strict=True))
        return float(values.get("trust0", TRUST0.default))

    def params(self) -> dict[str, float]:
        """The model's full parameter set: defaults, ``fixed`` and the estimates (without trust0)."""
        out = dict(full_parameters(self.fixed))
        out.update({n: float(v) for n, v in zip(self.names, self.estimate, strict=True) if n != "trust0"})
        return out  # type: ignore[return-value]


def _solve(problem: _Problem, z0: np.ndarray) -> tuple[np.ndarray, object]:
    sol = least_squares(problem.residuals, z0, jac=problem.jacobian, bounds=(0.0, 1.0), method="trf",
                        xtol=1e-10, ftol=1e-10, gtol=1e-10, max_nfev=300)
    return sol.x, sol


def _sigma(problem: _Problem, z: np.ndarray) -> np.ndarray:
    path = problem.paths(z[None, :])[:, :3, 0]
    res = np.where(problem.mask, path[1:] - np.nan_to_num(problem.observed[1:]), np.nan)
    return np.maximum(np.sqrt(np.nanmean(res**2, axis=0)), SIGMA_FLOOR)


def _index_sigma(problem: _Problem, z: np.ndarray) -> float:
    """ML noise sd of the index, sqrt(SSR_y / n_y), floored."""
    res = problem.index_residuals(problem.paths(z[None, :])[:, :, 0])
    return max(float(np.sqrt(np.mean(res**2))), SIGMA_FLOOR)


def _weak_directions(vt: np.ndarray, s: np.ndarray, names: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """Unidentifiable combinations (text) and each parameter's squared loading on them."""
    weak = s < WEAK * s.max()
    texts = []
    for k in np.flatnonzero(weak):
        terms = [f"{vt[k, j]:+.2f} {names[j]}" for j in np.argsort(-np.abs(vt[k])) if abs(vt[k, j]) >= 0.2]
        texts.append(f"{' '.join(terms)} (singular value {s[k] / s.max():.1e} of the largest)")
    return texts, (vt[weak] ** 2).sum(axis=0)


def _uncertainty(problem: _Problem, z: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[str], np.ndarray]:
    """Standard errors (parameter units), weak loadings, weak combinations, singular values."""
    jac = problem.jacobian(z)
    _, s, vt = np.linalg.svd(jac, full_matrices=False)
    var_z = (vt**2 / np.maximum(s, 1e-150)[:, None] ** 2).sum(axis=0)
    texts, loading = _weak_directions(vt, s, problem.names)
    return np.sqrt(var_z) * problem.span, loading, texts, s


def fit(observed: pd.DataFrame | np.ndarray, drivers: np.ndarray, fit_params: Sequence[str] = DEFAULT_FIT,
        fixed: dict[str, float] | None = None, start: dict[str, float] | None = None,
        prior: float | None = None, index: pd.Series | np.ndarray | None = None,
        index_source: str | None = None) -> CalibrationResult:
    """Fit ``fit_params`` to ``observed`` (months x 3: D, P, A): maximum likelihood, or MAP
    with Gaussian priors at the defaults when ``prior`` (sd as a fraction of each range).

    ``drivers``: calendar-month drivers (months x 7); ``fixed``: values for parameters
    not fitted (default: the defaults); ``start``: starting values (default: defaults);
    ``index``: an environment index per month (NaN where missing) measured by trust as
    ``a + b T + u`` (module doc), from event source ``index_source``; ``None``: D, P, A only.
    """
    frame = pd.DataFrame(np.asarray(observed, dtype=float), columns=list(VECTORS))
    if isinstance(observed, pd.DataFrame):
        frame.index = observed.index
    names = tuple(fit_params)
    y = None if index is None else np.asarray(index, dtype=float)
    problem = _Problem(frame.to_numpy(), np.asarray(drivers, dtype=float), names, dict(fixed or {}),
                       np.ones(3), prior, y)
    initial = {n: parameter(n).default for n in names} | dict(start or {})
    z = np.clip((np.array([initial[n] for n in names]) - problem.low) / problem.span, 0.0, 1.0)
    for _ in range(ROUNDS):
        z, sol = _solve(problem, z)
        problem.weights = 1.0 / _sigma(problem, z)
        if y is not None:
            problem.index_weight = 1.0 / _index_sigma(problem, z)
    result = _result(problem, z, frame, sol)
    if y is not None:
        result.index = _index_fit(problem, result.fitted, index_source)
        result.loglik += result.index.loglik
        result.n_obs += len(result.index.months)
    return result


def _index_fit(problem: _Problem, fitted: pd.DataFrame, source: str | None) -> IndexFit:
    """The measurement equation at the optimum: a, b, their regression se, sigma_y, fit."""
    trust = fitted["trust"].to_numpy()
    mask, y = problem.index_mask, problem.index_values
    a, b = (float(v[0]) for v in measurement(trust[mask][:, None], y))
    line = a + b * trust
    ssr = float(((line[mask] - y) ** 2).sum())
    n = len(y)
    sigma = 1.0 / problem.index_weight
    design = np.column_stack([np.ones(n), trust[mask]])
    cov = sigma**2 * np.linalg.pinv(design.T @ design)
    sst = float(((y - y.mean()) ** 2).sum())
    loglik = -(0.5 * n * np.log(2 * np.pi * sigma**2) + ssr / (2 * sigma**2))
    months = [str(m) for m in fitted.index[mask]]
    return IndexFit(source, months, a, b, float(np.sqrt(cov[0, 0])), float(np.sqrt(cov[1, 1])), sigma,
                    float(np.sqrt(ssr / n)), 1 - ssr / sst if sst > 0 else float("nan"), float(loglik),
                    pd.Series(problem.index, index=fitted.index, name="observed"),
                    pd.Series(line, index=fitted.index, name="fitted"))


def _result(problem: _Problem, z: np.ndarray, frame: pd.DataFrame, sol) -> CalibrationResult:
    estimate = problem.values(z)
    se, loading, texts, s = _uncertainty(problem, z)
    low, high = problem.low, problem.low + problem.span
    low90 = np.clip(estimate - Z90 * se, low, high)
    high90 = np.clip(estimate + Z90 * se, low, high)
    if problem.prior is None:
        identifiable = ((high90 - low90) < WIDE * problem.span) & (loading < 0.5)
    else:
        identifiable = se < LEARNED * problem.prior * problem.span
    path = problem.paths(z[None, :])[:, :, 0]
    obs = problem.observed[1:]
    res = np.where(problem.mask, path[1:, :3] - np.nan_to_num(obs), np.nan)
    ssr = np.nansum(res**2, axis=0)
    n = problem.mask.sum(axis=0)
    sst = np.nansum((obs - np.nanmean(obs, axis=0)) ** 2, axis=0)
    sigma = 1.0 / problem.weights
    loglik = float(-(0.5 * n * np.log(2 * np.pi * sigma**2) + ssr / (2 * sigma**2)).sum())
    fitted = pd.DataFrame(path, index=frame.index, columns=[*VECTORS, "trust"])
    with np.errstate(divide="ignore", invalid="ignore"):
        r2 = np.where(sst > 0, 1 - ssr / sst, np.nan)
    return CalibrationResult(problem.names, estimate, se, low90, high90, identifiable, sigma,
                             np.sqrt(ssr / n), r2, loglik, int(n.sum()), s / s.max(), texts, frame, fitted,
                             problem.fixed, bool(sol.success), str(sol.message))


def fit_history(history: History, fit_params: Sequence[str] = DEFAULT_FIT,
                prior: float | None = PRIOR_SD) -> CalibrationResult:
    """Fit the model to an observed :class:`~panmun.vectors.history.History` (MAP by default)."""
    return fit(history.targets, history.drivers, fit_params, prior=prior, index=history.index,
               index_source=history.index_source)


def calibrate(store: Store, start: str = "2018-01", end: str = "2024-12",
              fit_params: Sequence[str] = DEFAULT_FIT, prior: float | None = PRIOR_SD) -> CalibrationResult:
    """Fit the model to the record in ``store`` from ``start`` to ``end`` (``YYYY-MM``).

    ``prior``: sd of the Gaussian priors at the defaults, as a fraction of each range
    (MAP fit); ``None`` for pure maximum likelihood. The ingested KOR–PRK environment
    index joins the likelihood when the store has enough of it (``result.index_used``).
    """
    return fit_history(observed_history(store, start, end, agreements=CYCLE_2018), fit_params, prior)


def forecast(result: CalibrationResult, history: History, origin: int) -> np.ndarray:
    """The fitted model's path (months after ``origin``, 3) from the observed state at ``origin``.

    The run starts from the observed D, P, A of month ``origin`` and the fitted
    trajectory's trust at that month, and uses the real drivers of the later months.
    """
    observed = history.targets.to_numpy()[origin]
    trust = float(result.fitted["trust"].iloc[origin])
    path = trajectory((*observed, trust), history.drivers[origin:], result.params())
    return path[1:, :3]


def out_of_sample(store: Store, train_end: str = "2021-12", test_end: str = "2024-12",
                  start: str = "2018-01", fit_params: Sequence[str] = DEFAULT_FIT,
                  prior: float | None = PRIOR_SD) -> pd.DataFrame:
    """Fit on ``start..train_end``, forecast ``train_end+1..test_end``; RMSE per vector.

    The baseline carries the last observed value (``train_end``) forward. Rows: the three
    vectors and ``all`` (pooled over vectors).
    """
    history = observed_history(store, start, test_end, agreements=CYCLE_2018)
    origin = int(history.months.get_loc(pd.Period(train_end, "M")))
    train = history.head(origin + 1)
    result = fit_history(train, fit_params, prior)
    actual = history.targets.to_numpy()[origin + 1:]
    model = forecast(result, history, origin)
    carry = np.broadcast_to(history.targets.to_numpy()[origin], actual.shape)
    rows = [(v, _rmse(model[:, i], actual[:, i]), _rmse(carry[:, i], actual[:, i]))
            for i, v in enumerate(VECTORS)]
    rows.append(("all", _rmse(model, actual), _rmse(carry, actual)))
    out = pd.DataFrame(rows, columns=["vector", "model_rmse", "carry_forward_rmse"])
    out["months"] = len(actual)
    return out


def _rmse(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.sqrt(np.mean((np.asarray(a) - np.asarray(b)) ** 2)))


__all__ = ["DEFAULT_FIT", "TRUST0", "CalibrationResult", "IndexFit", "calibrate", "fit", "fit_history",
           "forecast", "measurement", "out_of_sample", "parameter", "step_drivers", "trajectory"]
