"""The record-level analyses the CLI and the briefing show, with their results cached.

:func:`record_validation` and :func:`record_interactions` read the whole record from a store
(:func:`panmun.vectors.history.observed_history`), run the leave-one-cycle-out fits of
:mod:`panmun.vectors.validate` and keep each variant's predictions in the posterior's cache
folder (:func:`panmun.vectors.posterior.cache_folder`) under a digest of the record, the
variant and the settings: the same record gives the same answer without fitting again (the
built-in record's fits ship with panmun: :data:`panmun.vectors.posterior.SHIPPED`).
"""

from __future__ import annotations

import os

import numpy as np

from panmun.vectors import validate as V
from panmun.vectors.likelihood import problem_for
from panmun.vectors.posterior import cache_folder, cached_file, digest, record_posterior
from panmun.vectors.runs import record_history


def loco_predictions(history, variant: str, quick: bool = False, cache: bool = True) -> np.ndarray:
    """``variant``'s leave-one-cycle-out predictions (K, 3), from the cache when there."""
    key = digest(problem_for(history), loco=variant, quick=quick, maxiter=V.MAXITER,
                 quick_maxiter=V.QUICK_MAXITER)
    found = cached_file(f"loco-{key}.npz") if cache else None
    if found is not None:
        try:
            with np.load(found, allow_pickle=False) as data:
                return data["predicted"]
        except (OSError, ValueError, KeyError):
            pass
    folder = cache_folder() if cache else None
    path = folder / f"loco-{key}.npz" if folder is not None else None
    predicted = V.loco(history, variant, quick=quick).predicted
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp.npz")
            np.savez_compressed(tmp, predicted=predicted)
            os.replace(tmp, path)
        except OSError:
            pass
    return predicted


def validation(history, quick: bool = False, variants: tuple[str, ...] = V.VALIDATE,
               cache: bool = True) -> V.Validation:
    """:func:`panmun.vectors.validate.validate` with each variant's predictions cached."""
    predictions = {v.replace("-", "_"): loco_predictions(history, v, quick, cache) for v in variants}
    predictions["carry_forward"] = V.carry_forward(history)
    return V.Validation(V.winner(V.scores(history, predictions), list(predictions)), predictions,
                        history.months, history.targets)


def record_validation(store, quick: bool = False, cache: bool = True):
    """The validation of the whole record in ``store`` and its history."""
    history = record_history(store)
    return validation(history, quick, cache=cache), history


def record_interactions(store, quick: bool = False, cache: bool = True) -> dict:
    """The interactions verdict on the whole record: ``interactions`` (verdicts), ``matrix``
    (W: default, posterior median and interval, flags), ``scores`` (every variant per cycle)."""
    import pandas as pd

    from panmun.vectors.parameters import BY_NAME

    history = record_history(store)
    post, _ = record_posterior(store, quick=quick, cache=cache)
    names = ["coupled", "w0", "trust-only", *[f"only-{w}" for w in V.W_NAMES]]
    predictions = {n: loco_predictions(history, n, quick, cache) for n in names}
    result = V.interactions_from(history, post, predictions)
    table = post.table().set_index("parameter")
    rows = []
    for name in V.W_NAMES:
        row = table.loc[name]
        rows.append({"parameter": name, "pull": V.PULL[name], "default": BY_NAME[name].default,
                     "estimate": float(row["estimate"]), "low90": float(row["low90"]),
                     "high90": float(row["high90"]), "rhat": float(row["rhat"]),
                     "identified": bool(row["identified"]), "at_bound": bool(row["at_bound"])})
    result["matrix"] = pd.DataFrame(rows)
    result.update(start=post.start, end=post.end, converged=bool(post.diagnostics()["converged"]))
    return result


__all__ = ["loco_predictions", "record_interactions", "record_validation", "validation"]
