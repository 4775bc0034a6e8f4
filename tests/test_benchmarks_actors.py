"""The pure-Python peers of benchmarks/actors_bargain.py compute what panmun computes: the
same positions, round by round, so the benchmark's ratios compare the same job."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from panmun.actors.expected_utility import expected_utility

BENCHMARK = Path(__file__).resolve().parents[1] / "benchmarks" / "actors_bargain.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("actors_bargain", BENCHMARK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_pure_python_peers_give_panmuns_positions(bench, seed):
    rng = np.random.default_rng(seed)
    n = 15
    x = np.round(rng.uniform(0, 100, n))      # rounded: ties in positions occur
    s, c = rng.uniform(0, 1, n), rng.uniform(0, 1, n)
    fast = expected_utility(x, s, c, rounds=12).positions
    for peer in (bench.same_algorithm, bench.naive):
        np.testing.assert_allclose(np.array(peer(list(x), list(s), list(c), 12)), fast, atol=1e-9)


def test_probabilities_match_panmuns(bench):
    from panmun.actors.expected_utility import win_probability

    rng = np.random.default_rng(7)
    x, w = np.round(rng.uniform(0, 10, 30)), rng.uniform(0, 1, 30)
    np.testing.assert_allclose(np.array(bench._probabilities(list(x), list(w))), win_probability(x, w),
                               atol=1e-12)
