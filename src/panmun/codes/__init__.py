"""Code tables: CAMEO event codes with Goldstein weights, the CAMEO->PLOVER crosswalk, ISO 3166.

The one place for these tables, in the bottom layer so that every layer may use them: the
ingest readers use them to give CAMEO-coded and PLOVER-coded sources one continuous series,
the knowledge-base checks hold the curated events against them, and the store derives quad
classes from them. Sources and licences are in ``codes/data/SOURCE.txt``.
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
    return resources.files("panmun.codes").joinpath("data", name)


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


#: PLOVER event -> quad class, as the CAMEO->PLOVER crosswalk implies it: every CAMEO code
#: mapped onto a PLOVER event has the same quad class (a test checks it). The four events
#: of older PLOVER drafts (DEMAND, DISAPPROVE, INVESTIGATE, FIGHT) follow their CAMEO
#: counterparts (Demand 10, Disapprove 11, Investigate 09, Fight 19). DOCUMENT has none.
PLOVER_QUAD: dict[str, int] = {
    "AGREE": 1, "CONSULT": 1, "SUPPORT": 1,
    "COOPERATE": 2, "AID": 2, "CONCEDE": 2, "RETREAT": 2,
    "ACCUSE": 3, "REQUEST": 3, "REJECT": 3, "THREATEN": 3, "DEMAND": 3, "DISAPPROVE": 3,
    "INVESTIGATE": 3,
    "PROTEST": 4, "MOBILIZE": 4, "SANCTION": 4, "COERCE": 4, "ASSAULT": 4, "FIGHT": 4,
}

#: Other names of states in event datasets (ICEWS, ACLED use names, not codes).
COUNTRY_ALIASES: dict[str, str] = {
    "South Korea": "KOR", "Republic of Korea": "KOR", "Korea": "KOR",
    "North Korea": "PRK", "Democratic People's Republic of Korea": "PRK",
    "United States": "USA", "United States of America": "USA", "Russia": "RUS",
    "China": "CHN", "Taiwan": "TWN", "Japan": "JPN", "Mongolia": "MNG",
}


@lru_cache(maxsize=1)
def plover_goldstein() -> dict[str, float]:
    """PLOVER event -> mean Goldstein weight of the CAMEO codes the crosswalk maps onto it.

    PLOVER has no conflict-cooperation weight of its own; this average puts PLOVER-coded
    events (POLECAT) on the same -10..+10 scale as CAMEO-coded ones. It is an
    approximation, and indices that mix the two say so.
    """
    sums: dict[str, list[float]] = {}
    for code, entry in cameo_codes().items():
        event = plover_for(code)
        if event is not None and len(code) >= 3:
            sums.setdefault(event, []).append(entry.goldstein)
    out = {event: round(sum(v) / len(v), 2) for event, v in sums.items()}
    # events of older PLOVER drafts take the weight of their CAMEO counterpart's root code
    for event, cameo in (("DEMAND", "100"), ("DISAPPROVE", "110"), ("INVESTIGATE", "090"), ("FIGHT", "190")):
        out.setdefault(event, cameo_codes()[cameo].goldstein)
    return out


def country_code(name: str | None) -> str | None:
    """ISO 3166-1 alpha-3 code of a state given by code or name (None when unknown)."""
    if not name:
        return None
    name = name.strip()
    codes = iso3_codes()
    if name.upper() in codes:
        return name.upper()
    if name in COUNTRY_ALIASES:
        return COUNTRY_ALIASES[name]
    for code, short in codes.items():
        if short.lower() == name.lower():
            return code
    return None


def code_tables() -> dict[str, list[dict]]:
    """The code tables as rows, ready to register in DuckDB for set-wise joins."""
    cameo = [{"code": c.code, "description": c.description, "goldstein": c.goldstein,
              "plover": plover_for(c.code)} for c in cameo_codes().values()]
    countries = [{"name": n, "code": c} for c, n in iso3_codes().items()]
    countries += [{"name": n, "code": c} for n, c in COUNTRY_ALIASES.items()]
    countries += [{"name": c, "code": c} for c in iso3_codes()]
    plover = [{"event": e, "quad_class": q, "goldstein": plover_goldstein().get(e)}
              for e, q in PLOVER_QUAD.items()]
    return {"cameo": cameo, "countries": countries, "plover": plover}
