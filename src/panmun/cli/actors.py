"""``panmun actors``: bargaining outcomes and actors' roles on one issue.

Actors come from a CSV (``--input``, see docs/actors.md) or from the knowledge base
(``--issue ID [--at DATE]``). Models and charts are imported inside the commands.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import typer

from panmun import limits
from panmun.cli.common import FormatOption, TableOption, chart_option, input_file
from panmun.cli.output import Format, Output, Table, emit, say
from panmun.errors import InputError

app = typer.Typer(help="Actors on an issue: bargaining outcomes (compromise, median, Nash, expected "
                  "utility, and veto-aware where an actor holds a veto) and each actor's role.",
                  no_args_is_help=True)

InputOption = typer.Option(None, "--input", "-i", callback=input_file,
                           help="CSV with columns actor,position,salience,capability.")
IssueOption = typer.Option(None, "--issue", help="An issue in the knowledge base (instead of --input).")
AtOption = typer.Option(None, "--at", help="With --issue: the positions as of this date (YYYY-MM-DD).")
ModelOption = typer.Option("compromise", "--model", "-m",
                           help="compromise, median, nash or expected-utility.")
RoundsOption = typer.Option(10, "--rounds", min=1, max=limits.MAX_ROUNDS,
                            help="Rounds of the expected-utility model.")
ChartOption = chart_option()
KIND_NAMES = {1: "confrontation", 2: "compromise", 3: "capitulation"}
VetoOption = typer.Option(None, "--veto", help="A veto holder (repeatable): an actor whose consent any move "
                          "needs. Default with --issue: the holders the knowledge base declares.")
StatusQuoOption = typer.Option(None, "--status-quo", min=0.0, max=100.0,
                               help="The status quo (0-100) a veto holder can keep by refusing; default "
                                    "with --issue: the knowledge base's.")


def _veto(frame, issue: str | None, holders: list[str] | None, status_quo: float | None):
    """(holders, status quo) of the veto-aware outcome, or None when the issue has no veto."""
    declared = None
    if issue is not None:
        from panmun.actors.veto import issue_veto

        declared = issue_veto(issue)
    if holders:
        names = {str(a) for a in frame["actor"]}
        unknown = [h for h in holders if h not in names]
        if unknown:
            raise InputError(f"--veto {unknown[0]}: no such actor (actors: {', '.join(sorted(names))})")
        if status_quo is None and declared is None:
            raise InputError("--veto needs --status-quo (the point a veto holder can keep by refusing)")
        if status_quo is None:
            assert declared is not None     # refused just above otherwise
            status_quo = declared.status_quo
        return list(holders), status_quo
    if status_quo is not None and declared is None:
        raise InputError("--status-quo goes with --veto (or an --issue that declares veto holders)")
    if declared is None:
        return None
    return list(declared.holders), status_quo if status_quo is not None else declared.status_quo


def _actors(input_: Path | None, issue: str | None, at: str | None):
    """The actors frame and a label of where it came from."""
    if (input_ is None) == (issue is None):
        raise InputError("give exactly one of --input FILE.csv or --issue ID")
    if input_ is not None:
        if at is not None:
            raise InputError("--at goes with --issue, not with --input")
        from panmun.actors.inputs import read_actors_csv

        frame = read_actors_csv(input_)
        if len(frame) > limits.MAX_ACTORS:
            raise InputError(f"{input_}: {len(frame):,} actors; at most {limits.MAX_ACTORS:,} are accepted")
        return frame, str(input_)
    from panmun.actors.positions import positions_at

    assert issue is not None    # exactly one of input_ and issue is given, and input_ is not
    try:
        frame = positions_at(issue, at=at)
    except (KeyError, ValueError) as exc:
        raise InputError(f"--issue {issue}: {exc.args[0] if exc.args else exc}") from exc
    return frame[["actor", "position", "salience", "capability"]].reset_index(drop=True), \
        f"issue {issue}" + (f" as of {at}" if at else "")


def _check(model: str) -> None:
    from panmun.actors.roles import check_model

    check_model(model)


def _offers(frame, result) -> dict[str, list[dict]]:
    """Each actor's perceived offers per round: who offers, what kind, where it would move it."""
    names = list(frame["actor"])
    out: dict[str, list[dict]] = {n: [] for n in names}
    for t, i, j in zip(*(result.offer_kind > 0).nonzero(), strict=True):
        out[names[i]].append({"round": int(t) + 1, "from": names[j],
                              "kind": KIND_NAMES[int(result.offer_kind[t, i, j])],
                              "position": float(result.offer_position[t, i, j]),
                              "accepted": bool(result.accepted[t, i] == j)})
    return out


