"""``GET /api/...``: every read of the workbench, as thin adapters over the library.

Each endpoint calls the library function the command line calls for the same question
(``panmun agreements``, ``events``, ``environment``, ``forecast``, ``armscontrol``,
``actors``, ``roadmap``) and serialises its result: dates as ``YYYY-MM-DD`` (months as
``YYYY-MM``), missing values and NaN as ``null``, tables as lists of records. Anyone the
server admits may call them. Errors have the one JSON shape of :mod:`panmun.web.errors`.

Caching (``request.app.state.read_cache``): inputs and results that cost seconds and depend
only on their parameters and on data that do not change within a server's life (the built-in
knowledge base, the arms-control calibration posterior and the package risks computed from
it) are computed once, on first use. The escalation forecast is cached per target and per
*fingerprint of the events table* (its row count and an XOR of the rows' hashes), so an event
recorded by an analyst yields a fresh forecast on the next read. Each computation is charged
to the client that asked for it (:mod:`panmun.web.throttle`): a client that keeps asking for
new parameter sets gets 429 ``rate_limited`` once its share of computing time is spent.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import threading
import time
from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, BeforeValidator, Field

from panmun._version import __version__
from panmun.actors.roles import MODELS
from panmun.armscontrol.packages import BUILTIN
from panmun.environment.dyads import DYADS
from panmun.environment.forecast.targets import TARGETS
from panmun.errors import NotFoundError
from panmun.identifiers import EVENT_ACTOR, QUERY_SLUG
from panmun.jsonify import jsonable, records
from panmun.roadmap.steps import VECTORS
from panmun.store.db import Store
from panmun.web.deps import client_address, store
from panmun.web.errors import ApiError

# --------------------------------------------------------------------------------------------
# Shared input types
# --------------------------------------------------------------------------------------------

ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
SLUG = QUERY_SLUG.pattern
AGREEMENT_ID = r"^[a-z0-9][a-z0-9.-]{0,99}$"
PROVISION_ID = r"^[a-z0-9][a-z0-9.-]{0,99}/[A-Za-z0-9][A-Za-z0-9._-]{0,49}$"
ACTOR = EVENT_ACTOR.pattern
DYAD_NAMES = tuple(d.name for d in DYADS)
PACKAGES = BUILTIN
FORECAST_TARGETS = tuple(TARGETS)
BARGAIN_MODELS = MODELS
STEP_VECTORS = VECTORS
CACHE_ENTRIES = 128


def _iso_day(value: object) -> object:
    """Accept only ``YYYY-MM-DD`` text (no timestamps), before pydantic checks the calendar."""
    if isinstance(value, str) and not ISO_DAY.fullmatch(value):
        raise ValueError("write the date as YYYY-MM-DD")
    return value


#: A calendar date written ``YYYY-MM-DD``; anything else is a 422 naming the parameter.
IsoDate = Annotated[dt.date, BeforeValidator(_iso_day)]


class ErrorDetail(BaseModel):
    status: int
    code: str
    message: str
    field: str | None = None
    hint: str | None = None


class ErrorBody(BaseModel):
    """The one error shape of the API (:mod:`panmun.web.errors`)."""

    error: ErrorDetail


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "Bad input"},
    404: {"model": ErrorBody, "description": "Unknown id"},
    422: {"model": ErrorBody, "description": "Invalid parameter (`field` names it)"},
}

router = APIRouter(responses=ERRORS)


def _ordered(since: dt.date | None, until: dt.date | None) -> None:
    if since is not None and until is not None and since > until:
        raise ApiError(422, f"since {since} is after until {until}", "validation", "query.since",
                       "Swap the two dates.")


_CACHE_LOCK = threading.Lock()


def _cached(request: Request, key: tuple, compute: Callable[[], Any]) -> Any:
    """``compute()`` once per ``key`` for this app (one lock per key, so a slow computation
    blocks only the readers of the same key; the oldest entries go beyond CACHE_ENTRIES).

    A computation is charged to the client that asked for it
    (:class:`panmun.web.throttle.ComputeBudget`): one past its budget is 429 ``rate_limited``.
    """
    state = request.app.state
    with _CACHE_LOCK:
        if not hasattr(state, "read_cache"):
            state.read_cache, state.read_locks = {}, {}
        lock = state.read_locks.setdefault(key, threading.Lock())
    with lock:
        with _CACHE_LOCK:
            if key in state.read_cache:
                return state.read_cache[key]
        value = _charged(request, compute)
        with _CACHE_LOCK:
            while len(state.read_cache) >= CACHE_ENTRIES:
                old = next(iter(state.read_cache))
                del state.read_cache[old]
                state.read_locks.pop(old, None)
            state.read_cache[key] = value
        return value


def _charged(request: Request, compute: Callable[[], Any]) -> Any:
    """``compute()``, its seconds charged to the client's budget (429 when it is spent)."""
    budget = getattr(request.app.state, "read_budget", None)
    if budget is None:
        return compute()
    client = client_address(request)
    wait = budget.begin(client)
    if wait > 0:
        seconds = max(1, math.ceil(min(wait, 3600.0)))
        raise ApiError(429, f"this client has used its share of computing time; try again in {seconds} s",
                       "rate_limited", hint="Answers already computed stay available; new parameters "
                       "cost server time. Wait, or ask for fewer new combinations.",
                       headers={"Retry-After": str(seconds)})
    started = time.thread_time()          # CPU time of this thread: not inflated by a busy server
    try:
        return compute()
    finally:
        budget.end(client, time.thread_time() - started)


