r"""The posterior of the three-vector model on the whole record, by MCMC (emcee), with diagnostics.

The log posterior is :class:`panmun.vectors.likelihood.Problem`'s: the AR(1) error model with
the error scale and autocorrelation integrated out, and Gaussian priors at the defaults.
It is sampled with emcee (Foreman-Mackey et al. 2013), an ensemble sampler, in the scaled
coordinates, every walker's proposal evaluated in one vectorised batch of model runs. The
moves are differential-evolution proposals (:data:`MOVES`: ``DEMove`` 80 %, ``DESnookerMove``
20 %; ter Braak & Vrugt 2008), which mixed far better on this posterior than the default
stretch move (split R-hat about 1.5 against 4-5 after the same number of steps):

1. the posterior mode (:func:`~panmun.vectors.likelihood.find_map`) is found first;
2. ``walkers`` walkers start from a Gaussian around it whose covariance is the inverse of
   the negative Hessian of the log posterior there (finite differences of step
   :data:`HESSIAN_STEP`; eigenvalues floored at the prior's curvature, so no starting spread
   is wider than the prior's), reflected into the ranges; they take ``burn`` steps of
   burn-in, after which a walker stranded far below the others (its mean log posterior over
   the second half of the burn-in more than :data:`STRANDED` below the walkers' median:
   ensemble samplers leave such walkers stuck in a poor region) is moved onto a randomly
   chosen other walker; then ``steps - burn`` steps are kept;
3. **diagnostics** on the kept steps: the mean acceptance fraction (healthy between 0.2 and
   0.5), each parameter's integrated autocorrelation time tau (``emcee.autocorr``) and
   effective sample size ``walkers x kept / tau``, and the split R-hat (Gelman-Rubin on the
   first and second halves of every walker's chain, taken as ``2 x walkers`` chains). A
   parameter has **converged** when its R-hat is below :data:`RHAT_OK` and its ESS at least
   :data:`ESS_OK`; the chain is reliable when every parameter has.

**Summaries.** The estimate is the posterior median, the interval the 5-95 % quantiles. A
parameter is **at a bound** when its median lies within :data:`AT_BOUND` of its range from
an edge, or its 90 % interval or its posterior mode reaches within :data:`EDGE` of it; it
is **identified** only
when it has converged, is not at a bound, and its posterior sd is below :data:`LEARNED`
times its prior sd (otherwise the answer is mostly the prior: judgement).

The sample is cached (``.npz``, no pickle; at most :data:`MAX_DRAWS` draws, the kept steps
thinned evenly) in :func:`cache_folder`, under a digest of the record's arrays, the settings
and :data:`VERSION`: the same record and settings give the same posterior without sampling
again. The posterior of the built-in record at the default settings ships with panmun
(:data:`SHIPPED`, written by ``python -m panmun.vectors.calibrated``), so a fresh install
answers at once; ``PANMUN_VECTORS_CACHE=off`` samples afresh.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from panmun.vectors.likelihood import FIT, Problem, find_map, parameter, problem_for

#: bump when the likelihood or the sampler's use changes (invalidates cached posteriors)
VERSION = "vectors-posterior-3"
#: default sampler settings (the CLI) and the quick ones (tests, ``--quick``)
WALKERS, STEPS, BURN = 64, 8000, 4000
QUICK = {"walkers": 64, "steps": 100, "burn": 50}
#: finite-difference step (scaled coordinates) of the Hessian that spreads the starting walkers
HESSIAN_STEP = 0.01
#: steps between two progress reports
BLOCK = 100
#: log posterior units below the median that mark a stranded walker after the burn-in
STRANDED = 10.0
#: emcee's moves and their weights
MOVES = (("DEMove", 0.8), ("DESnookerMove", 0.2))
#: convergence thresholds
RHAT_OK = 1.1
ESS_OK = 100
#: a posterior sd below LEARNED x the prior sd: the data taught something
LEARNED = 0.5
#: a median within AT_BOUND of the range from an edge, or a 90 % interval reaching within EDGE of it
AT_BOUND = 0.02
EDGE = 0.005
#: at most this many draws are kept (the kept steps thinned evenly; diagnostics use every step)
MAX_DRAWS = 8192
#: the posterior and the leave-one-cycle-out fits of the built-in record, computed by
#: ``python -m panmun.vectors.calibrated`` and shipped with the package
SHIPPED = Path(__file__).parent / "data" / "calibrated"


def cache_folder() -> Path | None:
    """Where posteriors are written: ``$PANMUN_VECTORS_CACHE`` (``off``: nowhere), else the user's
    cache folder (``platformdirs``) under ``panmun/vectors``."""
    env = os.environ.get("PANMUN_VECTORS_CACHE")
    if env == "off":
        return None
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("panmun", appauthor=False)) / "vectors"


def cached_file(name: str) -> Path | None:
    """A cached result called ``name``: in :func:`cache_folder`, else among the results shipped
    with panmun for its built-in record (:data:`SHIPPED`), else None (also when the cache is
    ``off``). The names are digests of every input, so a shipped file is only found for the
    record and settings it was computed from."""
    folder = cache_folder()
    if folder is None:
        return None
    for place in (folder, SHIPPED):
        if (place / name).is_file():
            return place / name
    return None


def digest(problem: Problem, **settings) -> str:
    """A digest of everything a posterior depends on."""
    h = hashlib.sha256(VERSION.encode())
    for arr in (problem.observed, problem.drivers, problem.segment, np.asarray(problem.anchors)):
        h.update(np.ascontiguousarray(arr).tobytes())
        h.update(str(arr.shape).encode())
    if problem.held_out is not None:
        h.update(np.asarray(problem.held_out, dtype=bool).tobytes())
    h.update(json.dumps([problem.names, sorted(problem.fixed.items()), problem.prior, settings],
                        default=str).encode())
    return h.hexdigest()[:32]


def split_rhat(chain: np.ndarray) -> np.ndarray:
    """Split R-hat per parameter of a chain (steps, walkers, p): each walker's two halves as chains."""
    n = chain.shape[0] // 2
    halves = np.concatenate([chain[:n], chain[n:2 * n]], axis=1)      # (n, 2W, p)
    means = halves.mean(axis=0)
    within = halves.var(axis=0, ddof=1).mean(axis=0)
    between = n * means.var(axis=0, ddof=1)
    var = (n - 1) / n * within + between / n
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(within > 0, np.sqrt(var / within), np.inf)


