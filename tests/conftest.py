"""Shared fixtures: a store loaded with the built-in knowledge base, copied per test.

Loading the knowledge base takes a moment, so it is done once per session into a
template file; each test gets its own copy, and ``PANMUN_DB`` points at that copy so
that nothing a test does reaches the user's real store.

Also shared: overlay folders written from a test's text, the workbench in-process
(``app_client``, ``sign_in``) and on a loopback port (``live_server``), and one Chromium
for the session (``browser``).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

import panmun
from panmun.cli.main import main

FIXTURES = Path(__file__).parent / "fixtures"
OVERLAYS = FIXTURES / "overlays"


def with_example_publisher(folder: Path) -> Path:
    """Register example.org, the source the tests' own records cite, in an overlay folder (an
    overlay registers the publishers it cites beside the built-in registry)."""
    (folder / "sources").mkdir(parents=True, exist_ok=True)
    shutil.copy(OVERLAYS / "worked" / "sources" / "publishers.yaml", folder / "sources" / "publishers.yaml")
    return folder


def write_overlay(tmp_path: Path, folder: str, kind: str, text: str, name: str = "extra.yaml") -> Path:
    """An overlay folder ``tmp_path/folder`` holding ``text`` as ``kind/name`` (``kind`` is the
    sub-folder: steps, rules, measures, issues...), with example.org registered."""
    root = tmp_path / folder
    (root / kind).mkdir(parents=True)
    (root / kind / name).write_text(text, encoding="utf-8")
    return with_example_publisher(root)


@pytest.fixture(scope="session", autouse=True)
def _own_vectors_cache(tmp_path_factory):
    """The three-vector posteriors and fits computed during the session go to a folder of the
    session's own (shared by its tests, so each is computed once), never the user's cache."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PANMUN_VECTORS_CACHE", str(tmp_path_factory.mktemp("vectors-cache")))
        yield


@pytest.fixture(autouse=True)
def _no_user_store(tmp_path, monkeypatch):
    """Every test runs with PANMUN_DB inside its own temporary folder."""
    monkeypatch.setenv("PANMUN_DB", str(tmp_path / "default.duckdb"))


@pytest.fixture(scope="session")
def builtin_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "builtin.duckdb"
    panmun.open_store(path).close()
    return path


@pytest.fixture
def db_path(builtin_template, tmp_path, monkeypatch) -> Path:
    """A private copy of the loaded store; PANMUN_DB points at it."""
    path = tmp_path / "panmun.duckdb"
    shutil.copy(builtin_template, path)
    monkeypatch.setenv("PANMUN_DB", str(path))
    return path


@pytest.fixture
def store(db_path):
    s = panmun.open_store(db_path)
    yield s
    s.close()


class CliResult:
    def __init__(self, code: int, out: str, err: str):
        self.code, self.out, self.err = code, out, err


@pytest.fixture
def cli(capsys):
    """Run ``panmun ARGS...`` in-process; returns exit code, stdout and stderr."""
    def run(*args: str) -> CliResult:
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)
    return run


@pytest.fixture
def loopback(tmp_path):
    """A real HTTP server on 127.0.0.1 serving a copy of tests/fixtures/update
    (:class:`test_update_loopback.Loopback`)."""
    from test_update_loopback import serve

    yield from serve(tmp_path)


@pytest.fixture
def update_settings(tmp_path, monkeypatch):
    """No user configuration, the download cache inside the test's folder, no ACLED key or
    e-mail from the environment (the modules of the update tests use it for every test)."""
    monkeypatch.setenv("PANMUN_UPDATE_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("PANMUN_UPDATE_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("PANMUN_ACLED_KEY", raising=False)
    monkeypatch.delenv("PANMUN_ACLED_EMAIL", raising=False)


# -- the workbench: in-process and on a loopback port -----------------------------------------

#: The password of the accounts the web tests create (``with_accounts``, ``sign_in``).
PASSWORD = "correct horse battery"


def web_app(path: Path, **settings):
    """The workbench app on the store file ``path``, with the tests' secret and ``settings``."""
    from panmun.web.app import create_app
    from panmun.web.settings import Settings

    return create_app(path, Settings(secret="test", **settings))


def with_accounts(template: Path, folder: Path, accounts: dict[str, str], password: str = PASSWORD) -> Path:
    """A copy of the store file ``template`` in ``folder`` with ``accounts`` (name -> role) added."""
    from panmun.web import auth

    path = folder / "accounts.duckdb"
    shutil.copy(template, path)
    with panmun.open_store(path) as s:
        for name, role in accounts.items():
            auth.add_user(s, name, password, role, created_by="test")
    return path


@pytest.fixture
def app_client(tmp_path):
    """``app_client(template, **settings)``: a TestClient of the workbench on a fresh copy of the
    store file ``template`` in the test's folder, its lifespan started (and ended after the
    test); ``client.app`` is the app."""
    from fastapi.testclient import TestClient

    numbers = itertools.count()
    with contextlib.ExitStack() as stack:
        def open_client(template: Path, **settings) -> TestClient:
            path = tmp_path / f"app-{next(numbers)}.duckdb"
            shutil.copy(template, path)
            return stack.enter_context(TestClient(web_app(path, **settings)))

        yield open_client


def sign_in(client, name: str = "ann", password: str = PASSWORD) -> str:
    """Sign ``name`` in through the API on ``client``; returns the session's CSRF token."""
    r = client.post("/api/session", json={"name": name, "password": password})
    assert r.status_code == 200, r.text
    return r.json()["csrf"]


@pytest.fixture
def fresh_lockout(monkeypatch):
    """A sign-in lockout of the test's own (wrong guesses of other tests do not count)."""
    from panmun.web import auth

    monkeypatch.setattr(auth, "LOCKOUT", auth.Lockout())


def free_port() -> int:
    """A loopback port nobody listens on (at the moment of asking)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def live_server(app):
    """``app`` served by uvicorn in a thread on a free loopback port; yields its base URL."""
    import uvicorn

    port = free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                        timeout_keep_alive=60))   # no reset of a reused connection under load
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=30)


# -- a browser ---------------------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright, launched once for the session. Without it the
    test is skipped, or fails when PANMUN_REQUIRE_BROWSER is set (so that a run that must
    check the pages in a browser cannot pass without one)."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("PANMUN_REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing and PANMUN_REQUIRE_BROWSER is set (apt install chromium)")
        pytest.skip(f"{CHROMIUM} not installed (apt install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


class ServerOnly:
    """A browser context that reaches only the server at ``base`` (and ``data:`` URLs): every
    other request is aborted and recorded in ``blocked``, uncaught script errors in ``errors``."""

    def __init__(self, browser, base: str, viewport: dict | None = None):
        self.base = base
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(viewport=viewport) if viewport else browser.new_context()
        self.context.route("**/*", self._route)
        self.page = self.new_page()

    def _route(self, route):
        url = route.request.url
        if url.startswith(self.base + "/") or url.startswith("data:"):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def new_page(self):
        page = self.context.new_page()
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        return page

    def open(self, path: str, ready: str | None = None, page=None):
        page = page or self.page
        page.goto(self.base + path)
        if ready:
            page.locator(ready).first.wait_for(state="attached", timeout=30_000)
        return page

    def close(self):
        self.context.close()