def _generation(db: Store) -> tuple:
    """What the store holds, in three cheap numbers: the last audit row (every analyst's
    write and every knowledge-base load is audited), the last ingest run and the number of
    events. A cached answer keyed on it is recomputed as soon as any of them changes."""
    row = db.query("SELECT (SELECT coalesce(max(id), 0) FROM audit) AS a, "
                   "(SELECT coalesce(max(id), 0) FROM ingests) AS i, (SELECT count(*) FROM events) AS e")
    return (int(row["a"].iloc[0]), int(row["i"].iloc[0]), int(row["e"].iloc[0]), dt.date.today())


def _per_state(request: Request, db: Store, key: tuple, compute: Callable[[], Any]) -> Any:
    """``compute()`` once per ``key`` and state of the store (see :func:`_generation`): the
    reads that cost a tenth of a second or more answer from memory between writes."""
    return _cached(request, (*key, *_generation(db)), compute)


def _kb(request: Request):
    """The built-in knowledge base, loaded and validated once per app (it never changes while
    the server runs; analysts' writes go to the store)."""
    from panmun.kb.loader import load_kb

    return _cached(request, ("kb",), load_kb)


def _known(field: str, lookup: Callable[[], Any]) -> Any:
    """``lookup()``, turning the library's NotFoundError into a 404 that names ``field``."""
    try:
        return lookup()
    except NotFoundError as exc:
        raise ApiError(404, str(exc), "not_found", field, exc.hint or None) from exc


# --------------------------------------------------------------------------------------------
# Health
# --------------------------------------------------------------------------------------------


class Health(BaseModel):
    status: Literal["ok"]
    version: str
    schema_version: int


@router.get("/health", summary="Server health, panmun version and store schema version",
            response_model=Health, tags=["meta"])
def health(db: Store = Depends(store)) -> dict:
    return {"status": "ok", "version": __version__, "schema_version": db.schema_version}


# --------------------------------------------------------------------------------------------
# Agreements and provisions (panmun.agreements)
# --------------------------------------------------------------------------------------------


class AgreementItem(BaseModel):
    id: str
    title: str
    title_ko: str | None = None
    short_title: str | None = None
    date: dt.date
    parties: list[str]
    provisions: int
    tracked: bool


class ProvisionState(BaseModel):
    id: str
    article: str
    title: str | None = None
    vector: str | None = None
    summary: str | None = None
    score: int | None = Field(None, description="0 not initiated .. 3 full (null: untracked)")
    state: str
    since: dt.date | None = None


