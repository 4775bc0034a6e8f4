"""Request dependencies: the store, the signed-in user, roles and CSRF.

Who is asking: a session cookie (``panmun_session``, set by ``POST /api/session`` or the
sign-in page) or an API token (``Authorization: Bearer <token>``, for scripts). Anyone
the server admits may read; writes need the role ``analyst`` or ``admin``. A write
authenticated by the cookie must carry the session's CSRF token (header ``X-CSRF-Token``
or form field ``csrf``); token-authenticated writes need none (no cookie is involved).

The client's address (:func:`client_address`) is the peer of the connection; behind a
reverse proxy named with ``panmun serve --trusted-proxy``, the address that proxy gives in
``X-Forwarded-For`` (:mod:`panmun.web.guard`); no other client can choose it.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator

from fastapi import Depends, Request

from panmun.store.db import Store
from panmun.web.errors import ApiError

SESSION_COOKIE = "panmun_session"
CSRF_HEADER = "X-CSRF-Token"
ROLES = ("viewer", "analyst", "admin")


def store(request: Request) -> Iterator[Store]:
    """A store on a cursor of its own for this request."""
    shared: Store = request.app.state.store
    cursor = shared.con.cursor()
    try:
        yield Store(cursor, shared.path)
    finally:
        cursor.close()


def client_address(request: Request) -> str:
    """The address of the client (see the module's notes on proxies)."""
    return request.client.host if request.client else "unknown"


def current_user(request: Request, db: Store = Depends(store)):
    """The signed-in :class:`panmun.web.auth.User`, or None for an anonymous reader.

    Sets ``request.state.auth`` to ``"cookie"``, ``"token"`` or None,
    ``request.state.csrf`` to the session's CSRF token (cookie sessions) and
    ``request.state.token_id`` to the id of the API token used (token requests).
    """
    from panmun.web import auth

    request.state.auth, request.state.csrf, request.state.token_id = None, None, None
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        found = auth.token_identity(db, header[7:].strip())
        if found is None:
            raise ApiError(401, "unknown or revoked API token", "unauthorized",
                           hint="Create a token with `panmun users token NAME`.")
        user, request.state.token_id = found
        request.state.auth = "token"
        return user
    sid = request.cookies.get(SESSION_COOKIE)
    if sid:
        found = auth.session_user(db, sid)
        if found is not None:
            user, csrf = found
            request.state.auth, request.state.csrf = "cookie", csrf
            return user
    return None


def require(role: str, session_only: bool = False):
    """A dependency: the user must hold ``role`` or a higher one (viewer < analyst < admin);
    cookie-authenticated unsafe requests must carry the CSRF token. ``session_only``: the
    request must come from a signed-in session, not an API token (managing credentials: a
    stolen token must not be able to make more of them)."""

    async def check(request: Request, user=Depends(current_user)):
        if user is None:
            raise ApiError(401, "sign in first", "unauthorized",
                           hint="POST /api/session with your name and password, or send an API token.")
        if ROLES.index(user.role) < ROLES.index(role):
            raise ApiError(403, f"{user.name} is a {user.role}; this needs {role}", "forbidden",
                           hint="Ask an admin: `panmun users add NAME --role analyst`.")
        if session_only and request.state.auth != "cookie":
            raise ApiError(403, "this needs a signed-in session, not an API token", "forbidden",
                           hint="Sign in (POST /api/session) and send the CSRF token, or use `panmun users`.")
        if request.method not in ("GET", "HEAD", "OPTIONS") and request.state.auth == "cookie":
            sent = request.headers.get(CSRF_HEADER)
            if sent is None and request.headers.get("content-type", "").startswith(
                    ("application/x-www-form-urlencoded", "multipart/form-data")):
                # starlette: a form field is text or an uploaded file; only text can be the token
                form = await request.form()
                field = form.get("csrf")
                sent = field if isinstance(field, str) else None
                if sent is None:   # refused below: free the files the form spooled
                    await form.close()
            if not sent or not request.state.csrf or not hmac.compare_digest(sent.encode(),
                                                                             request.state.csrf.encode()):
                raise ApiError(403, "missing or wrong CSRF token", "csrf",
                               hint=f"Send the token from GET /api/session in the {CSRF_HEADER} header.")
        return user

    return check
