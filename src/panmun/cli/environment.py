"""``panmun environment``: conflict-cooperation indices, change points, alerts, obstacles."""

from __future__ import annotations

import typer

app = typer.Typer(help="The security environment: indices, change points, alerts, obstacles.",
                  no_args_is_help=True)
