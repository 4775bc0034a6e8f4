"""Key events: the knowledge base's coded event record, filtered."""

from __future__ import annotations

from typing import TYPE_CHECKING

from panmun.dates import as_date
from panmun.store.db import Store

if TYPE_CHECKING:
    import pandas as pd

COLUMNS = ["id", "date", "end_date", "actor1", "actor2", "type", "cameo", "goldstein", "plover", "summary",
           "source_url", "source_date", "origin"]


def list_events(store: Store, start=None, end=None, actor: str | None = None,
                type_: str | None = None, newest: int | None = None) -> pd.DataFrame:
    """Events between ``start`` and ``end`` (inclusive), optionally of one actor or type,
    oldest first; with ``newest=N`` only the N most recent of them, newest first (the limit
    is applied in the database, so a store with millions of ingested events answers fast)."""
    import pandas as pd

    return pd.DataFrame(event_rows(store, start, end, actor, type_, newest), columns=COLUMNS)


def event_rows(store: Store, start=None, end=None, actor: str | None = None,
               type_: str | None = None, newest: int | None = None) -> list[dict]:
    """The rows of :func:`list_events` as plain dicts (dates as ``datetime.date``)."""
    where, params = ["TRUE"], []
    if start is not None:
        where.append("date >= ?")
        params.append(as_date(start))
    if end is not None:
        where.append("date <= ?")
        params.append(as_date(end))
    if actor is not None:
        where.append("(actor1 = ? OR actor2 = ?)")
        params += [actor, actor]
    if type_ is not None:
        where.append("type = ?")
        params.append(type_)
    order = "ORDER BY date, id"
    if newest is not None:
        order = "ORDER BY date DESC, id DESC LIMIT ?"
        params.append(int(newest))
    return store.rows(f"SELECT {', '.join(COLUMNS)} FROM events WHERE {' AND '.join(where)} {order}",
                      params)
