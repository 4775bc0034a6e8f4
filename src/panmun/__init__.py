"""panmun: an analytical workbench for the Korean Peninsula peace process.

The public Python API. Every ``panmun`` command is a thin wrapper over one of these
functions, so a notebook gets the same answers as the terminal::

    import panmun
    kb = panmun.load_kb()                      # the built-in, sourced knowledge base
    store = panmun.open_store()                # the DuckDB store (loads the kb on first use)
    panmun.scorecard(store, at="2019-06-30", by="agreement")
    panmun.index(store, dyad="KOR-PRK", freq="quarter")

Each topic and model has a namespace of its own (docs/api.md): ``panmun.agreements``,
``panmun.environment``, ``panmun.vectors``, ``panmun.armscontrol``, ``panmun.actors`` and
``panmun.roadmap``, e.g.
``panmun.vectors.ensemble(panmun.vectors.load_scenario("baseline"), runs=1000)``.

Names are imported on first use (PEP 562), so ``import panmun`` and the command line
start quickly and load the numerical libraries only when an analysis needs them.
"""

from __future__ import annotations

import importlib
from typing import Any

from panmun._version import __version__ as __version__
from panmun.errors import InputError as InputError
from panmun.errors import NotFoundError as NotFoundError
from panmun.errors import PanmunError as PanmunError
from panmun.errors import Problem as Problem
from panmun.errors import StoreError as StoreError
from panmun.errors import ValidationError as ValidationError

#: public name -> module that defines it
_LAZY: dict[str, str] = {
    # knowledge base and store
    "KnowledgeBase": "panmun.kb.loader", "load_kb": "panmun.kb.loader", "load_overlay": "panmun.kb.loader",
    "validate_path": "panmun.kb.validate", "write_datapackage": "panmun.kb.package",
    "Store": "panmun.store.db", "open_store": "panmun.store.opening",
    "load_overlay_folder": "panmun.store.load",
    # ingestion
    "IngestSummary": "panmun.ingest.engine", "ingest_file": "panmun.ingest.engine",
    "list_ingests": "panmun.ingest.engine", "list_rejects": "panmun.ingest.engine",
    # agreements
    "agreement_detail": "panmun.agreements.catalogue", "list_agreements": "panmun.agreements.catalogue",
    "provision_history": "panmun.agreements.history",
    "Scorecard": "panmun.agreements.scoring", "scorecard": "panmun.agreements.scoring",
    "implementation_series": "panmun.agreements.scoring",
    "set_status": "panmun.agreements.status", "undo_status": "panmun.agreements.status",
    "Compliance": "panmun.agreements.evidence", "compliance": "panmun.agreements.evidence",
    "load_rules": "panmun.agreements.evidence", "provision_timeline": "panmun.agreements.evidence",
    # the security environment
    "list_events": "panmun.environment.events",
    "index": "panmun.environment.indices",
    "dyad_changepoints": "panmun.environment.changepoints",
    "alerts": "panmun.environment.alerting", "AlertSettings": "panmun.environment.alerting",
    "obstacles": "panmun.environment.obstacle_factors",
    "ObstacleSettings": "panmun.environment.obstacle_factors",
    "backtest": "panmun.environment.forecast", "next_month": "panmun.environment.forecast",
    "BacktestResult": "panmun.environment.forecast", "NextForecast": "panmun.environment.forecast",
    "ForecastSettings": "panmun.environment.forecast",
    # the briefing
    "Briefing": "panmun.report.briefing", "build_briefing": "panmun.report.briefing",
    "write_html": "panmun.report.render", "write_pdf": "panmun.report.render",
}

#: the topics' namespaces (each with its own ``__all__``), imported on first use
TOPICS = ("agreements", "environment", "vectors", "armscontrol", "actors", "roadmap")

__all__ = sorted(["__version__", "InputError", "NotFoundError", "PanmunError", "Problem", "StoreError",
                  "ValidationError", *_LAZY, *TOPICS])


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    if name in TOPICS:
        return importlib.import_module(f"panmun.{name}")
    raise AttributeError(f"module 'panmun' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
