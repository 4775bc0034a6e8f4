"""The read endpoints' two cache policies (``request.app.state.read_cache``).

* :func:`cached`: inputs and results that cost seconds and depend only on their parameters
  and on data that do not change within a server's life (the built-in knowledge base,
  :func:`builtin_kb`; the arms-control calibration posterior and the package risks computed
  from it) are computed once, on first use. The escalation forecast is cached the same way per
  target and per *fingerprint of the events table* (its row count and an XOR of the rows'
  hashes), so an event recorded by an analyst yields a fresh forecast on the next read.
* :func:`per_state`: reads that cost a tenth of a second or more are computed once per
  parameter set and state of the store (its last audit row, last ingest run and number of
  events), so they answer from memory between writes.

Each computation is charged to the client that asked for it (:mod:`panmun.web.throttle`): a
client that keeps asking for new parameter sets gets 429 ``rate_limited`` once its share of
computing time is spent.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
import time
from collections.abc import Callable
from typing import Any

from fastapi import Request

from panmun.store.db import Store
from panmun.web.deps import client_address
from panmun.web.errors import ApiError

CACHE_ENTRIES = 128

_CACHE_LOCK = threading.Lock()


def cached(request: Request, key: tuple, compute: Callable[[], Any]) -> Any:
    """``compute()`` once per ``key`` for this app (one lock per key, so a slow computation
    blocks only the readers of the same key; the oldest entries go beyond CACHE_ENTRIES).

    A computation is charged to the client that asked for it
    (:class:`panmun.web.throttle.ComputeBudget`): one past its budget is 429 ``rate_limited``.
    """
    state = request.app.state
    with _CACHE_LOCK:
        if not hasattr(state, "read_cache"):
            state.read_cache, state.read_locks = {}, {}
        lock = state.read_locks.setdefault(key, threading.Lock())
    with lock:
        with _CACHE_LOCK:
            if key in state.read_cache:
                return state.read_cache[key]
        value = _charged(request, compute)
        with _CACHE_LOCK:
            while len(state.read_cache) >= CACHE_ENTRIES:
                old = next(iter(state.read_cache))
                del state.read_cache[old]
                state.read_locks.pop(old, None)
            state.read_cache[key] = value
        return value


def _charged(request: Request, compute: Callable[[], Any]) -> Any:
    """``compute()``, its seconds charged to the client's budget (429 when it is spent)."""
    budget = getattr(request.app.state, "read_budget", None)
    if budget is None:
        return compute()
    client = client_address(request)
    wait = budget.begin(client)
    if wait > 0:
        seconds = max(1, math.ceil(min(wait, 3600.0)))
        raise ApiError(429, f"this client has used its share of computing time; try again in {seconds} s",
                       "rate_limited", hint="Answers already computed stay available; new parameters "
                       "cost server time. Wait, or ask for fewer new combinations.",
                       headers={"Retry-After": str(seconds)})
    started = time.thread_time()          # CPU time of this thread: not inflated by a busy server
    try:
        return compute()
    finally:
        budget.end(client, time.thread_time() - started)


def _generation(db: Store) -> tuple:
    """What the store holds, in three cheap numbers: the last audit row (every analyst's
    write and every knowledge-base load is audited), the last ingest run and the number of
    events. A cached answer keyed on it is recomputed as soon as any of them changes."""
    row = db.query("SELECT (SELECT coalesce(max(id), 0) FROM audit) AS a, "
                   "(SELECT coalesce(max(id), 0) FROM ingests) AS i, (SELECT count(*) FROM events) AS e")
    return (int(row["a"].iloc[0]), int(row["i"].iloc[0]), int(row["e"].iloc[0]), dt.date.today())


def per_state(request: Request, db: Store, key: tuple, compute: Callable[[], Any]) -> Any:
    """``compute()`` once per ``key`` and state of the store (see :func:`_generation`): the
    reads that cost a tenth of a second or more answer from memory between writes."""
    return cached(request, (*key, *_generation(db)), compute)


def builtin_kb(request: Request):
    """The built-in knowledge base, loaded and validated once per app (it never changes while
    the server runs; analysts' writes go to the store)."""
    from panmun.kb.loader import load_kb

    return cached(request, ("kb",), load_kb)