class AgreementDetail(BaseModel):
    id: str
    title: str
    title_ko: str | None = None
    short_title: str | None = None
    date: dt.date
    place: str | None = None
    parties: list[str]
    summary: str | None = None
    sources: list[dict[str, Any]]
    provisions: list[ProvisionState]


class HistoryRow(BaseModel):
    change_id: int
    date: dt.date
    score: int | None = None
    state: str | None = None
    status: str
    note: str | None = None
    source_url: str | None = None
    source_date: dt.date | None = None
    origin: str | None = None
    recorded_by: str | None = None
    recorded_at: str | None = None


class AuditRow(BaseModel):
    audited_at: str
    who: str
    action: str
    change_id: int | None = None
    what: Any = None
    why: str | None = None
    source: str | None = None


class ProvisionDetail(BaseModel):
    id: str
    agreement_id: str
    article: str
    title: str | None = None
    summary: str | None = None
    vector: str | None = None
    parties: list[str]
    version: int = Field(description="Audited writes so far; send it back as expected_version")
    history: list[HistoryRow]
    audit: list[AuditRow]


@router.get("/agreements", summary="Every agreement with its date, parties and number of provisions",
            response_model=list[AgreementItem], tags=["agreements"])
def agreements(request: Request, db: Store = Depends(store)) -> list[dict]:
    from panmun.agreements.catalogue import list_agreements

    return _per_state(request, db, ("agreements",), lambda: records(list_agreements(db)))


@router.get("/agreements/{agreement_id}", summary="One agreement and its provisions with today's status",
            response_model=AgreementDetail, tags=["agreements"])
def agreement(agreement_id: str = Path(..., max_length=100, pattern=AGREEMENT_ID,
                                       examples=["panmunjom-2018"]),
              request: Request = None, db: Store = Depends(store)) -> dict:
    return _per_state(request, db, ("agreement", agreement_id), lambda: _agreement(db, agreement_id))


def _agreement(db: Store, agreement_id: str) -> dict:
    from panmun.agreements.catalogue import agreement_detail
    from panmun.agreements.scoring import scorecard

    head, provisions = _known("path.agreement_id", lambda: agreement_detail(db, agreement_id))
    states = scorecard(db, by="provision", agreement=agreement_id).table.set_index("provision")
    rows = []
    for p in records(provisions):
        state = jsonable(states.loc[p["id"]].to_dict()) if p["id"] in states.index else {}
        rows.append({**p, "score": state.get("score"), "state": state.get("state", "untracked"),
                     "since": state.get("since")})
    return jsonable({**head, "provisions": rows})


@router.get("/provisions/{provision_id:path}",
            summary="One provision: its dated status history, the audit of analysts' writes, its version",
            response_model=ProvisionDetail, tags=["agreements"])
def provision(provision_id: str = Path(..., max_length=160, pattern=PROVISION_ID,
                                       examples=["cma-2018/1.2"]),
              db: Store = Depends(store)) -> dict:
    from panmun.agreements.history import provision_history, require_provision
    from panmun.agreements.status import provision_version

    row = _known("path.provision_id", lambda: require_provision(db, provision_id))
    head = {k: row.get(k) for k in ("id", "agreement_id", "article", "title", "summary", "vector", "parties")}
    return jsonable({**head, "version": provision_version(db, provision_id),
                     "history": records(provision_history(db, provision_id)),
                     "audit": _audit(db, provision_id)})


def _audit(db: Store, provision_id: str) -> list[dict]:
    """The audit rows of one provision, oldest first (the library has no reader for them yet)."""
    rows = records(db.query("SELECT audited_at, who, action, change_id, what, why, source FROM audit "
                            "WHERE provision_id = ? ORDER BY audited_at, id", [provision_id]))
    for r in rows:
        r["what"] = json.loads(r["what"]) if isinstance(r["what"], str) else r["what"]
    return rows


@router.get("/scorecard", summary="Implementation at a date (Peace Accords Matrix), by vector, agreement "
            "or provision", response_model=list[dict[str, Any]], tags=["agreements"])
