"""Column layouts of the event datasets panmun reads, as their codebooks publish them.

GDELT 1.0 (codebook V1.03, http://data.gdeltproject.org/documentation/GDELT-Data_Format_Codebook.pdf):
daily files since April 2013 have 58 tab-separated fields, the historical files before
that have 57 (no SOURCEURL); no header row. GDELT 2.0 (Event Codebook V2.0): 61 fields,
adding an ADM2 code after each ADM1 code, DATEADDED as YYYYMMDDHHMMSS. The ICEWS,
POLECAT and ACLED layouts follow their published codebooks (see each constant).
"""

from __future__ import annotations

_ACTOR = ("Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code",
          "Religion2Code", "Type1Code", "Type2Code", "Type3Code")
_EVENT = ("IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass",
          "GoldsteinScale", "NumMentions", "NumSources", "NumArticles", "AvgTone")


def _geo(prefix: str, adm2: bool) -> tuple[str, ...]:
    cols = ["Type", "FullName", "CountryCode", "ADM1Code"] + (["ADM2Code"] if adm2 else []) + \
        ["Lat", "Long", "FeatureID"]
    return tuple(f"{prefix}Geo_{c}" for c in cols)


GDELT1_COLUMNS: tuple[str, ...] = (
    ("GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate")
    + tuple(f"Actor1{c}" for c in _ACTOR) + tuple(f"Actor2{c}" for c in _ACTOR) + _EVENT
    + _geo("Actor1", False) + _geo("Actor2", False) + _geo("Action", False)
    + ("DATEADDED", "SOURCEURL")
)
GDELT2_COLUMNS: tuple[str, ...] = (
    ("GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate")
    + tuple(f"Actor1{c}" for c in _ACTOR) + tuple(f"Actor2{c}" for c in _ACTOR) + _EVENT
    + _geo("Actor1", True) + _geo("Actor2", True) + _geo("Action", True)
    + ("DATEADDED", "SOURCEURL")
)
assert len(GDELT1_COLUMNS) == 58 and len(GDELT2_COLUMNS) == 61

#: ICEWS coded event data (Harvard Dataverse, doi:10.7910/DVN/28075), tab-separated, header row.
ICEWS_COLUMNS: tuple[str, ...] = (
    "Event ID", "Event Date", "Source Name", "Source Sectors", "Source Country", "Event Text",
    "CAMEO Code", "Intensity", "Target Name", "Target Sectors", "Target Country", "Story ID",
    "Sentence Number", "Publisher", "City", "District", "Province", "Country", "Latitude", "Longitude",
)

#: POLECAT weekly files (Harvard Dataverse, doi:10.7910/DVN/AJGVIT), tab-separated, header row.
#: The fields panmun needs; the files carry more, and some weeks repeat the header row
#: mid-file or end lines with extra tabs, which the reader tolerates.
POLECAT_REQUIRED: tuple[str, ...] = (
    "Event ID", "Event Date", "Event Type", "Event Mode", "Quad Code", "Actor Country",
    "Recipient Country", "Latitude", "Longitude",
)

#: ACLED exports before March 2023 (with data_id and iso3) and after (with disorder_type,
#: civilian_targeting and tags; numeric iso only). Both are comma-separated with a header.
ACLED_OLD_MARKERS: tuple[str, ...] = ("data_id", "iso3")
ACLED_NEW_MARKERS: tuple[str, ...] = ("disorder_type",)
ACLED_REQUIRED: tuple[str, ...] = (
    "event_id_cnty", "event_date", "event_type", "sub_event_type", "actor1", "actor2",
    "country", "latitude", "longitude", "notes", "fatalities",
)

#: panmun's own plain layout for a team's events (comma-separated, header row, UTF-8).
#: Required: id, date (YYYY-MM-DD), actor1, cameo or plover, source_url; optional: actor2,
#: type, goldstein (default: the CAMEO code's weight), lat, lon, summary.
CSV_REQUIRED: tuple[str, ...] = ("id", "date", "actor1", "source_url")
CSV_OPTIONAL: tuple[str, ...] = ("actor2", "type", "cameo", "plover", "goldstein", "lat", "lon", "summary")
