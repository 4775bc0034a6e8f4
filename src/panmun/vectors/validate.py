r"""Leave-one-cycle-out: which couplings of the three vectors help predict a cycle never fitted.

For each **variant** of the model (:data:`VARIANTS`) and each cycle *c* of the record
(:mod:`panmun.vectors.cycles`): the variant's posterior mode is found with cycle *c*'s months
left out of the likelihood (:class:`panmun.vectors.likelihood.Problem`, ``held_out``), and
the model then predicts cycle *c* from its first month: the vectors start from their
observed values there, trust from the fitted run up to then, and the drivers are the
cycle's recorded ones. The **carry-forward** baseline holds the observed values of the
cycle's first month (0 before the first agreement) through the cycle. The score is the
RMSE over the cycle's months after the first and the three vectors (months without an
observation left out).

Variants (the rest of :data:`~panmun.vectors.likelihood.FIT` fitted in each):

- ``coupled``: the full model: the interaction matrix W and the trust link (trust moved
  by the vectors' steps and reversals, ``t_reciprocity``, ``t_reversal``);
- ``w0``: **no cross-vector coupling**: W = 0 and the trust link cut
  (``t_reciprocity = t_reversal = 0``): each vector moves with its own drivers only;
- ``trust-only``: W = 0, the trust link kept: trust is the only path between vectors;
- ``only-w_XY``: one entry of W on its own (the others 0, the trust link cut).

The six fits of a variant (one per held-out cycle) are six independent optimisations run
side by side: each round, their gradient evaluations run in a single batch of model runs
(:func:`fit_many`), which gives exactly the results of six separate fits in about the time
of one.

**The verdict on an interaction** (:func:`interactions`) joins two kinds of evidence: its
90 % posterior interval on the whole record (:mod:`panmun.vectors.posterior`), and whether
adding it to the uncoupled model improves the held-out predictions. It is *supported*
only when the interval excludes 0, the sampler has converged for it, and the variant
with it predicts the held-out cycles better than ``w0`` (pooled RMSE) in a majority of
cycles; otherwise **the record cannot tell**, with the reason.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from panmun.vectors.cycles import BY_CYCLE, CYCLES
from panmun.vectors.likelihood import FIT, STEP, TRUST_LINK, W_NAMES, Problem, problem_for
from panmun.vectors.parameters import INTERACTIONS, VECTORS

PULL = {name: f"{by} -> {on}" for (on, by), name in INTERACTIONS.items()}


def _variant(fixed: dict[str, float]) -> tuple[tuple[str, ...], dict[str, float]]:
    return tuple(n for n in FIT if n not in fixed), fixed


VARIANTS: dict[str, tuple[str, tuple[str, ...], dict[str, float]]] = {
    "coupled": ("the full model: W and the trust link", *_variant({})),
    "w0": ("no cross-vector coupling: W = 0, trust not moved by the vectors",
           *_variant({**dict.fromkeys(W_NAMES, 0.0), **dict.fromkeys(TRUST_LINK, 0.0)})),
    "trust-only": ("W = 0: trust the only link between vectors", *_variant(dict.fromkeys(W_NAMES, 0.0))),
    **{f"only-{w}": (f"only {w} ({PULL[w]}), trust link cut",
                     *_variant({**{v: 0.0 for v in W_NAMES if v != w}, **dict.fromkeys(TRUST_LINK, 0.0)}))
       for w in W_NAMES},
}
#: the variants `panmun vectors validate` compares (with carry-forward)
VALIDATE = ("coupled", "w0")
#: optimiser iterations of a joint LOCO fit (the quick setting: tests)
MAXITER, QUICK_MAXITER = 300, 25


def held_out_rows(history, cycle: str) -> np.ndarray:
    """Boolean per month: the months of ``cycle``."""
    c = BY_CYCLE[cycle]
    months = history.months
    end = months[-1] if c.end is None else pd.Period(c.end, "M")
    return np.asarray((months >= pd.Period(c.start, "M")) & (months <= end))


def cycles_in(history) -> list[str]:
    """The cycles with months in the history, in order."""
    return [c.name for c in CYCLES if held_out_rows(history, c.name).any()]


class _Batcher:
    """Lets independent optimisers, one per thread, share batches of model runs: each call waits
    until every optimiser still running has asked for its next point, then one batch evaluates
    them all. Every optimiser sees exactly the values it would see alone (the runs of a batch
    are column by column independent), so the results equal separate fits."""

    def __init__(self, evaluate, n: int):
        self.evaluate, self.active = evaluate, n
        self.cond = threading.Condition()
        self.pending: dict[int, np.ndarray] = {}
        self.results: dict[int, object] = {}
        self.error: BaseException | None = None

    def _run(self) -> None:
        batch, self.pending = self.pending, {}
        try:
            self.results.update(self.evaluate(batch))
        except BaseException as exc:                                    # pragma: no cover - re-raised below
            self.error = exc
        self.cond.notify_all()

    def call(self, b: int, z: np.ndarray):
        with self.cond:
            self.pending[b] = np.array(z, dtype=float)
            if len(self.pending) == self.active:
                self._run()
            while b not in self.results and self.error is None:
                self.cond.wait()
            if self.error is not None:
                raise self.error
            return self.results.pop(b)

    def done(self) -> None:
        with self.cond:
            self.active -= 1
            if self.pending and len(self.pending) == self.active:
                self._run()


def fit_many(problems: list[Problem], start: dict[str, float], maxiter: int = MAXITER) -> np.ndarray:
    """The posterior modes (B, p) of problems that share their runs (same setup, parameters and
    fixed values; different held-out months): one L-BFGS-B per problem, each in its own thread,
    their gradient evaluations run together in one batch per round (:class:`_Batcher`)."""
    first = problems[0]
    p, B = len(first.names), len(problems)
    z0 = first.to_z(start)

    def evaluate(batch: dict[int, np.ndarray]) -> dict[int, tuple[float, np.ndarray]]:
        keys = sorted(batch)
        steps = {b: np.where(batch[b] + STEP <= 1.0, STEP, -STEP) for b in keys}
        rows = np.concatenate([np.vstack([batch[b], batch[b] + np.diag(steps[b])]) for b in keys])
        paths = first.paths(np.clip(rows, 0.0, 1.0))
        out = {}
        for i, b in enumerate(keys):
            sl = slice(i * (p + 1), (i + 1) * (p + 1))
            lp = problems[b].logprior(rows[sl]) + problems[b].loglik(paths[:, :, sl])
            if not np.isfinite(lp[0]):
                out[b] = (1e12, np.zeros(p))
                continue
            grad = -np.nan_to_num((lp[1:] - lp[0]) / steps[b], nan=0.0, posinf=0.0, neginf=0.0)
            out[b] = (-float(lp[0]), grad)
        return out

    batcher = _Batcher(evaluate, B)
    modes = np.empty((B, p))

    def one(b: int) -> None:
        try:
            # scipy-stubs finds no overload for an untyped (value, gradient) callable with jac=True
            sol = minimize(lambda z: batcher.call(b, z), z0, jac=True, method="L-BFGS-B",  # type: ignore[call-overload]
                           bounds=[(0.0, 1.0)] * p, options={"maxiter": maxiter, "ftol": 1e-10, "gtol": 1e-6})
            modes[b] = np.clip(sol.x, 0.0, 1.0)
        finally:
            batcher.done()

    threads = [threading.Thread(target=one, args=(b,)) for b in range(B)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if batcher.error is not None:
        raise batcher.error
    return modes


@dataclass
class Hindcast:
    """One variant's leave-one-cycle-out predictions: ``predicted`` (K, 3), each cycle's months
    as predicted by the fit without that cycle; ``modes``: per cycle, the fitted values."""

    variant: str
    predicted: np.ndarray
    modes: dict[str, dict[str, float]]


def loco(history, variant: str, start: dict[str, float] | None = None, quick: bool = False) -> Hindcast:
    """The leave-one-cycle-out predictions of ``variant`` over every cycle of ``history``."""
    _, names, fixed = VARIANTS[variant]
    cycles = cycles_in(history)
    problems = [problem_for(history, names, fixed, held_out=held_out_rows(history, c)) for c in cycles]
    modes = fit_many(problems, start or {}, QUICK_MAXITER if quick else MAXITER)
    paths = problems[0].paths(modes)                                   # (K, 4, B)
    predicted = np.full((len(history.months), 3), np.nan)
    for b, c in enumerate(cycles):
        rows = held_out_rows(history, c)
        predicted[rows] = paths[rows, :3, b]
    values = {c: dict(zip(names, problems[0].values(modes[b]), strict=True)) for b, c in enumerate(cycles)}
    return Hindcast(variant, predicted, values)


def carry_forward(history) -> np.ndarray:
    """Each cycle's first observed month held through the cycle (NaN before the first agreement: 0)."""
    obs = history.targets.to_numpy(dtype=float)
    out = np.full_like(obs, np.nan)
    for c in cycles_in(history):
        rows = np.flatnonzero(held_out_rows(history, c))
        out[rows] = np.nan_to_num(obs[rows[0]])
    return out


