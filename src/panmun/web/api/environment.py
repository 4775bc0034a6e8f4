"""``GET /api/indices``: a dyad's monthly conflict-cooperation index with its change points
(as ``panmun environment index`` and ``changepoints``; :mod:`panmun.environment`), cached per
state of the store (:func:`panmun.web.api.caching.per_state`)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from panmun.environment.dyads import DYADS
from panmun.jsonify import jsonable, records
from panmun.store.db import Store
from panmun.web.api.caching import per_state
from panmun.web.api.common import ERRORS, SLUG, IsoDate, ordered
from panmun.web.deps import store

DYAD_NAMES = tuple(d.name for d in DYADS)

router = APIRouter(responses=ERRORS)

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
def indices(request: Request,
            dyad: Literal[DYAD_NAMES] = Query("KOR-PRK"),  # type: ignore[valid-type]
            since: IsoDate | None = Query(None, description="First date (YYYY-MM-DD)"),
            until: IsoDate | None = Query(None, description="Last date (YYYY-MM-DD)"),
            source: str = Query("kb", pattern=SLUG, description="Event source, e.g. kb or gdelt2"),
            signal: Literal["net_coop", "goldstein_mean", "n_events"] = Query(
                "net_coop", description="net_coop (-1..+1), goldstein_mean (-10..+10) or n_events"),
            db: Store = Depends(store)) -> dict:
    """Points: the index per month with its 90 % bootstrap interval (1000 replicates, seed 0),
    and the signal in each direction of the dyad (``a_to_b``, ``b_to_a``, named by
    ``directions``) with their reciprocity (as `panmun environment index`); change points:
    PELT on the monthly counts (as `panmun environment changepoints`)."""
    ordered(since, until)
    return per_state(request, db, ("indices", dyad, since, until, source, signal),
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
