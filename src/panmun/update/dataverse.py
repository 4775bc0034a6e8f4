"""POLECAT's weekly files, listed by the Harvard Dataverse native API.

What the code expects (tested only against a local imitation of the API; see docs/update.md):

* the list: ``GET {base}api/datasets/:persistentId/?persistentId={dataset}`` answers JSON
  ``{"status": "OK", "data": {"latestVersion": {"files": [...]}}}``, each file
  ``{"label": ..., "dataFile": {"id": 123, "filename": ..., "filesize": N,
  "checksum": {"type": "MD5", "value": ...}}}`` (an ``md5`` member is read too);
* a file: ``GET {base}api/access/datafile/{id}``, with ``?format=original`` for a file
  Dataverse converted on upload (its ``dataFile`` has ``originalFileFormat``), so that the
  bytes are those the checksum describes;
* the weekly data files are those whose names hold a date (``20230101`` or ``2023-01-01``) and
  end in ``.txt``, ``.tsv``, ``.tab``, ``.zip`` or ``.gz``; other files (codebooks) are left.

A mirror or a folder holds the API's answer saved as ``polecat-files.json`` beside the
files, under their Dataverse file names.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from urllib.parse import quote

from panmun.update.access import Access
from panmun.update.download import ALGORITHMS, FetchError
from panmun.update.gdelt import Keep
from panmun.update.sources import Listing, RemoteFile

INDEX = "polecat-files.json"
DATED = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})")
SUFFIXES = (".txt", ".tsv", ".tab", ".zip", ".gz")


def dataset_url(base: str, dataset: str) -> str:
    """The native API address that lists a dataset's files."""
    return f"{base}api/datasets/:persistentId/?persistentId={quote(dataset, safe=':/')}"


def file_day(name: str) -> dt.date | None:
    """The date in a weekly file's name, if it holds one."""
    for m in DATED.finditer(name):
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            continue
    return None


def read_dataset(path: Path) -> list[dict]:
    """The ``dataFile`` entries of a saved dataset answer; :class:`FetchError` if it is not that shape."""
    try:
        answer = json.loads(path.read_bytes())
        files = answer["data"]["latestVersion"]["files"]
        entries = [dict(f["dataFile"], label=f.get("label")) for f in files]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise FetchError(f"{path.name} is not a Dataverse dataset answer "
                         "(data.latestVersion.files[].dataFile)", kind="index") from None
    return entries


def _checksum(entry: dict) -> str | None:
    found = entry.get("checksum") or {}
    kind, value = str(found.get("type", "")).lower(), found.get("value")
    if kind in ALGORITHMS and isinstance(value, str) and value:
        return f"{kind.replace('-', '')}:{value.lower()}"
    if isinstance(entry.get("md5"), str) and entry["md5"]:
        return f"md5:{entry['md5'].lower()}"
    return None


def polecat_listing(access: Access, keep: Keep) -> Listing:
    """The POLECAT weekly files the run wants, with their sizes and checksums."""
    listing = Listing()
    dataset = access.settings.polecat_dataset
    if access.mode == "folder":
        path = access.local(INDEX)
        if path is None:
            raise FetchError(f"no {INDEX} in {access.folder}: save the Dataverse API's list of the dataset's "
                             f"files as {INDEX} beside them (docs/update.md)", kind="index")
    elif access.mode == "mirror":
        path = access.index_file(INDEX)
        if path is None:
            raise FetchError(f"{INDEX} is not at {access.where}", kind="index")
    else:
        # network mode: the run reads POLECAT from the network only once its dataset is configured
        assert access.base is not None and dataset is not None
        path = access.index_file(INDEX, dataset_url(access.base, dataset))
        if path is None:
            raise FetchError(f"Dataverse at {access.where} has no dataset {dataset}", kind="index")
    base = access.settings.bases.get("polecat") or access.source.base
    assert base is not None     # Dataverse's public address is built in (sources.SOURCES)
    listing.index.append((INDEX, dataset_url(base, dataset) if dataset else None))
    for entry in read_dataset(path):
        name = str(entry.get("filename") or entry.get("label") or "")
        day = file_day(name)
        weekly = bool(name) and "/" not in name and day is not None and name.lower().endswith(SUFFIXES)
        if not weekly or not keep(name, day):
            continue
        original = "?format=original" if entry.get("originalFileFormat") else ""
        api = f"api/access/datafile/{entry.get('id')}{original}"
        url = {"network": f"{access.base}{api}", "mirror": access.url(name), "folder": None}[access.mode]
        size = entry.get("filesize")
        listing.files.append(RemoteFile(access.source.name, name, day, url=url,
                                        size=size if isinstance(size, int) else None,
                                        checksum=_checksum(entry), upstream=f"{base}{api}"))
    return listing
