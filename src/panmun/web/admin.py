"""Account administration that works whether or not a server holds the store.

DuckDB lets one process open the store file for writing, and a running ``panmun serve``
holds it; so ``panmun users`` (add, remove, role, token, revoke, list) opens the store
itself when it can, and otherwise sends the change to the server that holds it, which
makes it through its own connection (the same library functions, audited the same way).

**How the command line finds and proves itself to the server.** At start-up the server
writes ``<store file>.admin`` beside the store, readable by its own user only (mode 0600):
its local URL and a random secret made for this run (32 bytes), and its process id. The
command reads that file and sends the secret in the ``X-Panmun-Admin`` header to the local
admin endpoints (:mod:`panmun.web.api.admin`), which also refuse any client that is not on
this machine. Whoever can read the file can administer the accounts, exactly as whoever
can open the store file could before; the server removes the file when it stops.
"""

from __future__ import annotations

import getpass
import json
import os
import secrets
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from panmun.errors import InputError, NotFoundError, StoreError

ADMIN_HEADER = "X-Panmun-Admin"
#: Who runs the command (their login name), recorded in the audit like a local change.
ADMIN_USER_HEADER = "X-Panmun-Admin-User"
SUFFIX = ".admin"


def admin_file(store_path: str | Path) -> Path:
    """The admin file of the store at ``store_path``: ``<store file>.admin``."""
    return Path(f"{store_path}{SUFFIX}")


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def publish(store_path: str | Path, url: str, secret: str) -> Path:
    """Write the admin file (mode 0600, replaced atomically) for a server at ``url``."""
    path = admin_file(store_path)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump({"url": url, "secret": secret, "pid": os.getpid()}, out)
    os.replace(tmp, path)
    return path


def withdraw(store_path: str | Path, secret: str) -> None:
    """Remove the admin file if it is still this server's (holds ``secret``)."""
    path = admin_file(store_path)
    try:
        if json.loads(path.read_text(encoding="utf-8")).get("secret") == secret:
            path.unlink()
    except (OSError, ValueError, AttributeError):
        pass


def is_lock_error(exc: StoreError) -> bool:
    """True when the store could not be opened because another process holds it."""
    import duckdb

    cause = exc.__cause__
    return isinstance(cause, duckdb.IOException) and "lock" in str(cause).lower()


class LocalAccounts:
    """Account changes made on the store directly (no server holds it)."""

    def __init__(self, store):
        self.store = store

    def list(self) -> list[dict]:
        from panmun.web import auth

        return auth.user_rows(self.store)

    def add(self, name: str, password: str, role: str) -> dict:
        from panmun.web import auth

        user = auth.add_user(self.store, name, password, role)
        return {"name": user.name, "role": user.role}

    def remove(self, name: str) -> dict:
        from panmun.web import auth

        auth.remove_user(self.store, name)
        return {"name": name}

    def role(self, name: str, role: str) -> dict:
        from panmun.web import auth

        user = auth.set_role(self.store, name, role)
        return {"name": user.name, "role": user.role}

    def token(self, name: str, label: str | None) -> dict:
        from panmun.web import auth

        user = auth.require_user(self.store, name)
        token_id, token = auth.new_token(self.store, user, label, who=_login())
        return {"name": name, "token_id": token_id, "token": token}

    def revoke(self, name: str) -> dict:
        from panmun.web import auth

        return auth.revoke_all(self.store, name)


class ServerAccounts:
    """Account changes sent to the running server that holds the store (see the module)."""

    def __init__(self, store_path: str | Path):
        path = admin_file(store_path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            self.url, self.secret = str(data["url"]).rstrip("/"), str(data["secret"])
        except FileNotFoundError as exc:
            raise StoreError(f"the store {store_path} is in use by another process, and no running "
                             f"`panmun serve` announces itself beside it ({path.name} is missing)",
                             hint="Wait for the other panmun command to finish, or stop the server that "
                                  "holds the store (a server started before this version cannot be "
                                  "reached: restart it).") from exc
        except PermissionError as exc:
            raise StoreError(f"the store {store_path} is held by a running `panmun serve`, and its admin "
                             f"file {path} is not readable by you",
                             hint="Run `panmun users` as the user that runs the server.") from exc
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise StoreError(f"the admin file {path} of the running server cannot be read: {exc}") from exc

    def _call(self, method: str, path: str, body: dict | None = None) -> Any:
        data = json.dumps(body).encode("utf-8") if body is not None else None
        request = urllib.request.Request(
            self.url + path, data=data, method=method,
            headers={ADMIN_HEADER: self.secret, ADMIN_USER_HEADER: _login(), "Accept": "application/json",
                     **({"Content-Type": "application/json"} if data is not None else {})})
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))   # never via a proxy
        try:
            with opener.open(request, timeout=120) as answer:
                return json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as exc:
            raise _refusal(exc) from exc
        except (urllib.error.URLError, OSError) as exc:
            raise StoreError(f"the store is held by the server at {self.url}, which does not answer: {exc}",
                             hint="Is the server still running? If it stopped uncleanly, try again.") from exc

    @staticmethod
    def _name(name: str) -> str:
        return urllib.parse.quote(name, safe="")

    def list(self) -> list[dict]:
        return self._call("GET", "/api/admin/users")

    def add(self, name: str, password: str, role: str) -> dict:
        return self._call("POST", "/api/admin/users", {"name": name, "password": password, "role": role})

    def remove(self, name: str) -> dict:
        return self._call("DELETE", f"/api/admin/users/{self._name(name)}")

    def role(self, name: str, role: str) -> dict:
        return self._call("PUT", f"/api/admin/users/{self._name(name)}/role", {"role": role})

    def token(self, name: str, label: str | None) -> dict:
        return self._call("POST", f"/api/admin/users/{self._name(name)}/tokens", {"label": label})

    def revoke(self, name: str) -> dict:
        return self._call("POST", f"/api/admin/users/{self._name(name)}/revoke")


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):                # no login name (some containers)
        return "unknown"


def _refusal(exc: urllib.error.HTTPError) -> Exception:
    """The server's JSON error as the panmun error the command would have raised locally."""
    try:
        error = json.loads(exc.read())["error"]
        message, hint = error["message"], error.get("hint")
    except (ValueError, KeyError, TypeError):
        message, hint = f"HTTP {exc.code}", None
    if exc.code == 404:
        return NotFoundError(message, hint=hint)
    if exc.code in (400, 409, 422):
        return InputError(message, hint=hint)
    return StoreError(f"the running server refused the change: {message}",
                      hint=hint or "Restart the server if its admin file is stale.")


@contextmanager
def accounts_for(store_path: str | Path | None) -> Iterator[LocalAccounts | ServerAccounts]:
    """The accounts of the store at ``store_path`` (default: ``$PANMUN_DB`` or the user data
    dir): on the store itself, or through the running server that holds it."""
    from panmun.store.db import default_db_path
    from panmun.store.opening import open_store

    path = Path(store_path) if store_path is not None else default_db_path()
    try:
        store = open_store(path)
    except StoreError as exc:
        if not is_lock_error(exc):
            raise
        yield ServerAccounts(path)
        return
    with store:
        yield LocalAccounts(store)