def autocorr_time(chain: np.ndarray) -> np.ndarray:
    """Integrated autocorrelation time per parameter (emcee's estimator, never raising; infinite
    when a walker never moved, so that the parameter is not called converged)."""
    import logging

    import emcee

    logger = logging.getLogger("emcee.autocorr")
    level = logger.level
    logger.setLevel(logging.ERROR)              # a short chain is reported in the diagnostics instead
    try:
        with np.errstate(invalid="ignore", divide="ignore"):     # a walker that never moved: tau is nan
            tau = np.asarray(emcee.autocorr.integrated_time(chain, quiet=True), dtype=float)
    finally:
        logger.setLevel(level)
    return np.where(np.isfinite(tau), tau, np.inf)


@dataclass
class Posterior:
    """Posterior draws of the fitted parameters, with the sampler's diagnostics.

    ``samples``: (N, p) in parameter units (the kept steps of every walker); ``mode``: the
    posterior mode (p,); ``tau``, ``ess``, ``rhat``: per parameter; ``acceptance``: per walker.
    ``start``, ``end``: the record's first and last month; ``months``: months in the run.
    """

    names: tuple[str, ...]
    samples: np.ndarray
    mode: np.ndarray
    tau: np.ndarray
    ess: np.ndarray
    rhat: np.ndarray
    acceptance: np.ndarray
    walkers: int
    steps: int
    burn: int
    start: str
    end: str
    months: int
    fixed: dict[str, float] = field(default_factory=dict)
    prior: float = 0.25
    cached: bool = False
    stranded: int = 0

    def __repr__(self) -> str:
        state = "converged" if bool(self.converged().all()) else "not converged"
        return (f"Posterior({len(self.names)} parameters, {len(self.samples):,} draws, record "
                f"{self.start}..{self.end}, {state}, largest split R-hat {float(np.max(self.rhat)):.2f})")

    def values(self) -> dict[str, np.ndarray]:
        return {n: self.samples[:, j] for j, n in enumerate(self.names)}

    def median(self) -> dict[str, float]:
        return {n: float(np.median(self.samples[:, j])) for j, n in enumerate(self.names)}

    def converged(self) -> np.ndarray:
        return (self.rhat < RHAT_OK) & (self.ess >= ESS_OK)

    def table(self) -> pd.DataFrame:
        """One row per fitted parameter: estimate (median), 90 % interval, mode, sd, prior sd,
        default, range, diagnostics, at_bound, identified."""
        defs = [parameter(n) for n in self.names]
        low = np.array([d.low for d in defs])
        high = np.array([d.high for d in defs])
        span = high - low
        q05, q50, q95 = np.quantile(self.samples, [0.05, 0.5, 0.95], axis=0)
        sd = self.samples.std(axis=0)
        prior_sd = self.prior * span
        at_bound = ((q50 - low < AT_BOUND * span) | (high - q50 < AT_BOUND * span)
                    | (q05 - low < EDGE * span) | (high - q95 < EDGE * span)
                    | (self.mode - low < EDGE * span) | (high - self.mode < EDGE * span))
        converged = self.converged()
        identified = converged & ~at_bound & (sd < LEARNED * prior_sd)
        return pd.DataFrame({
            "parameter": list(self.names), "estimate": q50, "low90": q05, "high90": q95, "mode": self.mode,
            "sd": sd, "prior_sd": prior_sd, "default": [d.default for d in defs], "low": low, "high": high,
            "tau": self.tau, "ess": self.ess, "rhat": self.rhat, "converged": converged,
            "at_bound": at_bound, "identified": identified})

    def diagnostics(self) -> dict:
        """The sampler's settings and overall diagnostics."""
        kept = self.steps - self.burn
        return {"sampler": "emcee ensemble, differential-evolution moves", "walkers": self.walkers,
                "steps": self.steps, "burn": self.burn, "draws": int(len(self.samples)),
                "acceptance": float(self.acceptance.mean()), "acceptance_min": float(self.acceptance.min()),
                "tau_max": float(np.max(self.tau)), "ess_min": float(np.min(self.ess)),
                "rhat_max": float(np.max(self.rhat)),
                "steps_per_tau": float(kept / np.max(self.tau)) if np.max(self.tau) > 0 else float("inf"),
                "stranded": self.stranded, "converged": bool(self.converged().all()), "cached": self.cached}

    def draws(self, n: int, seed: int) -> dict[str, np.ndarray]:
        """``n`` draws (rows picked at random with replacement, ``default_rng([seed, 1])``) of the
        model's parameters (``trust0`` left out), one value per run."""
        rng = np.random.default_rng([seed, 1])
        rows = rng.integers(0, len(self.samples), size=n)
        return {name: self.samples[rows, j].copy() for j, name in enumerate(self.names) if name != "trust0"}


