"""The knowledge base published as a Frictionless data package."""

from __future__ import annotations

import csv
import json

import frictionless

import panmun


def test_datapackage_validates_and_matches_the_kb(tmp_path):
    path = panmun.write_datapackage(tmp_path / "pkg")
    report = frictionless.validate(str(path))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    names = {r["name"] for r in descriptor["resources"]}
    assert names == {"agreements", "provisions", "implementation", "events", "actors", "positions", "rules"}
    assert descriptor["licenses"], "the package must state its licence"
    kb = panmun.load_kb()
    with (path.parent / "provisions.csv").open(encoding="utf-8") as fh:
        assert sum(1 for _ in csv.DictReader(fh)) == kb.counts()["provisions"]
    with (path.parent / "events.csv").open(encoding="utf-8") as fh:
        assert sum(1 for _ in csv.DictReader(fh)) == kb.counts()["events"]


def test_broken_foreign_key_is_caught_by_frictionless(tmp_path):
    """The package's schema is strict enough to catch a dangling reference (the test can fail)."""
    path = panmun.write_datapackage(tmp_path / "pkg")
    provisions = path.parent / "provisions.csv"
    rows = provisions.read_text(encoding="utf-8").splitlines()
    rows[1] = rows[1].replace("armistice-1953", "no-such-agreement", 2)
    provisions.write_text("\n".join(rows) + "\n", encoding="utf-8")
    report = frictionless.validate(str(path))
    assert not report.valid
