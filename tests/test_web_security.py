"""The workbench tested as an attacker would: one test per weakness found by the attack of
2026-12-07 (docs/web-security.md lists them with how each is prevented).

Real components throughout: ``panmun serve`` started as its own process on a free loopback
port (the server a team runs, with its default proxy settings), a second one behind a
trusted proxy address, Debian's Chromium driven by Playwright with every request off the
server aborted and recorded, raw sockets for chunked uploads, and the server's own memory
read from ``/proc``. Cheap checks of request handling use the app in-process (TestClient)
on a copy of a real store.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from panmun.vectors.scenarios import builtin_path
from panmun.web import auth

from conftest import PASSWORD, ServerOnly, free_port, sign_in, with_accounts

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("fresh_lockout")]

ACCOUNTS = {"ann": "analyst", "bob": "analyst", "ada": "admin", "vic": "viewer", "lockme": "analyst",
            "rolly": "analyst"}
SECURITY_HEADERS = ("content-security-policy", "x-content-type-options", "x-frame-options", "referrer-policy")
#: A long ensemble: it stays queued or running for the length of a test.
LONG_JOB = {"kind": "ensemble", "params": {"scenario": "baseline", "runs": 50_000, "horizon": 360}}
MiB = 1024 * 1024


# -- fixtures: a store with accounts, real servers, the app in-process, Chromium ---------------

@pytest.fixture(scope="module")
def template(builtin_template, tmp_path_factory) -> Path:
    return with_accounts(builtin_template, tmp_path_factory.mktemp("security"), ACCOUNTS)


class Server:
    """``panmun serve`` in its own process: base URL, port, store path, process and its log."""

    def __init__(self, db: Path, log: Path, *extra: str):
        self.db, self.log_path, self.port = db, log, free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self._log = open(log, "wb")                                    # noqa: SIM115 - closed in stop()
        env = {**os.environ, "PANMUN_SECRET": "test"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "panmun", "--db", str(db), "serve", "--port", str(self.port),
             "--job-workers", "1", *extra], stdout=subprocess.DEVNULL, stderr=self._log, env=env)
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                self._log.close()
                raise AssertionError(f"panmun serve ended: {log.read_text(errors='replace')[-2000:]}")
            try:
                if call(self, "GET", "/api/health")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "panmun serve did not answer within 60 s"
            time.sleep(0.1)

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=30)
        self._log.close()


@pytest.fixture(scope="module")
def server(template, tmp_path_factory):
    """The workbench as ``panmun serve`` runs it by default (no proxy configured)."""
    folder = tmp_path_factory.mktemp("served")
    db = folder / "w.duckdb"
    shutil.copy(template, db)
    srv = Server(db, folder / "server.log")
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def proxied(template, tmp_path_factory):
    """The workbench behind a reverse proxy on 127.0.0.1 (``--trusted-proxy 127.0.0.1``)."""
    folder = tmp_path_factory.mktemp("proxied")
    db = folder / "w.duckdb"
    shutil.copy(template, db)
    srv = Server(db, folder / "server.log", "--trusted-proxy", "127.0.0.1")
    yield srv
    srv.stop()


def call(srv, method: str, path: str, body=None, headers: dict | None = None, source: str | None = None,
         raw: bytes | None = None) -> tuple[int, dict, bytes]:
    """One HTTP request sent as written (the path is not normalised), from ``source`` if given."""
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=60,
                                      source_address=(source, 0) if source else None)
    try:
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        sent = {"Content-Type": "application/json"} if data is not None else {}
        conn.request(method, path, body=data, headers={**sent, **(headers or {})})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def error_of(status: int, body: bytes) -> dict:
    error = json.loads(body)["error"]
    assert set(error) == {"status", "code", "message", "field", "hint"} and error["status"] == status
    return error


@pytest.fixture
def app(template, app_client):
    """The app in-process on a copy of ``template``, its lifespan started."""
    return app_client(template).app


def client(application, host: str = "10.9.0.1") -> TestClient:
    return TestClient(application, client=(host, 50000))


def post_json(c: TestClient, path: str, body, headers: dict | None = None):
    """POST ``body`` as JSON written with escapes (``"\\ud800"``): how a client sends a lone
    surrogate, which no UTF-8 text can hold."""
    sent = {"Content-Type": "application/json", **(headers or {})}
    return c.post(path, content=json.dumps(body), headers=sent)


def bearer(application, name: str) -> dict:
    _, token = auth.new_token(application.state.store, auth.User(name, ACCOUNTS[name]), "test")
    return {"Authorization": f"Bearer {token}"}


#: A browser context that reaches only the test server and records every other request.
Cut = ServerOnly


# -- 1. open redirect after sign-in -----------------------------------------------------------

def submit(page, name: str) -> None:
    """Sign in on the open sign-in page and wait for the navigation that follows (an aborted
    off-site navigation is an error in Playwright: the caller looks at what was attempted)."""
    from playwright.sync_api import Error

    page.fill("#u-name", name)
    page.fill("#u-password", PASSWORD)
    try:
        with page.expect_navigation(timeout=30_000, wait_until="commit"):
            page.click("#signin-form button")
    except Error:
        pass


OFF_SITE_NEXT = ["/%09/evil.example/after-signin", "/%0A/evil.example/after-signin",
                 "/%0D/evil.example/after-signin", "/%5C/evil.example/after-signin"]


def test_signing_in_with_a_hostile_next_stays_on_the_site_in_chromium(server, browser):
    """``/signin?next=/%09/evil.example/...``: Chromium drops the tab, so a page that passes
    ``/\\t/evil.example`` on lands on ``http://evil.example``. Sign-in must stay on the site."""
    cut = Cut(browser, server.base)
    try:
        for hostile in OFF_SITE_NEXT:
            page = cut.page
            page.goto(f"{server.base}/signin?next={hostile}")
            submit(page, "ann")
            assert page.url.startswith(server.base + "/"), (hostile, page.url)
            assert not cut.blocked, (hostile, cut.blocked)
    finally:
        cut.close()


