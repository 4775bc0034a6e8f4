"""Account administration on a running server (``/api/admin/...``).

The local admin endpoints are what ``panmun users`` calls while this server holds the store
(:mod:`panmun.web.admin`): they need the secret of this server's run, from the admin file
beside the store, in the ``X-Panmun-Admin`` header, and a client on this machine. They do
what the command does on the store (the same library functions, audited the same way):

* ``GET /api/admin/users``, ``POST /api/admin/users {name, password, role}``,
  ``DELETE /api/admin/users/{name}``, ``PUT /api/admin/users/{name}/role {role}``,
  ``POST /api/admin/users/{name}/tokens {label}``;
* ``POST /api/admin/users/{name}/revoke``: end every session and revoke every API token of
  the account at once. A signed-in admin may call this one from a session too (with the
  CSRF header; not with an API token).
"""

from __future__ import annotations

import hmac
import ipaddress
import re
from typing import Literal

from fastapi import APIRouter, Depends, Request
from fastapi import Path as PathParam
from pydantic import Field

from panmun.store.db import Store
from panmun.web import auth
from panmun.web.admin import ADMIN_HEADER, ADMIN_USER_HEADER
from panmun.web.checks import Body
from panmun.web.deps import client_address, current_user, require, store
from panmun.web.errors import ApiError

router = APIRouter(prefix="/admin", tags=["admin"])

LOGIN = re.compile(r"^[\w.@-]{1,64}$")
Name = PathParam(min_length=1, max_length=200, description="Account name")


class NewAccount(Body):
    name: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=auth.MAX_PASSWORD)
    role: Literal["viewer", "analyst", "admin"] = "analyst"


class RoleChange(Body):
    role: Literal["viewer", "analyst", "admin"]


class TokenLabel(Body):
    label: str | None = Field(default=None, max_length=200)


def _on_this_machine(request: Request) -> bool:
    """The client is this machine: a loopback address, or the address the server listens on."""
    host = client_address(request)
    server = request.scope.get("server") or (None, None)
    try:
        return ipaddress.ip_address(host).is_loopback or host == server[0]
    except ValueError:
        return host == server[0]


def local_admin(request: Request) -> str:
    """The login name of the local administrator (``panmun users``); 401 without the admin
    secret, 403 with a wrong one or from another machine."""
    sent = request.headers.get(ADMIN_HEADER)
    if sent is None:
        raise ApiError(401, "this needs the server's local admin secret", "unauthorized",
                       hint="Run `panmun users ...` on the machine that runs the server.")
    expected = getattr(request.app.state, "admin_secret", "")
    right = bool(expected) and hmac.compare_digest(sent.encode(), expected.encode())
    if not right or not _on_this_machine(request):
        raise ApiError(403, "wrong admin secret, or a client on another machine", "forbidden",
                       hint="Run `panmun users ...` on the machine that runs the server, as its user.")
    login = request.headers.get(ADMIN_USER_HEADER, "")
    return login if LOGIN.match(login) else "unknown"


async def admin_or_local(request: Request, user=Depends(current_user)) -> str:
    """The local administrator (admin secret), else a signed-in admin's session (with CSRF)."""
    if ADMIN_HEADER in request.headers:
        return local_admin(request)
    return (await require("admin", session_only=True)(request, user)).name


@router.get("/users")
def list_users(db: Store = Depends(store), who: str = Depends(local_admin)) -> list[dict]:
    """Every account: name, role, created_at, created_by, active API tokens (no hashes)."""
    return auth.user_rows(db)


@router.post("/users", status_code=201)
def add_user(body: NewAccount, db: Store = Depends(store), who: str = Depends(local_admin)) -> dict:
    """Create an account (argon2 hash of the password)."""
    user = auth.add_user(db, body.name, body.password, body.role, created_by=who)
    return {"name": user.name, "role": user.role}


@router.delete("/users/{name}")
def remove_user(name: str = Name, db: Store = Depends(store), who: str = Depends(local_admin)) -> dict:
    """Delete an account with its sessions and API tokens (effective at its next request)."""
    auth.remove_user(db, name, who=who)
    return {"name": name}


@router.put("/users/{name}/role")
def set_role(body: RoleChange, name: str = Name, db: Store = Depends(store),
             who: str = Depends(local_admin)) -> dict:
    """Give an account another role (effective at its next request)."""
    user = auth.set_role(db, name, body.role, who=who)
    return {"name": user.name, "role": user.role}


@router.post("/users/{name}/tokens", status_code=201)
def new_token(body: TokenLabel, name: str = Name, db: Store = Depends(store),
              who: str = Depends(local_admin)) -> dict:
    """A new API token of the account (shown only now)."""
    user = auth.require_user(db, name)
    token_id, token = auth.new_token(db, user, body.label, who=who)
    return {"name": name, "token_id": token_id, "token": token}


@router.post("/users/{name}/revoke")
def revoke(name: str = Name, db: Store = Depends(store), who: str = Depends(admin_or_local)) -> dict:
    """End every session and revoke every API token of the account: ``{name, account, tokens,
    sessions}`` (how many of each were ended; none for a name without an account)."""
    return auth.revoke_all(db, name, who=who)
