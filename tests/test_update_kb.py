"""``panmun kb update``: a newer knowledge-base release (the data package ``panmun kb package`` writes)
checked completely and loaded in one transaction; overlays and analysts' changes kept; a damaged or
tampered release refused with nothing loaded."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

import pytest

import panmun
from panmun.kb.loader import Where
from panmun.update.release import kb_update

OVERLAY = Path(__file__).parent / "fixtures" / "overlays" / "worked"
KB_TABLES = ("agreements", "provisions", "status_changes", "events", "actors", "positions")
OVERLAY_EVENTS = "SELECT count(*) FROM events WHERE origin LIKE 'overlay:%'"


pytestmark = pytest.mark.usefixtures("update_settings")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def releases(tmp_path_factory) -> dict[str, Path]:
    """Releases written once for the module: the built-in data under another data digest (a
    'same' release), and a newer one with one more event and one more status change."""
    folder = tmp_path_factory.mktemp("releases")
    kb = panmun.load_kb()
    kb.digest = "a" * 64               # the same records, released as another version of the data
    same = panmun.write_datapackage(folder / "same", kb)
    event, _ = max(kb.events, key=lambda e: e[0].date)
    day = event.date + dt.timedelta(days=1)
    assert day <= dt.date.today()
    kb.events.append((event.model_copy(update={"id": f"{day.isoformat()}-release-test-event", "date": day}),
                      Where("events/test.yaml", 1)))
    agreement_id, change, _ = kb.changes[-1]
    newer_change = change.model_copy(update={"date": day, "note": "A change of the newer release."})
    kb.changes.append((agreement_id, newer_change, Where("implementation/test.yaml", 1)))
    kb.digest = "b" * 64
    newer = panmun.write_datapackage(folder / "newer", kb)
    return {"same": same.parent, "newer": newer.parent, "day": day}


def _copy(release: Path, to: Path) -> Path:
    shutil.copytree(release, to)
    return to


def _resign(folder: Path) -> None:
    """Recompute a release's digests after an edit (as a careless or hostile publisher would)."""
    descriptor = json.loads((folder / "datapackage.json").read_text())
    for name in descriptor["release"]["tables"]:
        table = folder / name
        descriptor["release"]["tables"][name] = {"bytes": table.stat().st_size, "sha256": _sha256(table)}
    (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2))
    digest = _sha256(folder / "datapackage.json")
    (folder / "datapackage.json.sha256").write_text(f"{digest}  datapackage.json\n")


def _kb_rows(store) -> dict[str, list]:
    out = {}
    for table in KB_TABLES:
        named = table in ("agreements", "provisions", "events")       # ids that are names, not numbers
        columns = [c for c in store.con.execute(f"SELECT * FROM {table} LIMIT 0").fetch_df().columns
                   if named or c not in ("id", "recorded_at", "recorded_by")]
        out[table] = store.con.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE origin = 'kb' "
                                       f"ORDER BY ALL").fetchall()
    return out


def test_kb_package_carries_the_release_metadata_and_its_digest(releases):
    folder = releases["same"]
    descriptor = json.loads((folder / "datapackage.json").read_text())
    release = descriptor["release"]
    assert release["version"] == panmun.__version__ and release["kb_digest"] == "a" * 64
    assert release["record_through"] == max(e.date for e, _ in panmun.load_kb().events).isoformat()
    for name, listed in release["tables"].items():
        assert listed == {"bytes": (folder / name).stat().st_size, "sha256": _sha256(folder / name)}
    assert set(release["tables"]) == {f"{r['name']}.csv" for r in descriptor["resources"]}
    digest, name = (folder / "datapackage.json.sha256").read_text().split()
    assert name == "datapackage.json" and digest == _sha256(folder / "datapackage.json")


def test_a_release_of_the_same_records_loads_into_exactly_the_same_rows(store, releases):
    before = _kb_rows(store)
    result = kb_update(store, str(releases["same"]), allow_older=False)
    assert result.loaded and result.counts["events"] == len(before["events"])
    assert _kb_rows(store) == before


@pytest.mark.slow
def test_a_newer_release_is_loaded_with_overlays_and_analyst_changes_kept(cli, db_path, releases):
    from panmun.agreements.status import set_status
    from panmun.store.load import load_overlay_folder

    day = releases["day"]
    with panmun.open_store(db_path) as store:
        load_overlay_folder(store, OVERLAY)
        set_status(store, "cma-2018/1.3", date="2024-06-04", score=0, source="https://www.reuters.com/x",
                   note="An analyst's update kept across releases.")
        overlay_rows = store.con.execute(OVERLAY_EVENTS).fetchall()[0][0]
        assert overlay_rows > 0
    result = cli("kb", "update", "--from", str(releases["newer"] / "datapackage.json"), "-f", "json")
    assert result.code == 0, result.err
    document = json.loads(result.out)
    assert document["loaded"] and document["record_through"] == day.isoformat()
    assert document["kept_analyst_changes"] == 1 and document["kept_overlay_rows"] >= overlay_rows
    assert document["digest"] == _sha256(releases["newer"] / "datapackage.json")
    with panmun.open_store(db_path) as store:      # opening again does not reload the older built-in data
        new_event = f"{day.isoformat()}-release-test-event"
        assert store.rows("SELECT origin FROM events WHERE id = ?", [new_event]) == [{"origin": "kb"}]
        assert store.con.execute(OVERLAY_EVENTS).fetchall()[0][0] == overlay_rows
        assert store.rows("SELECT note FROM status_changes WHERE origin = 'analyst'") == [
            {"note": "An analyst's update kept across releases."}]
        assert store.con.execute("SELECT count(*) FROM status_changes WHERE origin = 'kb' AND date = ?",
                                 [day]).fetchall()[0][0] >= 1
        (audit,) = store.rows("SELECT who, what, source FROM audit WHERE action = 'kb-update'")
        assert json.loads(audit["what"])["digest"] == document["digest"]
        (release,) = store.rows("SELECT record_through, digest, kb_digest FROM kb_releases")
        assert release == {"record_through": day, "digest": document["digest"], "kb_digest": "b" * 64}
        assert store.record_through()[0] == day
    again = cli("kb", "update", "--from", str(releases["newer"]), "-f", "json")
    assert again.code == 0 and json.loads(again.out)["loaded"] is False
    older = cli("kb", "update", "--from", str(releases["same"]))
    assert older.code == 2 and "it is older" in older.err and "--allow-older" in older.err
    assert cli("kb", "update", "--from", str(releases["same"]), "--allow-older").code == 0


