"""``panmun forecast``: escalation forecasts and their rolling-origin backtests."""

from __future__ import annotations

import typer

app = typer.Typer(help="Escalation forecasts (next month) and backtests.", no_args_is_help=True)
