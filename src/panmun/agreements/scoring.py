"""Implementation scorecards: the state of every provision at a date, and aggregates.

Aggregate implementation of a group (an agreement, a vector) at date *t* follows the
Peace Accords Matrix (see :mod:`panmun.agreements.states`)::

    implementation(group, t) = sum_i score_i(t) / (3 * n)

over the group's n provisions of agreements signed on or before *t*, where score_i(t)
is the score of provision i's latest status change on or before *t* (0 before its first
change; 0 while suspended or reversed). Agreements with no implementation history at all
are ``untracked``: listed, but left out of the aggregates rather than counted as 0.

Tracks. Every agreement is on one track (docs/kb.md, "Tracks"): ``peace-process`` when the
DPRK is a party (inter-Korean, US-DPRK and six-party agreements, the Armistice) and
``alliance`` otherwise (the 2021 ROK-US leaders' statement: alliance and deterrence). The
rule reads the stored parties, so it holds for overlay agreements too; an agreement's YAML
may state its ``track``, which the schema checks against the rule. The implementation index
by vector counts the peace process only: an alliance statement is not implementation of the
peace process, and mixing it in read US extended deterrence as peace-regime progress.
:func:`scorecard` with ``by="vector"`` therefore defaults to ``track="peace-process"``; the
alliance track is asked for with ``track="alliance"``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from panmun.agreements.states import MAX_SCORE, SCORE_LABELS, UNTRACKED
from panmun.dates import as_date
from panmun.errors import InputError
from panmun.store.db import Store

By = Literal["provision", "agreement", "vector"]
TrackChoice = Literal["peace-process", "alliance", "all"]
TRACK_CHOICES: tuple[str, ...] = ("peace-process", "alliance", "all")
#: The index's track (what ``by="vector"`` counts unless told otherwise).
INDEX_TRACK = "peace-process"
#: The SQL of the parties rule (:func:`panmun.kb.schema.track_of`) on ``agreements a``.
TRACK_SQL = "CASE WHEN list_contains(a.parties, 'PRK') THEN 'peace-process' ELSE 'alliance' END"

# The change in force on each date per provision (the last recorded that day), with
# ``run_start``: the date its (score, state) began, so that a later record that only
# adds a note without changing the status does not move "since".
_LAST_CHANGE = """
    WITH daily AS (
        SELECT provision_id, date, score, state FROM status_changes
        QUALIFY row_number() OVER (PARTITION BY provision_id, date ORDER BY id DESC) = 1),
    flagged AS (
        SELECT *, CASE WHEN score IS NOT DISTINCT FROM lag(score) OVER w
                        AND state IS NOT DISTINCT FROM lag(state) OVER w THEN 0 ELSE 1 END AS new_run
        FROM daily WINDOW w AS (PARTITION BY provision_id ORDER BY date)),
    runs AS (
        SELECT *, sum(new_run) OVER (PARTITION BY provision_id ORDER BY date) AS run FROM flagged)
    SELECT provision_id, date, score, state,
           min(date) OVER (PARTITION BY provision_id, run) AS run_start
    FROM runs
