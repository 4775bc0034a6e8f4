"""The store's generation: a few cheap numbers that change whenever what a table holds changes.

Every write to the store leaves a mark that costs one small query to read:

========== ===================================================================================
mark       what moves it
========== ===================================================================================
loads      a knowledge-base load (built-in or overlay): the last ``loads`` row; a load rewrites
           the agreements, provisions, status changes, curated events, actors and positions
status     an analyst's status update or undo: the last ``audit`` row naming a provision
events     events added: the number of events, and the last ingest that stored any (an ingest
           that adds nothing, such as a repeated one, leaves it as it was)
audit      any audited write (status updates, added events, accounts, saved scenarios)
ingests    an ingest run, whatever it stored (its row and its rejects)
briefings  a briefing written; for a briefing dated ``at``, only the date of the last briefing
           written for a date before ``at`` (the one thing a briefing reads from that table)
========== ===================================================================================

:data:`TABLE_MARKS` says which marks each table follows; a table it does not name follows
all of them. :func:`generation` gives the marks of the tables a computation read, so a
result cached under that generation is reused exactly as long as those tables are unchanged.
"""

from __future__ import annotations

import datetime as dt

from panmun.store.db import Store

#: The marks (see the module docstring) that change when each table's rows change.
TABLE_MARKS: dict[str, tuple[str, ...]] = {
    "agreements": ("loads",),
    "provisions": ("loads",),
    "actors": ("loads",),
    "positions": ("loads",),
    "status_changes": ("loads", "status"),
    "events": ("loads", "events"),
    "loads": ("loads",),
    "audit": ("audit",),
    "ingests": ("ingests",),
    "rejects": ("ingests",),
    "briefings": ("briefings",),
    "schema_migrations": (),
}
MARKS: tuple[str, ...] = ("loads", "status", "events", "audit", "ingests", "briefings")


def store_tables(store: Store) -> tuple[str, ...]:
    """Names of the store's own tables (not temporary ones), sorted."""
    rows = store.con.execute("SELECT table_name FROM duckdb_tables() WHERE NOT temporary "
                             "AND schema_name = 'main' ORDER BY table_name").fetchall()
    return tuple(r[0] for r in rows)


def marks(store: Store, at: dt.date) -> dict[str, object]:
    """Every mark of the store, read in one query (``at``: the date of the briefing asking)."""
    row = store.con.execute(
        """SELECT (SELECT coalesce(max(id), 0) FROM loads),
                  (SELECT coalesce(max(id), 0) FROM audit WHERE provision_id IS NOT NULL),
                  (SELECT count(*) FROM events),
                  (SELECT coalesce(max(id), 0) FROM ingests WHERE events > 0),
                  (SELECT coalesce(max(id), 0) FROM audit),
                  (SELECT coalesce(max(id), 0) FROM ingests),
                  (SELECT max(state_at) FROM briefings WHERE state_at < ?)""", [at]).fetchall()[0]
    loads, status, events, stored_by, audit, ingests, briefed = row
    return {"loads": loads, "status": status, "events": (events, stored_by), "audit": audit,
            "ingests": ingests, "briefings": briefed}


def generation(store: Store, tables: set[str] | tuple[str, ...], at: dt.date) -> dict[str, object]:
    """The marks the given tables follow, by mark name (a table not in :data:`TABLE_MARKS`
    follows every mark)."""
    wanted: set[str] = set()
    for table in tables:
        wanted.update(TABLE_MARKS.get(table, MARKS))
    current = marks(store, at)
    return {name: current[name] for name in MARKS if name in wanted}
