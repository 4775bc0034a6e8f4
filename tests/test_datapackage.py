"""The knowledge base published as a Frictionless data package."""

from __future__ import annotations

import csv
import json

import frictionless
import pytest

import panmun


@pytest.mark.slow
def test_datapackage_validates_and_matches_the_kb(tmp_path):
    path = panmun.write_datapackage(tmp_path / "pkg")
    report = frictionless.validate(str(path))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    names = {r["name"] for r in descriptor["resources"]}
    assert names == {"agreements", "provisions", "implementation", "events", "actors", "positions", "rules",
                     "measures", "issues", "codings", "capabilities", "steps"}
    assert descriptor["licenses"], "the package must state its licence"
    kb = panmun.load_kb()
    with (path.parent / "provisions.csv").open(encoding="utf-8") as fh:
        assert sum(1 for _ in csv.DictReader(fh)) == kb.counts()["provisions"]
    with (path.parent / "events.csv").open(encoding="utf-8") as fh:
        assert sum(1 for _ in csv.DictReader(fh)) == kb.counts()["events"]
    with (path.parent / "measures.csv").open(encoding="utf-8") as fh:
        measures = {row["id"]: row for row in csv.DictReader(fh)}
    assert len(measures) == 17
    assert measures["no-fly-zone"]["provision_id"] == "cma-2018/1.3"
    assert measures["missile-limits"]["provision_id"] == ""
    assert measures["accident-prevention-procedures"]["domains"] == "ground;sea;air"
    sources = json.loads(measures["maritime-buffer-zone"]["sources"])
    assert len(sources) == 4 and sources[0]["url"] == measures["maritime-buffer-zone"]["source_url"]


def test_broken_foreign_key_is_caught_by_frictionless(tmp_path):
    """The package's schema is strict enough to catch a dangling reference (the test can fail)."""
    path = panmun.write_datapackage(tmp_path / "pkg")
    provisions = path.parent / "provisions.csv"
    rows = provisions.read_text(encoding="utf-8").splitlines()
    rows[1] = rows[1].replace("agreed-framework-1994", "no-such-agreement", 2)
    provisions.write_text("\n".join(rows) + "\n", encoding="utf-8")
    report = frictionless.validate(str(path))
    assert not report.valid


def _break(path, table: str, old: str, new: str) -> None:
    csv_path = path.parent / f"{table}.csv"
    text = csv_path.read_text(encoding="utf-8")
    assert old in text
    csv_path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.slow
def test_measures_table_keys_and_vocabularies_are_checked(tmp_path):
    path = panmun.write_datapackage(tmp_path / "pkg")
    _break(path, "measures", ",cma-2018/1.3,", ",cma-2018/9.9,")
    report = frictionless.validate(str(path))
    assert not report.valid
    assert [e[0] for e in report.flatten(["type"])] == ["foreign-key"]
    path = panmun.write_datapackage(tmp_path / "pkg2")
    _break(path, "measures", ",ground;sea;air,", ",ground;space,")
    report = frictionless.validate(str(path))
    assert [e[0] for e in report.flatten(["fieldName"])] == ["domains"]


@pytest.mark.slow
def test_codings_table_has_sources_and_checked_ranges(tmp_path):
    path = panmun.write_datapackage(tmp_path / "pkg")
    with (path.parent / "codings.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == panmun.load_kb().counts()["codings"]
    assert all(r["source_url"].startswith("http") for r in rows)
    _break(path, "codings", ",0.7,", ",1.7,")
    report = frictionless.validate(str(path))
    assert [e[0] for e in report.flatten(["fieldName"])] == ["salience"]
    path = panmun.write_datapackage(tmp_path / "pkg2")
    _break(path, "codings", "CHN,denuclearization", "CHN,reunification")
    assert [e[0] for e in frictionless.validate(str(path)).flatten(["type"])] == ["foreign-key"]