def _rmse(pred: np.ndarray, obs: np.ndarray) -> float:
    ok = np.isfinite(obs) & np.isfinite(pred)
    return float(np.sqrt(np.mean((pred[ok] - obs[ok]) ** 2))) if ok.any() else float("nan")


def scores(history, predictions: dict[str, np.ndarray]) -> pd.DataFrame:
    """RMSE per cycle (and ``all``: pooled) of each prediction, over each cycle's months after its first.

    Columns: ``cycle``, ``title``, ``months``, ``start``, ``end``, one ``rmse_<name>`` per prediction."""
    obs = history.targets.to_numpy(dtype=float)
    rows, pooled = [], np.zeros(len(obs), dtype=bool)
    for c in cycles_in(history):
        mask = held_out_rows(history, c)
        mask[np.flatnonzero(mask)[0]] = False                           # the start is given
        pooled |= mask
        row = {"cycle": c, "title": BY_CYCLE[c].title, "months": int(mask.sum()),
               "start": str(history.months[np.flatnonzero(held_out_rows(history, c))[0]]),
               "end": str(history.months[np.flatnonzero(held_out_rows(history, c))[-1]])}
        for name, pred in predictions.items():
            row[f"rmse_{name}"] = _rmse(pred[mask], obs[mask])
        rows.append(row)
    row = {"cycle": "all", "title": "every cycle, pooled", "months": int(pooled.sum()),
           "start": str(history.months[0]), "end": str(history.months[-1])}
    for name, pred in predictions.items():
        row[f"rmse_{name}"] = _rmse(pred[pooled], obs[pooled])
    rows.append(row)
    return pd.DataFrame(rows)


