"""Compliance: events linked to the provisions they confirm or violate.

Two kinds of evidence, each row naming its source:

``rule``
    An event of the store's ``events`` table (curated or ingested) that matches a rule of
    the knowledge base (``kb/data/rules/``, format in ``kb/data/README.md``). An event *e*
    matches rule *r* for provision *p* when every condition *r* gives holds::

        date(e) > signature(p)  and  since(r) <= date(e) <= until(r)
        type(e) in types(r),  actor1(e) in actor1(r),  actor2(e) in actor2(r)
        {actor1(e), actor2(e)} are two different members of between(r)
        cameo(e) starts with one of cameo(r),  plover(e) in plover(r),  quad(e) in quad(r)
        summary(e) matches the regular expression summary(r) (RE2, case-insensitive)
        id(e) in events(r),  (lat(e), lon(e)) inside one of the polygons zones(r)

    Matching is one DuckDB query over the event table and the rule table (one row per
    rule and provision): each rule is hash-joined to events on its most selective equality
    (event ids, else types, else first actor; see :func:`_join_key`) and the remaining
    conditions filter the candidates. Zone membership is computed beforehand with
    :func:`points_in_polygon`, vectorised over events and polygon edges.

``history``
    A dated status change of the provision's implementation history that moves it
    (ordering reversed < suspended < 0 < 1 < 2 < 3; before its first change after the
    agreement's signature a provision counts as 0): a move down is violating evidence
    (for example the November 2019 Changrin coastal-artillery firing, which the knowledge
    base records only in the CMA's history), a move up confirming evidence. Each linked
    event takes the history record of the same provision and relation nearest to it
    within ``match_days`` days, if any: the record is then shown once, as the event, whose
    ``history_date`` names it (the record *corroborates* the link).

A link says an event bears on a provision, not that a court would find a breach: rules
are curated judgements, written down with their rationale so they can be argued with.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa

from panmun.agreements.catalogue import agreement_detail
from panmun.agreements.history import require_provision
from panmun.agreements.states import SCORE_LABELS
from panmun.dates import as_date
from panmun.errors import InputError
from panmun.kb.loader import load_kb, load_overlay
from panmun.kb.schema import Rule, Zone
from panmun.store.db import Store

Freq = Literal["year", "quarter", "month"]
FREQS: tuple[str, ...] = ("year", "quarter", "month")
BASES: tuple[str, ...] = ("rule", "history")
#: Days between a rule-linked event and a history record of the same provision and relation
#: within which the record is taken to describe the same happening.
MATCH_DAYS = 7
_EARLIEST = dt.date(1900, 1, 1)

DETAIL_COLUMNS = [
    "date", "agreement", "provision", "relation", "basis", "rule", "event_id", "actor1", "actor2",
    "type", "summary", "source_url", "source", "status_before", "history_date",
]


@dataclass(frozen=True)
class RuleSet:
    """Compliance rules and zones, with the folders they came from."""

    rules: tuple[Rule, ...]
    zones: tuple[Zone, ...]
    origins: tuple[str, ...]


@dataclass(frozen=True)
class Compliance:
    """Evidence per provision and period (``summary``) and per event (``detail``).

    ``summary``: one row per provision and period with any evidence; columns agreement,
    provision, title, vector, period, period_start, status_end (status at the end of the
    period, or at ``until``), confirming, violating (counts) and confirming_events,
    violating_events (lists of {id, date, summary, source_url, basis, rule}).
    ``detail``: one row per (event or history record, provision, relation), see
    :data:`DETAIL_COLUMNS`.
    """

    summary: pd.DataFrame
    detail: pd.DataFrame
    freq: str
    since: dt.date | None
    until: dt.date
    basis: tuple[str, ...]
    rules: int

    def __repr__(self) -> str:
        since = self.since.isoformat() if self.since is not None else "the start"
        return (f"Compliance({since}..{self.until.isoformat()} by {self.freq}, basis "
                f"{'+'.join(self.basis)}, {self.rules} rules: "
                f"{int(self.summary['confirming'].sum()) if len(self.summary) else 0} confirming and "
                f"{int(self.summary['violating'].sum()) if len(self.summary) else 0} violating links "
                f"in {len(self.summary)} provision-periods)")


def load_rules(overlay: Path | str | None = None) -> RuleSet:
    """The built-in rules, plus those of an overlay folder (validated against the built-in kb)."""
    kb = load_kb()
    rules = [r for r, _, _ in kb.rules]
    zones = [z for z, _ in kb.zones]
    origins = ["kb"]
    if overlay is not None:
        extra = load_overlay(overlay, base=kb)
        rules += [r for r, _, _ in extra.rules]
        zones += [z for z, _ in extra.zones]
        origins.append(f"overlay:{Path(overlay).resolve()}")
    return RuleSet(tuple(rules), tuple(zones), tuple(origins))


# ------------------------------------------------------------------ geometry

def points_in_polygon(lat: np.ndarray, lon: np.ndarray, polygon: np.ndarray) -> np.ndarray:
    """Which points lie inside a polygon, by the even-odd (ray casting) rule.

    ``polygon`` is an (m, 2) array of (lat, lon) vertices (the ring closes itself). A
    horizontal ray from each point toward +lon crosses the edges; the point is inside
    when the number of crossings is odd. Edge *k* from (y_k, x_k) to (y_k+1, x_k+1) is
    crossed by the ray of (y, x) when ``(y_k > y) != (y_k+1 > y)`` and
    ``x < x_k + (y - y_k) (x_k+1 - x_k) / (y_k+1 - y_k)``. Coordinates are treated as
    planar degrees (adequate for zones of a few hundred km away from the poles and the
    antimeridian); points exactly on an edge may fall on either side. Vectorised over
    points x edges, in chunks of 200,000 points.
    """
    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    ring = np.asarray(polygon, dtype=float)
    if len(ring) > 1 and np.array_equal(ring[0], ring[-1]):
        ring = ring[:-1]
    yk, xk = ring[:, 0], ring[:, 1]
    yk1, xk1 = np.roll(yk, -1), np.roll(xk, -1)
    dy = yk1 - yk
    safe_dy = np.where(dy == 0, 1.0, dy)                 # such edges never straddle y anyway
    inside = np.zeros(lat.shape, dtype=bool)
    for start in range(0, len(lat), 200_000):
        y = lat[start:start + 200_000, None]
        x = lon[start:start + 200_000, None]
        straddle = (yk > y) != (yk1 > y)
        x_cross = xk + (y - yk) * (xk1 - xk) / safe_dy
        inside[start:start + 200_000] = ((straddle & (x < x_cross)).sum(axis=1) % 2) == 1
    return inside


def zone_membership(store: Store, zones: Iterable[Zone], since: dt.date | None = None,
                    until: dt.date | None = None) -> pd.DataFrame:
    """(event_id, zone) for every located event inside each zone; events outside a zone's
    bounding box are dropped in SQL before the polygon test."""
    frames = []
    for zone in zones:
        ring = np.array([(v.lat, v.lon) for v in zone.polygon])
        box = [float(ring[:, 0].min()), float(ring[:, 0].max()),
               float(ring[:, 1].min()), float(ring[:, 1].max())]
        pts = store.query(
            """SELECT id, lat, lon FROM events
               WHERE lat BETWEEN ? AND ? AND lon BETWEEN ? AND ? AND date BETWEEN ? AND ?""",
            [*box, since or _EARLIEST, until or dt.date.max])
        hit = points_in_polygon(pts["lat"].to_numpy(), pts["lon"].to_numpy(), ring)
        frames.append(pd.DataFrame({"event_id": pts["id"][hit].to_numpy(), "zone": zone.id}))
    if not frames:
        return pd.DataFrame({"event_id": pd.Series(dtype=str), "zone": pd.Series(dtype=str)})
    return pd.concat(frames, ignore_index=True)


# ------------------------------------------------------------------ rules as a table

def _join_key(match) -> tuple[str, list[str] | None]:
    """The most selective equality a rule offers for joining it to events: its event ids,
    else its event types, else its first actor (actor1, or the members of between), else
    none (the rule is then compared with every event in its date window)."""
    if match.events is not None:
        return "id", match.events
    if match.types is not None:
        return "type", match.types
    if match.actor1 is not None or match.between is not None:
        return "actor1", match.actor1 or match.between
    return "any", None


def rule_table(rules: Iterable[Rule], provisions: Iterable[str] | None = None) -> pa.Table:
    """One row per rule and provision (of ``provisions`` only, when given), with the match
    conditions as typed columns."""
    keep = None if provisions is None else set(provisions)
    rows = []
    for rule in rules:
        m = rule.match
        for pid in rule.provisions:
            if keep is not None and pid not in keep:
                continue
            kind, keys = _join_key(m)
            rows.append({
                "key_kind": kind, "keys": keys,
                "rule": rule.id, "relation": rule.relation, "provision": pid,
                "since": rule.since, "until": rule.until, "r_types": m.types, "r_actor1": m.actor1,
                "r_actor2": m.actor2, "r_between": m.between, "r_cameo": m.cameo, "r_plover": m.plover,
                "r_quad": m.quad_class, "r_pattern": m.summary, "r_events": m.events, "r_zones": m.zones})
    text, texts = pa.string(), pa.list_(pa.string())
    schema = pa.schema([("key_kind", text), ("keys", texts), ("rule", text), ("relation", text),
                        ("provision", text), ("since", pa.date32()),
                        ("until", pa.date32()), ("r_types", texts), ("r_actor1", texts),
                        ("r_actor2", texts), ("r_between", texts), ("r_cameo", texts), ("r_plover", texts),
                        ("r_quad", pa.list_(pa.int32())), ("r_pattern", text), ("r_events", texts),
                        ("r_zones", texts)])
    return pa.Table.from_pylist(rows, schema=schema)


_names = (f"_compliance_{i}" for i in itertools.count())

# The last status change of each provision per day, with the rank that orders statuses.
_DAILY = """
    SELECT provision_id AS provision, date, score, state, note, source_url, origin,
           CASE state WHEN 'reversed' THEN -2 WHEN 'suspended' THEN -1 ELSE score END AS rank
    FROM status_changes
    QUALIFY row_number() OVER (PARTITION BY provision_id, date ORDER BY id DESC) = 1
