"""Server settings: limits, secrets, worker counts (one immutable object per app)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

ENV_SECRET = "PANMUN_SECRET"


def _secret() -> str:
    """``$PANMUN_SECRET``, else a random key kept in the user data dir (created once)."""
    env = os.environ.get(ENV_SECRET)
    if env:
        return env
    path = Path(platformdirs.user_data_dir("panmun", appauthor=False)) / "server-secret"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key, encoding="utf-8")
    path.chmod(0o600)
    return key


@dataclass(frozen=True)
class Settings:
    """Limits and secrets of one server.

    ``max_body_bytes``: largest request body accepted (413 beyond), enforced while the bytes
    arrive. ``max_runs``: largest ensemble a job may ask for. ``max_jobs_per_user``: jobs a
    user (or an anonymous client address) may have queued or running at once;
    ``max_anonymous_jobs``: queued or running jobs of all anonymous clients together.
    ``job_workers``: processes that run jobs (so that long computations never block the
    pages; they run at a lower CPU priority than the server, and with 2 of them on 2 cores the
    load test meets its target, docs/web.md). ``cookie_secure``: send cookies only over HTTPS
    (set it behind TLS). ``session_hours``: sign-in lifetime. ``read_seconds`` and
    ``read_refill``: each client's budget of computing time for reads that are not cached yet
    (seconds, and seconds regained per second; :mod:`panmun.web.throttle`).
    ``trusted_proxies``: addresses or networks of reverse proxies whose ``X-Forwarded-For``
    names the client (empty: the header is ignored). ``admin_url``: where ``panmun users``
    reaches this server while it holds the store (set by ``panmun serve``;
    :mod:`panmun.web.admin`). ``update_every``: seconds between the server's own updates
    from the public feeds (None: only when an admin starts one); ``update_mirror`` and
    ``update_from_dir``: where they read the feeds (:mod:`panmun.web.updater`).
    """

    max_body_bytes: int = 1_000_000
    max_runs: int = 200_000
    max_jobs_per_user: int = 3
    max_anonymous_jobs: int = 6
    job_workers: int = 2
    cookie_secure: bool = False
    session_hours: float = 12.0
    read_seconds: float = 60.0
    read_refill: float = 0.25
    trusted_proxies: tuple[str, ...] = ()
    admin_url: str | None = None
    update_every: float | None = None
    update_mirror: tuple[str, ...] = ()
    update_from_dir: Path | None = None
    secret: str = field(default_factory=_secret, repr=False)
