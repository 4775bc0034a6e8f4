"""The read endpoints of the web API (one router per topic in ``panmun.web.api``) on a real store.

Every endpoint is called on the built-in data and checked for its documented keys and a
few facts of the record; bad ids, dates and parameters must give the one JSON error shape
with the right status and field; hostile query strings must never cause a 5xx nor touch the
data; and a property-based test (schemathesis over the OpenAPI description) drives every
read with generated inputs.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import urllib.parse

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from panmun.agreements.status import set_status

from conftest import web_app

pytestmark = pytest.mark.slow

READ_PATHS = ["/api/health", "/api/agreements", "/api/agreements/{agreement_id}",
              "/api/provisions/{provision_id}", "/api/scorecard", "/api/events", "/api/indices",
              "/api/forecast", "/api/armscontrol/packages", "/api/armscontrol/measures",
              "/api/armscontrol/risk", "/api/actors/issues", "/api/actors/positions",
              "/api/actors/bargain", "/api/roadmap/steps"]
HOSTILE = ["'; DROP TABLE events; --", "<script>alert(1)</script>", "../../etc/passwd", "x" * 5000,
           "a\x00b", "%00", "1 OR 1=1", "😀", "PRK' OR '1'='1"]


def _copy(template, tmp_path, name: str):
    target = tmp_path / name
    shutil.copy(template, target)
    return target


@pytest.fixture(scope="module")
def client(builtin_template, tmp_path_factory):
    db = _copy(builtin_template, tmp_path_factory.mktemp("read"), "w.duckdb")
    with TestClient(web_app(db)) as c:
        yield c


def assert_error(response, status: int, field: str | None = None) -> dict:
    """The response has the one error shape, the status, and (if given) names ``field``."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"status", "code", "message", "field", "hint"}
    assert error["status"] == status
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    if field is not None:
        assert error["field"] == field
    return error


# ---------------------------------------------------------------------------------------------
# Each endpoint on the built-in data
# ---------------------------------------------------------------------------------------------


def test_health(client):
    body = client.get("/api/health").json()
    assert body["status"] == "ok"
    assert isinstance(body["version"], str) and body["version"]
    assert isinstance(body["schema_version"], int) and body["schema_version"] >= 1


def test_agreements_list_has_the_panmunjom_declaration(client):
    rows = client.get("/api/agreements").json()
    keys = {"id", "title", "title_ko", "short_title", "date", "parties", "provisions"}
    assert all(keys <= set(r) for r in rows)
    panmunjom = next(r for r in rows if r["id"] == "panmunjom-2018")
    assert panmunjom["date"] == "2018-04-27"
    assert "Panmunjom Declaration" in panmunjom["title"]
    assert {"KOR", "PRK"} <= set(panmunjom["parties"])
    assert panmunjom["provisions"] > 0


def test_agreement_detail_gives_each_provision_with_todays_status(client):
    body = client.get("/api/agreements/cma-2018").json()
    assert {"id", "title", "title_ko", "date", "summary", "sources", "provisions"} <= set(body)
    assert body["date"] == "2018-09-19"
    assert body["sources"] and all("url" in s for s in body["sources"])
    first = body["provisions"][0]
    assert {"id", "article", "title", "vector", "score", "state", "since"} <= set(first)
    states = {p["id"]: p for p in body["provisions"]}
    # The ROK suspended the whole agreement on 2024-06-04: nothing in it is in force today.
    assert states["cma-2018/1.2"]["score"] == 0
    assert states["cma-2018/1.2"]["state"] in ("suspended", "reversed")


def test_provision_history_has_its_2018_and_2023_or_2024_changes(client):
    body = client.get("/api/provisions/cma-2018/1.2").json()
    assert {"id", "agreement_id", "article", "title", "summary", "vector", "version", "history",
            "audit"} <= set(body)
    assert body["agreement_id"] == "cma-2018" and body["article"] == "1.2"
    assert body["version"] == len(body["audit"]) > 0          # loading the kb is audited too
    assert {"audited_at", "who", "action", "what", "why", "source"} <= set(body["audit"][0])
    row = body["history"][0]
    assert {"change_id", "date", "score", "state", "note", "source_url", "origin", "recorded_by",
            "recorded_at"} <= set(row)
    years = {r["date"][:4] for r in body["history"]}
    assert "2018" in years and years & {"2023", "2024"}
    assert all(r["source_url"].startswith("http") for r in body["history"])


