"""Options and helpers shared by the command groups."""

from __future__ import annotations

from pathlib import Path

import typer

from panmun.cli.output import Format
from panmun.store.db import Store, open_store

FormatOption = typer.Option(Format.table, "--format", "-f", help="Output format: table, csv or json.")


def store_from(ctx: typer.Context) -> Store:
    """Open the store chosen by the global ``--db`` option (or PANMUN_DB, or the default)."""
    db: Path | None = (ctx.obj or {}).get("db") if ctx is not None else None
    return open_store(db)
