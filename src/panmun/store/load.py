"""Write knowledge-base records into the store, all in one transaction.

The built-in knowledge base is loaded once per version of its data (recognised by a
digest of its files); an overlay folder replaces what the same folder loaded before.
Every inserted status change is also written to the audit log.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from panmun.codes import quad_class
from panmun.errors import StoreError
from panmun.kb.files import builtin_root, folder_digest
from panmun.store.db import Store

if TYPE_CHECKING:
    import pandas as pd

    from panmun.kb.loader import KnowledgeBase

BUILTIN_ORIGIN = "kb"


@dataclass(frozen=True)
class LoadResult:
    """What a load wrote (or found already present)."""

    origin: str
    loaded: bool
    counts: dict[str, int]


def _sources_json(sources) -> str:
    return json.dumps([s.model_dump(mode="json", exclude_none=True) for s in sources], ensure_ascii=False)


def record_frames(kb: KnowledgeBase, origin: str) -> dict[str, pd.DataFrame]:
    """The records of ``kb`` as one DataFrame per store table, their rows marked ``origin``."""
    import pandas as pd

    agreements, provisions = [], []
    for a in kb.agreements.values():
        agreements.append(dict(id=a.id, title=a.title, short_title=a.short_title, title_ko=a.title_ko,
                               date=a.date, place=a.place, parties=list(a.parties),
                               signatories=list(a.signatories), summary=a.summary,
                               sources=_sources_json(a.sources), note=a.note, origin=origin))
        for i, p in enumerate(a.provisions):
            provisions.append(dict(id=a.provision_id(p.article), agreement_id=a.id, article=p.article,
                                   ordinal=i, title=p.title, title_ko=p.title_ko, summary=p.summary,
                                   vector=p.vector, parties=list(p.parties), confidence=p.confidence,
                                   sources=_sources_json(p.sources or a.sources), note=p.note,
                                   origin=origin))
    changes = [dict(provision_id=pid, date=c.date, score=c.score, state=c.state, note=c.note,
                    source_url=c.source.url, source_date=c.source.date, source_title=c.source.title)
               for _, c, _ in kb.changes for pid in c.provisions]
    events = [dict(id=e.id, source="kb", source_id=e.id, quad_class=quad_class(e.cameo),
                   root_code=e.cameo[:2],
                   date=e.date, end_date=e.end_date, actor1=e.actor1, actor2=e.actor2,
                   type=e.type, cameo=e.cameo, goldstein=e.goldstein, plover=e.plover,
                   summary=e.summary, source_url=e.source.url, source_date=e.source.date,
                   source_title=e.source.title, note=e.note, origin=origin) for e, _ in kb.events]
    actors = [dict(code=a.code, name=a.name, name_ko=a.name_ko, kind=a.kind, note=a.note, origin=origin)
              for a, _ in kb.actors]
    positions = [dict(actor=p.actor, topic=p.topic, date=p.date, stance=p.stance, source_url=p.source.url,
                      source_date=p.source.date, source_title=p.source.title, note=p.note, origin=origin)
                 for p, _ in kb.positions]
    return {"agreements": pd.DataFrame(agreements), "provisions": pd.DataFrame(provisions),
            "status_changes": pd.DataFrame(changes), "events": pd.DataFrame(events),
            "actors": pd.DataFrame(actors), "positions": pd.DataFrame(positions)}


def _insert(con, table: str, frame: pd.DataFrame) -> None:
    if frame.empty:
        return
    cols = ", ".join(frame.columns)
    con.register("_incoming", frame)
    try:
        if table == "events":   # no primary key on events (migration 8): the check is here
            _refuse_stored_event_ids(con)
        con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _incoming")
    except duckdb.ConstraintException as exc:
        raise _duplicate_id(table, str(exc)) from exc
    finally:
        try:
            con.unregister("_incoming")
        except duckdb.Error:
            pass  # the transaction is already aborted; the original error is what matters


def _duplicate_id(table: str, detail: str) -> StoreError:
    return StoreError(
        f"{table}: {detail}; another loaded folder already holds a record with this id",
        hint="Give the record a new id, or remove the other folder's copy; "
             "`panmun kb validate` only compares an overlay with the built-in data.")


def _refuse_stored_event_ids(con) -> None:
    """Raise if an incoming event's id is already stored (events has no primary key)."""
    taken = con.execute("""SELECT DISTINCT i.id FROM _incoming i JOIN events e ON e.id = i.id
                           ORDER BY i.id LIMIT 5""").fetchall()
    if taken:
        ids = ", ".join(repr(r[0]) for r in taken)
        raise _duplicate_id("events", f"Duplicate key: event id {ids} is already stored")


