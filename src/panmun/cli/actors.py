"""``panmun actors``: bargaining outcomes and actors' roles on one issue.

Actors come from a CSV (``--input``, see docs/actors.md) or from the knowledge base
(``--issue ID [--at DATE]``). Models and charts are imported inside the commands.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
import typer

from panmun.cli.common import FormatOption
from panmun.cli.output import Format, console, jsonable, render, render_mapping
from panmun.errors import InputError

app = typer.Typer(help="Actors on an issue: bargaining outcomes (compromise, median, Nash, expected "
                  "utility) and each actor's role.", no_args_is_help=True)

InputOption = typer.Option(None, "--input", "-i", help="CSV with columns actor,position,salience,capability.")
IssueOption = typer.Option(None, "--issue", help="An issue in the knowledge base (instead of --input).")
AtOption = typer.Option(None, "--at", help="With --issue: the positions as of this date (YYYY-MM-DD).")
ModelOption = typer.Option("compromise", "--model", "-m",
                           help="compromise, median, nash or expected-utility.")
RoundsOption = typer.Option(10, "--rounds", help="Rounds of the expected-utility model.")
ChartOption = typer.Option(None, "--chart", help="Also draw a chart (PNG or SVG).")
KIND_NAMES = {1: "confrontation", 2: "compromise", 3: "capitulation"}


def _actors(input_: Path | None, issue: str | None, at: str | None) -> tuple[pd.DataFrame, str]:
    """The actors frame and a label of where it came from."""
    if (input_ is None) == (issue is None):
        raise InputError("give exactly one of --input FILE.csv or --issue ID")
    if input_ is not None:
        if at is not None:
            raise InputError("--at goes with --issue, not with --input")
        from panmun.actors.inputs import read_actors_csv

        return read_actors_csv(input_), str(input_)
    from panmun.actors.positions import positions_at

    try:
        frame = positions_at(issue, at=at)
    except (KeyError, ValueError) as exc:
        raise InputError(f"--issue {issue}: {exc.args[0] if exc.args else exc}") from exc
    return frame[["actor", "position", "salience", "capability"]].reset_index(drop=True), \
        f"issue {issue}" + (f" as of {at}" if at else "")


def _check(model: str, rounds: int) -> None:
    from panmun.actors.roles import check_model

    check_model(model)
    if rounds < 1:
        raise InputError(f"--rounds {rounds}: give at least 1 round")


def _offers(frame: pd.DataFrame, result) -> dict[str, list[dict]]:
    """Each actor's perceived offers per round: who offers, what kind, where it would move it."""
    names = list(frame["actor"])
    out: dict[str, list[dict]] = {n: [] for n in names}
    for t, i, j in zip(*(result.offer_kind > 0).nonzero(), strict=True):
        out[names[i]].append({"round": int(t) + 1, "from": names[j],
                              "kind": KIND_NAMES[int(result.offer_kind[t, i, j])],
                              "position": float(result.offer_position[t, i, j]),
                              "accepted": bool(result.accepted[t, i] == j)})
    return out


@app.command("bargain")
def bargain_(
    input_: Path | None = InputOption,
    issue: str | None = IssueOption,
    at: str | None = AtOption,
    model: str = ModelOption,
    rounds: int = RoundsOption,
    chart: Path | None = ChartOption,
    fmt: Format = FormatOption,
) -> None:
    """The predicted outcome of a negotiation and the positions round by round."""
    _check(model, rounds)
    frame, source = _actors(input_, issue, at)
    from panmun.actors.roles import bargaining_path

    positions, outcome, result = bargaining_path(frame, model, rounds)
    names = [str(a) for a in frame["actor"]]
    if fmt == Format.json:
        data = {"model": model, "source": source, "outcome": outcome,
                "rounds": [dict(zip(names, row, strict=True)) for row in positions]}
        if result is not None:
            data["medians"] = result.medians
            data["means"] = result.means
            data["perceived_offers"] = _offers(frame, result)
        sys.stdout.write(json.dumps(jsonable(data), ensure_ascii=False, indent=2) + "\n")
    else:
        long = pd.DataFrame([{"round": t, "actor": n, "position": p} for t, row in enumerate(positions)
                             for n, p in zip(names, row, strict=True)])
        if fmt == Format.csv:
            render(long, fmt)
        else:
            summary = {"model": model, "source": source, "outcome": round(outcome, 3),
                       "actors": len(names), "rounds": len(positions) - 1}
            render_mapping(summary, fmt, title="Bargaining outcome")
            wide = long.pivot(index="actor", columns="round", values="position").loc[names]
            wide.columns = [f"round {t}" for t in wide.columns]
            render(wide.reset_index().round(2), fmt, title="Positions per round (round 0 = input)")
    if chart is not None:
        from panmun.actors.charts import positions_figure, save
        from panmun.actors.roles import predict_all

        save(positions_figure(frame, predict_all(frame, rounds), title=f"Positions: {source}"), chart)
        console(stderr=True).print(f"chart written to {chart}")


