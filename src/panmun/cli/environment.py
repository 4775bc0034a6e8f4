"""``panmun environment``: conflict-cooperation indices, change points, alerts, obstacles."""

from __future__ import annotations

import typer

from panmun.cli.common import FormatOption, SeedOption, store_from
from panmun.cli.output import Format, Output, Table, emit

# The analyses (scipy, ruptures) are imported inside each command, so that the rest of the
# command line starts quickly.
COUNTS = "counts"

app = typer.Typer(help="The security environment: indices, change points, alerts, obstacles.",
                  no_args_is_help=True)

DyadOption = typer.Option(None, "--dyad", "-d",
                          help="Dyad, e.g. KOR-PRK (repeatable). Default: every built-in dyad.")
FreqOption = typer.Option("month", "--freq", help="Period: week, month or quarter.")
SinceOption = typer.Option(None, "--since", help="First date (YYYY-MM-DD).")
UntilOption = typer.Option(None, "--until", help="Last date (YYYY-MM-DD).")
DirectedOption = typer.Option(False, "--directed",
                              help="Only events from the dyad's first actor to its second.")
SourceOption = typer.Option(None, "--source", "-s",
                            help="Event source, e.g. kb or gdelt2 (repeatable). Default: each source "
                                 "in the store, as its own series.")
WeightOption = typer.Option("events", "--weight", help="Count events, or weight them by mentions.")


@app.command("index",
             epilog="Example: panmun environment index --dyad KOR-PRK --freq quarter --since 2018-01-01")
def index_(
    ctx: typer.Context,
    dyad: list[str] | None = DyadOption,
    freq: str = FreqOption,
    since: str | None = SinceOption,
    until: str | None = UntilOption,
    directed: bool = DirectedOption,
    source: list[str] | None = SourceOption,
    weight: str = WeightOption,
    n_boot: int = typer.Option(1000, "--boot", min=0, max=100_000,
                               help="Bootstrap replicates (0: no intervals)."),
    seed: int = SeedOption,
    level: float = typer.Option(0.9, "--level", min=0.5, max=0.999,
                                help="Coverage of the bootstrap interval."),
    fmt: Format = FormatOption,
) -> None:
    """Conflict-cooperation index per dyad and period, with bootstrap intervals.

    Counts by quad class, summed and mean Goldstein, net cooperation, and for GDELT the
    shares of the period's event volume (docs/environment.md). Unless --directed, each row
    also gives the two directions of the dyad (a_to_b_*, b_to_a_*: e.g. KOR->PRK and
    PRK->KOR), the cooperation both sides show (mutual_net_coop: the colder side's) and
    their reciprocity (0..1), so that one side's gestures are not read as a thaw.
    """
    from panmun.environment.indices import index as dyad_index
    from panmun.environment.reciprocity import with_directions

    with store_from(ctx) as store:
        if directed:
            df = dyad_index(store, dyad=dyad or None, freq=freq, since=since, until=until,
                            directed=True, sources=source or None, weight=weight, n_boot=n_boot,
                            seed=seed, level=level)
        else:
            df = with_directions(store, dyad=dyad or None, freq=freq, since=since, until=until,
                                 sources=source or None, weight=weight, n_boot=n_boot, seed=seed,
                                 level=level)
    columns = ["source", "dyad", "period", "n_events", "q1", "q2", "q3", "q4", "goldstein_mean",
               "goldstein_lo", "goldstein_hi", "net_coop", "net_coop_lo", "net_coop_hi"]
    if df["share"].notna().any():
        columns.append("share")
    out = Output({"index": Table(df, f"Conflict-cooperation index by {freq} ({100 * level:.0f}% bootstrap "
                                     "intervals)", columns)})
    if not directed:
        columns += ["a_to_b_net_coop", "b_to_a_net_coop", "mutual_net_coop", "reciprocity"]
        pairs = df[["dyad", "a_to_b", "b_to_a"]].drop_duplicates("dyad")
        out.notes.append("Directions: " + "; ".join(f"{r.dyad}: a_to_b {r.a_to_b}, b_to_a {r.b_to_a}"
                                                     for r in pairs.itertuples())
                         + ". mutual_net_coop is the colder side's net cooperation (a side without "
                           "events counts 0); reciprocity 1 = both act alike, 0 = opposite "
                           "(docs/environment.md).")
    emit(out, fmt)


