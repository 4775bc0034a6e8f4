"""``GET /api/agreements``, ``/api/provisions/...``, ``/api/scorecard``: the agreements, their
provisions and the implementation scorecard (as ``panmun agreements``; :mod:`panmun.agreements`).

The list, the detail of an agreement and the scorecard are cached per state of the store
(:func:`panmun.web.api.caching.per_state`).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field

from panmun.jsonify import jsonable, records
from panmun.store.db import Store
from panmun.web.api.caching import per_state
from panmun.web.api.common import ERRORS, IsoDate, known
from panmun.web.deps import store

AGREEMENT_ID = r"^[a-z0-9][a-z0-9.-]{0,99}$"
PROVISION_ID = r"^[a-z0-9][a-z0-9.-]{0,99}/[A-Za-z0-9][A-Za-z0-9._-]{0,49}$"

router = APIRouter(responses=ERRORS)

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

    return per_state(request, db, ("agreements",), lambda: records(list_agreements(db)))


@router.get("/agreements/{agreement_id}", summary="One agreement and its provisions with today's status",
            response_model=AgreementDetail, tags=["agreements"])
def agreement(request: Request,
              agreement_id: str = Path(..., max_length=100, pattern=AGREEMENT_ID,
                                       examples=["panmunjom-2018"]),
              db: Store = Depends(store)) -> dict:
    return per_state(request, db, ("agreement", agreement_id), lambda: _agreement(db, agreement_id))


def _agreement(db: Store, agreement_id: str) -> dict:
    from panmun.agreements.catalogue import agreement_detail
    from panmun.agreements.scoring import scorecard

    head, provisions = known("path.agreement_id", lambda: agreement_detail(db, agreement_id))
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

    row = known("path.provision_id", lambda: require_provision(db, provision_id))
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
def scorecard(request: Request,
              at: IsoDate | None = Query(None, description="Date (YYYY-MM-DD); default today"),
              by: Literal["vector", "agreement", "provision"] = Query("agreement"),
              agreement: str | None = Query(None, max_length=100, pattern=AGREEMENT_ID,
                                            description="Only this agreement"),
              db: Store = Depends(store)) -> list[dict]:
    from panmun.agreements.catalogue import agreement_detail
    from panmun.agreements.scoring import scorecard as compute

    if agreement is not None:
        known("query.agreement", lambda: agreement_detail(db, agreement))

    def table() -> list[dict]:
        card = compute(db, at=at, by=by, agreement=agreement)
        return [{"at": card.at.isoformat(), **r} for r in records(card.table)]

    return per_state(request, db, ("scorecard", at, by, agreement), table)