"""


def provision_states(store: Store, dates: list[dt.date]) -> pd.DataFrame:
    """The state of every provision at each date (one row per date and provision).

    Columns: at, provision, agreement, article, title, vector, score (0-3, or NA when
    untracked), state, since (date the state in force began), track (the agreement's).
    """
    sql = f"""
    WITH last AS ({_LAST_CHANGE}),
         tracked AS (SELECT DISTINCT p.agreement_id FROM status_changes s
                     JOIN provisions p ON p.id = s.provision_id),
         dates AS (SELECT unnest(?::DATE[]) AS "at"),
         grid AS (SELECT d."at", p.*, a.date AS signed, {TRACK_SQL} AS track FROM dates d
                  CROSS JOIN provisions p JOIN agreements a ON a.id = p.agreement_id
                  WHERE a.date <= d."at")
    SELECT g."at", g.id AS provision, g.agreement_id AS agreement, g.article, g.title, g.vector,
           t.agreement_id IS NOT NULL AS tracked, l.score AS raw_score, l.state AS raw_state,
           l.run_start AS since, g.signed, g.ordinal, g.track
    FROM grid g
    LEFT JOIN tracked t ON t.agreement_id = g.agreement_id
    ASOF LEFT JOIN last l ON l.provision_id = g.id AND l.date <= g."at"
    ORDER BY g."at", g.signed, g.agreement_id, g.ordinal
    """
    df = store.query(sql, [list(dates)])
    return _label_states(df)


def _label_states(df: pd.DataFrame) -> pd.DataFrame:
    """Turn raw (score, state) into the scorecard's score and state columns."""
    tracked = df["tracked"].astype(bool)
    raw_score = df["raw_score"].astype("Int64")
    has_state = df["raw_state"].notna()
    score = raw_score.fillna(0).where(~has_state, 0).where(tracked, pd.NA).astype("Int64")
    label = raw_score.fillna(0).astype(int).map(SCORE_LABELS)
    state = label.where(~has_state, df["raw_state"]).where(tracked, UNTRACKED)
    out = df.assign(score=score, state=state)
    out["at"] = pd.to_datetime(out["at"]).dt.date
    out["since"] = pd.to_datetime(out["since"]).dt.date.astype(object).where(out["since"].notna(), None)
    return out[["at", "provision", "agreement", "article", "title", "vector", "score", "state", "since",
                "track"]]


def aggregate(states: pd.DataFrame, by: Literal["agreement", "vector"]) -> pd.DataFrame:
    """Peace Accords Matrix aggregate of provision states, per ``by`` (and per ``at``).

    ``implementation = sum(score) / (3 * tracked)`` over the group's tracked provisions
    (NaN when none is tracked). Columns: the keys, ``provisions`` (all), ``tracked``,
    ``score``, ``max_score``, ``implementation`` (0..1), counts of ``full``,
    ``suspended`` and ``reversed`` provisions, and ``suspended_or_reversed`` (their ids).
    One vectorised group-by; groups keep their first-seen order.
    """
    keys = (["at"] if "at" in states.columns else []) + [by]
    tracked = states["state"] != UNTRACKED
    halted = states["state"].isin(["suspended", "reversed"])
    flags = states[keys].assign(
        _one=1,
        _tracked=tracked.astype(int),
        _score=states["score"].fillna(0).astype(int).where(tracked, 0),
        _full=(states["state"] == "full").astype(int),
        _suspended=(states["state"] == "suspended").astype(int),
        _reversed=(states["state"] == "reversed").astype(int),
    )
    out = flags.groupby(keys, sort=False).agg(
        provisions=("_one", "sum"), tracked=("_tracked", "sum"), score=("_score", "sum"),
        full=("_full", "sum"), suspended=("_suspended", "sum"), reversed=("_reversed", "sum"),
    )
    out["max_score"] = MAX_SCORE * out["tracked"]
    out["implementation"] = (out["score"] / out["max_score"]).where(out["tracked"] > 0)
    ids = states.loc[halted & tracked].groupby(keys, sort=False)["provision"].agg(list)
    out["suspended_or_reversed"] = [ids.get(k, []) for k in out.index]
    columns = ["provisions", "tracked", "score", "max_score", "implementation",
               "full", "suspended", "reversed", "suspended_or_reversed"]
    return out[columns].reset_index()


@dataclass(frozen=True)
class Scorecard:
    """A scorecard at one date: per-provision states and the requested view of them."""

    at: dt.date
    by: str
    provisions: pd.DataFrame   # one row per provision
    table: pd.DataFrame        # the view asked for (provision, agreement or vector)
    track: str = "all"         # the track the table covers: peace-process, alliance or all

    def __repr__(self) -> str:
        return (f"Scorecard(at {self.at.isoformat()}, by {self.by}, track {self.track}: "
                f"{len(self.provisions)} provisions, {len(self.table)} rows)")

    def _repr_html_(self) -> str:
        """The table, under a one-line heading, in a notebook."""
        return f"<p>{repr(self)}</p>" + self.table.to_html(index=False, max_rows=30)


def default_track(by: str, agreement: str | None = None) -> str:
    """The track a scorecard covers unless told: the peace process for the index by vector
    (over every agreement); every track for one agreement or a list per agreement/provision."""
    return INDEX_TRACK if by == "vector" and agreement is None else "all"


def keep_track(states: pd.DataFrame, track: str) -> pd.DataFrame:
    """The rows of ``states`` on ``track`` (``all``: every row)."""
    if track not in TRACK_CHOICES:
        raise InputError(f"--track must be {', '.join(TRACK_CHOICES)}, not {track!r}")
    return states if track == "all" else states[states["track"] == track]


def scorecard(store: Store, at: dt.date | str | None = None, by: By = "agreement",
              agreement: str | None = None, track: TrackChoice | None = None) -> Scorecard:
    """The implementation scorecard at ``at`` (default today), by provision, agreement or vector.

    ``track``: peace-process, alliance or all; default (None) :func:`default_track`, i.e. the
    peace process for ``by="vector"`` and every track otherwise. Vector and agreement tables
    carry a ``track`` column (the track each row counts; ``all`` on a vector row mixing both).
    """
    when = as_date(at)
    if by not in ("provision", "agreement", "vector"):
        raise InputError(f"--by must be provision, agreement or vector, not {by!r}")
    chosen = track or default_track(by, agreement)
    states = provision_states(store, [when]).drop(columns=["at"])
    if agreement is not None:
        states = states[states["agreement"] == agreement]
    states = keep_track(states, chosen)
    if by == "provision":
        table = states.reset_index(drop=True)
    else:
        table = _with_track(aggregate(states, by), states, by)
    return Scorecard(when, by, states.reset_index(drop=True), table, chosen)


def _with_track(table: pd.DataFrame, states: pd.DataFrame, by: str) -> pd.DataFrame:
    """``table`` with a ``track`` column: the single track of each group's rows, else ``all``."""
    keys = (["at"] if "at" in states.columns else []) + [by]
    tracks = states.groupby(keys, sort=False)["track"].agg(lambda t: t.iloc[0] if t.nunique() == 1 else "all")
    index = pd.MultiIndex.from_frame(table[keys]) if len(keys) > 1 else pd.Index(table[by])
    return table.assign(track=tracks.reindex(index).to_numpy() if len(table) else [])


def month_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    """The last day of every month from ``start``'s month to ``end``'s (``end`` itself last)."""
    stamps = pd.date_range(pd.Timestamp(start), pd.Timestamp(end), freq="ME")
    dates = [d.date() for d in stamps]
    if not dates or dates[-1] != end:
        dates.append(end)
    return dates


def implementation_series(store: Store, since: dt.date | str = "2018-01-01",
                          until: dt.date | str | None = None,
                          by: Literal["agreement", "vector"] = "agreement",
                          agreements: Sequence[str] | None = None,
                          track: TrackChoice = "all") -> pd.DataFrame:
    """Monthly implementation per agreement or vector from ``since`` to ``until`` (month ends),
    over every agreement or only ``agreements``, and only the agreements on ``track``
    (default ``all``, as before tracks existed; pass ``track="peace-process"`` for the
    implementation index, see the module doc)."""
    dates = month_ends(as_date(since), as_date(until))
    states = provision_states(store, dates)
    if agreements is not None:
        states = states[states["agreement"].isin(list(agreements))]
    return aggregate(keep_track(states, track), by)


def aggregate_reference(states: pd.DataFrame, by: Literal["agreement", "vector"]) -> pd.DataFrame:
    """A plain loop over groups computing what :func:`aggregate` does, one group at a time.

    Kept as an independent second implementation: the tests check that both agree, and
    ``benchmarks/scorecard.py`` reports the speed-up of the vectorised version over it.
    """
    keys = (["at"] if "at" in states.columns else []) + [by]
    rows = []
    for key, group in states.groupby(keys, sort=False):
        key = key if isinstance(key, tuple) else (key,)
        tracked = group[group["state"] != UNTRACKED]
        n = len(tracked)
        total = int(tracked["score"].astype(int).sum()) if n else 0
        halted = tracked[tracked["state"].isin(["suspended", "reversed"])]
        row = dict(zip(keys, key, strict=True))
        row.update(provisions=len(group), tracked=n, score=total, max_score=MAX_SCORE * n,
                   implementation=(total / (MAX_SCORE * n)) if n else float("nan"),
                   full=int((tracked["state"] == "full").sum()),
                   suspended=int((tracked["state"] == "suspended").sum()),
                   reversed=int((tracked["state"] == "reversed").sum()),
                   suspended_or_reversed=list(halted["provision"]))
        rows.append(row)
    return pd.DataFrame(rows)
