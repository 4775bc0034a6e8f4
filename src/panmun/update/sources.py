"""The public feeds ``panmun update`` reads: their addresses, index files and checks.

Each source is read through its own module: :mod:`.gdelt` (GDELT 2.0 and 1.0),
:mod:`.dataverse` (POLECAT), :mod:`.acled` and :mod:`.cns`. What each expects of its
source's index is documented there and in docs/update.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Source:
    """One feed: where it is published and how its files are recognised and checked."""

    name: str
    title: str
    format: str                 # the ingest format its files are read with
    base: str | None            # the public base address (None: it must be configured)
    folder: str                 # its folder in a mirror or folder that holds several sources
    index: tuple[str, ...]      # its index files, by name (none for ACLED and CNS)
    first_days: int             # how far back a first update reaches without --since
    verified_by: str            # what verifies a downloaded file


SOURCES: dict[str, Source] = {s.name: s for s in (
    Source("gdelt2", "GDELT 2.0 event exports (a file every 15 minutes)", "gdelt2",
           "http://data.gdeltproject.org/gdeltv2/", "gdeltv2/", ("lastupdate.txt", "masterfilelist.txt"), 1,
           "size and MD5 listed in the index"),
    Source("gdelt1", "GDELT 1.0 daily event files", "gdelt1", "http://data.gdeltproject.org/events/",
           "events/", ("md5sums", "filesizes"), 7, "MD5 listed in md5sums, size listed in filesizes"),
    Source("polecat", "POLECAT weekly files on Harvard Dataverse", "polecat",
           "https://dataverse.harvard.edu/", "polecat/", ("polecat-files.json",), 28,
           "size and checksum listed by the Dataverse API"),
    Source("acled", "ACLED events through its API (a key and e-mail)", "acled", "https://api.acleddata.com/",
           "acled/", (), 31, "none published: the API's answer must parse as its documented shape"),
    Source("cns-missiles", "CNS North Korea Missile Test Database (CSV layout)", "cns-missiles", None,
           "cns-missiles/", (), 0, "none published: the size the server states; a copy identical to "
           "the last one ingested (same sha256) is not ingested again"),
)}
SOURCE_NAMES: tuple[str, ...] = tuple(SOURCES)
#: How many failed attempts make a file be reported and skipped (until --retry-failed).
MAX_FAILURES = 3


@dataclass(frozen=True)
class RemoteFile:
    """A published file of a source, as its index lists it."""

    source: str
    name: str                       # its published name: its name on a mirror, in a folder, in the cache
    date: dt.date | None            # the day (or first day of the period) it covers, from its name
    url: str | None = None          # where this run fetches it (None: from a folder); never holds a key
    size: int | None = None         # bytes, when published
    checksum: str | None = None     # "<algorithm>:<hex>" (md5, sha1, sha256, sha512), when published
    upstream: str | None = None     # its address at the public source (for the plan)
    refetch: bool = False           # fetched again even once ingested: its publisher changes it


@dataclass
class Listing:
    """What a source's index says: its files, and the index files read."""

    files: list[RemoteFile] = field(default_factory=list)
    index: list[tuple[str, str | None]] = field(default_factory=list)   # (name, public address)
    notes: list[str] = field(default_factory=list)
