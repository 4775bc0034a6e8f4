"""The built-in knowledge base: completeness, sources, codes and cross-references."""

from __future__ import annotations

import csv
import datetime as dt
from importlib import resources

import pytest

import panmun
from panmun.kb.checks import TRACKED_AGREEMENTS
from panmun.kb.schema import BUILTIN_AGREEMENTS, VECTORS

REQUIRED_AGREEMENTS = (
    "armistice-1953", "basic-agreement-1991", "denuclearization-declaration-1992", "six-party-2005",
    "october-declaration-2007", "panmunjom-2018", "singapore-2018", "pyongyang-2018", "cma-2018",
    "rok-us-2021", "agreed-framework-1994", "june-15-2000", "six-party-initial-actions-2007",
    "six-party-second-phase-2007", "leap-day-2012", "inter-korean-2015-08-25",
)


@pytest.fixture(scope="module")
def kb():
    return panmun.load_kb()


def test_all_sixteen_agreements_are_present_with_provisions(kb):
    assert set(REQUIRED_AGREEMENTS) <= set(kb.agreements)
    assert set(BUILTIN_AGREEMENTS) == set(REQUIRED_AGREEMENTS)
    for agreement_id in REQUIRED_AGREEMENTS:
        provisions = kb.agreements[agreement_id].provisions
        assert len(provisions) >= 3, agreement_id
        ids = [kb.agreements[agreement_id].provision_id(p.article) for p in provisions]
        assert len(ids) == len(set(ids)), f"duplicate provision ids in {agreement_id}"
        assert all(i.startswith(agreement_id + "/") for i in ids)


def test_cma_has_every_article_and_numbered_sub_measure(kb):
    articles = [p.article for p in kb.agreements["cma-2018"].provisions]
    # Articles 1-5 of the CMA with their numbered sub-measures, and the closing article 6.
    for article, count in {"1": 5, "2": 4, "3": 4, "4": 4, "5": 3}.items():
        assert [a for a in articles if a.split(".")[0] == article] == [
            f"{article}.{i}" for i in range(1, count + 1)]
    assert "6" in articles


def test_every_provision_has_a_vector_and_an_http_source(kb):
    for agreement in kb.agreements.values():
        for p in agreement.provisions:
            assert p.vector in VECTORS
            sources = p.sources or agreement.sources
            assert sources and all(s.url.startswith(("http://", "https://")) for s in sources)


def test_every_tracked_provision_has_a_history_from_signature(kb):
    first = {}
    for _, change, _ in kb.changes:
        for pid in change.provisions:
            first[pid] = min(first.get(pid, change.date), change.date)
    for agreement_id in TRACKED_AGREEMENTS:
        agreement = kb.agreements[agreement_id]
        for p in agreement.provisions:
            pid = agreement.provision_id(p.article)
            assert pid in first, f"{pid} has no implementation history"
            assert first[pid] >= agreement.date


def test_history_includes_the_reversals_and_restoration_steps(kb):
    dates = [c.date for _, c, _ in kb.changes]
    states = {c.state for _, c, _ in kb.changes}
    assert {"suspended", "reversed"} <= states
    assert any(d >= dt.date(2025, 1, 1) for d in dates), "no change recorded since 2025"


def test_events_are_enough_and_their_codes_agree_with_the_tables(kb):
    assert len(kb.events) >= 150
    years = {e.date.year for e, _ in kb.events}
    assert set(range(2017, 2026)) <= years
    # independent reading of the shipped GDELT CAMEO/Goldstein table
    table = resources.files("panmun.codes") / "data" / "cameo_goldstein.tsv"
    with table.open(encoding="utf-8") as fh:
        rows = [r for r in csv.reader(fh, delimiter="\t") if r and not r[0].startswith("#")]
    goldstein = {r[0]: float(r[2]) for r in rows[1:]}
    for event, where in kb.events:
        assert event.cameo in goldstein, (where, event.cameo)
        assert event.goldstein == goldstein[event.cameo], where
        assert event.source.url.startswith("http")


