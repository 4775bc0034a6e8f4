"""The store's freshness and the server's own updates from the public feeds.

``GET /api/update`` (anyone the server admits): each source's last successful update, the
date its record runs to, its files in trouble and its last error
(:func:`panmun.update.status.source_status`), the store's record-through date, and the
server's update state (running, schedule, last run). ``POST /api/update`` (an admin; a
cookie session sends the CSRF token): start an update now, 202, or 409 while one runs
(:mod:`panmun.web.updater`).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from panmun.jsonify import jsonable
from panmun.store.db import Store
from panmun.web.deps import require, store
from panmun.web.errors import ApiError
from panmun.web.updater import Updater

router = APIRouter(tags=["update"])


def _updater(request: Request) -> Updater:
    return request.app.state.updater


@router.get("/update", summary="Each source's freshness and the server's update state")
def update_status(request: Request, db: Store = Depends(store)) -> dict:
    from panmun.update.status import source_status

    events, changes = db.record_through()
    sources = [s.as_dict() for s in source_status(db)]
    return jsonable({"record_through": {"events": events, "implementation": changes},
                     "server": _updater(request).state(), "sources": sources})


@router.post("/update", status_code=202, summary="Start an update from the feeds now (admins)")
def start_update(request: Request, user=Depends(require("admin"))) -> dict:
    updater = _updater(request)
    if not updater.trigger(user.name):
        raise ApiError(409, "an update is running already", "conflict",
                       hint="Wait for it to end (GET /api/update shows its state).")
    return jsonable({"started": True, "server": updater.state()})