@app.command("bargain", epilog="Examples: panmun actors bargain --issue denuclearization --model nash\n\n"
             "panmun actors bargain --input actors.csv --model expected-utility --rounds 20 --offers")
def bargain_(
    input_: Path | None = InputOption,
    issue: str | None = IssueOption,
    at: str | None = AtOption,
    model: str = ModelOption,
    rounds: int = RoundsOption,
    offers: bool = typer.Option(False, "--offers", help="Expected utility: also each actor's perceived "
                                "offers in every round (bulky: up to actors x actors x rounds records)."),
    veto: list[str] | None = VetoOption,
    status_quo: float | None = StatusQuoOption,
    chart: Path | None = ChartOption,
    table: str | None = TableOption,
    fmt: Format = FormatOption,
) -> None:
    """The predicted outcome of a negotiation and the positions round by round.

    Where an actor holds a veto (with --issue, as the knowledge base declares: the North
    on denuclearization), the veto-aware outcome comes first: the model's outcome moved
    to the nearest point every veto holder likes at least as well as the status quo
    (docs/actors-models.md, "Veto players").
    """
    _check(model)
    frame, source = _actors(input_, issue, at)
    from panmun.actors.roles import bargaining_path

    positions, outcome, result = bargaining_path(frame, model, rounds)
    names = [str(a) for a in frame["actor"]]
    vetoed = _veto(frame, issue, veto, status_quo)
    veto_result = None
    if vetoed is not None:
        from panmun.actors.veto import frame_veto_outcome

        veto_result = frame_veto_outcome(frame, vetoed[0], vetoed[1], model, rounds, unconstrained=outcome)
    document = {"model": model, "source": source, "outcome": outcome, "actors": len(names),
                "rounds": [dict(zip(names, row, strict=True)) for row in positions]}
    if veto_result is not None:
        document = {"veto": veto_result.record(), **document}
    if result is not None:
        document["medians"] = result.medians
        document["means"] = result.means
        if offers:
            document["perceived_offers"] = _offers(frame, result)
    elif offers:
        raise InputError("--offers goes with --model expected-utility (the other models make no offers)")
    long = [{"round": t, "actor": n, "position": float(p)} for t, row in enumerate(positions)
            for n, p in zip(names, row, strict=True)]
    tables = {"positions": Table(long, "Positions per round (round 0 = input)")}
    if fmt == Format.table:
        import pandas as pd

        wide = pd.DataFrame(long).pivot(index="actor", columns="round", values="position").loc[names]
        wide.columns = [f"round {t}" for t in wide.columns]
        tables["positions"] = Table(wide.reset_index().round(2), "Positions per round (round 0 = input)")
    if offers and result is not None:
        tables["offers"] = Table([{"actor": a, **o} for a, items in document["perceived_offers"].items()
                                  for o in items], "Perceived offers",
                                 keys=["actor", "round", "from", "kind", "position", "accepted"])
    fields = {"model": model, "source": source, "outcome": round(outcome, 3),
              "actors": len(names), "rounds": len(positions) - 1}
    if veto_result is not None:
        v = veto_result
        fields = {"veto-aware outcome": round(v.outcome, 3),
                  "veto holders": ", ".join(v.holders) or "none coded",
                  "acceptable to every veto holder":
                      f"{v.low:.1f} to {v.high:.1f} (status quo {v.status_quo:g})",
                  **{f"outcome without the veto ({model})" if k == "outcome" else k: val
                     for k, val in fields.items()}}
    out = Output(tables, fields=fields, title="Bargaining outcome", document=document)
    if veto_result is not None:
        v = veto_result
        missing = f" Declared but not coded at this date: {', '.join(v.missing)}." if v.missing else ""
        out.notes.append(
            f"Veto-aware outcome: the {model} outcome moved to the nearest point that every veto holder "
            f"({', '.join(v.holders) or 'none coded'}) likes at least as well as the status quo "
            f"{v.status_quo:g}; the veto {'binds' if v.binding else 'does not bind'} here "
            f"(docs/actors-models.md).{missing}")
    if chart is not None:
        from panmun.actors.charts import positions_figure
        from panmun.actors.roles import predict_all
        from panmun.charts import save

        save(positions_figure(frame, predict_all(frame, rounds), title=f"Positions: {source}"), chart)
        say(f"chart written to {chart}")
    emit(out, fmt, table)