def test_actors_and_their_positions(kb):
    codes = {a.code for a, _ in kb.actors}
    assert {"KOR", "PRK", "USA", "CHN", "JPN", "RUS", "UNO", "IAEA"} <= codes
    topics = {p.topic for p, _ in kb.positions}
    assert topics == {"denuclearization", "sanctions", "end-of-war-declaration", "peace-treaty", "usfk"}
    for state in ("KOR", "PRK", "USA", "CHN", "JPN", "RUS"):
        assert {p.topic for p, _ in kb.positions if p.actor == state} == topics, state
    for position, _ in kb.positions:
        assert position.source.url.startswith("http")


def test_builtin_validation_reports_nothing():
    report = panmun.validate_path()
    assert report.counts["agreements"] == 16
    assert report.counts["events"] >= 150


def test_measures_are_in_the_knowledge_base(kb):
    from panmun.kb.schema import BUILTIN_MEASURES

    ids = [m.id for m, _ in kb.measures]
    assert ids == list(BUILTIN_MEASURES) and kb.counts()["measures"] == 17
    provisions = kb.provision_ids()
    for measure, where in kb.measures:
        assert measure.provision is None or measure.provision in provisions, measure.id
        assert where.file == "data/measures/measures.yaml" and where.line_of("provision") > where.line
        assert all(s.url.startswith(("http://", "https://")) for s in measure.sources)


def test_issues_and_codings_are_in_the_knowledge_base(kb):
    issues = {i.id for i, _ in kb.issues}
    assert {"denuclearization", "sanctions-relief", "end-of-war-declaration", "peace-treaty",
            "us-force-posture", "cma-restoration", "humanitarian-exchange"} <= issues
    coded = {c.actor for c, _ in kb.codings if c.issue == "denuclearization"}
    assert {"KOR", "PRK", "USA", "CHN", "JPN", "RUS", "UNO", "IAEA"} <= coded
    for actor in ("CHN", "RUS"):
        years = {c.date.year for c, _ in kb.codings if c.actor == actor and c.issue == "denuclearization"}
        assert {2018, 2025} <= years, actor
    for coding, _ in kb.codings:
        assert 0 <= coding.position <= 100 and 0 <= coding.salience <= 1
        assert kb.basis_source(coding).url.startswith(("http://", "https://")), coding
        assert "judgement" in coding.coder_note
    for cap, _ in kb.capabilities:
        assert cap.value >= 0 and (cap.source is not None or cap.basis == "judgement")


def test_korean_names_and_summaries(kb):
    """Every actor and issue has a Korean name, every measure and roadmap step a Korean summary
    that keeps the English summary's years; a provision's title_ko (the opening words of the
    official Korean text) is set only with a note that names where it was read."""
    import re

    assert all(a.name_ko for a, _ in kb.actors)
    assert all(i.name_ko for i, _ in kb.issues)
    for record, _ in [*kb.measures, *kb.steps]:
        assert record.summary_ko, record.id
        years = set(re.findall(r"\b(?:19|20)\d\d\b", record.summary))
        assert years <= set(re.findall(r"(?:19|20)\d\d", record.summary_ko)), record.id
    titled = 0
    for agreement in kb.agreements.values():
        for p in agreement.provisions:
            if p.title_ko:
                titled += 1
                assert len(p.title_ko) <= 48 and not p.title_ko.isascii(), p.title_ko
                assert "title_ko: opening words of the official Korean text" in (p.note or ""), p
                assert p.sources, p
    assert titled >= 27
    for agreement_id in ("basic-agreement-1991", "denuclearization-declaration-1992", "june-15-2000",
                         "october-declaration-2007", "panmunjom-2018", "pyongyang-2018", "cma-2018",
                         "singapore-2018"):
        assert kb.agreements[agreement_id].title_ko, agreement_id