def test_the_signin_script_refuses_an_off_site_next_on_its_own(server, browser):
    """The page's script checks ``next`` itself (``new URL(next, origin)`` keeps the origin; no
    control characters, whitespace or backslashes), whatever the server rendered."""
    cut = Cut(browser, server.base)
    try:
        for hostile in ("/\t/evil.example/x", "/\n/evil.example/x", "/\\evil.example/x", "//evil.example/x",
                        "https://evil.example/x", "/\u3000/evil.example/x"):
            page = cut.page
            page.goto(f"{server.base}/signin?next=/agreements")
            page.evaluate("next => { document.body.dataset.next = next; }", hostile)
            submit(page, "ann")
            assert page.url == server.base + "/", (hostile, page.url)
            assert not cut.blocked, (hostile, cut.blocked)
        page.goto(f"{server.base}/signin?next=/agreements%3Flang%3Dko")      # a good next is kept
        submit(page, "ann")
        assert page.url == server.base + "/agreements?lang=ko"
    finally:
        cut.close()


def test_the_signin_page_renders_only_a_same_site_next(server):
    import urllib.parse

    hostile = ["/\t/evil.example/x", "/\n/evil.example/x", "/\r/evil.example/x", "/ /evil.example/x",
               "/\u3000/evil.example/x", "/\u2028/evil.example/x", "/\x00/x", "/\\evil.example/x",
               "//evil.example/x", "https://evil.example/", "javascript:alert(1)", "/x\x7f", "evil.example"]
    for value in hostile:
        status, _, body = call(server, "GET", "/signin?next=" + urllib.parse.quote(value, safe=""))
        assert status == 200 and b'data-next="/"' in body, value
    good = urllib.parse.quote("/agreements/cma-2018?lang=ko")
    status, _, body = call(server, "GET", "/signin?next=" + good)
    assert b'data-next="/agreements/cma-2018?lang=ko"' in body


# -- 2. X-Forwarded-For trusted from any client ------------------------------------------------

def test_a_forged_x_forwarded_for_changes_nothing(server):
    """Without ``--trusted-proxy`` the header is ignored: a client cannot choose its identity,
    so it cannot read another anonymous owner's jobs nor escape its own job quota."""
    status, _, body = call(server, "POST", "/api/jobs", LONG_JOB, source="127.0.0.2")
    assert status == 202, body
    theirs = json.loads(body)["id"]
    forged = {"X-Forwarded-For": "127.0.0.2"}
    status, _, body = call(server, "GET", f"/api/jobs/{theirs}", headers=forged)
    assert status == 404 and error_of(404, body)["code"] == "not_found"
    status, _, body = call(server, "GET", "/api/jobs", headers=forged)
    assert status == 200 and theirs not in {j["id"] for j in json.loads(body)}
    assert call(server, "GET", f"/api/jobs/{theirs}", source="127.0.0.2")[0] == 200
    for _ in range(3):                                           # the quota of 127.0.0.1
        status, _, body = call(server, "POST", "/api/jobs", LONG_JOB)
        assert status == 202, body
    for address in ("10.1.1.1", "10.1.1.2", "10.1.1.3", "10.1.1.4"):
        forged = {"X-Forwarded-For": address}
        status, headers, body = call(server, "POST", "/api/jobs", LONG_JOB, headers=forged)
        assert status == 429 and error_of(429, body)["code"] == "too_many_jobs", address
        assert all(h in headers for h in SECURITY_HEADERS)


