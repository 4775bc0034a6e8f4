"""``GET /api/armscontrol/...``: the packages of arms-control measures, the measures' status
and the risk under each package (as ``panmun armscontrol``; :mod:`panmun.armscontrol`).

The calibration posterior and the package risks are computed once per parameter set
(:func:`panmun.web.api.caching.cached`).
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from panmun.armscontrol.packages import BUILTIN
from panmun.jsonify import jsonable, records
from panmun.store.db import Store
from panmun.web.api.caching import cached
from panmun.web.api.common import ERRORS, IsoDate
from panmun.web.deps import store

PACKAGES = BUILTIN

router = APIRouter(responses=ERRORS)

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
    base = cached(request, ("armscontrol-base",), lambda: base_rate_draws(db, 400, 0))
    loaded = [load_package(n) for n in names]
    ranked = cached(request, ("armscontrol-risk", names, years, sims),
                    lambda: jsonable(compare(loaded, base, years=years, sims=sims)))
    return [{"rank": i + 1, **r} for i, r in enumerate(ranked)]
