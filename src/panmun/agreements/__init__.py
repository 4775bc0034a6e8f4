"""Topic 2: what has been implemented. The catalogue of agreements, provision histories,
analysts' status updates, scorecards on the Peace Accords Matrix scale, and compliance
evidence (events linked by rules to the provisions they confirm or violate).

The public API (docs/api.md); every name is imported on first use::

    import panmun
    store = panmun.open_store()
    panmun.agreements.scorecard(store, at="2019-06-30", by="agreement")
    panmun.agreements.provision_history(store, "panmunjom-2018-1-1")

Modules: :mod:`~panmun.agreements.catalogue` (agreements and their provisions),
:mod:`~panmun.agreements.history` (a provision's status history), :mod:`~panmun.agreements.status`
(analysts' status updates), :mod:`~panmun.agreements.states` (the state labels),
:mod:`~panmun.agreements.scoring` (scorecards and implementation series) and
:mod:`~panmun.agreements.evidence` (rules, events and provision timelines).
"""

from panmun._lazy import attach

__getattr__, __dir__, __all__ = attach(__name__, {
    "list_agreements": "catalogue",
    "agreement_detail": "catalogue",
    "provision_history": "history",
    "set_status": "status",
    "undo_status": "status",
    "Scorecard": "scoring",
    "scorecard": "scoring",
    "implementation_series": "scoring",
    "Compliance": "evidence",
    "compliance": "evidence",
    "load_rules": "evidence",
    "provision_timeline": "evidence",
})
