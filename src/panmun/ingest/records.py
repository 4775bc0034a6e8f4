"""The normalised event record every reader produces, and the record of a rejected row.

Every format is mapped onto the same columns (those of the store's ``events`` table), so
that CAMEO-coded, PLOVER-coded and hand-curated events form one series:

========== =====================================================================
column     meaning
========== =====================================================================
source     the dataset: ``gdelt1``, ``gdelt2``, ``icews``, ``polecat``, ``acled``,
           ``cns-missiles``, ``csv`` (``kb`` for the curated events)
source_id  the record's id within its source (GLOBALEVENTID, Event ID, F1, ...)
line       1-based line of the record's first line in its file
date       the day of the event (``datetime.date``)
actor1/2   actor codes: ISO 3166-1 alpha-3 for states, CAMEO/ panmun codes otherwise
type       panmun's event type (``missile-launch`` ... or ``coded`` for machine-coded)
cameo      CAMEO event code as text, or None (PLOVER-coded sources)
root_code  two-digit CAMEO root, or None
quad_class 1 verbal cooperation, 2 material cooperation, 3 verbal conflict,
           4 material conflict
goldstein  Goldstein weight, -10 (conflict) .. +10 (cooperation)
plover     PLOVER event category
lat, lon   action location in degrees, when the source has it
mentions   news-volume weight (GDELT NumMentions), 1 when the source has none
summary    one line describing the event, built from the source's own fields
source_url the article or source reference, when the source gives one
========== =====================================================================
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

EVENT_COLUMNS: tuple[str, ...] = (
    "source", "source_id", "line", "date", "actor1", "actor2", "type", "cameo", "root_code",
    "quad_class", "goldstein", "plover", "lat", "lon", "mentions", "summary", "source_url",
)
REJECT_COLUMNS: tuple[str, ...] = ("line", "field", "reason", "raw")


@dataclass(frozen=True)
class ReadResult:
    """What a reader made of one file: normalised events, rejected rows, rows read."""

    events: pd.DataFrame    # EVENT_COLUMNS
    rejects: pd.DataFrame   # REJECT_COLUMNS
    rows: int               # data rows read (events + rejects)


def empty_events() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in EVENT_COLUMNS})


def rejects_frame(rows: list[tuple[int | None, str | None, str, str | None]]) -> pd.DataFrame:
    """Rejected rows as a DataFrame: (line, field, reason, raw text)."""
    return pd.DataFrame(rows, columns=list(REJECT_COLUMNS))
