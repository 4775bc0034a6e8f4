"""ACLED events through its API, one calendar month at a time, with a user's key and e-mail.

What the code expects (tested only against a local imitation of the API; see docs/update.md):

* ``GET {base}acled/read?key=KEY&email=EMAIL&country=COUNTRY&event_date=FIRST|LAST
  &event_date_where=BETWEEN&limit=5000&page=N`` answers JSON ``{"success": true, "count": N,
  "data": [{column: value, ...}, ...]}`` with the columns of ACLED's CSV export; a page with
  fewer than ``limit`` rows is the last. An answer with ``"success": false`` or an ``error``
  member is a failure, reported with ACLED's message (the key and e-mail removed).
* One request series per country of the configuration (default North Korea and South Korea).

Each month is written to ``acled-YYYY-MM.csv`` in the cache and ingested as ``acled``. A
mirror or folder holds the same monthly files. ACLED adds and revises events after they
happen, so a month is fetched again on every run until a fetch made more than
:data:`SETTLE_DAYS` days after its end; a copy
identical to the one ingested (same sha256) is not ingested again. ACLED publishes no
checksum: a month is accepted when every page parses.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

from panmun.months import month_end, month_index
from panmun.update.access import Access
from panmun.update.download import FetchError, read_json
from panmun.update.gdelt import Keep
from panmun.update.sources import Listing, RemoteFile

API = "acled/read"
PAGE = 5000
#: A month is fetched again on every run until a fetch made this many days after its end.
SETTLE_DAYS = 30
#: Pages of one month and country at most (5,000 rows each): a guard against an endless answer.
MAX_PAGES = 200


def month_name(first: dt.date) -> str:
    return f"acled-{first:%Y-%m}.csv"


def months(start: dt.date, today: dt.date) -> list[dt.date]:
    """The first day of every month from ``start``'s to ``today``'s."""
    out, day = [], start.replace(day=1)
    while day <= today:
        out.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return out


def settled(first: dt.date, fetched: dt.datetime) -> bool:
    """Whether a month was fetched late enough after its end not to be fetched again."""
    return fetched.date() > month_end(month_index(first)) + dt.timedelta(days=SETTLE_DAYS)


def query(base: str, first: dt.date, country: str, page: int = 1,
          secrets: dict[str, str] | None = None) -> str:
    """The API address of one page (with the key and e-mail only when ``secrets`` gives them)."""
    params = {**(secrets or {}), "country": country,
              "event_date": f"{first.isoformat()}|{month_end(month_index(first)).isoformat()}",
              "event_date_where": "BETWEEN", "limit": PAGE, "page": page}
    return f"{base}{API}?{urlencode(params)}"


def acled_listing(access: Access, start: dt.date, today: dt.date, keep: Keep,
                  settled_months: set[str]) -> Listing:
    """The months from ``start`` to ``today`` the run wants; those not in ``settled_months`` are fetched
    again even when done."""
    listing = Listing()
    base = access.settings.bases.get("acled") or access.source.base
    assert base is not None     # ACLED's public address is built in (sources.SOURCES)
    for first in months(start, today):
        name = month_name(first)
        if not keep(name, first):
            continue
        network = (query(access.base, first, access.settings.acled_countries[0])
                   if access.base is not None else None)    # None in folder mode only, not read there
        url = {"network": network,
               "mirror": access.url(name), "folder": None}[access.mode]
        listing.files.append(RemoteFile(access.source.name, name, first, url=url,
                                        refetch=name not in settled_months,
                                        upstream=query(base, first, access.settings.acled_countries[0])))
    return listing


def fetch_month(access: Access, file: RemoteFile, dest: Path,
                on_rows: Callable[[int], None] | None = None) -> int:
    """Every page of one month for each configured country, written to ``dest`` as ACLED's CSV;
    return the rows written (none: no file is written)."""
    settings = access.settings
    # the run reads ACLED's API only with a key and e-mail, from a known address, by the month
    assert settings.acled_key is not None and settings.acled_email is not None
    assert access.base is not None and file.date is not None
    secrets = {"key": settings.acled_key.reveal(), "email": settings.acled_email.reveal()}
    rows: list[dict] = []
    for country in settings.acled_countries:
        for page in range(1, MAX_PAGES + 1):
            url = query(access.base, file.date, country, page, secrets)
            data = _page(read_json(url, timeout=access.timeout))
            rows.extend(data)
            if on_rows is not None:
                on_rows(len(data))
            if len(data) < PAGE:
                break
        else:
            raise FetchError(f"more than {MAX_PAGES} pages for {country} in {file.date:%Y-%m}",
                             kind="content")
    if rows:
        _write_csv(rows, dest)
    return len(rows)


def _page(answer: object) -> list[dict]:
    """The rows of one answer; :class:`FetchError` with ACLED's message if it is a refusal."""
    if not isinstance(answer, dict):
        raise FetchError("the ACLED answer is not a JSON object", kind="content")
    error = answer.get("error")
    if answer.get("success") is False or error:
        message = error.get("message") if isinstance(error, dict) else error
        status = f" (HTTP {answer['http_status']})" if answer.get("http_status") else ""
        raise FetchError(f"the ACLED API refused the request{status}: {message or 'no reason given'}",
                         kind="http")
    data = answer.get("data")
    if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
        raise FetchError("the ACLED answer has no data list", kind="content")
    return data


def _write_csv(rows: list[dict], dest: Path) -> None:
    """Rows as one CSV file (columns in the order first seen), written whole or not at all."""
    columns = list(dict.fromkeys(key for row in rows for key in row))
    part = dest.with_name(dest.name + ".part")
    dest.parent.mkdir(parents=True, exist_ok=True)
    with part.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])
    part.replace(dest)
