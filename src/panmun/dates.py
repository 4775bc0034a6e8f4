"""Reading dates given by users (CLI options, API arguments) in one way everywhere."""

from __future__ import annotations

import datetime as dt

from panmun.errors import InputError


def as_date(value: dt.date | str | None, what: str = "date") -> dt.date:
    """``value`` as a date: ``None`` means today; text must be ISO ``YYYY-MM-DD``.

    Raises :class:`~panmun.errors.InputError` naming ``what`` for text that is not a
    real calendar date (e.g. ``2018-02-30``).
    """
    if value is None:
        return dt.date.today()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise InputError(f"{what} {value!r} is not a valid date (write YYYY-MM-DD)") from exc
