"""Accounts, sessions and API tokens of the web workbench.

* Accounts: a name (1-40 characters ``[a-z0-9._-]``), a role (``viewer`` < ``analyst`` <
  ``admin``) and an argon2id password hash (argon2-cffi's :class:`PasswordHasher` with its
  default cost, RFC 9106's second recommended setting: 64 MiB, 3 passes, 4 lanes). Passwords
  shorter than :data:`MIN_PASSWORD` characters are refused.
* Sessions: a random 32-byte id (the cookie's value) and a random CSRF token; the store keeps
  the SHA-256 of the id, never the id itself, and an expiry time.
* API tokens: a random 32-byte secret shown once; the store keeps its SHA-256, a label and
  the token it was made with, if any (``parent_id``): revoking a token revokes the tokens
  made with it. The web API makes tokens only for a signed-in session (never for a token).
* Sign-in attempts are counted per account *and* client address (:class:`Lockout`): after
  :data:`Lockout.limit` failures within ``window`` seconds that pair is locked, for ``lock``
  seconds the first time and twice as long each time after (up to ``max_lock``). Attempts
  still being checked count too, so parallel guesses cannot outrun the count.
* At most :data:`PARALLEL_HASHES` argon2 computations run at once (64 MiB each): many
  simultaneous sign-ins wait for each other instead of exhausting memory.

Account changes are audited (table ``audit``, actions ``user-add``, ``user-remove``,
``user-role``, ``token-new``, ``token-revoke``, ``user-revoke``).
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
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
from panmun.identifiers import USER_NAME
from panmun.store.db import Store
from panmun.web.checks import SURROGATE

ROLES: tuple[str, ...] = ("viewer", "analyst", "admin")
NAME = USER_NAME
MIN_PASSWORD = 10
MAX_PASSWORD = 1024     # characters: hashing is costly, an unbounded password is a denial of service
MAX_SECRET = 200        # characters of a session id or token worth looking up
PARALLEL_HASHES = 4     # argon2 hashes computed at once (each needs 64 MiB)

_hasher = PasswordHasher()
_hash_slots = threading.BoundedSemaphore(PARALLEL_HASHES)


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
    with _hash_slots:
        digest = _hasher.hash(password)
    with store.transaction() as con:
        con.execute("INSERT INTO users VALUES (?, ?, ?, ?, ?)", [name, digest, role, _now(), who])
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
    return store.query(USERS_SQL)


def user_rows(store: Store) -> list[dict]:
    """:func:`list_users` as plain rows (no pandas): for the admin API and ``panmun users list``."""
    return store.rows(USERS_SQL)


USERS_SQL = """SELECT u.name, u.role, u.created_at, u.created_by,
                      (SELECT count(*) FROM api_tokens t
                       WHERE t.user_name = u.name AND t.revoked_at IS NULL) AS tokens
               FROM users u ORDER BY u.name"""


def verify(store: Store, name: str, password: str) -> User | None:
    """The account if ``password`` is its password, else None.

    An unknown (or malformed) name costs one argon2 verification too, so the answer's
    timing does not tell which names exist.
    """
    if not isinstance(password, str) or len(password) > MAX_PASSWORD or SURROGATE.search(password):
        password = ""                       # cannot be anyone's password (nor encoded as UTF-8)
    rows = []
    if isinstance(name, str) and NAME.match(name):
        rows = store.con.execute("SELECT name, role, password_hash FROM users WHERE name = ?",
                                 [name]).fetchall()
    stored = rows[0][2] if rows else _dummy_hash()
    try:
        with _hash_slots:
            _hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    return User(rows[0][0], rows[0][1]) if rows else None


class Lockout:
    """Sign-in attempts per key (the server uses (account name, client address)).

    ``limit`` failures within ``window`` seconds lock a key: for ``lock`` seconds the first
    time, twice as long at each lockout after that, at most ``max_lock`` seconds; a success
    clears the key, and a key without failures for ``window`` seconds starts again at ``lock``.
    An attempt reserves its place with :meth:`begin` before its password is checked and
    reports with :meth:`end`: failures and attempts in flight are counted under one lock, so
    however many guesses arrive at once, at most ``limit`` are checked before the key locks.

    Kept in memory by the server process (one process is the supported setup); a restart
    forgets it. At most ``max_names`` keys are tracked (the oldest are dropped first).
    """

    def __init__(self, limit: int = 5, window: float = 900.0, lock: float = 60.0, max_lock: float = 3600.0,
                 max_names: int = 10_000, clock=time.monotonic):
        self.limit, self.window, self.lock, self.max_lock = limit, window, lock, max_lock
        self.max_names, self.clock = max_names, clock
        self._failures: dict = {}          # key -> times of recent failures (oldest key first)
        self._in_flight: dict = {}         # key -> attempts being checked now
        self._locked_until: dict = {}      # key -> clock time the lock ends
        self._strikes: dict = {}           # key -> (lockouts so far, time of the last failure)
        self._mutex = threading.Lock()

    def _wait(self, key, now: float) -> float:
        return max(0.0, self._locked_until.get(key, 0.0) - now)

    def wait(self, key) -> float:
        """Seconds until ``key`` may try again (0: it may try now)."""
        with self._mutex:
            return self._wait(key, self.clock())

    def begin(self, key) -> float:
        """Reserve an attempt: 0.0 if it may be checked now (it then counts as in flight until
        :meth:`end`), else the seconds to wait before trying again."""
        now = self.clock()
        with self._mutex:
            wait = self._wait(key, now)
            if wait > 0:
                return wait
            recent = [t for t in self._failures.get(key, ()) if now - t < self.window]
            in_flight = self._in_flight.get(key, 0)
            if len(recent) + in_flight >= self.limit:
                return 1.0                   # the answers of the attempts in flight decide
            self._in_flight[key] = in_flight + 1
            return 0.0

    def end(self, key, ok: bool) -> None:
        """The outcome of an attempt reserved with :meth:`begin` (released and counted at once)."""
        now = self.clock()
        with self._mutex:
            left = self._in_flight.get(key, 1) - 1
            if left > 0:
                self._in_flight[key] = left
            else:
                self._in_flight.pop(key, None)
            if ok:
                self._forget(key)
            else:
                self._fail(key, now)

    def failed(self, key) -> None:
        """Count a failure of ``key`` (locking it at the limit)."""
        now = self.clock()
        with self._mutex:
            self._fail(key, now)

    def succeeded(self, key) -> None:
        """A right password: forget the key's failures, locks and lockouts."""
        with self._mutex:
            self._forget(key)

    def _fail(self, key, now: float) -> None:
        """Count a failure (the mutex is held)."""
        strikes, last = self._strikes.get(key, (0, now))
        if now - last > self.window:
            strikes = 0                     # quiet for a whole window: start again at `lock`
        recent = [t for t in self._failures.get(key, []) if now - t < self.window] + [now]
        self._failures.pop(key, None)
        self._failures[key] = recent
        if len(recent) >= self.limit:
            self._locked_until[key] = now + min(self.max_lock, self.lock * 2 ** min(strikes, 30))
            self._failures[key] = []
            strikes += 1
        self._strikes[key] = (strikes, now)
        while len(self._failures) > self.max_names:
            oldest = next(iter(self._failures))
            self._failures.pop(oldest)
            self._locked_until.pop(oldest, None)
            self._strikes.pop(oldest, None)

    def _forget(self, key) -> None:
        """Clear a key (the mutex is held)."""
        self._failures.pop(key, None)
        self._locked_until.pop(key, None)
        self._strikes.pop(key, None)


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