@app.command("changepoints", epilog="Example: panmun environment changepoints --dyad KOR-PRK")
def changepoints_(
    ctx: typer.Context,
    dyad: list[str] | None = DyadOption,
    freq: str = FreqOption,
    since: str | None = SinceOption,
    until: str | None = UntilOption,
    directed: bool = DirectedOption,
    source: list[str] | None = SourceOption,
    weight: str = WeightOption,
    signal: str = typer.Option(COUNTS, "--signal",
                               help="counts (cooperative and conflictual events, Poisson model) or an "
                                    "index column such as net_coop or goldstein_mean (mean shifts)."),
    min_size: int = typer.Option(3, "--min-size", min=1, max=1000, help="Shortest segment, in periods."),
    window: int | None = typer.Option(None, "--window", min=0, max=3660,
                                      help="Days either side searched for key events "
                                           "(default 28, 62 or 183 for week, month, quarter)."),
    fmt: Format = FormatOption,
) -> None:
    """Change points of each dyad's index series (PELT), with the nearest key events.

    Each change point is dated and annotated with up to three knowledge-base events near it
    (ids, dates, summaries and sources in JSON; ids in CSV).
    """
    from panmun.environment.changepoints import dyad_changepoints

    with store_from(ctx) as store:
        df = dyad_changepoints(store, dyad=dyad or None, freq=freq, since=since, until=until,
                               directed=directed, sources=source or None, weight=weight,
                               signal=signal, min_size=min_size, window_days=window)
    if fmt == Format.csv:  # a CSV cell holds the events' ids; JSON keeps the whole records
        df = df.assign(events=df["events"].map(lambda events: [e["id"] for e in events]))
    columns = ["source", "dyad", "date", "before", "after", "strength", "nearest"]
    emit(Output({"changepoints": Table(df, f"Change points ({signal}, by {freq})", columns)}), fmt)


@app.command("alerts", epilog="Example: panmun environment alerts --since 2023-01-01 --until 2024-12-31")
def alerts_(
    ctx: typer.Context,
    since: str | None = typer.Option(None, "--since", help="First date (default: 90 days before --until)."),
    until: str | None = UntilOption,
    kind: list[str] | None = typer.Option(
        None, "--kind", help="change-point, threshold, forecast-jump or violation (repeatable)."),
    net_coop_below: float = typer.Option(-0.5, "--net-coop-below",
                                         help="Threshold alert: monthly net cooperation at or below this."),
    min_events: int = typer.Option(3, "--min-events", min=1, max=1_000_000,
                                   help="Threshold alert: events needed in the month."),
    prob_jump: float = typer.Option(0.2, "--prob-jump",
                                    help="Forecast alert: rise in next-month probability from one month."),
    fmt: Format = FormatOption,
) -> None:
    """Alerts since a date: change points, index thresholds, forecast jumps, new violations.

    Each alert names its source events (ids in the table and CSV; ids and URLs in JSON).
    """
    from panmun.environment.alerting import AlertSettings, alerts
    from panmun.errors import InputError

    kinds = tuple(kind) if kind else AlertSettings().kinds
    unknown = [k for k in kinds if k not in AlertSettings().kinds]
    if unknown:
        raise InputError(f"unknown alert kind {unknown[0]!r}",
                         hint=f"Use one of: {', '.join(AlertSettings().kinds)}.")
    settings = AlertSettings(net_coop_below=net_coop_below, min_events=min_events, prob_jump=prob_jump,
                             kinds=kinds)
    with store_from(ctx) as store:
        df = alerts(store, since=since, until=until, settings=settings)
    emit(Output({"alerts": Table(df, "Alerts", ["date", "kind", "subject", "message", "events"])}), fmt)


@app.command("obstacles", epilog="Example: panmun environment obstacles --since 2018-01-01")
def obstacles_(
    ctx: typer.Context,
    since: str | None = typer.Option(None, "--since", help="First date (default 2018-01-01)."),
    until: str | None = UntilOption,
    freq: str = typer.Option("quarter", "--freq", help="Period: week, month or quarter."),
    drop: float = typer.Option(0.25, "--drop", min=0.0, max=2.0,
                               help="Fall in net cooperation that flags a period."),
    top: int = typer.Option(5, "--top", min=1, max=100, help="Factors listed per period."),
    fmt: Format = FormatOption,
) -> None:
    """Periods in which cooperation fell or implementation went backwards, with ranked factors.

    Factors: actors and event categories by share of the period's conflict weight, the
    provisions suspended or reversed, US-China competition, the pandemic border closure.
    """
    from panmun.environment.obstacle_factors import ObstacleSettings, obstacles

    with store_from(ctx) as store:
        df = obstacles(store, since=since, until=until,
                       settings=ObstacleSettings(freq=freq, drop=drop, top=top))
    emit(Output({"obstacles": Table(df, f"Obstacles by {freq}",
                                    ["period", "trigger", "rank", "kind", "factor", "score"])}), fmt)
