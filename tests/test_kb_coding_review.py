"""The coding review of events (docs/kb.md "Coding review"): a renewal
of the UN Panel of Experts is not a new sanction; the ROK's loudspeaker halt and removal
are de-escalatory steps, not border incidents."""

from __future__ import annotations

import re

import panmun

RENEWALS = ("2018-03-21-unscr-2407", "2019-04-10-unscr-2464", "2020-03-30-unscr-2515")
LOUDSPEAKERS = ("2025-06-11-rok-halts-loudspeakers", "2025-08-04-rok-dismantles-loudspeakers")


def _events():
    return {e.id: e for e, _ in panmun.load_kb().events}


def test_panel_renewals_are_less_hostile_than_a_launch():
    events = _events()
    launches = [e.goldstein for e in events.values() if e.type == "missile-launch"]
    for eid in RENEWALS:
        e = events[eid]
        assert e.cameo == "090" and e.goldstein == -2.0 and e.type == "unsc-resolution"
        assert e.goldstein > max(launches)           # a launch is -7.2
        assert "Coding review" in (e.note or "")


def test_no_renewal_of_a_mandate_is_coded_as_imposing_sanctions():
    for e in _events().values():
        if re.search(r"\brenew(s|ing|al)\b", e.summary) and "Panel of Experts" in e.summary \
                and not re.search(r"vetoe?s", e.summary):
            assert e.cameo != "163", e.id


def test_loudspeaker_halts_are_de_escalation_not_border_incidents():
    events = _events()
    for eid in LOUDSPEAKERS:
        e = events[eid]
        assert e.type == "other" and e.cameo == "087" and e.goldstein > 0
    # no cooperative act is typed as a border incident anywhere in the record
    assert not [e.id for e in events.values() if e.type == "border-incident" and e.goldstein > 0]


def test_the_review_changed_no_date_or_source():
    events = _events()
    assert events["2025-06-11-rok-halts-loudspeakers"].date.isoformat() == "2025-06-11"
    assert events["2025-08-04-rok-dismantles-loudspeakers"].source.url == \
        "https://news.kbs.co.kr/news/pc/view/view.do?ncd=8321100"
    assert events["2018-03-21-unscr-2407"].source.url == "https://www.un.org/press/en/2018/sc13256.doc.htm"


def test_the_halts_still_confirm_panmunjom_2_1(store):
    from panmun.agreements.evidence import compliance

    result = compliance(store, provision_id="panmunjom-2018/2.1", since="2025-01-01", until="2025-12-31")
    ids = set(result.detail["event_id"])
    assert set(LOUDSPEAKERS) <= ids
