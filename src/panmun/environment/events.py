"""Key events: the knowledge base's coded event record, filtered."""

from __future__ import annotations

import pandas as pd

from panmun.dates import as_date
from panmun.store.db import Store


def list_events(store: Store, start=None, end=None, actor: str | None = None,
                type_: str | None = None, newest: int | None = None) -> pd.DataFrame:
    """Events between ``start`` and ``end`` (inclusive), optionally of one actor or type,
    oldest first; with ``newest=N`` only the N most recent of them, newest first (the limit
    is applied in the database, so a store with millions of ingested events answers fast)."""
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
    df = store.query(
        f"""SELECT id, date, end_date, actor1, actor2, type, cameo, goldstein, plover, summary,
                   source_url, source_date, origin
            FROM events WHERE {' AND '.join(where)} {order}""", params)
    for col in ("date", "end_date", "source_date"):
        df[col] = pd.to_datetime(df[col]).dt.date.astype(object).where(df[col].notna(), None)
    return df
