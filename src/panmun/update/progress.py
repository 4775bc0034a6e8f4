"""What an update tells the person running it while it works.

The library reports through a :class:`Reporter`; this base class says nothing. The command
line's reporter shows a progress bar per file on standard error and prints each failure
as it happens (``panmun.cli.update``).
"""

from __future__ import annotations


class Reporter:
    """Progress of an update: one task at a time (a download, an ingest), and messages."""

    def begin(self, label: str, total: int | None) -> None:
        """A task starts: ``label`` names it, ``total`` is its size in bytes when known."""

    def advance(self, nbytes: int = 0, rows: int = 0) -> None:
        """The task went ``nbytes`` further; ``rows`` read so far (an ingest)."""

    def end(self) -> None:
        """The task is over."""

    def say(self, message: str) -> None:
        """A line for the person (a failure, a file skipped)."""
