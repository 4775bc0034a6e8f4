"""Dates, numbers and percentages as readers of each language expect them.

English keeps the forms the briefing has always used (ISO dates, "June 2024", "45 %" in
sentences); Korean writes ``2026년 12월 7일``, ``2024년 6월`` and ``45%``.
"""

from __future__ import annotations

import datetime as dt
import math


def _date(value) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if hasattr(value, "date") and callable(value.date):  # a pandas Timestamp
        return value.date()
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def format_date(value, lang: str) -> str:
    """A date: ISO in English (``2026-12-07``), ``2026년 12월 7일`` in Korean."""
    day = _date(value)
    if day is None:
        return "—" if value is None else str(value)
    return f"{day.year}년 {day.month}월 {day.day}일" if lang == "ko" else day.isoformat()


def format_month(value, lang: str) -> str:
    """A month (a date or ``YYYY-MM``): ``June 2024`` in English, ``2024년 6월`` in Korean."""
    day = _date(value if not isinstance(value, str) or len(value) > 7 else value + "-01")
    if day is None:
        return str(value)
    return f"{day.year}년 {day.month}월" if lang == "ko" else day.strftime("%B %Y")


def format_number(x, lang: str, digits: int = 0) -> str:
    """A number with thousands separators (both languages use ``,`` and ``.``)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return f"{x:,.{digits}f}"


def format_percent(p, lang: str, digits: int = 0, space: bool = True) -> str:
    """A share (0–1) as a percentage: ``45 %`` in English sentences (``space``), ``45%`` in Korean."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "–"
    sep = " " if space and lang != "ko" else ""
    return f"{100 * p:.{digits}f}{sep}%"
