"""``GET /api/events``: the recorded events, newest first (as ``panmun events list``;
:mod:`panmun.environment.events`)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from panmun.identifiers import EVENT_ACTOR
from panmun.jsonify import records
from panmun.store.db import Store
from panmun.web.api.common import ERRORS, SLUG, IsoDate, ordered
from panmun.web.deps import store

ACTOR = EVENT_ACTOR.pattern

router = APIRouter(responses=ERRORS)

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

    ordered(since, until)
    return records(list_events(db, since=since, until=until, actor=actor, kind=type, newest=limit))
