"""Validate a knowledge-base folder: what ``panmun kb validate`` calls.

:func:`validate_path` loads the built-in data or an overlay folder with
:mod:`panmun.kb.loader`, which checks every record against its schema and runs the
cross-checks of :mod:`panmun.kb.checks`, and reports what it looked at.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from panmun.kb.files import builtin_root
from panmun.kb.loader import load_kb, load_overlay


@dataclass(frozen=True)
class ValidationReport:
    """What a successful validation looked at."""

    root: str
    builtin: bool
    files: list[str]
    docs: list[str]
    counts: dict[str, int]


def validate_path(path: Path | str | None = None) -> ValidationReport:
    """Validate the built-in knowledge base (``path=None``) or an overlay folder.

    Raises :class:`~panmun.errors.ValidationError` listing every problem (file, line, field).
    """
    if path is None or Path(path).resolve() == builtin_root().resolve():
        kb = load_kb()
        return ValidationReport(kb.root, True, kb.files, kb.docs, kb.counts())
    kb = load_overlay(path)
    return ValidationReport(kb.root, False, kb.files, kb.docs, kb.counts())