def write_records(store: Store, kb: KnowledgeBase, origin: str, who: str, path: str | None) -> dict:
    """Replace the rows of ``origin`` with the records of ``kb``, in one transaction."""
    frames = record_frames(kb, origin)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    try:
        with store.transaction() as con:
            replace_origin(con, frames, origin, who, path, kb.digest, now)
    except duckdb.Error as exc:
        raise StoreError(f"loading {path or origin} into the store failed, nothing was written: {exc}",
                         hint="Run `panmun kb validate` on the folder; if it passes, report this "
                              "as a bug with the message above.") from exc
    return {k: len(v) for k, v in frames.items()}


def replace_origin(con, frames: dict[str, pd.DataFrame], origin: str, who: str, path: str | None,
                   digest: str, now: dt.datetime) -> None:
    """Delete the rows of ``origin`` and insert ``frames`` (inside the caller's transaction)."""
    for table in ("status_changes", "positions", "events", "provisions", "agreements", "actors"):
        con.execute(f"DELETE FROM {table} WHERE origin = ?", [origin])
    for table in ("actors", "agreements", "provisions", "events", "positions"):
        _insert(con, table, frames[table])
    changes = frames["status_changes"]
    if not changes.empty:
        changes = changes.assign(origin=origin, recorded_by=who, recorded_at=now)
        _insert(con, "status_changes", changes)
        con.execute(
            """INSERT INTO audit (audited_at, who, action, provision_id, change_id, what, why, source)
               SELECT ?, ?, ?, provision_id, id,
                      json_object('date', date, 'score', score, 'state', state),
                      note, source_url
               FROM status_changes WHERE origin = ? ORDER BY id""",
            [now, who, f"load:{origin}", origin])
    counts = {k: len(v) for k, v in frames.items()}
    con.execute("INSERT INTO loads (loaded_at, origin, path, digest, counts) VALUES (?, ?, ?, ?, ?)",
                [now, origin, path, digest, json.dumps(counts)])


def builtin_loaded_digest(store: Store) -> str | None:
    rows = store.con.execute(   # fetchall: DuckDB 2 refuses new work while a result is unread
        "SELECT digest FROM loads WHERE origin = ? ORDER BY id DESC LIMIT 1", [BUILTIN_ORIGIN]
    ).fetchall()
    return rows[0][0] if rows else None


def ensure_builtin(store: Store, kb: KnowledgeBase | None = None) -> LoadResult:
    """Load the built-in knowledge base unless this version of it is already in the store.

    The check compares digests of the files, so an unchanged knowledge base is not parsed.
    """
    loaded = builtin_loaded_digest(store)
    if kb is None and loaded == folder_digest(builtin_root()):
        return LoadResult(BUILTIN_ORIGIN, False, {})
    if kb is None:
        from panmun.kb.loader import load_kb  # here, not at the top: parsing needs pydantic

        kb = load_kb()
    if loaded == kb.digest:
        return LoadResult(BUILTIN_ORIGIN, False, kb.counts())
    counts = write_records(store, kb, BUILTIN_ORIGIN, "panmun", kb.root)
    return LoadResult(BUILTIN_ORIGIN, True, counts)


def load_overlay_folder(store: Store, path: Path | str, who: str | None = None) -> LoadResult:
    """Validate an overlay folder and load it in one transaction (nothing is written on error)."""
    from panmun.kb.loader import load_overlay

    path = Path(path).resolve()
    ensure_builtin(store)
    kb = load_overlay(path)
    origin = f"overlay:{path}"
    counts = write_records(store, kb, origin, who or getpass.getuser(), str(path))
    return LoadResult(origin, True, counts)
