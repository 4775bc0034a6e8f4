"""The briefing: self-contained HTML (checked in a real browser with the network cut) and PDF."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

import panmun

pytestmark = pytest.mark.slow

AT = "2024-06-30"


@pytest.fixture(scope="module")
def built_briefing(builtin_template, tmp_path_factory):
    """The whole briefing, built once for this module (it takes the better part of a minute)."""
    folder = tmp_path_factory.mktemp("briefing")
    path = folder / "store.duckdb"
    shutil.copy(builtin_template, path)
    store = panmun.open_store(path)
    briefing = panmun.build_briefing(store, at=AT)
    store.close()
    return briefing


@pytest.fixture(scope="module")
def korean_html(built_briefing, tmp_path_factory) -> Path:
    """The same briefing written in Korean (its sections are shared: nothing is recomputed)."""
    return panmun.write_html(built_briefing, tmp_path_factory.mktemp("ko") / "briefing-ko.html", lang="ko")


@pytest.fixture(scope="module")
def briefing_html(built_briefing, tmp_path_factory) -> Path:
    return panmun.write_html(built_briefing, tmp_path_factory.mktemp("html") / "briefing.html")


class _Resources(HTMLParser):
    """Collects every URL the page would load by itself (not links a reader may follow)."""

    def __init__(self):
        super().__init__()
        self.loaded: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("img", "script", "iframe", "video", "audio", "source", "embed") and attrs.get("src"):
            self.loaded.append(attrs["src"])
        if tag == "link" and attrs.get("href") and attrs.get("rel") != "canonical":
            self.loaded.append(attrs["href"])
        if tag == "object" and attrs.get("data"):
            self.loaded.append(attrs["data"])


def test_html_is_self_contained(briefing_html):
    text = briefing_html.read_text(encoding="utf-8")
    parser = _Resources()
    parser.feed(text)
    assert parser.loaded == []
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", text), "CSS must not fetch anything"
    assert not re.search(r"@import", text)
    assert text.count("<svg") >= 2, "the charts are inlined as SVG"


def test_html_has_every_section_and_a_computed_summary(briefing_html, store):
    text = briefing_html.read_text(encoding="utf-8")
    for heading in ("Summary", "Implementation over time", f"Scorecard on {AT}", "Timeline of key events"):
        assert heading in text
    by_vector = panmun.scorecard(store, at=AT, by="vector").table
    for row in by_vector.itertuples():
        assert f"{row.vector}: {100 * row.implementation:.0f}% implemented ({row.tracked} tracked" in text
    assert "down from a peak of" in text
    assert "nan" not in re.sub(r"<svg.*?</svg>", "", text, flags=re.S).split()


def test_pdf_is_written(built_briefing, tmp_path):
    pytest.importorskip("weasyprint")
    path = panmun.write_pdf(built_briefing, tmp_path / "briefing.pdf")
    data = path.read_bytes()
    assert data.startswith(b"%PDF-") and len(data) > 50_000
    assert not list(tmp_path.glob(".*.part")), "no partial file left behind"


def test_cli_brief_writes_html_and_pdf(cli, db_path, tmp_path, monkeypatch):
    # the command's wiring (files, formats, exit status) with the sections the summary needs;
    # the whole briefing is built above and by CI's README command
    from panmun.report import briefing

    pytest.importorskip("weasyprint")
    light = [b for b in briefing.SECTIONS if b.__name__ in ("alerts_section", "implementation_section",
                                                              "scorecard_section", "events_section")]
    monkeypatch.setattr(briefing, "SECTIONS", light)
    out, pdf = tmp_path / "b.html", tmp_path / "b.pdf"
    result = cli("brief", "--out", str(out), "--pdf", str(pdf), "--at", AT, "-f", "json")
    assert result.code == 0, result.err
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert pdf.read_bytes().startswith(b"%PDF-")
    # the same briefing in Korean: its sections come from the cache the first run left
    korean = tmp_path / "b-ko.html"
    result = cli("brief", "--out", str(korean), "--at", AT, "--lang", "ko", "-f", "json")
    assert result.code == 0, result.err
    assert '<html lang="ko">' in korean.read_text(encoding="utf-8")
    assert cli("brief", "--out", str(korean), "--lang", "fr").code != 0


def test_briefing_renders_in_chromium_with_the_network_cut(briefing_html, tmp_path, browser):
    requested: list[str] = []
    context = browser.new_context(offline=True, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.on("request", lambda req: requested.append(req.url))
        page.goto(briefing_html.as_uri())
        charts = page.locator(".chart svg")
        assert charts.count() >= 2
        for i in range(charts.count()):
            box = charts.nth(i).bounding_box()
            assert box and box["width"] > 600 and box["height"] > 150
        assert page.locator("table").count() >= 3
        page.screenshot(path=str(tmp_path / "briefing.png"), full_page=True)
    finally:
        context.close()
    assert [u for u in requested if not u.startswith(("file:", "data:"))] == []
    assert (tmp_path / "briefing.png").stat().st_size > 50_000


def test_briefing_opens_with_alerts_and_has_every_capability_section(briefing_html):
    text = briefing_html.read_text(encoding="utf-8")
    order = [text.index(f'<section id="{sid}"') for sid in
             ("alerts", "implementation", "scorecard", "compliance", "environment", "forecast",
              "obstacles", "vectors", "armscontrol", "actors", "roadmap", "events")]
    assert order == sorted(order)
    assert text.index('<section id="alerts"') < text.index('<section class="summary"')


def test_briefing_compares_the_five_scenarios_with_fan_charts_and_sensitivity(briefing_html):
    from panmun.vectors.scenarios import BUILTIN

    text = briefing_html.read_text(encoding="utf-8")
    section = text[text.index('<section id="vectors"'):text.index('<section id="armscontrol"')]
    assert section.count("<svg") == 2                     # the fan charts and the sensitivity chart
    for name in BUILTIN:
        assert f"<b>{name}</b>" in section and f'<th class="num">{name}</th>' in section
    assert section.count("<tr><td>") == 6                 # 3 vectors x 2 checkpoint months
    assert "Peace regime (P)" in section and "driver:exchange" in section


def test_next_briefing_starts_its_alerts_after_the_last_one(store):
    import datetime as dt

    from panmun.report.alerts_section import alerts_section, record_briefing
    first = alerts_section(store, dt.date(2023, 12, 31))
    assert first.data["since"] == dt.date(2023, 12, 31) - dt.timedelta(days=90)
    assert not first.data["after_briefing"]
    record_briefing(store, dt.date(2023, 11, 30), "b.html", None, "tester")
    second = alerts_section(store, dt.date(2023, 12, 31))
    assert second.data["since"] == dt.date(2023, 12, 1) and second.data["after_briefing"]
    assert all(pd_date >= dt.date(2023, 12, 1) for pd_date in second.data["alerts"]["date"])


def test_briefing_compares_the_arms_control_packages_with_their_intervals(briefing_html):
    text = briefing_html.read_text(encoding="utf-8")
    section = text[text.index('<section id="armscontrol"'):text.index('<section id="actors"')]
    for name in ("none", "cma-2018", "cma-2018-full", "status-today"):
        assert f"<td>{name}<br>" in section
    assert section.count("<svg") == 1 and "90% interval" in section and "rate ratio" in section


def test_briefing_shows_actors_positions_then_and_now_with_predictions(briefing_html):
    text = briefing_html.read_text(encoding="utf-8")
    section = text[text.index('<section id="actors"'):text.index('<section id="roadmap"')]
    for actor in ("CHN", "RUS", "USA", "PRK"):
        assert f"<td>{actor}</td>" in section
    assert "Position 2018-12-31" in section and section.count("<svg") == 2
    assert "Expected utility" in section


def test_briefing_gives_the_roadmap_with_tasks_per_actor(briefing_html):
    text = briefing_html.read_text(encoding="utf-8")
    section = text[text.index('<section id="roadmap"'):text.index('<section id="events"')]
    assert section.count("<svg") == 2                     # the timeline and the reciprocity panels
    for actor in ("KOR", "PRK", "USA", "CHN", "JPN", "RUS", "UNO"):
        assert f"<tr><td>{actor}</td>" in section
    assert "Next tasks per actor" in section and "What stops an earlier start" in section
    assert "PRK refuses nuclear-inventory-declaration until end-of-war-declaration is verified" in section
    assert "starts at once (month 0)" in section


def test_the_briefing_states_how_far_the_record_runs_and_warns_when_it_is_stale(store, monkeypatch, tmp_path):
    from panmun.report import briefing

    light = [b for b in briefing.SECTIONS if b.__name__ in ("alerts_section", "implementation_section",
                                                              "scorecard_section", "events_section")]
    monkeypatch.setattr(briefing, "SECTIONS", light)
    newest_event, newest_change = store.record_through()
    through = max(newest_event, newest_change)
    current = panmun.build_briefing(store, at=newest_event)
    html = panmun.write_html(current, tmp_path / "current.html").read_text(encoding="utf-8")
    assert f"record through {through}" in html and current.stale_days is None
    assert "The record is" not in html
    later = newest_event + dt.timedelta(days=briefing.STALE_DAYS + 1)
    stale = panmun.build_briefing(store, at=later)
    html = panmun.write_html(stale, tmp_path / "stale.html").read_text(encoding="utf-8")
    assert stale.stale_days == briefing.STALE_DAYS + 1
    assert f"The record is {briefing.STALE_DAYS + 1} days old" in html and str(newest_event) in html


# --- the bottom line, the main body and the annexes ----------------------------------------


def _main_body(text: str) -> str:
    """The main body's text (before the annexes), without tags and charts."""
    body = text[text.index('<main id="main-body">'):text.index('<div id="annexes"')]
    return re.sub(r"<[^>]+>", " ", re.sub(r"<svg.*?</svg>", "", body, flags=re.S))