def _reflect(z: np.ndarray) -> np.ndarray:
    """Points folded back into [0, 1] (reflection at both edges)."""
    z = np.mod(z, 2.0)
    return np.where(z > 1.0, 2.0 - z, z)


def start_covariance(problem: Problem, z: np.ndarray, h: float = HESSIAN_STEP) -> np.ndarray:
    """Inverse negative Hessian of the log posterior at ``z`` (one batch of runs), its
    eigenvalues floored at the prior's curvature 1 / prior^2."""
    p = len(z)
    step = np.where(z + 2 * h <= 1.0, h, -h)
    base = np.where(z + 2 * h <= 1.0, z, np.minimum(z, 1.0))
    points = [base]
    points += [base + step[i] * np.eye(p)[i] for i in range(p)]
    pairs = [(i, j) for i in range(p) for j in range(i, p)]
    points += [base + step[i] * np.eye(p)[i] + step[j] * np.eye(p)[j] for i, j in pairs]
    lp = problem.logpost(np.clip(np.array(points), 0.0, 1.0))
    f0, fi = lp[0], lp[1:p + 1]
    hess = np.zeros((p, p))
    for k, (i, j) in enumerate(pairs):
        hess[i, j] = hess[j, i] = (lp[p + 1 + k] - fi[i] - fi[j] + f0) / (step[i] * step[j])
    hess = np.nan_to_num(hess, nan=0.0, posinf=0.0, neginf=0.0)
    vals, vecs = np.linalg.eigh(-0.5 * (hess + hess.T))
    vals = np.maximum(vals, 1.0 / problem.prior**2)
    return (vecs / vals) @ vecs.T


