"""One JSON error shape for every API error.

Every error response of ``/api/...`` has the body::

    {"error": {"status": 404, "code": "not_found", "message": "...", "field": null, "hint": "..."}}

``code`` is a stable word (``bad_request``, ``validation``, ``unauthorized``, ``forbidden``,
``not_found``, ``conflict``, ``too_large``, ``too_many_jobs``, ``locked``, ``rate_limited``,
``csrf``, ``internal``);
``field`` names the offending input (``query.at``, ``body.score``) when there is one; ``hint``
says what to do next. Page routes render errors as HTML instead (see ``pages``).
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from panmun.errors import InputError, NotFoundError, PanmunError, ValidationError

CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
         405: "method_not_allowed", 409: "conflict", 413: "too_large", 422: "validation",
         429: "too_many_jobs", 500: "internal"}


@dataclass
class ApiError(Exception):
    """Raise from a route to answer with the JSON error shape."""

    status: int
    message: str
    code: str | None = None
    field: str | None = None
    hint: str | None = None
    headers: dict[str, str] | None = None


def _printable(text: str | None) -> str | None:
    """``text`` with lone surrogates (which a client can send in JSON, and which UTF-8 cannot
    encode) replaced, so that an error quoting the client's input can always be sent."""
    return None if text is None else text.encode("utf-8", "replace").decode("utf-8")


def error_body(status: int, message: str, code: str | None = None, field: str | None = None,
               hint: str | None = None) -> dict:
    return {"error": {"status": status, "code": code or CODES.get(status, "error"),
                      "message": _printable(message), "field": _printable(field), "hint": _printable(hint)}}


def error_response(status: int, message: str, code: str | None = None, field: str | None = None,
                   hint: str | None = None, headers: dict | None = None) -> JSONResponse:
    return JSONResponse(error_body(status, message, code, field, hint), status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    """Register the handlers that turn every exception into the shape above."""

    @app.exception_handler(ApiError)
    async def _api(request: Request, exc: ApiError):
        return error_response(exc.status, exc.message, exc.code, exc.field, exc.hint, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        field = ".".join(str(p) for p in first.get("loc", ())) or None
        return error_response(422, first.get("msg", "invalid input"), "validation", field,
                              "See /openapi.json for the expected input.")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        return error_response(exc.status_code, str(exc.detail), headers=getattr(exc, "headers", None))

    @app.exception_handler(NotFoundError)
    async def _not_found(request: Request, exc: NotFoundError):
        return error_response(404, str(exc), "not_found", hint=getattr(exc, "hint", None) or None)

    @app.exception_handler(ValidationError)
    async def _invalid(request: Request, exc: ValidationError):
        return error_response(422, str(exc), "validation", hint=getattr(exc, "hint", None) or None)

    @app.exception_handler(InputError)
    async def _input(request: Request, exc: InputError):
        return error_response(400, str(exc), "bad_request", hint=getattr(exc, "hint", None) or None)

    @app.exception_handler(PanmunError)
    async def _panmun(request: Request, exc: PanmunError):
        return error_response(400, str(exc), "bad_request", hint=getattr(exc, "hint", None) or None)

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception):
        return error_response(500, "internal error", "internal",
                              hint="The server logged the details; try again or report it.")
