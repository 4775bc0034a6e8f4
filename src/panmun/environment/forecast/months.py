"""Months as integers: ``index = 12 × year + (month − 1)``, so month arithmetic is integer
arithmetic and a monthly series is a numpy array indexed from its first month."""

from __future__ import annotations

import datetime as dt
import re

from panmun.errors import InputError

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
#: The first month a backtest forecasts unless told otherwise.
DEFAULT_START = "2010-01"


def month_index(day: dt.date) -> int:
    """The month index of a date (``2018-04-27`` → ``12·2018 + 3``)."""
    return 12 * day.year + day.month - 1


def month_label(index: int) -> str:
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

    match = _MONTH.match(str(value).strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise InputError(f"{what} {value!r} is not a month (write YYYY-MM, e.g. 2010-01)")
    in_range(dt.date(int(match.group(1)), int(match.group(2)), 1), what)
    return 12 * int(match.group(1)) + int(match.group(2)) - 1


def last_full_month(day: dt.date) -> int:
    """The last month that has ended on or before ``day`` (the month of ``day`` itself when
    ``day`` is its last day)."""
    index = month_index(day)
    return index if day == month_end(index) else index - 1
