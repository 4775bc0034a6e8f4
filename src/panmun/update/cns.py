"""The CNS North Korea Missile Test Database: one file, no index, no published checksum.

NTI publishes the database as a spreadsheet; panmun reads its CSV layout (docs/ingest.md).
panmun knows no stable address for it: the configuration file gives one (``[cns-missiles]
url``), or a mirror or folder holds the CSV as ``north_korea_missile_test_database.csv``.
The file is fetched on every run; a copy identical to the last one ingested (same sha256)
is not ingested again. A spreadsheet (``.xlsx`` or ``.xls``) is refused with a message
saying to save the sheet as CSV.
"""

from __future__ import annotations

from pathlib import Path

from panmun.update.access import Access
from panmun.update.download import FetchError
from panmun.update.sources import Listing, RemoteFile

NAME = "north_korea_missile_test_database.csv"
#: The first bytes of a spreadsheet: .xlsx (a zip archive) and .xls (an OLE2 file).
SPREADSHEETS = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")


def cns_listing(access: Access) -> Listing:
    """The one file, from the configured address, the mirror or the folder."""
    url = {"network": access.settings.cns_url, "mirror": access.url(NAME), "folder": None}[access.mode]
    return Listing(files=[RemoteFile(access.source.name, NAME, None, url=url, refetch=True,
                                     upstream=access.settings.cns_url)])


def check_layout(path: Path) -> None:
    """Refuse a spreadsheet: panmun reads the database's CSV layout."""
    with path.open("rb") as fh:
        head = fh.read(4)
    if head.startswith(SPREADSHEETS):
        raise FetchError("this is a spreadsheet, not the CSV layout panmun reads: open it and save the "
                         "sheet as CSV (docs/ingest.md, cns-missiles)", kind="content")