def scorecard(at: IsoDate | None = Query(None, description="Date (YYYY-MM-DD); default today"),
              by: Literal["vector", "agreement", "provision"] = Query("agreement"),
              agreement: str | None = Query(None, max_length=100, pattern=AGREEMENT_ID,
                                            description="Only this agreement"),
              request: Request = None, db: Store = Depends(store)) -> list[dict]:
    from panmun.agreements.catalogue import agreement_detail
    from panmun.agreements.scoring import scorecard as compute

    if agreement is not None:
        _known("query.agreement", lambda: agreement_detail(db, agreement))

    def table() -> list[dict]:
        card = compute(db, at=at, by=by, agreement=agreement)
        return [{"at": card.at.isoformat(), **r} for r in records(card.table)]

    return _per_state(request, db, ("scorecard", at, by, agreement), table)


# --------------------------------------------------------------------------------------------
# Events and indices (panmun.environment)
# --------------------------------------------------------------------------------------------


class EventItem(BaseModel):
    id: str
    date: dt.date
    end_date: dt.date | None = None
    actor1: str
    actor2: str | None = None
    type: str
    cameo: str | None = None
    goldstein: float | None = None
    plover: str | None = None
    summary: str | None = None
    source_url: str | None = None
    source_date: dt.date | None = None
    origin: str | None = None


@router.get("/events", summary="Events, newest first (CAMEO, Goldstein and PLOVER codes, sources)",
            response_model=list[EventItem], tags=["environment"])
def events(since: IsoDate | None = Query(None, description="First date (YYYY-MM-DD)"),
           until: IsoDate | None = Query(None, description="Last date (YYYY-MM-DD)"),
           actor: str | None = Query(None, pattern=ACTOR, description="Actor code, e.g. PRK"),
           type: str | None = Query(None, pattern=SLUG, description="Event type, e.g. missile-launch"),
           limit: int = Query(100, ge=1, le=1000, description="At most this many events"),
           db: Store = Depends(store)) -> list[dict]:
    from panmun.environment.events import list_events

    _ordered(since, until)
    return records(list_events(db, since=since, until=until, actor=actor, kind=type, newest=limit))


class IndexPoint(BaseModel):
    month: str = Field(description="YYYY-MM")
    value: float | None = None
    lo: float | None = None
    hi: float | None = None
    n_events: int
    a_to_b: float | None = Field(None, description="The signal in the dyad's first direction (e.g. KOR→PRK)")
    b_to_a: float | None = Field(None, description="The signal in the reverse direction (e.g. PRK→KOR)")
    a_to_b_n_events: int = 0
    b_to_a_n_events: int = 0
    mutual: float | None = Field(None, description="The colder side's value, a silent side counting 0 "
                                                   "(net_coop and goldstein_mean)")
    reciprocity: float | None = Field(None, description="1 - |a_to_b - b_to_a| / 2 on net cooperation (0..1)")


class IndexDirections(BaseModel):
    a_to_b: str = Field(description="e.g. KOR→PRK")
    b_to_a: str = Field(description="e.g. PRK→KOR")


class ChangePoint(BaseModel):
    month: str
    before: float | None = None
    after: float | None = None
    strength: float | None = None
    events: list[dict[str, Any]]


class IndexSeries(BaseModel):
    dyad: str
    source: str
    signal: str
    directions: IndexDirections | None = None
    points: list[IndexPoint]
    change_points: list[str]
    change_point_details: list[ChangePoint]


SIGNAL_BOUNDS = {"net_coop": ("net_coop_lo", "net_coop_hi"),
                 "goldstein_mean": ("goldstein_lo", "goldstein_hi"), "n_events": (None, None)}


@router.get("/indices", summary="Monthly conflict-cooperation index of a dyad, with change points",
            response_model=IndexSeries, tags=["environment"])
