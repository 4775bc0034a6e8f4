"""panmun: an analytical workbench for the Korean Peninsula peace process.

The public Python API. Every ``panmun`` command is a thin wrapper over one of these
functions, so a notebook gets the same answers as the terminal::

    import panmun
    kb = panmun.load_kb()                      # the built-in, sourced knowledge base
    store = panmun.open_store()                # the DuckDB store (loads the kb on first use)
    panmun.scorecard(store, at="2019-06-30", by="agreement")
"""

from panmun._version import __version__
from panmun.agreements.catalogue import agreement_detail, list_agreements
from panmun.agreements.history import provision_history
from panmun.agreements.scorecard import (
    Scorecard,
    implementation_series,
    scorecard,
)
from panmun.agreements.status import set_status, undo_status
from panmun.environment.events import list_events
from panmun.errors import (
    InputError,
    NotFoundError,
    PanmunError,
    Problem,
    StoreError,
    ValidationError,
)
from panmun.ingest.engine import IngestSummary, ingest_file, list_ingests, list_rejects
from panmun.kb.loader import KnowledgeBase, load_kb, load_overlay
from panmun.kb.package import write_datapackage
from panmun.kb.validate import validate_path
from panmun.report.briefing import Briefing, build_briefing
from panmun.report.render import write_html, write_pdf
from panmun.store.db import Store, open_store
from panmun.store.load import load_overlay_folder

__all__ = [
    "__version__",
    "Briefing",
    "IngestSummary",
    "InputError",
    "KnowledgeBase",
    "NotFoundError",
    "PanmunError",
    "Problem",
    "Scorecard",
    "Store",
    "StoreError",
    "ValidationError",
    "agreement_detail",
    "build_briefing",
    "implementation_series",
    "ingest_file",
    "list_agreements",
    "list_events",
    "list_ingests",
    "list_rejects",
    "load_kb",
    "load_overlay",
    "load_overlay_folder",
    "open_store",
    "provision_history",
    "scorecard",
    "set_status",
    "undo_status",
    "validate_path",
    "write_datapackage",
    "write_html",
    "write_pdf",
]
