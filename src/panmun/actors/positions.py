"""Actors' numeric positions on an issue as of a date, read from the knowledge base.

An issue is a 0-100 scale (``kb/data/issues/issues.yaml``: 0 = its ``low`` label, 100 = its
``high``). Each coding gives one actor's position (0-100) and salience (0-1) from a dated,
sourced statement; capability (>= 0, US$ billion of military expenditure or a labelled
judgement on that scale) is per actor, shared across issues. "As of" date ``at`` means: for
each actor, the latest coding dated on or before ``at``, and the latest capability dated on or
before ``at`` (NaN if there is none yet).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pandas as pd

from panmun.dates import as_date
from panmun.kb.loader import KnowledgeBase, load_kb

if TYPE_CHECKING:
    from panmun.kb.schema import Coding

COLUMNS: tuple[str, ...] = ("actor", "position", "salience", "capability", "date", "source_url")


def _kb(kb: KnowledgeBase | None) -> KnowledgeBase:
    return kb if kb is not None else load_kb()


def _date(at: dt.date | str | None) -> dt.date:
    return as_date(at, "--at")


def issue_table(kb: KnowledgeBase | None = None) -> pd.DataFrame:
    """The issues: id, name, low (the label of 0), high (the label of 100), description, codings."""
    kb = _kb(kb)
    counts: dict[str, int] = {}
    for coding, _ in kb.codings:
        counts[coding.issue] = counts.get(coding.issue, 0) + 1
    rows = [{"id": i.id, "name": i.name, "low": i.low, "high": i.high, "description": i.description,
             "codings": counts.get(i.id, 0)} for i, _ in kb.issues]
    return pd.DataFrame(rows, columns=["id", "name", "low", "high", "description", "codings"])


def capability_at(actor: str, at: dt.date | str | None = None, kb: KnowledgeBase | None = None) -> float:
    """The actor's capability from the latest record dated on or before ``at`` (NaN if none)."""
    kb, at = _kb(kb), _date(at)
    dated = [(c.date, c.value) for c, _ in kb.capabilities if c.actor == actor and c.date <= at]
    return max(dated)[1] if dated else float("nan")


def positions_at(issue: str, at: dt.date | str | None = None,
                 kb: KnowledgeBase | None = None) -> pd.DataFrame:
    """Each actor's latest coding on ``issue`` dated on or before ``at`` (default: today).

    Columns: actor, position (0-100), salience (0-1), capability (>= 0, NaN if not yet
    coded), date (of the coded statement), source_url. Actors with no coding by ``at`` are
    left out; rows are sorted by actor. Raises KeyError for an unknown issue.
    """
    kb, at = _kb(kb), _date(at)
    if issue not in {i.id for i, _ in kb.issues}:
        known = ", ".join(i.id for i, _ in kb.issues)
        raise KeyError(f"unknown issue {issue!r} (known: {known})")
    latest: dict[str, Coding] = {}
    for coding, _ in kb.codings:
        if coding.issue == issue and coding.date <= at:
            if coding.actor not in latest or coding.date > latest[coding.actor].date:
                latest[coding.actor] = coding
    rows = []
    for actor in sorted(latest):
        coding = latest[actor]
        source = kb.basis_source(coding)
        rows.append({"actor": actor, "position": coding.position, "salience": coding.salience,
                     "capability": capability_at(actor, at, kb), "date": coding.date,
                     "source_url": source.url if source else ""})
    return pd.DataFrame(rows, columns=list(COLUMNS))
