"""Fetching files over HTTP(S) with the standard library: resume, timeouts, size and checksum.

A download goes to ``NAME.part`` beside its destination and is renamed only once complete;
a download cut short (a closed connection, a timeout, an interrupted run) leaves the part,
and the next attempt asks the server for the rest (``Range: bytes=N-``). A server that
ignores the range sends the whole file, which then replaces the part.

Messages never quote a URL: the caller names the file and, where it helps, the address
with its secrets removed (:func:`panmun.update.config.scrub`).
"""

from __future__ import annotations

import hashlib
import http.client
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit

from panmun._version import __version__

CHUNK = 1 << 20
#: Bytes of an HTTP error's answer kept for its message.
ERROR_BODY = 4096
#: Hosts reached without the environment's proxy (the tests' servers, a mirror on this machine).
LOOPBACK = {"127.0.0.1", "::1", "localhost"}
#: Checksum algorithms a source may publish, by the names sources use.
ALGORITHMS = {"md5": "md5", "sha1": "sha1", "sha-1": "sha1", "sha256": "sha256", "sha-256": "sha256",
              "sha512": "sha512", "sha-512": "sha512"}


class FetchError(Exception):
    """A file could not be fetched, or failed its check. The run records it and goes on."""

    def __init__(self, message: str, *, kind: str = "fetch", expected: str | None = None,
                 actual: str | None = None, status: int | None = None, body: bytes = b""):
        super().__init__(message)
        self.kind = kind            # http, timeout, truncated, size, checksum, content, fetch
        self.expected = expected
        self.actual = actual
        self.status = status        # the HTTP status, for an HTTP error
        self.body = body            # the start of an HTTP error's answer (an API says why there)


class NotPublished(FetchError):
    """The server has no file at that address (HTTP 404)."""


class Unreachable(Exception):
    """The host cannot be reached at all: no network, no route, no such host, nothing listening."""

    def __init__(self, host: str, reason: str):
        super().__init__(f"cannot reach {host}: {reason}")
        self.host = host


@dataclass(frozen=True)
class Fetched:
    """A completed download."""

    path: Path
    bytes: int          # bytes transferred by this attempt
    resumed_from: int   # bytes kept from an earlier attempt (0: fetched from the start)


def open_url(url: str, *, timeout: float, headers: dict[str, str] | None = None):
    """Open ``url`` (GET); raise :class:`FetchError`, :class:`NotPublished` or :class:`Unreachable`."""
    host = urlsplit(url).hostname or ""
    handlers = [urllib.request.ProxyHandler({})] if host in LOOPBACK else []
    request = urllib.request.Request(url, headers={"User-Agent": f"panmun/{__version__}", **(headers or {})})
    try:
        return urllib.request.build_opener(*handlers).open(request, timeout=timeout)
    except HTTPError as exc:
        try:
            body = exc.read(ERROR_BODY)
        except (OSError, http.client.HTTPException):
            body = b""
        finally:
            exc.close()
        if exc.code == 404:
            raise NotPublished("not found at the source (HTTP 404)", kind="http", status=404,
                               body=body) from None
        raise FetchError(f"the server answered HTTP {exc.code} {exc.reason}", kind="http", status=exc.code,
                         body=body) from None
    except URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise FetchError(f"no answer within {timeout:g} s", kind="timeout") from None
        raise Unreachable(host, str(getattr(exc.reason, "strerror", None) or exc.reason)) from None
    except TimeoutError:
        raise FetchError(f"no answer within {timeout:g} s", kind="timeout") from None
    except (http.client.HTTPException, OSError) as exc:
        raise FetchError(f"the connection failed ({type(exc).__name__})") from None


