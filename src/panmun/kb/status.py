"""How complete and how current the knowledge base is: counts, date ranges, sources by kind.

:func:`kb_status` summarises a loaded :class:`~panmun.kb.loader.KnowledgeBase` per record
type: how many records, the first and last dated one, how their sources divide among the
publisher kinds of the registry (:mod:`panmun.kb.publishers`), and how many provisions are
``recalled`` (their wording not checked against a source). ``record_through`` is the date of
the newest event or implementation change: the date up to which the record has been kept.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from panmun.kb.publishers import Registry, sources_in
from panmun.kb.schema import PUBLISHER_KINDS

#: Record types reported, with how each is read from a knowledge base: (records, their dates).
TYPES = ("agreements", "provisions", "implementation", "events", "positions", "codings", "capabilities",
         "measures", "steps", "rules", "publishers")


def _records(kb, kind: str) -> tuple[list, list[dt.date]]:
    if kind == "agreements":
        items = list(kb.agreements.values())
        return items, [a.date for a in items]
    if kind == "provisions":
        items = [p for a in kb.agreements.values() for p in a.provisions]
        return items, []
    if kind == "implementation":
        items = [c for _, c, _ in kb.changes]
        return items, [c.date for c in items]
    items = [entry[0] for entry in getattr(kb, kind)]
    dates = [x.date for x in items if isinstance(getattr(x, "date", None), dt.date)]
    return items, dates


def kb_status(kb) -> dict:
    """Per record type: records, first and last date, sources by publisher kind, recalled."""
    registry = Registry([p for p, _ in kb.publishers])
    rows = []
    for kind in TYPES:
        items, dates = _records(kb, kind)
        kinds: Counter[str] = Counter()
        if kind != "publishers":
            for item in items:
                for _, source in sources_in(item):
                    kinds[registry.kind(source.url) or "unregistered"] += 1
        total = sum(kinds.values())
        row = {"type": kind, "records": len(items), "first": min(dates) if dates else None,
               "last": max(dates) if dates else None, "sources": total}
        for name in (*PUBLISHER_KINDS, "unregistered"):
            row[f"share_{name.replace('-', '_')}"] = kinds[name] / total if total else None
        row["recalled"] = sum(p.confidence == "recalled" for p in items) if kind == "provisions" else None
        rows.append(row)
    events = [e.date for e, _ in kb.events]
    changes = [c.date for _, c, _ in kb.changes]
    return {"root": kb.root, "record_through": max(events + changes) if events or changes else None,
            "latest_event": max(events) if events else None,
            "latest_change": max(changes) if changes else None,
            "tracked_agreements": sum(1 for a in agreement_rows(kb) if a["changes"]),
            "types": rows, "agreements": agreement_rows(kb)}


def agreement_rows(kb) -> list[dict]:
    """Per agreement: provisions, implementation records (change records naming them), the first
    and last change, and the provisions still recalled."""
    out = []
    for agreement in sorted(kb.agreements.values(), key=lambda a: (a.date, a.id)):
        changes = [c.date for aid, c, _ in kb.changes if aid == agreement.id]
        out.append({"agreement": agreement.id, "date": agreement.date,
                    "provisions": len(agreement.provisions), "changes": len(changes),
                    "first_change": min(changes) if changes else None,
                    "last_change": max(changes) if changes else None,
                    "recalled": sum(p.confidence == "recalled" for p in agreement.provisions)})
    return out
