"""The dashboard in a real browser (Playwright driving Debian's Chromium), with the network cut.

One server (uvicorn in a thread, on a free loopback port, over a copy of the built-in store)
serves the module; every browser request that does not go to it is aborted and recorded,
and the tests assert that none was attempted. Screenshots of every page are written to
``tests/artifacts/pages/``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from panmun.store.opening import open_store
from panmun.web.pages.routes import PAGES as PAGE_ROUTES

from conftest import ServerOnly, live_server, web_app

pytestmark = pytest.mark.slow

NAV = [(path, name) for path, name, _label in PAGE_ROUTES]
SHOTS = Path(__file__).parent / "artifacts" / "pages"
ANALYST, PASSWORD = "ana", "correct-horse-battery-staple"
PAGES = {  # path -> a selector that only matches once the page's main content is drawn
    "/": "#scorecard-chart.js-plotly-plot",
    "/agreements": "#agreements-table tbody tr",
    "/agreements/cma-2018": "#provisions-table tbody tr",
    "/environment": "#env-chart.js-plotly-plot",
    "/scenarios": "#s-a option",
    "/armscontrol": "#risk-chart.js-plotly-plot",
    "/actors": "#positions-chart.js-plotly-plot",
    "/roadmap": "#steps-table tbody tr",
}


def test_every_label_is_in_english_and_korean_and_every_template_key_exists():
    from panmun.web.pages import i18n

    for key, (en, ko) in i18n.LABELS.items():
        assert en.strip() and ko.strip(), key
        assert re.search("[\uac00-\ud7a3]", ko), f"{key}: no Hangul in {ko!r}"
    templates = Path(i18n.__file__).parent / "templates"
    key = re.compile(r"""t\(["']([\w-]+)["']""")
    used = {m for f in templates.glob("*.html") for m in key.findall(f.read_text(encoding="utf-8"))}
    assert used and used <= set(i18n.LABELS), used - set(i18n.LABELS)


def _get(url: str, accept: str = "text/html") -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def test_pages_assets_errors_and_redirects_over_http(server):
    base = server[0]
    status, headers, body = _get(base + "/static/vendor/plotly.min.js", "*/*")
    assert status == 200 and headers["content-type"].startswith("text/javascript") and len(body) > 1_000_000
    status, headers, body = _get(base + "/environment?lang=ko")
    assert status == 200 and "lang=ko" in headers["set-cookie"] and "script-src 'self'" in headers[
        "content-security-policy"]
    assert not re.search(rb"""(src|href)=["']?(https?:)?//""", body), "nothing is loaded from elsewhere"
    status, headers, body = _get(base + "/no-such-page")
    assert status == 404 and headers["content-type"].startswith("text/html") and b"<nav" in body
    status, headers, body = _get(base + "/api/no-such-endpoint")
    assert status == 404 and set(json.loads(body)["error"]) == {"status", "code", "message", "field", "hint"}
    for hostile in ("//evil.example/", "https://evil.example/", "/\\evil.example/"):
        body = _get(base + "/signin?next=" + urllib.parse.quote(hostile))[2]
        assert b'data-next="/"' in body, hostile
    body = _get(base + "/agreements/" + urllib.parse.quote("<script>x</script>"))[2]
    assert b"<script>x" not in body and b"%3Cscript%3Ex" in body      # links carry the path percent-encoded


def _add_analyst(path: Path) -> bool:
    """Create the analyst account; False when the auth module is not there (yet)."""
    try:
        from panmun.web import auth
    except ImportError:
        return False
    store = open_store(path)
    try:
        auth.add_user(store, ANALYST, PASSWORD, "analyst", created_by="test")
    finally:
        store.close()
    return True


@pytest.fixture(scope="module")
def server(builtin_template, tmp_path_factory):
    """The workbench on a free loopback port: (base URL, whether an analyst account exists)."""
    path = tmp_path_factory.mktemp("pages") / "w.duckdb"
    shutil.copy(builtin_template, path)
    has_analyst = _add_analyst(path)
    with live_server(web_app(path, max_runs=2000)) as base:
        yield base, has_analyst


class Session(ServerOnly):
    """A browser context that can only reach the test server; it records what else was tried
    and the script errors, and asserts at its close that there were none."""

    def shot(self, name: str, page=None) -> Path:
        """A full-page screenshot once nothing is loading any more."""
        page = page or self.page
        page.locator("[data-status=loading]").first.wait_for(state="detached", timeout=30_000)
        SHOTS.mkdir(parents=True, exist_ok=True)
        out = SHOTS / f"{name}.png"
        page.screenshot(path=str(out), full_page=True)
        return out

    def close(self):
        super().close()
        assert self.blocked == [], f"requests outside the test server: {self.blocked}"
        assert self.errors == [], f"script errors: {self.errors}"


@pytest.fixture
def session(server, browser):
    s = Session(browser, server[0], {"width": 1280, "height": 800})
    yield s
    s.close()


def _name(path: str) -> str:
    return path.strip("/").replace("/", "_") or "overview"


def test_every_page_renders_its_content_with_the_network_cut(session):
    for path, ready in PAGES.items():
        page = session.open(path, ready)
        page.wait_for_load_state("networkidle")
        assert page.locator("[data-status=unavailable]").count() <= (1 if path == "/actors" else 0), path
        assert page.locator("nav a").count() == 7
        assert page.locator("script:not([src])").count() == 0         # the CSP allows no inline script
        session.shot(_name(path))
    page = session.open("/", "#index-current[data-status=ready]")
    page.wait_for_selector("#events-table tbody tr")
    page.wait_for_selector("#forecast .js-plotly-plot")
    assert page.locator("#events-table tbody tr").count() == 8
    assert page.locator("#forecast table tbody tr").count() == 2         # missile launch and provocation
    legend = page.locator("#index-chart .legend").text_content()   # each direction of the dyad apart
    assert "KOR→PRK" in legend and "PRK→KOR" in legend, legend
    latest = page.locator("#index-current").text_content()
    assert re.fullmatch(r"Latest month \d{4}-\d\d: index -?[\d.]+", latest)
    through = page.locator("#record-through").text_content()
    assert re.match(r"Record through \d{4}-\d\d-\d\d:", through), through
    page = session.open("/agreements", "#agreements-table tbody tr")
    assert page.locator("#agreements-table tbody tr").count() >= 5


def test_projector_layout_and_a_missing_endpoint_says_not_available(server, browser):
    s = Session(browser, server[0], {"width": 1920, "height": 1080})
    page = s.page
    # the forecast request goes to a route the server does not have: its real 404 answer
    page.route("**/api/forecast", lambda route: route.continue_(url=s.base + "/api/not-served-here"))
    s.open("/", "#scorecard-chart.js-plotly-plot")
    notice = page.locator("#forecast .notice")
    notice.wait_for()
    assert "Not available" in notice.text_content() and "GET /api/forecast" in notice.text_content()
    box = page.locator("#scorecard-chart").bounding_box()
    assert box["width"] > 700                          # two columns of cards on a projector
    assert page.evaluate("document.documentElement.scrollWidth") <= 1920
    s.shot("overview_1920")
    s.close()


def test_a_date_range_redraws_the_environment_chart(session):
    page = session.open("/environment", "#env-chart.js-plotly-plot")
    full = page.evaluate("document.getElementById('env-chart').data[0].x.length")
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/api/indices" in r.url else None)
    page.fill("#r-since", "2019-01-01")
    page.fill("#r-until", "2020-12-31")
    page.click("#range-form button")
    page.wait_for_selector("#env-chart[data-since='2019-01-01'][data-until='2020-12-31']")
    xs = page.evaluate("document.getElementById('env-chart').data[0].x")
    shown = page.evaluate("document.getElementById('env-chart').layout.xaxis.range")
    assert any("since=2019-01-01" in u and "until=2020-12-31" in u for u in asked)
    assert 0 < len(xs) < full and min(xs) >= "2019-01" and max(xs) <= "2020-12-31"
    assert shown[0].startswith("2019-01-01") and shown[1].startswith("2020-12-31")
    assert "since=2019-01-01" in page.url                # the range is in the address (shareable)
    session.shot("environment_2019_2020")


def test_korean_labels_and_names_from_the_store(session):
    page = session.open("/?lang=ko", "#scorecard-chart.js-plotly-plot")
    assert page.locator("html").get_attribute("lang") == "ko"
    nav = page.locator("nav").text_content()
    for label in ("개요", "합의", "군비통제", "시나리오", "행위자", "로드맵"):
        assert label in nav
    assert "비핵화" in page.locator("#scorecard-table").text_content()
    session.shot("overview_ko")
    page = session.open("/agreements", "#agreements-table tbody tr")   # the cookie keeps Korean
    cma_ko = "역사적인 판문점선언 이행을 위한 군사분야 합의서"             # title_ko of cma-2018 in the kb
    assert cma_ko in page.locator("#agreements-table").text_content()
    page = session.open("/actors", "#positions-chart.js-plotly-plot")
    assert "대한민국" in page.locator("#positions-table").text_content()
    session.shot("actors_ko")
    page = session.open("/?lang=en", "#scorecard-chart.js-plotly-plot")
    assert "Overview" in page.locator("nav").text_content()


def test_keyboard_reaches_the_skip_link_and_every_nav_link(session):
    page = session.open("/agreements", "#agreements-table tbody tr")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.evaluate("document.activeElement.blur()")
    page.goto(session.base + "/agreements")
    reached = []
    for _ in range(12):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.getAttribute('href')"))
    assert {path for path, _template in NAV} <= set(reached)
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"                          # focus is visible


def test_the_planner_runs_as_a_job_and_draws_the_timeline_and_each_actors_tasks(session):
    page = session.open("/roadmap", "#steps-table tbody tr")
    steps = page.locator("#steps-table tbody tr").count()
    page.fill("#p-time", "1")
    page.click("#planner-form button")
    page.wait_for_selector("#timeline-chart.js-plotly-plot", timeout=60_000)
    bars = page.evaluate("document.getElementById('timeline-chart').data[0].y.length")
    assert 0 < bars <= steps
    assert page.locator("#tasks section h3").count() >= 2                  # the parties' task lists
    assert "KOR" not in page.locator("#tasks h3").all_text_contents()      # names, not codes
    assert page.evaluate("document.getElementById('p-progress').value") == 1
    session.shot("roadmap_plan")


def _sign_in(session, next_path: str):
    page = session.open(f"/signin?next={next_path}", "#signin-form")
    page.fill("#u-name", ANALYST)
    page.fill("#u-password", "wrong password!")
    page.click("#signin-form button")
    page.wait_for_selector("#signin-message:has-text('Wrong name or password')")
    session.shot("signin_wrong_password")
    page.fill("#u-password", PASSWORD)
    page.click("#signin-form button")
    page.wait_for_url(session.base + next_path)
    page.wait_for_selector(f"#session-status:has-text('{ANALYST}')")
    return page


def _implementation(page, vector_label: str) -> str:
    row = page.locator("#scorecard-table tbody tr", has_text=vector_label)
    return row.locator("td").nth(1).text_content()


def test_an_analyst_runs_a_scenario_records_a_status_and_signs_out(session, server):
    if not server[1]:
        pytest.skip("panmun.web.auth is not there: no analyst account can be created")
    page = session.open("/", "#scorecard-table tbody tr")
    before = _implementation(page, "Denuclearization")
    page = _sign_in(session, "/scenarios")

    page.fill("#s-runs", "40")
    page.fill("#s-horizon", "12")
    page.select_option("#s-b", "cma-restored")
    page.click("#scenario-form button")
    page.wait_for_selector("#s-status.ok", timeout=60_000)
    fans = page.locator("#fans .fan.js-plotly-plot")
    assert fans.count() == 4
    band = page.evaluate("document.querySelector('#fans .fan').data.map(t => t.y)")
    months = page.evaluate("document.querySelector('#fans .fan').data[2].x")
    q95, q05, q50 = band[:3]
    (y0, m0), (y1, m1) = (map(int, m.split("-")[:2]) for m in (months[0], months[-1]))
    assert 12 * (y1 - y0) + m1 - m0 == 12                 # the horizon asked for
    assert len(band) == 6                                   # two scenarios: band edges and median each
    assert all(lo <= mid + 1e-9 <= hi + 2e-9 for lo, mid, hi in zip(q05, q50, q95, strict=True))
    assert page.evaluate("document.getElementById('s-progress').value") == 1
    session.shot("scenarios_run")

    agreement = page.request.get(session.base + "/api/agreements/panmunjom-2018").json()
    provision = next(p for p in agreement["provisions"]
                     if p["vector"] == "denuclearization" and not p["score"])
    path = f"/agreements/panmunjom-2018#provision={provision['id']}"
    page = session.open(path, "#status-form:not([hidden])")
    page.wait_for_selector("#history-table tbody tr")
    stale = session.open(path, "#history-table tbody tr", page=session.new_page())
    note = "<b>Verified</b> dismantlement step <script>window.pwned=1</script>"
    page.fill("#f-date", dt.date.today().isoformat())
    page.select_option("#f-status", "score:3")
    page.fill("#f-note", note)
    page.fill("#f-source", "https://example.org/report")
    page.click("#status-form button")
    page.wait_for_selector("#status-message.ok")
    first = page.locator("#history-table tbody tr").first
    assert note in first.text_content() and first.locator("b, script").count() == 0
    assert page.evaluate("window.pwned") is None
    session.shot("agreement_updated")

    stale.fill("#f-note", "an update made on an old copy of the page")
    stale.fill("#f-source", "https://example.org/other")
    stale.click("#status-form button")
    stale.wait_for_selector("#status-message.error")
    assert "reload" in stale.locator("#status-message").text_content().lower()
    stale.close()

    page = session.open("/", "#scorecard-table tbody tr")
    after = _implementation(page, "Denuclearization")
    assert int(after.rstrip(" %")) > int(before.rstrip(" %"))

    page.click("#signout-button")
    page.wait_for_url(session.base + "/")
    page.wait_for_selector("#session-status:has-text('guest')")
    assert page.request.get(session.base + "/api/session").json() == {"signed_in": False}
    page = session.open("/agreements/panmunjom-2018", "#provisions-table tbody tr")
    assert page.locator("#status-form").is_hidden()