"""
_LABEL = ("CASE WHEN {s}.state IS NOT NULL THEN {s}.state WHEN {s}.rank IS NULL THEN NULL ELSE "
          "[" + ", ".join(f"'{SCORE_LABELS[i]}'" for i in range(4)) + "][{s}.score + 1] END")


def _evidence_sql(with_zones: bool) -> str:
    zone_join = ("LEFT JOIN (SELECT event_id, list(zone) AS zl FROM {zones} GROUP BY event_id) z "
                 "ON z.event_id = c.id") if with_zones else ""
    zone_test = "list_has_any(c.r_zones, z.zl)" if with_zones else "FALSE"
    return f"""
    WITH daily AS ({_DAILY}),
    r AS (SELECT r.*, a.date AS signed, a.id AS agreement
          FROM {{rules}} r JOIN provisions p ON p.id = r.provision
          JOIN agreements a ON a.id = p.agreement_id),
    e AS NOT MATERIALIZED (
        SELECT id, date, actor1, actor2, type, cameo, plover, quad_class, summary, source_url, source
        FROM events WHERE date BETWEEN $since::DATE AND $until::DATE
        AND ($source::VARCHAR IS NULL OR source = $source::VARCHAR)),
    rk AS (SELECT *, unnest(keys) AS key FROM r WHERE key_kind <> 'any'),
    candidates AS (   -- equality joins on each rule's most selective key (see _join_key)
        SELECT r.*, e.* FROM rk r JOIN e ON r.key_kind = 'id' AND e.id = r.key
        UNION ALL BY NAME
        SELECT r.*, e.* FROM rk r JOIN e ON r.key_kind = 'type' AND e.type = r.key
        UNION ALL BY NAME
        SELECT r.*, e.* FROM rk r JOIN e ON r.key_kind = 'actor1' AND e.actor1 = r.key
        UNION ALL BY NAME
        SELECT r.*, NULL AS key, e.* FROM r JOIN e ON r.key_kind = 'any' AND e.date > r.signed),
    matched AS (
        SELECT c.date, c.agreement, c.provision, c.relation, c.rule, c.id AS event_id,
               c.actor1, c.actor2, c.type, c.summary, c.source_url, c.source
        FROM candidates c
        {zone_join}
        WHERE c.date > c.signed
          AND (c.since IS NULL OR c.date >= c.since) AND (c.until IS NULL OR c.date <= c.until)
          AND (c.r_types IS NULL OR list_contains(c.r_types, c.type))
          AND (c.r_actor1 IS NULL OR list_contains(c.r_actor1, c.actor1))
          AND (c.r_actor2 IS NULL OR list_contains(c.r_actor2, c.actor2))
          AND (c.r_between IS NULL OR (c.actor1 <> c.actor2 AND list_contains(c.r_between, c.actor1)
                                       AND list_contains(c.r_between, c.actor2)))
          AND (c.r_cameo IS NULL OR list_contains(c.r_cameo, left(c.cameo, 2))
               OR list_contains(c.r_cameo, left(c.cameo, 3)) OR list_contains(c.r_cameo, left(c.cameo, 4)))
          AND (c.r_plover IS NULL OR list_contains(c.r_plover, c.plover))
          AND (c.r_quad IS NULL OR list_contains(c.r_quad, c.quad_class))
          AND (c.r_pattern IS NULL OR regexp_matches(c.summary, c.r_pattern, 'i'))
          AND (c.r_events IS NULL OR list_contains(c.r_events, c.id))
          AND (c.r_zones IS NULL OR coalesce({zone_test}, FALSE))),
    linked AS (
        SELECT date, agreement, provision, relation, 'rule' AS basis,
               string_agg(rule, ', ' ORDER BY rule) AS rule, event_id, actor1, actor2, type, summary,
               source_url, source
        FROM matched
        GROUP BY date, agreement, provision, relation, event_id, actor1, actor2, type, summary,
                 source_url, source),
    moves AS (
        SELECT d.*, p.agreement_id AS agreement, a.date AS signed,
               coalesce(lag(d.rank) OVER (PARTITION BY d.provision ORDER BY d.date), 0) AS prev_rank
        FROM daily d JOIN provisions p ON p.id = d.provision JOIN agreements a ON a.id = p.agreement_id),
    history AS (
        SELECT date, agreement, provision,
               CASE WHEN rank > prev_rank THEN 'confirms' ELSE 'violates' END AS relation,
               'history' AS basis, NULL AS rule,
               'history:' || provision || '@' || strftime(date, '%Y-%m-%d') AS event_id,
               NULL AS actor1, NULL AS actor2, NULL AS type, note AS summary, source_url,
               origin AS source
        FROM moves
        WHERE date > signed AND rank <> prev_rank AND date BETWEEN $since::DATE AND $until::DATE
          AND ($provisions::VARCHAR[] IS NULL OR list_contains($provisions::VARCHAR[], provision))),
    nearest AS (   -- each linked event takes the one history record nearest to it, if any
        SELECT l.event_id, l.provision, l.relation,
               arg_min(h.event_id, abs(date_diff('day', h.date, l.date))) AS history_id,
               arg_min(h.date, abs(date_diff('day', h.date, l.date))) AS history_date
        FROM linked l JOIN history h ON h.provision = l.provision AND h.relation = l.relation
             AND abs(date_diff('day', h.date, l.date)) <= $days::INTEGER
        GROUP BY l.event_id, l.provision, l.relation),
    evidence AS (
        SELECT l.*, n.history_date
        FROM linked l LEFT JOIN nearest n ON n.event_id = l.event_id AND n.provision = l.provision
             AND n.relation = l.relation
        WHERE $rule_basis::BOOLEAN
        UNION ALL
        SELECT h.*, h.date AS history_date FROM history h
        WHERE $history_basis::BOOLEAN
          AND NOT ($rule_basis::BOOLEAN AND h.event_id IN (SELECT history_id FROM nearest)))
    SELECT v.date, v.agreement, v.provision, v.relation, v.basis, v.rule, v.event_id, v.actor1,
           v.actor2, v.type, v.summary, v.source_url, v.source,
           {_LABEL.format(s='d')} AS status_before, v.history_date
    FROM evidence v ASOF LEFT JOIN daily d ON d.provision = v.provision AND d.date < v.date
    ORDER BY v.date, v.agreement, v.provision, v.relation, v.event_id
    """


def _provision_ids(store: Store, provision: str | None) -> list[str] | None:
    """The provision ids selected by ``provision``: one provision, or an agreement's (by id)."""
    if provision is None:
        return None
    if "/" in provision:
        return [require_provision(store, provision)["id"]]
    _, provisions = agreement_detail(store, provision)
    return provisions["id"].tolist()


