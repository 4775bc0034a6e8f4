"""Sign in and out (``/api/session``) and API tokens for scripts (``/api/tokens``).

Signing in sets the cookie ``panmun_session`` (HttpOnly, SameSite=Strict, Secure when the
server runs behind TLS) and returns the session's CSRF token, which every cookie-authenticated
write must send back in the ``X-CSRF-Token`` header. Wrong passwords and unknown names get
the same 401; repeated failures lock the name for a short time (429).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from panmun.jsonify import records
from panmun.store.db import Store
from panmun.web import auth
from panmun.web.deps import SESSION_COOKIE, current_user, require, store
from panmun.web.errors import ApiError

router = APIRouter(tags=["session"])

BAD_CREDENTIALS = "wrong name or password"


class SignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=auth.MAX_PASSWORD)


class NewToken(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: str | None = Field(default=None, max_length=200)


@router.post("/session")
def sign_in(body: SignIn, request: Request, response: Response, db: Store = Depends(store)) -> dict:
    """Sign in with a name and password: sets the session cookie; returns the CSRF token."""
    lockout = auth.LOCKOUT
    wait = lockout.wait(body.name)
    if wait > 0:
        raise ApiError(429, f"too many failed sign-ins for this name; try again in {wait:.0f} s",
                       "locked", hint="Wait, then sign in again; an admin can reset the password.")
    user = auth.verify(db, body.name, body.password)
    if user is None:
        lockout.failed(body.name)
        raise ApiError(401, BAD_CREDENTIALS, "unauthorized",
                       hint="Check the name and password; an admin can reset them with `panmun users`.")
    lockout.succeeded(body.name)
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
def create_token(body: NewToken, user=Depends(require("viewer")), db: Store = Depends(store)) -> dict:
    """A new API token of the caller (send it as ``Authorization: Bearer ...``); shown only now."""
    token_id, token = auth.new_token(db, user, body.label)
    return {"id": token_id, "token": token, "label": body.label}


@router.get("/tokens")
def my_tokens(user=Depends(require("viewer")), db: Store = Depends(store)) -> list[dict]:
    """The caller's API tokens (id, label, created_at, revoked_at; never the secret)."""
    return records(auth.list_tokens(db, user.name))


@router.delete("/tokens/{token_id}", status_code=204)
def delete_token(token_id: str, user=Depends(require("viewer")), db: Store = Depends(store)) -> Response:
    """Revoke one of the caller's tokens (an admin may revoke anyone's)."""
    auth.revoke_token(db, token_id, user)
    return Response(status_code=204)
