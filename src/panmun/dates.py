"""Reading dates given by users (CLI options, API arguments) in one way everywhere."""

from __future__ import annotations

import datetime as dt
import re

from panmun.errors import InputError

#: The one pattern of an ISO day as users write it, ``YYYY-MM-DD`` (the calendar is checked by
#: :func:`as_date`).
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")

#: The dates panmun reasons about: far enough back for any record, far enough ahead for any
#: scenario, and inside the range of pandas' timestamps (1677-2262).
FIRST_DATE = dt.date(1900, 1, 1)
LAST_DATE = dt.date(2199, 12, 31)


def as_date(value: dt.date | str | None, what: str = "date") -> dt.date:
    """``value`` as a date: ``None`` means today; text must be ISO ``YYYY-MM-DD``.

    Raises :class:`~panmun.errors.InputError` naming ``what`` for text that is not a
    real calendar date (e.g. ``2018-02-30``) or that lies outside :data:`FIRST_DATE` ..
    :data:`LAST_DATE`.
    """
    if value is None:
        return dt.date.today()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        if len(text) != 10:
            raise ValueError(text)
        day = dt.date.fromisoformat(text)
    except ValueError as exc:
        raise InputError(f"{what} {value!r} is not a valid date (write YYYY-MM-DD)") from exc
    return in_range(day, what)


def in_range(day: dt.date, what: str = "date") -> dt.date:
    """``day`` if it lies within :data:`FIRST_DATE` .. :data:`LAST_DATE`, else :class:`InputError`."""
    if not FIRST_DATE <= day <= LAST_DATE:
        raise InputError(f"{what} {day.isoformat()} is outside the dates panmun handles "
                         f"({FIRST_DATE.isoformat()} to {LAST_DATE.isoformat()})")
    return day
