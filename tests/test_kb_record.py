"""The built-in knowledge base as a record: coverage, sources, and the launch list.

The launch list (tests/fixtures/launches/launch_days.csv, see SOURCE.txt there) is the
sourced list of DPRK ballistic and satellite launch days from 2017 to April 2026; the
knowledge base's `missile-launch` events must give the same number of launch days in every
month it covers.
"""

from __future__ import annotations

import collections
import csv
import datetime as dt
from pathlib import Path

import pytest

import panmun
from panmun.kb.publishers import Registry, host_of, records, sources_in

LAUNCHES = Path(__file__).parent / "fixtures" / "launches" / "launch_days.csv"

NEW_AGREEMENTS = (
    "agreed-framework-1994", "june-15-2000", "six-party-initial-actions-2007",
    "six-party-second-phase-2007", "leap-day-2012", "inter-korean-2015-08-25",
)

#: Hosts no built-in source may come from (besides every domain of kind `other` in the registry).
BLOCKED_HOSTS = (
    "blogspot.com", "wordpress.com", "laitimes.com", "docslib.org", "docsbay.net", "123dok.com",
    "licorice.uz", "bitlit.ru", "habkorea.net", "590kid.com", "pledgetimes.com",
    "world-economist.com", "washingtonnewsday.com", "tag24.com", "allthe.news", "azureedge.net",
    "investing.com", "iri.edu.ar",
    "example.org",   # registered only so that documentation and test overlays validate
)

#: Provisions marked `recalled` today. A change of this number must be deliberate: a provision
#: becomes `verified` only when its wording has been read in an acceptable source.
RECALLED_PROVISIONS = 44


@pytest.fixture(scope="module")
def kb():
    return panmun.load_kb()


def _months(first: str, last: str) -> list[str]:
    year, month = map(int, first.split("-"))
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def test_launch_list_fixture_is_well_formed():
    with LAUNCHES.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows, "empty launch list"
    dates = [r["date"] for r in rows]
    assert len(dates) == len(set(dates)), "one row per launch day"
    assert dates == sorted(dates)
    for row in rows:
        dt.date.fromisoformat(row["date"])
        assert row["kind"] in {"ballistic", "satellite"}, row
        assert row["source_url"].startswith(("http://", "https://")), row


def test_monthly_ballistic_launch_days_match_the_launch_list(kb):
    with LAUNCHES.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    listed = collections.Counter(r["date"][:7] for r in rows if r["kind"] == "ballistic")
    last = max(r["date"][:7] for r in rows)
    days = {e.date for e, _ in kb.events if e.type == "missile-launch"}
    in_kb = collections.Counter(d.isoformat()[:7] for d in days)
    months = _months("2017-01", last)
    mismatches = {m: (in_kb[m], listed[m]) for m in months if in_kb[m] != listed[m]}
    assert not mismatches, f"month: (kb launch days, listed ballistic days) {mismatches}"
    assert sum(listed[m] for m in months) == sum(1 for r in rows if r["kind"] == "ballistic")


def test_satellite_launch_days_are_satellite_launch_events(kb):
    with LAUNCHES.open(newline="", encoding="utf-8") as fh:
        listed = {r["date"] for r in csv.DictReader(fh) if r["kind"] == "satellite"}
    in_kb = {e.date.isoformat() for e, _ in kb.events if e.type == "satellite-launch"
             and e.date >= dt.date(2017, 1, 1)}
    assert listed <= in_kb


def test_at_least_sixteen_agreements_including_the_six_new_ones(kb):
    assert len(kb.agreements) >= 16
    assert set(NEW_AGREEMENTS) <= set(kb.agreements)
    for agreement_id in NEW_AGREEMENTS:
        assert len(kb.agreements[agreement_id].provisions) >= 3, agreement_id


def test_implementation_records_for_at_least_thirteen_agreements(kb):
    with_history = {agreement_id for agreement_id, _, _ in kb.changes}
    assert len(with_history) >= 13, sorted(with_history)
    assert set(NEW_AGREEMENTS) <= with_history
    assert "armistice-1953" not in with_history   # untracked: no defensible coding on the 0-3 scale


def test_at_least_two_hundred_events_dated_1991_to_2016(kb):
    early = [e for e, _ in kb.events if dt.date(1991, 1, 1) <= e.date <= dt.date(2016, 12, 31)]
    assert len(early) >= 200
    assert {e.date.year for e in early} == set(range(1991, 2017))


def test_no_source_on_a_blocked_host_or_of_kind_other(kb):
    registry = Registry([p for p, _ in kb.publishers])
    other = {p.domain for p, _ in kb.publishers if p.kind == "other"}
    assert other, "the registry keeps the `other` publishers so that they are recognised"
    bad = []
    for record, where in records(kb):
        for field, source in sources_in(record):
            host = host_of(source.url)
            publisher = registry.publisher(source.url)
            blocked = any(host == b or host.endswith("." + b) for b in BLOCKED_HOSTS + tuple(other))
            if blocked or publisher is None or publisher.kind == "other":
                bad.append(f"{where.file}:{where.line_of(field)} {source.url}")
    assert not bad, "\n".join(bad)


def test_recalled_provisions_are_counted(kb):
    recalled = [f"{a.id}/{p.article}" for a in kb.agreements.values() for p in a.provisions
                if p.confidence == "recalled"]
    assert len(recalled) == RECALLED_PROVISIONS, sorted(recalled)
    for agreement in kb.agreements.values():
        for prov in agreement.provisions:
            if prov.confidence == "recalled":
                assert prov.note, f"{agreement.id}/{prov.article} is recalled without a note saying why"


def test_cma_article_4_items_3_and_4_follow_the_white_paper_text(kb):
    cma = {p.article: p for p in kb.agreements["cma-2018"].provisions}
    assert "Haeju" in cma["4.3"].summary and "Jeju" in cma["4.3"].summary
    assert "estuary" in cma["4.4"].summary
    estuary_changes = [c for aid, c, _ in kb.changes if aid == "cma-2018"
                       and c.provisions == ["cma-2018/4.4"]]
    assert {c.date for c in estuary_changes} >= {dt.date(2018, 11, 5)}   # the joint survey of the estuary


def test_the_built_in_record_passes_every_check():
    panmun.load_kb()     # raises ValidationError naming file, line and field otherwise
