"""``panmun brief``: the self-contained HTML (and PDF) briefing."""

from __future__ import annotations

import getpass
import time
from pathlib import Path

import typer

from panmun.cli.common import FormatOption, output_file, store_from
from panmun.cli.output import Format, Output, console, emit

LANGS = ("en", "ko")


def _language(value: str) -> str:
    """The briefing's language: en or ko."""
    if value not in LANGS:
        raise typer.BadParameter(f"{value!r} is not a language of the briefing; give en or ko")
    return value


def brief(
    ctx: typer.Context,
    out: Path = typer.Option(Path("briefing.html"), "--out", callback=output_file,
                             help="HTML file to write."),
    pdf: Path | None = typer.Option(None, "--pdf", callback=output_file, help="Also write a PDF here."),
    at: str | None = typer.Option(None, "--at", help="State on this date (YYYY-MM-DD); default today."),
    cache: bool = typer.Option(True, "--cache/--no-cache",
                               help="Reuse the sections computed before for this date whose store tables "
                                    "are unchanged (kept beside the store); --no-cache computes all."),
    timings: bool = typer.Option(False, "--timings",
                                 help="Print the seconds each section took (and whether it was reused) on "
                                      "standard error; with --format json also in the document."),
    lang: str = typer.Option("en", "--lang", callback=_language,
                             help="Language of the briefing: en (English) or ko (Korean)."),
    fmt: Format = FormatOption,
) -> None:
    """Write a self-contained briefing: alerts since the last one, summary, implementation,
    scorecard, compliance, environment indices, forecasts, obstacles, three-vector scenarios
    and key events. --lang ko writes it in Korean (the PDF embeds a Korean font)."""
    from panmun.report.alerts_section import record_briefing
    from panmun.report.briefing import build_briefing
    from panmun.report.cache import SectionTiming
    from panmun.report.render import write_html, write_pdf

    steps: list[SectionTiming] = []
    with store_from(ctx) as store:
        with console(stderr=True).status("computing the briefing's sections..."):
            briefing = build_briefing(store, at, cache=cache, timings=steps, lang=lang)
            started = time.perf_counter()
            written = {"html": str(write_html(briefing, out))}
            steps.append(SectionTiming("(write html)", round(time.perf_counter() - started, 3), False))
            if pdf is not None:
                started = time.perf_counter()
                written["pdf"] = str(write_pdf(briefing, pdf))
                steps.append(SectionTiming("(write pdf)", round(time.perf_counter() - started, 3), False))
        record_briefing(store, briefing.at, written["html"], written.get("pdf"), getpass.getuser())
    fields: dict = {"at": briefing.at, **written}
    if timings:
        rows = [{"section": s.section, "seconds": s.seconds, "reused": s.reused} for s in steps]
        _print_timings(rows)
        if fmt == Format.json:
            fields["timings"] = rows
    emit(Output(fields=fields, title="briefing written"), fmt)


def _print_timings(rows: list[dict]) -> None:
    """The seconds of each section as a table on standard error."""
    from rich.table import Table

    grid = Table(title="briefing: seconds per section", header_style="bold")
    for name in ("section", "seconds", "reused"):
        grid.add_column(name, justify="right" if name == "seconds" else "left")
    for row in rows:
        grid.add_row(row["section"], f"{row['seconds']:.2f}", "yes" if row["reused"] else "")
    grid.add_row("total", f"{sum(r['seconds'] for r in rows):.2f}", "")
    console(stderr=True).print(grid)