def test_a_trusted_proxy_is_believed_and_nobody_else(proxied):
    status, _, body = call(proxied, "POST", "/api/jobs", LONG_JOB, headers={"X-Forwarded-For": "10.3.0.1"})
    assert status == 202, body
    job = json.loads(body)["id"]

    def listed(**how) -> set[str]:
        status, _, body = call(proxied, "GET", "/api/jobs", **how)
        assert status == 200
        return {j["id"] for j in json.loads(body)}

    assert job in listed(headers={"X-Forwarded-For": "10.3.0.1"})
    assert job not in listed()                                               # the proxy itself
    assert job not in listed(headers={"X-Forwarded-For": "10.3.0.2"})
    assert job not in listed(headers={"X-Forwarded-For": "10.3.0.1"}, source="127.0.0.2")   # not the proxy


def test_anonymous_jobs_have_a_cap_over_all_addresses(template, app_client):
    application = app_client(template, max_anonymous_jobs=4, job_workers=1).app
    answers = []
    for host in ("10.2.0.1", "10.2.0.2", "10.2.0.3"):
        c = client(application, host)
        answers += [c.post("/api/jobs", json=LONG_JOB) for _ in range(2)]
    assert [r.status_code for r in answers] == [202, 202, 202, 202, 429, 429]
    r = client(application, "10.2.0.9").post("/api/jobs", json=LONG_JOB)
    assert r.status_code == 429 and "anonymous" in r.json()["error"]["message"]
    signed = bearer(application, "ann")                   # a signed-in user has a quota of their own
    r = client(application, "10.2.0.9").post("/api/jobs", json=LONG_JOB, headers=signed)
    assert r.status_code == 202, r.text
    _running(client(application, "10.2.0.1"), answers[0].json()["id"])    # so that shutdown stops it


def _running(c: TestClient, job_id: str) -> None:
    """Wait until the job runs (a worker reported), at most 60 s."""
    deadline = time.monotonic() + 60
    while c.get(f"/api/jobs/{job_id}").json()["state"] == "queued":
        assert time.monotonic() < deadline, "the job did not start"
        time.sleep(0.1)


# -- 3. concurrent guesses and the lockout --------------------------------------------------

