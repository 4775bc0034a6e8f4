"""Jobs of the web API: ensembles and roadmap plans in worker processes, limits, owners, files.

One app (and so one pool of worker processes) serves the whole module; each test talks
to it from its own client address, so every test is its own anonymous owner
(``anonymous@<address>``) with its own job quota.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from panmun.store.opening import open_store
from panmun.vectors.model import ensemble, quantiles
from panmun.vectors.parameters import STOCKS
from panmun.vectors.scenarios import load_scenario
from panmun.web.app import create_app
from panmun.web.jobs import snapshot_store
from panmun.web.settings import Settings

pytestmark = pytest.mark.slow

SETTINGS = Settings(secret="test")
PASSWORD = "a long enough password"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    path = tmp_path_factory.mktemp("jobs") / "w.duckdb"
    application = create_app(path, SETTINGS)
    with TestClient(application):          # runs the lifespan: the pool is shut down at the end
        yield application


def client(app, host: str) -> TestClient:
    return TestClient(app, client=(host, 50000))


def wait(c: TestClient, job_id: str, seconds: float = 60.0) -> tuple[dict, list[float]]:
    """Poll a job until it is done or failed; return its record and the progress values seen."""
    seen, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        r = c.get(f"/api/jobs/{job_id}")
        assert r.status_code == 200, r.text
        job = r.json()
        seen.append(job["progress"])
        if job["state"] in ("done", "failed"):
            return job, seen
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} still {job['state']} after {seconds} s")


def error_of(r, status: int) -> dict:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"status", "code", "message", "field", "hint"}
    assert body["error"]["status"] == status
    return body["error"]


def submit(c: TestClient, kind: str, **params):
    return c.post("/api/jobs", json={"kind": kind, "params": params})


def test_ensemble_job_gives_the_models_quantiles(app):
    c = client(app, "10.0.0.1")
    r = submit(c, "ensemble", scenario="cma-restored", runs=600, horizon=24, seed=7, parameters="defaults")
    assert r.status_code == 202, r.text
    assert r.json()["state"] == "queued" and r.json()["kind"] == "ensemble"
    job, seen = wait(c, r.json()["id"])
    assert job["state"] == "done", job
    assert all(0.0 <= p <= 1.0 for p in seen) and seen == sorted(seen) and job["progress"] == 1.0
    assert job["started"] is not None and job["finished"] is not None
    result = job["result"]
    sc = load_scenario("cma-restored")
    assert result["scenario"] == "cma-restored" and result["start"] == sc.start
    assert result["months"] == [sc.month_label(k) for k in range(25)]
    assert result["months"][0] == sc.start and len(result["months"][1]) == 7
    assert set(result["stocks"]) == set(STOCKS)
    direct = quantiles(ensemble(sc.setup(24), 600, seed=7, params=sc.parameters), (0.05, 0.5, 0.95))
    for s, stock in enumerate(STOCKS):
        bands = result["stocks"][stock]
        assert set(bands) == {"q05", "q50", "q95"} and all(len(v) == 25 for v in bands.values())
        np.testing.assert_array_equal(bands["q50"], direct[:, s, 1])
        np.testing.assert_array_equal(bands["q05"], direct[:, s, 0])
    listed = c.get("/api/jobs").json()
    assert [j["id"] for j in listed] == [job["id"]] and "result" not in listed[0]


def test_an_ensemble_job_draws_its_parameters_from_the_posterior_by_default(app):
    from panmun.vectors.runs import parameter_draws, record_history, with_scenario

    c = client(app, "10.0.0.9")
    r = submit(c, "ensemble", scenario="cma-restored", runs=300, horizon=12, seed=3)
    assert r.status_code == 202, r.text
    job, _ = wait(c, r.json()["id"])
    assert job["state"] == "done", job
    result = job["result"]
    assert result["parameters"]["source"] == "posterior" and result["parameters"]["draws"] == 300
    sc = load_scenario("cma-restored")
    draws, _ = parameter_draws(record_history(app.state.store), "posterior", 300, 3)
    counts = ensemble(sc.setup(12), 300, seed=3, params=with_scenario(sc, draws))
    direct = quantiles(counts, (0.05, 0.5, 0.95))
    for s, stock in enumerate(STOCKS):
        np.testing.assert_array_equal(result["stocks"][stock]["q50"], direct[:, s, 1])
    bad = error_of(submit(c, "ensemble", scenario="baseline", runs=10, parameters="judgement"), 422)
    assert bad["field"] == "body.params.parameters"


def test_ensemble_parameters_are_checked(app):
    c = client(app, "10.0.0.2")
    too_many = error_of(submit(c, "ensemble", scenario="baseline", runs=SETTINGS.max_runs + 1), 422)
    assert too_many["field"] == "body.params.runs" and too_many["code"] == "validation"
    assert error_of(submit(c, "ensemble", scenario="baseline", runs=0), 422)["field"] == "body.params.runs"
    assert error_of(submit(c, "ensemble", scenario="baseline", runs="9"), 422)["field"] == "body.params.runs"
    assert error_of(submit(c, "ensemble", scenario="baseline", runs=10, horizon=361),
                    422)["field"] == "body.params.horizon"
    assert error_of(submit(c, "ensemble", scenario="baseline", runs=10, workers=9),
                    422)["field"] == "body.params.workers"
    assert error_of(submit(c, "ensemble", scenario="no-such-one", runs=10), 404)["field"] == \
        "body.params.scenario"
    assert error_of(submit(c, "ensemble", runs=10), 422)["field"] == "body.params.scenario"
    assert error_of(submit(c, "weather", runs=10), 422)["field"] == "body.kind"
    assert error_of(submit(c, "briefing", at="2024-02-30"), 422)["field"] == "body.params.at"
    assert error_of(submit(c, "briefing", lang="fr"), 422)["field"] == "body.params.lang"
    assert error_of(submit(c, "roadmap", objective="world-peace"), 422)["field"] == "body.params.objective"
    assert c.get("/api/jobs").json() == []          # nothing was queued


def test_job_quota_and_owners(app):
    mine, theirs = client(app, "10.0.0.3"), client(app, "10.0.0.4")
    ids = []
    for seed in range(SETTINGS.max_jobs_per_user):
        r = submit(mine, "ensemble", scenario="baseline", runs=20000, horizon=100, seed=seed)
        assert r.status_code == 202, r.text
        ids.append(r.json()["id"])
    assert len(set(ids)) == len(ids) and all(len(i) >= 20 for i in ids)
    assert error_of(submit(mine, "ensemble", scenario="baseline", runs=10), 429)["code"] == "too_many_jobs"
    assert error_of(theirs.get(f"/api/jobs/{ids[0]}"), 404)["code"] == "not_found"
    assert theirs.get("/api/jobs").json() == []
    for job_id in ids:
        assert wait(mine, job_id)[0]["state"] == "done"
    assert submit(mine, "ensemble", scenario="baseline", runs=10, horizon=2).status_code == 202


def test_signed_in_owner(app, tmp_path):
    from panmun.web import auth

    shared = app.state.store
    user = auth.add_user(shared, "jobs-analyst", PASSWORD, "analyst", created_by="test")
    _, token = auth.new_token(shared, user, "test")
    c = client(app, "10.0.0.5")
    r = c.post("/api/jobs", json={"kind": "ensemble", "params": {"scenario": "baseline", "runs": 10,
                                                                    "horizon": 3}},
               headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 202, r.text
    assert error_of(c.get(f"/api/jobs/{r.json()['id']}"), 404)["code"] == "not_found"   # anonymous there
    job = c.get(f"/api/jobs/{r.json()['id']}", headers={"Authorization": f"Bearer {token}"})
    assert job.status_code == 200
    # signed in by cookie: a submission must carry the CSRF token; the job is the user's
    browser = client(app, "10.0.0.9")
    session = browser.post("/api/session", json={"name": "jobs-analyst", "password": PASSWORD})
    assert session.status_code == 200, session.text
    tiny = {"kind": "ensemble", "params": {"scenario": "baseline", "runs": 10, "horizon": 3}}
    assert error_of(browser.post("/api/jobs", json=tiny), 403)["code"] == "csrf"
    sent = browser.post("/api/jobs", json=tiny, headers={"X-CSRF-Token": session.json()["csrf"]})
    assert sent.status_code == 202, sent.text
    assert {j["id"] for j in browser.get("/api/jobs").json()} == {r.json()["id"], sent.json()["id"]}


def test_roadmap_job_returns_feasible_plans(app):
    c = client(app, "10.0.0.6")
    r = submit(c, "roadmap", horizon=12, alternatives=0, time_limit=1)
    assert r.status_code == 202, r.text
    job, _ = wait(c, r.json()["id"], seconds=90)
    assert job["state"] == "done", job
    result = job["result"]
    assert result["feasible"] is True and result["horizon"] == 12 and result["objective"] == "progress"
    plan = result["plans"][0]
    assert plan["rank"] == 1 and plan["steps"]
    assert all(0 <= step["start"] <= 12 and len(step["start_month"]) == 7 for step in plan["steps"])
    assert "three_vector_model" in plan and "clash_risk" in plan


def test_roadmap_job_plans_from_the_positions_of_its_start_month(app):
    """A plan starting in 2019-01 may hold steps that the parties' positions of the record's
    end make red lines; the job judges the steps as the command does (dated_inputs)."""
    from panmun.roadmap.ranking import dated_inputs

    c = client(app, "10.0.0.9")
    assert error_of(submit(c, "roadmap", start="2019-13"), 422)["field"] == "body.params.start"
    r = submit(c, "roadmap", horizon=24, alternatives=0, time_limit=1, start="2019-01")
    assert r.status_code == 202, r.text
    job, _ = wait(c, r.json()["id"], seconds=90)
    assert job["state"] == "done", job
    scheduled = {step["step"] for step in job["result"]["plans"][0]["steps"]}
    blocked_then = {b.step for b in dated_inputs(None, 24, "2019-01").blocked}
    blocked_now = {b.step for b in dated_inputs(None, 24, None).blocked}
    assert not scheduled & blocked_then                       # nothing off the table in 2019
    assert scheduled & (blocked_now - blocked_then)           # but steps the record's end rules out


def test_file_endpoint_serves_only_the_two_names(app):
    c = client(app, "10.0.0.7")
    job_id = submit(c, "ensemble", scenario="baseline", runs=10, horizon=2).json()["id"]
    wait(c, job_id)
    for name in ("x.html", "briefing.htm", "..%2F..%2Fetc%2Fpasswd", "%2Fetc%2Fpasswd", "snapshot.duckdb",
                 "progress.json"):
        assert error_of(c.get(f"/api/jobs/{job_id}/files/{name}"), 404)["code"] == "not_found"
    error_of(c.get(f"/api/jobs/{job_id}/files/../../../etc/passwd"), 404)
    # the right name, but an ensemble job has no briefing files; and an unknown job has nothing
    assert error_of(c.get(f"/api/jobs/{job_id}/files/briefing.html"), 404)["hint"]
    error_of(c.get("/api/jobs/no-such-job/files/briefing.pdf"), 404)


def test_reads_answer_while_a_job_runs(app):
    c = client(app, "10.0.0.8")
    job_id = submit(c, "ensemble", scenario="baseline", runs=40000, horizon=240).json()["id"]
    while c.get(f"/api/jobs/{job_id}").json()["state"] == "queued":
        time.sleep(0.05)
    start = time.perf_counter()
    r = c.get("/api/agreements")
    elapsed = time.perf_counter() - start
    assert r.status_code == 200 and r.json()
    running = c.get(f"/api/jobs/{job_id}").json()
    print(f"GET /api/agreements took {elapsed * 1000:.0f} ms while the job was {running['state']}")
    assert wait(c, job_id)[0]["state"] == "done"


def test_store_snapshot_is_a_consistent_copy(app, tmp_path):
    copy = tmp_path / "snap.duckdb"
    snapshot_store(app.state.store, copy)
    with open_store(copy, load_builtin=False) as s:
        assert s.counts() == app.state.store.counts()


def test_serve_refuses_a_public_host_without_public(capsys):
    from panmun.cli.main import main
    from panmun.cli.serve import is_loopback

    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert is_loopback("127.3.4.5") and not is_loopback("0.0.0.0") and not is_loopback("example.org")
    assert main(["serve", "--host", "0.0.0.0", "--port", "8123"]) == 2
    assert "no TLS" in capsys.readouterr().err
    assert main(["serve", "--port", "0"]) == 2


def test_ensemble_progress_follows_the_chunks(monkeypatch, tmp_path):
    from panmun.vectors.model import CHUNK
    from panmun.web import jobs

    reported = []
    monkeypatch.setattr(jobs, "report_progress", lambda folder, fraction: reported.append(fraction))
    result = jobs.run_ensemble(load_scenario("baseline"), CHUNK + 1000, 3, 0, "defaults", None, str(tmp_path))
    assert reported == [0.0, CHUNK / (CHUNK + 1000), 1.0]
    assert result["runs"] == CHUNK + 1000 and len(result["months"]) == 4


def test_shutdown_stops_running_jobs_and_removes_files(app):
    from panmun.web.jobs import JobManager

    manager = JobManager(Settings(secret="test", job_workers=1), app.state.store.path)
    job = manager.submit("ensemble", "me", {"scenario": "baseline", "runs": 200_000, "horizon": 360},
                         app.state.store)
    deadline = time.monotonic() + 60
    while manager.get(job.id, "me").state == "queued" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert job.state == "running"
    root = manager.root
    assert (root / job.id / "progress.json").is_file()
    start = time.monotonic()
    manager.shutdown()
    assert time.monotonic() - start < 10
    assert job.state == "failed" and "traceback" not in job.error.lower()
    assert not root.exists()


def test_fuzzed_job_requests_get_the_error_shape(app, tmp_path):
    """Valid and invalid inputs generated from /openapi.json for the jobs endpoints (15 per
    operation, derandomized): no 5xx, and every 4xx has the one error shape."""
    copy = tmp_path / "fuzz.duckdb"
    snapshot_store(app.state.store, copy)
    fuzz_app = create_app(copy, SETTINGS)
    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzz_app).include(path_regex="^/api/jobs")
    try:
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) == 4
        for op in operations:
            negative = schemathesis.GenerationMode.NEGATIVE
            fuzz(st.one_of(op.as_strategy(), op.as_strategy(generation_mode=negative)))
    finally:
        from schemathesis.python import asgi

        asgi.shutdown_lifespans()


def fuzz(cases) -> None:
    @settings(max_examples=15, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(case=cases)
    def check(case):
        response = case.call()
        assert response.status_code < 500, (case.method, case.formatted_path, case.body, response.text)
        if response.status_code >= 400:
            error_of(response, response.status_code)

    check()


def test_a_failed_job_reports_the_message_not_a_traceback(tmp_path):
    from concurrent.futures import Future

    from panmun.errors import InputError
    from panmun.web.jobs import Job, JobManager

    manager = JobManager(SETTINGS, tmp_path / "unused.duckdb")
    assert manager._root is None          # no job, no folder and no process
    cases = ((InputError("no events in the window"), "no events in the window"),
             (ZeroDivisionError("division by zero"), "internal error in the job (ZeroDivisionError)"))
    for exc, expected in cases:
        job = Job("j", "ensemble", "me", {}, tmp_path)
        future = Future()
        future.set_exception(exc)
        manager._finished(job, future)
        assert job.state == "failed" and job.error.startswith(expected)
        assert "Traceback" not in job.record()["error"] and "result" not in job.record()
    manager.shutdown()
    assert manager._pool is None and manager._root is None


def test_the_briefing_is_downloadable_as_html_and_pdf(app):
    # the dashboard's "Prepare briefing" button: a briefing job, then its two files (here in
    # Korean, the language the dashboard offers beside English)
    pytest.importorskip("weasyprint")
    c = client(app, "10.0.0.9")
    job_id = submit(c, "briefing", at="2024-06-30", lang="ko").json()["id"]
    job, _ = wait(c, job_id, seconds=600)
    assert job["state"] == "done", job
    assert job["result"]["lang"] == "ko"
    html = c.get(f"/api/jobs/{job_id}/files/briefing.html")
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert html.text.startswith("<!DOCTYPE html>") and 'section id="roadmap"' in html.text
    assert '<html lang="ko">' in html.text and "핵심 판단" in html.text
    pdf = c.get(f"/api/jobs/{job_id}/files/briefing.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-") and len(pdf.content) > 50_000
