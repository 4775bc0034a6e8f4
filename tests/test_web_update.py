"""The workbench keeps the store current by itself: the server's own updates from the feeds
(on a schedule and on an admin's demand), each source's freshness on the overview page, and
the forecasts' track record beside it. A real uvicorn server on loopback, real files (the
GDELT 2.0 fixtures read from a folder, as from removable media), a real browser."""

from __future__ import annotations

import json
import shutil
import time
import urllib.error
import urllib.request

import pytest

from panmun.errors import InputError
from panmun.store.opening import open_store
from panmun.web import auth
from panmun.web.updater import Updater, parse_every
from test_update_loopback import FIXTURES
from test_web_pages import Session

from conftest import live_server, web_app

ADMIN, ANALYST, PASSWORD = "root", "ana", "correct-horse-battery-staple"
EXPORTS = ("20170701000000.export.CSV.zip", "20170701001500.export.CSV.zip", "20170701003000.export.CSV.zip")


pytestmark = [pytest.mark.usefixtures("update_settings"), pytest.mark.slow]


@pytest.fixture
def media(tmp_path):
    """The GDELT 2.0 index and exports in a folder, as carried in on removable media."""
    folder = tmp_path / "media"
    shutil.copytree(FIXTURES / "gdeltv2", folder / "gdelt")
    return folder


@pytest.fixture
def served(builtin_template, tmp_path, media):
    """The workbench on loopback, reading the feeds from ``media``: (base URL, API-token
    headers by account name)."""
    path = tmp_path / "w.duckdb"
    shutil.copy(builtin_template, path)
    with open_store(path) as store:
        tokens = {name: {"Authorization": "Bearer " + auth.new_token(
            store, auth.add_user(store, name, PASSWORD, role, created_by="test"), "test")[1]}
            for name, role in ((ADMIN, "admin"), (ANALYST, "analyst"))}
    with live_server(web_app(path, update_from_dir=media)) as base:
        yield base, tokens


def _call(url: str, method: str = "GET", headers: dict | None = None, body: dict | None = None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"null")


def _wait_idle(base: str) -> dict:
    deadline = time.monotonic() + 120
    while True:
        status, state = _call(base + "/api/update")
        assert status == 200
        if not state["server"]["running"]:
            return state
        assert time.monotonic() < deadline, "the update did not end"
        time.sleep(0.2)


def _source(state: dict, name: str) -> dict:
    return next(s for s in state["sources"] if s["source"] == name)


def test_parse_every_takes_a_number_and_a_unit_within_a_minute_and_a_year():
    assert parse_every("1h") == 3600 and parse_every("30m") == 1800 and parse_every(" 2d ") == 172800
    assert parse_every("90s") == 90 and parse_every("1.5h") == 5400
    for bad in ("10s", "1", "h", "-1h", "1w", "400d", ""):
        with pytest.raises(InputError, match="--update-every"):
            parse_every(bad)


def test_serve_refuses_a_bad_interval_before_starting(cli):
    result = cli("serve", "--update-every", "5s")
    assert result.code == 2 and "between 1 minute and 366 days" in result.err
    result = cli("serve", "--update-from-dir", "/no/such/folder")
    assert result.code == 2 and "no such folder" in result.err


