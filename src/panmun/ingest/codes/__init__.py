"""Code tables: CAMEO event codes with Goldstein weights, the CAMEO->PLOVER crosswalk, ISO 3166.

The one place for these tables: the ingest readers use them to give CAMEO-coded and
PLOVER-coded sources one continuous series, and the knowledge-base validator checks the
curated events against them. Sources and licences are in ``ingest/codes/data/SOURCE.txt``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

PLOVER_EVENTS = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT",
    "REQUEST", "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE",
    "COERCE", "ASSAULT",
    # older PLOVER draft categories still found in the crosswalk and gold-standard records
    "DEMAND", "DISAPPROVE", "INVESTIGATE", "FIGHT", "DOCUMENT",
)


@dataclass(frozen=True)
class CameoCode:
    """One CAMEO event code: its description and Goldstein weight (-10 conflict .. +10 cooperation)."""

    code: str
    description: str
    goldstein: float


def _data_file(name: str):
    return resources.files("panmun.ingest.codes").joinpath("data", name)


@lru_cache(maxsize=1)
def cameo_codes() -> dict[str, CameoCode]:
    """All CAMEO event codes, keyed by code ("043")."""
    out: dict[str, CameoCode] = {}
    with _data_file("cameo_goldstein.tsv").open(encoding="utf-8") as fh:
        reader = csv.reader(fh, delimiter="\t")
        next(reader)  # header: code, description, goldstein
        for code, description, goldstein in reader:
            out[code] = CameoCode(code, description, float(goldstein))
    return out


@lru_cache(maxsize=1)
def cameo_to_plover() -> dict[str, str]:
    """CAMEO code -> PLOVER event, from the 2021 conversion table (draft 0.8)."""
    out: dict[str, str] = {}
    with _data_file("CAMEO2PLOVER-2021.txt").open(encoding="utf-8") as fh:
        for raw in fh:
            line = raw.split("#", 1)[0].strip()
            if ":" not in line:
                continue
            code, rest = line.split(":", 1)
            event = rest.split(",", 1)[0].strip()
            if code.strip().isdigit() and event:
                out[code.strip()] = event
    return out


def plover_for(cameo: str) -> str | None:
    """The PLOVER event of a CAMEO code, falling back to its parent codes (0312 -> 031 -> 03)."""
    table = cameo_to_plover()
    code = cameo
    while code:
        if code in table:
            return table[code]
        code = code[:-1]
        if len(code) < 2:
            break
    return None


@lru_cache(maxsize=1)
def iso3_codes() -> dict[str, str]:
    """ISO 3166-1 alpha-3 code -> English short name."""
    out: dict[str, str] = {}
    with _data_file("iso3166-alpha3.tsv").open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            code, name = line.rstrip("\n").split("\t", 1)
            out[code] = name
    return out


def quad_class(cameo: str) -> int:
    """GDELT's quad class of a CAMEO code, from its two-digit root.

    1 verbal cooperation (roots 01-05), 2 material cooperation (06-08),
    3 verbal conflict (09-13), 4 material conflict (14-20).
    """
    root = int(cameo[:2])
    if not 1 <= root <= 20:
        raise ValueError(f"CAMEO code {cameo!r} has no root 01-20")
    return 1 if root <= 5 else 2 if root <= 8 else 3 if root <= 13 else 4
