"""Key events: the knowledge base's coded event record, filtered."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from panmun.dates import as_date
from panmun.store.db import Store

if TYPE_CHECKING:
    import pandas as pd

COLUMNS = ["id", "date", "end_date", "actor1", "actor2", "type", "cameo", "goldstein", "plover", "summary",
           "source_url", "source_date", "origin"]


def list_events(store: Store, since: dt.date | str | None = None, until: dt.date | str | None = None,
                actor: str | None = None, kind: str | None = None,
                newest: int | None = None) -> pd.DataFrame:
    """Events dated from ``since`` to ``until`` (inclusive), optionally of one actor or of one
    kind (the event ``type``: ``summit``, ``missile-test`` ...),
    oldest first; with ``newest=N`` only the N most recent of them, newest first (the limit
    is applied in the database, so a store with millions of ingested events answers fast)."""
    import pandas as pd

    return pd.DataFrame(event_rows(store, since, until, actor, kind, newest), columns=COLUMNS)


def event_rows(store: Store, since: dt.date | str | None = None, until: dt.date | str | None = None,
               actor: str | None = None, kind: str | None = None,
               newest: int | None = None) -> list[dict]:
    """The rows of :func:`list_events` as plain dicts (dates as ``datetime.date``)."""
    where: list[str] = ["TRUE"]
    params: list[object] = []
    if since is not None:
        where.append("date >= ?")
        params.append(as_date(since))
    if until is not None:
        where.append("date <= ?")
        params.append(as_date(until))
    if actor is not None:
        where.append("(actor1 = ? OR actor2 = ?)")
        params += [actor, actor]
    if kind is not None:
        where.append("type = ?")
        params.append(kind)
    order = "ORDER BY date, id"
    if newest is not None:
        order = "ORDER BY date DESC, id DESC LIMIT ?"
        params.append(int(newest))
    return store.rows(f"SELECT {', '.join(COLUMNS)} FROM events WHERE {' AND '.join(where)} {order}",
                      params)
