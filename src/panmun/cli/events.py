"""``panmun events``: the key events of the knowledge base and the ingested datasets."""

from __future__ import annotations

import typer

from panmun.cli.common import FormatOption, limit_option, store_from
from panmun.cli.output import Format, Output, Table, emit, say

app = typer.Typer(help="Key events.", no_args_is_help=True)


@app.command("list", epilog="Example: panmun events list --since 2018-01-01 --until 2018-12-31 --actor PRK")
def list_(
    ctx: typer.Context,
    since: str | None = typer.Option(None, "--since", "--from", help="First date (YYYY-MM-DD); --from is "
                                     "the older name."),
    until: str | None = typer.Option(None, "--until", "--to", help="Last date (YYYY-MM-DD); --to is the "
                                     "older name."),
    actor: str | None = typer.Option(None, "--actor", help="Actor code, e.g. PRK."),
    kind: str | None = typer.Option(None, "--kind", "--type", help="Event type, e.g. missile-launch; "
                                    "--type is the older name."),
    limit: int = limit_option(100, "events: the newest ones, in date order"),
    fmt: Format = FormatOption,
) -> None:
    """Key events in date order, with CAMEO, Goldstein and PLOVER codes and sources."""
    from panmun.environment.events import COLUMNS, event_rows

    with store_from(ctx) as store:
        rows = event_rows(store, since=since, until=until, actor=actor, kind=kind,
                          newest=limit + 1 if limit else None)
    if limit:
        if len(rows) > limit:
            say(f"showing the newest {limit:,} events: narrow with --since/--until, "
                "or give --limit 0 for all")
        rows = rows[:limit][::-1]
    columns = ["date", "actor1", "actor2", "type", "cameo", "goldstein", "summary"]
    emit(Output({"events": Table(rows, "Events", columns, keys=COLUMNS)}), fmt)
