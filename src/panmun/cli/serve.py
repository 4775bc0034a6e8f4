"""Placeholder (being written): ``panmun serve``."""

import typer


def serve() -> None:
    """Start the web workbench (being written)."""
    raise typer.Exit(1)
