"""``panmun serve``: the web workbench (REST API and dashboard) on uvicorn.

By default the server listens on the loopback interface only. It has no TLS of its own:
on any other interface passwords, session cookies and API tokens would cross the
network in clear text, so a non-loopback ``--host`` is refused unless ``--public`` is given
(for a trusted network, or behind a TLS-terminating reverse proxy: see docs/web.md).

Proxy headers (``X-Forwarded-For``, ``X-Forwarded-Proto``) are ignored unless
``--trusted-proxy ADDR`` names the reverse proxy (an address or a network; repeatable):
uvicorn's own default, which believes them from any loopback client, is turned off, so no
client can choose the address the server sees (docs/web-security.md).
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


def trusted_proxies(values: list[str]) -> tuple[str, ...]:
    """The ``--trusted-proxy`` values as IP addresses or networks; InputError for anything else
    (``*``, host names: trusting every client is the weakness this option exists to avoid)."""
    out = []
    for value in values:
        for item in (v.strip() for v in value.split(",")):
            try:
                out.append(str(ipaddress.ip_network(item, strict=False)) if "/" in item
                           else str(ipaddress.ip_address(item.strip("[]"))))
            except ValueError as exc:
                raise InputError(f"--trusted-proxy {item!r}: give the proxy's IP address or network "
                                 "(e.g. 127.0.0.1 or 10.0.0.0/24)",
                                 hint="Name the reverse proxy only.") from exc
    return tuple(out)


def _log_config(level: str) -> dict:
    """uvicorn's logging, with the workbench's own messages (refused bodies, admin file) beside it."""
    import copy

    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["panmun"] = {"handlers": ["default"], "level": level.upper(), "propagate": False}
    return config


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
    trusted_proxy: list[str] = typer.Option([], "--trusted-proxy", help="Address or network of the "
                                            "reverse proxy in front (repeatable): only its X-Forwarded-For "
                                            "is believed. Without it the header is ignored."),
    update_every: str | None = typer.Option(None, "--update-every", help="Update the store from the public "
                                            "feeds every so often, e.g. 1h or 1d (off by default; admins can "
                                            "also start one from the overview page)."),
    update_mirror: list[str] = typer.Option([], "--update-mirror", help="Read the feeds from an internal "
                                            "mirror, as `panmun update --mirror` (repeatable)."),
    update_from_dir: Path | None = typer.Option(None, "--update-from-dir", help="Read the feeds' files from "
                                                "a folder, as `panmun update --from-dir`."),
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
    proxies = trusted_proxies(trusted_proxy)
    from panmun.web.updater import parse_every

    every = parse_every(update_every) if update_every is not None else None
    if update_mirror and update_from_dir is not None:
        raise InputError("give --update-mirror or --update-from-dir, not both")
    if update_from_dir is not None and not update_from_dir.is_dir():
        raise InputError(f"--update-from-dir {update_from_dir}: no such folder")
    import uvicorn

    from panmun.web.app import create_app
    from panmun.web.settings import Settings

    path = db if db is not None else (ctx.obj or {}).get("db")
    shown = f"[{host}]" if ":" in host else host
    app = create_app(path, Settings(cookie_secure=cookie_secure, job_workers=job_workers,
                                    trusted_proxies=proxies, admin_url=f"http://{_local(host)}:{port}",
                                    update_every=every, update_mirror=tuple(update_mirror),
                                    update_from_dir=update_from_dir))
    typer.echo(f"panmun workbench on http://{shown}:{port}/ (store {app.state.store.path}); Ctrl-C stops it",
               err=True)
    # proxy headers are the app's business (Settings.trusted_proxies), never uvicorn's default
    uvicorn.run(app, host=host, port=port, log_level=log_level, server_header=False, proxy_headers=False,
                log_config=_log_config(log_level))


def _local(host: str) -> str:
    """How a command on this machine reaches a server listening on ``host``."""
    if host in ("0.0.0.0", ""):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host