def new_token(store: Store, user: User, label: str | None = None, parent: str | None = None,
              who: str | None = None) -> tuple[str, str]:
    """Create an API token of ``user``; return (token id, token). The token is not stored.

    ``parent``: the id of the token it was made with (it is revoked with that one); ``who``:
    who made it, for the audit (default: ``user``'s name).
    """
    token_id, token = "t" + secrets.token_hex(6), secrets.token_urlsafe(32)
    with store.transaction() as con:
        con.execute("""INSERT INTO api_tokens (id, user_name, token_hash, label, created_at, revoked_at,
                           parent_id) VALUES (?, ?, ?, ?, ?, NULL, ?)""",
                    [token_id, user.name, _digest(token), label, _now(), parent])
        _audit(con, who or user.name, "token-new",
               {"id": token_id, "user": user.name, "label": label, "parent": parent}, "API token created")
    return token_id, token


def token_identity(store: Store, token: str) -> tuple[User, str] | None:
    """The account and the id of an unrevoked API token, or None."""
    if not token or len(token) > MAX_SECRET:
        return None
    rows = store.con.execute(
        """SELECT u.name, u.role, t.id FROM api_tokens t JOIN users u ON u.name = t.user_name
           WHERE t.token_hash = ? AND t.revoked_at IS NULL""", [_digest(token)]).fetchall()
    return (User(rows[0][0], rows[0][1]), rows[0][2]) if rows else None


