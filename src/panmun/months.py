"""Calendar months, the one module that reads and counts them.

A month is written ``YYYY-MM`` (:data:`MONTH`) and counted as an integer index
``12 × year + (month − 1)``, so month arithmetic is integer arithmetic and a monthly
series is a numpy array indexed from its first month. :func:`parse_month` reads a
user-given month (:class:`~panmun.errors.InputError` naming the field), :func:`year_month`
a month in a file (ValueError), :func:`months_between` and :func:`month_after` count from a
start month (the roadmap's and the scenarios' month numbers)."""

from __future__ import annotations

import datetime as dt
import re
from typing import SupportsInt

from panmun.errors import InputError

#: a month as written: ``YYYY-MM``
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def month_index(day: dt.date) -> int:
    """The month index of a date (``2018-04-27`` → ``12·2018 + 3``)."""
    return 12 * day.year + day.month - 1


def month_label(index: SupportsInt) -> str:
    """``YYYY-MM`` for a month index."""
    year, month0 = divmod(int(index), 12)
    return f"{year:04d}-{month0 + 1:02d}"


def month_start(index: int) -> dt.date:
    """The first day of a month index."""
    year, month0 = divmod(int(index), 12)
    return dt.date(year, month0 + 1, 1)


def month_end(index: int) -> dt.date:
    """The last day of a month index."""
    return month_start(index + 1) - dt.timedelta(days=1)


def parse_month(value: str, what: str = "month") -> int:
    """A user-given ``YYYY-MM`` as a month index; :class:`InputError` naming ``what`` otherwise."""
    from panmun.dates import in_range

    match = MONTH.match(str(value).strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise InputError(f"{what} {value!r} is not a month (write YYYY-MM, e.g. 2010-01)")
    in_range(dt.date(int(match.group(1)), int(match.group(2)), 1), what)
    return 12 * int(match.group(1)) + int(match.group(2)) - 1


def last_full_month(day: dt.date) -> int:
    """The last month that has ended on or before ``day`` (the month of ``day`` itself when
    ``day`` is its last day)."""
    index = month_index(day)
    return index if day == month_end(index) else index - 1


def year_month(month: str) -> tuple[int, int]:
    """(year, month) of a ``YYYY-MM`` string; ValueError when it is not one."""
    match = MONTH.match(month)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"not a month as YYYY-MM: {month!r}")
    return int(match.group(1)), int(match.group(2))


def months_between(start: str, month: str) -> int:
    """Whole months from ``start`` to ``month`` (both ``YYYY-MM``); negative if before.
    ValueError when either is not a month as ``YYYY-MM``."""
    (y0, m0), (y, m) = year_month(start), year_month(month)
    return (y - y0) * 12 + (m - m0)


def month_after(start: str, k: int) -> str:
    """The month ``YYYY-MM`` that is ``k`` months after ``start`` (``YYYY-MM``)."""
    y, m = year_month(start)
    return month_label(12 * y + m - 1 + k)


def month_range(start: str, end: str):
    """The months from ``start`` to ``end`` (``YYYY-MM``), inclusive, as a pandas
    ``PeriodIndex``; :class:`InputError` for anything else or a start after the end."""
    import pandas as pd

    if parse_month(start, "start") > parse_month(end, "end"):
        raise InputError(f"start {start} is after end {end}")
    return pd.period_range(pd.Period(start, "M"), pd.Period(end, "M"), freq="M")


def as_month(value: object) -> str:
    """``YYYY-MM`` of a month string, a ``YYYY-MM-DD`` string or a date (its month), as files
    write them; :class:`ValueError` otherwise."""
    from panmun.dates import ISO_DAY

    if isinstance(value, dt.date):
        return f"{value.year:04d}-{value.month:02d}"
    if not isinstance(value, str):
        raise ValueError(f"not a month as YYYY-MM: {value!r}")
    if ISO_DAY.match(value):
        try:
            dt.date.fromisoformat(value)
        except ValueError as exc:
            raise ValueError(f"not a date: {value!r} ({exc})") from None
        return value[:7]
    year_month(value)
    return value
