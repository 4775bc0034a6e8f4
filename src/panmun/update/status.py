"""How current each source is: its last successful update, the date its record runs to, its
last error. What ``panmun update status`` prints, and what a dashboard's freshness panel reads.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from panmun.store.db import Store
from panmun.update.config import Settings, load_settings
from panmun.update.sources import MAX_FAILURES, SOURCES

RUN_COLUMNS = ("id", "source", "mode", "base", "started_at", "finished_at", "status", "files", "bytes",
               "rows", "events", "rejects", "checksum_failures", "failed", "skipped", "missing", "seconds",
               "record_through", "error")


@dataclass(frozen=True)
class SourceStatus:
    """The freshness of one source in a store."""

    source: str
    title: str
    configured: bool            # whether `panmun update SOURCE` can reach it without --mirror or --from-dir
    needs: str | None           # what the configuration lacks, when it is not configured
    last_success: dt.datetime | None    # when its last run that ended ``ok`` finished (UTC)
    last_attempt: dt.datetime | None    # when its last run started (UTC)
    last_status: str | None             # how its last run ended (running: still running, or killed)
    record_through: dt.date | None      # the newest event date the store holds from it
    files_ingested: int                 # its files done (ingested, unchanged or empty)
    failing_files: int                  # its files that failed and were not done since
    skipped_files: int                  # ... of which failed MAX_FAILURES times: skipped until --retry-failed
    last_error: str | None              # the error of its latest run or file that failed
    last_error_at: dt.datetime | None   # when (UTC)

    def as_dict(self) -> dict:
        return asdict(self)


def source_status(store: Store, settings: Settings | None = None) -> list[SourceStatus]:
    """Every source's freshness, in the order of :data:`~panmun.update.sources.SOURCES`."""
    settings = settings or load_settings()
    con = store.con
    runs = {source: (success, attempt) for source, success, attempt in con.execute(
        """SELECT source, max(finished_at) FILTER (WHERE status = 'ok'), max(started_at)
           FROM update_runs GROUP BY source""").fetchall()}
    last_status = dict(con.execute(
        """SELECT source, status FROM update_runs
           QUALIFY row_number() OVER (PARTITION BY source ORDER BY id DESC) = 1""").fetchall())
    files = {source: (done, failing, skipped) for source, done, failing, skipped in con.execute(
        """SELECT source, count(*) FILTER (WHERE status IN ('ingested', 'unchanged', 'empty')),
                   count(*) FILTER (WHERE status = 'failed'),
                   count(*) FILTER (WHERE status = 'failed' AND failures >= ?)
            FROM update_files GROUP BY source""", [MAX_FAILURES]).fetchall()}
    errors = {source: (error, at) for source, error, at in con.execute(
        """SELECT source, error, error_at FROM (
               SELECT source, error, coalesce(finished_at, started_at) AS error_at FROM update_runs
               WHERE error IS NOT NULL
               UNION ALL
               SELECT source, name || ': ' || last_error, updated_at FROM update_files
               WHERE last_error IS NOT NULL)
           QUALIFY row_number() OVER (PARTITION BY source ORDER BY error_at DESC) = 1""").fetchall()}
    formats = [s.format for s in SOURCES.values()]
    through = dict(con.execute(
        "SELECT source, max(date) FROM events WHERE list_contains(?, source) GROUP BY source",
        [formats]).fetchall())
    out = []
    for name, source in SOURCES.items():
        needs = _needs(name, settings)
        success, attempt = runs.get(name, (None, None))
        done, failing, skipped = files.get(name, (0, 0, 0))
        error, error_at = errors.get(name, (None, None))
        out.append(SourceStatus(name, source.title, needs is None, needs, success, attempt,
                                last_status.get(name), through.get(source.format), done, failing, skipped,
                                error, error_at))
    return out


def _needs(name: str, settings: Settings) -> str | None:
    """What the configuration lacks for the source's network update (None: nothing)."""
    if name == "acled" and (settings.acled_key is None or settings.acled_email is None):
        return "an ACLED key and e-mail (PANMUN_ACLED_KEY, PANMUN_ACLED_EMAIL)"
    if name == "polecat" and not settings.polecat_dataset:
        return "the POLECAT dataset's persistent id ([polecat] dataset)"
    if name == "cns-missiles" and not settings.cns_url:
        return "the address of the CNS database's CSV ([cns-missiles] url)"
    return None


def recent_runs(store: Store, limit: int = 20) -> list[dict]:
    """The latest runs, newest first (``limit`` 0: all)."""
    cursor = store.con.execute(
        f"SELECT {', '.join(RUN_COLUMNS)} FROM update_runs ORDER BY id DESC" + (" LIMIT ?" if limit else ""),
        [limit] if limit else [])
    return [dict(zip(RUN_COLUMNS, row, strict=True)) for row in cursor.fetchall()]