def evidence(store: Store, rules: RuleSet | None = None, provision: str | None = None,
             since: dt.date | str | None = None, until: dt.date | str | None = None,
             basis: Iterable[str] = BASES, source: str | None = None,
             match_days: int = MATCH_DAYS) -> pd.DataFrame:
    """Every piece of evidence (rule-linked event or history move) in the window, one row per
    (event or record, provision, relation); columns :data:`DETAIL_COLUMNS`."""
    rules = rules if rules is not None else load_rules()
    basis = tuple(basis)
    bad = [b for b in basis if b not in BASES]
    if bad or not basis:
        raise InputError(f"basis must be one or more of {', '.join(BASES)}, "
                         f"not {', '.join(bad) or 'nothing'}")
    start = as_date(since, "--since") if since is not None else None
    end = as_date(until, "--until")
    if start is not None and start > end:
        raise InputError(f"--since {start} is after --until {end}")
    pids = _provision_ids(store, provision)
    table = rule_table(rules.rules if "rule" in basis else [], pids)
    stored = set(store.query("SELECT id FROM provisions")["id"])
    missing = sorted(set(table["provision"].to_pylist()) - stored)
    if missing:
        raise InputError(f"rules name provisions that are not in the store: {', '.join(missing)}",
                         hint="Load the overlay that defines them with `panmun kb load FOLDER`.")
    zone_ids = {z for zs in table["r_zones"].to_pylist() if zs for z in zs}
    zones = zone_membership(store, [z for z in rules.zones if z.id in zone_ids], start, end)
    rules_name, zones_name = next(_names), next(_names)
    store.con.register(rules_name, table)
    store.con.register(zones_name, zones)
    try:
        sql = _evidence_sql(with_zones=bool(zone_ids)).format(rules=rules_name, zones=zones_name)
        df = store.con.execute(sql, {
            "since": start or _EARLIEST, "until": end, "source": source, "provisions": pids,
            "days": int(match_days), "rule_basis": "rule" in basis,
            "history_basis": "history" in basis}).df()
    finally:
        store.con.unregister(rules_name)
        store.con.unregister(zones_name)
    for col in ("date", "history_date"):
        df[col] = pd.to_datetime(df[col]).dt.date.astype(object).where(df[col].notna(), None)
    df["status_before"] = _unrecorded(store, df["status_before"], df["agreement"])
    return df[DETAIL_COLUMNS]


