"""A real HTTP server on the loopback interface for the update tests, and checks of the server itself.

:class:`Loopback` serves a folder (a copy of ``tests/fixtures/update``) like a static web
server, with byte ranges (``Range: bytes=N-``, answered 206) as the sources' servers offer,
and answers chosen paths by a function (the imitations of the Dataverse and ACLED APIs).
Faults are queued per path and used by the next requests: ``500`` (a server error),
``404``, ``slow`` (the answer waits :attr:`Loopback.delay` seconds) and ``truncate`` (the
headers promise the whole file, half of it is sent, the connection closes). Every request
is logged with its path, query and range. Nothing here reaches beyond 127.0.0.1.
"""

from __future__ import annotations

import http.client
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

FIXTURES = Path(__file__).parent / "fixtures" / "update"

#: An API imitation: (query parameters) -> (status, body, content type).
Route = Callable[[dict[str, str]], tuple[int, bytes, str]]


class Loopback:
    """A static file server with ranges, API routes and queued faults, on 127.0.0.1."""

    def __init__(self, root: Path):
        self.root = root
        self.routes: dict[str, Route] = {}
        self.faults: dict[str, list[str]] = {}
        self.log: list[list] = []     # [path, query, Range, HTTP status] of every request, in order
        self.delay = 1.5
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    def fault(self, path: str, *faults: str) -> None:
        """Queue faults for the next requests of ``path`` (e.g. ``/gdeltv2/x.zip``)."""
        self.faults.setdefault(path, []).extend(faults)

    def requested(self, path: str) -> list[tuple[dict[str, str], str | None, int]]:
        return [(q, r, s) for p, q, r, s in self.log if p == path]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:   # quiet
                pass

            def do_GET(self) -> None:  # noqa: N802 (the http.server name)
                parts = urlsplit(self.path)
                path = unquote(parts.path)
                query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                wanted = self.headers.get("Range")
                queued = server.faults.get(path) or []
                fault = queued.pop(0) if queued else None
                self.entry = [path, query, wanted, None]    # logged before the answer, status as it is sent
                server.log.append(self.entry)
                try:
                    self._answer(path, query, wanted, fault)
                except (BrokenPipeError, ConnectionResetError):   # the client gave up (a timeout)
                    pass

            def send_response(self, code: int, message: str | None = None) -> None:
                self.entry[3] = code
                super().send_response(code, message)

            def _answer(self, path: str, query: dict[str, str], wanted: str | None,
                        fault: str | None) -> None:
                if fault == "slow":
                    time.sleep(server.delay)
                if fault in ("500", "404"):
                    self._send(int(fault), b"fault", "text/plain")
                elif path in server.routes:
                    self._send(*server.routes[path](query))
                else:
                    self._file(path, wanted, fault)

            def _file(self, path: str, wanted: str | None, fault: str | None) -> None:
                file = (server.root / path.lstrip("/")).resolve()
                if server.root.resolve() not in file.parents or not file.is_file():
                    self._send(404, b"not found", "text/plain")
                    return
                data = file.read_bytes()
                ranged = wanted and wanted.startswith("bytes=") and wanted.endswith("-")
                start = int(wanted[6:-1]) if ranged else 0
                if start >= len(data) > 0:
                    self._send(416, b"", "text/plain")
                elif fault == "truncate":        # promise the whole file, send half, close
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(data)))
                    self.send_header("Connection", "close")
                    self.end_headers()
                    self.wfile.write(data[: len(data) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                elif start:
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
                    self._body(data[start:], "application/octet-stream")
                else:
                    self._send(200, data, "application/octet-stream")

            def _send(self, status: int, body: bytes, kind: str) -> None:
                self.send_response(status)
                self._body(body, kind)

            def _body(self, body: bytes, kind: str) -> None:
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler


def serve(tmp_path: Path) -> Iterator[Loopback]:
    """The update fixtures served on 127.0.0.1 from a copy the test may change (for a fixture)."""
    root = tmp_path / "served"
    shutil.copytree(FIXTURES, root)
    server = Loopback(root)
    yield server
    server.close()


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    parts = urlsplit(url)
    con = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    try:
        con.request("GET", parts.path, headers=headers or {})
        response = con.getresponse()
        try:
            return response.status, dict(response.getheaders()), response.read()
        except http.client.IncompleteRead as exc:
            return response.status, dict(response.getheaders()), exc.partial
    finally:
        con.close()


def test_the_server_serves_files_and_ranges(loopback):
    whole = (FIXTURES / "gdeltv2" / "lastupdate.txt").read_bytes()
    status, _, body = _get(loopback.url + "gdeltv2/lastupdate.txt")
    assert status == 200 and body == whole
    status, headers, body = _get(loopback.url + "gdeltv2/lastupdate.txt", {"Range": "bytes=10-"})
    assert status == 206 and body == whole[10:]
    assert headers["Content-Range"] == f"bytes 10-{len(whole) - 1}/{len(whole)}"
    assert _get(loopback.url + "gdeltv2/no-such-file")[0] == 404
    assert _get(loopback.url + "../../etc/passwd")[0] == 404


def test_the_server_faults_happen_once_each_in_order(loopback):
    path = "/gdeltv2/20170701000000.export.CSV.zip"
    whole = (FIXTURES / "gdeltv2" / path.rsplit("/", 1)[1]).read_bytes()
    loopback.fault(path, "500", "truncate")
    assert _get(loopback.url + path.lstrip("/"))[0] == 500
    status, headers, body = _get(loopback.url + path.lstrip("/"))
    assert status == 200 and int(headers["Content-Length"]) == len(whole) and len(body) == len(whole) // 2
    assert _get(loopback.url + path.lstrip("/"))[2] == whole
    assert [s for _, _, s in loopback.requested(path)] == [500, 200, 200]
