"""The store's record of updates (store migration 11): runs, and the state of each published file.

``update_runs`` has one row per source and run: it is written when the run starts
(status ``running``) and completed when it ends (``ok``, ``partial``: some files failed,
``failed``: the index could not be read or no file succeeded, ``interrupted``). A run that
never ends (the process was killed) stays ``running``.

``update_files`` has one row per source and published file: ``ingested``, ``unchanged``
(the same bytes as the copy ingested before), ``empty`` (an ACLED month without events) or
``failed``, with the number of failed attempts since it last succeeded and the last error.
Each write is a statement of its own, made after the file's ingest committed: a crash
between the two leaves the file unrecorded, and the next run ingests it again, which adds
nothing (an ingest skips stored ids).
"""

from __future__ import annotations

import datetime as dt
import getpass
from dataclasses import dataclass

from panmun.store.db import Store
from panmun.update.sources import RemoteFile

DONE = ("ingested", "unchanged", "empty")


@dataclass(frozen=True)
class FileState:
    """What the store knows of one published file."""

    status: str
    failures: int
    checksum: str | None
    file_date: dt.date | None
    last_error: str | None
    updated_at: dt.datetime | None = None   # when it was last done or tried (UTC)


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def start_run(store: Store, source: str, mode: str, base: str, who: str | None = None) -> int:
    """Record the start of a source's run; return its id."""
    return store.con.execute(
        """INSERT INTO update_runs (source, mode, base, started_at, status, who)
           VALUES (?, ?, ?, ?, 'running', ?) RETURNING id""",
        [source, mode, base, now(), who or getpass.getuser()]).fetchall()[0][0]


def finish_run(store: Store, run_id: int, *, status: str, totals: dict, error: str | None,
               record_through: dt.date | None, seconds: float) -> None:
    """Record how a run ended, with its counts."""
    names = ("files", "bytes", "rows", "events", "rejects", "checksum_failures", "failed", "skipped",
             "missing")
    store.con.execute(
        f"""UPDATE update_runs SET finished_at = ?, status = ?, error = ?, record_through = ?, seconds = ?,
                {', '.join(f'{n} = ?' for n in names)} WHERE id = ?""",
        [now(), status, error, record_through, round(seconds, 3), *(totals.get(n, 0) for n in names), run_id])


def file_states(store: Store, source: str, since: dt.date | None = None) -> dict[str, FileState]:
    """The state of the source's files: every file not done, and the done ones dated ``since`` or later
    (all of them when ``since`` is None)."""
    rows = store.con.execute(
        """SELECT name, status, failures, checksum, file_date, last_error, updated_at FROM update_files
           WHERE source = ? AND (status NOT IN ('ingested', 'unchanged', 'empty') OR ?::DATE IS NULL
                                 OR file_date IS NULL OR file_date >= ?::DATE)""",
        [source, since, since]).fetchall()
    return {row[0]: FileState(*row[1:]) for row in rows}


def newest_done(store: Store, source: str) -> tuple[dt.date | None, str | None]:
    """The date and name of the source's newest file done (None, None before its first update)."""
    rows = store.con.execute(
        """SELECT file_date, name FROM update_files
           WHERE source = ? AND status IN ('ingested', 'unchanged', 'empty') AND file_date IS NOT NULL
           ORDER BY file_date DESC, name DESC LIMIT 1""", [source]).fetchall()
    return (rows[0][0], rows[0][1]) if rows else (None, None)


def earliest_unsettled(store: Store, source: str, days: int) -> dt.date | None:
    """The date of the source's oldest done file last fetched no more than ``days`` days after the end
    of its month (ACLED: a month still fetched again)."""
    return store.con.execute(
        """SELECT min(file_date) FROM update_files
           WHERE source = ? AND status IN ('ingested', 'unchanged', 'empty')
             AND CAST(updated_at AS DATE) <= last_day(file_date) + to_days(?)""",
        [source, days]).fetchall()[0][0]


def mark_done(store: Store, file: RemoteFile, *, status: str, checksum: str | None, nbytes: int | None,
              run_id: int, ingest_id: int | None, at: dt.datetime | None = None) -> None:
    """Record a file as done (ingested, unchanged or empty) ``at`` (default: now, UTC): its failures
    start again from 0."""
    store.con.execute(
        """INSERT INTO update_files (source, name, file_date, checksum, bytes, status, failures, last_error,
                                     run_id, ingest_id, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, 0, NULL, ?, ?, ?)
           ON CONFLICT (source, name) DO UPDATE SET file_date = excluded.file_date,
               checksum = excluded.checksum, bytes = excluded.bytes, status = excluded.status, failures = 0,
               last_error = NULL, run_id = excluded.run_id, ingest_id = excluded.ingest_id,
               updated_at = excluded.updated_at""",
        [file.source, file.name, file.date, checksum, nbytes, status, run_id, ingest_id, at or now()])


def mark_failed(store: Store, file: RemoteFile, *, error: str, run_id: int,
                at: dt.datetime | None = None) -> int:
    """Record a failed attempt at a file ``at`` (default: now, UTC); return its failures since it last
    succeeded."""
    return store.con.execute(
        """INSERT INTO update_files (source, name, file_date, checksum, bytes, status, failures, last_error,
                                     run_id, ingest_id, updated_at)
           VALUES (?, ?, ?, ?, NULL, 'failed', 1, ?, ?, NULL, ?)
           ON CONFLICT (source, name) DO UPDATE SET status = 'failed', failures = update_files.failures + 1,
               last_error = excluded.last_error, run_id = excluded.run_id, updated_at = excluded.updated_at
           RETURNING failures""",
        [file.source, file.name, file.date, file.checksum, error, run_id, at or now()]).fetchall()[0][0]


def reset_failures(store: Store, source: str) -> int:
    """Forget the failed attempts at the source's files (``--retry-failed``); return how many files."""
    reset = store.con.execute(
        """UPDATE update_files SET failures = 0
           WHERE source = ? AND status = 'failed' AND failures > 0 RETURNING 1""", [source]).fetchall()
    return len(reset)


def record_through(store: Store, fmt: str) -> dt.date | None:
    """The newest event date the store holds from a source's format."""
    return store.con.execute("SELECT max(date) FROM events WHERE source = ?", [fmt]).fetchall()[0][0]