def test_an_admin_starts_an_update_and_every_reader_sees_each_sources_freshness(served, builtin_template):
    base, tokens = served
    status, state = _call(base + "/api/update")
    assert status == 200 and state["server"] == {**state["server"], "running": False, "scheduled": False,
                                                  "mode": "folder", "runs": 0}
    before = _source(state, "gdelt2")
    assert before["last_success"] is None and before["record_through"] is None
    assert [s["source"] for s in state["sources"]] == ["gdelt2", "gdelt1", "polecat", "acled", "cns-missiles"]
    # anonymous readers and analysts may not start one; a CSRF-less cookie write is refused elsewhere
    assert _call(base + "/api/update", "POST", body={})[0] == 401
    assert _call(base + "/api/update", "POST", tokens[ANALYST], {})[0] == 403
    admin = tokens[ADMIN]
    status, started = _call(base + "/api/update", "POST", admin, {})
    assert status == 202 and started["started"] is True and started["server"]["started_by"] == ADMIN
    state = _wait_idle(base)
    gdelt2 = _source(state, "gdelt2")
    assert state["server"]["runs"] == 1 and state["server"]["error"] is None, state["server"]
    # the newest event date (SQLDATE) in the three 2017 exports is 2016-07-28
    assert gdelt2["last_success"] is not None and gdelt2["record_through"] == "2016-07-28"
    assert gdelt2["files_ingested"] == 3 and gdelt2["last_error"] is None
    assert _source(state, "gdelt1")["last_success"] is None       # not in the folder: nothing claimed
    # a second run finds nothing new; the store holds the three exports' events once
    assert _call(base + "/api/update", "POST", admin, {})[0] == 202
    state = _wait_idle(base)
    assert state["server"]["runs"] == 2


def test_a_second_update_while_one_runs_is_refused(builtin_template, tmp_path, media):
    path = tmp_path / "u.duckdb"
    shutil.copy(builtin_template, path)
    with open_store(path) as store:
        updater = Updater(store, from_dir=media)
        assert updater.trigger("first") is True
        assert updater.trigger("second") is False          # the flag is set before the thread starts
        updater.stop()
        assert updater.runs == 1 and not updater.running and updater.error is None
        runs = store.con.execute("SELECT source, status, who FROM update_runs").fetchall()
        assert runs == [("gdelt2", "ok", "web:first")]


def test_the_schedule_runs_updates_until_the_server_stops(builtin_template, tmp_path, media):
    path = tmp_path / "s.duckdb"
    shutil.copy(builtin_template, path)
    with open_store(path) as store:
        updater = Updater(store, every=0.3, from_dir=media)      # below --update-every's minimum: a test only
        updater.start()
        deadline = time.monotonic() + 120
        while updater.runs < 2:
            assert time.monotonic() < deadline, "the schedule did not run twice"
            time.sleep(0.1)
        updater.stop()
        done = updater.runs
        time.sleep(0.8)
        assert updater.runs == done                           # stopped: no run after
        statuses = [r[0] for r in store.con.execute("SELECT status FROM update_runs ORDER BY id").fetchall()]
        assert len(statuses) >= 2 and set(statuses) == {"ok"}
        files = store.con.execute("SELECT count(*) FROM update_files WHERE status = 'ingested'").fetchall()
        assert files == [(3,)]                                # each export ingested once


def test_the_overview_shows_freshness_and_the_track_record_and_an_admin_updates_from_it(served, browser):
    base, _ = served
    session = Session(browser, base, {"width": 1280, "height": 900})
    page = session.open("/", "#sources-table tbody tr")
    rows = page.locator("#sources-table tbody tr")
    assert rows.count() == 5
    assert "never" in rows.nth(0).text_content()
    assert page.locator("#update-button").is_hidden()           # anonymous: no button
    summary = page.locator("#track-summary")
    page.locator("#track-summary:not([data-status=loading])").wait_for(state="attached",
                                                                        timeout=120_000)
    page.locator("#track-chart.js-plotly-plot").wait_for(timeout=30_000)
    assert page.locator("#track-chart .scatterlayer .trace").count() == 3   # two models, the launches
    assert "Last 24 months: Brier score" in summary.text_content()
    # sign in as the admin; the button appears and runs the update
    page.goto(base + "/signin?next=/")
    page.fill("#u-name", ADMIN)
    page.fill("#u-password", PASSWORD)
    page.click("#signin-form button[type=submit]")
    page.wait_for_url(base + "/")
    page.locator("#update-button").wait_for(state="visible")
    page.click("#update-button")
    page.locator("#sources-table tbody tr", has_text="2016-07-28").wait_for(timeout=120_000)
    first = page.locator("#sources-table tbody tr").nth(0).text_content()
    assert "never" not in first
    session.shot("overview_sources")
    session.close()