def token_user(store: Store, token: str) -> User | None:
    """The account of an unrevoked API token, or None."""
    found = token_identity(store, token)
    return found[0] if found else None


def list_tokens(store: Store, user_name: str) -> list[dict]:
    """A user's API tokens: id, label, created_at, revoked_at (None while active), as ISO text;
    never the secret."""
    rows = store.rows("""SELECT id, label, created_at, revoked_at FROM api_tokens
                         WHERE user_name = ? ORDER BY created_at, id""", [user_name])
    return [{k: (v.isoformat() if isinstance(v, dt.datetime) else v) for k, v in row.items()} for row in rows]


def _descendants(con, token_id: str) -> list[str]:
    """``token_id`` and every active token made with it, directly or through others."""
    rows = con.execute(
        """WITH RECURSIVE tree(id) AS (
               SELECT ?::VARCHAR
               UNION
               SELECT t.id FROM api_tokens t JOIN tree ON t.parent_id = tree.id)
           SELECT t.id FROM api_tokens t JOIN tree USING (id) WHERE t.revoked_at IS NULL""",
        [token_id]).fetchall()
    return [r[0] for r in rows]


def revocable(store: Store, token_id: str, by: User) -> str:
    """The owner of the active token ``token_id`` if ``by`` may revoke it (its owner or an
    admin); NotFoundError otherwise, the same answer as for an unknown id."""
    rows = store.con.execute("SELECT user_name FROM api_tokens WHERE id = ? AND revoked_at IS NULL",
                             [token_id]).fetchall()
    if not rows or (rows[0][0] != by.name and by.role != "admin"):
        raise NotFoundError(f"no active API token {token_id!r} of yours",
                            hint="GET /api/tokens lists your tokens.")
    return rows[0][0]


def revoke_token(store: Store, token_id: str, by: User) -> list[str]:
    """Revoke a token and every token made with it: its owner or an admin may; NotFoundError
    otherwise (or if unknown). Returns the ids revoked."""
    owner = revocable(store, token_id, by)
    with store.transaction() as con:
        ids = _descendants(con, token_id)
        con.execute("UPDATE api_tokens SET revoked_at = ? WHERE list_contains(?, id)", [_now(), ids])
        _audit(con, by.name, "token-revoke", {"id": token_id, "user": owner, "revoked": ids},
               "API token revoked")
    return ids


def revoke_all(store: Store, name: str, who: str | None = None) -> dict:
    """End every session and revoke every API token of ``name`` at once (a stolen password or
    token: its holder is out at the next request). Returns ``{name, account, tokens, sessions}``:
    whether the account exists and how many of each were ended; a name without an account has
    none (nothing to do, not an error). A malformed name is an InputError."""
    check_name(name)
    who = who or getpass.getuser()
    account = get_user(store, name) is not None
    with store.transaction() as con:
        tokens = con.execute("SELECT count(*) FROM api_tokens WHERE user_name = ? AND revoked_at IS NULL",
                             [name]).fetchall()[0][0]
        sessions = con.execute("SELECT count(*) FROM sessions WHERE user_name = ?", [name]).fetchall()[0][0]
        con.execute("UPDATE api_tokens SET revoked_at = ? WHERE user_name = ? AND revoked_at IS NULL",
                    [_now(), name])
        con.execute("DELETE FROM sessions WHERE user_name = ?", [name])
        if account:
            _audit(con, who, "user-revoke", {"name": name, "tokens": tokens, "sessions": sessions},
                   "every session and API token ended")
    return {"name": name, "account": account, "tokens": int(tokens), "sessions": int(sessions)}
