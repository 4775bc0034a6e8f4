"""Render a :class:`~panmun.report.briefing.Briefing` to self-contained HTML, and to PDF.

The templates take every word from the message catalogue (:mod:`panmun.i18n`) through
Jinja's i18n extension (``{% trans %}`` blocks and ``_()``), in the briefing's language.
"""

from __future__ import annotations

import datetime as dt
import os
from functools import partial
from pathlib import Path

import jinja2
import pandas as pd

from panmun.errors import PanmunError
from panmun.i18n import format_date, format_month, format_percent, translator
from panmun.report import localize
from panmun.report.briefing import Briefing


def _rows(df: pd.DataFrame) -> list[dict]:
    """Table rows for a template, with missing values (NaN, NA, NaT) as None."""
    return [{k: (None if _missing(v) else v) for k, v in rec.items()}
            for rec in df.to_dict(orient="records")]


def _missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # lists and other containers are never "missing"
        return False


def _date(value, lang: str) -> str:
    """A date as the briefing writes it: ISO in English (as the record stores it), the Korean
    style in Korean; "—" for none."""
    if value is None:
        return "—"
    if lang == "en":
        if isinstance(value, dt.datetime) or hasattr(value, "to_pydatetime"):
            return value.date().isoformat()
        return str(value)
    return format_date(value, lang)


def _month(value, lang: str) -> str:
    """A month: as the record writes it (``2024-06``) in English, ``2024년 6월`` in Korean."""
    if lang == "en":
        return "" if value is None else str(value)
    return format_month(value, lang)


def environment(lang: str = "en") -> jinja2.Environment:
    """The templates' environment in ``lang``: gettext callables of its catalogue and the
    filters that write dates, percentages, record fields and charts in that language."""
    tr = translator(lang)
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("panmun.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
    )
    env.policies["ext.i18n.trimmed"] = True
    # the i18n extension adds this method at run time; jinja2's types do not declare it
    env.install_gettext_callables(  # type: ignore[attr-defined]
        tr.gettext, tr.ngettext, newstyle=True, pgettext=tr.pgettext)
    env.filters["pct"] = lambda x: "–" if x is None or pd.isna(x) else format_percent(x, tr.lang, space=False)
    env.filters["rows"] = _rows
    env.filters["date"] = partial(_date, lang=tr.lang)
    env.filters["month"] = partial(_month, lang=tr.lang)
    env.filters["ident"] = partial(localize.identifier, tr=tr)
    env.filters["gen"] = partial(localize.generated, tr=tr)
    env.filters["chart"] = partial(localize.chart, tr=tr)
    env.filters["en_only"] = partial(localize.en_only, tr=tr)
    env.filters["marked"] = partial(localize.marked, tr=tr)
    env.globals["record"] = partial(localize.record, tr=tr)
    env.globals["title"] = lambda s, at: localize.section_title(s, at, tr)
    env.globals["lang"] = tr.lang
    return env


def render_html(briefing: Briefing, lang: str | None = None) -> str:
    """The briefing as one HTML document: charts inline as SVG, CSS inline, nothing fetched.

    ``lang`` (``en`` or ``ko``) defaults to the briefing's own language."""
    lang = lang or briefing.lang
    if lang != briefing.lang:
        from panmun.report.briefing import in_language

        briefing = in_language(briefing, lang)
    return environment(lang).get_template("briefing.html.j2").render(b=briefing)


def _replace_atomically(path: Path, data: bytes) -> Path:
    """Write ``data`` to a temporary file beside ``path``, then rename it over ``path``.

    A reader never sees half a file, and an earlier briefing survives a failed write.
    """
    tmp = path.with_name(f".{path.name}.part")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def write_html(briefing: Briefing, path: Path | str, lang: str | None = None) -> Path:
    """Write the briefing as one self-contained HTML file at ``path``; return the path."""
    return _replace_atomically(Path(path), render_html(briefing, lang).encode("utf-8"))


def write_pdf(briefing: Briefing, path: Path | str, lang: str | None = None) -> Path:
    """The briefing as PDF (needs the optional ``weasyprint`` package: pip install 'panmun[pdf]').

    The fonts the text uses are embedded (for Korean, Noto Sans CJK KR: Debian's
    ``fonts-noto-cjk``), so the PDF reads the same on a machine without them."""
    try:
        import weasyprint
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise PanmunError("PDF output needs WeasyPrint: pip install 'panmun[pdf]'") from exc
    pdf = weasyprint.HTML(string=render_html(briefing, lang)).write_pdf()
    return _replace_atomically(Path(path), pdf)


def _env(lang: str = "en") -> jinja2.Environment:
    """The templates' environment (the name the tests of single sections use)."""
    return environment(lang)
