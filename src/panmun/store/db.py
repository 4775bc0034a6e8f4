"""The store: one DuckDB file holding the knowledge base, analysts' updates and the audit log.

By default the file lives in the user's data directory (platformdirs); ``PANMUN_DB`` or
an explicit path overrides it. :func:`connect` opens a file and migrates it, loading
nothing; :func:`panmun.store.opening.open_store` also loads the built-in knowledge base
on first use.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import platformdirs

from panmun.errors import StoreError
from panmun.store.migrations import LATEST, current_version, migrate

if TYPE_CHECKING:
    import pandas as pd

ENV_DB = "PANMUN_DB"
TABLES = ("agreements", "provisions", "status_changes", "events", "actors", "positions",
          "audit", "loads", "ingests", "rejects", "users", "sessions", "api_tokens", "scenarios")


def default_db_path() -> Path:
    """``$PANMUN_DB`` if set, else ``<user data dir>/panmun/panmun.duckdb``."""
    env = os.environ.get(ENV_DB)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("panmun", appauthor=False)) / "panmun.duckdb"


class Store:
    """A connection to a panmun store, with transactions and table access."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: str):
        self.con = con
        self.path = path

    def __repr__(self) -> str:
        try:
            version = current_version(self.con)
        except duckdb.Error:
            return f"Store({self.path!r}, closed)"
        return f"Store({self.path!r}, schema version {version})"

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Run a block in one transaction: all of it is written, or none of it."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        else:
            self.con.execute("COMMIT")

    def query(self, sql: str, params: list | None = None) -> pd.DataFrame:
        """Run a read query and return a DataFrame."""
        return self.con.execute(sql, params or []).df()

    def rows(self, sql: str, params: list | None = None) -> list[dict]:
        """Run a read query and return its rows as dicts (no pandas: for the light commands)."""
        cursor = self.con.execute(sql, params or [])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def counts(self) -> dict[str, int]:
        """Row count of every table (for checks that a failed write changed nothing)."""
        return {t: self.con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in TABLES}

    def record_through(self, at=None) -> tuple:
        """The dates the record runs to: (newest event, newest implementation change), each the
        latest on or before ``at`` (a date; default: all), None where there is none."""
        bound = "" if at is None else " WHERE date <= ?"
        params = [] if at is None else [at]
        newest = self.con.execute(
            f"SELECT (SELECT max(date) FROM events{bound}), (SELECT max(date) FROM status_changes{bound})",
            params * 2).fetchall()[0]
        return newest[0], newest[1]

    @property
    def schema_version(self) -> int:
        return current_version(self.con)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def connect(path: Path | str | None = None) -> Store:
    """Open (creating if needed) a store file and bring its schema up to date, loading nothing."""
    path = Path(path) if path is not None else default_db_path()
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path))
    except duckdb.Error as exc:
        raise StoreError(f"cannot open the store {path}: {exc}") from exc
    store = Store(con, str(path))
    if store.schema_version != LATEST:
        try:
            migrate(con)  # also refuses a store newer than this code
        except StoreError:
            con.close()
            raise
    return store