def _load(path: Path) -> dict | None:
    try:
        with np.load(path, allow_pickle=False) as data:
            return {k: data[k] for k in data.files}
    except (OSError, ValueError, KeyError):
        return None


def _run(sampler, coords, steps: int, done: int, total: int, progress: Callable[[float], None] | None):
    """``steps`` steps of ``sampler`` from ``coords`` (None: where it stopped), in blocks of
    :data:`BLOCK` steps, reporting the fraction of ``total`` done after each; the last state."""
    state = coords
    left = steps
    while left > 0:
        n = min(BLOCK, left)
        state = sampler.run_mcmc(state, n, progress=False)
        left -= n
        if progress is not None:
            progress((done + steps - left) / total)
    return state


def sample(problem: Problem, walkers: int = WALKERS, steps: int = STEPS, burn: int = BURN, seed: int = 0,
           start: str = "", end: str = "", cache: bool = True, mode: np.ndarray | None = None,
           progress: Callable[[float], None] | None = None) -> Posterior:
    """Sample the posterior of ``problem`` (module doc); reuse a cached sample when there is one.

    ``progress``: called with the fraction of the steps done (0-1) after every block of steps."""
    settings = {"walkers": walkers, "steps": steps, "burn": burn, "seed": seed}
    name = f"{digest(problem, **settings)}.npz"
    found = cached_file(name) if cache else None
    if found is not None:
        data = _load(found)
        if data is not None:
            return _posterior(problem, data, settings, start, end, cached=True)
    folder = cache_folder() if cache else None
    path = folder / name if folder is not None else None
    import emcee

    z_mode = find_map(problem) if mode is None else mode
    p = len(problem.names)
    rng = np.random.default_rng([seed, 0])
    init = _reflect(rng.multivariate_normal(z_mode, start_covariance(problem, z_mode), size=walkers,
                                            method="eigh"))
    moves = [(getattr(emcee.moves, name)(), weight) for name, weight in MOVES]
    sampler = emcee.EnsembleSampler(walkers, p, problem.logpost, vectorize=True, moves=moves)
    sampler.random_state = np.random.RandomState(int(rng.integers(2**31))).get_state()
    state = _run(sampler, init, burn, 0, steps, progress) if burn > 0 else None
    coords = init if state is None else state.coords.copy()
    stranded = 0
    if state is not None:
        recent = sampler.get_log_prob()[burn // 2:].mean(axis=0)
        bad = recent < np.median(recent) - max(STRANDED, p / 2)
        stranded = int(bad.sum())
        if bad.any():
            good = np.flatnonzero(~bad)
            coords[bad] = coords[rng.choice(good, size=stranded)]
            coords[bad] = _reflect(coords[bad] + 1e-6 * rng.standard_normal((stranded, p)))
        sampler.reset()
    _run(sampler, coords, steps - burn, burn, steps, progress)
    chain = sampler.get_chain()                                         # (kept, W, p), scaled
    tau = autocorr_time(chain)
    stride = max(1, -(-chain.shape[0] * walkers // MAX_DRAWS))
    data = {"samples": problem.values(chain[::stride].reshape(-1, p)), "mode": problem.values(z_mode),
            "tau": tau,
            "ess": walkers * chain.shape[0] / np.maximum(tau, 1e-9), "rhat": split_rhat(chain),
            "acceptance": np.asarray(sampler.acceptance_fraction), "stranded": np.array(stranded)}
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp.npz")
            np.savez_compressed(tmp, **data)
            os.replace(tmp, path)
        except OSError:
            pass
    return _posterior(problem, data, settings, start, end, cached=False)


def _posterior(problem: Problem, data: dict, settings: dict, start: str, end: str, cached: bool) -> Posterior:
    return Posterior(problem.names, data["samples"], data["mode"], data["tau"], data["ess"], data["rhat"],
                     data["acceptance"], settings["walkers"], settings["steps"], settings["burn"], start, end,
                     len(problem.observed), dict(problem.fixed), problem.prior, cached,
                     int(data.get("stranded", 0)))


def fit_table(post: Posterior, problem: Problem) -> pd.DataFrame:
    """Per vector, at the posterior median: the error model (:meth:`Problem.error_model`: AR(1)
    coefficient rho, innovation sd s, marginal sd, residuals' lag-1 autocorrelation, months in
    the likelihood, effectively independent months) and the RMSE of the fitted run."""
    z = problem.to_z(post.median())
    path = problem.paths(z[None, :])[:, :, 0]
    em = problem.error_model(path)
    e = np.where(problem.include, path[:, :3] - problem.target, np.nan)
    rmse = np.sqrt(np.nanmean(e**2, axis=0))
    return pd.DataFrame({"vector": ["denuclearization", "peace_regime", "arms_control"], "rho": em["rho"],
                         "innovation_sd": em["s"], "error_sd": em["sd"], "lag1": em["lag1"],
                         "months": em["months"].astype(int), "independent_months": em["independent"],
                         "rmse": rmse})


def record_posterior(store, quick: bool = False, seed: int = 0, cache: bool = True,
                     since: str | None = None, until: str | None = None, steps: int | None = None,
                     walkers: int | None = None,
                     progress: Callable[[float], None] | None = None) -> tuple[Posterior, Problem]:
    """The posterior on the record in ``store`` from month ``since`` to month ``until``
    (``YYYY-MM``; default: 1991-01 to the latest month) and its problem
    (:func:`history_posterior` of :func:`panmun.vectors.history.observed_history`)."""
    from panmun.vectors.history import observed_history

    history = observed_history(store, since, until, environment=False)
    return history_posterior(history, quick, seed, cache, steps, walkers, progress)


def history_posterior(history, quick: bool = False, seed: int = 0, cache: bool = True,
                      steps: int | None = None, walkers: int | None = None,
                      progress: Callable[[float], None] | None = None) -> tuple[Posterior, Problem]:
    """The posterior on ``history`` (a :class:`panmun.vectors.history.History`) and its problem.

    ``quick``: :data:`QUICK` settings; ``steps``, ``walkers``: override the settings (the first
    half of the steps is burn-in)."""
    problem = problem_for(history, FIT)
    settings = dict(QUICK) if quick else {"walkers": WALKERS, "steps": STEPS, "burn": BURN}
    if steps is not None:
        settings.update(steps=steps, burn=steps // 2)
    if walkers is not None:
        settings["walkers"] = walkers
    post = sample(problem, walkers=settings["walkers"], steps=settings["steps"], burn=settings["burn"],
                  seed=seed, start=str(history.months[0]), end=str(history.months[-1]),
                  cache=cache, progress=progress)
    return post, problem


__all__ = ["BLOCK", "BURN", "ESS_OK", "HESSIAN_STEP", "LEARNED", "MAX_DRAWS", "MOVES", "QUICK", "RHAT_OK",
           "SHIPPED", "STEPS", "VERSION", "WALKERS", "Posterior", "autocorr_time", "cache_folder",
           "cached_file", "digest", "fit_table", "history_posterior", "record_posterior", "sample",
           "split_rhat", "start_covariance"]