def download(url: str, dest: Path, *, timeout: float, size: int | None = None, resume: bool = True,
             on_bytes: Callable[[int], None] | None = None) -> Fetched:
    """Fetch ``url`` into ``dest``, resuming an earlier part; raise :class:`FetchError` on failure.

    ``size``, when the index publishes it, tells a complete part from a partial one.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    have = part.stat().st_size if resume and part.exists() else 0
    if size is not None and have > size:
        have = 0                           # longer than the published file: not a part of it
    if size is not None and have == size:
        part.replace(dest)                 # an earlier attempt got it all
        return Fetched(dest, 0, have)
    try:
        response = open_url(url, timeout=timeout, headers={"Range": f"bytes={have}-"} if have else None)
    except FetchError as exc:
        if have and exc.status == 416:     # the part is not a beginning of the file the server has now
            part.unlink(missing_ok=True)
            raise FetchError("the server refused to resume the download; it starts again on the next run",
                             kind="truncated", status=416) from None
        raise
    with response:
        if have and response.status != 206:
            have = 0                       # the server sends the whole file again
        elif have and not (response.headers.get("Content-Range") or "").startswith(f"bytes {have}-"):
            part.unlink(missing_ok=True)
            raise FetchError("the server resumed at another byte than asked; the download starts "
                             "again on the next run", kind="truncated")
        length = response.headers.get("Content-Length")
        got = _copy(response, part, "ab" if have else "wb", have, timeout, on_bytes)
    if length is not None and length.isdigit() and got < int(length):
        raise FetchError(f"cut short: received {have + got:,} of {have + int(length):,} bytes; the part is "
                         "kept and the download resumes on the next run", kind="truncated")
    if size is not None and have + got < size:
        raise FetchError(f"cut short: received {have + got:,} of {size:,} bytes; the part is kept and the "
                         "download resumes on the next run", kind="truncated")
    part.replace(dest)
    return Fetched(dest, got, have)


def _copy(response, part: Path, mode: str, have: int, timeout: float,
          on_bytes: Callable[[int], None] | None) -> int:
    """Copy the response body into ``part``; return the bytes written."""
    got = 0
    with part.open(mode) as out:
        while True:
            try:
                block = response.read(CHUNK)
            except TimeoutError:
                raise FetchError(f"no data for {timeout:g} s after {have + got:,} bytes; the part is kept "
                                 "and the download resumes on the next run", kind="timeout") from None
            except (http.client.IncompleteRead, ConnectionError) as exc:
                if isinstance(exc, http.client.IncompleteRead) and exc.partial:
                    out.write(exc.partial)
                    got += len(exc.partial)
                raise FetchError(f"the connection closed after {have + got:,} bytes; the part is kept and "
                                 "the download resumes on the next run", kind="truncated") from None
            if not block:
                return got
            out.write(block)
            got += len(block)
            if on_bytes is not None:
                on_bytes(len(block))


def file_digest(path: Path, algorithm: str) -> str:
    """The hex digest of a file with ``algorithm`` (md5, sha1, sha256, sha512)."""
    digest = hashlib.new(ALGORITHMS[algorithm.lower()])
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def verify(path: Path, size: int | None, checksum: str | None) -> None:
    """Check a file against its published size and checksum; raise :class:`FetchError` if it differs."""
    actual_size = path.stat().st_size
    if size is not None and actual_size != size:
        raise FetchError(f"size mismatch: expected {size:,} bytes, got {actual_size:,}", kind="size",
                         expected=str(size), actual=str(actual_size))
    if checksum:
        algorithm, expected = checksum.split(":", 1)
        actual = file_digest(path, algorithm)
        if actual != expected.lower():
            raise FetchError(f"{algorithm.upper()} checksum mismatch: expected {expected.lower()}, "
                             f"got {actual}", kind="checksum", expected=f"{algorithm}:{expected.lower()}",
                             actual=f"{algorithm}:{actual}")


def read_json(url: str, *, timeout: float) -> object:
    """GET ``url`` and parse its body as JSON (a small answer, such as an API page). An HTTP error whose
    answer is JSON is returned as that JSON (an API's refusal says why in it), else raised."""
    import json

    try:
        response = open_url(url, timeout=timeout)
    except FetchError as exc:
        try:
            answer = json.loads(exc.body)
        except (ValueError, UnicodeDecodeError):
            raise exc from None
        if isinstance(answer, dict):
            return {**answer, "success": False, "http_status": exc.status}
        raise
    with response:
        try:
            body = response.read()
        except TimeoutError:
            raise FetchError(f"no data for {timeout:g} s", kind="timeout") from None
        except (http.client.IncompleteRead, ConnectionError):
            raise FetchError("the connection closed before the answer was complete",
                             kind="truncated") from None
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise FetchError("the answer is not JSON", kind="content") from None
