"""The outermost layer of the workbench: who the client is, how much it may send, and the
headers of every answer.

:class:`Guard` wraps the whole application (outside Starlette's own error handling, so even
a 500 passes through it) and, for every HTTP request:

* **client address**: the connection's peer; ``X-Forwarded-For`` is believed only when the
  peer is one of ``Settings.trusted_proxies`` (uvicorn's own proxy handling, applied here
  and only then; ``panmun serve`` turns uvicorn's default, which trusts loopback, off);
* **body limit while the bytes arrive**: a declared ``Content-Length`` over
  ``Settings.max_body_bytes`` is refused before a byte is read; otherwise the ``receive``
  channel counts the bytes the application reads and stops at the limit. The answer is 413
  ``too_large`` with ``Connection: close``, so the server stops reading the connection, and
  the refusal is logged with the number of bytes read. An answer given while part of a
  request body is still unread (a route that reads no body) also closes the connection,
  so the rest is never drained;
* **headers**: the Content Security Policy and the other safety headers on every answer
  (413 and 429 included), and ``Cache-Control: no-store`` on answers about sessions, tokens
  and accounts, and on any answer that sets a cookie.
"""

from __future__ import annotations

import logging

from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from panmun.web import errors

log = logging.getLogger("panmun.web")

#: Content Security Policy: every script, style, font and image from this server only.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
SECURITY_HEADERS = (("Content-Security-Policy", CSP), ("X-Content-Type-Options", "nosniff"),
                    ("X-Frame-Options", "DENY"), ("Referrer-Policy", "no-referrer"))
#: Paths whose answers carry credentials or account data: never cached.
NO_STORE = ("/api/session", "/api/tokens", "/api/admin", "/signin")


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` once a request body passes the limit (an HTTPException, so the
    framework lets it through its body parsing unchanged)."""

    def __init__(self, limit: int):
        super().__init__(413, f"request body over {limit:,} bytes")


class _Body:
    """The request's ``receive``, counting body bytes and stopping at ``limit``."""

    def __init__(self, receive: Receive, limit: int):
        self._receive, self.limit = receive, limit
        self.read, self.exceeded, self.complete = 0, False, False

    async def receive(self) -> Message:
        if self.exceeded:
            raise BodyTooLarge(self.limit)
        message = await self._receive()
        if message["type"] == "http.request":
            self.read += len(message.get("body", b""))
            self.complete = not message.get("more_body", False)
            if self.read > self.limit:
                self.exceeded = True
                raise BodyTooLarge(self.limit)
        return message


def _too_large(limit: int) -> tuple[dict, bytes | memoryview]:
    body = errors.error_response(413, f"request body over {limit:,} bytes", "too_large",
                                 hint="Send less data per request.").body
    return ({"type": "http.response.start", "status": 413,
             "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                         (b"connection", b"close")]}, body)


class Guard:
    """See the module's description. ``app``: the application; ``settings``: its Settings."""

    def __init__(self, app: ASGIApp, settings):
        self.settings = settings
        if settings.trusted_proxies:
            from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

            # uvicorn and starlette each declare the ASGI callable in their own (compatible) types
            app = ProxyHeadersMiddleware(app, trusted_hosts=list(settings.trusted_proxies))  # type: ignore[arg-type,assignment]
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        headers = Headers(scope=scope)
        no_store = path.startswith(NO_STORE)
        has_body = "transfer-encoding" in headers or headers.get("content-length", "0") not in ("", "0")
        limit = self.settings.max_body_bytes
        body = _Body(receive, limit)
        state = {"started": False, "refused": False}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                state["started"] = True
                out = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS:
                    if name not in out:
                        out[name] = value
                if no_store or "set-cookie" in out:
                    out["Cache-Control"] = "no-store"
                if has_body and not body.complete and "connection" not in out:
                    out["Connection"] = "close"          # do not drain what the route did not read
            await send(message)

        async def refuse() -> None:
            state["refused"] = True
            log.warning("request body over %s bytes: refused after reading %s bytes (%s %s from %s)",
                        f"{limit:,}", f"{body.read:,}", scope.get("method"), path,
                        (scope.get("client") or ("?",))[0])
            start, content = _too_large(limit)
            await send_with_headers(start)
            await send({"type": "http.response.body", "body": content})

        async def guarded_send(message: Message) -> None:
            if body.exceeded:                  # the route's own answer to the refusal: ours instead
                if not state["started"] and not state["refused"]:
                    await refuse()
                return
            await send_with_headers(message)

        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await refuse()                     # declared too large: not a byte is read
            return
        try:
            await self.app(scope, body.receive, guarded_send)
        except Exception:
            if not body.exceeded:
                raise
            if not state["started"] and not state["refused"]:
                await refuse()
