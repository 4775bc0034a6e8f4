"""A per-client budget of computing time for the reads that compute (:class:`ComputeBudget`).

The costly reads (the clash risk of arms-control packages, bargaining models, indices with
bootstrap intervals, scorecards, forecasts) are cached per parameter set
(:func:`panmun.web.api.caching.cached`); a client that asks for ever new parameter sets makes
the server compute each one. Every such computation is charged to the client that asked for
it, in seconds of CPU time of the thread that computed it (so a busy server does not make
the same work dearer): each client has a bucket of ``capacity`` seconds that refills at
``rate`` seconds per second, and runs at most ``parallel`` computations at once. While the
bucket is empty the answer is 429 ``rate_limited`` with Retry-After; answers already computed
stay free for everyone.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass


@dataclass
class _Bucket:
    seconds: float
    at: float
    running: int = 0


class ComputeBudget:
    """Seconds of computation per client (see the module's description).

    ``capacity``: the seconds a client may spend at once; ``rate``: the seconds it regains per
    second; ``parallel``: its computations at once; ``max_clients``: clients tracked (the
    longest idle are forgotten first, with a full bucket).
    """

    def __init__(self, capacity: float = 60.0, rate: float = 0.25, parallel: int = 4,
                 max_clients: int = 10_000, clock=time.monotonic):
        self.capacity, self.rate, self.parallel, self.max_clients = capacity, rate, parallel, max_clients
        self.clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._mutex = threading.Lock()

    def _bucket(self, client: str, now: float) -> _Bucket:
        bucket = self._buckets.pop(client, None) or _Bucket(self.capacity, now)
        bucket.seconds = min(self.capacity, bucket.seconds + (now - bucket.at) * self.rate)
        bucket.at = now
        self._buckets[client] = bucket                 # most recently used last
        while len(self._buckets) > self.max_clients:
            oldest = next(iter(self._buckets))
            if self._buckets[oldest].running:
                break
            del self._buckets[oldest]
        return bucket

    def begin(self, client: str) -> float:
        """0.0 if ``client`` may start a computation now (call :meth:`end` after it), else the
        seconds after which it may try again."""
        now = self.clock()
        with self._mutex:
            bucket = self._bucket(client, now)
            if bucket.seconds <= 0:
                return -bucket.seconds / self.rate if self.rate > 0 else float("inf")
            if bucket.running >= self.parallel:
                return 1.0
            bucket.running += 1
            return 0.0

    def end(self, client: str, seconds: float) -> None:
        """Charge ``seconds`` of computation to ``client`` (after :meth:`begin` said yes)."""
        now = self.clock()
        with self._mutex:
            bucket = self._bucket(client, now)
            bucket.running = max(0, bucket.running - 1)
            bucket.seconds -= seconds
