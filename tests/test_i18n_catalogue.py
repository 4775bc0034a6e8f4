"""The message catalogue: every message the briefing and the dashboard use is in English and
Korean, and no template shows text that does not go through it."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

import panmun
from panmun.i18n import catalogue, format_date, format_month, translator
from panmun.i18n.extract import python_messages, template_messages

SRC = Path(panmun.__file__).parent
REPORT = SRC / "report"
PAGES = SRC / "web" / "pages" / "templates"
HANGUL = re.compile("[\uac00-\ud7a3]")



def _ids(lang: str, context: str | None = None) -> dict:
    return {m.id: m.string for m in catalogue(lang) if m.id and m.context == context}


def test_every_message_of_the_briefing_is_in_both_languages():
    used = {m for _, m in template_messages(REPORT / "templates")} | {m for _, m in python_messages(REPORT)}
    for lang in ("en", "ko"):
        have = _ids(lang)
        missing = sorted(str(m) for m in used if not have.get(m if not isinstance(m, tuple) else m[0])
                         and not have.get(m))
        assert not missing, f"{lang}: {missing[:10]}"
    korean = _ids("ko")
    for msgid, text in korean.items():
        forms = text if isinstance(text, tuple) else (text,)
        for form in forms:
            words = re.sub(r"%\(\w+\)s|\{\w+\}", "", str(msgid))
            assert HANGUL.search(form) or form == msgid or not re.search("[a-z]{3,}", words), (msgid, form)
            assert set(re.findall(r"%\(\w+\)s|\{\w+\}", form)) == set(
                re.findall(r"%\(\w+\)s|\{\w+\}", msgid if isinstance(msgid, str) else msgid[0])), msgid


def test_the_dashboard_labels_are_in_both_languages():
    en, ko = _ids("en", "dashboard"), _ids("ko", "dashboard")
    assert en.keys() == ko.keys()
    key = re.compile(r"""t\(["']([\w-]+)["']""")
    used = {m for f in PAGES.glob("*.html") for m in key.findall(f.read_text(encoding="utf-8"))}
    assert used and used <= set(en), used - set(en)
    assert all(en[k].strip() and HANGUL.search(ko[k]) for k in en)


class _Text(HTMLParser):
    """Visible text and the attributes a reader sees (title, alt, aria-label, placeholder)."""

    SEEN = ("title", "alt", "aria-label", "placeholder")

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        self._hidden += tag in ("style", "script")
        self.texts += [v for k, v in attrs if k in self.SEEN and v]

    def handle_endtag(self, tag):
        self._hidden -= tag in ("style", "script")

    def handle_data(self, data):
        if not self._hidden:
            self.texts.append(data)


def _literals(path: Path) -> list[str]:
    """The visible text a template writes itself: what is left of it when every expression,
    statement and ``{% trans %}`` block (the text that goes through the catalogue) is taken out."""
    source = path.read_text(encoding="utf-8")
    source = re.sub(r"{%-?\s*trans\b.*?{%-?\s*endtrans\s*-?%}", " X ", source, flags=re.S)
    source = re.sub(r"{%\s*block bodydata\s*%}.*?{%\s*endblock\s*%}", " ", source)   # attributes of <body>
    source = re.sub(r"{{.*?}}|{%.*?%}|{#.*?#}", " X ", source, flags=re.S)
    parser = _Text()
    parser.feed(source)
    return [" ".join(t.split()) for t in parser.texts if re.search(r"[A-Za-z]{2,}", t)]


#: Visible text allowed as it is: names of languages written in their own language, codes
#: (actor and dyad codes), the program's name and the name of the Brier score.
ALLOWED = re.compile(r"^(English|[A-Z]{2,5}(-[A-Z]{2,5})?|X|panmun|https|Brier)$")


TEMPLATES = sorted(REPORT.joinpath("templates").glob("*.j2")) + sorted(PAGES.glob("*.html"))


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_no_template_shows_untranslated_text(path):
    left = [t for t in _literals(path) if not all(ALLOWED.match(w) for w in re.findall(r"[A-Za-z-]{2,}", t))]
    assert not left, left


def test_translator_plurals_patterns_and_formats():
    ko, en = translator("ko"), translator("en")
    assert en.ngettext("%(n)s alert", "%(n)s alerts", 2) == "%(n)s alerts"
    assert en.ngettext("%(n)s alert", "%(n)s alerts", 1) == "%(n)s alert"
    assert ko.ngettext("%(n)s alert", "%(n)s alerts", 5) == "경보 %(n)s건"
    assert ko.pattern("KOR-PRK: 12 key events") == "KOR-PRK: 주요 사건 12건"
    assert ko.label("suspended") == "중단" and en.label("suspended") == "suspended"
    assert translator("fr").lang == "en"
    assert format_date("2026-12-07", "ko") == "2026년 12월 7일"
    assert format_date("2026-12-07", "en") == "2026-12-07"
    assert format_month("2024-06", "ko") == "2024년 6월" and format_month("2024-06", "en") == "June 2024"
