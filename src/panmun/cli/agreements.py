"""``panmun agreements``: list, show, history, scorecard, compliance, set-status."""

from __future__ import annotations

from pathlib import Path

import typer

from panmun.agreements.catalogue import agreement_detail, list_agreements
from panmun.agreements.compliance import BASES, load_rules
from panmun.agreements.compliance import compliance as compute_compliance
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
            events: bool = typer.Option(False, "--events",
                                        help="Interleave the events the compliance rules link to the "
                                             "provision (confirming or violating) with its status changes."),
            fmt: Format = FormatOption) -> None:
    """Dated status changes of one provision, with evidence (and, with --events, linked events)."""
    from panmun.agreements.compliance import provision_timeline

    with store_from(ctx) as store:
        if events:
            df = provision_timeline(store, provision_id)
            render(df, fmt, title=f"History of {provision_id} with linked events",
                   columns=["date", "kind", "status", "text", "event_id", "source_url"])
            return
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


@app.command("compliance")
def compliance(
    ctx: typer.Context,
    provision: str | None = typer.Option(
        None, "--provision", help="A provision id (cma-2018/1.2) or an agreement id (cma-2018)."),
    since: str | None = typer.Option(None, "--since", help="First date (YYYY-MM-DD); default all."),
    until: str | None = typer.Option(None, "--until", help="Last date (YYYY-MM-DD); default today."),
    freq: str = typer.Option("year", "--freq", help="Period of the summary: year, quarter or month."),
    detail: bool = typer.Option(False, "--detail", help="One row per event and provision instead."),
    basis: str = typer.Option("all", "--basis", help="rule (linked events), history (status moves) "
                                                       "or all."),
    source: str | None = typer.Option(None, "--source", help="Only events of this dataset (kb, "
                                                             "gdelt2, cns-missiles, ...)."),
    rules: Path | None = typer.Option(None, "--rules", help="An overlay folder whose rules and zones "
                                                            "are added to the built-in ones."),
    fmt: Format = FormatOption,
) -> None:
    """Events that confirm or violate each provision, per period, with their sources."""
    if basis not in (*BASES, "all"):
        from panmun.errors import InputError

        raise InputError(f"--basis must be rule, history or all, not {basis!r}")
    rule_set = load_rules(rules)
    with store_from(ctx) as store:
        result = compute_compliance(store, provision=provision, since=since, until=until, freq=freq,
                                    rules=rule_set, basis=BASES if basis == "all" else (basis,),
                                    source=source)
    if detail:
        render(result.detail, fmt, title=f"Compliance evidence to {result.until}",
               columns=["date", "provision", "relation", "basis", "event_id", "status_before", "summary",
                        "source_url"])
        return
    table = result.summary
    if fmt != Format.json:
        table = table.copy()
        for col in ("confirming_events", "violating_events"):
            if fmt == Format.csv:
                table[col] = table[col].map(lambda items: "; ".join(
                    f"{e['id']} {e['source_url']}" for e in items))
            else:
                table[col] = table[col].map(lambda items: [e["id"] for e in items])
    render(table, fmt, title=f"Compliance per {result.freq} to {result.until} "
                             f"(evidence: {', '.join(result.basis)})",
           columns=["provision", "period", "status_end", "confirming", "violating", "violating_events"])


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