def test_parallel_wrong_guesses_are_checked_at_most_the_limit(server):
    """15 wrong passwords at once for one account: the lock counts those in flight, so at most
    ``Lockout.limit`` (5) are checked; the others are 429 ``locked`` without a check."""
    start, answers = threading.Barrier(15), []

    def guess(k: int) -> None:
        start.wait()
        wrong = {"name": "lockme", "password": f"guess {k:04d}!"}
        answers.append(call(server, "POST", "/api/session", wrong))

    threads = [threading.Thread(target=guess, args=(k,)) for k in range(15)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    checked = [a for a in answers if a[0] == 401]
    refused = [a for a in answers if a[0] == 429]
    assert len(answers) == 15 and len(checked) + len(refused) == 15
    assert 1 <= len(checked) <= auth.Lockout().limit, [a[0] for a in answers]
    for _, headers, body in refused:
        assert error_of(429, body)["code"] == "locked" and int(headers["retry-after"]) >= 1
        assert all(h in headers for h in SECURITY_HEADERS)
    status, _, body = call(server, "POST", "/api/session", {"name": "lockme", "password": PASSWORD})
    assert status == 429                                       # locked now, the right password too


def test_a_lockout_binds_the_guessing_client_not_the_account(app):
    attacker, owner = client(app, "10.4.0.1"), client(app, "10.4.0.2")
    for k in range(auth.Lockout().limit):
        r = attacker.post("/api/session", json={"name": "ada", "password": f"nope {k}!!!!"})
        assert r.status_code == 401
    assert attacker.post("/api/session", json={"name": "ada", "password": PASSWORD}).status_code == 429
    r = owner.post("/api/session", json={"name": "ada", "password": PASSWORD})
    assert r.status_code == 200, r.text


def test_the_lockout_backs_off_gradually():
    now = [0.0]
    lock = auth.Lockout(limit=3, window=60, lock=10, max_lock=40, clock=lambda: now[0])
    key = ("ann", "10.0.0.1")
    waits = []
    for _ in range(4):
        for _ in range(3):
            assert lock.begin(key) == 0
            lock.end(key, ok=False)
        waits.append(lock.wait(key))
        now[0] += waits[-1]
    assert waits == [10, 20, 40, 40]
    assert lock.begin(key) == 0
    lock.end(key, ok=True)                                         # a success forgives
    for _ in range(3):
        lock.begin(key)
        lock.end(key, ok=False)
    assert lock.wait(key) == 10
    assert lock.wait(("ann", "10.0.0.2")) == 0


# -- 4. chunked bodies read whole before the limit ---------------------------------------------

def _upload(port: int, path: str, total: int, results: list, chunk: int = 64 * 1024) -> None:
    """POST ``total`` bytes chunked; stop sending once the answer is in. Appends
    (status, headers, body, bytes sent)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=60)
    answer, done = bytearray(), threading.Event()

    def read() -> None:
        try:
            while not done.is_set():
                data = sock.recv(65536)
                if not data:
                    break
                answer.extend(data)
                head, _, rest = bytes(answer).partition(b"\r\n\r\n")
                size = re.search(rb"(?i)content-length:\s*(\d+)", head)
                if _ and size and len(rest) >= int(size.group(1)):
                    break
        except OSError:
            pass
        done.set()

    reader = threading.Thread(target=read)
    reader.start()
    sent = 0
    try:
        sock.sendall(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
                     "Transfer-Encoding: chunked\r\n\r\n".encode())
        frame = f"{chunk:x}\r\n".encode() + b" " * chunk + b"\r\n"
        while sent < total and not done.is_set():
            sock.sendall(frame)
            sent += chunk
        if not done.is_set():
            sock.sendall(b"0\r\n\r\n")
    except OSError:
        pass
    reader.join(60)
    sock.close()
    head, _, body = bytes(answer).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1]) if lines and lines[0].startswith("HTTP/") else 0
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    results.append((status, headers, body, sent))


def _memory(pid: int) -> dict[str, int]:
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    return {k: int(fields[k].split()[0]) * 1024 for k in ("VmRSS", "VmHWM")}


def test_a_64_mib_chunked_body_is_refused_after_about_a_mib_with_flat_memory(server):
    """Four anonymous 64 MiB chunked ``POST /api/jobs`` at once: each is 413 after at most
    ~1 MiB was read (the server logs how much), and the server's peak memory stays flat."""
    pid = server.process.pid
    before = _memory(pid)["VmRSS"]
    Path(f"/proc/{pid}/clear_refs").write_text("5")             # restart the peak (VmHWM) from here
    logged = len(re.findall(r"refused after reading", server.log()))
    results: list = []
    started = time.monotonic()
    uploads = [threading.Thread(target=_upload, args=(server.port, "/api/jobs", 64 * MiB, results))
               for _ in range(4)]
    for t in uploads:
        t.start()
    for t in uploads:
        t.join(120)
    seconds = time.monotonic() - started
    peak = _memory(pid)["VmHWM"]
    time.sleep(0.2)
    read = [int(n.replace(",", "")) for n in
            re.findall(r"refused after reading ([\d,]+) bytes", server.log())[logged:]]
    print(f"\nchunked 64 MiB x4: bytes read before the 413 {read}; sent by the clients "
          f"{[r[3] for r in results]}; {[r[0] for r in results]} in {seconds:.1f} s; "
          f"server RSS {before / MiB:.1f} MiB, peak {peak / MiB:.1f} MiB")
    assert peak - before < 48 * MiB, f"server memory {before / MiB:.0f} -> peak {peak / MiB:.0f} MiB"
    assert len(read) == 4 and all(1_000_000 < n <= 1_000_000 + 256 * 1024 for n in read), read
    assert len(results) == 4 and seconds < 30
    for status, headers, body, _sent in results:
        assert status == 413 and error_of(413, body)["code"] == "too_large"
        assert all(h in headers for h in SECURITY_HEADERS) and headers.get("connection") == "close"


def test_a_declared_oversized_body_is_refused_unread_on_every_route(server):
    """A declared 64 MiB body is refused before a byte of it is read, and the connection is
    closed (so the server does not drain it); chunked bodies are cut at the limit on every
    route that reads a body."""
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=30)
    try:
        sock.sendall(f"POST /api/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     f"Content-Length: {64 * MiB}\r\n\r\n".encode())
        answer = b""
        while True:
            data = sock.recv(65536)
            if not data:
                break
            answer += data
    finally:
        sock.close()
    assert answer.startswith(b"HTTP/1.1 413") and b"connection: close" in answer.lower()
    logged = len(re.findall(r"refused after reading", server.log()))
    for path in ("/api/session", "/api/scenarios", "/api/events", "/api/tokens"):
        results: list = []
        _upload(server.port, path, 4 * MiB, results)
        assert results[0][0] == 413 and results[0][1].get("connection") == "close", path
    time.sleep(0.2)
    read = [int(n.replace(",", "")) for n in
            re.findall(r"refused after reading ([\d,]+) bytes", server.log())[logged:]]
    assert len(read) == 4 and all(n <= 1_000_000 + 256 * 1024 for n in read), read
    for path in ("/signin", "/api/health"):          # routes that never read a body: not drained either
        results = []
        _upload(server.port, path, 4 * MiB, results)
        assert results[0][0] in (200, 405) and results[0][1].get("connection") == "close", path


# -- 5. the low findings -----------------------------------------------------------------------

def test_the_error_page_links_only_to_this_server(server, browser):
    """``GET //evil.example/x`` used to render its language links as ``//evil.example/x?lang=en``."""
    cut = Cut(browser, server.base)
    try:
        for path in ("//evil.example/x", "/%09/evil.example/x", "/%5Cevil.example/x", "///evil.example"):
            cut.page.goto(server.base + path)
            hrefs = cut.page.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.href)")
            assert len(hrefs) >= 9, (path, hrefs)
            off = [h for h in hrefs if not h.startswith(server.base + "/")]
            assert not off, (path, off)
    finally:
        cut.close()


