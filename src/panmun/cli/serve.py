"""``panmun serve``: the web workbench (REST API and dashboard) on uvicorn.

By default the server listens on the loopback interface only. It has no TLS of its own:
on any other interface passwords, session cookies and API tokens would cross the
network in clear text, so a non-loopback ``--host`` is refused unless ``--public`` is given
(for a trusted network, or behind a TLS-terminating reverse proxy: see docs/web.md).
"""

from __future__ import annotations

import ipaddress
from pathlib import Path

import typer

from panmun.errors import InputError


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serve(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on (loopback by default)."),
    port: int = typer.Option(8000, "--port", help="TCP port."),
    db: Path | None = typer.Option(None, "--db", help="Store file (overrides the global --db)."),
    public: bool = typer.Option(False, "--public", help="Allow a non-loopback --host. There is no TLS built "
                                "in: put a TLS-terminating reverse proxy in front."),
    cookie_secure: bool = typer.Option(False, "--cookie-secure", help="Send the session cookie over HTTPS "
                                       "only (behind a TLS reverse proxy)."),
    job_workers: int = typer.Option(2, "--job-workers", help="Processes that run jobs (ensembles, plans, "
                                    "briefings)."),
    log_level: str = typer.Option("warning", "--log-level", help="uvicorn's log level (info logs every "
                                  "request)."),
) -> None:
    """Start the web workbench: the dashboard at / and the API under /api (OpenAPI at /openapi.json)."""
    if not is_loopback(host) and not public:
        raise InputError(f"--host {host} is not a loopback address: the server has no TLS, so passwords and "
                         "session cookies would travel in clear text",
                         hint="Serve on 127.0.0.1 behind a TLS reverse proxy, or pass --public if you accept "
                              "the risk on a trusted network.")
    if not 1 <= port <= 65535:
        raise InputError(f"--port {port}: give 1 to 65535")
    if not 1 <= job_workers <= 32:
        raise InputError(f"--job-workers {job_workers}: give 1 to 32")
    import uvicorn

    from panmun.web.app import create_app
    from panmun.web.settings import Settings

    path = db if db is not None else (ctx.obj or {}).get("db")
    app = create_app(path, Settings(cookie_secure=cookie_secure, job_workers=job_workers))
    shown = f"[{host}]" if ":" in host else host
    typer.echo(f"panmun workbench on http://{shown}:{port}/ (store {app.state.store.path}); Ctrl-C stops it",
               err=True)
    uvicorn.run(app, host=host, port=port, log_level=log_level, server_header=False)