def indices(dyad: Literal[DYAD_NAMES] = Query("KOR-PRK"),  # type: ignore[valid-type]
            since: IsoDate | None = Query(None, description="First date (YYYY-MM-DD)"),
            until: IsoDate | None = Query(None, description="Last date (YYYY-MM-DD)"),
            source: str = Query("kb", pattern=SLUG, description="Event source, e.g. kb or gdelt2"),
            signal: Literal["net_coop", "goldstein_mean", "n_events"] = Query(
                "net_coop", description="net_coop (-1..+1), goldstein_mean (-10..+10) or n_events"),
            request: Request = None, db: Store = Depends(store)) -> dict:
    """Points: the index per month with its 90 % bootstrap interval (1000 replicates, seed 0),
    and the signal in each direction of the dyad (``a_to_b``, ``b_to_a``, named by
    ``directions``) with their reciprocity (as `panmun environment index`); change points:
    PELT on the monthly counts (as `panmun environment changepoints`)."""
    _ordered(since, until)
    return _per_state(request, db, ("indices", dyad, since, until, source, signal),
                      lambda: _index(db, dyad, since, until, source, signal))


def _index(db: Store, dyad: str, since, until, source: str, signal: str) -> dict:
    from panmun.environment.changepoints import dyad_changepoints
    from panmun.environment.dyads import parse_dyad
    from panmun.environment.reciprocity import with_directions

    table = with_directions(db, dyad=dyad, freq="month", since=since, until=until, sources=[source])
    lo, hi = SIGNAL_BOUNDS[signal]
    mutual = {"net_coop": "mutual_net_coop", "goldstein_mean": "mutual_goldstein"}.get(signal)
    rows = records(table)
    points = [{"month": str(r["period"])[:7], "value": r[signal], "lo": r[lo] if lo else None,
               "hi": r[hi] if hi else None, "n_events": r["n_events"],
               "a_to_b": r[f"a_to_b_{signal}"], "b_to_a": r[f"b_to_a_{signal}"],
               "a_to_b_n_events": r["a_to_b_n_events"], "b_to_a_n_events": r["b_to_a_n_events"],
               "mutual": r[mutual] if mutual else None, "reciprocity": r["reciprocity"]} for r in rows]
    pair = parse_dyad(dyad)
    directions = {"a_to_b": f"{pair.a}→{pair.b}", "b_to_a": f"{pair.b}→{pair.a}"}
    cps = records(dyad_changepoints(db, dyad=dyad, freq="month", since=since, until=until, sources=[source]))
    details = [{"month": str(c["date"])[:7], "before": c["before"], "after": c["after"],
                "strength": c["strength"], "events": c["events"]} for c in cps]
    return jsonable({"dyad": dyad, "source": source, "signal": signal, "directions": directions,
                     "points": points, "change_points": [d["month"] for d in details],
                     "change_point_details": details})


# --------------------------------------------------------------------------------------------
# Forecast (panmun.environment.forecast)
# --------------------------------------------------------------------------------------------


@router.get("/forecast", summary="Probability of a DPRK missile launch or provocation next month, per model",
            response_model=list[dict[str, Any]], tags=["forecast"])
def forecast(request: Request,
             target: Literal[FORECAST_TARGETS] | None = Query(  # type: ignore[valid-type]
                 None, description="One target; default both"),
             db: Store = Depends(store)) -> list[dict]:
    """One record per target (as `panmun forecast next --format json`): the month forecast,
    each model's probability with its 90 % interval, the logistic model's contributions."""
    from panmun.environment.forecast import next_month

    fingerprint = tuple(db.query("SELECT count(*) AS n, coalesce(bit_xor(hash(id, date, type, actor1, "
                                 "actor2)), 0) AS h FROM events").iloc[0].tolist())
    out = []
    for name in [target] if target else FORECAST_TARGETS:
        out.append(_cached(request, ("forecast", name, *fingerprint),
                           lambda name=name: jsonable(next_month(db, name).as_dict())))
    return out


@router.get("/forecast/track", summary="The forecasts' track record: the last 24 months' forecasts of the "
            "chosen model and of the best baseline against what happened", tags=["forecast"])