@app.command("roles", epilog="Example: panmun actors roles --issue denuclearization --model median")
def roles_(
    input_: Path | None = InputOption,
    issue: str | None = IssueOption,
    at: str | None = AtOption,
    model: str = ModelOption,
    rounds: int = RoundsOption,
    chart: Path | None = ChartOption,
    table: str | None = TableOption,
    fmt: Format = FormatOption,
) -> None:
    """Each actor's marginal role (outcome shift per change) and the deciding coalitions."""
    from panmun.actors.roles import deciding_coalitions, marginal_roles

    _check(model)
    frame, source = _actors(input_, issue, at)
    roles = marginal_roles(frame, model, rounds)
    coalitions = deciding_coalitions(frame)
    amounts = roles.attrs["amounts"]
    outcome = roles.attrs["outcome"]
    out = Output({
        "roles": Table(roles.round(3) if fmt == Format.table else roles,
                       f"Marginal roles, {model} model, outcome {outcome:.2f} ({source}); outcome shift "
                       f"in points for: position {amounts['position_step']:g} points toward/away from the "
                       f"outcome, salience +{amounts['salience_step']:g}, capability "
                       f"+{100 * amounts['capability_share']:g} %"),
        "coalitions": Table(coalitions.round(3) if fmt == Format.table else coalitions,
                            "Deciding coalitions of the weighted median (minimal connected winning "
                            "coalitions)")},
        document={"model": model, "source": source, "outcome": outcome, "amounts": amounts,
                  "roles": roles.to_dict(orient="records"),
                  "coalitions": coalitions.to_dict(orient="records")})
    if chart is not None:
        from panmun.actors.charts import roles_figure
        from panmun.charts import save

        save(roles_figure(roles, model), chart)
        say(f"chart written to {chart}")
    emit(out, fmt, table)


@app.command("issues", epilog="Example: panmun actors issues")
def issues_(fmt: Format = FormatOption) -> None:
    """The issues in the knowledge base, each a 0-100 scale with labelled end points."""
    from panmun.actors.positions import issue_table

    emit(Output({"issues": Table(issue_table(), "Issues (0 and 100 as labelled)")}), fmt)


@app.command("positions", epilog="Example: panmun actors positions --issue denuclearization "
             "--at 2018-12-31 --at 2025-12-31")
def positions_(
    issue: str = typer.Option("denuclearization", "--issue", help="An issue (see `panmun actors issues`)."),
    at: list[str] = typer.Option([], "--at", help="As of this date (YYYY-MM-DD; repeat to compare dates; "
                                 "default today)."),
    chart: Path | None = ChartOption,
    rounds: int = RoundsOption,
    table: str | None = TableOption,
    fmt: Format = FormatOption,
) -> None:
    """Where each actor stands on an issue (dated, sourced codings), and what each model predicts."""
    import pandas as pd

    from panmun.actors.roles import predict_all

    if len(at) > 20:
        raise InputError(f"--at given {len(at)} times: compare at most 20 dates")
    dates: Sequence[str | None] = at or [None]
    frames, outcomes = [], []
    for when in dates:
        frame, label = _actors(None, issue, when)
        full = _positions_frame(issue, when)
        frames.append(full.assign(as_of=when or "today"))
        predicted = predict_all(frame, rounds=rounds)
        outcomes.append({"as_of": when or "today", **_veto_column(frame, issue, predicted),
                         **{k: round(v, 2) for k, v in predicted.items()}})
    cols = ["as_of", "actor", "position", "salience", "capability", "date", "source_url"]
    positions = pd.concat(frames, ignore_index=True)[cols]
    vetoed = bool(outcomes) and outcomes[0].get("veto") is not None
    out = Output({"positions": Table(positions, f"Positions on {issue} (codings are the project's "
                                     "judgement of sourced statements; see docs/kb.md)"),
                  "outcomes": Table(outcomes, f"Predicted outcome on {issue} by model"
                                    + (" (veto: the compromise outcome within what every veto holder "
                                       "accepts)" if vetoed else ""))},
                 fields={"issue": issue})
    if chart is not None:
        from panmun.actors.charts import positions_figure
        from panmun.charts import save

        last = frames[-1]
        save(positions_figure(last[["actor", "position", "salience", "capability"]],
                              {k: v for k, v in outcomes[-1].items()
                               if k not in ("as_of", "veto_holders") and v is not None},
                              title=f"{issue} as of {outcomes[-1]['as_of']}"), chart)
        say(f"chart written to {chart}")
    emit(out, fmt, table)