def _unrecorded(store: Store, status: pd.Series, agreement: pd.Series) -> pd.Series:
    """Fill a missing status: ``not-initiated`` before a tracked provision's first change,
    ``untracked`` for an agreement without history (as the scorecard reads them)."""
    tracked = set(store.query("SELECT DISTINCT p.agreement_id FROM status_changes s "
                              "JOIN provisions p ON p.id = s.provision_id")["agreement_id"])
    fill = agreement.map(lambda a: SCORE_LABELS[0] if a in tracked else "untracked")
    return status.where(status.notna(), fill).astype(object)


# ------------------------------------------------------------------ per provision and period

def _period_start(dates: pd.Series, freq: str) -> pd.Series:
    ts = pd.to_datetime(dates)
    if freq == "year":
        return pd.to_datetime(ts.dt.year.astype(str) + "-01-01")
    if freq == "quarter":
        return ts.dt.to_period("Q").dt.start_time
    return ts.dt.to_period("M").dt.start_time


def _period_label(start: pd.Series, freq: str) -> pd.Series:
    if freq == "year":
        return start.dt.strftime("%Y")
    if freq == "quarter":
        return start.dt.year.astype(str) + "Q" + start.dt.quarter.astype(str)
    return start.dt.strftime("%Y-%m")


def _period_end(start: pd.Series, freq: str) -> pd.Series:
    step = {"year": pd.DateOffset(years=1), "quarter": pd.DateOffset(months=3),
            "month": pd.DateOffset(months=1)}[freq]
    return start + step - pd.Timedelta(days=1)