def test_the_bottom_line_answers_each_question_with_the_annexes_numbers(built_briefing, briefing_html):
    judgements = built_briefing.judgements
    assert [j.question for j in judgements] == [
        "Security environment and obstacles", "Tasks that move the process forward",
        "Inter-Korean arms control",
        "Roles of neighbouring countries and the international community",
        "How denuclearization, a peace regime and arms control interact"]
    assert all(j.confidence.level in ("low", "moderate", "high") for j in judgements)
    sections = {s.id: s.data for s in built_briefing.sections}
    launch = next(t for t in sections["forecast"]["targets"] if t["name"] == "missile-launch")
    security = judgements[0]
    assert security.numbers["probability"] == launch["headline"]["probability"]
    assert security.word in security.text and security.confidence.level in ("low", "moderate", "high")
    assert f"{100 * launch['headline']['probability']:.0f} %" in security.text
    assert judgements[1].numbers["blocked"] == sections["roadmap"]["blocked_total"]
    assert len(built_briefing.options.blocked) == min(8, len(sections["roadmap"]["blocked"]))
    ranked = sections["armscontrol"]["ranked"].set_index("package")
    arms = judgements[2]
    assert arms.numbers["none"] == ranked.loc["none", "p_deadly_clash_median"]
    assert arms.numbers["cma"] == ranked.loc["cma-2018", "p_deadly_clash_median"]
    text = briefing_html.read_text(encoding="utf-8")
    main = _main_body(text)
    for j in judgements:
        assert j.text.split("(")[0].strip()[:60] in re.sub(r"\s+", " ", main.replace("&#39;", "'"))
    for heading in ("Bottom line", "What changed since", "Indicators to watch", "Options"):
        assert heading in main
    assert text.index('id="bottom-line"') < text.index('id="changes"') < text.index('id="indicators"') \
        < text.index('id="options"') < text.index('id="annexes"') < text.index('<section id="alerts"')


