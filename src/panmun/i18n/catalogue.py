"""Load a language's ``.po`` catalogue (with Babel) and look messages up in it."""

from __future__ import annotations

import gettext as _gettext
import re
from collections.abc import Callable
from functools import cache
from importlib import resources

LANGS = ("en", "ko")
DEFAULT = "en"
DOMAIN = "panmun"
#: The context of the whole-sentence patterns (see :meth:`Translator.pattern`).
PATTERN = "pattern"
HANGUL = re.compile("[\uac00-\ud7a3]")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
#: A month as English text writes it ("June 2024"), turned into the Korean style in a field.
MONTH = re.compile(r"(" + "|".join(MONTHS) + "|" + "|".join(m[:3] for m in MONTHS) + r") (\d{4})")


def pick(lang: str | None) -> str:
    """``lang`` if panmun has a catalogue for it, else English."""
    return lang if lang in LANGS else DEFAULT


@cache
def catalogue(lang: str):
    """The :class:`babel.messages.catalog.Catalog` of ``lang`` (read once per process)."""
    from babel.messages.pofile import read_po

    if lang not in LANGS:
        raise ValueError(f"no catalogue for language {lang!r} (known: {', '.join(LANGS)})")
    path = resources.files("panmun.i18n") / "locale" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as fh:
        return read_po(fh, locale=lang, domain=DOMAIN)


class Translator:
    """The messages of one language: ``gettext``, ``ngettext``, ``pgettext`` and whole-sentence
    patterns. A message missing from the catalogue falls back to its id (the English)."""

    def __init__(self, lang: str):
        self.lang = pick(lang)
        self._cat = catalogue(self.lang)
        self._plural: Callable[[int], int] = _gettext.c2py(self._cat.plural_expr)
        self._patterns: list[tuple[re.Pattern, str]] | None = None

    def _string(self, msgid: str, context: str | None = None):
        message = self._cat.get(msgid, context=context)
        return None if message is None or not message.string else message.string

    def gettext(self, msgid: str) -> str:
        """The translation of ``msgid`` (no context)."""
        text = self._string(msgid)
        return msgid if text is None else text

    def pgettext(self, context: str, msgid: str) -> str:
        """The translation of ``msgid`` in ``context``."""
        text = self._string(msgid, context)
        return msgid if text is None else text

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The singular or plural form for ``n`` (the language's plural rule)."""
        forms = self._string(singular)
        if not isinstance(forms, tuple | list):
            return singular if n == 1 else plural
        return forms[min(self._plural(int(n)), len(forms) - 1)] or (singular if n == 1 else plural)

    def __call__(self, msgid: str, **fields) -> str:
        """``gettext`` with ``{fields}`` filled in."""
        text = self.gettext(msgid)
        return text.format(**fields) if fields else text

    def match(self, text: str) -> tuple[str, dict[str, str]] | None:
        """The first catalogue pattern (context ``pattern``) that matches ``text`` whole, as the
        translation with ``{name}`` fields and the fields' own text, each translated when the
        catalogue knows it (:meth:`label`). A match whose translation would hold no word of the
        language is no match. None when no pattern fits."""
        if self._patterns is None:
            self._patterns = _compile(self._cat)
        for regex, target in self._patterns:
            found = regex.fullmatch(text)
            if found:
                fields = {k: self.label(v) for k, v in found.groupdict().items()}
                if self.lang == "ko" and not HANGUL.search(target.format(**fields)):
                    continue
                return target, fields
        return None

    def pattern(self, text: str) -> str | None:
        """The translation of a whole sentence made elsewhere, by the catalogue's patterns
        (context ``pattern``: ``{name}`` in the id matches any text, which the translation
        repeats, itself translated when the catalogue knows it); None when no pattern fits."""
        found = self.match(text)
        return None if found is None else found[0].format(**found[1])

    def label(self, text: str) -> str:
        """A short text made elsewhere (a state, a kind, a chart label, a month) in this
        language: its own entry, else a pattern's, else the text unchanged."""
        if not text or self.lang == DEFAULT:
            return text
        own = self._string(text, PATTERN) or self._string(text)
        if own is not None and not isinstance(own, tuple | list):
            return own
        if ISO_DATE.fullmatch(text):
            return f"{int(text[:4])}년 {int(text[5:7])}월 {int(text[8:10])}일"
        month = MONTH.fullmatch(text)
        if month:
            number = [m[:3] for m in MONTHS].index(month.group(1)[:3]) + 1
            return f"{month.group(2)}년 {number}월"
        found = self.pattern(text) if "{" not in text else None
        return text if found is None else found


def _compile(cat) -> list[tuple[re.Pattern, str]]:
    """The catalogue's patterns with placeholders, longest first (the most specific wins)."""
    out = []
    for message in cat:
        if message.context != PATTERN or not message.string or "{" not in str(message.id):
            continue
        parts = re.split(r"\{(\w+)\}", message.id)
        # a field never spans the "; " that joins the parts of a list
        regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>(?:(?!; ).)+?)"
                        for i, p in enumerate(parts))
        out.append((re.compile(regex, re.S), message.string))
    return sorted(out, key=lambda pair: -len(pair[0].pattern))


@cache
def translator(lang: str | None) -> Translator:
    """The :class:`Translator` of ``lang`` (English for an unknown language)."""
    return Translator(pick(lang))
