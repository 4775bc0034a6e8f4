"""The GDELT indexes: GDELT 2.0's ``lastupdate.txt`` and ``masterfilelist.txt``, GDELT 1.0's
``md5sums`` and ``filesizes``.

What the code expects (check it against GDELT's own documentation; see docs/update.md):

* GDELT 2.0 (``http://data.gdeltproject.org/gdeltv2/``): ``lastupdate.txt`` lists the newest
  files and ``masterfilelist.txt`` every file, one per line as ``SIZE MD5 URL`` separated by
  spaces. Only the event exports are taken: names ``YYYYMMDDHHMMSS.export.CSV.zip`` (the
  mentions, GKG and translation files are left). A new export appears every 15 minutes, so a
  store whose newest export is at most 15 minutes older than the one in ``lastupdate.txt``
  reads only that file (unless files that failed before are due again); otherwise the master
  list is read (streamed: it is large).
* GDELT 1.0 (``http://data.gdeltproject.org/events/``): ``md5sums`` lines ``MD5  NAME`` (as
  ``md5sum`` writes them) and ``filesizes`` lines ``SIZE NAME``. Only the daily files
  ``YYYYMMDD.export.CSV.zip`` are taken; the monthly and yearly archives of the years before
  2013 are not (read them with ``panmun ingest gdelt1``). ``filesizes`` is optional.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from panmun.update.access import Access
from panmun.update.download import FetchError
from panmun.update.sources import Listing, RemoteFile

GDELT2_EXPORT = re.compile(r"^(\d{8})(\d{6})\.export\.CSV\.zip$")
GDELT1_EXPORT = re.compile(r"^(\d{8})\.export\.CSV\.zip$")
MD5 = re.compile(r"^[0-9a-fA-F]{32}$")
#: GDELT 2.0 publishes a file every 15 minutes.
INTERVAL = dt.timedelta(minutes=15)

Keep = Callable[[str, dt.date | None], bool]   # (name, date) -> whether the run wants the file


def stamp(name: str) -> dt.datetime | None:
    """The time of a GDELT 2.0 export from its name (None for another name)."""
    m = GDELT2_EXPORT.match(name)
    if not m:
        return None
    try:
        return dt.datetime.strptime(m.group(1) + m.group(2), "%Y%m%d%H%M%S")
    except ValueError:
        return None


def _when(name: str) -> dt.datetime:
    """The time of an export that :func:`read_gdelt2_index` listed (it lists only names with one)."""
    when = stamp(name)
    assert when is not None
    return when


def _day(text: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        return None


def read_gdelt2_index(path: Path, keep: Keep) -> tuple[list[tuple[str, int, str]], int]:
    """The exports a ``SIZE MD5 URL`` index lists that ``keep`` wants, as (name, size, md5), and the
    number of lines not understood."""
    found, bad = [], 0
    for parts in _lines(path):
        if len(parts) != 3 or not parts[0].isdigit() or not MD5.match(parts[1]):
            bad += 1
            continue
        name = parts[2].rsplit("/", 1)[-1]
        when = stamp(name)
        if when is not None and keep(name, when.date()):
            found.append((name, int(parts[0]), parts[1].lower()))
    return found, bad


def _lines(path: Path) -> Iterator[list[str]]:
    with path.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            parts = line.split()
            if parts:
                yield parts


def gdelt2_listing(access: Access, keep: Keep, newest_done: str | None, full: bool) -> Listing:
    """The GDELT 2.0 exports the run wants, from ``lastupdate.txt`` when it is enough, else the master list
    (always when ``full``: a start day was given, or files that failed before are to be retried)."""
    listing = Listing()
    if access.mode == "folder":
        name = next((n for n in ("masterfilelist.txt", "lastupdate.txt") if access.local(n)), None)
        if name is None:
            raise FetchError(f"no masterfilelist.txt or lastupdate.txt in {access.folder}: carry the index "
                             "files in with the exports (docs/update.md)", kind="index")
        path = access.local(name)
        assert path is not None     # the name was picked for being in the folder
        entries, bad = read_gdelt2_index(path, keep)
        listing.index.append((name, access.upstream(name)))
    else:
        last = access.index_file("lastupdate.txt")
        if last is None:
            raise FetchError(f"lastupdate.txt is not at {access.where}", kind="index")
        listing.index.append(("lastupdate.txt", access.upstream("lastupdate.txt")))
        newest, _ = read_gdelt2_index(last, lambda name, day: True)
        latest = max((_when(n) for n, _, _ in newest), default=None)
        done = stamp(newest_done) if newest_done else None
        if not full and done is not None and latest is not None and latest - done <= INTERVAL:
            entries, bad = [e for e in newest if keep(e[0], _when(e[0]).date())], 0
        else:
            master = access.index_file("masterfilelist.txt")
            if master is None:
                raise FetchError(f"masterfilelist.txt is not at {access.where}", kind="index")
            listing.index.append(("masterfilelist.txt", access.upstream("masterfilelist.txt")))
            entries, bad = read_gdelt2_index(master, keep)
    if bad:
        listing.notes.append(f"{bad} line(s) of the index are not SIZE MD5 URL; left out")
    listing.files = [RemoteFile(access.source.name, name, _when(name).date(),
                                url=None if access.mode == "folder" else access.url(name), size=size,
                                checksum=f"md5:{md5}", upstream=access.upstream(name))
                     for name, size, md5 in entries]
    return listing


def read_md5sums(path: Path) -> tuple[dict[str, str], int]:
    """``md5sum`` lines (``MD5  NAME`` or ``MD5 *NAME``) as name -> md5, and the lines not understood."""
    found, bad = {}, 0
    for parts in _lines(path):
        if len(parts) != 2 or not MD5.match(parts[0]):
            bad += 1
            continue
        found[parts[1].lstrip("*").rsplit("/", 1)[-1]] = parts[0].lower()
    return found, bad


def read_filesizes(path: Path) -> dict[str, int]:
    """``SIZE NAME`` lines as name -> size (lines of another shape are left out)."""
    return {parts[1].rsplit("/", 1)[-1]: int(parts[0]) for parts in _lines(path)
            if len(parts) == 2 and parts[0].isdigit()}


def gdelt1_listing(access: Access, keep: Keep) -> Listing:
    """The GDELT 1.0 daily files the run wants, with their MD5 (``md5sums``) and size (``filesizes``)."""
    listing = Listing()
    sums = access.index_file("md5sums")
    if sums is None:
        raise FetchError(f"md5sums is not in {access.where}: carry GDELT 1.0's index files in with its "
                         "files (docs/update.md)", kind="index")
    listing.index.append(("md5sums", access.upstream("md5sums")))
    checksums, bad = read_md5sums(sums)
    sizes_file = access.index_file("filesizes")
    sizes = read_filesizes(sizes_file) if sizes_file else {}
    if sizes_file:
        listing.index.append(("filesizes", access.upstream("filesizes")))
    else:
        listing.notes.append("no filesizes index: files are checked by their MD5 only")
    if bad:
        listing.notes.append(f"{bad} line(s) of md5sums are not MD5 NAME; left out")
    for name, md5 in sorted(checksums.items()):
        m = GDELT1_EXPORT.match(name)
        day = _day(m.group(1)) if m else None
        if day is not None and keep(name, day):
            listing.files.append(RemoteFile(access.source.name, name, day,
                                            url=None if access.mode == "folder" else access.url(name),
                                            size=sizes.get(name), checksum=f"md5:{md5}",
                                            upstream=access.upstream(name)))
    return listing