def test_no_code_name_of_the_models_reaches_the_main_body(briefing_html):
    from panmun.armscontrol.measures import load_measures
    from panmun.environment.forecast.models import MODELS
    from panmun.report.judgements import FEATURES
    from panmun.vectors.parameters import PARAMETERS

    main = _main_body(briefing_html.read_text(encoding="utf-8"))
    words = set(re.findall(r"[\w*-]+", main))
    model_ids = set(MODELS) - {"climatology", "persistence", "dynamic", "regime", "logistic"}   # also words
    features = {f for f in FEATURES if f not in ("exercise", "diplomacy")}                 # also words
    names = ({p.name for p in PARAMETERS} | model_ids | features | {m.id for m in load_measures()}
             | {"PELT", "BIC", "AUC-PR", "mu*", "Jeffreys", "MOBILIZE"})
    assert not names & words, sorted(names & words)


def test_the_main_body_fits_in_eight_pages_and_every_section_and_annex_is_bookmarked(built_briefing):
    weasyprint = pytest.importorskip("weasyprint")
    from panmun.report.render import render_html

    document = weasyprint.HTML(string=render_html(built_briefing)).render()
    tree = document.make_bookmark_tree()
    labels = [(label, target[0]) for label, target, _, _ in tree]
    annexes = next(page for label, page in labels if label == "Annexes")
    assert annexes <= 8, f"the main body runs to {annexes} pages"
    children = [label for _, _, kids, _ in tree for label, *_ in kids]
    for heading in ("Bottom line", "Indicators to watch", "Options", "Annex: Escalation forecasts",
                    "Annex: Methods of the bottom line, and a glossary"):
        assert heading in children
    assert sum(label.startswith("Annex: ") for label in children) >= 13


