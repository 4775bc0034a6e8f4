"""Accounts, sessions and API tokens of the web workbench.

* Accounts: a name (1-40 characters ``[a-z0-9._-]``), a role (``viewer`` < ``analyst`` <
  ``admin``) and an argon2id password hash (argon2-cffi's :class:`PasswordHasher` with its
  default cost, RFC 9106's second recommended setting: 64 MiB, 3 passes, 4 lanes). Passwords
  shorter than :data:`MIN_PASSWORD` characters are refused.
* Sessions: a random 32-byte id (the cookie's value) and a random CSRF token; the store keeps
  the SHA-256 of the id, never the id itself, and an expiry time.
* API tokens: a random 32-byte secret shown once; the store keeps its SHA-256 and a label.
* Sign-in failures are counted per name (:class:`Lockout`): after :data:`Lockout.limit`
  failures within ``window`` seconds the name is locked for ``lock`` seconds.

Account changes are audited (table ``audit``, actions ``user-add``, ``user-remove``,
``user-role``, ``token-new``, ``token-revoke``).
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass
from functools import lru_cache

import duckdb
import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from panmun.errors import InputError, NotFoundError
from panmun.store.db import Store

ROLES: tuple[str, ...] = ("viewer", "analyst", "admin")
NAME = re.compile(r"^[a-z0-9._-]{1,40}$")
MIN_PASSWORD = 10
MAX_PASSWORD = 1024     # characters: hashing is costly, an unbounded password is a denial of service
MAX_SECRET = 200        # characters of a session id or token worth looking up

_hasher = PasswordHasher()


@dataclass(frozen=True)
class User:
    """A signed-in account: its name and role."""

    name: str
    role: str


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _digest(secret: str) -> str:
    """SHA-256 (hex) of a session id or token: what the store keeps."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash to verify against for unknown names, so they take as long as known ones."""
    return _hasher.hash(secrets.token_urlsafe(16))


def check_name(name: str) -> str:
    """The name if it is 1-40 characters of ``a-z 0-9 . _ -``; else InputError."""
    if not isinstance(name, str) or not NAME.match(name):
        raise InputError(f"user name {name!r} must be 1-40 characters of a-z, 0-9, '.', '_' and '-'",
                         hint="Use a lower-case name such as `kim.analyst`.")
    return name


def check_role(role: str) -> str:
    if role not in ROLES:
        raise InputError(f"role {role!r} must be one of {', '.join(ROLES)}")
    return role


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InputError(f"the password has {len(password)} characters; use at least {MIN_PASSWORD}",
                         hint="A passphrase of several words is long and easy to remember.")
    if len(password) > MAX_PASSWORD:
        raise InputError(f"the password is over {MAX_PASSWORD} characters")
    return password


def _audit(con, who: str, action: str, what: dict, why: str) -> None:
    con.execute("INSERT INTO audit (audited_at, who, action, what, why) VALUES (?, ?, ?, ?, ?)",
                [_now(), who, action, json.dumps(what), why])


def get_user(store: Store, name: str) -> User | None:
    """The account called ``name``, or None."""
    rows = store.con.execute("SELECT name, role FROM users WHERE name = ?", [name]).fetchall()
    return User(*rows[0]) if rows else None


def require_user(store: Store, name: str) -> User:
    user = get_user(store, name)
    if user is None:
        raise NotFoundError(f"no user {name!r}", hint="`panmun users list` shows the accounts.")
    return user


def add_user(store: Store, name: str, password: str, role: str = "analyst",
             created_by: str | None = None) -> User:
    """Create an account (argon2 hash of ``password``); InputError if the name is taken."""
    check_name(name)
    check_role(role)
    check_password(password)
    if get_user(store, name) is not None:
        raise InputError(f"user {name!r} exists",
                         hint=f"Choose another name, or `panmun users role {name} ROLE` to change it.")
    who = created_by or getpass.getuser()
    with store.transaction() as con:
        con.execute("INSERT INTO users VALUES (?, ?, ?, ?, ?)",
                    [name, _hasher.hash(password), role, _now(), who])
        _audit(con, who, "user-add", {"name": name, "role": role}, "account created")
    return User(name, role)


def remove_user(store: Store, name: str, who: str | None = None) -> None:
    """Delete an account, its sessions and its API tokens."""
    require_user(store, name)
    who = who or getpass.getuser()
    with store.transaction() as con:
        con.execute("DELETE FROM sessions WHERE user_name = ?", [name])
        con.execute("DELETE FROM api_tokens WHERE user_name = ?", [name])
        con.execute("DELETE FROM users WHERE name = ?", [name])
        _audit(con, who, "user-remove", {"name": name}, "account removed")


def set_role(store: Store, name: str, role: str, who: str | None = None) -> User:
    """Give an account another role (takes effect on its next request)."""
    check_role(role)
    old = require_user(store, name)
    who = who or getpass.getuser()
    with store.transaction() as con:
        con.execute("UPDATE users SET role = ? WHERE name = ?", [role, name])
        _audit(con, who, "user-role", {"name": name, "from": old.role, "to": role}, "role changed")
    return User(name, role)


def list_users(store: Store) -> pd.DataFrame:
    """Every account: name, role, created_at, created_by, active API tokens (no hashes)."""
    return store.query(
        """SELECT u.name, u.role, u.created_at, u.created_by,
                  (SELECT count(*) FROM api_tokens t
                   WHERE t.user_name = u.name AND t.revoked_at IS NULL) AS tokens
           FROM users u ORDER BY u.name""")