def _veto_column(frame, issue: str, predicted: dict[str, float]) -> dict:
    """``{"veto": outcome, "veto_holders": [...]}``: the veto-aware outcome of the compromise
    model, or ``{"veto": None, "veto_holders": []}`` where the issue declares no veto."""
    from panmun.actors.veto import BASE_MODEL, frame_veto_outcome, issue_veto

    declared = issue_veto(issue)
    if declared is None:
        return {"veto": None, "veto_holders": []}
    result = frame_veto_outcome(frame, declared.holders, declared.status_quo, BASE_MODEL,
                                unconstrained=predicted[BASE_MODEL])
    return {"veto": round(result.outcome, 2), "veto_holders": result.holders}


def _positions_frame(issue: str, at: str | None):
    from panmun.actors.positions import positions_at

    try:
        return positions_at(issue, at=at)
    except (KeyError, ValueError) as exc:
        raise InputError(f"--issue {issue}: {exc.args[0] if exc.args else exc}") from exc


@app.command("linkage", epilog="Example: panmun actors linkage --model decide --rounds 2")
def linkage_(
    at: str | None = typer.Option(None, "--at",
                                  help="Positions as of this date (YYYY-MM-DD; default today)."),
    model: str = typer.Option("panmun", "--model",
                              help="panmun: largest-gain trades one at a time (docs/actors-exchange.md); "
                                   "decide: Stokman's equal-gain rounds as in the Decide software."),
    rounds: int = typer.Option(1, "--rounds", min=1, max=100, help="Rounds of the decide model (ignored by "
                               "panmun)."),
    max_exchanges: int = typer.Option(200, "--max-exchanges", min=0, max=10_000,
                                      help="Stop after this many exchanges (panmun)."),
    table: str | None = TableOption,
    fmt: Format = FormatOption,
) -> None:
    """Which issues move together when actors trade votes (exchange models, docs/actors-exchange.md)."""
    import pandas as pd

    from panmun.actors.exchange import kb_inputs

    if model not in ("panmun", "decide"):
        raise InputError(f"--model {model!r}: choose panmun or decide")
    actors, issues, position, salience, capability = kb_inputs(at or dt_today())
    if model == "panmun":
        before, after, made, linkage = _panmun_trades(position, salience, capability, issues, max_exchanges)
    else:
        before, after, made, linkage = _decide_trades(position, salience, capability, issues, rounds)
    outcomes = pd.DataFrame({"issue": issues, "before": before, "after": after})
    outcomes["shift"] = outcomes["after"] - outcomes["before"]
    trades = pd.DataFrame([{"giver_on_a": actors[e.giver_k], "issue_a": issues[e.issue_k],
                            "move_a": e.move_k, "giver_on_b": actors[e.giver_l], "issue_b": issues[e.issue_l],
                            "move_b": e.move_l, "gain_each": e.gain} for e in made])
    when = at or dt_today()
    out = Output({
        "outcomes": Table(outcomes.round(2) if fmt == Format.table else outcomes.round(3),
                          f"Outcomes (compromise model) before and after vote trading, as of {when} "
                          f"({model} model)"),
        "linkage": Table(linkage.round(2) if fmt == Format.table else linkage.round(3),
                         "Linkage: issue pairs traded together (exchanges, total outcome shift in points)"),
        "exchanges": Table(trades.round(2) if fmt == Format.table else trades.round(3),
                           f"The {len(trades)} exchanges, in order")},
        fields={"at": when, "model": model})
    out.document = {"at": when, "model": model, "outcomes": out.tables["outcomes"].records(),
                    "exchanges": out.tables["exchanges"].records(),
                    "linkage": out.tables["linkage"].records()}
    emit(out, fmt, table)


def _panmun_trades(position, salience, capability, issues, max_exchanges):
    from panmun.actors.exchange import exchange

    result = exchange(position, salience, capability, issues=issues, max_exchanges=max_exchanges)
    return result.initial_outcomes, result.outcomes, result.exchanges, result.linkage


def _decide_trades(position, salience, capability, issues, rounds):
    """Decide's rounds as panmun exchanges: j gives on p towards i, i gives on q towards j."""
    from panmun.actors.decide import equal_gain_model
    from panmun.actors.exchange import Exchange, linkage_table

    results = equal_gain_model(position, salience, capability, rounds=rounds)
    made = [Exchange(e.j, e.i, e.p, e.q, e.move_j, e.move_i, e.shift_p, e.shift_q, e.gain)
            for r in results for e in r.realized]
    return results[0].nbs_before, results[-1].nbs_after, made, linkage_table(made, list(issues))


def dt_today() -> str:
    import datetime as dt

    return dt.date.today().isoformat()