def test_probability_words_follow_icd_203_at_every_boundary():
    from panmun.report.judgements import probability_word

    cases = {0.0: "almost no chance", 0.0499: "almost no chance", 0.05: "very unlikely",
             0.1999: "very unlikely",
             0.20: "unlikely", 0.4499: "unlikely", 0.45: "roughly even chance", 0.55: "roughly even chance",
             0.5501: "likely", 0.7999: "likely", 0.80: "very likely", 0.9499: "very likely",
             0.95: "almost certain", 1.0: "almost certain"}
    assert {p: probability_word(p) for p in cases} == cases
    for bad in (-0.01, 1.01, float("nan")):
        with pytest.raises(ValueError):
            probability_word(bad)


def test_confidence_follows_its_stated_rules():
    from panmun.report.judgements import confidence

    assert confidence(30, 0.25, 0.01, has_baseline=True).level == "high"
    assert confidence(31, 0.25, 0.01, has_baseline=True).level == "moderate"
    assert confidence(91, 0.1).level == "low"
    assert confidence(10, 0.26).level == "moderate" and confidence(10, 0.51).level == "low"
    assert confidence(10, 0.1, -0.01, has_baseline=True).level == "low"
    assert confidence(10, 0.1, 0.0, has_baseline=True).level == "moderate"
    assert confidence(10, 0.1, None, has_baseline=True).level == "moderate"
    assert confidence(None).level == "low"
    assert "31 days old" in confidence(31).reason()


def test_a_briefing_a_year_after_the_record_warns_and_makes_no_forecast_for_a_past_month(store, monkeypatch,
                                                                                           tmp_path):
    from panmun.report import briefing
    from panmun.report.forecast_section import forecast_section

    light = [b for b in briefing.SECTIONS if b.__name__ in ("alerts_section", "implementation_section",
                                                              "scorecard_section", "events_section")]
    monkeypatch.setattr(briefing, "SECTIONS", [*light, forecast_section])
    newest_event, _ = store.record_through()
    later = newest_event + dt.timedelta(days=365)
    stale = panmun.build_briefing(store, at=later)
    html = panmun.write_html(stale, tmp_path / "late.html").read_text(encoding="utf-8")
    assert "The record is 365 days old" in html and "panmun update" in html
    security = stale.judgements[0]
    assert security.numbers["month"] < f"{later:%Y-%m}" < security.numbers["coming"]   # a forecast after it
    assert "cannot tell how likely a missile launch is now" in security.text
    assert f"{100 * security.numbers['long_run']:.0f} %" in security.text and security.word in security.text
    assert "the model would have said" in security.text and security.confidence.level == "low"


# ------------------------------------------------------------------------- the briefing in Korean

HANGUL = re.compile("[\uac00-\ud7a3]")


class _Visible(HTMLParser):
    """The visible text nodes of a page, leaving out what is marked English-only (record fields and
    text made elsewhere without a translation), identifiers, code, links' host names and charts."""

    SKIP = {"style", "script", "svg", "code", "a", "title"}

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, bool]] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        skip = tag in self.SKIP or "en-only" in classes or "ident" in classes
        if tag not in ("br", "meta", "link", "input", "img"):
            self.stack.append((tag, skip))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if not any(skip for _, skip in self.stack) and data.strip():
            self.texts.append(data.strip())