TODAY = dt.date.today().isoformat()


def test_an_analysts_write_shows_in_the_provisions_audit_and_version(builtin_template, tmp_path):
    db = _copy(builtin_template, tmp_path, "write.duckdb")
    with TestClient(web_app(db)) as c:
        before = c.get("/api/provisions/cma-2018/1.3").json()
        detail_before = c.get("/api/agreements/cma-2018").json()      # cached until a write
        card_before = c.get("/api/scorecard", params={"by": "provision", "agreement": "cma-2018"}).json()
        change = set_status(c.app.state.store, "cma-2018/1.3", date=TODAY, score=1,
                            source="https://example.org/report", note="Partial restoration reported",
                            who="analyst-a")
        body = c.get("/api/provisions/cma-2018/1.3").json()
        detail = c.get("/api/agreements/cma-2018").json()
        card = c.get("/api/scorecard", params={"by": "provision", "agreement": "cma-2018"}).json()
    # the cached reads see the write at once
    status = lambda rows: {r["id"] if "id" in r else r["provision"]: r["score"] for r in rows}  # noqa: E731
    assert status(detail_before["provisions"])["cma-2018/1.3"] != 1
    assert status(detail["provisions"])["cma-2018/1.3"] == 1
    assert status(card_before)["cma-2018/1.3"] != 1 and status(card)["cma-2018/1.3"] == 1
    assert body["version"] == before["version"] + 1 == len(body["audit"])
    audit = body["audit"][-1]
    assert audit["who"] == "analyst-a" and audit["action"] == "set-status"
    assert audit["change_id"] == change
    assert audit["what"] == {"date": TODAY, "score": 1, "state": None}
    assert audit["why"] == "Partial restoration reported"
    assert audit["source"] == "https://example.org/report"
    assert dt.datetime.fromisoformat(audit["audited_at"])
    mine = [r for r in body["history"] if r["change_id"] == change]
    assert mine and mine[0]["origin"] == "analyst" and mine[0]["recorded_by"] == "analyst-a"


def test_scorecard_in_2019_differs_from_today(client):
    then = client.get("/api/scorecard", params={"at": "2019-06-30", "by": "vector"}).json()
    now = client.get("/api/scorecard", params={"by": "vector"}).json()
    assert {"vector", "implementation", "score", "max_score", "provisions"} <= set(then[0])
    assert then[0]["at"] == "2019-06-30" and now[0]["at"] == dt.date.today().isoformat()
    impl = lambda rows: {r["vector"]: r["implementation"] for r in rows}  # noqa: E731
    assert impl(then) != impl(now)
    arms_then, arms_now = impl(then)["arms-control"], impl(now)["arms-control"]
    assert arms_then > arms_now       # the CMA was largely in force in mid-2019, suspended since
    by_agreement = client.get("/api/scorecard", params={"at": "2019-06-30", "by": "agreement"}).json()
    assert "cma-2018" in {r["agreement"] for r in by_agreement}
    one = client.get("/api/scorecard", params={"by": "provision", "agreement": "cma-2018"}).json()
    assert one and {r["agreement"] for r in one} == {"cma-2018"}


def test_events_limit_since_and_order(client):
    rows = client.get("/api/events", params={"limit": 5}).json()
    assert len(rows) == 5
    keys = {"id", "date", "actor1", "actor2", "type", "cameo", "goldstein", "summary", "source_url"}
    assert all(keys <= set(r) for r in rows)
    dates = [r["date"] for r in rows]
    assert dates == sorted(dates, reverse=True)
    assert len(client.get("/api/events").json()) == 100       # the default limit
    since = client.get("/api/events", params={"since": "2025-01-01", "limit": 1000}).json()
    assert since and all(r["date"] >= "2025-01-01" for r in since)
    window = client.get("/api/events", params={"since": "2018-01-01", "until": "2018-12-31",
                                               "actor": "PRK", "limit": 1000}).json()
    assert window and all("2018-01-01" <= r["date"] <= "2018-12-31" for r in window)
    assert all("PRK" in (r["actor1"], r["actor2"]) for r in window)