def _status_at(store: Store, pairs: pd.DataFrame) -> pd.Series:
    """The status label of each (provision, at) pair, by one ASOF join."""
    name = next(_names)
    store.con.register(name, pairs[["provision", "at"]].reset_index(drop=True).assign(
        row=range(len(pairs))))
    try:
        out = store.query(f"""
            WITH daily AS ({_DAILY})
            SELECT q.row, {_LABEL.format(s='d')} AS status
            FROM {name} q ASOF LEFT JOIN daily d ON d.provision = q.provision AND d.date <= q."at"
            ORDER BY q.row""")
    finally:
        store.con.unregister(name)
    return out["status"].set_axis(pairs.index)


def summarise(store: Store, detail: pd.DataFrame, freq: str, until: dt.date) -> pd.DataFrame:
    """Counts and events per provision and period (see :class:`Compliance`)."""
    columns = ["agreement", "provision", "title", "vector", "period", "period_start", "status_end",
               "confirming", "violating", "confirming_events", "violating_events"]
    if detail.empty:
        return pd.DataFrame(columns=columns)
    d = detail.assign(period_start=_period_start(detail["date"], freq))
    keys = ["agreement", "provision", "period_start"]
    counts = (d.groupby(keys + ["relation"]).size().unstack("relation", fill_value=0)
              .reindex(columns=["confirms", "violates"], fill_value=0)
              .rename(columns={"confirms": "confirming", "violates": "violating"}).reset_index())
    d["item"] = [{"id": r.event_id, "date": r.date, "summary": r.summary, "source_url": r.source_url,
                  "basis": r.basis, "rule": r.rule} for r in d.itertuples()]
    lists = {rel: d[d["relation"] == rel].groupby(keys)["item"].agg(list).rename(f"{name}_events")
             for rel, name in (("confirms", "confirming"), ("violates", "violating"))}
    out = counts.merge(lists["confirms"].reset_index(), on=keys, how="left").merge(
        lists["violates"].reset_index(), on=keys, how="left")
    for col in ("confirming_events", "violating_events"):
        out[col] = out[col].map(lambda v: v if isinstance(v, list) else [])
    out["period"] = _period_label(out["period_start"], freq)
    ends = _period_end(out["period_start"], freq).clip(upper=pd.Timestamp(until))
    out["status_end"] = _unrecorded(store, _status_at(store, pd.DataFrame(
        {"provision": out["provision"], "at": ends.dt.date})), out["agreement"])
    meta = store.query("SELECT id AS provision, title, vector, ordinal FROM provisions")
    agreements = store.query("SELECT id AS agreement, date AS signed FROM agreements")
    out = out.merge(meta, on="provision", how="left").merge(agreements, on="agreement", how="left")
    out = out.sort_values(["signed", "agreement", "ordinal", "period_start"]).reset_index(drop=True)
    out["period_start"] = out["period_start"].dt.date
    return out[columns]