def test_job_parameters_are_checked_like_request_bodies(app):
    c = client(app, "10.5.0.1")
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    cases = [
        ({"kind": "ensemble", "params": {"scenario": "\ud800", "runs": 10}}, "body.params.scenario"),
        ({"kind": "ensemble", "params": {"scenario": "base\x00line", "runs": 10}}, "body.params.scenario"),
        ({"kind": "roadmap", "params": {"objective": "progress\x07"}}, "body.params.objective"),
        ({"kind": "ensemble", "params": {"scenario": "baseline", "runs": 10}, "owner": "ann"}, "body.owner"),
        ({"kind": "briefing", "params": {"at": "2199-12-31"}}, "body.params.at"),
        ({"kind": "briefing", "params": {"at": tomorrow}}, "body.params.at"),
        ({"kind": "briefing", "params": {"at": "9999-12-31"}}, "body.params.at"),
        ({"kind": "roadmap", "params": {"time_limit": 1e-300}}, "body.params.time_limit"),
        ({"kind": "roadmap", "params": {"time_limit": 0.01}}, "body.params.time_limit"),
        ({"kind": "ens\ud800", "params": {}}, "body.kind"),
    ]
    for body, field in cases:
        r = post_json(c, "/api/jobs", body)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["error"]["field"] == field, (body, r.json())
    r = c.post("/api/jobs", content=b'{"kind": "ensemble", "params": {"scenario": "\xff\xfe"}}',
               headers={"Content-Type": "application/json"})
    assert r.status_code in (400, 422) and set(r.json()) == {"error"}
    assert c.get("/api/jobs").json() == []                        # nothing was queued


def test_lone_surrogates_in_any_body_are_refused_not_a_500(app):
    c = client(app, "10.5.0.2")
    h = bearer(app, "ann")
    note = {"date": "2024-01-05", "score": 1, "note": "a note \ud800", "source_url": "https://example.org/r",
            "expected_version": 0}
    cases = [("/api/provisions/panmunjom-2018/1.1/status", note, h, {422}),
             ("/api/scenarios", {"name": "x", "yaml": "name: x\ntitle: \ud800\n"}, h, {422}),
             ("/api/events", {"date": "2024-01-05", "actor1": "PRK", "cameo": "043", "summary": "a\ud800b",
                              "source_url": "https://example.org/r"}, h, {422}),
             # a sign-in with text no account has: the answer to any wrong password, or invalid input
             ("/api/session", {"name": "ann", "password": "pass\ud800word!!"}, {}, {401, 422}),
             ("/api/session", {"name": "ann", "password": "pass\udfffword!!"}, {}, {401, 422}),
             ("/api/session", {"name": "ann\ud800", "password": PASSWORD}, {}, {401, 422}),
             ("/api/session", {"name": "ann", "password": PASSWORD, "\ud800": 1}, {}, {422}),
             # job parameters are a free-form object: a surrogate reaches the server's own checks
             ("/api/jobs", {"kind": "ensemble", "params": {"scenario": "\udc00", "runs": 10}}, {}, {422}),
             ("/api/jobs", {"kind": "ensemble", "params": {"scenario": "baseline", "\ud800": 1}}, {}, {422})]
    for path, body, headers, status in cases:
        r = post_json(c, path, body, headers)
        assert r.status_code in status, (path, r.text)
        assert set(r.json()) == {"error"}
    csrf = sign_in(c)
    r = post_json(c, "/api/tokens", {"label": "\ud800"}, {"X-CSRF-Token": csrf})
    assert r.status_code == 422, r.text


