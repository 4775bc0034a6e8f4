"""Analysts' updates of implementation status: recorded, audited and undoable."""

from __future__ import annotations

import datetime as dt
import getpass
import json

import pandas as pd
import pydantic

from panmun.agreements.history import require_provision
from panmun.dates import as_date
from panmun.errors import InputError, NotFoundError
from panmun.kb.schema import Source
from panmun.store.db import Store

ANALYST_ORIGIN = "analyst"


def set_status(store: Store, provision_id: str, *, date: dt.date | str, source: str, note: str,
               score: int | None = None, state: str | None = None, who: str | None = None,
               source_date: dt.date | str | None = None) -> int:
    """Record a dated status change of a provision; return the new change's id.

    Exactly one of ``score`` (0-3) and ``state`` (suspended, reversed). The change and its
    audit row are written in one transaction.
    """
    prov = require_provision(store, provision_id)
    when = as_date(date, "--date")
    if (score is None) == (state is None):
        raise InputError("give exactly one of --score (0-3) or --state (suspended|reversed)")
    if score is not None and score not in (0, 1, 2, 3):
        raise InputError(f"--score must be 0, 1, 2 or 3, not {score}")
    if state is not None and state not in ("suspended", "reversed"):
        raise InputError(f"--state must be suspended or reversed, not {state!r}")
    if when > dt.date.today():
        raise InputError(f"--date {when} is in the future")
    signed = prov["signed"].date() if hasattr(prov["signed"], "date") else prov["signed"]
    if when < signed:
        raise InputError(f"--date {when} is before {prov['agreement_id']} was signed ({signed})")
    if not note or len(note.strip()) < 3:
        raise InputError("--note must say what happened (at least 3 characters)")
    try:
        src = Source(url=source, date=as_date(source_date) if source_date else None)
    except pydantic.ValidationError as exc:
        raise InputError(f"--source {source!r}: {exc.errors()[0]['msg']}") from exc
    who = who or getpass.getuser()
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with store.transaction() as con:
        change_id = con.execute(
            """INSERT INTO status_changes (provision_id, date, score, state, note, source_url,
                   source_date, origin, recorded_by, recorded_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
            [provision_id, when, score, state, note.strip(), src.url, src.date, ANALYST_ORIGIN,
             who, now]).fetchall()[0][0]
        con.execute(
            """INSERT INTO audit (audited_at, who, action, provision_id, change_id, what, why, source)
               VALUES (?, ?, 'set-status', ?, ?, ?, ?, ?)""",
            [now, who, provision_id, change_id,
             json.dumps({"date": when.isoformat(), "score": score, "state": state}),
             note.strip(), src.url])
    return int(change_id)


def undo_status(store: Store, provision_id: str, who: str | None = None) -> dict:
    """Remove the last analyst change of a provision (audited); return what was removed."""
    require_provision(store, provision_id)
    rows = store.query(
        """SELECT * FROM status_changes WHERE provision_id = ? AND origin = ?
           ORDER BY recorded_at DESC, id DESC LIMIT 1""", [provision_id, ANALYST_ORIGIN])
    if rows.empty:
        raise NotFoundError(f"no analyst change of {provision_id} to undo (changes from the "
                            "knowledge base or an overlay are changed by editing their files)")
    row = rows.iloc[0]
    who = who or getpass.getuser()
    removed = {"change_id": int(row["id"]), "date": str(row["date"].date()),
               "score": None if pd.isna(row["score"]) else int(row["score"]),
               "state": row["state"], "note": row["note"], "source": row["source_url"]}
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with store.transaction() as con:
        con.execute("DELETE FROM status_changes WHERE id = ?", [int(row["id"])])
        con.execute(
            """INSERT INTO audit (audited_at, who, action, provision_id, change_id, what, why, source)
               VALUES (?, ?, 'undo', ?, ?, ?, 'undo of the last analyst change', ?)""",
            [now, who, provision_id, int(row["id"]), json.dumps(removed), row["source_url"]])
    return removed


def provision_version(store: Store, provision_id: str) -> int:
    """The provision's record version for optimistic locking: the number of audited writes
    to it so far (every set-status and undo adds one, so it only grows)."""
    rows = store.query("SELECT count(*) AS n FROM audit WHERE provision_id = ?", [provision_id])
    return int(rows["n"].iloc[0])
