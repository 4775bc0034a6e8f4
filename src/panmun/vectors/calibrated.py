"""The built-in record's calibration, computed once and shipped with the package.

``python -m panmun.vectors.calibrated`` recomputes, for the record of a freshly built store,
everything the briefing and ``panmun vectors calibrate | validate | interactions`` read
from the cache (:func:`panmun.vectors.posterior.cached_file`): the posterior at the default
sampler settings and every variant's leave-one-cycle-out predictions. It writes them to
:data:`panmun.vectors.posterior.SHIPPED`, replacing what was there, and prints the
sampler's diagnostics. Run it whenever the kb's record changes (a test fails until it is
run). The files are results, not inputs: with ``PANMUN_VECTORS_CACHE=off`` everything is
computed afresh, and a reader can check that it gives the same answer.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from panmun.vectors.posterior import SHIPPED


def expected_files(store) -> list[str]:
    """The names of the shipped files the record in ``store`` needs (the posterior and every
    leave-one-cycle-out variant the briefing reads)."""
    from panmun.vectors import validate as V
    from panmun.vectors.likelihood import FIT, problem_for
    from panmun.vectors.posterior import BURN, STEPS, WALKERS, digest
    from panmun.vectors.runs import record_history

    history = record_history(store)
    names = [f"{digest(problem_for(history, FIT), walkers=WALKERS, steps=STEPS, burn=BURN, seed=0)}.npz"]
    variants = dict.fromkeys([*V.VALIDATE, "coupled", "w0", "trust-only", *[f"only-{w}" for w in V.W_NAMES]])
    for variant in variants:
        key = digest(problem_for(history), loco=variant, quick=False, maxiter=V.MAXITER,
                     quick_maxiter=V.QUICK_MAXITER)
        names.append(f"loco-{key}.npz")
    return names


def refresh(folder: Path = SHIPPED) -> dict:
    """Recompute the built-in record's posterior and fits into ``folder`` (emptied first);
    return the sampler's diagnostics."""
    from panmun.store.opening import open_store
    from panmun.vectors.records import record_interactions, record_validation

    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "builtin.duckdb")
        try:
            work = Path(tmp) / "cache"
            previous = os.environ.get("PANMUN_VECTORS_CACHE")
            os.environ["PANMUN_VECTORS_CACHE"] = str(work)
            try:
                record_validation(store)
                result = record_interactions(store)
            finally:
                if previous is None:
                    os.environ.pop("PANMUN_VECTORS_CACHE", None)
                else:
                    os.environ["PANMUN_VECTORS_CACHE"] = previous
            wanted = expected_files(store)
        finally:
            store.close()
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        for name in wanted:
            shutil.copy(work / name, folder / name)
    return {"files": len(wanted), "converged": result["converged"],
            "record": f"{result['start']}..{result['end']}"}


if __name__ == "__main__":
    print(refresh())
