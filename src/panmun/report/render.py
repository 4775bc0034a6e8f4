"""Render a :class:`~panmun.report.briefing.Briefing` to self-contained HTML, and to PDF."""

from __future__ import annotations

import os
from pathlib import Path

import jinja2
import pandas as pd

from panmun.errors import PanmunError
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


def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("panmun.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
    )
    env.filters["pct"] = lambda x: "–" if x is None or pd.isna(x) else f"{100 * x:.0f}%"
    env.filters["rows"] = _rows
    return env


def render_html(briefing: Briefing) -> str:
    """The briefing as one HTML document: charts inline as SVG, CSS inline, nothing fetched."""
    return _env().get_template("briefing.html.j2").render(b=briefing)


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


def write_html(briefing: Briefing, path: Path | str) -> Path:
    """Write the briefing as one self-contained HTML file at ``path``; return the path."""
    return _replace_atomically(Path(path), render_html(briefing).encode("utf-8"))


def write_pdf(briefing: Briefing, path: Path | str) -> Path:
    """The briefing as PDF (needs the optional ``weasyprint`` package: pip install 'panmun[pdf]')."""
    try:
        import weasyprint
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise PanmunError("PDF output needs WeasyPrint: pip install 'panmun[pdf]'") from exc
    pdf = weasyprint.HTML(string=render_html(briefing)).write_pdf()
    return _replace_atomically(Path(path), pdf)
