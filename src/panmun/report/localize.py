"""The briefing in a reader's language: section titles, record fields, text made elsewhere,
chart labels.

The sections are computed once, in no language (and cached); everything a reader sees is
put into words when the briefing is rendered, from the catalogue of :mod:`panmun.i18n`.
Text the catalogue cannot translate — a record field without a Korean version, an event
summary, a sentence no pattern fits — is shown in English, marked ``en-only`` with a badge,
never translated by guess.
"""

from __future__ import annotations

import html
import re

from markupsafe import Markup, escape

from panmun.i18n import Translator, format_date


def N_(msgid: str) -> str:
    """Mark ``msgid`` for the catalogue; it is translated where it is shown."""
    return msgid


#: Section id -> the English title (the message id), with ``{date}`` for the section's date.
SECTION_TITLES = {
    "changes": N_("What changed since {date}"),
    "alerts": N_("Alerts since {date}"),
    "implementation": N_("Implementation over time"),
    "scorecard": N_("Scorecard on {date}"),
    "compliance": N_("Compliance to {date}: evidence for and against the agreements"),
    "environment": N_("Security environment: conflict–cooperation by dyad"),
    "forecast": N_("Escalation forecasts"),
    "obstacles": N_("Obstacles: what accounts for the setbacks"),
    "vectors": N_("Denuclearization, peace regime and arms control: what the record says, and scenarios"),
    "armscontrol": N_("Arms control: the risk that an incident becomes a clash"),
    "actors": N_("Neighbours and the international community: positions and bargaining"),
    "roadmap": N_("Roadmap: reciprocal next steps"),
    "events": N_("Timeline of key events"),
}
#: Sections whose title names the date they start from (the rest name the briefing's date).
_SINCE = ("changes", "alerts")


def section_title(section, at, tr: Translator) -> str:
    """The section's title in the translator's language (its own title when unknown)."""
    msgid = SECTION_TITLES.get(section.id)
    if msgid is None:
        return section.title
    when = section.data.get("since", at) if section.id in _SINCE else at
    return tr(msgid, date=format_date(when, tr.lang))


def en_only(text, tr: Translator) -> Markup:
    """English text in a Korean briefing, marked (a badge saying it is the English original)."""
    if tr.lang == "en":
        return escape(text)
    badge = '<span class="en-only" lang="en">{}<span class="en-badge" title="{}">EN</span></span>'
    return Markup(badge).format(text, tr("English original"))


def marked(text, names, tr: Translator) -> Markup:
    """A sentence in the briefing's language that quotes record names (a step's): each name
    without a Korean version marked as English in a Korean briefing."""
    out = escape(text)
    if tr.lang == "en":
        return out
    for name in sorted({n for n in names or () if n and not HANGUL.search(n)}, key=len, reverse=True):
        out = Markup(out.replace(escape(name), en_only(name, tr)))
    return out


def record(en, ko, tr: Translator) -> Markup:
    """A record field with an optional Korean version: the Korean in a Korean briefing when the
    record has one, else the English, marked."""
    if en is None or (isinstance(en, float) and en != en):
        en = ""
    if tr.lang == "ko" and isinstance(ko, str) and ko.strip():
        return escape(ko)
    return en_only(en, tr) if en else escape("")


def identifier(text, tr: Translator) -> Markup:
    """A name from the code (a model, a feature, a score) shown as it is: in a Korean briefing
    marked as an identifier, not a sentence to translate."""
    if tr.lang == "en" or text is None:
        return escape("" if text is None else text)
    return Markup('<span class="ident" lang="en">{}</span>').format(text)


def generated(text, tr: Translator) -> Markup:
    """A sentence or label made by another part of panmun: translated by the catalogue's
    patterns and labels (a list joined with "; " part by part), else shown in English, marked.
    A field of a pattern left in English (an event summary, a step's name) is marked too."""
    if text is None:
        return escape("")
    text = str(text)
    if tr.lang == "en" or not text.strip() or HANGUL.search(text) or not LATIN.search(text):
        return escape(text)
    if CODE.match(text):
        return escape(tr.label(text))
    if IDS.match(text):
        label = tr.label(text)
        return escape(label) if label != text else identifier(text, tr)
    whole = _sentence(text, tr)
    if whole is not None:
        return whole
    parts = text.split("; ")
    if len(parts) > 1:
        return Markup("; ").join(_sentence(p, tr) or en_only(p, tr) for p in parts)
    return en_only(text, tr)


def _sentence(text: str, tr: Translator) -> Markup | None:
    """``text`` translated whole (a pattern with its fields, or a label), or None."""
    found = tr.match(text)
    if found is not None:
        target, fields = found
        shown = {k: (en_only(v, tr) if _english_phrase(v) else escape(v)) for k, v in fields.items()}
        return escape(target).format(**shown)
    label = tr.label(text)
    if label != text and HANGUL.search(label):
        return escape(label)
    return None


def _english_phrase(text: str) -> bool:
    """Whether a field is English prose (three words or more, no Hangul): a record's text."""
    words = text.split()
    return not HANGUL.search(text) and len(words) >= 3 and sum(w.isalpha() for w in words) >= 2


HANGUL = re.compile("[\uac00-\ud7a3]")
LATIN = re.compile("[A-Za-z]{2,}")
#: Identifiers from the code or the catalogues (step ids), alone or listed.
IDS = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)+(, [a-z0-9]+(-[a-z0-9]+)*)*$")
#: Codes shown as they are (actor and dyad codes, provision ids): upper case, digits, signs.
CODE = re.compile(r"^[A-Z0-9][A-Z0-9 ,./:\-–→>]*$")
_TEXT = re.compile(r"(<text\b[^>]*>)([^<]+)(</text>)")
_FONT = re.compile(r"font-family:\s*")
#: The fonts named first for chart text in a Korean briefing (Debian's fonts-noto-cjk provides
#: the first; the others are those of common desktops).
CJK_FONTS = "'Noto Sans CJK KR', 'Noto Sans KR', 'Malgun Gothic', 'Apple SD Gothic Neo', "


def chart(svg: str, names: dict[str, str] | None = None, *, tr: Translator) -> Markup:
    """An SVG chart (text kept as text) with its titles, axis labels and legends translated, the
    record names in ``names`` (English -> Korean, e.g. agreement titles) replaced, and a Korean
    font named first; in English the chart as it is."""
    if not svg or tr.lang == "en":
        return Markup(svg or "")
    names = names or {}

    def text(m: re.Match) -> str:
        original = html.unescape(m.group(2))
        shown = names.get(original) or tr.label(original)
        return m.group(1) + html.escape(shown, quote=False) + m.group(3)

    return Markup(_FONT.sub("font-family: " + CJK_FONTS, _TEXT.sub(text, svg)))