def test_tokens_come_only_from_a_session_and_die_with_their_parent(app):
    c = client(app, "10.6.0.1")
    csrf = sign_in(c)
    made = [c.post("/api/tokens", json={"label": f"t{k}"}, headers={"X-CSRF-Token": csrf}).json()
            for k in range(2)]
    first, second = ({"Authorization": f"Bearer {t['token']}"} for t in made)
    scripted = client(app, "10.6.0.2")
    r = scripted.post("/api/tokens", json={"label": "child"}, headers=first)
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    r = scripted.delete(f"/api/tokens/{made[1]['id']}", headers=first)       # another token: no
    assert r.status_code == 403
    assert scripted.get("/api/session", headers=second).status_code == 200
    assert scripted.delete(f"/api/tokens/{made[0]['id']}", headers=first).status_code == 204   # itself: yes
    assert scripted.get("/api/session", headers=first).status_code == 401
    db = app.state.store
    user = auth.User("ann", "analyst")
    parent, _ = auth.new_token(db, user, "parent")
    child, child_secret = auth.new_token(db, user, "child", parent=parent)
    _, grandchild_secret = auth.new_token(db, user, "grandchild", parent=child)
    auth.revoke_token(db, parent, user)
    assert auth.token_user(db, child_secret) is None and auth.token_user(db, grandchild_secret) is None


def test_an_admin_revokes_every_token_and_session_of_a_user(app):
    ann, ada = client(app, "10.7.0.1"), client(app, "10.7.0.2")
    sign_in(ann)
    token = bearer(app, "ann")
    ada_csrf = sign_in(ada, "ada")
    assert ada.post("/api/admin/users/ann/revoke", headers=token).status_code in (401, 403)
    r = ada.post("/api/admin/users/ann/revoke", headers={"X-CSRF-Token": ada_csrf})
    assert r.status_code == 200, r.text
    assert r.json() == {"name": "ann", "account": True, "tokens": 1, "sessions": 1}
    assert ann.get("/api/session").json() == {"signed_in": False}
    assert ann.get("/api/session", headers=token).status_code == 401
    vic = client(app, "10.7.0.3")
    vic_csrf = sign_in(vic, "vic")
    r = vic.post("/api/admin/users/ada/revoke", headers={"X-CSRF-Token": vic_csrf})
    assert r.status_code == 403


def test_users_commands_act_on_a_running_server(server, cli):
    """While ``panmun serve`` holds the store, ``panmun users`` sends each change to it (local
    admin endpoint, secret in a 0600 file beside the store); the change applies at the
    account's next request."""
    admin_file = Path(str(server.db) + ".admin")
    assert stat.S_IMODE(admin_file.stat().st_mode) == 0o600
    status, headers, body = call(server, "POST", "/api/session", {"name": "rolly", "password": PASSWORD})
    assert status == 200 and json.loads(body)["role"] == "analyst"
    cookie, csrf = headers["set-cookie"].split(";")[0], json.loads(body)["csrf"]
    command = [sys.executable, "-m", "panmun", "--db", str(server.db), "users", "role", "rolly",
               "--role", "viewer", "--format", "json"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"name": "rolly", "role": "viewer", "action": "role"}
    status, _, body = call(server, "GET", "/api/session", headers={"Cookie": cookie})
    assert json.loads(body)["role"] == "viewer"
    event = {"date": "2024-01-05", "actor1": "PRK", "cameo": "043", "summary": "talks held",
             "source_url": "https://example.org/r"}
    with_csrf = {"Cookie": cookie, "X-CSRF-Token": csrf}
    status, _, body = call(server, "POST", "/api/events", event, headers=with_csrf)
    assert status == 403 and error_of(403, body)["code"] == "forbidden"
    r = cli("--db", str(server.db), "users", "role", "rolly", "analyst")              # positional form
    assert r.code == 0, r.err
    status, _, body = call(server, "GET", "/api/session", headers={"Cookie": cookie})
    assert json.loads(body)["role"] == "analyst"
    listed = json.loads(cli("--db", str(server.db), "users", "list", "--format", "json").out)
    assert {u["name"] for u in listed} >= set(ACCOUNTS)
    made = cli("--db", str(server.db), "users", "token", "rolly", "--format", "json")
    token = json.loads(made.out)["token"]
    assert call(server, "GET", "/api/session", headers={"Authorization": f"Bearer {token}"})[0] == 200
    r = cli("--db", str(server.db), "users", "revoke", "rolly", "--format", "json")
    assert r.code == 0, r.err
    revoked = json.loads(r.out)
    assert revoked["account"] is True and revoked["tokens"] == 1 and revoked["sessions"] == 1
    assert call(server, "GET", "/api/session", headers={"Authorization": f"Bearer {token}"})[0] == 401
    status, _, body = call(server, "GET", "/api/session", headers={"Cookie": cookie})
    assert json.loads(body) == {"signed_in": False}
    r = cli("--db", str(server.db), "users", "role", "nobody-here", "viewer")
    assert r.code == 4 and "nobody-here" in r.err