@app.command("roles")
def roles_(
    input_: Path | None = InputOption,
    issue: str | None = IssueOption,
    at: str | None = AtOption,
    model: str = ModelOption,
    rounds: int = RoundsOption,
    chart: Path | None = ChartOption,
    fmt: Format = FormatOption,
) -> None:
    """Each actor's marginal role (outcome shift per change) and the deciding coalitions."""
    from panmun.actors.roles import deciding_coalitions, marginal_roles

    _check(model, rounds)
    frame, source = _actors(input_, issue, at)
    roles = marginal_roles(frame, model, rounds)
    coalitions = deciding_coalitions(frame)
    amounts = roles.attrs["amounts"]
    if fmt == Format.json:
        data = {"model": model, "source": source, "outcome": roles.attrs["outcome"], "amounts": amounts,
                "roles": roles.to_dict(orient="records"), "coalitions": coalitions.to_dict(orient="records")}
        sys.stdout.write(json.dumps(jsonable(data), ensure_ascii=False, indent=2) + "\n")
    elif fmt == Format.csv:
        render(roles, fmt)
    else:
        render(roles.round(3), fmt, title=f"Marginal roles, {model} model, outcome "
               f"{roles.attrs['outcome']:.2f} ({source}); outcome shift in points for: position "
               f"{amounts['position_step']:g} points toward/away from the outcome, salience "
               f"+{amounts['salience_step']:g}, capability +{100 * amounts['capability_share']:g} %")
        render(coalitions.round(3), fmt, title="Deciding coalitions of the weighted median "
               "(minimal connected winning coalitions)")
    if chart is not None:
        from panmun.actors.charts import roles_figure, save

        save(roles_figure(roles, model), chart)
        console(stderr=True).print(f"chart written to {chart}")


@app.command("issues")
def issues_(fmt: Format = FormatOption) -> None:
    """The issues in the knowledge base, each a 0-100 scale with labelled end points."""
    from panmun.actors.positions import issue_table

    render(issue_table(), fmt, title="Issues (0 and 100 as labelled)")


@app.command("positions")
def positions_(
    issue: str = typer.Option("denuclearization", "--issue", help="An issue (see `panmun actors issues`)."),
    at: list[str] = typer.Option([], "--at", help="As of this date (YYYY-MM-DD; repeat to compare dates; "
                                 "default today)."),
    chart: Path | None = ChartOption,
    rounds: int = RoundsOption,
    fmt: Format = FormatOption,
) -> None:
    """Where each actor stands on an issue (dated, sourced codings), and what each model predicts."""
    from panmun.actors.roles import predict_all

    dates = at or [None]
    frames, outcomes = [], []
    for when in dates:
        frame, label = _actors(None, issue, when)
        full = _positions_frame(issue, when)
        frames.append(full.assign(as_of=when or "today"))
        outcomes.append({"as_of": when or "today", **{k: round(v, 2) for k, v in
                                                      predict_all(frame, rounds=rounds).items()}})
    table = pd.concat(frames, ignore_index=True)
    cols = ["as_of", "actor", "position", "salience", "capability", "date", "source_url"]
    render(table[cols], fmt, title=f"Positions on {issue} (codings are the project's judgement of sourced "
           "statements; see docs/kb.md)")
    render(pd.DataFrame(outcomes), fmt, title=f"Predicted outcome on {issue} by model")
    if chart is not None:
        from panmun.actors.charts import positions_figure, save

        last = frames[-1]
        save(positions_figure(last[["actor", "position", "salience", "capability"]],
                              {k: v for k, v in outcomes[-1].items() if k != "as_of"},
                              title=f"{issue} as of {outcomes[-1]['as_of']}"), chart)
        console(stderr=True).print(f"chart written to {chart}")


def _positions_frame(issue: str, at: str | None) -> pd.DataFrame:
    from panmun.actors.positions import positions_at

    try:
        return positions_at(issue, at=at)
    except (KeyError, ValueError) as exc:
        raise InputError(f"--issue {issue}: {exc.args[0] if exc.args else exc}") from exc


@app.command("linkage")
def linkage_(
    at: str | None = typer.Option(None, "--at",
                                  help="Positions as of this date (YYYY-MM-DD; default today)."),
    model: str = typer.Option("panmun", "--model",
                              help="panmun: largest-gain trades one at a time (docs/actors-exchange.md); "
                                   "decide: Stokman's equal-gain rounds as in the Decide software."),
    rounds: int = typer.Option(1, "--rounds", help="Rounds of the decide model (ignored by panmun)."),
    max_exchanges: int = typer.Option(200, "--max-exchanges",
                                      help="Stop after this many exchanges (panmun)."),
    fmt: Format = FormatOption,
) -> None:
    """Which issues move together when actors trade votes (exchange models, docs/actors-exchange.md)."""
    from panmun.actors.exchange import kb_inputs

    if max_exchanges < 0:
        raise InputError(f"--max-exchanges {max_exchanges}: give 0 or more")
    if model not in ("panmun", "decide"):
        raise InputError(f"--model {model!r}: choose panmun or decide")
    if rounds < 1:
        raise InputError(f"--rounds {rounds}: give 1 or more")
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
    if fmt == Format.json:
        render_mapping({"at": at or dt_today(), "model": model,
                        "outcomes": outcomes.round(3).to_dict("records"),
                        "exchanges": trades.round(3).to_dict("records"),
                        "linkage": linkage.round(3).to_dict("records")}, fmt)
        return
    render(outcomes.round(2), fmt, title=f"Outcomes (compromise model) before and after vote trading, as of "
           f"{at or dt_today()} ({model} model)")
    render(linkage.round(2), fmt,
           title="Linkage: issue pairs traded together (exchanges, total outcome shift in points)")
    if fmt == Format.table:
        render(trades.round(2), fmt, title=f"The {len(trades)} exchanges, in order")


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
