"""``panmun agreements``: list, show, history, scorecard, compliance, set-status."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import typer

from panmun.cli.common import FormatOption, input_folder, limit_option, store_from
from panmun.cli.output import Format, Output, Table, emit, keep_first
from panmun.errors import InputError

app = typer.Typer(help="Agreements, provisions and their implementation.", no_args_is_help=True)

SCORE_COLUMNS = {
    "provision": ["provision", "vector", "score", "state", "since"],
    "agreement": ["agreement", "track", "implementation", "score", "max_score", "provisions", "suspended",
                  "reversed"],
    "vector": ["vector", "implementation", "score", "max_score", "provisions", "suspended", "reversed"],
}
TRACK_TITLES = {"peace-process": "peace-process agreements", "alliance": "alliance track (ROK-US)",
                "all": "every agreement, both tracks"}


@app.command("list", epilog="Example: panmun agreements list")
def list_(ctx: typer.Context, fmt: Format = FormatOption) -> None:
    """Every agreement with its date and number of provisions."""
    from panmun.agreements.catalogue import agreement_rows

    with store_from(ctx) as store:
        rows = agreement_rows(store)
    emit(Output({"agreements": Table(rows, "Agreements", ["id", "date", "title", "provisions", "tracked"])}),
         fmt)


@app.command("show", epilog="Example: panmun agreements show cma-2018")
def show(ctx: typer.Context, agreement_id: str = typer.Argument(..., metavar="ID"),
         fmt: Format = FormatOption) -> None:
    """One agreement and its provisions, article by article."""
    from panmun.agreements.catalogue import agreement_detail

    with store_from(ctx) as store:
        agreement, provisions = agreement_detail(store, agreement_id)
    shown = {k: agreement[k] for k in ("id", "title", "title_ko", "date", "place", "parties", "summary")
             if agreement.get(k) is not None}
    shown["sources"] = [s["url"] for s in agreement["sources"]]
    out = Output({"provisions": Table(provisions, "Provisions",
                                      ["id", "title", "vector", "parties", "confidence", "summary"])},
                 fields=shown, title=agreement["id"])
    out.document = {**agreement, "provisions": out.tables["provisions"].records()}
    emit(out, fmt)


@app.command("history", epilog="Examples: panmun agreements history cma-2018/1.3\n\n"
             "panmun agreements history cma-2018/1.3 --events")
def history(ctx: typer.Context, provision_id: str = typer.Argument(..., metavar="PROVISION-ID"),
            events: bool = typer.Option(False, "--events",
                                        help="Interleave the events the compliance rules link to the "
                                             "provision (confirming or violating) with its status changes."),
            fmt: Format = FormatOption) -> None:
    """Dated status changes of one provision, with evidence (and, with --events, linked events)."""
    from panmun.agreements.evidence import provision_timeline
    from panmun.agreements.history import provision_history

    with store_from(ctx) as store:
        if events:
            table = Table(provision_timeline(store, provision_id),
                          f"History of {provision_id} with linked events",
                          ["date", "kind", "status", "text", "event_id", "source_url"])
        else:
            table = Table(provision_history(store, provision_id), f"History of {provision_id}",
                          ["date", "status", "note", "source_url", "origin", "recorded_by"])
    emit(Output({"history": table}), fmt)


@app.command("scorecard", epilog="Examples: panmun agreements scorecard --at 2019-06-30 --by vector\n\n"
             "panmun agreements scorecard --by vector --track alliance")
def scorecard(
    ctx: typer.Context,
    at: str | None = typer.Option(None, "--at", help="Date (YYYY-MM-DD); default today."),
    by: str = typer.Option("agreement", "--by", help="provision, agreement or vector."),
    agreement: str | None = typer.Option(None, "--agreement", help="Only this agreement."),
    track: str | None = typer.Option(
        None, "--track", help="peace-process (agreements the DPRK is a party to), alliance (ROK-US) or "
                              "all; default peace-process with --by vector (the implementation index), "
                              "all otherwise."),
    fmt: Format = FormatOption,
) -> None:
    """Implementation at a date, as the Peace Accords Matrix measures it.

    By vector the index counts the peace-process agreements only; the table format then
    shows the alliance track (the 2021 ROK-US statement) in a table of its own, not
    counted in the index (JSON: ask for it with --track alliance).
    """
    from panmun.agreements.scoring import By, TrackChoice
    from panmun.agreements.scoring import scorecard as compute_scorecard

    with store_from(ctx) as store:
        # scorecard checks --by and --track itself and names the choices in its refusal
        card = compute_scorecard(store, at=at, by=cast(By, by), agreement=agreement,
                                 track=cast(TrackChoice | None, track))
        other = None
        if card.by == "vector" and card.track == "peace-process" and fmt != Format.json:
            other = compute_scorecard(store, at=at, by="vector", agreement=agreement, track="alliance")
    title = f"Implementation scorecard at {card.at} (by {card.by}"
    title += f"; {TRACK_TITLES[card.track]})" if card.track != "all" or card.by == "vector" else ")"
    main = Table(card.table, title, SCORE_COLUMNS[card.by])
    out = Output({"scorecard": main})
    out.document = main.records()
    if other is not None and not other.table.empty:
        out.tables["alliance"] = Table(other.table, f"Alliance track at {other.at}: reported on its own, "
                                                    "not counted in the index above", SCORE_COLUMNS["vector"])
    if card.by != "provision":
        halted = [p for lst in card.table["suspended_or_reversed"] for p in lst]
        if halted:
            out.notes.append(f"Suspended or reversed (counted as 0): {', '.join(halted)}")
    if card.by == "vector" and card.track == "peace-process":
        out.notes.append("The index counts the peace-process agreements only (the DPRK a party); the "
                         "alliance track: --track alliance.")
    emit(out, fmt)


@app.command("compliance",
             epilog="Example: panmun agreements compliance --provision cma-2018 --since 2018-01-01")
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
    rules: Path | None = typer.Option(None, "--rules", callback=input_folder,
                                      help="An overlay folder whose rules and zones are added to the "
                                           "built-in ones."),
    limit: int = limit_option(5000, "rows"),
    fmt: Format = FormatOption,
) -> None:
    """Events that confirm or violate each provision, per period, with their sources."""
    from panmun.agreements.evidence import BASES, Freq, load_rules
    from panmun.agreements.evidence import compliance as compute_compliance

    if basis not in (*BASES, "all"):
        raise InputError(f"--basis must be rule, history or all, not {basis!r}")
    rule_set = load_rules(rules)
    with store_from(ctx) as store:
        # compliance checks --freq itself and names the choices in its refusal
        result = compute_compliance(store, provision_id=provision, since=since, until=until,
                                    freq=cast(Freq, freq),
                                    rules=rule_set, basis=BASES if basis == "all" else (basis,),
                                    source=source)
    if detail:
        table = Table(result.detail, f"Compliance evidence to {result.until}",
                      ["date", "provision", "relation", "basis", "event_id", "status_before", "summary",
                       "source_url"])
    else:
        frame = result.summary
        if fmt == Format.table:   # the ids in the table; the JSON keeps whole records
            frame = frame.assign(**{col: frame[col].map(lambda items: [e["id"] for e in items])
                                    for col in ("confirming_events", "violating_events")})
        elif fmt == Format.csv:
            frame = frame.assign(**{col: frame[col].map(lambda items: "; ".join(
                f"{e['id']} {e['source_url']}" for e in items))
                for col in ("confirming_events", "violating_events")})
        table = Table(frame, f"Compliance per {result.freq} to {result.until} (evidence: "
                      f"{', '.join(result.basis)})",
                      ["provision", "period", "status_end", "confirming", "violating", "violating_events"])
    keep_first(table, limit)
    emit(Output({"compliance": table}), fmt)


@app.command("set-status", epilog="Example: panmun agreements set-status cma-2018/5.2 --score 1 "
             "--date 2026-11-01 --source https://example.org/jmc --note \"Committee talks resume.\"")
def set_status(
    ctx: typer.Context,
    provision_id: str = typer.Argument(..., metavar="PROVISION-ID"),
    score: int | None = typer.Option(None, "--score", min=0, max=3, help="0 not initiated .. 3 full."),
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
    from panmun.agreements.status import set_status as record_status
    from panmun.agreements.status import undo_status

    with store_from(ctx) as store:
        if undo:
            removed = undo_status(store, provision_id, who=who)
            emit(Output(fields={"undone": True, "provision": provision_id, **removed}, title="change undone"),
                 fmt)
            return
        missing = [n for n, v in (("--date", date), ("--source", source), ("--note", note)) if not v]
        if missing:
            raise InputError(f"set-status needs {', '.join(missing)} (or --undo)")
        assert date and source and note     # each was checked just above
        change_id = record_status(store, provision_id, date=date, source=source, note=note,
                                  score=score, state=state, who=who)
    emit(Output(fields={"recorded": True, "provision": provision_id, "change_id": change_id,
                        "date": date, "score": score, "state": state}, title="status recorded"), fmt)