def test_indices_points_are_monthly_with_change_points(client):
    body = client.get("/api/indices", params={"dyad": "KOR-PRK", "since": "2017-01-01",
                                              "until": "2024-12-31"}).json()
    assert {"dyad", "source", "points", "change_points"} <= set(body)
    assert body["dyad"] == "KOR-PRK" and body["source"] == "kb"
    months = [p["month"] for p in body["points"]]
    assert all(re.fullmatch(r"\d{4}-\d{2}", m) for m in months)
    index = [int(m[:4]) * 12 + int(m[5:]) for m in months]
    assert {b - a for a, b in zip(index, index[1:], strict=False)} == {1}
    assert months[-1] == "2024-12"
    values = [p["value"] for p in body["points"] if p["value"] is not None]
    assert values and all(-1 <= v <= 1 for v in values)
    assert body["change_points"] and set(body["change_points"]) <= set(months)
    assert "2018-01" in body["change_points"]      # the 2018 thaw (PyeongChang, Panmunjom)


def test_forecast_gives_each_model_for_each_target(client):
    rows = client.get("/api/forecast").json()
    assert [r["target"] for r in rows] == ["missile-launch", "provocation"]
    for r in rows:
        assert re.fullmatch(r"\d{4}-\d{2}", r["month"])
        assert {"climatology", "persistence", "markov", "logistic"} <= set(r["models"])
        assert all(0 <= m["probability"] <= 1 for m in r["models"].values())
    one = client.get("/api/forecast", params={"target": "provocation"}).json()
    assert one == rows[1:]


def test_armscontrol_packages_and_risk(client):
    packages = client.get("/api/armscontrol/packages").json()
    assert {p["name"] for p in packages} == {"none", "cma-2018", "cma-2018-full", "status-today"}
    assert all({"title", "measures"} <= set(p) for p in packages)
    pair = [("package", "none"), ("package", "cma-2018-full")]
    rows = client.get("/api/armscontrol/risk", params=pair).json()
    assert [r["rank"] for r in rows] == [1, 2]
    by_name = {r["package"]: r for r in rows}
    assert by_name["cma-2018-full"]["p_deadly_clash"]["median"] < by_name["none"]["p_deadly_clash"]["median"]
    for r in rows:
        q = r["p_deadly_clash"]
        assert 0 <= q["low"] <= q["median"] <= q["high"] <= 1
    measures = client.get("/api/armscontrol/measures", params={"at": "2019-06-30"}).json()
    buffer = next(m for m in measures if m["id"] == "ground-buffer-zone")
    assert buffer["in_force"] is True


def test_actors_issues_positions_and_bargain(client):
    issues = client.get("/api/actors/issues").json()
    assert "denuclearization" in {i["id"] for i in issues}
    body = client.get("/api/actors/positions", params={"issue": "denuclearization",
                                                       "at": "2019-01-01"}).json()
    assert body["at"] == "2019-01-01"
    assert {"actor", "position", "salience", "capability", "date", "source_url"} <= set(body["positions"][0])
    assert all(p["date"] <= "2019-01-01" for p in body["positions"])
    assert {"compromise", "median", "nash", "expected-utility"} <= set(body["outcomes"])
    eu = client.get("/api/actors/bargain", params={"issue": "denuclearization", "model": "expected-utility",
                                                   "rounds": 3}).json()
    assert len(eu["rounds"]) == 4 and 0 <= eu["outcome"] <= 100
    median = client.get("/api/actors/bargain", params={"model": "median"}).json()
    assert median["outcome"] == pytest.approx(body_outcome(client, "median"))


def body_outcome(client, model: str) -> float:
    return client.get("/api/actors/positions").json()["outcomes"][model]


def test_roadmap_steps(client):
    rows = client.get("/api/roadmap/steps").json()
    assert len(rows) > 10
    assert {"id", "name", "actors", "vector", "advance", "prerequisites", "duration", "value"} <= set(rows[0])
    arms = client.get("/api/roadmap/steps", params={"vector": "arms_control"}).json()
    assert arms and {r["vector"] for r in arms} == {"arms_control"} and len(arms) < len(rows)


