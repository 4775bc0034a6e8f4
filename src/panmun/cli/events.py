"""``panmun events``: the key events of the knowledge base and the ingested datasets."""

from __future__ import annotations

import typer

from panmun.cli.common import FormatOption, limit_option, store_from
from panmun.cli.output import Format, Output, Table, emit, say

app = typer.Typer(help="Key events.", no_args_is_help=True)


@app.command("list", epilog="Example: panmun events list --from 2018-01-01 --to 2018-12-31 --actor PRK")
def list_(
    ctx: typer.Context,
    start: str | None = typer.Option(None, "--from", help="First date (YYYY-MM-DD)."),
    end: str | None = typer.Option(None, "--to", help="Last date (YYYY-MM-DD)."),
    actor: str | None = typer.Option(None, "--actor", help="Actor code, e.g. PRK."),
    type_: str | None = typer.Option(None, "--type", help="Event type, e.g. missile-launch."),
    limit: int = limit_option(100, "events: the newest ones, in date order"),
    fmt: Format = FormatOption,
) -> None:
    """Key events in date order, with CAMEO, Goldstein and PLOVER codes and sources."""
    from panmun.environment.events import COLUMNS, event_rows

    with store_from(ctx) as store:
        rows = event_rows(store, since=start, until=end, actor=actor, kind=type_,
                          newest=limit + 1 if limit else None)
    if limit:
        if len(rows) > limit:
            say(f"showing the newest {limit:,} events: narrow with --from/--to, or give --limit 0 for all")
        rows = rows[:limit][::-1]
    columns = ["date", "actor1", "actor2", "type", "cameo", "goldstein", "summary"]
    emit(Output({"events": Table(rows, "Events", columns, keys=COLUMNS)}), fmt)