def verify(store: Store, name: str, password: str) -> User | None:
    """The account if ``password`` is its password, else None.

    An unknown (or malformed) name costs one argon2 verification too, so the answer's
    timing does not tell which names exist.
    """
    password = password if isinstance(password, str) and len(password) <= MAX_PASSWORD else ""
    rows = []
    if isinstance(name, str) and NAME.match(name):
        rows = store.con.execute("SELECT name, role, password_hash FROM users WHERE name = ?",
                                 [name]).fetchall()
    stored = rows[0][2] if rows else _dummy_hash()
    try:
        _hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    return User(rows[0][0], rows[0][1]) if rows else None


class Lockout:
    """Failed sign-ins per name: ``limit`` failures within ``window`` s lock it for ``lock`` s.

    Kept in memory by the server process (one process is the supported setup); a restart
    forgets it. At most ``max_names`` names are tracked (the oldest are dropped first).
    """

    def __init__(self, limit: int = 5, window: float = 900.0, lock: float = 60.0,
                 max_names: int = 10_000, clock=time.monotonic):
        self.limit, self.window, self.lock, self.max_names = limit, window, lock, max_names
        self.clock = clock
        self._failures: dict[str, list[float]] = {}
        self._locked_until: dict[str, float] = {}
        self._mutex = threading.Lock()

    def wait(self, name: str) -> float:
        """Seconds until ``name`` may try again (0: it may try now)."""
        with self._mutex:
            return max(0.0, self._locked_until.get(name, 0.0) - self.clock())

    def failed(self, name: str) -> None:
        now = self.clock()
        with self._mutex:
            recent = [t for t in self._failures.get(name, []) if now - t < self.window] + [now]
            self._failures.pop(name, None)
            self._failures[name] = recent
            if len(recent) >= self.limit:
                self._locked_until[name] = now + self.lock
                self._failures[name] = []
            while len(self._failures) > self.max_names:
                oldest = next(iter(self._failures))
                self._failures.pop(oldest)
                self._locked_until.pop(oldest, None)

    def succeeded(self, name: str) -> None:
        with self._mutex:
            self._failures.pop(name, None)
            self._locked_until.pop(name, None)


#: The server's counter of failed sign-ins.
LOCKOUT = Lockout()


def new_session(store: Store, user: User, hours: float) -> tuple[str, str]:
    """Open a session of ``hours``; return (session id for the cookie, CSRF token)."""
    sid, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = _now()
    try:    # tidy the user's expired sessions; a concurrent sign-in may be doing it too
        store.con.execute("DELETE FROM sessions WHERE user_name = ? AND expires_at < ?", [user.name, now])
    except duckdb.TransactionException:
        pass
    store.con.execute("INSERT INTO sessions VALUES (?, ?, ?, ?, ?)",
                      [_digest(sid), user.name, csrf, now, now + dt.timedelta(hours=hours)])
    return sid, csrf


def session_user(store: Store, sid: str) -> tuple[User, str] | None:
    """The account and CSRF token of an unexpired session, or None."""
    if not sid or len(sid) > MAX_SECRET:
        return None
    rows = store.con.execute(
        """SELECT u.name, u.role, s.csrf FROM sessions s JOIN users u ON u.name = s.user_name
           WHERE s.id = ? AND s.expires_at > ?""", [_digest(sid), _now()]).fetchall()
    return (User(rows[0][0], rows[0][1]), rows[0][2]) if rows else None


def end_session(store: Store, sid: str) -> None:
    """Sign out: forget the session."""
    store.con.execute("DELETE FROM sessions WHERE id = ?", [_digest(sid)])


def new_token(store: Store, user: User, label: str | None = None) -> tuple[str, str]:
    """Create an API token of ``user``; return (token id, token). The token is not stored."""
    token_id, token = "t" + secrets.token_hex(6), secrets.token_urlsafe(32)
    with store.transaction() as con:
        con.execute("INSERT INTO api_tokens VALUES (?, ?, ?, ?, ?, NULL)",
                    [token_id, user.name, _digest(token), label, _now()])
        _audit(con, user.name, "token-new", {"id": token_id, "user": user.name, "label": label},
               "API token created")
    return token_id, token


def token_user(store: Store, token: str) -> User | None:
    """The account of an unrevoked API token, or None."""
    if not token or len(token) > MAX_SECRET:
        return None
    rows = store.con.execute(
        """SELECT u.name, u.role FROM api_tokens t JOIN users u ON u.name = t.user_name
           WHERE t.token_hash = ? AND t.revoked_at IS NULL""", [_digest(token)]).fetchall()
    return User(*rows[0]) if rows else None


def list_tokens(store: Store, user_name: str) -> pd.DataFrame:
    """A user's API tokens: id, label, created_at, revoked_at (never the secret)."""
    return store.query("""SELECT id, label, created_at, revoked_at FROM api_tokens
                          WHERE user_name = ? ORDER BY created_at, id""", [user_name])


def revoke_token(store: Store, token_id: str, by: User) -> None:
    """Revoke a token: its owner or an admin may; NotFoundError otherwise (or if unknown)."""
    rows = store.con.execute("SELECT user_name FROM api_tokens WHERE id = ? AND revoked_at IS NULL",
                             [token_id]).fetchall()
    if not rows or (rows[0][0] != by.name and by.role != "admin"):
        raise NotFoundError(f"no active API token {token_id!r} of yours",
                            hint="GET /api/tokens lists your tokens.")
    with store.transaction() as con:
        con.execute("UPDATE api_tokens SET revoked_at = ? WHERE id = ?", [_now(), token_id])
        _audit(con, by.name, "token-revoke", {"id": token_id, "user": rows[0][0]}, "API token revoked")
