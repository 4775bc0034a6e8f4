"""The briefing's roadmap section: plans as of 2018-12, 2021-06 and today side by side, and the
top of the blocked-steps table, judged against the positions coded by each date."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from panmun.months import month_index, month_label
from panmun.report.render import _env
from panmun.report.roadmap_section import BLOCKED_SHOWN, roadmap_section

pytestmark = pytest.mark.slow

AT = dt.date(2024, 6, 30)


def test_roadmap_section_compares_plans_across_time_and_lists_blocked_steps(store):
    section = roadmap_section(store, AT)
    d = section.data
    # today: the month after the record ends as of the briefing's date (nothing coded later is read)
    assert d["record_end"] <= AT and d["start"] == month_label(month_index(d["record_end"]) + 1)
    assert d["as_of"] <= AT
    rows = d["comparison"].to_dict("records")
    assert [r["start"] for r in rows] == ["2018-12", "2021-06", d["start"]]
    assert all(r["feasible"] and r["progress_low"] <= r["progress"] <= r["progress_high"] for r in rows)
    # the record's changes shrink the space of agreements: more steps blocked, fewer denuclearization steps
    assert rows[0]["blocked"] < rows[2]["blocked"] and rows[0]["admitted"] > rows[2]["admitted"]
    assert int(rows[0]["denuclearization"].split()[0]) > int(rows[2]["denuclearization"].split()[0])
    blocked = d["blocked"].to_dict("records")
    assert 0 < len(blocked) <= BLOCKED_SHOWN and d["blocked_total"] == rows[2]["blocked"]
    freeze = next(r for r in blocked if r["step"] == "Freeze of operations at the Yongbyon nuclear complex")
    # the DPRK's nuclear law of 2022-09-08: 5 on denuclearization, salience 1 -> admitted from 15
    assert (freeze["parties"], freeze["position"], freeze["date"]) == ("PRK", 5, dt.date(2022, 9, 8))
    assert freeze["change"] == "PRK on denuclearization: 5 -> 15" and freeze["source"].startswith("http")
    html = _env().get_template(section.template).render(s=section)
    assert "The same planning as of earlier dates" in html and "what would open it" in html
    assert "PRK refuses nuclear-inventory-declaration until end-of-war-declaration is verified" in html
    assert "nan" not in re.sub(r"<svg.*?</svg>", "", html, flags=re.S).split()