def forecast_track(request: Request, db: Store = Depends(store)) -> dict:
    """As the briefing's track record (`panmun forecast backtest --target missile-launch`):
    each month's probability of a launch from the chosen model and from the best baseline,
    the outcome, and the running Brier score of each (lower is better)."""
    from panmun.environment.forecast import ForecastSettings, forecast_data, run_backtest
    from panmun.environment.forecast.backtest import DEFAULT_START

    def compute() -> dict:
        result = run_backtest(forecast_data(db, "missile-launch"), DEFAULT_START, None, ForecastSettings())
        track = result.track
        last = track.iloc[-1] if len(track) else None
        return jsonable({
            "target": "missile-launch", "chosen": result.chosen,
            "best_baseline": None if last is None else str(last["best_baseline"]),   # best over these months
            "months": records(track),
            "brier_chosen": None if last is None else float(last["running_brier_chosen"]),
            "brier_baseline": None if last is None else float(last["running_brier_baseline"])})

    return _per_state(request, db, ("forecast-track",), compute)


# --------------------------------------------------------------------------------------------
# Arms control (panmun.armscontrol)
# --------------------------------------------------------------------------------------------


class PackageItem(BaseModel):
    name: str
    title: str
    description: str
    measures: dict[str, float] = Field(description="Measure id -> level in [0, 1]")
    exercises: str
    tension: float | None = None
    trust: float | None = None
    notes: list[str]


@router.get("/armscontrol/packages", summary="The built-in packages of arms-control measures",
            response_model=list[PackageItem], tags=["armscontrol"])
def packages() -> list[dict]:
    from panmun.armscontrol.packages import load_package

    out = []
    for name in PACKAGES:
        p = load_package(name)
        out.append({"name": p.name, "title": p.title, "description": p.description, "measures": p.levels,
                    "exercises": p.exercises, "tension": p.tension, "trust": p.trust, "notes": list(p.notes)})
    return out


@router.get("/armscontrol/measures", summary="The catalogue of arms-control measures and their status",
            response_model=list[dict[str, Any]], tags=["armscontrol"])
def measures(at: IsoDate | None = Query(None, description="Status on this date (YYYY-MM-DD); default today"),
             db: Store = Depends(store)) -> list[dict]:
    from panmun.armscontrol.measures import measures_table

    return records(measures_table(db, at))


@router.get("/armscontrol/risk", summary="Risk of a deadly clash and of escalation under each package",
            response_model=list[dict[str, Any]], tags=["armscontrol"])
def risk(request: Request,
         package: list[Literal[PACKAGES]] | None = Query(  # type: ignore[valid-type]
             None, description="A built-in package (repeatable); default all four"),
         years: int = Query(1, ge=1, le=3, description="Years per period"),
         sims: int = Query(2500, ge=100, le=2500, description="Simulated periods per posterior draw "
                           "(fewer: faster, coarser)"),
         db: Store = Depends(store)) -> list[dict]:
    """Packages ranked by the median probability of at least one deadly clash within ``years``,
    with 90 % intervals over 400 draws of the calibration posterior, ``sims`` simulated
    periods each, seed 0 (the defaults of `panmun armscontrol compare`)."""
    from panmun.armscontrol.calibrate import base_rate_draws
    from panmun.armscontrol.packages import compare, load_package

    names = tuple(dict.fromkeys(package or PACKAGES))
    base = _cached(request, ("armscontrol-base",), lambda: base_rate_draws(db, 400, 0))
    loaded = [load_package(n) for n in names]
    ranked = _cached(request, ("armscontrol-risk", names, years, sims),
                     lambda: jsonable(compare(loaded, base, years=years, sims=sims)))
    return [{"rank": i + 1, **r} for i, r in enumerate(ranked)]


# --------------------------------------------------------------------------------------------
# Actors (panmun.actors)
# --------------------------------------------------------------------------------------------


def _positions(request: Request, issue: str, at: dt.date | None):
    """The actors' coded positions on ``issue`` as of ``at``; 404 naming the parameter if unknown."""
    from panmun.actors.positions import positions_at

    try:
        return positions_at(issue, at=at, kb=_kb(request))
    except KeyError as exc:
        raise ApiError(404, str(exc.args[0]) if exc.args else "unknown issue", "not_found", "query.issue",
                       "See GET /api/actors/issues.") from exc


@router.get("/actors/issues", summary="The issues: 0-100 scales with labelled end points",
            response_model=list[dict[str, Any]], tags=["actors"])
