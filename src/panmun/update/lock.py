"""One update of a store at a time: an exclusive lock on a file beside the store.

The operating system releases the lock when the process ends, however it ends, so a
crashed update leaves no stale lock. The file records the process and start time, which
the refusal quotes.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from panmun.update.errors import UpdateBusyError


def lock_path(store_path: str) -> Path | None:
    """The lock file of a store (None for an in-memory store)."""
    return None if store_path == ":memory:" else Path(f"{store_path}.update.lock")


@contextmanager
def update_lock(store_path: str) -> Iterator[None]:
    """Hold the store's update lock for the block; :class:`UpdateBusyError` if another holds it."""
    path = lock_path(store_path)
    if path is None:
        yield
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if not _try_lock(fd):
            os.lseek(fd, 0, os.SEEK_SET)
            held = os.read(fd, 200).decode("utf-8", "replace").strip() or "another process"
            raise UpdateBusyError(f"another update of the store {store_path} is running ({held})",
                                  hint="Wait for it to finish (`panmun update status` shows its run), "
                                       "then run the update again.")
        os.ftruncate(fd, 0)
        stamp = dt.datetime.now().replace(microsecond=0).isoformat(sep=" ")
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, f"process {os.getpid()}, started {stamp}".encode())
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            _unlock(fd)
    finally:
        os.close(fd)


def _try_lock(fd: int) -> bool:
    try:
        import fcntl
    except ImportError:   # Windows
        import msvcrt

        try:
            # typeshed declares msvcrt's functions for Windows only; this branch runs only there
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined,unused-ignore]
            return True
        except OSError:
            return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def _unlock(fd: int) -> None:
    try:
        import fcntl
    except ImportError:
        import msvcrt

        # typeshed declares msvcrt's functions for Windows only; this branch runs only there
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined,unused-ignore]
        return
    fcntl.flock(fd, fcntl.LOCK_UN)
