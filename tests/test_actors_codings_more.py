"""Third-party actors' codings on the CMA-restoration and humanitarian-exchange issues.

Each coding in ``kb/data/issues/issues.yaml`` for USA, CHN, JPN, RUS and UNO on these two
issues must be what ``positions_at`` returns as of its date, with its source URL; the
substantive checks follow from the cited statements (0-100 scales, 50 = neither side).
"""

from __future__ import annotations

import datetime as dt

import pytest

import panmun
from panmun.actors.positions import positions_at

# (issue, actor, date of the statement, source URL) as coded
CODED: tuple[tuple[str, str, str, str], ...] = (
    ("cma-restoration", "CHN", "2018-09-19",
     "https://archive.shine.cn/archive/nation/China-welcomes-interKorean-consensus/shdaily.shtml"),
    ("cma-restoration", "UNO", "2018-09-20",
     "https://reliefweb.int/report/democratic-peoples-republic-korea/statement-attributable-spokesman-secretary-general"),
    ("cma-restoration", "JPN", "2018-09-20", "https://jmh.usembassy.gov/20180920111865/"),
    ("cma-restoration", "USA", "2018-10-18",
     "https://www.reuters.tv/v/PPuH/2018/10/18/u-s-opposed-to-koreas-plan-for-no-fly-zone"),
    ("cma-restoration", "USA", "2023-11-22", "https://news.koreaherald.com/view.php?ud=20231123000220"),
    ("cma-restoration", "CHN", "2024-06-05",
     "https://plenglish.com/news/2024/06/05/china-opposes-escalation-of-tensions-on-korean-peninsula"),
    ("humanitarian-exchange", "USA", "2018-12-19",
     "https://www.wral.com/us-to-review-north-korea-travel-ban-top-diplomat-says/18074346/"),
    ("humanitarian-exchange", "RUS", "2019-04-10",
     "https://business-standard.com/amp/article/pti-stories/"
     "un-extends-experts-monitoring-north-korea-sanctions-119041100169_1.html"),
    ("humanitarian-exchange", "CHN", "2019-12-16",
     "https://www.stimson.org/content/"
     "china-russia-propose-lifting-sanctions-north-korea-humanitarian-purposes-un-security-council"),
    ("humanitarian-exchange", "RUS", "2019-12-16",
     "https://www.stimson.org/content/"
     "china-russia-propose-lifting-sanctions-north-korea-humanitarian-purposes-un-security-council"),
    ("humanitarian-exchange", "UNO", "2020-11-30", "https://www.un.org/press/en/2020/sc14375.doc.htm"),
    ("humanitarian-exchange", "USA", "2021-09-14",
     "https://english.hani.co.kr/arti/english_edition/e_international/1011906.html"),
    ("humanitarian-exchange", "CHN", "2021-11-02",
     "https://www.dw.com/en/china-russia-push-for-easing-north-korea-sanctions/a-59702245"),
    ("humanitarian-exchange", "RUS", "2021-11-02",
     "https://www.dw.com/en/china-russia-push-for-easing-north-korea-sanctions/a-59702245"),
    ("humanitarian-exchange", "JPN", "2022-05-22",
     "https://www.japantimes.co.jp/news/2022/05/22/national/japan-yoshimasa-hayashi-north-korea-coronavirus-aid/"),
    ("humanitarian-exchange", "RUS", "2022-05-26", "https://press.un.org/en/2022/sc14911.doc.htm"),
    ("humanitarian-exchange", "UNO", "2023-06-02", "https://press.un.org/en/2023/sc15324.doc.htm"),
)


@pytest.fixture(scope="module")
def kb():
    return panmun.load_kb()


def _row(kb, issue: str, actor: str, at: str):
    table = positions_at(issue, at, kb=kb).set_index("actor")
    assert actor in table.index, f"{actor} has no coding on {issue} by {at}"
    return table.loc[actor]


@pytest.mark.parametrize(("issue", "actor", "date", "url"), CODED)
def test_each_coding_is_found_as_of_its_date_with_its_source(kb, issue, actor, date, url):
    row = _row(kb, issue, actor, date)
    assert row["date"] == dt.date.fromisoformat(date)
    assert row["source_url"] == url
    assert 0 <= row["position"] <= 100 and 0 < row["salience"] <= 1


@pytest.mark.parametrize("issue", ["cma-restoration", "humanitarian-exchange"])
def test_all_five_outside_actors_are_coded_today(kb, issue):
    table = positions_at(issue, kb=kb)
    # Russia's only cma-restoration coding (Kremlin comment of 2018-09-19) was removed in the
    # 2026 source review: no acceptable source for it was found.
    expected = {"USA", "CHN", "JPN", "RUS", "UNO", "KOR", "PRK"}
    if issue == "cma-restoration":
        expected.discard("RUS")
    assert expected <= set(table["actor"])
    assert all(url.startswith("http") for url in table["source_url"])


def test_cma_2018_washington_against_the_no_fly_zone_while_beijing_moscow_un_welcome(kb):
    # Pompeo's objection to the no-fly zone vs. welcoming statements after the Pyongyang summit
    table = positions_at("cma-restoration", "2018-12-31", kb=kb).set_index("actor")
    assert table.loc["USA", "position"] < 50
    assert all(table.loc[a, "position"] > 50 for a in ("CHN", "UNO"))   # RUS: no sourced coding (see above)


def test_cma_2023_washington_backs_seouls_partial_suspension(kb):
    # The State Department called Seoul's suspension of the no-fly clause prudent: close to the ROK
    table = positions_at("cma-restoration", "2023-11-30", kb=kb).set_index("actor")
    assert table.loc["USA", "position"] < 50
    assert abs(table.loc["USA", "position"] - table.loc["KOR", "position"]) <= 10
    assert table.loc["PRK", "position"] < table.loc["USA", "position"]


def test_humanitarian_beijing_moscow_for_easing_and_washington_opens_up(kb):
    late = positions_at("humanitarian-exchange", "2022-12-31", kb=kb).set_index("actor")
    # China's and Russia's drafts to lift sanctions for civilians' sake: well on the open side
    assert late.loc["CHN", "position"] > 75 and late.loc["RUS", "position"] > 75
    # the US moved from a travel-ban review (2018) to aid regardless of denuclearization (2021)
    early_usa = _row(kb, "humanitarian-exchange", "USA", "2019-01-31")["position"]
    assert early_usa < 50 < late.loc["USA", "position"]
    # the 1718 Committee allows aid, but case by case inside the sanctions regime
    assert 50 < late.loc["UNO", "position"] < late.loc["CHN", "position"]