def issues(request: Request) -> list[dict]:
    from panmun.actors.positions import issue_table

    return records(issue_table(_kb(request)))


@router.get("/actors/positions", summary="Where each actor stands on an issue, and each model's outcome",
            response_model=dict[str, Any], tags=["actors"])
def positions(request: Request, issue: str = Query("denuclearization", pattern=SLUG),
              at: IsoDate | None = Query(None, description="As of this date (YYYY-MM-DD); default today")
              ) -> dict:
    from panmun.actors.roles import predict_all

    frame = _positions(request, issue, at)
    outcomes = predict_all(frame) if len(frame) else {}
    return jsonable({"issue": issue, "at": at or dt.date.today(), "positions": records(frame),
                     "outcomes": outcomes})


@router.get("/actors/bargain", summary="The predicted outcome of a negotiation on an issue, round by round",
            response_model=dict[str, Any], tags=["actors"])
def bargain(request: Request, issue: str = Query("denuclearization", pattern=SLUG),
            at: IsoDate | None = Query(None, description="As of this date (YYYY-MM-DD); default today"),
            model: Literal[BARGAIN_MODELS] = Query("compromise"),  # type: ignore[valid-type]
            rounds: int = Query(10, ge=1, le=50, description="Rounds of the expected-utility model")) -> dict:
    """``rounds``: positions per round (round 0 the input; one row for the one-shot models)."""
    from panmun.actors.roles import bargaining_path

    frame = _positions(request, issue, at)
    if frame.empty:
        raise ApiError(404, f"no actor has a coded position on {issue} by {at or 'today'}", "not_found",
                       "query.at", "Choose a later date.")
    names = [str(a) for a in frame["actor"]]
    path, outcome, result = bargaining_path(frame, model, rounds)
    data: dict[str, Any] = {"issue": issue, "at": at or dt.date.today(), "model": model, "outcome": outcome}
    if result is not None:
        data.update(medians=result.medians, means=result.means)
    data["rounds"] = [dict(zip(names, row, strict=True)) for row in path]
    return jsonable(data)


@router.get("/actors/roles", summary="Each actor's marginal role on an issue and the deciding coalitions",
            response_model=dict[str, Any], tags=["actors"])
def roles(request: Request, issue: str = Query("denuclearization", pattern=SLUG),
          at: IsoDate | None = Query(None, description="As of this date (YYYY-MM-DD); default today"),
          model: Literal[BARGAIN_MODELS] = Query("compromise"),  # type: ignore[valid-type]
          rounds: int = Query(10, ge=1, le=50, description="Rounds of the expected-utility model")) -> dict:
    """How far the predicted outcome moves when each actor's position, salience or capability
    changes by the stated amounts (as `panmun actors roles`), and the minimal connected
    winning coalitions of the weighted median."""
    from panmun.actors.roles import deciding_coalitions, marginal_roles

    frame = _positions(request, issue, at)
    if frame.empty:
        raise ApiError(404, f"no actor has a coded position on {issue} by {at or 'today'}", "not_found",
                       "query.at", "Choose a later date.")
    table = marginal_roles(frame, model, rounds)
    return jsonable({"issue": issue, "at": at or dt.date.today(), "model": model,
                     "outcome": table.attrs["outcome"], "amounts": table.attrs["amounts"],
                     "roles": records(table), "coalitions": records(deciding_coalitions(frame))})


# --------------------------------------------------------------------------------------------
# Roadmap (panmun.roadmap)
# --------------------------------------------------------------------------------------------


@router.get("/roadmap/steps", summary="The step catalogue: who takes each step, what it needs, its values",
            response_model=list[dict[str, Any]], tags=["roadmap"])
def steps(request: Request,
          vector: Literal[STEP_VECTORS] | None = Query(None)) -> list[dict]:  # type: ignore[valid-type]
    from panmun.roadmap.catalogue import load_catalogue, steps_table

    catalogue = load_catalogue(_kb(request))
    if vector is not None:
        catalogue = {k: s for k, s in catalogue.items() if s.vector == vector}
    return records(steps_table(catalogue))
