"""Neighbours and the international community: positions, leverage, bargaining models
(docs/actors.md).

The public API; every name is imported on first use::

    import panmun
    frame = panmun.actors.positions_at("denuclearization", at="2019-02-27")
    positions, outcome, result = panmun.actors.bargain(frame, "expected-utility", rounds=10)
"""

from panmun._lazy import attach

__getattr__, __dir__, __all__ = attach(__name__, {
    "issue_table": "positions",
    "positions_at": "positions",
    "bargain": "roles:bargaining_path",
    "predict_all": "roles",
    "marginal_roles": "roles",
    "deciding_coalitions": "roles",
    "issue_linkage": "exchange:exchange",
    "linkage_table": "exchange",
    "issue_veto": "veto",
    "frame_veto_outcome": "veto",
})
