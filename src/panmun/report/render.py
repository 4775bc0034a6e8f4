"""Render a :class:`~panmun.report.briefing.Briefing` to self-contained HTML, and to PDF."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pandas as pd

from panmun.errors import PanmunError
from panmun.report.briefing import Briefing


def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("panmun.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
    )
    env.filters["pct"] = lambda x: "–" if x is None or pd.isna(x) else f"{100 * x:.0f}%"
    env.filters["rows"] = lambda df: df.to_dict(orient="records")
    return env


def render_html(briefing: Briefing) -> str:
    """The briefing as one HTML document: charts inline as SVG, CSS inline, nothing fetched."""
    return _env().get_template("briefing.html.j2").render(b=briefing)


def write_html(briefing: Briefing, path: Path | str) -> Path:
    path = Path(path)
    path.write_text(render_html(briefing), encoding="utf-8")
    return path


def write_pdf(briefing: Briefing, path: Path | str) -> Path:
    """The briefing as PDF (needs the optional ``weasyprint`` package: pip install 'panmun[pdf]')."""
    try:
        import weasyprint
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise PanmunError("PDF output needs WeasyPrint: pip install 'panmun[pdf]'") from exc
    path = Path(path)
    weasyprint.HTML(string=render_html(briefing)).write_pdf(str(path))
    return path