# ---------------------------------------------------------------------------------------------
# Errors, hostile input, the OpenAPI description
# ---------------------------------------------------------------------------------------------

BAD_REQUESTS = [
    ("/api/agreements/no-such-agreement", 404, "path.agreement_id"),
    ("/api/provisions/cma-2018/99.9", 404, "path.provision_id"),
    ("/api/provisions/no-slash", 422, "path.provision_id"),
    ("/api/scorecard?at=2019-02-30", 422, "query.at"),
    ("/api/scorecard?at=30/06/2019", 422, "query.at"),
    ("/api/scorecard?at=1561852800", 422, "query.at"),
    ("/api/scorecard?by=party", 422, "query.by"),
    ("/api/scorecard?agreement=no-such-agreement", 404, "query.agreement"),
    ("/api/events?since=yesterday", 422, "query.since"),
    ("/api/events?until=2020-13-01", 422, "query.until"),
    ("/api/events?since=2020-01-01&until=2019-01-01", 422, "query.since"),
    ("/api/events?limit=1001", 422, "query.limit"),
    ("/api/events?limit=0", 422, "query.limit"),
    ("/api/events?limit=ten", 422, "query.limit"),
    ("/api/events?actor=prk;", 422, "query.actor"),
    ("/api/indices?dyad=KOR-XXX", 422, "query.dyad"),
    ("/api/indices?source=no-such-source", 404, None),
    ("/api/indices?signal=nothing", 422, "query.signal"),
    ("/api/forecast?target=earthquake", 422, "query.target"),
    ("/api/armscontrol/risk?package=../../etc/passwd", 422, "query.package.0"),
    ("/api/armscontrol/risk?years=51", 422, "query.years"),
    ("/api/armscontrol/risk?sims=99", 422, "query.sims"),
    ("/api/armscontrol/measures?at=2019-6-1", 422, "query.at"),
    ("/api/actors/positions?issue=no-such-issue", 404, "query.issue"),
    ("/api/actors/positions?at=2019-01-32", 422, "query.at"),
    ("/api/actors/bargain?model=dictator", 422, "query.model"),
    ("/api/actors/bargain?rounds=0", 422, "query.rounds"),
    ("/api/actors/bargain?at=1950-01-01", 404, "query.at"),
    ("/api/roadmap/steps?vector=space", 422, "query.vector"),
    ("/api/no-such-endpoint", 404, None),
]


def test_every_error_has_the_same_shape(client):
    for url, status, field in BAD_REQUESTS:
        error = assert_error(client.get(url), status, field)
        assert error["code"] == {400: "bad_request", 404: "not_found", 422: "validation"}[status], url


def test_hostile_query_strings_are_rejected_or_plain_data(client):
    before = len(client.get("/api/events", params={"limit": 1000}).json())
    for text in HOSTILE:
        quoted = urllib.parse.quote(text, safe="")
        urls = [f"/api/agreements/{quoted}", f"/api/provisions/cma-2018/{quoted}",
                f"/api/provisions/{quoted}/1", "/api/events?" + urllib.parse.urlencode({"actor": text}),
                "/api/events?" + urllib.parse.urlencode({"type": text}),
                "/api/events?" + urllib.parse.urlencode({"since": text}),
                "/api/scorecard?" + urllib.parse.urlencode({"agreement": text, "at": text}),
                "/api/indices?" + urllib.parse.urlencode({"source": text}),
                "/api/actors/positions?" + urllib.parse.urlencode({"issue": text}),
                "/api/armscontrol/risk?" + urllib.parse.urlencode({"package": text})]
        for url in urls:
            response = client.get(url)
            assert response.status_code in (404, 422), (url, response.status_code)
            assert_error(response, response.status_code)
            assert response.headers["content-type"].startswith("application/json")
    after = len(client.get("/api/events", params={"limit": 1000}).json())
    assert after == before > 0
    rows = client.app.state.store.query("SELECT count(*) AS n FROM events")["n"].iloc[0]
    assert rows >= before


