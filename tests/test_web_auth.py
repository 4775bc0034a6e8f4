"""Web workbench: accounts, sessions, CSRF, API tokens, audited writes, optimistic locking,
hostile input, stored scenarios and ``panmun users`` (TestClient on a real store)."""

from __future__ import annotations

import io
import json
import shutil
import threading
from pathlib import Path

import pytest

from panmun.errors import InputError
from panmun.store.db import Store, connect
from panmun.vectors.scenarios import Scenario, builtin_path
from panmun.web import auth, scenario_store

from conftest import PASSWORD, sign_in, web_app, with_accounts

PROVISION = "panmunjom-2018/1.1"
SOURCE = "https://example.org/report"

pytestmark = pytest.mark.usefixtures("fresh_lockout")


@pytest.fixture(scope="module")
def template(builtin_template, tmp_path_factory) -> Path:
    """The built-in store with three accounts: ann (analyst), vic (viewer), ada (admin)."""
    return with_accounts(builtin_template, tmp_path_factory.mktemp("web-auth"),
                         {"ann": "analyst", "vic": "viewer", "ada": "admin"})


@pytest.fixture
def client(template, app_client):
    return app_client(template)


def shared(client) -> Store:
    """A store on its own cursor of the app's connection (to look behind the API)."""
    app_store = client.app.state.store
    return Store(app_store.con.cursor(), app_store.path)


def bearer(client, name: str = "ann", role: str = "analyst") -> dict:
    """Headers with a fresh API token of ``name`` (cheaper than signing in: no argon2)."""
    _, token = auth.new_token(shared(client), auth.User(name, role))
    return {"Authorization": f"Bearer {token}"}


def status_body(version: int, **extra) -> dict:
    return {"date": "2024-01-05", "score": 1, "note": "a reported step", "source_url": SOURCE,
            "expected_version": version, **extra}


def version_of(client, provision=PROVISION) -> int:
    from panmun.agreements.status import provision_version
    return provision_version(shared(client), provision)


def assert_error(r, status: int, code: str) -> dict:
    assert r.status_code == status, r.text
    err = r.json()["error"]
    assert set(err) == {"status", "code", "message", "field", "hint"}
    assert err["status"] == status and err["code"] == code and err["message"]
    return err


def scenario_yaml(name: str, **replace: str) -> str:
    text = builtin_path("baseline").read_text(encoding="utf-8").replace("name: baseline", f"name: {name}")
    for old, new in replace.items():
        text = text.replace(old, new)
    return text


# accounts and passwords

def test_passwords_are_stored_as_argon2_hashes_not_as_themselves(client):
    rows = shared(client).con.execute("SELECT name, password_hash FROM users ORDER BY name").fetchall()
    assert [r[0] for r in rows] == ["ada", "ann", "vic"]
    for _, digest in rows:
        assert digest.startswith("$argon2id$") and PASSWORD not in digest
    assert len({d for _, d in rows}) == 3          # salted: the same password, three hashes


def test_weak_passwords_and_bad_names_are_refused(client):
    db = shared(client)
    with pytest.raises(InputError, match="at least 10"):
        auth.add_user(db, "bob", "short", "analyst")
    for bad in ("Bob", "../bob", "b" * 41, "", "bob'; --"):
        with pytest.raises(InputError, match="user name"):
            auth.add_user(db, bad, PASSWORD, "analyst")
    with pytest.raises(InputError, match="role"):
        auth.add_user(db, "bob", PASSWORD, "root")
    with pytest.raises(InputError, match="exists"):
        auth.add_user(db, "ann", PASSWORD, "viewer")


def test_wrong_password_and_unknown_user_get_the_same_401(client):
    wrong = client.post("/api/session", json={"name": "ann", "password": "not the password"})
    unknown = client.post("/api/session", json={"name": "nobody", "password": PASSWORD})
    a, b = assert_error(wrong, 401, "unauthorized"), assert_error(unknown, 401, "unauthorized")
    assert a == b
    assert "set-cookie" not in wrong.headers
    assert client.get("/api/session").json() == {"signed_in": False}


