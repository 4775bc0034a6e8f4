"""The public namespaces: each exports exactly the names docs/api.md lists, lazily."""

from __future__ import annotations

import re
import subprocess
import sys
import types
from pathlib import Path

import pytest

import panmun

DOC = Path(__file__).resolve().parents[1] / "docs" / "api.md"
NAMESPACES = ("agreements", "environment", "vectors", "armscontrol", "actors", "roadmap")


def documented(namespace: str) -> list[str]:
    return sorted(re.findall(rf"^\| `panmun\.{namespace}\.(\w+)` \|", DOC.read_text(encoding="utf-8"), re.M))


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_a_namespace_exports_exactly_the_documented_names(namespace):
    module = getattr(panmun, namespace)
    assert sorted(module.__all__) == documented(namespace)
    assert sorted(dir(module)) == sorted(module.__all__)
    for name in module.__all__:
        value = getattr(module, name)
        assert not isinstance(value, types.ModuleType), f"panmun.{namespace}.{name} is a module"
        if callable(value):
            assert value.__doc__, f"panmun.{namespace}.{name} has no docstring"


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'ensmble'"):
        panmun.vectors.ensmble  # noqa: B018


def test_the_namespaces_load_nothing_heavy_until_a_name_is_used():
    code = ("import sys, panmun; panmun.vectors; panmun.roadmap; panmun.actors; panmun.armscontrol; "
            "panmun.agreements; panmun.environment; "
            "print(sorted(m for m in ('numpy', 'pandas', 'duckdb', 'scipy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_documented_example_runs():
    assert panmun.vectors.ensemble.__name__ == "run_ensemble"
    assert panmun.roadmap.plan.__name__ == "best_plans"
    assert panmun.actors.bargain.__name__ == "bargaining_path"


def test_a_store_and_a_posterior_say_what_they_are(db_path):
    store = panmun.open_store(db_path)
    version = store.rows("SELECT max(version) AS v FROM schema_migrations")[0]["v"]
    assert repr(store) == f"Store({str(db_path)!r}, schema version {version})"
    post, _ = panmun.vectors.record_posterior(store)
    assert repr(post).startswith("Posterior(23 parameters, 8,000 draws, record 1991-01..")
    assert "converged, largest split R-hat 1.0" in repr(post) and "array" not in repr(post)
    store.close()
    assert repr(store) == f"Store({str(db_path)!r}, closed)"


@pytest.mark.slow
def test_results_say_what_they_are_in_one_line(store):
    """A notebook shows a result as one line that names what it holds, not a page of frames."""
    card = panmun.agreements.scorecard(store, at="2019-06-30")
    assert repr(card) == (f"Scorecard(at 2019-06-30, by agreement, track all: {len(card.provisions)} "
                          f"provisions, {len(card.table)} rows)")
    assert card._repr_html_().startswith(f"<p>{card!r}</p><table")
    evidence = panmun.agreements.compliance(store, provision_id="cma-2018", since="2019-01-01",
                                            until="2023-12-31")
    assert repr(evidence).startswith("Compliance(2019-01-01..2023-12-31 by year, basis rule+history, ")
    assert f"in {len(evidence.summary)} provision-periods)" in repr(evidence)
    calibration = panmun.armscontrol.calibration(store)
    ratio = calibration.cma_rate_ratio
    assert repr(calibration).startswith(f"Calibration(4 domains; CMA rate ratio {ratio['median']:.2f} "
                                        f"[{ratio['low']:.2f}, {ratio['high']:.2f}] from ")
    forecast = panmun.environment.next_month(store)
    assert repr(forecast).startswith(f"NextForecast(missile-launch in {forecast.month} "
                                     f"by {forecast.chosen}: ")
    kb = panmun.load_kb()
    assert repr(kb) == (f"KnowledgeBase({kb.root!r}: {len(kb.agreements)} agreements, "
                        f"{kb.counts()['provisions']} provisions, {len(kb.events)} events, "
                        f"{len(kb.files)} files, digest {kb.digest[:12]})")
    for result in (card, evidence, calibration, forecast, kb):
        assert "\n" not in repr(result) and len(repr(result).replace(repr(kb.root), "")) < 200