def compliance(store: Store, provision_id: str | None = None, since: dt.date | str | None = None,
               until: dt.date | str | None = None, freq: Freq = "year",
               rules: RuleSet | None = None, basis: Iterable[str] = BASES,
               source: str | None = None, match_days: int = MATCH_DAYS) -> Compliance:
    """Confirming and violating evidence per provision and period, and per event.

    ``provision_id`` is a provision id (``cma-2018/1.2``) or an agreement id (``cma-2018``,
    every provision of it);
    ``since``/``until`` bound the evidence dates (default: all, up to today); ``freq`` is
    the period of the summary; ``rules`` default to the built-in ones (:func:`load_rules`
    adds an overlay's); ``basis`` chooses rule-linked events, history moves or both;
    ``source`` keeps events of one dataset only (``kb``, ``gdelt2``, ``cns-missiles`` ...).
    """
    if freq not in FREQS:
        raise InputError(f"--freq must be one of {', '.join(FREQS)}, not {freq!r}")
    rules = rules if rules is not None else load_rules()
    end = as_date(until, "--until")
    detail = evidence(store, rules, provision=provision_id, since=since, until=end, basis=basis,
                      source=source, match_days=match_days)
    summary = summarise(store, detail, freq, end)
    return Compliance(summary, detail, freq, as_date(since, "--since") if since is not None else None,
                      end, tuple(basis), len(rules.rules))


