"""The ASGI application: ``create_app(db)`` wires the API, the pages, limits and headers.

Layout (each router module is a thin adapter over the library functions):

* ``/api/...`` — JSON: one router per topic for everything that reads (:mod:`panmun.web.api.agreements`,
  ``events``, ``environment``, ``forecast``, ``armscontrol``, ``actors``, ``roadmap``, ``health``; their
  shared inputs in :mod:`panmun.web.api.common` and cache policies in :mod:`panmun.web.api.caching`),
  :mod:`panmun.web.api.writes` (status updates, events, scenarios: analysts only),
  :mod:`panmun.web.api.jobs` (long computations as jobs), :mod:`panmun.web.api.session`
  (sign in and out, API tokens), :mod:`panmun.web.api.admin` (accounts, for ``panmun users``
  while the server runs). Errors: one JSON shape (:mod:`panmun.web.errors`).
* ``/`` — the dashboard pages (:mod:`panmun.web.pages.routes`) and ``/static/...`` (CSS,
  JavaScript and the vendored Plotly bundle: nothing is fetched from the internet).
* ``/openapi.json`` — the OpenAPI description of ``/api``.

The store is opened once; every request works on its own DuckDB cursor
(:func:`panmun.web.deps.store`), so requests can run in parallel threads. Every request and
answer passes :class:`panmun.web.guard.Guard` first: the client's address, the body limit
while bytes arrive, the safety headers.
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from panmun._version import __version__
from panmun.store.opening import open_store
from panmun.web import errors
from panmun.web.guard import CSP, Guard
from panmun.web.settings import Settings

__all__ = ["CSP", "Workbench", "create_app"]

log = logging.getLogger("panmun.web")


class Workbench(FastAPI):
    """The FastAPI application with :class:`panmun.web.guard.Guard` outside everything else
    (Starlette's error middleware included), so that no answer escapes its limits and headers."""

    def build_middleware_stack(self):
        return Guard(super().build_middleware_stack(), self.state.settings)


def create_app(db: Path | str | None = None, settings: Settings | None = None) -> FastAPI:
    """The workbench on the store at ``db`` (default: ``$PANMUN_DB`` or the user data dir)."""
    from panmun.web import admin
    from panmun.web.api import (
        actors,
        agreements,
        armscontrol,
        environment,
        events,
        forecast,
        health,
        jobs,
        roadmap,
        session,
        update,
        writes,
    )
    from panmun.web.api import admin as admin_api
    from panmun.web.jobs import JobManager
    from panmun.web.pages import routes as pages
    from panmun.web.throttle import ComputeBudget
    from panmun.web.updater import Updater

    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if settings.admin_url:
            path = admin.publish(app.state.store.path, settings.admin_url, app.state.admin_secret)
            log.info("accounts can be administered with `panmun users` while this server runs (%s)", path)
        app.state.updater.start()
        try:
            yield
        finally:
            app.state.updater.stop()
            if settings.admin_url:
                admin.withdraw(app.state.store.path, app.state.admin_secret)
            app.state.jobs.shutdown()
            app.state.store.close()

    app = Workbench(title="panmun workbench API", version=__version__,
                    description="The Korean Peninsula peace-process workbench: read, record, run.",
                    openapi_url="/openapi.json", docs_url=None, redoc_url=None, lifespan=lifespan)
    app.state.settings = settings
    app.state.store = open_store(db)
    app.state.jobs = JobManager(settings, app.state.store.path)
    app.state.read_budget = ComputeBudget(settings.read_seconds, settings.read_refill)
    app.state.admin_secret = admin.new_secret()
    app.state.updater = Updater(app.state.store, settings.update_every, settings.update_mirror,
                                settings.update_from_dir)
    errors.install(app)
    for module in (health, agreements, events, environment, forecast, armscontrol, actors, roadmap,
                   writes, jobs, session, update, admin_api):
        app.include_router(module.router, prefix="/api")
    pages.install(app)
    return app
