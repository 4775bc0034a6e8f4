"""Agreements and their provisions as stored."""

from __future__ import annotations

import difflib
import json
from typing import TYPE_CHECKING

from panmun.errors import NotFoundError
from panmun.store.db import Store

if TYPE_CHECKING:
    import pandas as pd


def agreement_rows(store: Store) -> list[dict]:
    """Every agreement (id, titles, date, parties, number of provisions, whether it has a
    history, origin) as plain rows, oldest first."""
    return store.rows(
        """SELECT a.id, a.title, a.short_title, a.title_ko, a.date, a.parties,
                  count(p.id) AS provisions,
                  EXISTS (SELECT 1 FROM status_changes s JOIN provisions q ON q.id = s.provision_id
                          WHERE q.agreement_id = a.id) AS tracked,
                  a.origin
           FROM agreements a LEFT JOIN provisions p ON p.agreement_id = a.id
           GROUP BY ALL ORDER BY a.date, a.id""")


def list_agreements(store: Store) -> pd.DataFrame:
    """Every agreement: id, title, date, number of provisions, whether it has a history."""
    import pandas as pd

    columns = ["id", "title", "short_title", "title_ko", "date", "parties", "provisions", "tracked", "origin"]
    return pd.DataFrame(agreement_rows(store), columns=columns)


def agreement_detail(store: Store, agreement_id: str) -> tuple[dict, pd.DataFrame]:
    """One agreement (as a dict) and its provisions (a DataFrame, in article order)."""
    import pandas as pd

    head = store.query("SELECT * FROM agreements WHERE id = ?", [agreement_id])
    if head.empty:
        ids = store.query("SELECT id FROM agreements")["id"].tolist()
        close = difflib.get_close_matches(agreement_id, ids, n=3)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise NotFoundError(f"no agreement {agreement_id!r}; see `panmun agreements list`.{hint}")
    agreement = head.iloc[0].to_dict()
    agreement["date"] = pd.Timestamp(agreement["date"]).date()
    agreement["parties"] = list(agreement["parties"])
    agreement["sources"] = json.loads(agreement["sources"] or "[]")
    provisions = store.query(
        """SELECT id, article, title, title_ko, vector, parties, confidence, summary, note, sources
           FROM provisions WHERE agreement_id = ? ORDER BY ordinal""", [agreement_id])
    provisions["parties"] = provisions["parties"].map(list)
    provisions["sources"] = provisions["sources"].map(lambda text: json.loads(text or "[]"))
    return agreement, provisions
