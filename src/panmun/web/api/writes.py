"""Writes (analysts and admins only): status updates, new events, stored scenarios.

Every write is audited (who, when, what, source). Status updates and scenario changes name
the record version they started from (``expected_version``); if another write came first
the answer is 409 ``conflict`` and nothing is written. The version check and the write run
under one lock of the server process: one server process is the supported setup.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import threading
from typing import Literal

import pydantic
from fastapi import APIRouter, Depends
from fastapi import Path as PathParam
from pydantic import Field, model_validator

from panmun.agreements.history import require_provision
from panmun.agreements.status import provision_version, set_status
from panmun.codes import cameo_codes, iso3_codes, plover_for, quad_class
from panmun.identifiers import STORED_NAME
from panmun.kb.schema import Event, EventType, Source
from panmun.store.db import Store
from panmun.vectors.scenarios import ScenarioError
from panmun.web import scenario_store
from panmun.web.checks import Body
from panmun.web.deps import require, store
from panmun.web.errors import ApiError

router = APIRouter(tags=["writes"])

MAX_NOTE = 2000
MAX_URL = 2000
URL = r"^https?://[^\s/$.?#][^\s]*$"
SCENARIO_NAME = STORED_NAME.pattern

#: Check-and-write of status updates in this server process.
_STATUS_LOCK = threading.Lock()

CONFLICT_HINT = "Reload the record and re-apply your change."


class StatusUpdate(Body):
    date: dt.date
    score: int | None = Field(default=None, ge=0, le=3)
    state: Literal["suspended", "reversed"] | None = None
    note: str = Field(min_length=3, max_length=MAX_NOTE)
    source_url: str = Field(max_length=MAX_URL, pattern=URL)
    source_date: dt.date | None = None
    expected_version: int = Field(ge=0)

    @model_validator(mode="after")
    def _one(self) -> StatusUpdate:
        if (self.score is None) == (self.state is None):
            raise ValueError("give exactly one of score (0-3) or state (suspended, reversed)")
        return self


class NewEvent(Body):
    date: dt.date
    actor1: str = Field(max_length=5)
    actor2: str | None = Field(default=None, max_length=5)
    cameo: str = Field(pattern=r"^[0-9]{2,4}$")
    type: EventType = "other"
    summary: str = Field(min_length=3, max_length=MAX_NOTE)
    source_url: str = Field(max_length=MAX_URL, pattern=URL)
    source_date: dt.date | None = None


class NewScenario(Body):
    name: str = Field(pattern=SCENARIO_NAME)
    yaml: str = Field(max_length=scenario_store.MAX_YAML_BYTES)


class ScenarioUpdate(Body):
    yaml: str = Field(max_length=scenario_store.MAX_YAML_BYTES)
    expected_version: int = Field(ge=1)


def _conflict(message: str) -> ApiError:
    return ApiError(409, message, "conflict", "body.expected_version", CONFLICT_HINT)


@router.post("/provisions/{provision_id:path}/status", status_code=201)
def post_status(body: StatusUpdate, provision_id: str = PathParam(max_length=200),
                user=Depends(require("analyst")), db: Store = Depends(store)) -> dict:
    """Record a dated status change of a provision (audited, as the signed-in user)."""
    require_provision(db, provision_id)
    with _STATUS_LOCK:
        current = provision_version(db, provision_id)
        if current != body.expected_version:
            raise _conflict(f"{provision_id} is at version {current}, not {body.expected_version}: "
                            "someone recorded a change in the meantime")
        change_id = set_status(db, provision_id, date=body.date, source=body.source_url, note=body.note,
                               score=body.score, state=body.state, who=user.name,
                               source_date=body.source_date)
        version = provision_version(db, provision_id)
    return {"change_id": change_id, "version": version}


def _event_problem(field: str, message: str) -> ApiError:
    return ApiError(422, message, "validation", f"body.{field}",
                    "CAMEO codes and actor codes as in the knowledge base (see docs/knowledge-base).")


def _checked_event(db: Store, body: NewEvent) -> tuple[Event, int]:
    """The event as the knowledge base's schema and checks accept it, and its quad class."""
    code = cameo_codes().get(body.cameo)
    if code is None:
        raise _event_problem("cameo", f"unknown CAMEO event code {body.cameo!r}")
    event_id = f"{body.date.isoformat()}-analyst-{secrets.token_hex(4)}"
    try:
        event = Event(id=event_id, date=body.date, actor1=body.actor1, actor2=body.actor2, type=body.type,
                      cameo=body.cameo, goldstein=code.goldstein, plover=plover_for(body.cameo) or "",
                      summary=body.summary, source=Source(url=body.source_url, date=body.source_date))
    except pydantic.ValidationError as exc:
        first = exc.errors()[0]
        raise _event_problem(".".join(str(p) for p in first["loc"]) or "body", first["msg"]) from exc
    known = set(iso3_codes()) | {r[0] for r in db.con.execute("SELECT code FROM actors").fetchall()}
    for fieldname in ("actor1", "actor2"):
        actor = getattr(event, fieldname)
        if actor is not None and actor not in known:
            raise _event_problem(fieldname, f"unknown actor code {actor!r}")
    if event.date > dt.date.today():
        raise _event_problem("date", f"date {event.date} is in the future")
    return event, quad_class(event.cameo)


