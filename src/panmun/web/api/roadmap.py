"""``GET /api/roadmap/steps``: the step catalogue (as ``panmun roadmap``; :mod:`panmun.roadmap`),
from the built-in knowledge base loaded once (:func:`panmun.web.api.caching.builtin_kb`)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Query, Request

from panmun.jsonify import records
from panmun.roadmap.steps import VECTORS
from panmun.web.api.caching import builtin_kb
from panmun.web.api.common import ERRORS

STEP_VECTORS = VECTORS

router = APIRouter(responses=ERRORS)

@router.get("/roadmap/steps", summary="The step catalogue: who takes each step, what it needs, its values",
            response_model=list[dict[str, Any]], tags=["roadmap"])
def steps(request: Request,
          vector: Literal[STEP_VECTORS] | None = Query(None)) -> list[dict]:  # type: ignore[valid-type]
    from panmun.roadmap.catalogue import load_catalogue, steps_table

    catalogue = load_catalogue(builtin_kb(request))
    if vector is not None:
        catalogue = {k: s for k, s in catalogue.items() if s.vector == vector}
    return records(steps_table(catalogue))