def test_repeated_failures_lock_the_name_for_a_while(client, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(auth, "LOCKOUT", auth.Lockout(limit=3, window=60, lock=30, clock=lambda: now[0]))
    for _ in range(3):
        r = client.post("/api/session", json={"name": "ann", "password": "guess guess!"})
        assert r.status_code == 401
    locked = client.post("/api/session", json={"name": "ann", "password": PASSWORD})
    assert_error(locked, 429, "locked")
    assert client.post("/api/session", json={"name": "vic", "password": PASSWORD}).status_code == 200
    now[0] += 31
    assert client.post("/api/session", json={"name": "ann", "password": PASSWORD}).status_code == 200


def test_lockout_counts_recent_failures_only_and_tracks_bounded_names():
    now = [0.0]
    lock = auth.Lockout(limit=3, window=10, lock=5, max_names=2, clock=lambda: now[0])
    lock.failed("a")
    lock.failed("a")
    now[0] = 11.0                        # the first two are outside the window now
    lock.failed("a")
    assert lock.wait("a") == 0
    lock.failed("a")
    lock.failed("a")
    assert lock.wait("a") == 5.0
    lock.succeeded("a")
    assert lock.wait("a") == 0
    for name in ("b", "c", "d"):
        lock.failed(name)
    assert len(lock._failures) == 2 and "b" not in lock._failures


def test_sign_in_sets_a_strict_http_only_cookie_and_returns_the_csrf_token(client):
    r = client.post("/api/session", json={"name": "ann", "password": PASSWORD})
    body = r.json()
    assert body["name"] == "ann" and body["role"] == "analyst" and len(body["csrf"]) >= 40
    cookie = r.headers["set-cookie"].lower()
    assert "panmun_session=" in cookie and "httponly" in cookie and "samesite=strict" in cookie
    sid = r.cookies["panmun_session"]
    stored = shared(client).con.execute("SELECT id FROM sessions").fetchall()
    assert stored and all(row[0] != sid for row in stored)     # only the SHA-256 is kept
    assert client.get("/api/session").json() == {"signed_in": True, "name": "ann", "role": "analyst",
                                                 "csrf": body["csrf"]}


def test_secure_cookie_behind_tls(template, app_client):
    c = app_client(template, cookie_secure=True)
    r = c.post("/api/session", json={"name": "ann", "password": PASSWORD})
    assert "secure" in r.headers["set-cookie"].lower()


def test_sign_out_needs_csrf_and_ends_the_session(client):
    csrf = sign_in(client)
    assert_error(client.delete("/api/session"), 403, "csrf")
    assert client.delete("/api/session", headers={"X-CSRF-Token": csrf}).status_code == 204
    assert shared(client).con.execute("SELECT count(*) FROM sessions").fetchall()[0][0] == 0
    assert client.get("/api/session").json() == {"signed_in": False}


def test_an_expired_session_is_anonymous(client):
    db = shared(client)
    sid, _ = auth.new_session(db, auth.User("ann", "analyst"), hours=-1)
    assert auth.session_user(db, sid) is None
    client.cookies.set("panmun_session", sid)
    assert client.get("/api/session").json() == {"signed_in": False}
    assert_error(client.post(f"/api/provisions/{PROVISION}/status", json=status_body(0)), 401, "unauthorized")


def test_a_removed_user_is_signed_out_and_a_new_role_applies_at_once(client):
    csrf = sign_in(client, "vic")
    db = shared(client)
    auth.set_role(db, "vic", "analyst", who="test")
    r = client.post(f"/api/provisions/{PROVISION}/status", headers={"X-CSRF-Token": csrf},
                    json=status_body(version_of(client)))
    assert r.status_code == 201, r.text
    auth.remove_user(db, "vic", who="test")
    assert client.get("/api/session").json() == {"signed_in": False}


# who may write

def test_anonymous_cannot_write_and_a_viewer_is_forbidden(client):
    h = bearer(client, "vic", "viewer")
    before = shared(client).counts()
    assert_error(client.post(f"/api/provisions/{PROVISION}/status", json=status_body(0)), 401, "unauthorized")
    r = client.post(f"/api/provisions/{PROVISION}/status", headers=h,
                    json=status_body(version_of(client)))
    assert_error(r, 403, "forbidden")
    r = client.post("/api/events", headers=h,
                    json={"date": "2024-01-05", "actor1": "PRK", "cameo": "043", "summary": "talks held",
                          "source_url": SOURCE})
    assert_error(r, 403, "forbidden")
    assert shared(client).counts() == before


def test_cookie_writes_need_the_csrf_token(client):
    csrf = sign_in(client)
    url = f"/api/provisions/{PROVISION}/status"
    assert_error(client.post(url, json=status_body(version_of(client))), 403, "csrf")
    assert_error(client.post(url, headers={"X-CSRF-Token": "forged"}, json=status_body(version_of(client))),
                 403, "csrf")
    r = client.post(url, headers={"X-CSRF-Token": csrf}, json=status_body(version_of(client)))
    assert r.status_code == 201, r.text


def test_bearer_tokens_write_without_csrf_until_revoked(client):
    csrf = sign_in(client)
    made = client.post("/api/tokens", headers={"X-CSRF-Token": csrf}, json={"label": "nightly script"})
    assert made.status_code == 201
    token_id, token = made.json()["id"], made.json()["token"]
    listed = client.get("/api/tokens").json()
    assert [t["id"] for t in listed] == [token_id] and "token" not in listed[0]
    stored = shared(client).con.execute("SELECT token_hash FROM api_tokens").fetchall()[0][0]
    assert stored != token and token not in stored
    client.cookies.clear()
    h, url = {"Authorization": f"Bearer {token}"}, f"/api/provisions/{PROVISION}/status"
    r = client.post(url, headers=h, json=status_body(version_of(client)))
    assert r.status_code == 201, r.text
    assert client.delete(f"/api/tokens/{token_id}", headers=h).status_code == 204
    r = client.post(url, headers=h, json=status_body(version_of(client)))
    assert_error(r, 401, "unauthorized")
    assert_error(client.get("/api/session", headers={"Authorization": "Bearer made-up"}), 401, "unauthorized")


def test_a_user_cannot_revoke_another_users_token(client):
    db = shared(client)
    token_id, _ = auth.new_token(db, auth.User("ada", "admin"))
    h = bearer(client)
    assert_error(client.delete(f"/api/tokens/{token_id}", headers=h), 404, "not_found")
    revoked = db.con.execute("SELECT revoked_at FROM api_tokens WHERE id = ?", [token_id]).fetchall()
    assert revoked == [(None,)]


# audited status updates and optimistic locking

def test_a_status_update_is_recorded_by_the_user_and_audited(client):
    csrf = sign_in(client)
    version = version_of(client)
    r = client.post(f"/api/provisions/{PROVISION}/status", headers={"X-CSRF-Token": csrf},
                    json=status_body(version, score=2, note="the guard posts were withdrawn"))
    assert r.status_code == 201, r.text
    change_id, new_version = r.json()["change_id"], r.json()["version"]
    assert new_version == version + 1 == version_of(client)
    db = shared(client)
    row = db.con.execute("SELECT score, note, source_url, origin, recorded_by FROM status_changes "
                         "WHERE id = ?", [change_id]).fetchall()[0]
    assert row == (2, "the guard posts were withdrawn", SOURCE, "analyst", "ann")
    audit = db.con.execute("SELECT who, action, source FROM audit WHERE change_id = ?",
                           [change_id]).fetchall()
    assert audit == [("ann", "set-status", SOURCE)]
    shown = client.get(f"/api/provisions/{PROVISION}")       # the read endpoint shows it
    assert shown.status_code == 200, shown.text
    history = shown.json()["history"]
    assert any(h["change_id"] == change_id and h["recorded_by"] == "ann" for h in history)
    assert any(a["who"] == "ann" and a["action"] == "set-status" for a in shown.json()["audit"])
    assert shown.json()["version"] == new_version


def test_a_write_from_a_stale_version_is_a_409_and_writes_nothing(client):
    h = bearer(client)
    old = version_of(client)
    url = f"/api/provisions/{PROVISION}/status"
    assert client.post(url, headers=h, json=status_body(old)).status_code == 201
    before = shared(client).counts()
    err = assert_error(client.post(url, headers=h, json=status_body(old, score=3)),
                       409, "conflict")
    assert err["field"] == "body.expected_version" and "reload" in err["hint"].lower()
    assert shared(client).counts() == before


def test_two_concurrent_writers_from_one_version_one_wins_one_gets_409(client):
    h = bearer(client)
    version, url = version_of(client), f"/api/provisions/{PROVISION}/status"
    before = shared(client).counts()["status_changes"]
    start, codes = threading.Barrier(2), []

    def write(score: int) -> None:
        start.wait()
        r = client.post(url, headers=h, json=status_body(version, score=score))
        codes.append(r.status_code)

    threads = [threading.Thread(target=write, args=(s,)) for s in (2, 3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(codes) == [201, 409]
    assert shared(client).counts()["status_changes"] == before + 1
    assert version_of(client) == version + 1


def test_unknown_provision_is_a_404(client):
    h = bearer(client)
    r = client.post("/api/provisions/no-such/1/status", headers=h, json=status_body(0))
    assert_error(r, 404, "not_found")


# events

def test_an_analyst_event_is_checked_stored_and_audited(client):
    h = bearer(client)
    r = client.post("/api/events", headers=h,
                    json={"date": "2024-01-05", "actor1": "PRK", "actor2": "KOR", "cameo": "043",
                          "type": "talks", "summary": "officials met at Panmunjom", "source_url": SOURCE})
    assert r.status_code == 201, r.text
    event_id = r.json()["id"]
    db = shared(client)
    row = db.con.execute("SELECT origin, source, cameo, goldstein, quad_class, type FROM events WHERE id = ?",
                         [event_id]).fetchall()
    assert row == [("analyst", "analyst", "043", 2.8, 1, "talks")]    # Goldstein of CAMEO 043
    audit = db.con.execute("SELECT who, action FROM audit WHERE action = 'add-event'").fetchall()
    assert audit == [("ann", "add-event")]


BAD_EVENTS = [
    ({"cameo": "999"}, "body.cameo"), ({"actor1": "XXQ"}, "body.actor1"), ({"actor1": "prk"}, "body.actor1"),
    ({"date": "2999-01-01"}, "body.date"), ({"source_url": "javascript:alert(1)"}, "body.source_url"),
    ({"summary": "x" * 2001}, "body.summary"), ({"extra": 1}, "body.extra")]


def test_bad_events_are_422_naming_the_field(client):
    h = bearer(client)
    before = shared(client).counts()
    for change, field in BAD_EVENTS:
        body = {"date": "2024-01-05", "actor1": "PRK", "cameo": "043", "summary": "talks held",
                "source_url": SOURCE, **change}
        err = assert_error(client.post("/api/events", headers=h, json=body), 422, "validation")
        assert err["field"] == field, change
    assert shared(client).counts() == before


# hostile input

def test_script_in_a_note_is_stored_verbatim_and_returned_as_json_text(client):
    h = bearer(client)
    note = "<script>alert(1)</script>"
    r = client.post(f"/api/provisions/{PROVISION}/status", headers=h,
                    json=status_body(version_of(client), note=note))
    assert r.status_code == 201 and r.headers["content-type"].startswith("application/json")
    stored = shared(client).con.execute("SELECT note FROM status_changes WHERE id = ?",
                                        [r.json()["change_id"]]).fetchall()[0][0]
    assert stored == note
    shown = client.get(f"/api/provisions/{PROVISION}")
    assert shown.headers["content-type"].startswith("application/json")
    assert note in [h["note"] for h in shown.json()["history"]]


SQL = "x'); DROP TABLE audit; -- \" OR 1=1 ; SELECT * FROM users"


def test_sql_metacharacters_in_every_text_field_are_data(client):
    h = bearer(client)
    before = shared(client).counts()
    r = client.post(f"/api/provisions/{PROVISION}/status", headers=h,
                    json=status_body(version_of(client), note=SQL, source_url=SOURCE + "?q=1';DROP%20TABLE"))
    assert r.status_code == 201, r.text
    r = client.post("/api/events", headers=h, json={"date": "2024-01-05", "actor1": "PRK", "cameo": "043",
                                                     "summary": SQL, "source_url": SOURCE + "?a='--"})
    assert r.status_code == 201, r.text
    title = "title: The situation of late 2026 continues"
    yaml = scenario_yaml("quoted", **{title: f"title: {json.dumps(SQL)}"})
    assert client.post("/api/scenarios", headers=h, json={"name": "quoted", "yaml": yaml}).status_code == 201
    csrf = sign_in(client)                       # API tokens are made from a signed-in session
    assert client.post("/api/tokens", headers={"X-CSRF-Token": csrf}, json={"label": SQL}).status_code == 201
    client.cookies.clear()
    assert client.post("/api/session", json={"name": SQL, "password": SQL}).status_code == 401
    after = shared(client).counts()
    assert after["status_changes"] == before["status_changes"] + 1 and after["events"] == before["events"] + 1
    assert after["audit"] > before["audit"]                   # the audit table is still there
    db = shared(client)
    assert db.con.execute("SELECT title FROM scenarios WHERE name = 'quoted'").fetchall()[0][0] == SQL
    assert db.con.execute("SELECT count(*) FROM events WHERE summary = ?", [SQL]).fetchall()[0][0] == 1
    assert SQL in [t["label"] for t in client.get("/api/tokens", headers=h).json()]


def test_path_traversal_and_bad_scenario_names_are_422(client):
    h = bearer(client)
    for name in ("../../etc/passwd", "..", "a/b", "A", "-x", "x" * 61, "x\x00y", ""):
        r = client.post("/api/scenarios", headers=h, json={"name": name, "yaml": scenario_yaml("x")})
        assert assert_error(r, 422, "validation")["field"] == "body.name", name
    assert shared(client).con.execute("SELECT count(*) FROM scenarios").fetchall()[0][0] == 0


def test_traversal_in_a_scenario_url_never_reaches_a_file(client):
    for path in ("/api/scenarios/..%2F..%2Fetc%2Fpasswd", "/api/scenarios/%2e%2e", "/api/scenarios/BASELINE"):
        r = client.get(path)
        assert r.status_code in (404, 422) and "root:" not in r.text
        assert r.json()["error"]["status"] == r.status_code


def test_an_oversized_body_is_413(client):
    h = bearer(client)
    body = json.dumps(status_body(0, note="x" * 2_000_000))
    r = client.post(f"/api/provisions/{PROVISION}/status", content=body,
                    headers={**h, "Content-Type": "application/json"})
    assert_error(r, 413, "too_large")


def test_nul_bytes_and_control_characters_are_refused(client):
    h = bearer(client)
    before = shared(client).counts()
    r = client.post(f"/api/provisions/{PROVISION}/status", headers=h,
                    json=status_body(version_of(client), note="bad\x00note"))
    assert assert_error(r, 422, "validation")["field"] == "body.note"
    r = client.post("/api/scenarios", headers=h,
                    json={"name": "nul", "yaml": scenario_yaml("nul") + "\x00"})
    assert assert_error(r, 422, "validation")["field"] == "body.yaml"
    assert client.post("/api/session", json={"name": "ann\x00", "password": PASSWORD}).status_code == 401
    assert shared(client).counts() == before


def test_a_long_or_non_http_source_url_is_refused(client):
    h = bearer(client)
    for url in ("ftp://example.org/x", "https://example.org/" + "a" * 2000, "file:///etc/passwd"):
        r = client.post(f"/api/provisions/{PROVISION}/status", headers=h,
                        json=status_body(version_of(client), source_url=url))
        assert assert_error(r, 422, "validation")["field"] == "body.source_url"


# stored scenarios

def test_scenarios_are_stored_versioned_and_resolved(client):
    h = bearer(client)
    r = client.post("/api/scenarios", headers=h, json={"name": "mine", "yaml": scenario_yaml("mine")})
    assert r.status_code == 201 and r.json() == {"name": "mine", "version": 1}
    listed = {s["name"]: s for s in client.get("/api/scenarios").json()}
    assert listed["baseline"]["builtin"] is True and listed["mine"] == {
        "name": "mine", "title": "The situation of late 2026 continues", "builtin": False, "version": 1}
    got = client.get("/api/scenarios/mine").json()
    assert got["yaml"] == scenario_yaml("mine") and got["version"] == 1
    assert "name: baseline" in client.get("/api/scenarios/baseline").json()["yaml"]
    changed = scenario_yaml("mine", **{"rivalry: 0.8": "rivalry: 0.3"})
    r = client.put("/api/scenarios/mine", headers=h, json={"yaml": changed, "expected_version": 1})
    assert r.status_code == 200 and r.json()["version"] == 2
    r = client.put("/api/scenarios/mine", headers=h, json={"yaml": changed, "expected_version": 1})
    err = assert_error(r, 409, "conflict")
    assert err["field"] == "body.expected_version"
    scenario = scenario_store.resolve(shared(client), "mine")
    assert isinstance(scenario, Scenario) and scenario.drivers["rivalry"] == 0.3
    assert scenario_store.resolve(shared(client), "baseline").drivers["rivalry"] == 0.8
    actions = shared(client).con.execute(
        "SELECT who, action FROM audit WHERE action LIKE 'scenario-%' ORDER BY id").fetchall()
    assert actions == [("ann", "scenario-add"), ("ann", "scenario-update")]


def test_builtin_and_taken_scenario_names_are_409(client):
    h = bearer(client)
    def post(name: str):
        return client.post("/api/scenarios", headers=h, json={"name": name, "yaml": scenario_yaml(name)})

    def put(name: str):
        return client.put(f"/api/scenarios/{name}", headers=h,
                          json={"yaml": scenario_yaml(name), "expected_version": 1})

    assert_error(post("baseline"), 409, "conflict")
    assert_error(put("baseline"), 409, "conflict")
    assert post("twice").status_code == 201
    assert_error(post("twice"), 409, "conflict")
    assert_error(put("nosuch"), 404, "not_found")


def test_a_bad_scenario_yaml_is_422_naming_line_and_field(client):
    h = bearer(client)
    r = client.post("/api/scenarios", headers=h,
                    json={"name": "bad", "yaml": scenario_yaml("bad", **{"rivalry: 0.8": "rivalry: 1.8"})})
    err = assert_error(r, 422, "validation")
    assert err["field"] == "body.yaml"
    line = scenario_yaml("bad").splitlines().index("  rivalry: 0.8") + 1
    assert f"scenario bad:{line}: drivers.rivalry" in err["message"]
    broken = "name: bad\nstart: [unclosed\n"
    r = client.post("/api/scenarios", headers=h, json={"name": "bad", "yaml": broken})
    assert "scenario bad:" in assert_error(r, 422, "validation")["message"]
    r = client.post("/api/scenarios", headers=h, json={"name": "other", "yaml": scenario_yaml("bad")})
    assert "name" in assert_error(r, 422, "validation")["message"]
    bomb = "a: &a [x, x]\nb: &b [*a, *a]\n" + scenario_yaml("bomb")
    r = client.post("/api/scenarios", headers=h, json={"name": "bomb", "yaml": bomb})
    assert "anchors" in assert_error(r, 422, "validation")["message"]
    assert shared(client).con.execute("SELECT count(*) FROM scenarios").fetchall()[0][0] == 0


# the command line

def test_users_cli_add_list_role_token_remove(cli, db_path, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    r = cli("users", "add", "kim", "--role", "analyst", "--password-stdin")
    assert r.code == 0, r.err
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert cli("users", "add", "kim", "--password-stdin").code == 2          # taken
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    r = cli("users", "add", "lee", "--password-stdin")
    assert r.code == 2 and "at least 10" in r.err
    listed = json.loads(cli("users", "list", "--format", "json").out)
    assert [(u["name"], u["role"], u["tokens"]) for u in listed] == [("kim", "analyst", 0)]
    assert "argon2" not in json.dumps(listed) and PASSWORD not in json.dumps(listed)
    assert cli("users", "role", "kim", "viewer").code == 0
    r = cli("users", "token", "kim", "--label", "ci")
    assert r.code == 0
    token = r.out.strip()
    with connect(db_path) as s:
        assert auth.token_user(s, token) == auth.User("kim", "viewer")
        assert auth.verify(s, "kim", PASSWORD) == auth.User("kim", "viewer")
    assert cli("users", "remove", "kim").code == 0
    r = cli("users", "remove", "kim")
    assert r.code != 0 and "panmun users list" in r.err
    assert json.loads(cli("users", "list", "--format", "json").out) == []
    with connect(db_path) as s:
        assert auth.token_user(s, token) is None
        actions = [a for (a,) in s.con.execute("SELECT action FROM audit WHERE action LIKE 'user-%' "
                                               "OR action LIKE 'token-%' ORDER BY id").fetchall()]
    assert actions == ["user-add", "user-role", "token-new", "user-remove"]


def test_users_cli_asks_for_the_password_twice_at_a_terminal(db_path):
    from typer.testing import CliRunner

    from panmun.cli.main import app

    typed = "long enough pw\nnot the same!!\nlong enough pw\nlong enough pw\n"
    args = ["--db", str(db_path), "users", "add", "pat", "--role", "viewer"]
    r = CliRunner().invoke(app, args, input=typed)
    assert r.exit_code == 0 and "do not match" in r.output and "long enough" not in r.output
    with connect(db_path) as s:
        assert auth.verify(s, "pat", "long enough pw") == auth.User("pat", "viewer")


WRITE_PATHS = ["/api/provisions/{provision_id}/status", "/api/events", "/api/scenarios",
               "/api/scenarios/{name}", "/api/tokens"]


def test_schemathesis_writes_as_an_analyst(template, tmp_path):
    """Valid and invalid bodies generated from /openapi.json for every write, sent with an
    analyst's API token (derandomized, 10 per operation): no 5xx ever, every 4xx in the one
    error shape, and the store keeps its knowledge-base rows."""
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    path = tmp_path / "fuzz.duckdb"
    shutil.copy(template, path)
    app = web_app(path)
    _, token = auth.new_token(app.state.store, auth.User("ann", "analyst"))
    headers = {"Authorization": f"Bearer {token}"}
    schema = schemathesis.openapi.from_asgi("/openapi.json", app).include(
        method=["POST", "PUT"], path=WRITE_PATHS)
    try:
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) == len(WRITE_PATHS)
        before = app.state.store.query("SELECT count(*) AS n FROM provisions")["n"].iloc[0]
        for op in operations:
            negative = schemathesis.GenerationMode.NEGATIVE
            cases = st.one_of(op.as_strategy(headers=headers),
                              op.as_strategy(generation_mode=negative, headers=headers))

            @settings(max_examples=10, derandomize=True, database=None, deadline=None,
                      suppress_health_check=list(HealthCheck))
            @given(case=cases)
            def check(case):
                response = case.call()
                where = f"{case.method} {case.formatted_path} {case.body!r:.200}"
                assert response.status_code < 500, (where, response.text)
                if response.status_code >= 400:
                    body = response.json()
                    assert set(body) == {"error"}, where
                    assert set(body["error"]) == {"status", "code", "message", "field", "hint"}, where

            check()
        after = app.state.store.query("SELECT count(*) AS n FROM provisions")["n"].iloc[0]
        assert after == before
    finally:
        from schemathesis.python import asgi

        asgi.shutdown_lifespans()