def provision_timeline(store: Store, provision_id: str, rules: RuleSet | None = None,
                       until: dt.date | str | None = None) -> pd.DataFrame:
    """A provision's implementation history interleaved with the events rules link to it.

    One row per status change (``kind`` = ``status``) and per rule-linked event (``kind``
    = ``confirms`` or ``violates``), in date order. ``status`` is the provision's status
    after the change, or in force before the event's day; ``history_date`` marks an event
    that a status change within :data:`MATCH_DAYS` days also records.
    Columns: date, kind, status, text, event_id, rule, actors, source_url, origin.
    """
    require_provision(store, provision_id)
    linked = evidence(store, rules, provision=provision_id, until=until, basis=("rule",))
    history = store.query(f"""
        WITH daily AS ({_DAILY})
        SELECT s.date, 'status' AS kind, s.id AS change_id, s.note AS text, s.source_url, s.origin,
               {_LABEL.format(s='d')} AS status
        FROM status_changes s JOIN daily d ON d.provision = s.provision_id AND d.date = s.date
        WHERE s.provision_id = ? AND s.date <= ? ORDER BY s.date, s.id""",
                          [provision_id, as_date(until, "--until")])
    history["date"] = pd.to_datetime(history["date"]).dt.date
    events = pd.DataFrame({
        "date": linked["date"], "kind": linked["relation"], "status": linked["status_before"],
        "text": linked["summary"], "event_id": linked["event_id"], "rule": linked["rule"],
        "actors": linked["actor1"].fillna("") + linked["actor2"].map(
            lambda a: f"->{a}" if isinstance(a, str) else ""),
        "source_url": linked["source_url"], "origin": linked["source"],
        "history_date": linked["history_date"]})
    out = pd.concat([history.assign(event_id=None, rule=None, actors=None, history_date=None), events],
                    ignore_index=True)
    out["order"] = (out["kind"] != "status").astype(int)
    out = out.sort_values(["date", "order"], kind="stable").reset_index(drop=True)
    return out[["date", "kind", "status", "text", "event_id", "rule", "actors", "source_url", "origin",
                "history_date"]]
