"""Ensembles on a Dask distributed cluster: one task per chunk of runs, counts added in chunk order.

Every chunk has its own random stream (``SeedSequence([seed, chunk])``, see
:func:`panmun.vectors.model.chunk_counts`) and the counts are integers (the sums of the
values are added in chunk order), so an ensemble computed here is identical to
:func:`panmun.vectors.model.ensemble` with the same seed, whichever worker computes which
chunk.

``scheduler`` is ``"local"`` (a :class:`dask.distributed.LocalCluster` of two worker
processes with one thread each, started for the call and closed after) or the address of
a running scheduler, ``"tcp://HOST:PORT"``.
"""

from __future__ import annotations

from functools import reduce

from panmun.errors import InputError
from panmun.vectors.model import EnsembleCounts, Params, Setup, chunk_counts, chunks

#: Workers of the ``"local"`` cluster (processes, one thread each).
LOCAL_WORKERS = 2
#: How long to try to reach a running scheduler before giving up.
CONNECT_TIMEOUT = "10s"


def ensemble_with(client, setup: Setup, runs: int, seed: int = 0, params: Params | None = None,
                  thresholds: tuple[float, ...] = (0.5, 0.8), stochastic: bool = True) -> EnsembleCounts:
    """The ensemble computed through a connected :class:`dask.distributed.Client`."""
    setup_f, params_f = client.scatter([setup, params], broadcast=True, hash=False)
    futures = [client.submit(chunk_counts, setup_f, params_f, seed, c, n, tuple(thresholds),
                             stochastic=stochastic, pure=False)
               for c, n in chunks(runs)]
    parts = client.gather(futures)
    return reduce(lambda a, b: a + b, parts)


def ensemble_on(scheduler: str, setup: Setup, runs: int, seed: int = 0, params: Params | None = None,
                thresholds: tuple[float, ...] = (0.5, 0.8), stochastic: bool = True) -> EnsembleCounts:
    """The ensemble on ``scheduler`` (``"local"`` or ``"tcp://HOST:PORT"``); same result as here."""
    from dask.distributed import Client, LocalCluster

    if scheduler == "local":
        with LocalCluster(n_workers=LOCAL_WORKERS, threads_per_worker=1, processes=True,
                          dashboard_address=":0") as cluster, Client(cluster) as client:
            return ensemble_with(client, setup, runs, seed, params, thresholds, stochastic)
    if not scheduler.startswith("tcp://"):
        raise InputError(f"scheduler must be 'local' or 'tcp://HOST:PORT', not {scheduler!r}")
    try:
        client = Client(scheduler, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as exc:
        raise InputError(f"cannot reach the Dask scheduler at {scheduler} within {CONNECT_TIMEOUT}: {exc}",
                         hint="Start it with `dask scheduler` (and workers with `dask worker ADDRESS`), or "
                              "use --scheduler local.") from exc
    with client:
        return ensemble_with(client, setup, runs, seed, params, thresholds, stochastic)


__all__ = ["LOCAL_WORKERS", "ensemble_on", "ensemble_with"]
