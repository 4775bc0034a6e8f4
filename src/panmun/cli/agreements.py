"""``panmun agreements``: list, show, history, scorecard, set-status."""

from __future__ import annotations

import typer

from panmun.agreements.catalogue import agreement_detail, list_agreements
from panmun.agreements.history import provision_history
from panmun.agreements.scorecard import scorecard as compute_scorecard
from panmun.agreements.status import set_status as record_status
from panmun.agreements.status import undo_status
from panmun.cli.common import FormatOption, store_from
from panmun.cli.output import Format, console, render, render_mapping

app = typer.Typer(help="Agreements, provisions and their implementation.", no_args_is_help=True)


@app.command("list")
def list_(ctx: typer.Context, fmt: Format = FormatOption) -> None:
    """Every agreement with its date and number of provisions."""
    with store_from(ctx) as store:
        df = list_agreements(store)
    render(df, fmt, title="Agreements", columns=["id", "date", "title", "provisions", "tracked"])


@app.command("show")
def show(ctx: typer.Context, agreement_id: str = typer.Argument(..., metavar="ID"),
         fmt: Format = FormatOption) -> None:
    """One agreement and its provisions, article by article."""
    with store_from(ctx) as store:
        agreement, provisions = agreement_detail(store, agreement_id)
    if fmt == Format.json:
        agreement["provisions"] = provisions.to_dict(orient="records")
        render_mapping(agreement, fmt)
        return
    if fmt == Format.table:
        head = {k: agreement[k] for k in ("id", "title", "title_ko", "date", "place", "parties",
                                          "summary") if agreement.get(k) is not None}
        head["sources"] = [s["url"] for s in agreement["sources"]]
        render_mapping(head, fmt, title=agreement["id"])
    render(provisions, fmt, title="Provisions",
           columns=["id", "title", "vector", "parties", "confidence", "summary"])


@app.command("history")
def history(ctx: typer.Context, provision_id: str = typer.Argument(..., metavar="PROVISION-ID"),
            fmt: Format = FormatOption) -> None:
    """Dated status changes of one provision, with evidence."""
    with store_from(ctx) as store:
        df = provision_history(store, provision_id)
    render(df, fmt, title=f"History of {provision_id}",
           columns=["date", "status", "note", "source_url", "origin", "recorded_by"])


@app.command("scorecard")
def scorecard(
    ctx: typer.Context,
    at: str | None = typer.Option(None, "--at", help="Date (YYYY-MM-DD); default today."),
    by: str = typer.Option("agreement", "--by", help="provision, agreement or vector."),
    agreement: str | None = typer.Option(None, "--agreement", help="Only this agreement."),
    fmt: Format = FormatOption,
) -> None:
    """Implementation at a date, as the Peace Accords Matrix measures it."""
    with store_from(ctx) as store:
        card = compute_scorecard(store, at=at, by=by, agreement=agreement)
    columns = {
        "provision": ["provision", "vector", "score", "state", "since"],
        "agreement": ["agreement", "implementation", "score", "max_score", "provisions", "suspended",
                      "reversed"],
        "vector": ["vector", "implementation", "score", "max_score", "provisions", "suspended",
                   "reversed"],
    }[card.by]
    render(card.table, fmt, title=f"Implementation scorecard at {card.at} (by {card.by})",
           columns=columns)
    if fmt == Format.table and card.by != "provision":
        halted = [p for lst in card.table["suspended_or_reversed"] for p in lst]
        if halted:
            console().print(f"Suspended or reversed (counted as 0): {', '.join(halted)}",
                            highlight=False)


@app.command("set-status")
def set_status(
    ctx: typer.Context,
    provision_id: str = typer.Argument(..., metavar="PROVISION-ID"),
    score: int | None = typer.Option(None, "--score", help="0 not initiated .. 3 full."),
    state: str | None = typer.Option(None, "--state", help="suspended or reversed."),
    date: str | None = typer.Option(None, "--date", help="Date of the change (YYYY-MM-DD)."),
    source: str | None = typer.Option(None, "--source", help="URL of the evidence."),
    note: str | None = typer.Option(None, "--note", help="What happened, in your words."),
    who: str | None = typer.Option(None, "--who", help="Analyst name (default: login name)."),
    undo: bool = typer.Option(
        False, "--undo", help="Remove the last analyst change of this provision (by any analyst; audited)."),
    fmt: Format = FormatOption,
) -> None:
    """Record an analyst's status update (audited); --undo reverts the last one."""
    with store_from(ctx) as store:
        if undo:
            removed = undo_status(store, provision_id, who=who)
            render_mapping({"undone": True, "provision": provision_id, **removed}, fmt,
                           title="change undone")
            return
        missing = [n for n, v in (("--date", date), ("--source", source), ("--note", note)) if not v]
        if missing:
            from panmun.errors import InputError

            raise InputError(f"set-status needs {', '.join(missing)} (or --undo)")
        change_id = record_status(store, provision_id, date=date, source=source, note=note,
                                  score=score, state=state, who=who)
    render_mapping({"recorded": True, "provision": provision_id, "change_id": change_id,
                    "date": date, "score": score, "state": state}, fmt, title="status recorded")
