"""``GET /api/health``: the server's health, panmun version and store schema version."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from panmun._version import __version__
from panmun.store.db import Store
from panmun.web.api.common import ERRORS
from panmun.web.deps import store

router = APIRouter(responses=ERRORS)

class Health(BaseModel):
    status: Literal["ok"]
    version: str
    schema_version: int


@router.get("/health", summary="Server health, panmun version and store schema version",
            response_model=Health, tags=["meta"])
def health(db: Store = Depends(store)) -> dict:
    return {"status": "ok", "version": __version__, "schema_version": db.schema_version}
