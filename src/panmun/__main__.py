"""``python -m panmun`` runs the command-line interface."""

from panmun.cli.main import run

run()
