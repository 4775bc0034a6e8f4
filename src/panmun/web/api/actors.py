"""``GET /api/actors/...``: the issues, the actors' positions, the predicted bargains and the
actors' roles (as ``panmun actors``; :mod:`panmun.actors`), on the built-in knowledge base
loaded once (:func:`panmun.web.api.caching.builtin_kb`)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter, Query, Request

from panmun.actors.roles import MODELS
from panmun.jsonify import jsonable, records
from panmun.web.api.caching import builtin_kb
from panmun.web.api.common import ERRORS, SLUG, IsoDate
from panmun.web.errors import ApiError

BARGAIN_MODELS = MODELS

router = APIRouter(responses=ERRORS)

def _positions(request: Request, issue: str, at: dt.date | None):
    """The actors' coded positions on ``issue`` as of ``at``; 404 naming the parameter if unknown."""
    from panmun.actors.positions import positions_at

    try:
        return positions_at(issue, at=at, kb=builtin_kb(request))
    except KeyError as exc:
        raise ApiError(404, str(exc.args[0]) if exc.args else "unknown issue", "not_found", "query.issue",
                       "See GET /api/actors/issues.") from exc


@router.get("/actors/issues", summary="The issues: 0-100 scales with labelled end points",
            response_model=list[dict[str, Any]], tags=["actors"])
def issues(request: Request) -> list[dict]:
    from panmun.actors.positions import issue_table

    return records(issue_table(builtin_kb(request)))


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
