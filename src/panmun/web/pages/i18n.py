"""Labels of the dashboard in English and Korean, read from panmun's message catalogue.

Every label the pages show is an entry of context ``dashboard`` in the catalogue of each
language (:mod:`panmun.i18n`), keyed by a short name. The language comes from
``?lang=en|ko`` (which the page routes store in the ``lang`` cookie) or the cookie; English
otherwise. Names from the knowledge base (agreement ``title_ko``, actor ``name_ko``) are not
labels: the pages take them from the store.
"""

from __future__ import annotations

from functools import cache

from panmun.i18n.catalogue import LANGS, catalogue
from panmun.i18n.catalogue import pick as _pick

DEFAULT = "en"
COOKIE = "lang"
CONTEXT = "dashboard"

__all__ = ["COOKIE", "DEFAULT", "LANGS", "labels", "pick", "translate"]


def pick(lang: str | None) -> str:
    """``lang`` if it is one of :data:`LANGS`, else the default (English)."""
    return _pick(lang)


@cache
def _labels(lang: str) -> dict[str, str]:
    return {str(m.id): m.string for m in catalogue(lang) if m.context == CONTEXT and m.id}


def translate(key: str, lang: str, **fields: str) -> str:
    """The label ``key`` in ``lang`` (the key itself if unknown), with ``{fields}`` filled in."""
    text = _labels(pick(lang)).get(key)
    if not text:
        return key
    return text.format(**fields) if fields else text


def labels(lang: str) -> dict[str, str]:
    """Every label in ``lang`` (handed to the page scripts, which show data labels)."""
    return dict(_labels(pick(lang)))


def __getattr__(name: str):
    """``LABELS``: key -> (English, Korean), read from the catalogue (as the module offered it
    before the labels moved there)."""
    if name == "LABELS":
        en, ko = _labels("en"), _labels("ko")
        return {key: (text, ko.get(key, "")) for key, text in en.items()}
    raise AttributeError(name)