def test_openapi_lists_the_reads_with_parameter_schemas(client):
    spec = client.get("/openapi.json").json()
    assert set(READ_PATHS) <= set(spec["paths"])
    for path in READ_PATHS:
        op = spec["paths"][path]["get"]
        assert op["summary"] and op["tags"], path
        assert "200" in op["responses"] and "422" in op["responses"] or not op.get("parameters"), path
    params = {p["name"]: p["schema"] for p in spec["paths"]["/api/events"]["get"]["parameters"]}
    assert params["limit"]["maximum"] == 1000 and params["limit"]["minimum"] == 1
    assert params["limit"]["default"] == 100
    assert "pattern" in params["actor"]["anyOf"][0]
    assert params["since"]["anyOf"][0]["format"] == "date"
    indices = {p["name"]: p["schema"] for p in spec["paths"]["/api/indices"]["get"]["parameters"]}
    assert "KOR-PRK" in indices["dyad"]["enum"]
    risk = {p["name"]: p["schema"] for p in spec["paths"]["/api/armscontrol/risk"]["get"]["parameters"]}
    assert risk["package"]["anyOf"][0]["items"]["enum"] == ["none", "cma-2018", "cma-2018-full",
                                                             "status-today"]
    error = spec["components"]["schemas"]["ErrorDetail"]["properties"]
    assert set(error) == {"status", "code", "message", "field", "hint"}


# ---------------------------------------------------------------------------------------------
# Property-based: schemathesis over the OpenAPI description of the reads
# ---------------------------------------------------------------------------------------------

#: Fixed inputs of the slow operations (seconds per new input), so the test stays fast: the
#: risk with 100 simulated periods per draw (packages and years are still generated) and one
#: forecast target (the other values of both are checked above).
FIXED_QUERY = {"/api/armscontrol/risk": {"sims": 100}, "/api/forecast": {"target": "missile-launch"}}


def test_schemathesis_reads(builtin_template, tmp_path):
    """Valid and invalid inputs generated from /openapi.json for every read (10 per operation,
    derandomized): no 5xx ever, and every 4xx has the one error shape."""
    app = web_app(_copy(builtin_template, tmp_path, "fuzz.duckdb"))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app).include(method="GET", path=READ_PATHS)
    try:
        operations = [result.ok() for result in schema.get_all_operations()]
        assert sorted(op.path for op in operations) == sorted(READ_PATHS)
        for op in operations:
            fixed = FIXED_QUERY.get(op.path)
            negative = schemathesis.GenerationMode.NEGATIVE
            cases = st.one_of(op.as_strategy(query=fixed),
                              op.as_strategy(generation_mode=negative, query=fixed))
            _fuzz(cases)
        assert app.state.store.query("SELECT count(*) AS n FROM events")["n"].iloc[0] > 0
    finally:
        from schemathesis.python import asgi

        asgi.shutdown_lifespans()   # closes this app's store now rather than at exit


def _fuzz(cases) -> None:
    @settings(max_examples=10, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(case=cases)
    def check(case):
        response = case.call()
        where = f"{case.method} {case.formatted_path} {case.query}"
        assert response.status_code < 500, (where, response.text)
        if response.status_code >= 400:
            assert_error(_Json(response), response.status_code)

    check()


class _Json:
    """A requests response seen through the two attributes :func:`assert_error` reads."""

    def __init__(self, response):
        self.status_code, self.text, self._response = response.status_code, response.text, response

    def json(self):
        return self._response.json()


def test_actors_roles(client):
    body = client.get("/api/actors/roles", params={"issue": "denuclearization", "at": "2025-12-31"}).json()
    assert body["model"] == "compromise" and 0 <= body["outcome"] <= 100
    actors = {r["actor"] for r in body["roles"]}
    assert {"CHN", "USA", "PRK"} <= actors and body["coalitions"]
    assert_error(client.get("/api/actors/roles", params={"issue": "nowhere"}), 404, "query.issue")


def test_newest_events_are_cut_in_the_database_as_the_full_list_would_be(store):
    from panmun.environment.events import list_events

    every = list_events(store, since="2018-01-01")
    newest = list_events(store, since="2018-01-01", newest=25)
    assert list(newest["id"]) == list(every["id"].iloc[::-1].head(25))
