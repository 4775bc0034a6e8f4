"""``panmun events``: the key events of the knowledge base (and, later, ingested data)."""

from __future__ import annotations

import typer

from panmun.cli.common import FormatOption, store_from
from panmun.cli.output import Format, render
from panmun.environment.events import list_events

app = typer.Typer(help="Key events.", no_args_is_help=True)


@app.command("list")
def list_(
    ctx: typer.Context,
    start: str | None = typer.Option(None, "--from", help="First date (YYYY-MM-DD)."),
    end: str | None = typer.Option(None, "--to", help="Last date (YYYY-MM-DD)."),
    actor: str | None = typer.Option(None, "--actor", help="Actor code, e.g. PRK."),
    type_: str | None = typer.Option(None, "--type", help="Event type, e.g. missile-launch."),
    fmt: Format = FormatOption,
) -> None:
    """Key events in date order, with CAMEO, Goldstein and PLOVER codes and sources."""
    with store_from(ctx) as store:
        df = list_events(store, start=start, end=end, actor=actor, type_=type_)
    render(df, fmt, title="Events",
           columns=["date", "actor1", "actor2", "type", "cameo", "goldstein", "summary"])