#: Tokens that need no translation: numbers, codes of actors and dyads (KOR, KOR-PRK), ids of
#: provisions and steps (cma-2018/1.2, yongbyon-freeze), model and score names, signs.
TOKEN = re.compile(r"https?://\S+|[A-Z]{2,5}(-[A-Z]{2,5})?\b|[a-z0-9]+(-[a-z0-9.]+)*/[\w.]+|[a-z0-9]+(-[a-z0-9]+)+|"
                   r"R-hat|Brier|BSS|DM|CRPS|AUC-PR|Morris|Sobol|Goldstein|MCMC|PELT|BIC|[pΔμ]\*?|\d[\d.,]*")


def _neutral(text: str) -> bool:
    """Whether a text node holds no word to translate (only tokens, numbers and signs)."""
    return not re.search(r"[A-Za-z]{2,}", TOKEN.sub(" ", text))


def _english(text: str) -> bool:
    """Whether a text node is, or holds, English prose: no Hangul and a word left once the tokens
    are taken out, or a run of three English words (e.g. a heading left untranslated before a
    Korean date)."""
    rest = TOKEN.sub(" ", text)
    if not HANGUL.search(text):
        return bool(re.search(r"[A-Za-z]{2,}", rest))
    return bool(re.search(r"[A-Za-z]{2,}[,:;]? [a-z]{2,}[,:;]? [A-Za-z]{2,}", rest))


def test_the_korean_briefing_says_everything_in_korean(korean_html):
    text = korean_html.read_text(encoding="utf-8")
    assert '<html lang="ko">' in text
    parser = _Visible()
    parser.feed(text)
    english = [t for t in parser.texts if _english(t)]
    assert not english, english[:20]
    for heading in ("핵심 판단", "주시 지표", "정책 선택지", "부록", "이행 추이", "주요 사건 연표"):
        assert heading in text
    assert "2024년 6월 30일" in text
    assert 'class="en-only"' in text and "영문 원문" in text     # record fields without Korean, marked


def test_the_korean_bottom_line_words_likelihoods_in_korean(built_briefing):
    from panmun.report.briefing import in_language

    korean = in_language(built_briefing, "ko")
    words = {"거의 가능성 없음", "가능성 매우 낮음", "가능성 낮음", "가능성 반반", "가능성 높음",
             "가능성 매우 높음", "거의 확실"}
    def numbers(j):
        return {k: v for k, v in j.numbers.items() if k != "shown"}

    assert [numbers(j) for j in korean.judgements] == [numbers(j) for j in built_briefing.judgements]
    for j in korean.judgements:
        assert HANGUL.search(j.question) and HANGUL.search(j.text), j.text
        if j.word:
            assert j.word in words and j.word in j.text
    assert built_briefing.lang == "en" and korean.lang == "ko"


def test_the_korean_pdf_embeds_a_korean_font_and_its_charts_are_korean(built_briefing, korean_html, tmp_path):
    pytest.importorskip("weasyprint")
    if not shutil.which("pdffonts"):
        pytest.skip("pdffonts (poppler-utils) not installed")
    import subprocess

    text = korean_html.read_text(encoding="utf-8")
    charts = re.findall(r"<svg.*?</svg>", text, flags=re.S)
    assert any("이행률" in c for c in charts)
    assert all("Noto Sans CJK KR" in c for c in charts if HANGUL.search(c))
    # the main body and the annexes with the first charts are enough to see the fonts (the whole
    # briefing takes half a minute to typeset; test_pdf_is_written does that once in English)
    from dataclasses import replace

    from panmun.report.briefing import in_language

    korean = in_language(built_briefing, "ko")
    first = ("changes", "alerts", "implementation")
    shown = replace(korean, sections=[s for s in korean.sections if s.id in first])
    path = panmun.write_pdf(shown, tmp_path / "briefing-ko.pdf")
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk and all(line.split()[-5] == "yes" for line in cjk), fonts       # embedded
