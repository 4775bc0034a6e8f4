"""``panmun brief``: write the briefing as HTML (and PDF)."""

from __future__ import annotations

from pathlib import Path

import typer

from panmun.cli.common import FormatOption, store_from
from panmun.cli.output import Format, render_mapping
from panmun.report.briefing import build_briefing
from panmun.report.render import write_html, write_pdf


def brief(
    ctx: typer.Context,
    out: Path = typer.Option(Path("briefing.html"), "--out", help="HTML file to write."),
    pdf: Path | None = typer.Option(None, "--pdf", help="Also write a PDF here."),
    at: str | None = typer.Option(None, "--at", help="State on this date (YYYY-MM-DD); default today."),
    fmt: Format = FormatOption,
) -> None:
    """Write a self-contained briefing: summary, implementation charts, scorecard, events."""
    with store_from(ctx) as store:
        briefing = build_briefing(store, at)
    written = {"html": str(write_html(briefing, out))}
    if pdf is not None:
        written["pdf"] = str(write_pdf(briefing, pdf))
    render_mapping({"at": briefing.at, **written}, fmt, title="briefing written")
