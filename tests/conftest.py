"""Shared fixtures: a store loaded with the built-in knowledge base, copied per test.

Loading the knowledge base takes a moment, so it is done once per session into a
template file; each test gets its own copy, and ``PANMUN_DB`` points at that copy so
that nothing a test does reaches the user's real store.
"""

from __future__ import annotations

import shutil
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
