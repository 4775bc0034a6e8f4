"""The panmun error hierarchy.

Every error panmun raises on purpose derives from :class:`PanmunError`. Errors about
input carry the place they were found (file, 1-based line, field) so a person can go
straight to it. The CLI maps each class to an exit status; the web API to one JSON shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class PanmunError(Exception):
    """Root of every error panmun raises on purpose."""

    exit_code: int = 1
    hint: str = ""

    def __init__(self, message: str = "", *, hint: str | None = None):
        super().__init__(message)
        if hint is not None:
            self.hint = hint  # what the person should do next


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is and what is wrong."""

    file: str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
        if self.field:
            where += f": {self.field}"
        return f"{where}: {self.message}"

    def as_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "field": self.field, "message": self.message}


class ValidationError(PanmunError):
    """Knowledge-base data (built-in or an overlay) breaks the schema or its references."""

    exit_code = 2
    hint = "Fix the listed places and run `panmun kb validate` again."
    subject = "the knowledge base"   # what was checked (subclasses: a scenario, a package, ...)

    def __init__(self, problems: list[Problem], *, hint: str | None = None):
        self.problems = list(problems)
        head = f"{len(self.problems)} problem(s) in {self.subject}"
        super().__init__(head + ":\n" + "\n".join(f"  {p}" for p in self.problems), hint=hint)


class StoreError(PanmunError):
    """The store cannot do what was asked (missing record, bad migration state, ...)."""

    exit_code = 3


class NotFoundError(StoreError):
    """A record named by the user does not exist."""

    exit_code = 4


class InputError(PanmunError):
    """A command-line or API argument is invalid (bad date, unknown option value)."""

    exit_code = 2


def display_path(path: Path | str) -> str:
    """A path as a person would like to read it in an error message."""
    return str(path)