def test_users_add_and_remove_act_on_a_running_server(server, cli, monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("a new long password\n"))
    r = cli("--db", str(server.db), "users", "add", "newbie", "--role", "viewer", "--password-stdin")
    assert r.code == 0, r.err
    newbie = {"name": "newbie", "password": "a new long password"}
    status, _, body = call(server, "POST", "/api/session", newbie)
    assert status == 200 and json.loads(body)["role"] == "viewer"
    assert cli("--db", str(server.db), "users", "remove", "newbie").code == 0
    status, _, _ = call(server, "POST", "/api/session", newbie)
    assert status == 401


def test_the_local_admin_api_needs_the_secret_from_this_machine(app):
    secret = app.state.admin_secret
    local, remote = client(app, "127.0.0.1"), client(app, "10.8.0.1")
    assert local.get("/api/admin/users").status_code == 401
    assert local.get("/api/admin/users", headers={"X-Panmun-Admin": "x" * 43}).status_code == 403
    assert remote.get("/api/admin/users", headers={"X-Panmun-Admin": secret}).status_code == 403
    r = local.get("/api/admin/users", headers={"X-Panmun-Admin": secret})
    assert r.status_code == 200 and {u["name"] for u in r.json()} == set(ACCOUNTS)
    assert "password_hash" not in r.text and r.headers["cache-control"] == "no-store"
    ada = client(app, "127.0.0.1")
    csrf = sign_in(ada, "ada")                 # a signed-in admin may revoke, not manage accounts
    assert ada.put("/api/admin/users/ann/role", json={"role": "admin"},
                   headers={"X-CSRF-Token": csrf}).status_code in (401, 403)


def test_revoked_at_is_null_until_revoked(app):
    c = client(app, "10.6.1.1")
    csrf = sign_in(c)
    ids = [c.post("/api/tokens", json={"label": f"t{k}"}, headers={"X-CSRF-Token": csrf}).json()["id"]
           for k in range(2)]
    assert c.delete(f"/api/tokens/{ids[0]}", headers={"X-CSRF-Token": csrf}).status_code == 204
    listed = {t["id"]: t for t in c.get("/api/tokens").json()}
    assert listed[ids[1]]["revoked_at"] is None
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    assert dt.datetime.fromisoformat(listed[ids[0]]["revoked_at"]) <= now
    assert dt.datetime.fromisoformat(listed[ids[1]]["created_at"])


def _scenario(name: str, rivalry: str = "0.8") -> str:
    return (builtin_path("baseline").read_text(encoding="utf-8").replace("name: baseline", f"name: {name}")
            .replace("rivalry: 0.8", f"rivalry: {rivalry}"))


def change(c: TestClient, who: dict, rivalry: str, version: int):
    return c.put("/api/scenarios/anns", headers=who,
                 json={"yaml": _scenario("anns", rivalry), "expected_version": version})


