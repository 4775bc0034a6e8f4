"""``panmun brief``: the self-contained HTML (and PDF) briefing."""

from __future__ import annotations

import getpass
from pathlib import Path

import typer

from panmun.cli.common import FormatOption, output_file, store_from
from panmun.cli.output import Format, Output, console, emit


def brief(
    ctx: typer.Context,
    out: Path = typer.Option(Path("briefing.html"), "--out", callback=output_file,
                             help="HTML file to write."),
    pdf: Path | None = typer.Option(None, "--pdf", callback=output_file, help="Also write a PDF here."),
    at: str | None = typer.Option(None, "--at", help="State on this date (YYYY-MM-DD); default today."),
    fmt: Format = FormatOption,
) -> None:
    """Write a self-contained briefing: alerts since the last one, summary, implementation,
    scorecard, compliance, environment indices, forecasts, obstacles, three-vector scenarios
    and key events."""
    from panmun.report.alerts_section import record_briefing
    from panmun.report.briefing import build_briefing
    from panmun.report.render import write_html, write_pdf

    with store_from(ctx) as store:
        with console(stderr=True).status("computing the briefing's sections..."):
            briefing = build_briefing(store, at)
            written = {"html": str(write_html(briefing, out))}
            if pdf is not None:
                written["pdf"] = str(write_pdf(briefing, pdf))
        record_briefing(store, briefing.at, written["html"], written.get("pdf"), getpass.getuser())
    emit(Output(fields={"at": briefing.at, **written}, title="briefing written"), fmt)
