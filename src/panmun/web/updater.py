"""Updates from the public feeds inside a running workbench (``panmun serve --update-every``).

The server holds the store, so ``panmun update`` cannot open it from another process while
the workbench runs; the workbench runs the same update (:func:`panmun.update.run.run_update`)
itself, in a thread of its own, on a cursor of the shared connection. DuckDB gives every
cursor its own transaction, so the pages and the API keep reading the store as it was until
each file's ingest commits, and their caches (keyed on the store's generation) then pick up
the new rows.

* **On a schedule**: every ``every`` seconds after the previous run ended (off unless
  ``--update-every`` is given), the first run ``every`` seconds after start-up.
* **On demand**: an admin starts one from the overview page (``POST /api/update``).

One update runs at a time: a request while one runs is answered 409, and the update's own
lock (:func:`panmun.update.lock.update_lock`) also refuses a ``panmun update`` on the same
store from elsewhere. The options are the server's (``--update-mirror``,
``--update-from-dir``); a failed run is logged and recorded in the store like any other
(``update_runs``), and the next run tries again.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
import time
from pathlib import Path

from panmun.errors import InputError, PanmunError
from panmun.store.db import Store

log = logging.getLogger("panmun.web.updater")

#: Units of ``--update-every`` (seconds each).
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
#: The shortest interval a schedule may have (the feeds publish every 15 minutes at most).
MIN_EVERY = 60.0
MAX_EVERY = 366 * 86400.0
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$")


def parse_every(text: str) -> float:
    """``--update-every`` as seconds: a number with a unit, ``90s``, ``30m``, ``1h``, ``2d``
    (InputError outside 1 minute to 366 days)."""
    match = _DURATION.match(text.lower())
    if not match:
        raise InputError(f"--update-every {text!r}: give a number and a unit, e.g. 30m, 1h or 1d",
                         hint="Units: s, m, h, d.")
    seconds = float(match.group(1)) * UNITS[match.group(2)]
    if not MIN_EVERY <= seconds <= MAX_EVERY:
        raise InputError(f"--update-every {text!r}: the interval must be between 1 minute and 366 days")
    return seconds


class Updater:
    """Runs updates of the server's store, one at a time, on a schedule and on demand."""

    def __init__(self, store: Store, every: float | None = None, mirror: tuple[str, ...] = (),
                 from_dir: Path | None = None) -> None:
        """``every``: seconds between runs (None: only on demand); ``mirror`` (addresses as
        ``panmun update --mirror``) or ``from_dir`` (a folder as ``--from-dir``): where the
        feeds are read (neither: the sources' own addresses)."""
        self.store, self.every, self.mirror, self.from_dir = store, every, mirror, from_dir
        self._lock = threading.Lock()
        self._running = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._scheduler: threading.Thread | None = None
        self.started_at: dt.datetime | None = None
        self.finished_at: dt.datetime | None = None
        self.started_by: str | None = None
        self.error: str | None = None
        self.runs = 0

    @property
    def running(self) -> bool:
        return self._running.is_set()

    def state(self) -> dict:
        """What the overview shows about the server's own updates."""
        every = self.every
        return {"running": self.running, "every_seconds": every, "scheduled": every is not None,
                "mode": "folder" if self.from_dir else "mirror" if self.mirror else "network",
                "started_at": self.started_at, "finished_at": self.finished_at, "started_by": self.started_by,
                "error": self.error, "runs": self.runs}

    def start(self) -> None:
        """Start the schedule (nothing to do when ``every`` is None)."""
        if self.every is None or self._scheduler is not None:
            return
        self._scheduler = threading.Thread(target=self._schedule, name="panmun-update-schedule", daemon=True)
        self._scheduler.start()

    def stop(self, timeout: float = 30.0) -> None:
        """End the schedule and wait for a running update (each file's ingest is one transaction,
        so an update cut short at shutdown leaves the store as it was for the file in hand)."""
        self._stop.set()
        for thread in (self._scheduler, self._thread):
            if thread is not None:
                thread.join(timeout)

    def trigger(self, who: str) -> bool:
        """Start an update now in a thread; False if one is running."""
        with self._lock:
            if self._running.is_set():
                return False
            self._running.set()
            self.started_at, self.finished_at, self.started_by, self.error = _now(), None, who, None
            self._thread = threading.Thread(target=self._run, args=(who,), name="panmun-update", daemon=True)
            self._thread.start()
        return True

    def _schedule(self) -> None:
        assert self.every is not None
        while not self._stop.wait(self.every):
            if self.trigger("schedule"):
                assert self._thread is not None
                self._thread.join()

    def _run(self, who: str) -> None:
        from panmun.update.run import UpdateOptions, run_update

        started = time.perf_counter()
        cursor = self.store.con.cursor()
        try:
            options = UpdateOptions(mirror=self.mirror, from_dir=self.from_dir,
                                    who=f"web:{who}")
            result = run_update(Store(cursor, self.store.path), options)
            failed = [s for s in result.sources if s.status in ("failed", "partial")]
            if failed:
                self.error = "; ".join(f"{s.source}: {s.status}" + (f" ({s.note})" if s.note else "")
                                       for s in failed)
            log.info("update by %s ended in %.1f s%s", who, time.perf_counter() - started,
                     f": {self.error}" if self.error else "")
        except PanmunError as exc:
            self.error = str(exc)
            log.warning("update by %s failed: %s", who, exc)
        except Exception as exc:   # a thread's error must reach the log, not end the server
            self.error = f"internal error ({type(exc).__name__}); the server log has the details"
            log.error("update by %s failed", who, exc_info=exc)
        finally:
            cursor.close()
            self.finished_at = _now()
            self.runs += 1
            self._running.clear()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
