"""The ASGI application: ``create_app(db)`` wires the API, the pages, limits and headers.

Layout (each router module is a thin adapter over the library functions):

* ``/api/...`` — JSON: :mod:`panmun.web.api.read` (everything that reads),
  :mod:`panmun.web.api.writes` (status updates, events, scenarios: analysts only),
  :mod:`panmun.web.api.jobs` (long computations as jobs), :mod:`panmun.web.api.session`
  (sign in and out, API tokens). Errors: one JSON shape (:mod:`panmun.web.errors`).
* ``/`` — the dashboard pages (:mod:`panmun.web.pages.routes`) and ``/static/...`` (CSS,
  JavaScript and the vendored Plotly bundle: nothing is fetched from the internet).
* ``/openapi.json`` — the OpenAPI description of ``/api``.

The store is opened once; every request works on its own DuckDB cursor
(:func:`panmun.web.deps.store`), so requests can run in parallel threads.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.responses import Response

from panmun._version import __version__
from panmun.store.db import open_store
from panmun.web import errors
from panmun.web.settings import Settings

#: Content Security Policy: every script, style, font and image from this server only.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")


class _Limits(BaseHTTPMiddleware):
    """Refuse bodies over ``max_body_bytes`` (413, JSON error shape) and set safety headers."""

    def __init__(self, app, settings: Settings):
        super().__init__(app)
        self.settings = settings

    async def dispatch(self, request: Request, call_next) -> Response:
        limit = self.settings.max_body_bytes
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            return errors.error_response(413, f"request body over {limit:,} bytes", "too_large",
                                         hint="Send less data per request.")
        if request.method in ("POST", "PUT", "PATCH", "DELETE") and length is None:
            body = await request.body()          # chunked upload: measure it
            if len(body) > limit:
                return errors.error_response(413, f"request body over {limit:,} bytes", "too_large",
                                             hint="Send less data per request.")
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response


def create_app(db: Path | str | None = None, settings: Settings | None = None) -> FastAPI:
    """The workbench on the store at ``db`` (default: ``$PANMUN_DB`` or the user data dir)."""
    from panmun.web.api import jobs, read, session, writes
    from panmun.web.jobs import JobManager
    from panmun.web.pages import routes as pages

    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        app.state.jobs.shutdown()
        app.state.store.close()

    app = FastAPI(title="panmun workbench API", version=__version__,
                  description="The Korean Peninsula peace-process workbench: read, record, run.",
                  openapi_url="/openapi.json", docs_url=None, redoc_url=None, lifespan=lifespan)
    app.state.settings = settings
    app.state.store = open_store(db)
    app.state.jobs = JobManager(settings, app.state.store.path)
    errors.install(app)
    app.add_middleware(_Limits, settings=settings)
    for module in (read, writes, jobs, session):
        app.include_router(module.router, prefix="/api")
    pages.install(app)
    return app
