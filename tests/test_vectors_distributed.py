"""Ensembles on a Dask LocalCluster equal the single-process ensemble with the same seed."""

from __future__ import annotations

import numpy as np
import pytest

from panmun.errors import InputError
from panmun.vectors import model
from panmun.vectors.distributed import ensemble_on, ensemble_with
from panmun.vectors.model import Intervention, Setup

distributed = pytest.importorskip("dask.distributed")


def _setup() -> Setup:
    drivers = np.random.default_rng(5).random((49, 7))
    return Setup((0.1, 0.2, 0.1, 0.5), drivers, (Intervention(12, "arms_control", 0.6),))


def _same(a: model.EnsembleCounts, b: model.EnsembleCounts) -> None:
    assert a.runs == b.runs and a.thresholds == b.thresholds
    assert np.array_equal(a.hist, b.hist)
    assert np.array_equal(a.reached, b.reached)
    assert np.array_equal(a.total, b.total)


@pytest.fixture(scope="module")
def client():
    """An in-process LocalCluster (threads: starting worker processes is slow in a test)."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=":0") as cluster, distributed.Client(cluster) as c:
        yield c


def test_stochastic_ensemble_on_cluster_equals_local(client):
    runs = model.CHUNK * 2 + 321                     # three chunks, the last one partial
    here = model.ensemble(_setup(), runs, seed=11)
    there = ensemble_with(client, _setup(), runs, seed=11)
    _same(here, there)


def test_deterministic_ensemble_with_per_run_parameters_on_cluster(client):
    runs = model.CHUNK + 100
    params = {"g_summits": np.linspace(0.0, 4.0, runs), "speed_P": np.linspace(0.01, 0.3, runs)}
    here = model.ensemble(_setup(), runs, seed=0, params=params, stochastic=False)
    there = ensemble_with(client, _setup(), runs, seed=0, params=params, stochastic=False)
    _same(here, there)


def test_another_seed_differs_on_cluster(client):
    a = ensemble_with(client, _setup(), 2000, seed=1)
    b = ensemble_with(client, _setup(), 2000, seed=2)
    assert not np.array_equal(a.hist, b.hist)


def test_scheduler_must_be_local_or_tcp():
    with pytest.raises(InputError, match="tcp://"):
        ensemble_on("inproc://nowhere", _setup(), 10)


# distributed's tcp listener setup leaves a socket to the garbage collector (a ResourceWarning
# reported as unraisable): not ours, so ignored for this test only
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_tcp_scheduler_address():
    """A LocalCluster's tcp address given as ``scheduler``: the same counts."""
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, protocol="tcp",
                                  host="127.0.0.1", dashboard_address=":0") as cluster:
        there = ensemble_on(cluster.scheduler_address, _setup(), 3000, seed=4)
    _same(model.ensemble(_setup(), 3000, seed=4), there)


@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_local_scheduler_with_worker_processes():
    """``"local"``: two worker processes; the same counts as this process."""
    runs = model.CHUNK + 500
    _same(model.ensemble(_setup(), runs, seed=8), ensemble_on("local", _setup(), runs, seed=8))
