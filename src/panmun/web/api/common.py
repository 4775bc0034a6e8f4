"""Inputs, the error shape and the helpers shared by the read endpoints' routers.

Every read is a thin adapter over the library: it calls the function the command line calls
for the same question and serialises its result (dates as ``YYYY-MM-DD``, months as
``YYYY-MM``, missing values and NaN as ``null``, tables as lists of records). Anyone the
server admits may call the reads. Errors have the one JSON shape of :mod:`panmun.web.errors`,
described here (:data:`ERRORS`) for the OpenAPI document of every read router.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator

from panmun.dates import ISO_DAY
from panmun.errors import NotFoundError
from panmun.identifiers import QUERY_SLUG
from panmun.web.errors import ApiError

SLUG = QUERY_SLUG.pattern


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


#: The error answers of every read, for ``APIRouter(responses=ERRORS)``.
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "Bad input"},
    404: {"model": ErrorBody, "description": "Unknown id"},
    422: {"model": ErrorBody, "description": "Invalid parameter (`field` names it)"},
}


def ordered(since: dt.date | None, until: dt.date | None) -> None:
    """422 on ``query.since`` when ``since`` is after ``until``."""
    if since is not None and until is not None and since > until:
        raise ApiError(422, f"since {since} is after until {until}", "validation", "query.since",
                       "Swap the two dates.")


def known(field: str, lookup: Callable[[], Any]) -> Any:
    """``lookup()``, turning the library's NotFoundError into a 404 that names ``field``."""
    try:
        return lookup()
    except NotFoundError as exc:
        raise ApiError(404, str(exc), "not_found", field, exc.hint or None) from exc
