"""Placeholder (being written): ``panmun users``."""

import typer

app = typer.Typer(help="Accounts of the web workbench.", no_args_is_help=True)