def _refused(cli, db_path, args: list[str]):
    with panmun.open_store(db_path) as store:
        before = store.counts()
    result = cli("kb", "update", *args)
    with panmun.open_store(db_path) as store:
        assert store.counts() == before, "a refused release changed the store"
        assert store.con.execute("SELECT count(*) FROM kb_releases").fetchall()[0][0] == 0
    return result


@pytest.mark.slow
def test_a_tampered_release_is_refused_and_nothing_is_loaded(cli, db_path, releases, tmp_path):
    table = _copy(releases["newer"], tmp_path / "table")
    text = (table / "events.csv").read_text()
    (table / "events.csv").write_text(text.replace("North Korea", "North Koreq", 1))
    result = _refused(cli, db_path, ["--from", str(table)])
    assert result.code == 2 and "events.csv: sha256 digest mismatch: expected" in result.err
    assert _sha256(table / "events.csv") in result.err

    descriptor = _copy(releases["newer"], tmp_path / "descriptor")
    data = json.loads((descriptor / "datapackage.json").read_text())
    data["release"]["record_through"] = "2099-01-01"
    (descriptor / "datapackage.json").write_text(json.dumps(data))
    result = _refused(cli, db_path, ["--from", str(descriptor)])
    assert result.code == 2 and "datapackage.json: sha256 digest mismatch" in result.err

    wrong = _refused(cli, db_path, ["--from", str(releases["newer"]), "--sha256", "0" * 64])
    assert wrong.code == 2 and f"expected {'0' * 64}" in wrong.err
    bare = _copy(releases["newer"], tmp_path / "bare")
    (bare / "datapackage.json.sha256").unlink()
    unsigned = _refused(cli, db_path, ["--from", str(bare)])
    assert unsigned.code == 2 and "no published digest" in unsigned.err and "--sha256" in unsigned.err
    published = _sha256(bare / "datapackage.json")
    assert cli("kb", "update", "--from", str(bare), "--sha256", published.upper()).code == 0


def test_an_invalid_record_is_refused_even_when_the_digests_match(cli, db_path, releases, tmp_path):
    folder = _copy(releases["newer"], tmp_path / "invalid")
    lines = (folder / "events.csv").read_text().splitlines()
    header = lines[0].split(",")
    goldstein = header.index("goldstein")
    row = next(i for i, line in enumerate(lines[1:], start=2) if line.split(",")[goldstein] == "-4.0")
    lines[row - 1] = lines[row - 1].replace(",-4.0,", ",3.5,", 1)
    (folder / "events.csv").write_text("\n".join(lines) + "\n")
    _resign(folder)
    result = _refused(cli, db_path, ["--from", str(folder)])
    assert result.code == 2
    assert f"events.csv:{row}: goldstein:" in result.err and "has Goldstein -4.0, not 3.5" in result.err

    typed = _copy(releases["newer"], tmp_path / "typed")
    text = (typed / "implementation.csv").read_text()
    (typed / "implementation.csv").write_text(text.replace(",cma-2018,", ",no-such-agreement,", 1))
    _resign(typed)
    result = _refused(cli, db_path, ["--from", str(typed)])
    assert result.code == 2 and "implementation.csv:" in result.err


def _drop_rows(folder: Path, table: str, column: str, value: str) -> None:
    import csv

    with (folder / table).open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields, rows = reader.fieldnames, [r for r in reader if r[column] != value]
    with (folder / table).open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_a_release_that_drops_a_provision_an_analyst_updated_is_refused(cli, db_path, releases, tmp_path):
    from panmun.agreements.status import set_status

    with panmun.open_store(db_path) as store:
        set_status(store, "cma-2018/5.3", date="2024-06-04", score=0, source="https://www.reuters.com/x",
                   note="An analyst's update.")
    folder = _copy(releases["newer"], tmp_path / "dropped")
    _drop_rows(folder, "provisions.csv", "id", "cma-2018/5.3")
    _drop_rows(folder, "implementation.csv", "provision_id", "cma-2018/5.3")
    _resign(folder)
    result = _refused(cli, db_path, ["--from", str(folder)])
    assert result.code == 2
    assert "store: analyst: 1 status change(s) name provision cma-2018/5.3, which the release does not hold" \
        in result.err


@pytest.mark.slow
def test_a_release_over_http(cli, db_path, loopback, releases):
    shutil.copytree(releases["newer"], loopback.root / "kb")
    url = loopback.url + "kb/datapackage.json"
    result = cli("kb", "update", "--from", url, "-f", "json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["loaded"]
    fetched = {p for p, _, _, _ in loopback.log}
    assert {"/kb/datapackage.json", "/kb/datapackage.json.sha256", "/kb/events.csv"} <= fetched
    (loopback.root / "kb" / "actors.csv").write_text("code,name\n")
    damaged = cli("kb", "update", "--from", url, "--allow-older")
    assert damaged.code == 2 and "actors.csv: sha256 digest mismatch" in damaged.err
