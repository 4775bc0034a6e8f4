"""One message catalogue per language for everything panmun shows a reader.

The catalogues are gettext ``.po`` files shipped inside the package
(``panmun/i18n/locale/<lang>/LC_MESSAGES/panmun.po``) and read with Babel when first used,
so an installed wheel needs no compile step. The English catalogue holds the English text
of every message (for most, the message id itself); the Korean one its translation.

Contexts (``msgctxt``) keep the kinds of message apart:

* none: the briefing's own text, with the English as the id;
* ``dashboard``: the dashboard's labels, keyed by a short name (see
  :mod:`panmun.web.pages.i18n`);
* ``pattern``: a sentence made by another part of panmun (a chart label, a roadmap change,
  a model's verdict), matched whole with ``{name}`` placeholders standing for any text
  (:meth:`Translator.pattern`).
"""

from __future__ import annotations

from panmun.i18n.catalogue import LANGS, Translator, catalogue, translator
from panmun.i18n.formats import format_date, format_month, format_number, format_percent

__all__ = ["LANGS", "Translator", "catalogue", "format_date", "format_month", "format_number",
           "format_percent", "translator"]
