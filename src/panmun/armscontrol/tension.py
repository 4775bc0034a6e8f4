"""Tension for the risk model, read from the environment indices when ingested data is there.

The risk model's tension ``T`` is on a [0, 1] scale whose reference 0.5 is the typical
tension of the calibration record (:data:`panmun.armscontrol.model.T_REF`). From the
store's ingested events (GDELT, ICEWS, POLECAT, ... — not the knowledge base's curated
events) panmun takes the monthly KOR–PRK net-cooperation index of the source with the
most months (:func:`panmun.vectors.history.environment_series`) and sets::

    T = 1 - F(m_recent)

where ``m_recent`` is the mean index over the last ``window`` months with a value and
``F`` the empirical distribution of the same ``window``-month means over the whole
record: a recent year as cooperative as the record's most cooperative gives T near 0,
one as hostile as its most hostile T near 1, a typical one 0.5. With fewer than
:data:`~panmun.vectors.history.MIN_INDEX_MONTHS` months of ingested data there is no
reading (an error that says what to ingest).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from panmun.errors import InputError
from panmun.store.db import Store

WINDOW = 12   # months averaged for the recent reading and for each window of the record


@dataclass(frozen=True)
class TensionReading:
    """Tension in [0, 1] and where it came from."""

    value: float
    source: str
    recent_mean: float
    first_month: str
    last_month: str
    months: int
    window: int


def tension_from_index(store: Store, start: str = "1979-01", end: str | None = None,
                       window: int = WINDOW) -> TensionReading:
    """Tension as the rank of the last ``window`` months' KOR–PRK index in the record."""
    from panmun.months import month_range
    from panmun.vectors.history import MIN_INDEX_MONTHS, environment_series

    end = end or pd.Timestamp.today().strftime("%Y-%m")
    series, source = environment_series(store, month_range(start, end))
    if series is None:
        raise InputError(f"no ingested KOR–PRK event record with {MIN_INDEX_MONTHS} or more months to read "
                         "tension from",
                         hint="Ingest an event dataset first (`panmun ingest gdelt2 FILE ...`), or give "
                              "--tension a number in [0, 1].")
    values = series.dropna()
    windows = values.rolling(window, min_periods=window).mean().dropna()
    if windows.empty:
        raise InputError(f"the ingested record has fewer than {window} months with a value")
    recent = float(windows.iloc[-1])
    value = 1.0 - float(np.mean(windows.to_numpy() <= recent))
    value = min(max(value, 0.0), 1.0)
    return TensionReading(value, str(source), recent, str(values.index[0]), str(values.index[-1]),
                          int(len(values)), window)