def test_a_stored_scenario_belongs_to_its_author(app):
    ann, bob, ada = bearer(app, "ann"), bearer(app, "bob"), bearer(app, "ada")
    c = client(app, "10.6.2.1")
    r = c.post("/api/scenarios", headers=ann, json={"name": "anns", "yaml": _scenario("anns")})
    assert r.status_code == 201, r.text
    r = change(c, bob, "0.1", 1)
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden", r.text
    assert "copy" in r.json()["error"]["hint"].lower()
    got = c.get("/api/scenarios/anns").json()
    assert got["version"] == 1 and got["owner"] == "ann" and "rivalry: 0.8" in got["yaml"]
    copy = got["yaml"].replace("name: anns", "name: bobs-copy")
    r = c.post("/api/scenarios", headers=bob, json={"name": "bobs-copy", "yaml": copy})
    assert r.status_code == 201, r.text
    assert c.get("/api/scenarios/bobs-copy").json()["owner"] == "bob"
    r = change(c, ann, "0.3", 1)
    assert r.status_code == 200 and r.json()["version"] == 2
    r = change(c, ada, "0.4", 2)
    assert r.status_code == 200                                    # an admin may step in
    assert c.get("/api/scenarios/anns").json()["owner"] == "ann"


def test_expensive_reads_are_rate_limited_per_client(template, app_client):
    """New parameter sets of the costly reads spend a per-client budget of computing seconds;
    past it the answer is 429 ``rate_limited`` with Retry-After, while answers already computed
    stay free and other clients are unaffected."""
    application = app_client(template, read_seconds=1.0, read_refill=0.01).app
    greedy, other = client(application, "10.10.0.1"), client(application, "10.10.0.2")
    first = greedy.get("/api/armscontrol/risk", params={"sims": 100})
    assert first.status_code == 200
    codes = []
    for sims in range(101, 141):
        r = greedy.get("/api/armscontrol/risk", params={"sims": sims, "years": 3})
        codes.append(r.status_code)
        if r.status_code == 429:
            break
    assert codes[-1] == 429, codes
    assert r.json()["error"]["code"] == "rate_limited" and int(r.headers["retry-after"]) >= 1
    assert all(h in r.headers for h in SECURITY_HEADERS)
    assert greedy.get("/api/armscontrol/risk", params={"sims": 100}).status_code == 200     # cached
    assert other.get("/api/armscontrol/risk", params={"sims": 150, "years": 3}).status_code == 200


def test_session_and_token_answers_are_not_stored(app):
    c = client(app, "10.6.3.1")
    answers = [c.post("/api/session", json={"name": "ann", "password": PASSWORD})]
    csrf = answers[0].json()["csrf"]
    with_csrf = {"X-CSRF-Token": csrf}
    answers += [c.get("/api/session"), c.post("/api/tokens", json={"label": "x"}, headers=with_csrf),
                c.get("/api/tokens"), c.delete("/api/session", headers=with_csrf),
                c.post("/api/session", json={"name": "ann", "password": "wrong password"})]
    for r in answers:
        assert r.headers.get("cache-control") == "no-store", (r.request.method, r.request.url, r.headers)


def test_every_answer_has_the_security_headers(app):
    c = client(app, "10.6.4.1")

    def chunks():
        for _ in range(40):
            yield b" " * 65536

    as_json = {"Content-Type": "application/json"}
    answers = {
        "413 declared": c.post("/api/jobs", content=b"x" * 1_100_000, headers=as_json),
        "413 chunked": c.post("/api/jobs", content=chunks(), headers=as_json),
        "404": c.get("/api/jobs/nope"), "401": c.post("/api/events", json={}),
        "405": c.put("/api/health"), "422": c.get("/api/events", params={"limit": 0}),
        "page": c.get("/agreements"), "static": c.get("/static/app.css"), "openapi": c.get("/openapi.json"),
    }
    for k in range(auth.Lockout().limit + 1):
        answers["429 locked"] = c.post("/api/session", json={"name": "vic", "password": f"bad guess {k}"})
    assert answers["413 declared"].status_code == 413 and answers["413 chunked"].status_code == 413
    assert answers["429 locked"].status_code == 429
    for what, r in answers.items():
        missing = [h for h in SECURITY_HEADERS if h not in r.headers]
        assert not missing, (what, r.status_code, missing)
        if r.status_code >= 400 and what not in ("page",):
            assert set(r.json()) == {"error"}, what


def test_a_csrf_form_field_that_is_a_file_is_a_wrong_token_not_a_server_error(app):
    """The CSRF token may come as the form field ``csrf``; a file sent under that name is no
    token: 403, like any wrong token, and never a 500."""
    c = client(app, "10.6.1.1")
    csrf = sign_in(c)
    r = c.post("/api/tokens", files={"csrf": ("token.txt", csrf.encode(), "text/plain")})
    assert r.status_code == 403 and r.json()["error"]["code"] == "csrf", r.text
    r = c.post("/api/tokens", data={"csrf": csrf, "label": "form"})
    assert r.status_code != 403, r.text
