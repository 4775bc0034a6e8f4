"""The dated implementation history of one provision."""

from __future__ import annotations

import difflib

import pandas as pd

from panmun.agreements.states import state_label
from panmun.errors import NotFoundError
from panmun.store.db import Store


def require_provision(store: Store, provision_id: str) -> dict:
    """The provision's row, or a :class:`NotFoundError` suggesting close ids."""
    row = store.query("SELECT p.*, a.date AS signed FROM provisions p JOIN agreements a "
                      "ON a.id = p.agreement_id WHERE p.id = ?", [provision_id])
    if row.empty:
        ids = store.query("SELECT id FROM provisions")["id"].tolist()
        close = difflib.get_close_matches(provision_id, ids, n=3)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise NotFoundError(f"no provision {provision_id!r}; ids are <agreement-id>/<article>, "
                            f"see `panmun agreements show AGREEMENT`.{hint}")
    return row.iloc[0].to_dict()


def provision_history(store: Store, provision_id: str) -> pd.DataFrame:
    """Every status change of a provision in date order, with its evidence and who recorded it."""
    require_provision(store, provision_id)
    df = store.query(
        """SELECT id AS change_id, date, score, state, note, source_url, source_date, origin,
                  recorded_by, recorded_at
           FROM status_changes WHERE provision_id = ? ORDER BY date, id""", [provision_id])
    df.insert(3, "status", [state_label(s, t) for s, t in
                            zip(df["score"].astype(object).where(df["score"].notna(), None),
                                df["state"].astype(object).where(df["state"].notna(), None),
                                strict=True)])
    for col in ("date", "source_date"):
        df[col] = pd.to_datetime(df[col]).dt.date.astype(object).where(df[col].notna(), None)
    return df