def winner(table: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """Adds ``best`` (the lowest RMSE's name) and ``margin`` (second-best RMSE minus the best) per row."""
    cols = [f"rmse_{n}" for n in names]
    values = table[cols].to_numpy()
    order = np.argsort(values, axis=1)
    best = [names[i] for i in order[:, 0]]
    margin = values[np.arange(len(values)), order[:, 1]] - values[np.arange(len(values)), order[:, 0]]
    return table.assign(best=best, margin=margin)


@dataclass
class Validation:
    """Per-cycle RMSEs (``table``) and the hindcast trajectories (``predictions``, K x 3 each)."""

    table: pd.DataFrame
    predictions: dict[str, np.ndarray]
    months: pd.PeriodIndex
    observed: pd.DataFrame

    def trajectories(self) -> pd.DataFrame:
        """Long table: month, cycle, vector, observed and each prediction."""
        from panmun.vectors.cycles import cycle_of

        cycles = cycle_of(self.months)
        rows = []
        for k, month in enumerate(self.months):
            for i, v in enumerate(VECTORS):
                row = {"month": str(month), "cycle": cycles[k], "vector": v,
                       "observed": _num(self.observed.iloc[k, i])}
                for name, pred in self.predictions.items():
                    row[name] = _num(pred[k, i])
                rows.append(row)
        return pd.DataFrame(rows)


def _num(x) -> float | None:
    return None if x is None or not np.isfinite(x) else float(x)


def validate(history, start: dict[str, float] | None = None, quick: bool = False,
             variants: tuple[str, ...] = VALIDATE) -> Validation:
    """Leave-one-cycle-out RMSE per cycle of ``variants`` and of carry-forward."""
    predictions = {v.replace("-", "_"): loco(history, v, start, quick).predicted for v in variants}
    predictions["carry_forward"] = carry_forward(history)
    names = list(predictions)
    return Validation(winner(scores(history, predictions), names), predictions, history.months,
                      history.targets)


def interactions(history, posterior, start: dict[str, float] | None = None, quick: bool = False) -> dict:
    """The interactions verdict (module doc), fitting every variant here (no cache)."""
    names = ["coupled", "w0", "trust-only", *[f"only-{w}" for w in W_NAMES]]
    predictions = {n: loco(history, n, start, quick).predicted for n in names}
    return interactions_from(history, posterior, predictions)


def interactions_from(history, posterior, predictions: dict[str, np.ndarray]) -> dict:
    """The verdict per entry of W, for the trust link and for all couplings together: the 90 %
    interval on the record, the held-out RMSE with and without it, the cycles it wins, the verdict.

    ``predictions``: each variant's leave-one-cycle-out predictions (``coupled``, ``w0``,
    ``trust-only``, ``only-w_XY``)."""
    table = posterior.table().set_index("parameter")
    predictions = {**predictions, "carry_forward": carry_forward(history)}
    sc = scores(history, predictions)
    per_cycle = sc[sc["cycle"] != "all"]
    pooled = sc[sc["cycle"] == "all"].iloc[0]
    rows = []
    tests: list[tuple[str, str, str, tuple[str, ...]]] = [(w, PULL[w], f"only-{w}", (w,)) for w in W_NAMES]
    tests.append(("trust link", "steps and reversals -> trust -> every vector", "trust-only", TRUST_LINK))
    tests.append(("all couplings", "W and the trust link together", "coupled", (*W_NAMES, *TRUST_LINK)))
    for name, pull, variant, params in tests:
        won = int((per_cycle[f"rmse_{variant}"] < per_cycle["rmse_w0"]).sum())
        better = bool(pooled[f"rmse_{variant}"] < pooled["rmse_w0"])
        lows = [float(table.loc[p, "low90"]) for p in params]
        highs = [float(table.loc[p, "high90"]) for p in params]
        if len(params) == 1:
            excludes = lows[0] > 0 or highs[0] < 0
        else:
            excludes = any(lo > 0 for lo in lows)
        converged = bool(table.loc[list(params), "converged"].all())
        reasons = []
        if not converged:
            reasons.append("the sampler has not converged for it")
        if not excludes:
            reasons.append("its 90 % interval includes 0" if len(params) == 1 else
                           "none of its parameters has a 90 % interval above 0")
        if not better or won * 2 <= len(per_cycle):
            reasons.append(f"it does not improve the held-out predictions (better in {won} of "
                           f"{len(per_cycle)} cycles)")
        verdict = "supported" if not reasons else "the record cannot tell"
        if verdict == "supported" and len(params) == 1:
            verdict = "supported: a push" if lows[0] > 0 else "supported: a drag"
        single = len(params) == 1
        rows.append({"interaction": name, "pull": pull,
                     "estimate": float(table.loc[params[0], "estimate"]) if single else None,
                     "low90": lows[0] if single else None, "high90": highs[0] if single else None,
                     "rmse_with": float(pooled[f"rmse_{variant}"]), "rmse_without": float(pooled["rmse_w0"]),
                     "cycles_better": won, "cycles": int(len(per_cycle)), "verdict": verdict,
                     "reason": "; ".join(reasons) if reasons else
                     "interval excludes 0 and it improves the held-out predictions"})
    return {"interactions": pd.DataFrame(rows), "scores": sc}


__all__ = ["MAXITER", "QUICK_MAXITER", "VALIDATE", "VARIANTS", "Hindcast", "Validation", "carry_forward",
           "cycles_in", "fit_many", "held_out_rows", "interactions", "interactions_from", "loco", "scores",
           "validate", "winner"]
