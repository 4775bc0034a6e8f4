"""Sign in and out (``/api/session``) and API tokens for scripts (``/api/tokens``).

Signing in sets the cookie ``panmun_session`` (HttpOnly, SameSite=Strict, Secure when the
server runs behind TLS) and returns the session's CSRF token, which every cookie-authenticated
write must send back in the ``X-CSRF-Token`` header. Wrong passwords and unknown names get
the same 401; repeated failures lock that name for the client that failed (429 ``locked``,
with Retry-After), for longer at each lockout. API tokens are made from a signed-in session
only (a token cannot make tokens); a request with a token may revoke that token and no
other. Every answer here is sent with ``Cache-Control: no-store`` (:mod:`panmun.web.guard`).
"""

from __future__ import annotations

import math

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from panmun.store.db import Store
from panmun.web import auth
from panmun.web.checks import Body
from panmun.web.deps import SESSION_COOKIE, client_address, current_user, require, store
from panmun.web.errors import ApiError

router = APIRouter(tags=["session"])

BAD_CREDENTIALS = "wrong name or password"


class SignIn(BaseModel):
    """Name and password: any text. A name or password no account can have (control characters,
    a lone surrogate) gets the same 401 as a wrong password, or 422 if it is not valid JSON text."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=auth.MAX_PASSWORD)


class NewToken(Body):
    label: str | None = Field(default=None, max_length=200)


@router.post("/session")
def sign_in(body: SignIn, request: Request, response: Response, db: Store = Depends(store)) -> dict:
    """Sign in with a name and password: sets the session cookie; returns the CSRF token."""
    lockout = auth.LOCKOUT
    key = (body.name, client_address(request))
    wait = lockout.begin(key)
    if wait > 0:
        raise ApiError(429, f"too many failed sign-ins for this name; try again in {math.ceil(wait)} s",
                       "locked", hint="Wait, then sign in again; an admin can reset the password.",
                       headers={"Retry-After": str(math.ceil(wait))})
    user = None
    try:
        user = auth.verify(db, body.name, body.password)
    finally:
        lockout.end(key, ok=user is not None)
    if user is None:
        raise ApiError(401, BAD_CREDENTIALS, "unauthorized",
                       hint="Check the name and password; an admin can reset them with `panmun users`.")
    settings = request.app.state.settings
    sid, csrf = auth.new_session(db, user, settings.session_hours)
    response.set_cookie(SESSION_COOKIE, sid, max_age=int(settings.session_hours * 3600), path="/",
                        httponly=True, samesite="strict", secure=settings.cookie_secure)
    return {"name": user.name, "role": user.role, "csrf": csrf}


@router.get("/session")
def whoami(request: Request, user=Depends(current_user)) -> dict:
    """Who is signed in (and the CSRF token of a cookie session)."""
    if user is None:
        return {"signed_in": False}
    return {"signed_in": True, "name": user.name, "role": user.role, "csrf": request.state.csrf}


@router.delete("/session", status_code=204)
def sign_out(request: Request, user=Depends(require("viewer")), db: Store = Depends(store)) -> Response:
    """Sign out: the session ends and the cookie is cleared (needs the CSRF header)."""
    sid = request.cookies.get(SESSION_COOKIE)
    if sid:
        auth.end_session(db, sid)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict",
                           secure=request.app.state.settings.cookie_secure)
    return response


@router.post("/tokens", status_code=201)
def create_token(body: NewToken, user=Depends(require("viewer", session_only=True)),
                 db: Store = Depends(store)) -> dict:
    """A new API token of the signed-in user (send it as ``Authorization: Bearer ...``); shown
    only now. Needs a session: a token cannot make tokens."""
    token_id, token = auth.new_token(db, user, body.label)
    return {"id": token_id, "token": token, "label": body.label}


@router.get("/tokens")
def my_tokens(user=Depends(require("viewer")), db: Store = Depends(store)) -> list[dict]:
    """The caller's API tokens (id, label, created_at, revoked_at; never the secret)."""
    return auth.list_tokens(db, user.name)


@router.delete("/tokens/{token_id}", status_code=204)
def delete_token(token_id: str, request: Request, user=Depends(require("viewer")),
                 db: Store = Depends(store)) -> Response:
    """Revoke one of the caller's tokens, with every token made with it (an admin may revoke
    anyone's). With a token, only that token itself: a token cannot revoke its siblings or the
    token it came from."""
    if request.state.auth == "token" and token_id != request.state.token_id:
        auth.revocable(db, token_id, auth.User(user.name, "viewer"))   # another's token: 404 as before
        raise ApiError(403, "an API token may revoke only itself", "forbidden",
                       hint="Sign in to revoke your other tokens, or use `panmun users revoke NAME`.")
    auth.revoke_token(db, token_id, user)
    return Response(status_code=204)