@router.post("/events", status_code=201)
def post_event(body: NewEvent, user=Depends(require("analyst")), db: Store = Depends(store)) -> dict:
    """Add an event (origin ``analyst``; Goldstein and PLOVER follow from the CAMEO code)."""
    event, quad = _checked_event(db, body)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with db.transaction() as con:
        con.execute(
            """INSERT INTO events (id, date, actor1, actor2, type, cameo, goldstein, plover, summary,
                   source_url, source_date, origin, source, source_id, quad_class, root_code)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'analyst', 'analyst', ?, ?, ?)""",
            [event.id, event.date, event.actor1, event.actor2, event.type, event.cameo, event.goldstein,
             event.plover or None, event.summary, event.source.url, event.source.date, event.id, quad,
             event.cameo[:2]])
        con.execute("""INSERT INTO audit (audited_at, who, action, what, why, source)
                       VALUES (?, ?, 'add-event', ?, ?, ?)""",
                    [now, user.name, json.dumps({"id": event.id, "date": event.date.isoformat(),
                                                 "cameo": event.cameo}), event.summary, event.source.url])
    return {"id": event.id}


def _scenario_call(fn, *args):
    """Run a scenario-store write, turning its refusals into API errors."""
    try:
        return fn(*args)
    except ScenarioError as exc:
        raise ApiError(422, str(exc), "validation", "body.yaml", exc.hint) from exc
    except scenario_store.StaleVersion as exc:
        raise _conflict(str(exc)) from exc
    except scenario_store.Conflict as exc:
        raise ApiError(409, str(exc), "conflict", "body.name", exc.hint) from exc
    except scenario_store.NotOwner as exc:
        raise ApiError(403, str(exc), "forbidden", None, exc.hint) from exc


@router.get("/scenarios")
def get_scenarios(db: Store = Depends(store)) -> list[dict]:
    """Every scenario: built-in and stored."""
    return scenario_store.list_all(db)


@router.get("/scenarios/{name}")
def get_scenario(name: str = PathParam(pattern=SCENARIO_NAME), db: Store = Depends(store)) -> dict:
    """One scenario with its YAML text and version."""
    return scenario_store.get(db, name)


@router.post("/scenarios", status_code=201)
def post_scenario(body: NewScenario, user=Depends(require("analyst")), db: Store = Depends(store)) -> dict:
    """Store a new scenario (checked as a scenario file is; version 1)."""
    version = _scenario_call(scenario_store.add, db, body.name, body.yaml, user.name)
    return {"name": body.name, "version": version}


@router.put("/scenarios/{name}")
def put_scenario(body: ScenarioUpdate, name: str = PathParam(pattern=SCENARIO_NAME),
                 user=Depends(require("analyst")), db: Store = Depends(store)) -> dict:
    """Change a stored scenario if it is still at ``expected_version`` (else 409); only its owner or
    an admin may (else 403: store a copy under a new name instead)."""
    version = _scenario_call(scenario_store.update, db, name, body.yaml, body.expected_version, user.name,
                             user.role == "admin")
    return {"name": name, "version": version}
